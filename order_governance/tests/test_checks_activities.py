from odoo import Command
from odoo.exceptions import AccessError, RedirectWarning, UserError
from odoo.tests import tagged

from .common import OrderGovernanceCase


@tagged("post_install", "-at_install")
class TestExitCriteria(OrderGovernanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_production.check_ids = [
            Command.create({"name": "Drawing approved", "sequence": 1}),
            Command.create(
                {
                    "name": "Customer reference known",
                    "sequence": 2,
                    "domain": "[('client_order_ref', '!=', False)]",
                }
            ),
            Command.create({"name": "Photos taken", "sequence": 3, "required": False}),
        ]

    def lines(self, order):
        return {line.name: line for line in order.governance_check_line_ids}

    def test_lines_created_on_entry(self):
        """Entering a stage gives the order one line per check of the stage."""
        order = self.put_in(self.create_order(), self.stage_production)
        self.assertEqual(
            set(self.lines(order)),
            {"Drawing approved", "Customer reference known", "Photos taken"},
        )

    def test_unmet_required_checks_block(self):
        """Leaving forward with unmet required checks names every one of them."""
        order = self.put_in(self.create_order(), self.stage_production)
        with self.assertRaises(RedirectWarning) as caught:
            order.action_governance_next()
        message = str(caught.exception)
        self.assertIn("Drawing approved", message)
        self.assertIn("Customer reference known", message)
        self.assertNotIn("Photos taken", message)
        self.assertEqual(order.governance_stage_id, self.stage_production)

    def test_ticked_and_domain_checks_let_it_go(self):
        """Ticked by a person who may move it, and a domain met by itself."""
        order = self.put_in(self.create_order(), self.stage_production)
        lines = self.lines(order)
        lines["Drawing approved"].with_user(self.prod_worker2).action_tick()
        self.assertEqual(lines["Drawing approved"].done_by_id, self.prod_worker2)
        self.assertTrue(lines["Drawing approved"].done_at)
        with self.assertRaises(UserError):
            lines["Customer reference known"].action_tick()
        order.client_order_ref = "PO-42"
        lines["Customer reference known"].invalidate_recordset(["is_met"])
        self.assertTrue(lines["Customer reference known"].is_met)
        order.action_governance_next()
        self.assertEqual(order.governance_stage_id, self.stage_shipping)

    def test_only_movers_tick(self):
        """Someone who may not move the order may not tick its checks."""
        order = self.put_in(self.create_order(), self.stage_production)
        line = self.lines(order)["Drawing approved"]
        with self.assertRaises(AccessError):
            line.with_user(self.log_worker).action_tick()
        self.assertFalse(line.done)

    def test_rework_is_not_blocked(self):
        """Sending back is not blocked by the checks of the stage being left."""
        order = self.put_in(self.create_order(), self.stage_production)
        order.governance_move(self.stage_confirmed, reason="Wrong spec")
        self.assertEqual(order.governance_stage_id, self.stage_confirmed)

    def test_forced_move_by_officer(self):
        """Officers may force the move with a reason; the history says so."""
        order = self.put_in(self.create_order(), self.stage_production)
        with self.assertRaises(AccessError):
            order.with_user(self.prod_manager).governance_move(
                self.stage_shipping, reason="Urgent", force=True
            )
        with self.assertRaises(UserError):
            order.with_user(self.officer).governance_move(
                self.stage_shipping, force=True
            )
        order.with_user(self.officer).governance_move(
            self.stage_shipping, reason="Customer waiting", force=True
        )
        log = self.open_logs(order)
        self.assertTrue(log.forced)
        self.assertEqual(log.reason, "Customer waiting")


@tagged("post_install", "-at_install")
class TestActivitiesAndFollowers(OrderGovernanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_production.write(
            {
                "sla_hours": 8,
                "consulted_department_ids": [Command.set(cls.dep_omc.ids)],
                "informed_department_ids": [Command.set(cls.dep_sales.ids)],
            }
        )

    def activities(self, order, user):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "sale.order"),
                ("res_id", "=", order.id),
                ("user_id", "=", user.id),
            ]
        )

    def test_activity_on_entry_closed_on_leaving(self):
        """The responsible person gets an activity due at the deadline with the
        norms; leaving closes it, and the handoff's message says where the order went
        and who moved it."""
        order = self.put_in(self.create_order(), self.stage_production)
        activity = self.open_logs(order).activity_id
        self.assertEqual(activity.user_id, self.prod_manager)
        self.assertEqual(activity.date_deadline, order.stage_deadline.date())
        self.assertIn("Build it well", str(activity.note))
        self.flush_tracking()  # the entry's own transaction
        order.with_user(self.prod_manager).action_governance_next()
        self.assertFalse(activity.active)  # done: archived, out of his to-do list
        self.assertFalse(
            order.activity_ids.filtered(lambda a: a.user_id == self.prod_manager)
        )
        self.flush_tracking()
        notes = order.message_ids.mapped("body")
        self.assertTrue(
            any("Moved to Shipping by" in str(body) for body in notes), notes
        )

    def test_reassign_moves_activity(self):
        """Reassigning the order gives its activity to the new person."""
        order = self.put_in(self.create_order(), self.stage_production)
        order.with_user(self.prod_manager).governance_reassign(
            self.dep_production, self.prod_worker1
        )
        self.assertEqual(self.open_logs(order).activity_id.user_id, self.prod_worker1)

    def test_consulted_and_informed(self):
        """C and I managers follow the order and are notified of the handoff;
        consulted ones also get an activity."""
        order = self.create_order(user=self.prod_worker1)
        confirmed = self.env.ref("sale.mt_order_confirmed")
        # a manager who already follows keeps the subtypes he chose
        order.message_subscribe(
            self.sales_manager.partner_id.ids, subtype_ids=confirmed.ids
        )
        self.flush_tracking()
        self.put_in(order, self.stage_production)
        followers = order.message_follower_ids.partner_id
        self.assertIn(self.officer.partner_id, followers)
        self.assertIn(self.sales_manager.partner_id, followers)
        subscription = order.message_follower_ids.filtered(
            lambda f: f.partner_id == self.sales_manager.partner_id
        )
        self.assertIn(confirmed, subscription.subtype_ids)
        self.assertIn(
            self.env.ref("order_governance.mt_governance_handoff"),
            subscription.subtype_ids,
        )
        self.assertTrue(self.activities(order, self.officer))
        self.assertFalse(self.activities(order, self.sales_manager))
        self.flush_tracking()
        handoff = order.message_ids.filtered(
            lambda m: m.subtype_id
            == self.env.ref("order_governance.mt_governance_handoff")
        )
        self.assertTrue(handoff)
        self.assertIn(self.sales_manager.partner_id, handoff.notified_partner_ids)
