from datetime import datetime

from odoo.exceptions import AccessError, MissingError, UserError
from odoo.tests import tagged

from .common import OrderGovernanceCase

PROMISE = datetime(2031, 1, 2, 3, 4, 5)


@tagged("post_install", "-at_install")
class TestAttacksPromise(OrderGovernanceCase):
    """What issue 26 added, attacked as an executor over RPC: the promise and
    forecast fields, ``governance_forecast``, the issues' and the delivery
    report's rows and buttons."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.give_production_to(cls.prod_worker1)
        cls.order = cls.create_order(commitment_date=PROMISE)
        cls.order.action_confirm()
        cls.order.sudo().governance_move(cls.stage_production, reason="set-up")
        # an order of Sales waiting in Logistics: out of the worker's sight
        cls.hidden = cls.create_order()
        cls.hidden.sudo().governance_move(cls.stage_shipping, reason="set-up")

    def test_governed_fields_refused_whatever_the_context(self):
        worker = self.order.with_user(self.prod_worker1)
        values = {
            "governance_promised_date": datetime(2020, 1, 1),
            "governance_promise_changes": 7,
            "governance_forecast_date": datetime(2020, 1, 1),
            "governance_forecast_p90_date": datetime(2020, 1, 1),
            "governance_promise_status": "kept",
        }
        contexts = ({}, {"governance_engine": True}, {"tracking_disable": True})
        for context in contexts:
            for name, value in values.items():
                with self.subTest(context=context, field=name):
                    with self.assertRaises(AccessError):
                        worker.with_context(**context).write({name: value})
        self.order.invalidate_recordset()
        self.assertEqual(self.order.governance_promised_date, PROMISE)
        self.assertEqual(self.order.governance_promise_changes, 0)
        self.assertNotEqual(self.order.governance_promise_status, "kept")

    def test_forecast_of_an_order_out_of_sight_or_not_there(self):
        Order = self.env["sale.order"].with_user(self.prod_worker1)
        with self.assertRaises(AccessError):
            Order.browse(self.hidden.id).governance_forecast()
        with self.assertRaises(MissingError):
            Order.browse(10**9).governance_forecast()
        with self.assertRaises(UserError):
            Order.browse().governance_forecast()
        with self.assertRaises(UserError):
            (
                Order.browse(self.order.id) | Order.browse(self.hidden.id)
            ).governance_forecast()
        self.assertTrue(Order.browse(self.order.id).governance_forecast())

    def test_executor_changes_no_promise_of_an_order_he_does_not_own(self):
        """The promise of a confirmed order is the owning department's (and the
        officers'): a production worker's new delivery date is refused."""
        with self.assertRaises(AccessError):
            self.order.with_user(self.prod_worker1).write(
                {"commitment_date": datetime(2020, 1, 1)}
            )
        self.assertEqual(self.order.governance_promised_date, PROMISE)
        self.assertEqual(self.order.governance_promise_changes, 0)

    def test_issue_and_report_rows_are_read_only_and_out_of_sight(self):
        Issue = self.env["order.governance.fulfillment.issue"].with_user(
            self.prod_worker1
        )
        Report = self.env["order.governance.delivery.report"].with_user(
            self.prod_worker1
        )
        self.assertFalse(Issue.search([("order_id", "=", self.hidden.id)]))
        self.assertFalse(Report.search([("order_id", "=", self.hidden.id)]))
        for Model in (Issue, Report):
            with self.subTest(model=Model._name), self.assertRaises(AccessError):
                Model.create({"order_id": self.order.id})
        # the row id of an issue of the hidden order (order id × 32 + rank: on
        # hold, which it is)
        self.hidden.sudo().governance_hold(
            self.env.ref("order_governance.hold_reason_customer")
        )
        self.assertTrue(
            Issue.sudo().search([("id", "=", self.hidden.id * 32 + 2)]).exists()
        )
        with self.assertRaises(AccessError):
            Issue.browse(self.hidden.id * 32 + 2).action_open_document()
        with self.assertRaises(AccessError):
            Issue.browse(self.hidden.id * 32 + 2).read(["detail"])
