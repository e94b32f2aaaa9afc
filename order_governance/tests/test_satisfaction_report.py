"""Customer satisfaction: the customers' ratings of their orders in a pivot by
owning department, executing departments, salesperson and month, in the KPI
workbook and in the digest."""

import io
from datetime import date, datetime

from openpyxl import load_workbook

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import OrderGovernanceCase

MEASURES = ["__count", "rating:avg", "satisfied:avg", "dissatisfied:avg"]
TABLES = ("Owning department", "Executing department", "Salesperson")
NO_DATA = "No data for this period."


class SatisfactionCase(OrderGovernanceCase):
    """Three rated orders of the Governed Company, their stays by department:

    - ``order_1`` (owner Sales, salesperson seller): Received (Sales) >
      Production > Done (Order Management); rated 5 on 10 March, its request
      sent in February;
    - ``order_2`` (owner Logistics, seller): Received > Shipping > Done; rated
      3 by a contact of the customer on 20 March;
    - ``order_3`` (owner Sales, salesperson sales_boss): Received > Production
      > Shipping > Done; rated 1 with a comment on 15 April.

    Not counted: the seller's rating posted in ``order_1``'s chatter, the
    request of ``order_4`` nobody answered, and a rating of an order of
    another company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner.is_company = True
        cls.contact = cls.env["res.partner"].create(
            {"name": "Alice Buyer", "parent_id": cls.partner.id}
        )
        cls.order_1 = cls.create_order()
        cls.order_2 = cls.create_order(owner_department_id=cls.dep_logistics.id)
        cls.order_3 = cls.create_order(user=cls.sales_manager)
        cls.order_4 = cls.create_order()
        cls.walk(cls.order_1, cls.stage_production, cls.stage_done)
        cls.walk(cls.order_2, cls.stage_shipping, cls.stage_done)
        cls.walk(cls.order_3, cls.stage_production, cls.stage_shipping, cls.stage_done)
        cls.rating_1 = cls.rate(
            cls.order_1, 5, datetime(2026, 3, 10, 12), "Right on time"
        )
        cls.set_dates(cls.rating_1, create_date=datetime(2026, 2, 25, 12))
        cls.rating_2 = cls.rate(
            cls.order_2, 3, datetime(2026, 3, 20, 12), partner=cls.contact
        )
        cls.rating_3 = cls.rate(
            cls.order_3, 1, datetime(2026, 4, 15, 12), "Two weeks late"
        )
        # the seller's own "rating" in the chatter: a rating of his, not the
        # customer's
        message = cls.order_1.with_user(cls.sales_user).message_post(
            body="Customer said on the phone he loves it", rating_value=5
        )
        cls.chatter_rating = message.sudo().rating_id
        cls.set_dates(cls.chatter_rating, write_date=datetime(2026, 3, 12, 12))
        cls.request_4 = cls.env["rating.rating"].search(
            [
                ("access_token", "=", cls.order_4._rating_get_access_token()),
            ]
        )
        # a value without the customer's answer (the rating page's form was
        # opened, never sent) is no rating either
        cls.request_4.sudo().write({"rating": 5})
        cls.set_dates(cls.request_4, write_date=datetime(2026, 3, 15, 12))
        cls.other_company = cls.env["res.company"].create({"name": "Not Governed"})
        cls.other_order = cls.env["sale.order"].create(
            {
                "partner_id": cls.partner.id,
                "company_id": cls.other_company.id,
                "user_id": False,
            }
        )
        cls.other_rating = cls.rate(cls.other_order, 5, datetime(2026, 3, 18, 12))
        cls.orders = (
            cls.order_1 | cls.order_2 | cls.order_3 | cls.order_4 | cls.other_order
        )
        cls.env.flush_all()

    @classmethod
    def walk(cls, order, *stages):
        for stage in stages:
            order.sudo().governance_move(stage, reason="test set-up")

    @classmethod
    def rate(cls, order, rate, when, feedback="", partner=None):
        """The customer's (or ``partner``'s) answer to a rating request of
        ``order``, recorded at ``when``, as the rating page does it."""
        token = order.sudo()._rating_get_access_token(partner)
        rating = order.sudo().rating_apply(rate, token=token, feedback=feedback)
        cls.set_dates(rating, write_date=when)
        return rating

    @classmethod
    def set_dates(cls, rating, **dates):
        """Date ``rating`` (set-up: the ORM writes its own dates)."""
        cls.env.flush_all()
        for column, value in dates.items():
            assert column in ("create_date", "write_date")
            cls.env.cr.execute(
                f"UPDATE rating_rating SET {column} = %s WHERE id = %s",
                [value, rating.id],
            )
        rating.invalidate_recordset()

    def report(self, user=None, companies=None):
        Report = self.env["order.governance.satisfaction.report"]
        if user:
            Report = Report.with_user(user)
        if companies:
            Report = Report.with_context(allowed_company_ids=companies.ids)
        Report.invalidate_model()
        return Report

    def figures(self, groupby, user=None, domain=()):
        """{group key: [count, rating, satisfied, dissatisfied]}."""
        Report = self.report(user)
        if not user:  # as superuser, no company rule: this company's rows
            domain = [*domain, ("company_id", "=", self.company.id)]
        groups = Report._read_group(list(domain), [groupby], MEASURES)
        return {key: values for key, *values in groups}


@tagged("post_install", "-at_install")
class TestSatisfactionReport(SatisfactionCase):
    def test_one_row_per_customer_answer(self):
        """A row per rating by the order's customer or one of his contacts;
        not an employee's chatter rating, nor a request without answer."""
        rows = self.report().search([("order_id", "in", self.orders.ids)])
        self.assertEqual(
            rows.rating_id,
            self.rating_1 | self.rating_2 | self.rating_3 | self.other_rating,
        )
        # what is left out is there, in rating.rating, for the same orders
        self.assertTrue(self.chatter_rating.consumed)
        self.assertEqual(self.chatter_rating.res_id, self.order_1.id)
        self.assertEqual(self.chatter_rating.partner_id, self.sales_user.partner_id)
        self.assertEqual(self.request_4.res_id, self.order_4.id)
        self.assertFalse(self.request_4.consumed)
        row = rows.filtered(lambda r: r.rating_id == self.rating_3)
        self.assertEqual(row.id, self.rating_3.id)
        self.assertEqual(row.order_id, self.order_3)
        self.assertEqual(row.partner_id, self.partner)
        self.assertEqual(row.owner_department_id, self.dep_sales)
        self.assertEqual(row.user_id, self.sales_manager)
        self.assertEqual(row.company_id, self.company)
        self.assertEqual(row.date, datetime(2026, 4, 15, 12))
        self.assertEqual(
            (row.rating, row.satisfied, row.dissatisfied, row.feedback),
            (1, 0, 100, "Two weeks late"),
        )
        self.assertEqual(
            row.executing_department_ids,
            self.dep_sales | self.dep_production | self.dep_logistics | self.dep_omc,
        )
        self.assertEqual(
            rows.filtered(lambda r: r.rating_id == self.rating_2).partner_id,
            self.partner,  # the order's customer, his contact rated
        )

    def test_no_row_for_a_zero(self):
        """A 0 is no rating (Odoo's rating statistics leave it out too)."""
        token = self.order_2.sudo()._rating_get_access_token()
        zero = self.order_2.sudo().rating_apply(0, token=token)
        self.assertTrue(zero.consumed)
        self.env.flush_all()
        rows = self.report().search([("order_id", "=", self.order_2.id)])
        self.assertEqual(rows.rating_id, self.rating_2)

    def test_by_owning_department(self):
        """Grouped by owning department, each rating counts once."""
        self.assertEqual(
            self.figures("owner_department_id"),
            {self.dep_sales: [2, 3.0, 50.0, 50.0], self.dep_logistics: [1, 3.0, 0, 0]},
        )

    def test_by_executing_department(self):
        """Grouped by executing department, a rating counts once in each
        department that executed a stay of its order."""
        self.assertEqual(
            self.figures("executing_department_ids"),
            {
                self.dep_sales: [3, 3.0, 100 / 3, 100 / 3],
                self.dep_omc: [3, 3.0, 100 / 3, 100 / 3],
                self.dep_production: [2, 3.0, 50.0, 50.0],
                self.dep_logistics: [2, 2.0, 0, 50.0],
            },
        )
        # the total counts each rating once
        total = self.report()._read_group(
            [("company_id", "=", self.company.id)], [], MEASURES
        )
        self.assertEqual(list(total[0]), [3, 3.0, 100 / 3, 100 / 3])

    def test_by_executing_department_through_the_web_client(self):
        """The web client's read_group (pivot, graph) groups by the executing
        departments and filters on them."""
        groups = self.report(self.officer).read_group(
            [], ["rating:avg", "satisfied:avg"], ["executing_department_ids"]
        )
        figures = {
            group["executing_department_ids"][0]: (
                group["executing_department_ids_count"],
                group["rating"],
                group["satisfied"],
            )
            for group in groups
        }
        self.assertEqual(figures[self.dep_production.id], (2, 3.0, 50.0))
        self.assertEqual(figures[self.dep_logistics.id], (2, 2.0, 0))
        rows = self.report(self.officer).search(
            [("executing_department_ids", "=", self.dep_production.id)]
        )
        self.assertEqual(rows.rating_id, self.rating_1 | self.rating_3)

    def test_by_salesperson(self):
        self.assertEqual(
            self.figures("user_id"),
            {
                self.sales_user: [2, 4.0, 50.0, 0],
                self.sales_manager: [1, 1.0, 0, 100.0],
            },
        )

    def test_by_month_of_the_answer(self):
        """A rating is dated by the customer's answer (the rating's last write),
        not by the request (its creation, in February for the first one)."""
        figures = self.figures("date:month")
        self.assertEqual(
            figures,
            {
                datetime(2026, 3, 1): [2, 4.0, 50.0, 0],
                datetime(2026, 4, 1): [1, 1.0, 0, 100.0],
            },
        )

    def test_owner_by_month_as_the_pivot_opens(self):
        """The pivot's default: owning departments by month."""
        groups = self.report()._read_group(
            [("company_id", "=", self.company.id)],
            ["owner_department_id", "date:month"],
            ["__count", "rating:avg", "satisfied:avg"],
        )
        self.assertEqual(
            {(dep, month): values for dep, month, *values in groups},
            {
                (self.dep_sales, datetime(2026, 3, 1)): [1, 5.0, 100.0],
                (self.dep_sales, datetime(2026, 4, 1)): [1, 1.0, 0],
                (self.dep_logistics, datetime(2026, 3, 1)): [1, 3.0, 0],
            },
        )

    def test_department_manager_sees_his_departments_orders(self):
        """Production's manager sees the ratings of the orders Production
        executed, nothing else; his pivot's figures are theirs."""
        rows = self.report(self.prod_manager).search([])
        self.assertEqual(rows.rating_id, self.rating_1 | self.rating_3)
        self.assertEqual(
            self.figures("owner_department_id", self.prod_manager),
            {self.dep_sales: [2, 3.0, 50.0, 50.0]},
        )
        self.assertEqual(
            self.figures("executing_department_ids", self.prod_manager),
            {
                self.dep_sales: [2, 3.0, 50.0, 50.0],
                self.dep_omc: [2, 3.0, 50.0, 50.0],
                self.dep_production: [2, 3.0, 50.0, 50.0],
                self.dep_logistics: [1, 1.0, 0, 100.0],
            },
        )
        # the parent department's manager sees them too
        self.assertEqual(
            self.report(self.ops_manager).search([]).rating_id,
            self.rating_1 | self.rating_3,
        )
        # Sales owns two and executed the Received stage of all three
        self.assertEqual(len(self.report(self.sales_manager).search([])), 3)

    def test_executor_sees_his_departments_orders(self):
        """An executor sees the ratings of the orders his department owns."""
        self.assertEqual(
            self.report(self.log_worker).search([]).rating_id, self.rating_2
        )
        self.assertEqual(
            self.report(self.prod_worker1).search([]).rating_id,
            self.env["rating.rating"],
        )

    def test_officer_sees_his_companies_only(self):
        """An officer sees every rating of the companies he works in, never
        another company's."""
        self.assertEqual(
            self.report(self.officer).search([]).rating_id,
            self.rating_1 | self.rating_2 | self.rating_3,
        )
        self.officer.company_ids |= self.other_company
        both = self.company | self.other_company
        self.assertEqual(
            self.report(self.officer, both).search([]).rating_id,
            self.rating_1 | self.rating_2 | self.rating_3 | self.other_rating,
        )
        self.assertEqual(
            self.report(self.officer, self.other_company).search([]).rating_id,
            self.other_rating,
        )

    def test_plain_salesman_has_no_access(self):
        """A salesman outside the governance groups does not read the report."""
        with self.assertRaises(AccessError):
            self.report(self.salesman).search([])

    def test_rows_are_read_only(self):
        Report = self.report(self.officer)
        with self.assertRaises(AccessError):
            Report.create({"order_id": self.order_1.id})

    def test_views_and_menu(self):
        """Pivot by owning department and month with count, rating and
        satisfied; a menu under Reporting for the governance managers."""
        pivot = self.env.ref(
            "order_governance.order_governance_satisfaction_report_view_pivot"
        ).arch
        self.assertIn('display_quantity="1"', pivot)
        self.assertIn('<field name="owner_department_id" type="row"/>', pivot)
        self.assertIn('<field name="date" interval="month" type="col"/>', pivot)
        self.assertIn('<field name="satisfied" type="measure"/>', pivot)
        menu = self.env.ref(
            "order_governance.order_governance_satisfaction_report_menu"
        )
        self.assertEqual(
            menu.parent_id,
            self.env.ref("order_governance.order_governance_report_menu"),
        )
        self.assertEqual(
            menu.action,
            self.env.ref(
                "order_governance.order_governance_satisfaction_report_action"
            ),
        )
        reporting = menu.parent_id
        visible = self.env["ir.ui.menu"].with_user(self.prod_manager)
        self.assertLessEqual({menu.id, reporting.id}, set(visible._visible_menu_ids()))
        # an executor has no Reporting menu to reach it from
        visible = self.env["ir.ui.menu"].with_user(self.prod_worker1)
        self.assertNotIn(reporting.id, visible._visible_menu_ids())
        views = self.report(self.prod_manager).get_views(
            [(False, "pivot"), (False, "graph"), (False, "list"), (False, "search")]
        )
        search = views["views"]["search"]["arch"]
        for name in ("satisfied", "dissatisfied", "this_month", "last_12_months"):
            self.assertIn(f'name="{name}"', search)
        self.assertIn("'group_by': 'executing_department_ids'", search)

    def test_satisfied_filter(self):
        """The Satisfied and Dissatisfied filters' domains."""
        Report = self.report(self.officer)
        self.assertEqual(
            Report.search([("satisfied", "=", 100)]).rating_id, self.rating_1
        )
        self.assertEqual(
            Report.search([("dissatisfied", "=", 100)]).rating_id, self.rating_3
        )

    # ------------------------------------------------------------------
    # The KPI workbook's Satisfaction sheet
    # ------------------------------------------------------------------
    def workbook(self, user=None, date_from=date(2026, 3, 1), **values):
        Export = self.env["order.governance.kpi.export"]
        if user:
            Export = Export.with_user(user)
        wizard = Export.create(
            {
                "date_from": date_from,
                "date_to": date(2026, 4, 30),
                "company_ids": [(6, 0, self.company.ids)],
                **values,
            }
        )
        self.env.flush_all()
        data = wizard.with_context(tz="UTC")._workbook_bytes()
        return list(load_workbook(io.BytesIO(data))["Satisfaction"].values)

    @staticmethod
    def tables(rows):
        """({table's first header: {name: (ratings, average, satisfied,
        dissatisfied)}}, the rows of the dissatisfied list)."""
        tables, current, dissatisfied = {}, None, None
        for row in rows:
            if row[0] in TABLES:
                current = tables[row[0]] = {}
                assert row[1:5] == (
                    "Number of ratings",
                    "Average rating",
                    "Satisfied (%)",
                    "Dissatisfied (%)",
                ), row
            elif row[0] == "Dissatisfied customers":
                current, dissatisfied = None, []
            elif dissatisfied is not None and row[0] != "Rated on":
                dissatisfied.append(row[:8])
            elif current is not None and row[0] not in (None, NO_DATA):
                current[row[0]] = row[1:5]
            else:
                current = None
        return tables, dissatisfied

    def test_workbook_satisfaction_sheet(self):
        """The sheet gives the pivot's figures per owning department, executing
        department and salesperson, and lists the dissatisfied customers."""
        rows = self.workbook()
        self.assertEqual(rows[0][0], "Customer satisfaction")
        tables, dissatisfied = self.tables(rows)
        self.assertEqual(
            tables["Owning department"],
            {"Sales": (2, 3, 50, 50), "Logistics": (1, 3, 0, 0)},
        )
        executing = tables["Executing department"]
        self.assertEqual(executing["Operations / Production"], (2, 3, 50, 50))
        self.assertEqual(executing["Logistics"], (2, 2, 0, 50))
        self.assertEqual(executing["Sales"][:2], (3, 3))
        self.assertAlmostEqual(executing["Sales"][2], 100 / 3)
        self.assertEqual(len(executing), 4)
        self.assertEqual(
            tables["Salesperson"],
            {
                self.sales_user.name: (2, 4, 50, 0),
                self.sales_manager.name: (1, 1, 0, 100),
            },
        )
        self.assertEqual(len(dissatisfied), 1)
        self.assertEqual(
            dissatisfied[0],
            (
                datetime(2026, 4, 15, 12),
                self.order_3.name,
                "Governed Customer",
                "Sales",
                self.sales_manager.name,
                1,
                # in the departments' order (by name)
                "Logistics, Order Management, Operations / Production, Sales",
                "Two weeks late",
            ),
        )

    def test_workbook_satisfaction_sheet_period_and_departments(self):
        """April's ratings only; with Production chosen, the ratings of the
        orders it executed, and Production alone among the departments."""
        tables, dissatisfied = self.tables(self.workbook(date_from=date(2026, 4, 1)))
        self.assertEqual(tables["Owning department"], {"Sales": (1, 1, 0, 100)})
        self.assertEqual(len(dissatisfied), 1)
        tables, dissatisfied = self.tables(
            self.workbook(department_ids=[(6, 0, self.dep_production.ids)])
        )
        self.assertEqual(tables["Owning department"], {})  # Production owns none
        self.assertEqual(
            tables["Executing department"],
            {"Operations / Production": (2, 3, 50, 50)},
        )
        self.assertEqual(
            tables["Salesperson"],
            {
                self.sales_user.name: (1, 5, 100, 0),
                self.sales_manager.name: (1, 1, 0, 100),
            },
        )
        self.assertEqual([row[1] for row in dissatisfied], [self.order_3.name])

    def test_workbook_satisfaction_sheet_follows_the_rules(self):
        """A manager's sheet holds the ratings of his departments' orders; with
        none in the period, it says so."""
        tables, dissatisfied = self.tables(self.workbook(self.prod_manager))
        self.assertEqual(tables["Owning department"], {"Sales": (2, 3, 50, 50)})
        self.assertEqual(len(tables["Executing department"]), 4)
        self.assertEqual(tables["Executing department"]["Logistics"], (1, 1, 0, 100))
        self.assertEqual(
            tables["Salesperson"],
            {
                self.sales_user.name: (1, 5, 100, 0),
                self.sales_manager.name: (1, 1, 0, 100),
            },
        )
        self.assertEqual(len(dissatisfied), 1)
        rows = self.workbook(self.prod_manager, date_from=date(2026, 4, 16))
        firsts = [row[0] for row in rows]
        self.assertEqual(firsts.count(NO_DATA), 3)
        self.assertEqual(firsts[-1], "No dissatisfied customer in this period.")

    # ------------------------------------------------------------------
    # The digest
    # ------------------------------------------------------------------
    def digest(self, start, end, user=None):
        digest = self.env["digest.digest"].create(
            {"name": "Monthly", "company_id": self.company.id}
        )
        if user:
            digest = digest.with_user(user)
        return digest.with_context(start_datetime=start, end_datetime=end)

    def test_digest_customer_satisfaction(self):
        """The share of satisfied ratings answered in the digest's period, in
        its company: March's 5 and 3 (not the seller's chatter rating, nor the
        other company's 5)."""
        march = self.digest(datetime(2026, 3, 1), datetime(2026, 4, 1))
        self.assertAlmostEqual(march.kpi_governance_satisfaction_value, 50.0)
        april = self.digest(datetime(2026, 4, 1), datetime(2026, 5, 1))
        self.assertEqual(april.kpi_governance_satisfaction_value, 0)
        spring = self.digest(datetime(2026, 3, 1), datetime(2026, 5, 1))
        self.assertAlmostEqual(spring.kpi_governance_satisfaction_value, 100 / 3)
        executor = self.digest(
            datetime(2026, 3, 1), datetime(2026, 4, 1), self.prod_worker1
        )
        with self.assertRaises(AccessError):
            executor.mapped("kpi_governance_satisfaction_value")
