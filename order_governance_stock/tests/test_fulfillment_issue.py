from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import StockGovernanceCase

ISSUE = "order.governance.fulfillment.issue"


@tagged("post_install", "-at_install")
class TestStockIssues(StockGovernanceCase):
    """Deliveries waiting for goods or planned after the promise are issues of
    the department that delivers, opening the transfer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stored = cls.env["product.product"].create(
            {"name": "Governed Stored Crate", "type": "consu", "is_storable": True}
        )

    def issue(self, order, issue_type, user=None):
        self.env.flush_all()
        Issue = self.env[ISSUE].with_user(user) if user else self.env[ISSUE]
        return Issue.search(
            [("order_id", "=", order.id), ("issue_type", "=", issue_type)]
        )

    def waiting_order(self):
        order = self.confirmed_order(
            order_line=[
                Command.create({"product_id": self.stored.id, "product_uom_qty": 3})
            ]
        )
        delivery = order.picking_ids
        self.assertEqual(delivery.state, "confirmed")
        return order, delivery

    def test_stock_unavailable_until_reserved(self):
        """A delivery waiting for goods, for the delivering department, opening
        the transfer; gone once the goods are reserved."""
        order, delivery = self.waiting_order()
        issue = self.issue(order, "stock_unavailable")
        self.assertEqual(len(issue), 1)
        self.assertEqual(issue.department_id, self.dep_logistics)
        self.assertEqual(
            (issue.res_model, issue.res_id), ("stock.picking", delivery.id)
        )
        self.assertEqual(issue.detail, f"{delivery.name} waits for goods")
        self.assertEqual(issue.id, order.id * 32 + 8)
        self.env["stock.quant"]._update_available_quantity(
            self.stored, self.warehouse.lot_stock_id, 3
        )
        delivery.action_assign()
        self.assertEqual(delivery.state, "assigned")
        self.assertFalse(self.issue(order, "stock_unavailable"))

    def test_delivery_after_promise(self):
        """An open delivery scheduled after the promised date, since the
        promise; gone when it is scheduled in time."""
        order = self.confirmed_order()
        delivery = order.picking_ids
        promise = fields.Datetime.now() + timedelta(days=2)
        order._governance_engine().write({"governance_promised_date": promise})
        delivery.scheduled_date = promise + timedelta(days=1)
        issue = self.issue(order, "delivery_after_promise")
        self.assertEqual(issue.since, promise)
        self.assertEqual(issue.res_id, delivery.id)
        self.assertIn(delivery.name, issue.detail)
        delivery.scheduled_date = promise - timedelta(days=1)
        self.assertFalse(self.issue(order, "delivery_after_promise"))

    def test_transfer_opened_only_when_readable(self):
        """Open: the transfer for a user who may read it, never for one who may
        not (a governance user without Inventory rights but the salesman's)."""
        order, delivery = self.waiting_order()
        row = self.issue(order, "stock_unavailable")
        self.assertEqual(self.issue(order, "stock_unavailable", self.sales_user), row)
        action = row.with_user(self.sales_user).action_open_document()
        self.assertEqual(action["res_id"], delivery.id)
        self.assertFalse(self.issue(order, "stock_unavailable", self.prod_worker1))
        with self.assertRaises(AccessError):
            row.with_user(self.prod_worker1).action_open_document()
