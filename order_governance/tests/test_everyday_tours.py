from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import OrderGovernanceCase


@tagged("post_install", "-at_install")
class TestEverydayTours(HttpCase, OrderGovernanceCase):
    """Sales' everyday work in the browser, with the module installed."""

    def test_salesperson_creates_confirms_and_edits_his_quotation(self):
        """New, customer, product, Save, Confirm, change a quantity, Save: no error
        dialog, with the rule that keeps quotations with their salesperson."""
        self.env["order.governance.rule"].create(
            {
                "name": "Quotations stay with their salesperson",
                "company_id": self.company.id,
                "stage_ids": [Command.set(self.stage_received.ids)],
                "responsible_department_id": self.dep_sales.id,
                "assignment": "salesperson",
            }
        )
        self.env["res.partner"].create({"name": "Everyday Customer"})
        self.env["product.product"].create(
            {"name": "Everyday Widget", "list_price": 10.0, "sale_ok": True}
        )
        self.start_tour(
            "/odoo/action-sale.action_quotations_with_onboarding",
            "order_governance_salesperson_quotation_tour",
            login=self.sales_user.login,
        )
        order = self.env["sale.order"].search(
            [("partner_id.name", "=", "Everyday Customer")]
        )
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.governance_stage_id, self.stage_confirmed)
        self.assertEqual(order.order_line.product_uom_qty, 3)
        self.assertEqual(order.user_id, self.sales_user)


@tagged("post_install", "-at_install")
class TestDemoDesk(HttpCase):
    """The demo database as its people find it."""

    def test_head_of_logistics_finds_the_shipping_desk_orders(self):
        """My Department shows the head of Logistics the orders of the Shipping
        Desk, the sub-department he manages (not "Nothing waiting here")."""
        manager = self.env.ref(
            "order_governance.user_logistics_manager", raise_if_not_found=False
        )
        if not manager:
            self.skipTest("demo data not installed")
        shipping_desk = self.env.ref("order_governance.dep_shipping_desk")
        self.assertTrue(
            self.env["sale.order"]
            .with_user(manager)
            .search_count(
                [
                    ("governance_in_my_department", "=", True),
                    ("responsible_department_id", "=", shipping_desk.id),
                ]
            )
        )
        self.start_tour(
            "/odoo/order-desk",
            "order_governance_demo_manager_desk_tour",
            login=manager.login,
        )
