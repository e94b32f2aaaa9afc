from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_kpi_report import KpiCase
from .test_sla import MONDAY, TUESDAY, at

DONE_PATH = "Received → Production → Shipping → Done"
LOOP_PATH = "Received → Production → Confirmed"


class DoneCase(KpiCase):
    """The KpiCase history where A and B finish the moment they reach Shipping
    (4 and 12 working hours, all in Production); C was sent back."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time(at(MONDAY, 12)):
            cls.order_a.sudo().governance_move(cls.stage_done)
        with freeze_time(at(TUESDAY, 12)):
            cls.order_b.sudo().governance_move(cls.stage_done)
        cls.env.flush_all()


@tagged("post_install", "-at_install")
class TestFlowVariants(DoneCase):
    """Paths over the DoneCase history."""

    def variants(self, user=None, domain=()):
        Report = self.env["order.governance.variant.report"]
        if user:
            Report = Report.with_user(user)
        groups = Report._read_group(
            [("order_id", "in", self.orders.ids), *domain],
            ["path"],
            ["__count", "lead_time_hours:avg", "lead_time_p90:max", "rework_rate:avg"],
        )
        return {
            path: (count, hours and round(hours, 2), p90 and round(p90, 2), rework)
            for path, count, hours, p90, rework in groups
        }

    def test_paths_counts_lead_times_and_rework(self):
        self.assertEqual(
            self.variants(self.officer),
            {
                # p90 of 4 and 12 h: 4 + 0.9 × 8
                DONE_PATH: (2, 8.0, 11.2, 0.0),
                LOOP_PATH: (1, False, False, 100.0),  # not done: no lead time
            },
        )
        self.assertEqual(
            set(self.variants(self.officer, [("is_done", "=", True)])), {DONE_PATH}
        )

    def test_one_row_per_order_lists_the_orders_of_a_path(self):
        rows = self.env["order.governance.variant.report"].search(
            [("order_id", "in", self.orders.ids), ("path", "=", DONE_PATH)]
        )
        self.assertEqual(rows.order_id, self.order_a | self.order_b)
        self.assertEqual(rows.mapped("stage_count"), [4, 4])

    def test_pivot_asks_for_the_percentile(self):
        """The pivot and grouped lists ask for the field's own aggregator: the
        percentile answers it."""
        field = self.env["order.governance.variant.report"]._fields["lead_time_p90"]
        self.assertEqual(f"lead_time_p90:{field.aggregator}", "lead_time_p90:max")
        data = (
            self.env["order.governance.variant.report"]
            .with_user(self.officer)
            .read_group(
                [("order_id", "in", self.orders.ids), ("is_done", "=", True)],
                ["lead_time_p90"],
                ["path"],
            )
        )
        self.assertAlmostEqual(data[0]["lead_time_p90"], 11.2)

    def test_access(self):
        # Production executed a stage of every order; Logistics of A and B only
        self.assertEqual(
            sum(v[0] for v in self.variants(self.prod_manager).values()), 3
        )
        with self.assertRaises(AccessError):
            self.variants(self.prod_worker1)
        other = self.env["res.company"].create({"name": "Elsewhere"})
        self.officer.company_ids |= other
        Report = self.env["order.governance.variant.report"].with_user(self.officer)
        self.assertFalse(
            Report.with_context(allowed_company_ids=other.ids).search(
                [("order_id", "in", self.orders.ids)]
            )
        )
