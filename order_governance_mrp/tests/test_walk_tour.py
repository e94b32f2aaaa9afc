from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestDemoWalkTour(HttpCase):
    """The demo's made-to-order quotation, from quotation to paid, walked in the
    browser by the people of each department, each in his own app, with the
    rights and e-mail address the demo gives them."""

    def test_each_department_in_its_own_app(self):
        order = self.env.ref(
            "order_governance_mrp.demo_order_made_to_order", raise_if_not_found=False
        )
        if not order:
            self.skipTest("demo data not installed")
        # the one-time question about SMS confirmations, answered before
        if "has_received_warning_stock_sms" in order.company_id._fields:
            order.company_id.has_received_warning_stock_sms = True

        def user(xmlid):
            return self.env.ref(f"order_governance.{xmlid}")

        self.start_tour(
            f"/odoo/action-sale.action_orders/{order.id}",
            "order_governance_walk_confirm_tour",
            login=order.user_id.login,
        )
        self.assertEqual(order.state, "sale")
        production = order.mrp_production_ids
        self.assertEqual(len(production), 1)
        self.start_tour(
            f"/odoo/action-mrp.mrp_production_action/{production.id}",
            "order_governance_walk_produce_tour",
            login=user("user_production_worker").login,
        )
        self.assertEqual(production.state, "done")
        # ... and, once Production ticked its exit criterion, on to Shipping
        self.assertEqual(order.governance_stage_id.code, "shipping")
        delivery = order.picking_ids.filtered(lambda p: p.state != "done")
        self.assertEqual(len(delivery), 1)
        shipper = order.responsible_user_id
        self.assertTrue(shipper.has_group("stock.group_stock_user"))
        self.start_tour(
            f"/odoo/action-stock.action_picking_tree_all/{delivery.id}",
            "order_governance_walk_deliver_tour",
            login=shipper.login,
        )
        self.assertEqual(delivery.state, "done")
        self.assertEqual(order.governance_stage_id.code, "invoicing")
        finance = user("user_finance_clerk")
        self.start_tour(
            f"/odoo/action-sale.action_orders/{order.id}",
            "order_governance_walk_invoice_tour",
            login=finance.login,
        )
        self.assertEqual(order.governance_stage_id.code, "done")
        # each move recorded with the person whose action raised it
        self.assertEqual(
            [log.moved_by_id.login for log in order.stage_log_ids.sorted("id")[-3:]],
            [user("user_production_worker").login, shipper.login, finance.login],
        )
