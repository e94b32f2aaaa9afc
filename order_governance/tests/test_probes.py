"""The probes of a curious employee: each must be refused or change nothing."""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import OrderGovernanceCase


@tagged("post_install", "-at_install")
class TestWriteGuard(OrderGovernanceCase):
    def assert_unchanged(self, order, snapshot):
        order.invalidate_recordset()
        for fname, value in snapshot.items():
            self.assertEqual(order[fname], value, fname)

    def snapshot(self, order):
        fields = [
            "governance_stage_id",
            "responsible_department_id",
            "responsible_user_id",
            "stage_entered_at",
            "stage_deadline",
            "sla_status",
            "rework_count",
            "governance_on_hold",
        ]
        return {fname: order[fname] for fname in fields}

    def test_governed_fields_refused_to_executors(self):
        """An executor cannot write a governed field, not even of an order he sees."""
        order = self.put_in(self.create_order(), self.stage_production)
        before = self.snapshot(order)
        probes = {
            "responsible_user_id": self.sales_user.id,
            "responsible_department_id": self.dep_sales.id,
            "stage_deadline": "2030-01-01 00:00:00",
            "stage_entered_at": "2020-01-01 00:00:00",
            "sla_status": "on_track",
            "rework_count": 0,
            "governance_on_hold": True,
        }
        for fname, value in probes.items():
            with self.subTest(field=fname), self.assertRaises(AccessError):
                order.with_user(self.prod_worker1).write({fname: value})
        self.assert_unchanged(order, before)

    def test_governed_fields_refused_to_officers(self):
        """Not even an officer writes a governed field: the engine does."""
        order = self.put_in(self.create_order(), self.stage_production)
        with self.assertRaises(AccessError):
            order.with_user(self.officer).write(
                {"responsible_user_id": self.officer.id}
            )
        with self.assertRaises(AccessError):
            order.with_user(self.officer).write({"stage_log_ids": [Command.clear()]})

    def test_no_context_key_opens_the_guard(self):
        """Context keys from the client (the old internal flag, the engine's key as
        a string) neither open the guard nor skip the move's checks."""
        order = self.put_in(self.create_order(), self.stage_production)
        before = self.snapshot(order)
        for context in (
            {"governance_internal_move": True},
            {"governance_engine": "1"},
            {"governance_engine": True},
        ):
            as_worker = order.with_user(self.prod_worker1).with_context(**context)
            with self.subTest(context=context), self.assertRaises(AccessError):
                as_worker.write({"responsible_user_id": self.prod_worker1.id})
            with self.subTest(context=context), self.assertRaises(UserError):
                as_worker.write({"governance_stage_id": self.stage_done.id})
        self.assert_unchanged(order, before)
        self.assertEqual(len(self.open_logs(order)), 1)

    def test_create_with_governed_values_refused(self):
        """A new order cannot be created with a responsible or a deadline."""
        with self.assertRaises(AccessError):
            self.env["sale.order"].with_user(self.sales_user).create(
                {
                    "partner_id": self.partner.id,
                    "company_id": self.company.id,
                    "responsible_user_id": self.sales_user.id,
                }
            )

    def test_form_still_saves(self):
        """The web client's form (defaults of governed fields included) saves."""
        with Form(self.env["sale.order"].with_user(self.sales_user)) as form:
            form.partner_id = self.partner
        self.assertEqual(form.record.governance_stage_id, self.stage_received)


@tagged("post_install", "-at_install")
class TestOneStageAtATime(OrderGovernanceCase):
    def test_no_skipping_forward(self):
        """The responsible person cannot jump Production -> Done, by any path."""
        order = self.put_in(self.create_order(), self.stage_production)
        as_worker = order.with_user(self.prod_worker1)
        with self.assertRaises(UserError):
            as_worker.governance_move(self.stage_done)
        with self.assertRaises(UserError):
            as_worker.write({"governance_stage_id": self.stage_done.id})
        wizard = (
            self.env["order.governance.send.back"]
            .with_user(self.prod_worker1)
            .create(
                {
                    "order_ids": [Command.set(order.ids)],
                    "stage_id": self.stage_done.id,
                    "reason": "skip it",
                }
            )
        )
        with self.assertRaises(UserError):
            wizard.action_send_back()
        self.assertEqual(order.governance_stage_id, self.stage_production)
        self.assertEqual(len(order.stage_log_ids), 2)

    def test_next_stage_by_move_is_allowed(self):
        """Moving to the next stage by governance_move is a normal handoff."""
        order = self.put_in(self.create_order(), self.stage_production)
        order.with_user(self.prod_worker1).governance_move(self.stage_shipping)
        self.assertEqual(order.governance_stage_id, self.stage_shipping)

    def test_officer_forces_a_jump_with_reason(self):
        """An officer may jump, only as a forced move with a reason, marked forced."""
        order = self.put_in(self.create_order(), self.stage_production)
        as_officer = order.with_user(self.officer)
        with self.assertRaises(UserError):
            as_officer.governance_move(self.stage_done)
        with self.assertRaises(UserError):
            as_officer.governance_move(self.stage_done, force=True)
        as_officer.governance_move(
            self.stage_done, reason="customer took it", force=True
        )
        self.assertEqual(order.governance_stage_id, self.stage_done)
        self.assertTrue(self.open_logs(order).forced)

    def test_leaving_cancel_stage_is_an_officers_move(self):
        """A member of the cancel stage's department cannot take a cancelled order
        back into production; an officer can, as a forced move."""
        order = self.create_order()
        order.action_confirm()
        order.sudo()._action_cancel()
        self.assertEqual(order.governance_stage_id, self.stage_cancelled)
        omc_member = self._person(
            "omc_member", "order_governance.group_governance_user", self.dep_omc
        )
        with self.assertRaises(AccessError):
            order.with_user(omc_member).governance_move(
                self.stage_production, reason="back to work"
            )
        self.assertEqual(order.governance_stage_id, self.stage_cancelled)
        order.with_user(self.officer).governance_move(
            self.stage_production, reason="customer changed his mind", force=True
        )
        self.assertEqual(order.governance_stage_id, self.stage_production)

    def test_set_to_quotation_reenters_the_flow(self):
        """Set to Quotation on a cancelled order re-enters the first stage."""
        order = self.create_order()
        order.action_confirm()
        order.sudo()._action_cancel()
        order.action_draft()
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.governance_stage_id, self.stage_received)
        stay = self.open_logs(order)
        self.assertEqual(stay.previous_stage_id, self.stage_cancelled)
        self.assertFalse(stay.is_rework)


@tagged("post_install", "-at_install")
class TestCancelIsGoverned(OrderGovernanceCase):
    def test_executor_cannot_cancel_a_confirmed_order(self):
        """A logistics clerk who sees a confirmed order cannot cancel it."""
        order = self.create_order()
        order.action_confirm()
        self.put_in(order, self.stage_shipping)
        as_clerk = order.with_user(self.log_worker)
        self.assertTrue(as_clerk.has_access("read"))
        with self.assertRaises(AccessError):
            as_clerk.action_cancel()
        with self.assertRaises(AccessError):
            as_clerk.write({"state": "cancel"})
        wizard = as_clerk.env["sale.mass.cancel.orders"].create(
            {"sale_order_ids": [Command.set(order.ids)]}
        )
        with self.assertRaises(AccessError):
            wizard.action_mass_cancel()
        self.assertEqual(order.state, "sale")

    def test_owner_manager_and_officer_cancel(self):
        """The owning department's manager (and officers) cancel confirmed orders."""
        order = self.create_order()
        order.action_confirm()
        order.with_user(self.sales_manager)._action_cancel()
        self.assertEqual(order.state, "cancel")

    def test_salesperson_cancels_a_quotation(self):
        """Quotations stay cancellable by their salesperson."""
        order = self.create_order()
        order.with_user(self.sales_user)._action_cancel()
        self.assertEqual(order.state, "cancel")


@tagged("post_install", "-at_install")
class TestStaleClick(OrderGovernanceCase):
    def test_next_stage_refuses_a_stale_click(self):
        """Next Stage with the stage the user saw refuses once the order moved on,
        naming where it is now."""
        order = self.put_in(self.create_order(), self.stage_production)
        seen = order.governance_stage_id.id
        order.with_user(self.prod_worker1).action_governance_next()
        stale = order.with_user(self.officer).with_context(
            governance_expected_stage_id=seen
        )
        with self.assertRaisesRegex(UserError, "Shipping"):
            stale.action_governance_next()
        self.assertEqual(order.governance_stage_id, self.stage_shipping)

    def test_expected_stage_of_a_wrong_type(self):
        """A context value that is not a stage id is refused clearly."""
        order = self.create_order()
        with self.assertRaises(UserError):
            order.with_context(
                governance_expected_stage_id="abc"
            ).action_governance_next()


@tagged("post_install", "-at_install")
class TestHistoryOutlivesOrder(OrderGovernanceCase):
    def test_order_with_handoffs_cannot_be_deleted(self):
        """An order that has been handed over keeps its history: no deletion."""
        order = self.create_order()
        order.action_confirm()
        order.sudo()._action_cancel()
        stays = order.stage_log_ids
        with self.assertRaises(UserError):
            order.unlink()
        self.assertTrue(stays.exists())

    def test_fresh_quotation_can_be_deleted(self):
        """A quotation still in its first stay is deleted with that stay."""
        order = self.create_order()
        stay = order.stage_log_ids
        order.unlink()
        self.assertFalse(stay.exists())


@tagged("post_install", "-at_install")
class TestRpcArguments(OrderGovernanceCase):
    def test_bad_arguments_are_user_errors(self):
        """Public methods called over RPC with wrong types end in a UserError."""
        order = self.put_in(self.create_order(), self.stage_production)
        as_officer = order.with_user(self.officer)
        probes = [
            lambda: as_officer.governance_move("abc"),
            lambda: as_officer.governance_move([1, 2]),
            lambda: as_officer.governance_move(999999),
            lambda: as_officer.governance_move(self.stage_shipping.id, reason=42),
            lambda: as_officer.governance_move(self.stage_shipping.id, force="yes"),
            lambda: as_officer.governance_reassign(999999),
            lambda: as_officer.governance_reassign("production"),
            lambda: as_officer.governance_reassign(self.dep_production.id, user="x"),
            lambda: as_officer.governance_hold("waiting"),
            lambda: as_officer.governance_hold(False),
        ]
        for index, probe in enumerate(probes):
            with self.subTest(probe=index), self.assertRaises(UserError):
                probe()
        self.assertEqual(order.governance_stage_id, self.stage_production)

    def test_ids_work_like_records(self):
        """Ids are accepted where records are (what RPC can send)."""
        order = self.put_in(self.create_order(), self.stage_production)
        order.with_user(self.prod_worker1).governance_move(self.stage_shipping.id)
        self.assertEqual(order.governance_stage_id, self.stage_shipping)
        order.with_user(self.officer).governance_reassign(self.dep_logistics.id)
        self.assertEqual(order.responsible_department_id, self.dep_logistics)

    def test_reassign_refuses_another_companys_department(self):
        """A company-A order cannot be given to a company-B department."""
        other = self.env["res.company"].create({"name": "Other Co"})
        foreign = self.env["hr.department"].create(
            {"name": "Foreign Production", "company_id": other.id}
        )
        order = self.put_in(self.create_order(), self.stage_production)
        with self.assertRaises(UserError):
            order.with_user(self.officer).governance_reassign(foreign.id)
        self.assertEqual(order.responsible_department_id, self.dep_production)


@tagged("post_install", "-at_install")
class TestReviewProbes(OrderGovernanceCase):
    def test_context_defaults_set_no_governed_value(self):
        """default_* keys (a kanban column's, or forged) set no governed field and
        fill none of the records the engine creates."""
        forged = {
            "default_governance_stage_id": self.stage_done.id,
            "default_responsible_user_id": self.sales_user.id,
            "default_responsible_department_id": self.dep_logistics.id,
            "default_sla_status": "on_track",
        }
        order = (
            self.env["sale.order"]
            .with_user(self.sales_user)
            .with_context(**forged)
            .create({"partner_id": self.partner.id, "company_id": self.company.id})
        )
        self.assertEqual(order.governance_stage_id, self.stage_received)
        self.assertEqual(order.responsible_department_id, self.dep_sales)
        self.assertEqual(order.sla_status, "none")
        self.assertEqual(len(self.open_logs(order)), 1)
        order.action_confirm()
        self.stage_production.check_ids = [Command.create({"name": "Specs read"})]
        order.with_user(self.officer).with_context(
            default_done=True,
            default_date_out="2000-01-01 00:00:00",
            default_escalation_level=3,
        ).action_governance_next()
        stay = self.open_logs(order)
        self.assertEqual(stay.stage_id, self.stage_production)
        self.assertFalse(stay.escalation_level)
        self.assertFalse(order.governance_check_line_ids.done)

    def test_activity_cannot_be_linked_to_a_stay(self):
        """Clients cannot tie an activity to a stay (closing it would delete it)."""
        order = self.put_in(self.create_order(), self.stage_production)
        activity = order.activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.prod_worker1.id
        )
        with self.assertRaises(AccessError):
            activity.with_user(self.prod_worker1).write(
                {"governance_log_id": self.open_logs(order).id}
            )

    def test_raw_state_write_does_not_revive_a_cancelled_order(self):
        """A raw write of the state cannot take an order out of cancel."""
        order = self.create_order()
        order.sudo()._action_cancel()
        with self.assertRaises(AccessError):
            order.with_user(self.sales_manager).write({"state": "sale"})
        self.assertEqual(order.governance_stage_id, self.stage_cancelled)

    def test_manager_cannot_take_over_another_departments_order(self):
        """A manager changes the owner of his departments' orders only."""
        order = self.put_in(self.create_order(), self.stage_production)
        with self.assertRaises(AccessError):
            order.with_user(self.prod_manager).owner_department_id = self.dep_production
        self.assertEqual(order.owner_department_id, self.dep_sales)

    def test_reassign_to_the_department_as_a_whole(self):
        """Reassigning without a person works and leaves nobody's to-do; a person
        later gets one."""
        order = self.put_in(self.create_order(), self.stage_production)
        stay = self.open_logs(order)
        self.assertTrue(stay.activity_id)
        wizard = (
            self.env["order.governance.reassign"]
            .with_user(self.prod_manager)
            .create(
                {
                    "order_ids": [Command.set(order.ids)],
                    "department_id": self.dep_production.id,
                    # the wizard starts from the current person: the manager clears it
                    "user_id": False,
                }
            )
        )
        wizard.action_reassign()
        self.assertFalse(order.responsible_user_id)
        self.assertFalse(stay.activity_id)
        order.with_user(self.prod_manager).governance_reassign(
            self.dep_production, self.prod_worker2
        )
        self.assertEqual(stay.activity_id.user_id, self.prod_worker2)

    def test_tracking_switches_of_the_client_are_ignored(self):
        """A client's tracking_disable does not hide a handoff from the chatter."""
        order = self.create_order()
        self.flush_tracking()
        order.with_context(tracking_disable=True).action_governance_next()
        self.flush_tracking()
        self.assertIn("Moved to Confirmed", order.message_ids[:1].body)
