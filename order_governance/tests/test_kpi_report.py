from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_sla import MONDAY, TUESDAY, SlaCase, at


class KpiCase(SlaCase):
    """Three orders enter Production (SLA 8 h) on Monday 08:00:
    A leaves Monday 12:00 (4 h, on time), B Tuesday 12:00 (12 h, breached),
    C is sent back to Confirmed on Monday 10:00 (2 h, on time; rework)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time(at(MONDAY, 8)):
            cls.orders = cls.create_orders(3)
            cls.orders.sudo().governance_move(cls.stage_production)
        cls.order_a, cls.order_b, cls.order_c = cls.orders
        with freeze_time(at(MONDAY, 10)):
            cls.order_c.governance_move(cls.stage_confirmed, reason="Wrong spec")
        with freeze_time(at(MONDAY, 12)):
            cls.order_a.action_governance_next()
        with freeze_time(at(TUESDAY, 12)):
            cls.order_b.action_governance_next()
        cls.env.flush_all()  # the SQL views read the tables


@tagged("post_install", "-at_install")
class TestStagePerformance(KpiCase):
    """The stage performance view over the KpiCase data."""

    def figures(self, user=None):
        Report = self.env["order.governance.kpi.report"]
        if user:
            Report = Report.with_user(user)
        groups = Report._read_group(
            [("order_id", "in", self.orders.ids)],
            ["department_id", "stage_id"],
            [
                "__count",
                "duration_hours:avg",
                "on_time_rate:avg",
                "breached_count:sum",
                "rework_count:sum",
                "open_count:sum",
            ],
        )
        return {
            (department.name, stage.name): values
            for department, stage, *values in groups
        }

    def test_measures(self):
        """Count, working hours, on-time rate, breaches, rework and open stays."""
        figures = self.figures()
        count, hours, on_time, breached, rework, open_ = figures[
            ("Production", "Production")
        ]
        self.assertEqual((count, breached, rework, open_), (3, 1, 0, 0))
        self.assertAlmostEqual(hours, (4 + 12 + 2) / 3)
        self.assertAlmostEqual(on_time, 200 / 3)
        self.assertEqual(figures[("Logistics", "Shipping")][0], 2)
        self.assertEqual(figures[("Logistics", "Shipping")][5], 2)
        self.assertEqual(figures[("Order Management", "Confirmed")][4], 1)
        received = figures[("Sales", "Received")]
        self.assertEqual(received[0], 3)
        self.assertFalse(received[2])  # no SLA: no on-time figure

    def test_dimensions_follow_the_order(self):
        """Rows carry the order's owner, customer and team."""
        rows = self.env["order.governance.kpi.report"].search(
            [("order_id", "=", self.order_b.id)]
        )
        self.assertEqual(rows.owner_department_id, self.dep_sales)
        self.assertEqual(rows.partner_id, self.partner)
        self.assertEqual(len(rows), 3)

    def test_filters(self):
        """The open, breached and rework filters select the right stays."""
        Report = self.env["order.governance.kpi.report"]
        scope = [("order_id", "in", self.orders.ids)]
        self.assertEqual(Report.search_count([*scope, ("open_count", "=", 1)]), 3)
        breached = Report.search([*scope, ("breached_count", "=", 1)])
        self.assertEqual(breached.order_id, self.order_b)
        rework = Report.search([*scope, ("rework_count", "=", 1)])
        self.assertEqual(rework.stage_id, self.stage_confirmed)

    def test_hours_of_closed_stays_and_open_work(self):
        """Open stays have no hours yet: the average is over closed stays only.
        A stay in a final stage is never left, and is not open work."""
        self.order_a.sudo().governance_move(self.stage_done)
        self.env.flush_all()
        Report = self.env["order.governance.kpi.report"]
        shipping = [
            ("order_id", "in", self.orders.ids),
            ("stage_id", "=", self.stage_shipping.id),
        ]
        closed = Report.search([*shipping, ("order_id", "=", self.order_a.id)])
        self.assertGreater(closed.duration_hours, 0)
        [[average, open_]] = Report._read_group(
            shipping, [], ["duration_hours:avg", "open_count:sum"]
        )
        self.assertAlmostEqual(average, closed.duration_hours)  # B's is still open
        self.assertEqual(open_, 1)
        done = Report.search(
            [("order_id", "=", self.order_a.id), ("stage_id", "=", self.stage_done.id)]
        )
        self.assertEqual(done.open_count, 0)

    def test_record_rules(self):
        """Managers see their tree's stays, officers all; executors no report."""
        self.assertEqual(
            set(self.figures(self.prod_manager)), {("Production", "Production")}
        )
        self.assertEqual(
            set(self.figures(self.ops_manager)), {("Production", "Production")}
        )
        self.assertEqual(len(self.figures(self.officer)), 4)
        with self.assertRaises(AccessError):
            self.figures(self.prod_worker1)


@tagged("post_install", "-at_install")
class TestLeadTimeAndBacklog(SlaCase):
    def test_lead_time(self):
        """Lead time of a completed order: working and calendar hours, handoffs."""
        with freeze_time(at(MONDAY, 8)):
            order = self.put_in(self.create_order(), self.stage_production)
        with freeze_time(at(MONDAY, 14)):
            order.governance_move(self.stage_done)
        open_order = self.enter_production(at(MONDAY, 8))
        self.env.flush_all()  # SQL views read the tables
        rows = self.env["order.governance.lead.time.report"].search(
            [("order_id", "in", (order | open_order).ids)]
        )
        done = rows.filtered(lambda r: r.order_id == order)
        self.assertEqual(done.first_entry, at(MONDAY, 8))
        self.assertEqual(done.completed_at, at(MONDAY, 14))
        self.assertAlmostEqual(done.lead_time_hours, 5.0)  # 8-12 and 13-14
        self.assertAlmostEqual(done.lead_time_elapsed_hours, 6.0)
        self.assertEqual(done.handoff_count, 2)
        self.assertEqual(done.stage_id, self.stage_done)
        still_open = rows - done
        self.assertFalse(still_open.completed_at)
        self.assertFalse(still_open.lead_time_hours)
        self.assertEqual(still_open.overdue_count, 1)  # due Monday 17:00, long ago

    def test_backlog_age_buckets(self):
        """Orders in a stage now, by age bucket; overdue ones counted."""
        now = self.env.cr.now()
        ages = {"2 hours": 2, "2 days": 48, "5 days": 120, "10 days": 240}
        orders = {}
        for label, hours in ages.items():
            with freeze_time(now - timedelta(hours=hours)):
                orders[label] = self.put_in(self.create_order(), self.stage_production)
        done = self.put_in(self.create_order(), self.stage_done)
        self.env.flush_all()  # SQL views read the tables
        Backlog = self.env["order.governance.backlog.report"]
        rows = Backlog.search(
            [("order_id", "in", [*(o.id for o in orders.values()), done.id])]
        )
        bucket = {row.order_id: row.age_bucket for row in rows}
        self.assertEqual(
            [bucket[orders[label]] for label in ages],
            ["1_lt_1d", "2_1_3d", "3_3_7d", "4_gt_7d"],
        )
        self.assertNotIn(done, bucket)  # final stages are no backlog
        overdue = {row.order_id: row.overdue_count for row in rows}
        self.assertEqual(overdue[orders["10 days"]], 1)
        self.assertEqual(overdue[orders["2 hours"]], 0)
        self.assertEqual(set(rows.department_id), {self.dep_production})

    def test_record_rules(self):
        """Managers see only their tree in the lead time and backlog reports."""
        order = self.enter_production(at(MONDAY, 8))
        shipping = self.put_in(
            self.create_order(user=self.log_worker), self.stage_shipping
        )
        for model in (
            "order.governance.lead.time.report",
            "order.governance.backlog.report",
        ):
            with self.subTest(model=model):
                scope = [("order_id", "in", (order | shipping).ids)]
                seen = self.env[model].with_user(self.sales_manager).search(scope)
                self.assertEqual(seen.order_id, order)  # owned by Sales
                self.assertEqual(
                    self.env[model].with_user(self.officer).search(scope).order_id,
                    order | shipping,
                )
