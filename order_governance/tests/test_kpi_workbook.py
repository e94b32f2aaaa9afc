import io
import zipfile
from datetime import date, datetime, timedelta
from xml.etree import ElementTree

from freezegun import freeze_time
from openpyxl import load_workbook

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .test_kpi_report import KpiCase
from .test_sla import MONDAY, TUESDAY, at

SHEETS = [
    "Summary",
    "By stage",
    "By person",
    "Overdue now",
    "Transitions",
    "Delivery",
    "Satisfaction",
    "Scorecards",
    "Flow",
    "RACI",
]
TRANSITIONS = [
    "Order",
    "Stage",
    "Department",
    "Responsible",
    "Entered",
    "Left",
    "Working hours",
    "Calendar hours",
    "Paused hours",
    "Overdue by (calendar hours)",
    "On time (%)",
    "Breached",
    "Rework",
]
CHART = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
DRAWING = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


def summary_header(book):
    """The Summary's block above its table: {label: text}."""
    header = {}
    for label, text, *_rest in book["Summary"].iter_rows(min_row=2, values_only=True):
        if label == "Department":
            return header
        if label:
            header[label] = text
    raise AssertionError("The Summary has no table")


def summary_table(book):
    """The Summary's table rows, from its header row to the first blank row."""
    rows = book["Summary"].iter_rows(values_only=True)
    for row in rows:
        if row[0] == "Department":
            break
    table = []
    for row in rows:
        if not row[0]:
            break
        table.append(row)
    return table


def axis_titles(data, chart):
    """{axis tag: its title} of chart number ``chart`` in the .xlsx ``data``."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = ElementTree.fromstring(archive.read(f"xl/charts/chart{chart}.xml"))
    return {
        axis.tag.removeprefix(CHART): "".join(
            text.text or "" for text in axis.iter(f"{DRAWING}t")
        )
        for tag in ("catAx", "valAx")
        for axis in root.iter(f"{CHART}{tag}")
    }


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

    def test_raci_sheet_is_the_responsibility_matrix(self):
        rule = self.give_production_to(self.log_worker)
        rule.responsible_department_id = self.dep_logistics
        other = self.env["res.company"].create({"name": "Not Mine"})
        Export = self.env["order.governance.kpi.export"].with_user(self.officer)
        period = {"date_from": date(2026, 11, 23), "date_to": date(2026, 11, 24)}
        with self.assertRaises(AccessError):  # not his company: refused, not dropped
            Export.create({**period, "company_ids": [(6, 0, other.ids)]})
        wizard = Export.create({**period, "company_ids": [(6, 0, self.company.ids)]})
        sheet = load_workbook(io.BytesIO(wizard._workbook_bytes()))["RACI"]
        rows = [row for row in sheet.iter_rows(values_only=True)]
        self.assertEqual(rows[0][0], self.company.name)  # not the foreign company
        matrix = self.env["order.governance.matrix"]._governance_matrix(self.company)
        stages = [stage["name"] for stage in matrix["stages"]]
        self.assertEqual(list(rows[1][: len(stages) + 1]), ["Department", *stages])
        table = {row[0]: row[1 : len(stages) + 1] for row in rows[2:] if row[0]}
        production = dict(zip(stages, table["Operations / Production"], strict=True))
        self.assertEqual(production["Production"], "R")
        logistics = dict(zip(stages, table["Logistics"], strict=True))
        self.assertEqual(logistics["Shipping"], "R")
        self.assertEqual(logistics["Production"], f"[{rule.name}]")
        self.assertNotIn(other.name, [row[0] for row in rows])
        self.assertTrue(rows[-1][0].startswith("R: responsible"))

    def test_sheets_headers_and_summary_equal_the_view(self):
        """The workbook's summary shows the view's figures for the same filters."""
        wizard, data = self.export()
        book = load_workbook(io.BytesIO(data))
        self.assertEqual(book.sheetnames, SHEETS)
        table = summary_table(book)
        top = len(summary_header(book)) + 3  # title, header block, blank row
        self.assertEqual(book["Summary"][f"A{top}"].value, "Department")
        self.assertEqual(book["Summary"].freeze_panes, f"A{top + 1}")
        rows = {row[0]: row for row in table}
        stays_domain, _backlog = wizard._domains()
        view = self.env["order.governance.kpi.report"]._read_group(
            [*stays_domain, ("is_working_stage", "=", True)],
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
                [*stays_domain, ("is_working_stage", "=", True)],
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
            self.assertEqual(row[11], stay.breached_count)

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
        return {row[0] for row in summary_table(load_workbook(io.BytesIO(data)))}

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

    def test_summary_says_what_it_covers(self):
        """Above the summary: period, companies, departments, time zone and when
        the workbook was made, in that time zone."""
        wizard, _data = self.export()
        with freeze_time("2026-11-25 09:30:00"):
            data = wizard.with_context(tz="Europe/Brussels")._workbook_bytes()
        book = load_workbook(io.BytesIO(data))
        self.assertEqual(book["Summary"]["A1"].value, "Order Governance KPIs")
        header = summary_header(book)
        self.assertEqual(
            header["Period"],
            "2026-11-23 to 2026-11-24 (stays entered in the period)",
        )
        self.assertEqual(header["Companies"], "Governed Company")
        self.assertEqual(header["Departments"], "Every department you may see")
        self.assertEqual(header["Time zone"], "Europe/Brussels")
        self.assertEqual(header["Generated at"], "2026-11-25 10:30")  # UTC + 1
        self.assertIn("final and cancel stages are left out", header["Figures"])
        wizard.department_ids = self.dep_production | self.dep_logistics
        header = summary_header(load_workbook(io.BytesIO(wizard._workbook_bytes())))
        self.assertEqual(header["Departments"], "Logistics, Operations / Production")

    def test_charts_have_axis_titles(self):
        """Both summary charts name what their axes show."""
        _wizard, data = self.export()
        self.assertEqual(
            axis_titles(data, 1),
            {"catAx": "Responsible department", "valAx": "On time (%)"},
        )
        self.assertEqual(
            axis_titles(data, 2), {"catAx": "Stage", "valAx": "Working hours"}
        )

    def test_overdue_by_and_paused_hours_in_transitions(self):
        """Transitions: the calendar hours past the deadline of a breached stay
        (and nothing for the others), 0 paused hours without a hold."""
        _wizard, data = self.export()
        sheet = load_workbook(io.BytesIO(data))["Transitions"]
        header, *rows = sheet.iter_rows(values_only=True)
        self.assertEqual(list(header), TRANSITIONS)
        overdue = {(row[0], row[1]): row[9] for row in rows if row[9] is not None}
        # B: due Monday 17:00, left Tuesday 12:00
        self.assertEqual(overdue, {(self.order_b.name, "Production"): 19.0})
        self.assertEqual({row[8] for row in rows}, {0})
        # every hours column in one format: decimal hours, one decimal
        [late] = [
            cells
            for cells in sheet.iter_rows(min_row=2)
            if cells[0].value == self.order_b.name and cells[1].value == "Production"
        ]
        self.assertEqual({cell.number_format for cell in late[6:10]}, {"0.0"})

    def test_overdue_now_says_by_how_much(self):
        """The Overdue now sheet gives each overdue order's deadline and the
        calendar hours since."""
        order = self.enter_production(at(MONDAY, 8))  # due Monday 17:00
        self.env.flush_all()
        wizard, _data = self.export()
        data = wizard.with_context(tz="UTC")._workbook_bytes()
        sheet = load_workbook(io.BytesIO(data))["Overdue now"]
        header, *rows = sheet.iter_rows(values_only=True)
        self.assertEqual(header[6:], ("Deadline", "Overdue by (calendar hours)"))
        [row] = [row for row in rows if row[0] == order.name]
        self.assertEqual(row[6], at(MONDAY, 17))
        since = self.env.cr.now() - at(MONDAY, 17)
        self.assertAlmostEqual(row[7], since.total_seconds() / 3600, delta=0.1)

    def test_final_stages_out_of_the_figures(self):
        """A stay in a final stage, even one left late, counts in no figure of
        the summary, by stage and by person sheets; Transitions still lists it."""
        self.stage_done.sla_hours = 1
        with freeze_time(at(MONDAY, 13)):
            self.put_in(self.order_a, self.stage_done)  # due Monday 14:00
        with freeze_time(at(TUESDAY, 12)):
            self.order_a.sudo().governance_move(self.stage_shipping, reason="Reopened")
        self.env.flush_all()
        _wizard, data = self.export()
        book = load_workbook(io.BytesIO(data))
        by_stage = [row[0] for row in book["By stage"].iter_rows(values_only=True)]
        self.assertNotIn("Done", by_stage)
        omc = {row[0]: row for row in summary_table(book)}["Order Management"]
        # Order Management: C's Confirmed stay only (rework, no deadline)
        self.assertEqual(omc[1], 1)
        self.assertIsNone(omc[3])
        self.assertEqual(omc[4], 0)
        transitions = book["Transitions"].iter_rows(min_row=2, values_only=True)
        self.assertIn("Done", {row[1] for row in transitions})

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
        self.assertEqual(action["url"], f"/order_governance/workbook/{attachment.id}")
        with self.assertRaises(ValidationError):
            self.export(date(2026, 2, 1), date(2026, 1, 1))
