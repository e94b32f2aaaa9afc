from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import OrderGovernanceCase


@tagged("post_install", "-at_install")
class TestMoves(OrderGovernanceCase):
    def assert_contiguous(self, order):
        logs = order.stage_log_ids.sorted("id")
        for before, after in zip(logs, logs[1:], strict=False):
            self.assertEqual(before.date_out, after.date_in)
            self.assertEqual(after.previous_stage_id, before.stage_id)
        self.assertEqual(len(logs.filtered(lambda log: not log.date_out)), 1)
        self.assertEqual(logs[-1].stage_id, order.governance_stage_id)

    def test_next_stage(self):
        """Next moves to the next stage by sequence and records the handoff."""
        order = self.create_order()
        order.action_confirm()
        self.assertEqual(order.responsible_department_id, self.dep_omc)
        self.assertEqual(order.responsible_user_id, self.officer)
        order.with_user(self.officer).action_governance_next()
        self.assertEqual(order.governance_stage_id, self.stage_production)
        self.assertEqual(order.responsible_department_id, self.dep_production)
        self.assertEqual(order.responsible_user_id, self.prod_manager)
        log = self.open_logs(order)
        self.assertEqual(log.moved_by_id, self.officer)
        self.assertEqual(log.previous_stage_id, self.stage_confirmed)
        self.assert_contiguous(order)

    def test_quotation_reaches_confirmed_by_its_confirmation(self):
        """Next, a kanban drop or RPC never put a quotation in the stage of the
        confirmation: the stage and the order's state never disagree."""
        order = self.create_order()
        seller = order.with_user(self.sales_user)
        self.assertTrue(seller.governance_awaits_confirmation)
        with self.assertRaisesRegex(UserError, "still a quotation"):
            seller.action_governance_next()
        with self.assertRaisesRegex(UserError, "still a quotation"):
            seller.write({"governance_stage_id": self.stage_confirmed.id})
        with self.assertRaisesRegex(UserError, "still a quotation"):
            order.with_user(self.officer).governance_move(
                self.stage_confirmed, reason="skip", force=True
            )
        self.assertEqual(order.governance_stage_id, self.stage_received)
        seller.action_confirm()
        self.assertEqual(order.governance_stage_id, self.stage_confirmed)
        self.assertFalse(seller.governance_awaits_confirmation)

    def test_handoff_out_of_sight_leaves_the_form(self):
        """An executor who hands over an order he can no longer see is sent to the
        Order Desk instead of a form he may not read."""
        order = self.put_in(self.create_order(), self.stage_production)
        action = order.with_user(self.prod_worker2).action_governance_next()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(
            action["params"]["next"]["id"],
            self.env.ref("order_governance.sale_order_action_order_desk").id,
        )
        staying = self.create_order()
        staying.action_confirm()
        self.assertIs(staying.with_user(self.officer).action_governance_next(), True)

    def test_handoff_message(self):
        """Each move posts a chatter message naming the stage, with tracking."""
        order = self.create_order()
        self.flush_tracking()  # as if created in an earlier transaction
        order.action_governance_next()
        self.flush_tracking()
        message = order.message_ids[:1]
        self.assertIn("Moved to Confirmed", message.body)
        self.assertIn(
            "governance_stage_id", message.tracking_value_ids.field_id.mapped("name")
        )

    def test_full_flow_contiguous(self):
        """Walking the whole flow leaves a contiguous history with one open row."""
        order = self.create_order()
        for _step in range(4):
            order.action_governance_next()
        self.assertEqual(order.governance_stage_id, self.stage_done)
        self.assertEqual(len(order.stage_log_ids), 5)
        self.assert_contiguous(order)

    def test_final_stage_has_no_next(self):
        """A final stage has no next stage: clear UserError, nothing written."""
        order = self.put_in(self.create_order(), self.stage_done)
        logs = order.stage_log_ids
        with self.assertRaisesRegex(UserError, "final stage Done"):
            order.action_governance_next()
        self.assertEqual(order.stage_log_ids, logs)

    def test_next_skips_cancel_stage(self):
        """Cancel stages are never 'next'."""
        self.stage_cancelled.sequence = 35
        order = self.put_in(self.create_order(), self.stage_production)
        order.action_governance_next()
        self.assertEqual(order.governance_stage_id, self.stage_shipping)

    def test_send_back_needs_reason(self):
        """Going back is rework: refused without a reason, nothing written."""
        order = self.put_in(self.create_order(), self.stage_production)
        logs = order.stage_log_ids
        with self.assertRaisesRegex(UserError, "rework: give a reason"):
            order.governance_move(self.stage_confirmed)
        self.assertEqual(order.stage_log_ids, logs)
        self.assertEqual(order.governance_stage_id, self.stage_production)
        self.assertEqual(order.rework_count, 0)

    def test_send_back_with_reason(self):
        """Rework with a reason: counted, flagged on the log row, reason kept."""
        order = self.put_in(self.create_order(), self.stage_production)
        order.governance_move(self.stage_confirmed, reason="Missing drawing")
        self.assertEqual(order.governance_stage_id, self.stage_confirmed)
        self.assertEqual(order.rework_count, 1)
        log = self.open_logs(order)
        self.assertTrue(log.is_rework)
        self.assertEqual(log.reason, "Missing drawing")
        self.assert_contiguous(order)

    def test_send_back_wizard(self):
        """The Send Back wizard offers earlier stages and moves with the reason."""
        order = self.put_in(self.create_order(), self.stage_production)
        action = order.action_governance_send_back()
        wizard = (
            self.env[action["res_model"]]
            .with_context(**action["context"])
            .create({"stage_id": self.stage_received.id, "reason": "Start over"})
        )
        self.assertEqual(
            wizard.allowed_stage_ids, self.stage_received | self.stage_confirmed
        )
        wizard.action_send_back()
        self.assertEqual(order.governance_stage_id, self.stage_received)
        self.assertEqual(order.rework_count, 1)

    def test_write_stage_runs_same_path(self):
        """Writing governance_stage_id (kanban drag and drop) is a checked move."""
        order = self.create_order()
        order.action_confirm()
        order.with_user(self.officer).write(
            {"governance_stage_id": self.stage_production.id}
        )
        self.assertEqual(len(order.stage_log_ids), 3)
        self.assert_contiguous(order)
        with self.assertRaises(UserError):
            order.write({"governance_stage_id": self.stage_confirmed.id})
        self.assertEqual(order.governance_stage_id, self.stage_production)

    def test_cancel_stage_only_for_officers(self):
        """Only officers move an order into a cancel stage by hand."""
        order = self.create_order()
        with self.assertRaises(AccessError):
            order.with_user(self.sales_user).governance_move(self.stage_cancelled)
        order.with_user(self.officer).governance_move(self.stage_cancelled)
        self.assertEqual(order.governance_stage_id, self.stage_cancelled)
        with self.assertRaisesRegex(UserError, "cancelled"):
            order.action_governance_next()


@tagged("post_install", "-at_install")
class TestEventMoves(OrderGovernanceCase):
    def test_confirmation_moves_to_confirmed(self):
        """Confirming the order pulls it into the 'confirmed' event stage."""
        order = self.create_order()
        order.with_user(self.sales_user).action_confirm()
        self.assertEqual(order.governance_stage_id, self.stage_confirmed)
        log = self.open_logs(order)
        self.assertEqual(log.moved_by_id, self.sales_user)

    def test_event_never_goes_backwards(self):
        """An event stage behind the current stage is not entered."""
        order = self.put_in(self.create_order(), self.stage_production)
        order.action_confirm()
        self.assertEqual(order.governance_stage_id, self.stage_production)

    def test_cancel_event_from_any_stage(self):
        """Cancelling an order moves it into the cancel stage, even backwards."""
        order = self.put_in(self.create_order(), self.stage_shipping)
        order.with_user(self.sales_user)._action_cancel()
        self.assertEqual(order.governance_stage_id, self.stage_cancelled)
        self.assertEqual(order.rework_count, 0)

    def test_quotation_sent_event(self):
        """A stage with the 'quotation sent' event pulls sent quotations in."""
        quoted = self.env["order.governance.stage"].create(
            {
                "name": "Quoted",
                "sequence": 15,
                "company_id": self.company.id,
                "sale_event": "quotation_sent",
                "responsible_department_id": self.dep_sales.id,
            }
        )
        order = self.create_order()
        order.action_quotation_sent()
        self.assertEqual(order.governance_stage_id, quoted)

    def test_invoiced_event(self):
        """Posting the invoice of a fully invoiced order pulls it into 'invoiced'."""
        invoicing = self.env["order.governance.stage"].create(
            {
                "name": "Invoicing",
                "sequence": 50,
                "company_id": self.company.id,
                "sale_event": "invoiced",
                "responsible_department_id": self.dep_omc.id,
            }
        )
        self.env["account.chart.template"].try_loading(
            "generic_coa", company=self.company, install_demo=False
        )
        self.product.invoice_policy = "order"
        order = self.create_order()
        order.action_confirm()
        invoice = order._create_invoices()
        self.assertEqual(order.governance_stage_id, self.stage_confirmed)
        invoice.action_post()
        self.assertEqual(order.governance_stage_id, invoicing)
