import io
import zipfile
from datetime import date, datetime, timedelta

from openpyxl import load_workbook

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .test_kpi_report import KpiCase

SHEETS = ["Summary", "By stage", "By person", "Overdue now", "Transitions"]


@tagged("post_install", "-at_install")
class TestKpiWorkbook(KpiCase):
    def export(self, date_from=date(2026, 11, 23), date_to=date(2026, 11, 24)):
        wizard = self.env["order.governance.kpi.export"].create(
            {
                "date_from": date_from,
                "date_to": date_to,
                "company_ids": [(6, 0, self.company.ids)],
            }
        )
        return wizard, wizard._workbook_bytes()

    def test_sheets_headers_and_summary_equal_the_view(self):
        """The workbook's summary shows the view's figures for the same filters."""
        wizard, data = self.export()
        book = load_workbook(io.BytesIO(data))
        self.assertEqual(book.sheetnames, SHEETS)
        summary = book["Summary"]
        self.assertEqual(summary["A1"].value, "Department")
        self.assertEqual(summary.freeze_panes, "A2")
        rows = {
            row[0]: row
            for row in summary.iter_rows(min_row=2, values_only=True)
            if row[0]
        }
        stays_domain, _backlog = wizard._domains()
        view = self.env["order.governance.kpi.report"]._read_group(
            stays_domain,
            ["department_id"],
            ["__count", "duration_hours:avg", "on_time_rate:avg", "breached_count:sum"],
        )
        for department, count, hours, on_time, breached in view:
            row = rows[department.display_name]
            self.assertEqual(row[1], count)
            self.assertAlmostEqual(row[2], hours)
            self.assertAlmostEqual(row[3] or 0, on_time or 0)
            self.assertEqual(row[4], breached)
        production = rows["Operations / Production"]
        self.assertEqual(production[1:5], (3, 6, 200 / 3, 1))
        self.assertEqual(rows["Logistics"][6], 2)  # backlog: two orders in Shipping

    def test_by_stage_and_by_person_equal_the_view(self):
        """The By stage and By person sheets show the view's figures too."""
        wizard, data = self.export()
        book = load_workbook(io.BytesIO(data))
        stays_domain, _backlog = wizard._domains()
        Report = self.env["order.governance.kpi.report"]
        for sheet, groupby in (("By stage", "stage_id"), ("By person", "user_id")):
            rows = {
                row[0]: row[1:]
                for row in book[sheet].iter_rows(min_row=2, values_only=True)
            }
            view = Report._read_group(
                stays_domain,
                [groupby],
                [
                    "__count",
                    "duration_hours:avg",
                    "on_time_rate:avg",
                    "breached_count:sum",
                    "rework_count:sum",
                ],
            )
            self.assertEqual(len(rows), len(view), sheet)
            for key, count, hours, on_time, breached, rework in view:
                row = rows[key.display_name or "Unassigned"]
                self.assertEqual(row[0], count)
                self.assertAlmostEqual(row[1], hours)
                self.assertAlmostEqual(row[2] or 0, on_time or 0)
                self.assertEqual(row[3], breached)
                self.assertAlmostEqual(row[4], 100.0 * rework / count)
        production = {
            row[0]: row
            for row in book["By stage"].iter_rows(min_row=2, values_only=True)
        }["Production"]
        self.assertEqual(production[1:6], (3, 6, 200 / 3, 1, 0))  # rework: Confirmed

    def test_transitions_equal_the_view_in_the_user_time_zone(self):
        """One row per stay of the view, oldest first, dates in the user's zone."""
        wizard, _data = self.export()
        data = wizard.with_context(tz="Europe/Brussels")._workbook_bytes()
        rows = list(
            load_workbook(io.BytesIO(data))["Transitions"].iter_rows(
                min_row=2, values_only=True
            )
        )
        stays_domain, _backlog = wizard._domains()
        stays = self.env["order.governance.kpi.report"].search(
            stays_domain, order="date_in, id"
        )
        self.assertEqual(
            [(row[0], row[1], row[2] or "", row[3] or "") for row in rows],
            [
                (
                    stay.order_id.name,
                    stay.stage_id.name,
                    stay.department_id.display_name or "",
                    stay.user_id.name or "",
                )
                for stay in stays
            ],
        )
        for row, stay in zip(rows, stays, strict=True):
            # November in Brussels: UTC + 1 hour
            self.assertAlmostEqual(
                row[4], stay.date_in + timedelta(hours=1), delta=timedelta(seconds=1)
            )
            self.assertAlmostEqual(row[6] or 0.0, stay.duration_hours)  # open: blank
            self.assertEqual(row[10], stay.breached_count)

    def test_period_is_in_the_user_time_zone(self):
        """The period's days start at midnight where the user is, like the
        reports' date filters (Brussels in November: UTC + 1)."""
        wizard, _data = self.export()
        stays, _backlog = wizard.with_context(tz="Europe/Brussels")._domains()
        self.assertIn(("date_in", ">=", datetime(2026, 11, 22, 23, 0)), stays)
        self.assertIn(("date_in", "<", datetime(2026, 11, 24, 23, 0)), stays)

    def test_transitions_read_page_after_page(self):
        """Pages on (entry, id) give every stay once, ties on the entry included
        (the three orders entered Production at the same moment)."""
        wizard, _data = self.export()
        stays_domain, _backlog = wizard._domains()
        Report = self.env["order.governance.kpi.report"]
        xlsx = self.env["order.governance.kpi.xlsx"]
        whole = list(xlsx._transition_pages(Report, stays_domain))
        pages = list(xlsx._transition_pages(Report, stays_domain, size=2))
        self.assertEqual(len(whole), 1)
        self.assertEqual(len(pages), 5)
        self.assertEqual([row for page in pages for row in page], whole[0])
        self.assertEqual(len(whole[0]), 9)

    def test_manager_workbook_shows_his_departments_only(self):
        """A department manager's workbook holds the stays of his tree only."""
        wizard, _data = self.export()
        data = wizard.with_user(self.prod_manager)._workbook_bytes()
        book = load_workbook(io.BytesIO(data))
        transitions = list(book["Transitions"].iter_rows(min_row=2, values_only=True))
        self.assertEqual({row[2] for row in transitions}, {"Operations / Production"})
        self.assertEqual(len(transitions), 3)
        self.assertEqual(self.summary_departments(data), {"Operations / Production"})
        self.assertIn("Logistics", self.summary_departments(_data))  # unrestricted

    def summary_departments(self, data):
        summary = load_workbook(io.BytesIO(data))["Summary"]
        return {row[0] for row in summary.iter_rows(min_row=2, values_only=True)}

    def test_transitions_and_charts(self):
        """Every stay of the period is listed; the summary carries two charts."""
        _wizard, data = self.export()
        book = load_workbook(io.BytesIO(data))
        transitions = list(book["Transitions"].iter_rows(min_row=2, values_only=True))
        self.assertEqual(len(transitions), 9)
        self.assertEqual(book["Transitions"].auto_filter.ref[:2], "A1")
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        self.assertIn("xl/charts/chart1.xml", names)
        self.assertIn("xl/charts/chart2.xml", names)

    def test_empty_period(self):
        """An empty period still gives a valid workbook that says there is no data."""
        _wizard, data = self.export(date(2020, 1, 1), date(2020, 1, 31))
        book = load_workbook(io.BytesIO(data))
        self.assertEqual(book.sheetnames, SHEETS)
        self.assertEqual(book["Transitions"].max_row, 1)

    def test_download_action_and_bad_period(self):
        """The button downloads the named file; a reversed period is refused."""
        wizard, _data = self.export()
        action = wizard.action_export()
        attachment = self.env["ir.attachment"].search(
            [("name", "like", "order-governance-kpi-")], order="id desc", limit=1
        )
        self.assertEqual(
            attachment.name, "order-governance-kpi-2026-11-23-2026-11-24.xlsx"
        )
        self.assertEqual(action["url"], f"/web/content/{attachment.id}?download=true")
        with self.assertRaises(ValidationError):
            self.export(date(2026, 2, 1), date(2026, 1, 1))
