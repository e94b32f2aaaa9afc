import io
import zipfile

from openpyxl import load_workbook

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, HttpCase, tagged

from .common import GROUP_MANAGER, OrderGovernanceCase
from .test_kpi_report import KpiCase
from .test_sla import MONDAY, TUESDAY, WEDNESDAY, at
from .test_variant_report import DoneCase


@tagged("post_install", "-at_install")
class TestBottlenecks(KpiCase):
    """Bottlenecks over the KpiCase history: Production hands A over on Monday
    12:00 (4 h), C back on Monday 10:00 (2 h) and B on Tuesday 12:00 (12 h,
    breached); Received hands the three over at once; C waits in Confirmed, A
    and B in Shipping."""

    def ranking(self, start, end, user=None, departments=None):
        Bottleneck = self.env["order.governance.bottleneck"]
        if user:
            Bottleneck = Bottleneck.with_user(user)
        return [
            (
                row["stage"].name,
                row["volume"],
                round(row["order_hours"], 2),
                round(row["avg_wait"], 2),
                round(row["breach_rate"], 2),
                row["open_count"],
                None if row["change_rate"] is None else round(row["change_rate"], 2),
            )
            for row in Bottleneck._governance_bottlenecks(
                start, end, self.company, departments
            )
        ]

    def test_the_stage_holding_most_order_hours_comes_first(self):
        self.assertEqual(
            self.ranking(at(MONDAY, 0), at(WEDNESDAY, 0), self.officer),
            [
                # stage, handed over, order-hours, avg wait, breached %, now, change
                ("Production", 3, 18.0, 6.0, 33.33, 0, None),
                ("Received", 3, 0.0, 0.0, 0.0, 0, None),
                ("Confirmed", 0, 0.0, 0.0, 0.0, 1, None),
                ("Shipping", 0, 0.0, 0.0, 0.0, 2, None),
            ],
        )

    def test_change_against_the_period_before(self):
        # Tuesday: B's 12 h in Production; Monday before it: A's 4 h and C's 2 h
        ranking = self.ranking(at(TUESDAY, 0), at(WEDNESDAY, 0), self.officer)
        self.assertEqual(ranking[0], ("Production", 1, 12.0, 12.0, 100.0, 0, 100.0))
        received = next(row for row in ranking if row[0] == "Received")
        # three handed over Monday with no wait: no order-hours to compare with
        self.assertEqual(received, ("Received", 0, 0.0, 0.0, 0.0, 0, None))

    def test_managers_measure_their_departments_only(self):
        log_manager = self._person(
            "log_boss", GROUP_MANAGER, self.dep_logistics, manages=True
        )
        # Logistics executes Shipping, where A and B wait: Production is not his
        self.assertEqual(
            self.ranking(at(MONDAY, 0), at(WEDNESDAY, 0), log_manager),
            [("Shipping", 0, 0.0, 0.0, 0.0, 2, None)],
        )
        # the dashboard, as he opens it, shows the same
        form = Form(self.env["order.governance.bottleneck"].with_user(log_manager))
        form.date_from = MONDAY.date()
        form.date_to = TUESDAY.date()
        self.assertEqual(len(form.line_ids), 1)
        dashboard = form.save()
        self.assertEqual(dashboard.line_ids.stage_id, self.stage_shipping)
        dashboard.date_to = WEDNESDAY.date()  # recomputed, still as him
        self.assertEqual(dashboard.line_ids.stage_id, self.stage_shipping)
        with self.assertRaises(AccessError):
            self.env["order.governance.bottleneck"].with_user(self.prod_worker1).create(
                {}
            )

    def test_departments_and_other_company(self):
        self.assertEqual(
            [
                row[0]
                for row in self.ranking(
                    at(MONDAY, 0), at(WEDNESDAY, 0), departments=self.dep_logistics
                )
            ],
            ["Shipping"],
        )
        other = self.env["res.company"].create({"name": "Elsewhere"})
        self.assertEqual(
            self.env["order.governance.bottleneck"]._governance_bottlenecks(
                at(MONDAY, 0), at(WEDNESDAY, 0), other
            ),
            [],
        )

    def test_dashboard_form_lists_and_names_the_bottleneck(self):
        Bottleneck = self.env["order.governance.bottleneck"].with_user(self.officer)
        form = Form(Bottleneck)
        form.date_from = MONDAY.date()
        form.date_to = TUESDAY.date()
        # computed as the period is entered, before anything is saved
        self.assertEqual(len(form.line_ids), 4)
        self.assertEqual(
            form.headline,
            "Production held the most order-hours: 18:00 (3 orders waited 6:00 on "
            "average); none in the period before.",
        )
        form.department_ids.add(self.dep_logistics)
        self.assertEqual(len(form.line_ids), 1)  # Shipping, where A and B wait
        form.department_ids.clear()
        dashboard = form.save()
        self.assertEqual(dashboard.line_ids.mapped("rank"), [1, 2, 3, 4])
        chart = dashboard.action_open_chart()
        self.assertEqual(chart["res_model"], "order.governance.bottleneck.line")
        self.assertEqual(
            Bottleneck.env["order.governance.bottleneck.line"]
            .search(chart["domain"])
            .mapped("stage_id.name"),
            ["Production", "Received", "Confirmed", "Shipping"],
        )
        # the figures are the officer's: another manager may not read them
        with self.assertRaises(AccessError):
            dashboard.with_user(self.ops_manager).line_ids.mapped("order_hours")

    def test_the_page_is_titled(self):
        """The menu opens "Bottlenecks", not a new record."""
        action = self.env.ref("order_governance.order_governance_bottleneck_action")
        self.assertEqual(action.name, "Bottlenecks")
        self.assert_titled_page("order.governance.bottleneck", "Bottlenecks")

    def test_bad_period(self):
        with self.assertRaises(ValidationError):
            self.env["order.governance.bottleneck"].create(
                {"date_from": TUESDAY.date(), "date_to": MONDAY.date()}
            )


@tagged("post_install", "-at_install")
class TestFlowSheet(DoneCase):
    """The workbook's Flow sheet, with A and B done as they reach Shipping."""

    def flow_rows(self, user=None):
        Export = self.env["order.governance.kpi.export"]
        if user:
            Export = Export.with_user(user)
        wizard = Export.create(
            {
                "date_from": MONDAY.date(),
                "date_to": TUESDAY.date(),
                "company_ids": [(6, 0, self.company.ids)],
            }
        )
        data = wizard._workbook_bytes()
        book = load_workbook(io.BytesIO(data))
        self.assertEqual(book.sheetnames[-2:], ["Flow", "RACI"])
        return data, list(book["Flow"].iter_rows(values_only=True))

    def section(self, rows, title):
        """The rows of the section whose title starts with ``title``: its header
        row and the rows up to the next blank one."""
        start = next(
            i for i, row in enumerate(rows) if row[0] and row[0].startswith(title)
        )
        table = []
        for row in rows[start + 1 :]:
            if not row[0]:
                break
            table.append(row)
        return table

    def test_bottlenecks_transition_matrix_and_variants(self):
        data, rows = self.flow_rows()
        header, *bottlenecks = self.section(rows, "Bottlenecks")
        self.assertEqual(
            header[:4],
            ("Stage", "Handed over", "Avg wait (working hours)", "Order-hours"),
        )
        self.assertEqual(
            [row[:4] for row in bottlenecks],
            [
                ("Production", 3, 6, 18),
                ("Received", 3, 0, 0),
                ("Confirmed", 0, 0, 0),
                ("Shipping", 2, 0, 0),
            ],
        )
        self.assertAlmostEqual(bottlenecks[0][4], 100 / 3)  # B breached
        header, *matrix = self.section(rows, "Transitions")
        self.assertEqual(
            header[:5],
            (
                "From (rows) / To (columns)",
                "Confirmed",
                "Production",
                "Shipping",
                "Done",
            ),
        )
        self.assertEqual(
            {row[0]: row[1:5] for row in matrix},
            {
                "Received": (None, 3, None, None),
                "Production": (1, None, 2, None),
                "Shipping": (None, None, None, 2),
            },
        )
        header, *variants = self.section(rows, "Top flow variants")
        self.assertEqual(
            [(row[0], row[1], row[2], round(row[3], 2), row[4]) for row in variants],
            [("Received → Production → Shipping → Done", 2, 8, 11.2, 0)],
        )
        # a native chart of the order-hours (openpyxl does not read charts back)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            charts = [name for name in archive.namelist() if "charts/chart" in name]
        self.assertEqual(len(charts), 3)  # the summary's two and the Flow's

    def test_manager_flow_is_his_departments(self):
        log_manager = self._person(
            "log_boss", GROUP_MANAGER, self.dep_logistics, manages=True
        )
        _data, rows = self.flow_rows(log_manager)
        _header, *bottlenecks = self.section(rows, "Bottlenecks")
        self.assertEqual([row[0] for row in bottlenecks], ["Shipping"])
        _header, *matrix = self.section(rows, "Transitions")
        # handoffs into and out of Shipping only
        self.assertEqual({row[0] for row in matrix}, {"Production", "Shipping"})


@tagged("post_install", "-at_install")
class TestReportPageTour(HttpCase, OrderGovernanceCase):
    """The Bottlenecks page in the web client."""

    def test_the_page_is_titled_without_save_or_discard(self):
        """Breadcrumb "Bottlenecks", no "New", no save/discard indicator."""
        self.start_tour(
            "/odoo/action-order_governance.order_governance_bottleneck_action",
            "order_governance_report_page_tour",
            login=self.officer.login,
        )
