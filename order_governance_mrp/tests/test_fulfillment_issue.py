from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from .common import ProductionGovernanceCase

ISSUE = "order.governance.fulfillment.issue"


@tagged("post_install", "-at_install")
class TestProductionIssues(ProductionGovernanceCase):
    """Manufacturing orders late or short of components are issues of the
    producing department, opening the manufacturing order."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.board = cls.env["product.product"].create(
            {"name": "Governed Stored Board", "type": "consu", "is_storable": True}
        )
        routes = (
            cls.warehouse.manufacture_pull_id.route_id
            | cls.warehouse.mto_pull_id.route_id
        )
        cls.table = cls.env["product.product"].create(
            {
                "name": "Governed Table",
                "type": "consu",
                "route_ids": [Command.set(routes.ids)],
            }
        )
        cls.env["mrp.bom"].create(
            {
                "product_tmpl_id": cls.table.product_tmpl_id.id,
                "company_id": cls.company.id,
                "bom_line_ids": [
                    Command.create({"product_id": cls.board.id, "product_qty": 4})
                ],
            }
        )

    def issue(self, order, issue_type):
        self.env.flush_all()
        return self.env[ISSUE].search(
            [("order_id", "=", order.id), ("issue_type", "=", issue_type)]
        )

    def test_production_late_until_done(self):
        """An MO past its deadline, or planned after the promise, for the
        producing department, opening the MO; gone once produced."""
        order = self.made_to_order()
        production = order.mrp_production_ids
        self.assertFalse(self.issue(order, "production_late"))
        deadline = fields.Datetime.now() - timedelta(days=1)
        production.date_deadline = deadline
        issue = self.issue(order, "production_late")
        self.assertEqual(issue.department_id, self.dep_production)
        self.assertEqual(
            (issue.res_model, issue.res_id), ("mrp.production", production.id)
        )
        self.assertEqual(issue.since, deadline)
        self.assertIn("past its deadline", issue.detail)
        self.assertEqual(issue.id, order.id * 32 + 10)
        self.produce(production)
        self.assertFalse(self.issue(order, "production_late"))

    def test_production_planned_after_the_promise(self):
        """Planned to finish after the promised date: late already."""
        order = self.made_to_order()
        production = order.mrp_production_ids
        # its own deadline ahead: Odoo sets it to the confirmation's second,
        # which a clock in the same second (PostgreSQL's NOW() keeps the
        # microseconds) would already call past
        production.date_deadline = production.date_finished + timedelta(days=2)
        order._governance_engine().write(
            {"governance_promised_date": production.date_finished - timedelta(hours=1)}
        )
        issue = self.issue(order, "production_late")
        self.assertIn("after the promised date", issue.detail)
        order._governance_engine().write(
            {"governance_promised_date": production.date_finished + timedelta(days=1)}
        )
        self.assertFalse(self.issue(order, "production_late"))

    def test_components_missing_until_reserved(self):
        """An MO whose components are not reserved (reservation_state, stored);
        gone once they are."""
        order = self.made_to_order(self.table)
        production = order.mrp_production_ids
        self.assertIn(production.reservation_state, ("confirmed", "waiting"))
        issue = self.issue(order, "components_missing")
        self.assertEqual(issue.res_id, production.id)
        self.assertEqual(issue.detail, f"{production.name} waits for components")
        self.env["stock.quant"]._update_available_quantity(
            self.board, self.warehouse.lot_stock_id, 4
        )
        production.action_assign()
        self.assertEqual(production.reservation_state, "assigned")
        self.assertFalse(self.issue(order, "components_missing"))
