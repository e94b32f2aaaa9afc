from datetime import timedelta

from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .test_sla import MONDAY, TUESDAY, SlaCase, at

REPORTS = {
    "order.governance.kpi.report": "order_governance_kpi_report",
    "order.governance.lead.time.report": "order_governance_lead_time_report",
    "order.governance.backlog.report": "order_governance_backlog_report",
    "order.governance.transition.report": "order_governance_transition_report",
    "order.governance.variant.report": "order_governance_variant_report",
}
HOURS = {
    "order.governance.kpi.report": {
        "duration_hours",
        "elapsed_hours",
        "paused_hours",
        "overdue_hours",
    },
    "order.governance.lead.time.report": {
        "lead_time_hours",
        "lead_time_elapsed_hours",
    },
    "order.governance.backlog.report": {"overdue_hours"},
    "order.governance.transition.report": {"waiting_hours"},
    "order.governance.variant.report": {"lead_time_hours", "lead_time_p90"},
}


def arch(env, model, view_type):
    """The arch of the report's view of ``view_type``, as an lxml tree."""
    xmlid = f"order_governance.{REPORTS[model]}_view_{view_type}"
    return etree.fromstring(env.ref(xmlid).arch)


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

    def test_on_time_rate_only_for_closed_stays_with_deadline(self):
        """The on-time rate is empty, and left out of the average, for open stays,
        stays without deadline and stays in a final or cancel stage, even one
        left after its deadline."""
        self.stage_done.sla_hours = 1
        with freeze_time(at(MONDAY, 13)):
            self.put_in(self.order_a, self.stage_done)  # due Monday 14:00
        with freeze_time(at(TUESDAY, 12)):
            self.order_a.sudo().governance_move(self.stage_shipping, reason="Reopened")
        still_open = self.enter_production(at(TUESDAY, 8))  # due Tuesday 17:00
        self.env.flush_all()
        Report = self.env["order.governance.kpi.report"]

        def on_time(domain):
            """(count, on-time average); the average is False when empty (NULL),
            which 0.0, a real rate, is not."""
            [[count, rate]] = Report._read_group(
                domain, [], ["__count", "on_time_rate:avg"]
            )
            return count, rate

        done = [
            ("order_id", "=", self.order_a.id),
            ("stage_id", "=", self.stage_done.id),
        ]
        self.assertEqual(Report.search(done).breached_count, 1)
        count, rate = on_time(done)
        self.assertEqual(count, 1)
        self.assertIs(rate, False)  # a final stage, left late: not 0
        count, rate = on_time(
            [("order_id", "=", still_open.id), ("date_out", "=", False)]
        )
        self.assertEqual(count, 1)
        self.assertIs(rate, False)  # open, with a deadline
        count, rate = on_time(
            [
                ("order_id", "in", self.orders.ids),
                ("stage_id", "=", self.stage_received.id),
            ]
        )
        self.assertEqual(count, 3)
        self.assertIs(rate, False)  # no deadline
        # what counts: the three closed Production stays (A and C on time)
        _count, rate = on_time([("order_id", "in", (self.orders | still_open).ids)])
        self.assertAlmostEqual(rate, 200 / 3)

    def test_working_stages_filter_is_on_by_default(self):
        """The action filters out final and cancel stages by default; the filter
        can be removed to see them."""
        with freeze_time(at(TUESDAY, 13)):
            self.put_in(self.order_a, self.stage_done)
        self.env.flush_all()
        action = self.env.ref("order_governance.order_governance_kpi_report_action")
        self.assertTrue(safe_eval(action.context).get("search_default_working_stages"))
        [node] = arch(self.env, "order.governance.kpi.report", "search").xpath(
            "//filter[@name='working_stages']"
        )
        Report = self.env["order.governance.kpi.report"]
        scope = [("order_id", "=", self.order_a.id)]
        filtered = Report.search([*scope, *safe_eval(node.get("domain"))])
        working = self.stage_received | self.stage_production | self.stage_shipping
        self.assertEqual(filtered.stage_id, working)
        self.assertIn(self.stage_done, Report.search(scope).stage_id)

    def test_overdue_by_and_paused_hours(self):
        """A breached stay says by how many calendar hours it missed its deadline;
        the others say nothing. Paused hours are 0, not empty, without a hold."""
        Report = self.env["order.governance.kpi.report"]
        production = Report.search(
            [
                ("order_id", "in", self.orders.ids),
                ("stage_id", "=", self.stage_production.id),
            ]
        )
        [[overdue, count]] = Report._read_group(
            [("id", "in", production.ids)], [], ["overdue_hours:sum", "__count"]
        )
        # B: due Monday 17:00, left Tuesday 12:00; A and C left on time
        self.assertAlmostEqual(overdue, 19.0)
        self.assertEqual(count, 3)
        [[paused]] = Report._read_group(
            [("order_id", "in", self.orders.ids)], [], ["paused_hours:sum"]
        )
        self.assertIsNot(paused, False)  # empty (NULL) reads as False
        self.assertEqual(paused, 0.0)

    def test_views_show_count_and_hours_as_h_mm(self):
        """The pivots count stays and orders by default; every hours measure is
        shown as h:mm in the pivots, graphs and lists."""
        for model in ("order.governance.kpi.report", "order.governance.backlog.report"):
            pivot = arch(self.env, model, "pivot")
            self.assertEqual(pivot.get("display_quantity"), "1", model)
        for model, hours in HOURS.items():
            for view_type in ("pivot", "graph", "list"):
                if not self.env.ref(
                    f"order_governance.{REPORTS[model]}_view_{view_type}",
                    raise_if_not_found=False,
                ):
                    continue
                for field in arch(self.env, model, view_type).iter("field"):
                    if field.get("name") in hours:
                        self.assertEqual(
                            field.get("widget"),
                            "float_time",
                            f"{model} {view_type} {field.get('name')}",
                        )
        graph = arch(self.env, "order.governance.kpi.report", "graph")
        self.assertTrue(graph.xpath("//field[@name='duration_hours'][@widget]"))
        for model, hours in HOURS.items():
            for fname in hours:
                self.assertIn("h:mm", self.env[model]._fields[fname].help, fname)

    def test_actions_explain_an_empty_report(self):
        """Every report action says what it shows when there is nothing to show."""
        for xmlid in REPORTS.values():
            action = self.env.ref(f"order_governance.{xmlid}_action")
            self.assertIn("o_view_nocontent_smiling_face", action.help or "", xmlid)

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

    def test_manager_opens_stays_of_orders_gone_elsewhere(self):
        """A department manager opens his department's stay of an order that
        has moved on to a department he may not read: the row reads as the
        list shows it (named after the order), no access error."""
        self.order_a.invalidate_recordset()
        with self.assertRaises(AccessError):
            self.order_a.with_user(self.prod_manager).check_access("read")
        Report = self.env["order.governance.kpi.report"].with_user(self.prod_manager)
        stay = Report.search(
            [
                ("order_id", "=", self.order_a.id),
                ("stage_id", "=", self.stage_production.id),
            ]
        )
        [row] = stay.web_read(
            {
                "display_name": {},
                "order_id": {"fields": {"display_name": {}}},
                "stage_id": {"fields": {"display_name": {}}},
            }
        )
        self.assertEqual(row["display_name"], self.order_a.name)
        self.assertEqual(row["order_id"]["display_name"], self.order_a.name)


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

    def test_lead_time_empty_until_done(self):
        """An order not done has no completion and no lead time (empty, not 0:00
        in the list): also one sent back from a final stage. Done again, its lead
        time counts every stay before its completion."""
        with freeze_time(at(MONDAY, 8)):
            order = self.put_in(self.create_order(), self.stage_production)
        with freeze_time(at(MONDAY, 14)):
            order.governance_move(self.stage_done)
        with freeze_time(at(MONDAY, 15)):
            order.sudo().governance_move(self.stage_production, reason="Reopened")
        self.env.flush_all()
        LeadTime = self.env["order.governance.lead.time.report"]
        scope = [("order_id", "=", order.id)]
        self.assertFalse(LeadTime.search(scope).completed_at)
        [[hours, elapsed]] = LeadTime._read_group(
            scope, [], ["lead_time_hours:avg", "lead_time_elapsed_hours:avg"]
        )
        self.assertIs(hours, False)  # empty (NULL), not 0:00
        self.assertIs(elapsed, False)
        with freeze_time(at(MONDAY, 16)):
            order.governance_move(self.stage_done)
        self.env.flush_all()
        self.env.invalidate_all()  # the report is read again, as by a new request
        done = LeadTime.search(scope)
        self.assertEqual(done.completed_at, at(MONDAY, 16))
        self.assertAlmostEqual(done.lead_time_hours, 5.0 + 1.0 + 1.0)
        self.assertAlmostEqual(done.lead_time_elapsed_hours, 8.0)
        for name in ("lead_time_hours", "lead_time_elapsed_hours"):
            [column] = arch(
                self.env, "order.governance.lead.time.report", "list"
            ).xpath(f"//field[@name='{name}']")
            self.assertEqual(column.get("invisible"), "not completed_at", name)

    def test_lead_time_of_orders_a_department_executed(self):
        """A department manager sees the lead time of the orders his departments
        executed a stage of, not only of those they own; no other order."""
        produced = self.enter_production(at(MONDAY, 8))  # owned by Sales
        with freeze_time(at(MONDAY, 12)):
            produced.action_governance_next()  # Production hands over to Shipping
        shipped = self.put_in(self.create_order(), self.stage_shipping)
        self.env.flush_all()
        self.assertEqual(produced.owner_department_id, self.dep_sales)
        self.assertEqual(produced.responsible_department_id, self.dep_logistics)
        scope = [("order_id", "in", (produced | shipped).ids)]
        LeadTime = self.env["order.governance.lead.time.report"]
        for manager in (self.prod_manager, self.ops_manager):
            with self.subTest(manager=manager.login):
                seen = LeadTime.with_user(manager).search(scope)
                self.assertEqual(seen.order_id, produced)
        seen = LeadTime.with_user(self.sales_manager).search(scope)
        self.assertEqual(seen.order_id, produced | shipped)  # Sales owns both

    def test_backlog_counts_orders_by_default(self):
        """The backlog pivot shows the order count first."""
        pivot = arch(self.env, "order.governance.backlog.report", "pivot")
        self.assertEqual(pivot.get("display_quantity"), "1")

    def test_backlog_buckets_in_order_in_the_chart_legend(self):
        """Grouped by stage then age, as the chart is, the buckets first appear
        in their natural order (the legend's order), even when the first stage
        holds only old orders."""
        now = self.env.cr.now()
        with freeze_time(now - timedelta(days=10)):
            old = self.put_in(self.create_order(), self.stage_production)
        with freeze_time(now - timedelta(hours=2)):
            young = self.put_in(self.create_order(), self.stage_shipping)
        with freeze_time(now - timedelta(days=2)):
            middle = self.put_in(self.create_order(), self.stage_shipping)
        self.env.flush_all()
        result = self.env["order.governance.backlog.report"].web_read_group(
            [("order_id", "in", (old | young | middle).ids)],
            ["__count"],
            ["stage_id", "age_bucket"],
            lazy=False,
        )
        legend = []
        for group in result["groups"]:
            if group["age_bucket"] not in legend:
                legend.append(group["age_bucket"])
        self.assertEqual(legend, ["1_lt_1d", "2_1_3d", "4_gt_7d"])
        self.assertEqual(sum(g["__count"] for g in result["groups"]), 3)

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
        scope = [("order_id", "in", (order | shipping).ids)]
        for model in (
            "order.governance.lead.time.report",
            "order.governance.backlog.report",
        ):
            with self.subTest(model=model):
                seen = self.env[model].with_user(self.prod_manager).search(scope)
                self.assertEqual(seen.order_id, order)  # in Production
                self.assertEqual(
                    self.env[model].with_user(self.officer).search(scope).order_id,
                    order | shipping,
                )
        Backlog = self.env["order.governance.backlog.report"]
        seen = Backlog.with_user(self.sales_manager).search(scope)
        self.assertEqual(seen.order_id, order)  # owned by Sales
