from odoo.tests import Form, TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoWalk(TransactionCase):
    """The demo database's made-to-order quotation walks the whole flow with no
    Next Stage: confirm, manufacture, deliver, invoice, pay."""

    def finish(self, action):
        """Answer Odoo's question dialogs as a user would (the consumption warning
        of components not in stock, the delivery's SMS question)."""
        if not isinstance(action, dict) or action.get("res_model") is None:
            return
        wizard = self.env[action["res_model"]].with_context(**action.get("context", {}))
        if action.get("res_id"):
            wizard.browse(action["res_id"]).dont_send_sms()
        else:
            Form.from_action(self.env, action).save().action_confirm()

    def test_made_to_order_demo_quotation(self):
        order = self.env.ref("order_governance_mrp.demo_order_made_to_order")
        self.assertEqual(order.governance_stage_id.code, "received")
        order.action_confirm()
        production = order.mrp_production_ids
        self.assertEqual(len(production), 1)
        production.action_start()
        self.assertEqual(order.governance_stage_id.code, "production")
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
