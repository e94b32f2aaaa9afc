from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import GROUP_MANAGER
from .test_kpi_report import KpiCase


@tagged("post_install", "-at_install")
class TestTransitions(KpiCase):
    """One row per handoff, over the KpiCase history: the three orders go from
    Received to Production on Monday 08:00; C is sent back to Confirmed at
    10:00 (2 working hours in Production), A goes on to Shipping at 12:00 (4 h)
    and B on Tuesday 12:00 (12 h)."""

    def matrix(self, user=None):
        Report = self.env["order.governance.transition.report"]
        if user:
            Report = Report.with_user(user)
        groups = Report._read_group(
            [("order_id", "in", self.orders.ids)],
            ["from_stage_id", "to_stage_id"],
            ["__count", "waiting_hours:avg", "rework_rate:avg"],
        )
        return {
            (source.name, target.name): (count, round(hours, 2), rework)
            for source, target, count, hours, rework in groups
        }

    def test_from_stage_by_to_stage(self):
        self.assertEqual(
            self.matrix(self.officer),
            {
                ("Received", "Production"): (3, 0.0, 0.0),
                ("Production", "Confirmed"): (1, 2.0, 100.0),
                ("Production", "Shipping"): (2, 8.0, 0.0),
            },
        )

    def test_rows_say_who_and_the_loop(self):
        Report = self.env["order.governance.transition.report"].with_user(self.officer)
        loop = Report.search(
            [("order_id", "in", self.orders.ids), ("is_rework", "=", True)]
        )
        self.assertEqual(loop.order_id, self.order_c)
        self.assertEqual(
            (loop.from_department_id, loop.to_department_id),
            (self.dep_production, self.dep_omc),
        )
        self.assertEqual(loop.from_user_id, self.prod_manager)
        self.assertEqual(loop.moved_by_id, self.env.user)
        self.assertEqual(loop.waiting_hours, 2.0)
        # the list colours rework red, and its filter keeps it alone
        action = self.env.ref(
            "order_governance.order_governance_transition_report_action"
        )
        self.assertIn("filter_date", action.context)
        list_arch = self.env.ref(
            "order_governance.order_governance_transition_report_view_list"
        ).arch
        self.assertIn('decoration-danger="is_rework"', list_arch)

    def test_managers_see_their_departments_handoffs_only(self):
        log_manager = self._person(
            "log_boss", GROUP_MANAGER, self.dep_logistics, manages=True
        )
        # Logistics takes over in Shipping: the handoffs into it, no other
        self.assertEqual(
            self.matrix(log_manager), {("Production", "Shipping"): (2, 8.0, 0.0)}
        )
        # Operations is Production's parent: every handoff here touches Production
        self.assertEqual(len(self.matrix(self.ops_manager)), 3)
        # Sales owns the orders: its manager sees their whole path
        self.assertEqual(len(self.matrix(self.sales_manager)), 3)
        with self.assertRaises(AccessError):
            self.matrix(self.prod_worker1)

    def test_other_company_handoffs_invisible(self):
        other = self.env["res.company"].create({"name": "Elsewhere"})
        self.officer.company_ids |= other
        Report = self.env["order.governance.transition.report"].with_user(self.officer)
        scope = [("order_id", "in", self.orders.ids)]
        self.assertEqual(
            Report.with_context(allowed_company_ids=other.ids).search_count(scope), 0
        )
        self.assertEqual(Report.search_count(scope), 6)
