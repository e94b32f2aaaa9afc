from odoo.tests import Form, TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoWalk(TransactionCase):
    """The demo database's made-to-order quotation walks the whole flow with no
    Next Stage: confirm, manufacture, deliver, invoice, pay."""

    def finish(self, action, env=None):
        """Answer Odoo's question dialogs as a user would (the consumption warning
        of components not in stock, the delivery's SMS question)."""
        env = env or self.env
        if not isinstance(action, dict) or action.get("res_model") is None:
            return
        wizard = env[action["res_model"]].with_context(**action.get("context", {}))
        if action.get("res_id"):
            wizard.browse(action["res_id"]).dont_send_sms()
        else:
            Form.from_action(env, action).save().action_confirm()

    def tick_materials_reserved(self, order, user=None):
        """Production's exit criterion of the demo, ticked by hand: the event of
        the finished manufacturing order does not pass an unmet one."""
        line = order.governance_check_line_ids.filtered(
            lambda ln: ln.name == "Materials reserved"
        )
        line.with_user(user or self.env.user).action_tick()

    def test_made_to_order_demo_quotation(self):
        order = self.env.ref("order_governance_mrp.demo_order_made_to_order")
        self.assertEqual(order.governance_stage_id.code, "received")
        order.action_confirm()
        production = order.mrp_production_ids
        self.assertEqual(len(production), 1)
        production.action_start()
        self.assertEqual(order.governance_stage_id.code, "production")
        self.tick_materials_reserved(order)
        # the production responsible took the manufacturing order
        self.assertEqual(production.user_id, order.responsible_user_id)
        production.qty_producing = production.product_qty
        production.move_raw_ids.picked = True
        self.finish(production.button_mark_done())
        self.assertEqual(production.state, "done")
        self.assertEqual(order.governance_stage_id.code, "shipping")
        delivery = order.picking_ids.filtered(lambda p: p.state != "done")
        self.assertEqual(delivery.user_id, order.responsible_user_id)
        self.finish(delivery.button_validate())
        self.assertEqual(order.governance_stage_id.code, "invoicing")
        invoice = order._create_invoices()
        invoice.action_post()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        self.assertEqual(order.governance_stage_id.code, "done")
        self.assertEqual(
            order.stage_log_ids.sorted("id").stage_id.mapped("code"),
            ["received", "confirmed", "production", "shipping", "invoicing", "done"],
        )

    def test_demo_people_walk_the_order_each_in_his_app(self):
        """Each demo user does his part with the rights the demo gives him (and
        his e-mail address): the salesperson confirms, production produces in
        Manufacturing, logistics validates in Inventory, finance invoices and
        registers the payment. No error, no superuser."""
        order = self.env.ref("order_governance_mrp.demo_order_made_to_order")
        seller = order.user_id
        self.assertEqual(seller.login, "og_sales_manager")
        order.with_user(seller).action_confirm()
        # Manufacturing: the production person the order went to
        worker = self.env.ref("order_governance.user_production_worker")
        production = order.mrp_production_ids.with_user(worker)
        production.action_start()
        self.assertEqual(order.governance_stage_id.code, "production")
        maker = order.responsible_user_id
        self.assertTrue(maker.has_group("mrp.group_mrp_user"))
        self.assertTrue(maker.email)
        self.tick_materials_reserved(order, maker)
        production = production.with_user(maker)
        production.qty_producing = production.product_qty
        production.move_raw_ids.picked = True
        self.finish(production.button_mark_done(), production.env)
        self.assertEqual(order.governance_stage_id.code, "shipping")
        # Inventory: the shipping person validates the delivery
        shipper = order.responsible_user_id
        self.assertTrue(shipper.has_group("stock.group_stock_user"))
        delivery = order.picking_ids.filtered(lambda p: p.state != "done")
        delivery = delivery.with_user(shipper)
        self.finish(delivery.button_validate(), delivery.env)
        self.assertEqual(order.governance_stage_id.code, "invoicing")
        # Invoicing: the finance person invoices and registers the payment
        finance = self.env.ref("order_governance.user_finance_clerk")
        env = self.env(user=finance)
        env["sale.advance.payment.inv"].with_context(
            active_model="sale.order", active_ids=order.ids
        ).create({"advance_payment_method": "delivered"}).create_invoices()
        invoice = order.invoice_ids
        invoice.with_user(finance).action_post()
        env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        self.assertEqual(order.governance_stage_id.code, "done")
        self.assertEqual(order.stage_log_ids.sorted("id")[-1].moved_by_id, finance)
