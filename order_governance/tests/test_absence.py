from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from .common import OrderGovernanceCase


@tagged("post_install", "-at_install")
class TestAbsenceAwareRouting(OrderGovernanceCase):
    """People on leave (time off on their employee's calendar) get no new work: a
    manager passes to his deputy, else the parent manager; the history says why."""

    def employee(self, user):
        return self.env["hr.employee"].search([("user_id", "=", user.id)], limit=1)

    def on_leave(self, user, days_before=1, days_after=3):
        now = fields.Datetime.now()
        return self.env["resource.calendar.leaves"].create(
            {
                "name": f"{user.name} on leave",
                "resource_id": self.employee(user).resource_id.id,
                "date_from": now - timedelta(days=days_before),
                "date_to": now + timedelta(days=days_after),
            }
        )

    def stay(self, order):
        return order.stage_log_ids.filtered(lambda s: not s.date_out)

    def test_absent_manager_passes_to_the_deputy(self):
        self.dep_production.governance_deputy_id = self.employee(self.prod_worker2)
        self.on_leave(self.prod_manager)
        order = self.put_in(self.create_order(), self.stage_production)
        self.assertEqual(order.responsible_user_id, self.prod_worker2)
        note = self.stay(order).routing_note
        self.assertIn(f"{self.prod_manager.name} is on leave until", note)
        self.assertIn(f"deputy {self.prod_worker2.name}", note)
        row = next(
            r
            for r in self.create_order().governance_route_preview()
            if r["stage_id"] == self.stage_production.id
        )
        self.assertEqual(row["user_id"], self.prod_worker2.id)
        self.assertIn("deputy", row["reason"])

    def test_without_deputy_the_parent_manager(self):
        self.on_leave(self.prod_manager)
        order = self.put_in(self.create_order(), self.stage_production)
        self.assertEqual(order.responsible_user_id, self.ops_manager)
        self.assertIn("is on leave until", self.stay(order).routing_note)

    def test_an_absent_deputy_is_passed_over_too(self):
        self.dep_production.governance_deputy_id = self.employee(self.prod_worker2)
        self.on_leave(self.prod_manager)
        self.on_leave(self.prod_worker2)
        order = self.put_in(self.create_order(), self.stage_production)
        self.assertEqual(order.responsible_user_id, self.ops_manager)

    def test_past_and_future_leaves_do_not_count(self):
        self.on_leave(self.prod_manager, days_before=10, days_after=-5)
        self.on_leave(self.prod_manager, days_before=-2, days_after=6)
        order = self.put_in(self.create_order(), self.stage_production)
        self.assertEqual(order.responsible_user_id, self.prod_manager)
        self.assertFalse(self.stay(order).routing_note)

    def test_round_robin_and_least_loaded_skip_the_absent(self):
        self.on_leave(self.prod_worker1)
        for assignment in ("round_robin", "least_loaded"):
            rule = self.env["order.governance.rule"].create(
                {
                    "name": assignment,
                    "company_id": self.company.id,
                    "responsible_department_id": self.dep_production.id,
                    "stage_ids": [Command.set(self.stage_production.ids)],
                    "assignment": assignment,
                }
            )
            orders = self.put_in(self.create_orders(4), self.stage_production)
            self.assertNotIn(self.prod_worker1, orders.responsible_user_id, assignment)
            self.assertEqual(len(orders.responsible_user_id), 2, assignment)
            self.assertIn(
                f"on leave, passed over: {self.prod_worker1.name}",
                self.stay(orders[0]).routing_note,
            )
            rule.active = False

    def test_escalation_skips_the_absent_manager(self):
        self.dep_production.governance_deputy_id = self.employee(self.prod_worker2)
        self.give_production_to(self.prod_worker1)
        order = self.put_in(self.create_order(), self.stage_production)
        self.on_leave(self.prod_manager)
        watch = self.env["order.governance.sla.watch"]
        targets = watch._escalation_targets(self.stay(order), 2)
        self.assertEqual(targets[self.stay(order).id], self.prod_worker2)

    def test_leave_start_hands_the_orders_over_when_the_company_asks(self):
        self.dep_production.governance_deputy_id = self.employee(self.prod_worker2)
        order = self.put_in(self.create_order(), self.stage_production)
        self.assertEqual(order.responsible_user_id, self.prod_manager)
        self.on_leave(self.prod_manager)
        SaleOrder = self.env["sale.order"]
        SaleOrder._cron_governance_hand_over_absent()
        self.assertEqual(order.responsible_user_id, self.prod_manager)  # not asked
        self.company.governance_reassign_on_leave = True
        self.flush_tracking()
        SaleOrder._cron_governance_hand_over_absent()
        self.assertEqual(order.responsible_user_id, self.prod_worker2)
        self.assertEqual(self.stay(order).user_id, self.prod_worker2)
        self.flush_tracking()
        told = order.message_ids.filtered(
            lambda m: f"{self.prod_manager.name} is on leave until" in str(m.body)
        )
        self.assertEqual(len(told), 1)
        self.assertTrue(told.tracking_value_ids)  # the reason is the tracking's body
        self.assertIn("handed over to", self.stay(order).routing_note)
        SaleOrder._cron_governance_hand_over_absent()  # nothing left to hand over
        self.assertEqual(order.responsible_user_id, self.prod_worker2)
