import json

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import OrderGovernanceCase


@tagged("post_install", "-at_install")
class TestRoutePreview(OrderGovernanceCase):
    """Who would own this order: the preview names who a real move then picks,
    says why, and writes nothing."""

    def rule(self, **values):
        return self.env["order.governance.rule"].create(
            {
                "name": "Production rule",
                "company_id": self.company.id,
                "responsible_department_id": self.dep_production.id,
                "stage_ids": [Command.set(self.stage_production.ids)],
                **values,
            }
        )

    def row(self, order, stage):
        rows = order.governance_route_preview()
        return next(r for r in rows if r["stage_id"] == stage.id)

    def assert_preview_is_routing(self, order, stage, reason):
        """The preview's department and person are those of the real move."""
        row = self.row(order, stage)
        self.assertIn(reason, row["reason"])
        self.put_in(order, stage)
        self.assertEqual(row["department_id"], order.responsible_department_id.id)
        self.assertEqual(row["user_id"], order.responsible_user_id.id)
        return row

    def test_fallback_is_the_stage_department_manager(self):
        order = self.create_order()
        row = self.assert_preview_is_routing(
            order, self.stage_production, "manager of Production"
        )
        self.assertFalse(row["rule_id"])
        self.assertIn("no rule matches", row["reason"])
        self.assertEqual(row["user_id"], self.prod_manager.id)

    def test_fallback_to_a_parent_manager_says_so(self):
        self.dep_production.manager_id = False
        order = self.create_order()
        row = self.assert_preview_is_routing(
            order, self.stage_production, "manager of a parent department"
        )
        self.assertEqual(row["user_id"], self.ops_manager.id)

    def test_user_rule_with_its_domain(self):
        rule = self.rule(
            name="Big orders to Paula",
            assignment="user",
            user_id=self.prod_worker1.id,
            domain="[('amount_untaxed', '>', 50)]",
        )
        order = self.create_order()
        row = self.assert_preview_is_routing(
            order, self.stage_production, "named by the rule"
        )
        self.assertEqual(row["rule_id"], rule.id)
        self.assertEqual(row["rule"], "Big orders to Paula")
        self.assertIn(
            "rule Big orders to Paula ([('amount_untaxed', '>', 50)])", row["reason"]
        )

    def test_round_robin_preview_is_the_next_turn_and_moves_no_pointer(self):
        rule = self.rule(assignment="round_robin")
        first = self.put_in(self.create_order(), self.stage_production)
        pointer = rule.last_assigned_user_id
        self.assertEqual(pointer, first.responsible_user_id)
        order = self.create_order()
        Stay = self.env["order.governance.stage.log"]
        stays = Stay.search_count([])
        self.env.flush_all()
        write_date = rule.write_date
        row = self.row(order, self.stage_production)
        self.assertIn("next in turn in Production", row["reason"])
        self.env.flush_all()
        rule.invalidate_recordset()
        self.assertEqual(rule.last_assigned_user_id, pointer)
        self.assertEqual(rule.write_date, write_date)
        self.assertEqual(Stay.search_count([]), stays)
        self.assert_preview_is_routing(order, self.stage_production, "next in turn")
        self.assertNotEqual(order.responsible_user_id, first.responsible_user_id)

    def test_least_loaded(self):
        self.rule(assignment="least_loaded")
        self.put_in(self.create_order(), self.stage_production)
        order = self.create_order()
        self.assert_preview_is_routing(
            order, self.stage_production, "fewest open orders in Production"
        )

    def test_salesperson(self):
        self.env["order.governance.rule"].create(
            {
                "name": "Quotations stay with their salesperson",
                "company_id": self.company.id,
                "responsible_department_id": self.dep_sales.id,
                "stage_ids": [Command.set(self.stage_confirmed.ids)],
                "assignment": "salesperson",
            }
        )
        order = self.create_order(user=self.sales_user)
        row = self.assert_preview_is_routing(
            order, self.stage_confirmed, "the order's salesperson"
        )
        self.assertEqual(row["user_id"], self.sales_user.id)

    def test_every_stage_in_sequence_and_rpc_safe(self):
        self.stage_shipping.applicability_domain = "[('amount_untaxed', '>', 10**9)]"
        order = self.create_order()
        rows = order.governance_route_preview()
        self.assertEqual(
            [r["stage"] for r in rows],
            ["Received", "Confirmed", "Production", "Shipping", "Done"],
        )
        json.dumps(rows)  # ids and names only: RPC carries it
        shipping = rows[3]
        self.assertFalse(shipping["department_id"])
        self.assertIn("Does not apply to this order", shipping["reason"])

    def test_read_access_and_one_order(self):
        order = self.create_order()
        self.put_in(order, self.stage_production)
        with self.assertRaises(AccessError):
            order.with_user(self.log_worker).governance_route_preview()
        with self.assertRaises(UserError):
            (order | self.create_order()).governance_route_preview()
        rows = order.with_user(self.prod_worker1).governance_route_preview()
        self.assertEqual(len(rows), 5)

    def test_the_wizard_shows_the_preview_for_a_picked_order(self):
        order = self.create_order()
        action = order.action_governance_route_preview()
        wizard = Form.from_action(self.env, action)
        self.assertIn("manager of Production", str(wizard.preview_html))
        blank = Form(self.env["order.governance.route.preview"])
        self.assertIn("Pick an order", str(blank.preview_html))
        blank.order_id = order
        self.assertIn("Shipping", str(blank.preview_html))

    def test_the_wizard_is_titled(self):
        """Titled by the order it previews, never "New"; no save/discard."""
        order = self.create_order()
        action = order.action_governance_route_preview()
        self.assertEqual(action["name"], "Routing Preview")
        Wizard = self.env["order.governance.route.preview"]
        values = Wizard.onchange(
            {"order_id": order.id}, [], {"display_name": {}, "order_id": {}}
        )["value"]
        self.assertEqual(values["display_name"], f"Routing Preview: {order.name}")
        self.assertEqual(Wizard.new({}).display_name, "Routing Preview")
        arch = Wizard.get_view(view_type="form")["arch"]
        self.assertIn('js_class="governance_report_form"', arch)

    def test_the_wizard_refuses_an_order_the_user_cannot_read(self):
        """Over RPC the wizard takes any order id: it shows the routing of orders
        the user may read only."""
        order = self.put_in(self.create_order(), self.stage_production)
        Wizard = self.env["order.governance.route.preview"].with_user(self.log_worker)
        with self.assertRaises(AccessError):
            Wizard.create({"order_id": order.id}).preview_html  # noqa: B018
        with self.assertRaises(AccessError):
            Wizard.onchange({"order_id": order.id}, ["order_id"], {"preview_html": {}})
        owned = self.create_order(owner_department_id=self.dep_logistics.id)
        mine = Wizard.create({"order_id": owned.id})
        self.assertIn("Production", str(mine.preview_html))
