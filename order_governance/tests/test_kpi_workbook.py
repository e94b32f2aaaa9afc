import io
import zipfile
from datetime import date

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
            [("res_model", "=", wizard._name), ("res_id", "=", wizard.id)]
        )
        self.assertEqual(
            attachment.name, "order-governance-kpi-2026-11-23-2026-11-24.xlsx"
        )
        self.assertEqual(action["url"], f"/web/content/{attachment.id}?download=true")
        with self.assertRaises(ValidationError):
            self.export(date(2026, 2, 1), date(2026, 1, 1))
