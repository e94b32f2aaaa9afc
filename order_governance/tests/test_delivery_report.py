import io
import zipfile
from datetime import date, datetime, timedelta

import pytz
from openpyxl import load_workbook

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import OrderGovernanceCase

TZ = "Europe/Brussels"


class DeliveryCase(OrderGovernanceCase):
    """Confirmed orders of Sales and Logistics with known promises and
    completions; the company works in Brussels time. The orders sell a service:
    with Inventory installed too, nothing to deliver dates them otherwise."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.resource_calendar_id.tz = TZ
        cls.service = cls.env["product.product"].create(
            {"name": "Governed Service", "type": "service", "list_price": 50.0}
        )

    @classmethod
    def promised_order(cls, promised, done=None, department=None, **values):
        """A confirmed order of ``department`` (Sales) promised for ``promised``
        and completed at ``done`` (UTC), both written as the engine does."""
        values.setdefault(
            "order_line",
            [Command.create({"product_id": cls.service.id, "product_uom_qty": 1})],
        )
        order = cls.create_order(
            owner_department_id=(department or cls.dep_sales).id, **values
        )
        order.action_confirm()
        order._governance_engine().write(
            {"governance_promised_date": promised, "governance_completed_at": done}
        )
        return order

    @classmethod
    def today(cls):
        """Today in the company's calendar time zone."""
        return (
            pytz.utc.localize(fields.Datetime.now())
            .astimezone(pytz.timezone(TZ))
            .date()
        )

    def rows(self, orders, user=None):
        Report = self.env["order.governance.delivery.report"]
        if user:
            Report = Report.with_user(user)
        self.env.flush_all()
        Report.invalidate_model()  # the view's rows change under the same ids
        return Report.search([("order_id", "in", orders.ids)])


@tagged("post_install", "-at_install")
class TestDeliveryReport(DeliveryCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        now = fields.Datetime.now()
        # promised the 10th (Brussels): done the 10th at 18:00 Brussels
        cls.on_time = cls.promised_order(
            datetime(2026, 3, 10, 9, 0), done=datetime(2026, 3, 10, 17, 0)
        )
        # done at 00:30 on the 11th in Brussels (23:30 UTC on the 10th): a day late
        cls.late_by_a_night = cls.promised_order(
            datetime(2026, 3, 10, 9, 0), done=datetime(2026, 3, 10, 23, 30)
        )
        # Logistics: done five days after the promise
        cls.late = cls.promised_order(
            datetime(2026, 3, 2, 9, 0),
            done=datetime(2026, 3, 7, 10, 0),
            department=cls.dep_logistics,
        )
        # open, promised ten days ago
        cls.open_late = cls.promised_order(
            now - timedelta(days=10), department=cls.dep_logistics
        )
        cls.open_ahead = cls.promised_order(now + timedelta(days=3))
        cls.unpromised = cls.promised_order(False, done=datetime(2026, 3, 1, 9, 0))
        cls.orders = (
            cls.on_time
            | cls.late_by_a_night
            | cls.late
            | cls.open_late
            | cls.open_ahead
            | cls.unpromised
        )

    def test_rows_of_done_and_late_orders_only(self):
        """Done orders and open ones past their promise have a row; an order
        without a promise or still before it has none."""
        rows = self.rows(self.orders)
        self.assertEqual(
            rows.order_id,
            self.on_time | self.late_by_a_night | self.late | self.open_late,
        )
        row = rows.filtered(lambda r: r.order_id == self.late)
        self.assertEqual(row.owner_department_id, self.dep_logistics)
        self.assertEqual(row.partner_id, self.partner)
        self.assertEqual(row.user_id, self.sales_user)
        self.assertEqual(row.company_id, self.company)
        self.assertEqual(row.promised_date, datetime(2026, 3, 2, 9, 0))
        self.assertEqual(row.done_date, datetime(2026, 3, 7, 10, 0))

    def test_on_time_and_delay_by_the_company_day(self):
        """On time: done on or before the promise's day in the company's time
        zone; the delay counts days after it, to today while open."""
        rows = {row.order_id: row for row in self.rows(self.orders)}
        figures = {
            order: (row.on_time, row.delay_days, row.in_full, row.otif)
            for order, row in rows.items()
        }
        self.assertEqual(figures[self.on_time], (100, 0, 0, 0))
        self.assertEqual(figures[self.late_by_a_night], (0, 1, 0, 0))
        self.assertEqual(figures[self.late], (0, 5, 0, 0))
        promised = pytz.utc.localize(self.open_late.governance_promised_date)
        days = (self.today() - promised.astimezone(pytz.timezone(TZ)).date()).days
        self.assertEqual(figures[self.open_late][:2], (0, days))
        self.assertFalse(rows[self.open_late].done_date)

    def test_pivot_averages(self):
        """The pivot's measures are rates: the average of 100s and 0s; In Full
        and OTIF stay empty without Inventory."""
        self.env.flush_all()
        groups = self.env["order.governance.delivery.report"]._read_group(
            [("order_id", "in", self.orders.ids)],
            ["owner_department_id"],
            [
                "__count",
                "on_time:avg",
                "in_full:avg",
                "otif:avg",
                "delay_days:avg",
            ],
        )
        figures = {department: rest for department, *rest in groups}
        sales = figures[self.dep_sales]
        self.assertEqual(sales[:2], [2, 50.0])
        self.assertIsNone(sales[2] or None)
        self.assertIsNone(sales[3] or None)
        self.assertEqual(sales[4], 0.5)
        logistics = figures[self.dep_logistics]
        self.assertEqual(logistics[:2], [2, 0.0])
        self.assertGreater(logistics[4], 5)

    def test_by_month_of_promise(self):
        """Grouped by the promise's month, March holds the three done orders."""
        self.env.flush_all()
        groups = self.env["order.governance.delivery.report"]._read_group(
            [("order_id", "in", self.orders.ids)],
            ["promised_date:month"],
            ["__count", "on_time:avg"],
        )
        march = {month.strftime("%Y-%m"): rest for month, *rest in groups}["2026-03"]
        self.assertEqual(march[0], 3)
        self.assertAlmostEqual(march[1], 100 / 3)

    def test_completed_through_the_flow(self):
        """An order moved into the final stage is done at that moment."""
        order = self.promised_order(datetime(2026, 3, 10, 9, 0))
        self.put_in(order, self.stage_done)
        row = self.rows(order)
        self.assertEqual(row.done_date, order.governance_completed_at)
        self.assertTrue(row.done_date)
        self.assertEqual(row.on_time, 0)  # done now, months after the promise

    def test_cancelled_order_has_no_row(self):
        """A cancelled order is no delivery to measure."""
        self.open_late.sudo()._action_cancel()
        self.assertFalse(self.rows(self.open_late))

    def test_executor_sees_his_departments_rows(self):
        """An executor sees the rows of his departments' orders only."""
        self.assertEqual(
            self.rows(self.orders, self.log_worker).order_id,
            self.late | self.open_late,
        )
        self.assertEqual(
            self.rows(self.orders, self.sales_user).order_id,
            self.on_time | self.late_by_a_night,
        )

    def test_managers_officers_and_other_companies(self):
        """Managers see the orders their departments own or executed a stage
        of, officers all of their companies', nobody another company's."""
        # Sales executed the Received stage of every order; Production none
        self.assertEqual(len(self.rows(self.orders, self.sales_manager)), 4)
        self.assertFalse(self.rows(self.orders, self.prod_manager))
        self.assertEqual(len(self.rows(self.orders, self.officer)), 4)
        other = self.env["res.company"].create({"name": "Elsewhere"})
        self.officer.company_ids |= other
        Report = self.env["order.governance.delivery.report"].with_user(self.officer)
        self.assertFalse(
            Report.with_context(allowed_company_ids=other.ids).search(
                [("order_id", "in", self.orders.ids)]
            )
        )

    def test_plain_salesman_has_no_access(self):
        """A salesman outside the governance groups does not read the report."""
        with self.assertRaises(AccessError):
            self.rows(self.orders, self.salesman)

    def workbook(self, user=None):
        Export = self.env["order.governance.kpi.export"]
        if user:
            Export = Export.with_user(user)
        wizard = Export.create(
            {
                "date_from": date(2026, 3, 1),
                "date_to": date(2026, 3, 31),
                "company_ids": [(6, 0, self.company.ids)],
            }
        )
        self.env.flush_all()
        return wizard.with_context(tz=TZ)._workbook_bytes()

    def test_workbook_delivery_sheet(self):
        """The workbook's Delivery sheet gives the pivot's figures per month and
        per month and owning department, with a native chart."""
        data = self.workbook()
        book = load_workbook(io.BytesIO(data))
        self.assertIn("Delivery", book.sheetnames)
        rows = list(book["Delivery"].iter_rows(values_only=True))
        self.assertEqual(rows[0][0], "Delivery performance")
        self.assertEqual(
            rows[3][:6],
            (
                "Month",
                "Orders",
                "On time (%)",
                "In full (%)",
                "OTIF (%)",
                "Avg delay (days)",
            ),
        )
        # March: the three done orders (the open one was promised later)
        month = rows[4]
        self.assertEqual(month[:2], ("2026-03", 3))
        self.assertAlmostEqual(month[2], 100 / 3)
        self.assertEqual(month[3:5], (None, None))  # no Inventory figures here
        self.assertAlmostEqual(month[5], 2.0)  # (0 + 1 + 5) / 3
        self.assertIsNone(rows[5][0])
        self.assertEqual(rows[6][:3], ("Month", "Owning department", "Orders"))
        table = {row[1]: row for row in rows[7:] if row[0]}
        self.assertEqual(set(table), {"Sales", "Logistics"})
        self.assertEqual(table["Sales"][2:4], (2, 50))
        self.assertEqual(table["Sales"][6], 0.5)
        self.assertEqual(table["Logistics"][2:4], (1, 0))
        self.assertEqual(table["Logistics"][6], 5)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            charts = [
                archive.read(name).decode()
                for name in archive.namelist()
                if name.startswith("xl/charts/chart")
            ]
        self.assertTrue(any("On-time rate by month" in chart for chart in charts))

    def test_workbook_delivery_sheet_follows_the_rules(self):
        """A manager's Delivery sheet holds his departments' orders only."""
        book = load_workbook(io.BytesIO(self.workbook(self.prod_manager)))
        rows = list(book["Delivery"].iter_rows(values_only=True))
        self.assertEqual(rows[4][0], "No data for this period.")
