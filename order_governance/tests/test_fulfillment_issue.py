from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import GROUP_OFFICER, OrderGovernanceCase

ISSUE = "order.governance.fulfillment.issue"


class IssueCase(OrderGovernanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reason = cls.env.ref("order_governance.hold_reason_customer")

    def issues(self, order, user=None):
        Issue = self.env[ISSUE].with_user(user) if user else self.env[ISSUE]
        self.env.flush_all()
        return Issue.search([("order_id", "=", order.id)])

    def issue(self, order, issue_type, user=None):
        return self.issues(order, user).filtered(lambda i: i.issue_type == issue_type)

    def in_production(self):
        return self.put_in(self.create_order(), self.stage_production)

    def hold(self, order):
        order.with_user(self.prod_manager).governance_hold(self.reason)
        return order


@tagged("post_install", "-at_install")
class TestFulfillmentIssues(IssueCase):
    """Each type of issue shows while its cause lasts, with the department that
    must act, and goes with its cause."""

    def test_incomplete_until_the_check_is_ticked(self):
        """An unmet required check ticked by hand: the responsible department
        acts, since the stay began; ticking it ends the issue."""
        self.stage_production.check_ids = [
            fields.Command.create({"name": "Drawing approved"}),
            fields.Command.create({"name": "Photos taken", "required": False}),
        ]
        order = self.in_production()
        issue = self.issue(order, "incomplete")
        self.assertEqual(len(issue), 1)
        self.assertEqual(issue.department_id, self.dep_production)
        self.assertEqual(issue.since, self.open_logs(order).date_in)
        self.assertEqual(issue.detail, "Exit criterion not met: Drawing approved")
        self.assertEqual((issue.res_model, issue.res_id), ("sale.order", order.id))
        line = order.governance_check_line_ids.filtered("required")
        line.with_user(self.prod_worker1).action_tick()
        self.assertFalse(self.issue(order, "incomplete"))

    def test_on_hold_until_resumed(self):
        """A held order: the hold's reason and start; resuming ends it."""
        order = self.hold(self.in_production())
        issue = self.issue(order, "on_hold")
        self.assertEqual(issue.since, order.governance_hold_ids.date_start)
        self.assertEqual(issue.detail, f"On hold: {self.reason.name}")
        self.assertEqual(issue.department_id, self.dep_production)
        order.with_user(self.prod_manager).governance_resume()
        self.assertFalse(self.issue(order, "on_hold"))

    def test_sla_breached_until_the_order_moves_on(self):
        """Open work past its deadline, since the deadline; gone once the order
        is in another stage (or while it is held: the hold is the issue)."""
        order = self.in_production()
        deadline = fields.Datetime.now() - timedelta(hours=3)
        self.open_logs(order).sudo().write({"deadline": deadline})
        issue = self.issue(order, "sla_breached")
        self.assertEqual(issue.since, deadline)
        self.assertEqual(issue.department_id, self.dep_production)
        self.assertIn("Overdue in Production since", issue.detail)
        self.hold(order)
        self.assertFalse(self.issue(order, "sla_breached"))
        order.with_user(self.prod_manager).governance_resume()
        self.put_in(order, self.stage_shipping)
        self.assertFalse(self.issue(order, "sla_breached"))

    def test_promise_status(self):
        """At risk and late come from the promise status, for the owning
        department, since the promised date; back on track, no issue."""
        order = self.in_production()
        promise = fields.Datetime.now() + timedelta(days=3)
        p90 = promise + timedelta(days=2)
        order._governance_engine().write(
            {
                "governance_promised_date": promise,
                "governance_forecast_date": promise - timedelta(days=1),
                "governance_forecast_p90_date": p90,
                "governance_promise_status": "at_risk",
            }
        )
        issue = self.issue(order, "promise_at_risk")
        self.assertEqual(issue.department_id, self.dep_sales)
        self.assertEqual(issue.since, promise)
        self.assertIn("nine orders in ten", issue.detail)
        order._governance_engine().write({"governance_promise_status": "late"})
        self.assertFalse(self.issue(order, "promise_at_risk"))
        late = self.issue(order, "promise_late")
        self.assertEqual(late.id, order.id * 32 + 5, "a stable id: order × 32 + rank")
        order._governance_engine().write({"governance_promise_status": "on_track"})
        self.assertFalse(self.issues(order))

    def test_final_stage_has_no_issue(self):
        """Only open orders in a working stage have issues."""
        order = self.hold(self.in_production())
        self.assertTrue(self.issues(order))
        order.with_user(self.prod_manager).governance_resume()
        self.open_logs(order).sudo().write(
            {"deadline": fields.Datetime.now() - timedelta(hours=1)}
        )
        self.put_in(order, self.stage_done)
        self.assertFalse(self.issues(order))

    def test_issue_count_and_desk_card(self):
        """The desk's card counts an order's issues; the badge opens them."""
        order = self.hold(self.in_production())
        self.open_logs(order).sudo().write(
            {"deadline": fields.Datetime.now() - timedelta(hours=1)}
        )
        order.invalidate_recordset(["governance_issue_count"])
        self.assertEqual(order.governance_issue_count, 1)  # held: no breach
        order.with_user(self.prod_manager).governance_resume()
        order.invalidate_recordset(["governance_issue_count"])
        self.assertEqual(order.with_user(self.prod_worker1).governance_issue_count, 1)
        action = order.action_governance_open_issues()
        self.assertEqual(action["domain"], [("order_id", "in", order.ids)])
        arch = self.env["sale.order"].get_view(
            self.env.ref("order_governance.sale_order_view_kanban").id, "kanban"
        )["arch"]
        self.assertIn("o_governance_issue_badge", arch)
        # a salesman outside Order Governance reads the order (Odoo's own
        # screens read every field): no issue to count, no Access Error
        order.user_id = self.salesman
        as_salesman = order.with_user(self.salesman)
        self.assertEqual(
            as_salesman.read(["governance_issue_count"])[0]["governance_issue_count"], 0
        )


@tagged("post_install", "-at_install")
class TestFulfillmentIssueAccess(IssueCase):
    """A user sees the issues of the orders he sees, opens only what he may read."""

    def test_other_department_does_not_see(self):
        """An executor of another department neither finds nor reads the row."""
        order = self.hold(self.in_production())
        row = self.issue(order, "on_hold")
        self.assertEqual(self.issue(order, "on_hold", self.prod_worker1), row)
        self.assertTrue(
            self.env[ISSUE]
            .with_user(self.prod_worker1)
            .search_read([("id", "=", row.id)], ["detail"])
        )
        self.assertFalse(self.issues(order, self.log_worker))
        with self.assertRaises(AccessError):
            row.with_user(self.log_worker).read(["detail"])
        with self.assertRaises(AccessError):
            row.with_user(self.log_worker).action_open_document()
        self.assertFalse(
            self.env[ISSUE]
            .with_user(self.log_worker)
            .read_group([], ["issue_type"], ["issue_type"])
        )
        action = row.with_user(self.prod_worker1).action_open_document()
        self.assertEqual(
            (action["res_model"], action["res_id"]), ("sale.order", order.id)
        )

    def test_filters_my_department_and_my_orders(self):
        """My Department: the department to act is one of mine; My Orders: I
        sell it or am responsible."""
        order = self.hold(self.in_production())
        Issue = self.env[ISSUE]
        mine = Issue.with_user(self.prod_worker1).search(
            [("in_my_department", "=", True)]
        )
        self.assertIn(order, mine.order_id)
        theirs = Issue.with_user(self.sales_manager).search(
            [("in_my_department", "=", True)]
        )
        self.assertNotIn(order, theirs.order_id)
        sold = Issue.with_user(self.sales_user).search(
            [
                "|",
                ("user_id", "=", self.sales_user.id),
                ("responsible_user_id", "=", self.sales_user.id),
            ]
        )
        self.assertIn(order, sold.order_id)

    def test_other_company_invisible(self):
        """Another company's issues are not listed, even to an officer."""
        other = self.env["res.company"].create({"name": "Other Governed Company"})
        self.env["order.governance.stage"].create(
            {"name": "Other Received", "company_id": other.id, "sequence": 5}
        )
        foreign = (
            self.env["sale.order"]
            .with_company(other)
            .with_context(allowed_company_ids=other.ids)
            .create({"partner_id": self.partner.id, "company_id": other.id})
        )
        foreign.stage_log_ids.sudo().write(
            {"deadline": fields.Datetime.now() - timedelta(hours=1)}
        )
        self.env.flush_all()
        self.assertTrue(self.env[ISSUE].sudo().search([("order_id", "=", foreign.id)]))
        officer = self.company_user(
            "og_issue_officer", f"base.group_user,{GROUP_OFFICER}"
        )
        self.assertFalse(
            self.env[ISSUE].with_user(officer).search([("order_id", "=", foreign.id)])
        )
        row_id = foreign.id * 32 + 3
        with self.assertRaises(AccessError):
            self.env[ISSUE].with_user(officer).browse(row_id).read(["detail"])

    def test_reading_the_list_costs_the_same_for_more_orders(self):
        """Listing the issues with their sentences is a bounded number of
        queries: 10 or 30 held orders cost the same."""
        Issue = self.env[ISSUE].with_user(self.prod_manager)

        def cost():
            self.env.invalidate_all()
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            rows = Issue.search_read(
                [("issue_type", "=", "on_hold")],
                ["order_id", "issue_type", "department_id", "since", "detail"],
            )
            return self.env.cr.sql_log_count - before, len(rows)

        for _i in range(10):
            self.hold(self.in_production())
        cost()  # warm: the rules and translations Odoo caches per user
        ten, count = cost()
        self.assertEqual(count, 10)
        for _i in range(20):
            self.hold(self.in_production())
        thirty, count = cost()
        self.assertEqual(count, 30)
        self.assertEqual(ten, thirty)


@tagged("post_install", "-at_install")
class TestFulfillmentIssueMoney(IssueCase):
    """Overdue invoices of the order and the customer's overdue receivables."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["account.chart.template"].try_loading(
            "generic_coa", company=cls.company, install_demo=False
        )
        cls.product.invoice_policy = "order"
        cls.accountant = cls.company_user(
            "og_issue_accountant", "base.group_user,account.group_account_invoice"
        )

    def overdue_invoice(self, order=None):
        order = order or self.create_order()
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.write(
            {
                "invoice_date": fields.Date.today() - timedelta(days=40),
                "invoice_payment_term_id": False,
            }
        )
        invoice.invoice_date_due = fields.Date.today() - timedelta(days=10)
        invoice.action_post()
        self.assertLess(invoice.invoice_date_due, fields.Date.today())
        return order, invoice

    def pay(self, invoice):
        self.env["account.payment.register"].with_user(self.accountant).with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()

    def test_payment_overdue_until_paid(self):
        """An overdue posted invoice: one row for the order, since the due date,
        opening the invoice; its payment ends it."""
        order, invoice = self.overdue_invoice()
        issue = self.issue(order, "payment_overdue")
        self.assertEqual(len(issue), 1)
        self.assertEqual(issue.since.date(), invoice.invoice_date_due)
        self.assertEqual((issue.res_model, issue.res_id), ("account.move", invoice.id))
        self.assertEqual(issue.department_id, self.dep_sales, "no invoicing stage")
        self.assertIn(invoice.name, issue.detail)
        self.pay(invoice)
        self.assertFalse(self.issue(order, "payment_overdue"))

    def test_payment_overdue_goes_to_the_invoicing_department(self):
        """A stage with the invoicing event names who collects."""
        self.env["order.governance.stage"].create(
            {
                "name": "Invoicing",
                "sequence": 50,
                "company_id": self.company.id,
                "sale_event": "invoiced",
                "responsible_department_id": self.dep_logistics.id,
            }
        )
        order, _invoice = self.overdue_invoice()
        self.assertEqual(
            self.issue(order, "payment_overdue").department_id, self.dep_logistics
        )

    def test_invoice_refused_to_who_may_not_read_it(self):
        """Open: the invoice only for those who may read it."""
        order, invoice = self.overdue_invoice()
        row = self.issue(order, "payment_overdue")
        viewer = self.company_user(
            "og_issue_viewer", f"base.group_user,{GROUP_OFFICER}"
        )
        self.assertTrue(row.with_user(viewer).read(["detail"]))
        if invoice.with_user(viewer).has_access("read"):
            self.skipTest("the officer reads invoices here")
        with self.assertRaises(AccessError):
            row.with_user(viewer).action_open_document()
        action = row.action_open_document()
        self.assertEqual(action["res_id"], invoice.id)

    def test_credit_overdue_above_the_limit(self):
        """The customer's overdue receivables above the company's limit: an
        issue on each of his open orders, gone under the limit or at 0."""
        _order, invoice = self.overdue_invoice()
        open_order = self.put_in(self.create_order(), self.stage_production)
        self.assertFalse(self.issue(open_order, "credit_overdue"), "0: not checked")
        self.company.governance_credit_overdue_limit = invoice.amount_total / 2
        issue = self.issue(open_order, "credit_overdue")
        self.assertEqual(issue.department_id, self.dep_sales)
        self.assertEqual(issue.fact_amount, invoice.amount_total)
        self.assertEqual(
            (issue.res_model, issue.res_id), ("res.partner", self.partner.id)
        )
        self.assertIn("overdue (limit", issue.detail)
        self.company.governance_credit_overdue_limit = invoice.amount_total * 2
        self.assertFalse(self.issue(open_order, "credit_overdue"))
        self.company.governance_credit_overdue_limit = invoice.amount_total / 2
        self.pay(invoice)
        self.assertFalse(self.issue(open_order, "credit_overdue"))
