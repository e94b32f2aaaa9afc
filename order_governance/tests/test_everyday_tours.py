from odoo.tests import HttpCase, tagged

from .common import OrderGovernanceCase


@tagged("post_install", "-at_install")
class TestEverydayTours(HttpCase, OrderGovernanceCase):
    """Sales' everyday work in the browser, with the module installed."""

    def test_salesperson_creates_confirms_and_edits_his_quotation(self):
        """New, customer, product, Save, Confirm, change a quantity, Save: no error
        dialog, with the rule that keeps quotations with their salesperson."""
        self.keep_quotations_with_salesperson()
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


@tagged("post_install", "-at_install")
class TestReloadFromHealthCheck(HttpCase):
    """A page opened from the Health Check's Fix survives a reload."""

    def test_breadcrumbs_of_a_page_opened_from_the_health_check(self):
        """Reloading /odoo/governance-health/<finding>/<model>/<id> rebuilds its
        breadcrumbs by running the Health Check again: no "Oops!"."""
        admin = self.env.ref("base.user_admin")
        self.assertTrue(admin.has_group("order_governance.group_governance_officer"))
        rule = self.env["order.governance.rule"].search([], limit=1) or self.env[
            "order.governance.rule"
        ].create(
            {
                "name": "Reload probe",
                "responsible_department_id": self.env["hr.department"]
                .search([], limit=1)
                .id,
            }
        )
        self.authenticate("admin", "admin")
        crumbs = self.make_jsonrpc_request(
            "/web/action/load_breadcrumbs",
            {
                "actions": [
                    {"action": "governance-health"},
                    {"model": "order.governance.rule", "resId": rule.id},
                ]
            },
        )
        self.assertEqual(crumbs[0]["display_name"], "Health Check")
        self.assertEqual(crumbs[1]["display_name"], rule.display_name)
