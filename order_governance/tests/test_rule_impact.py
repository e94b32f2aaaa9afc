from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import OrderGovernanceCase


@tagged("post_install", "-at_install")
class TestRuleImpact(OrderGovernanceCase):
    """Changing a rule shows the open orders that would change hands, and applies
    it to them as reassignments."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule = cls.give_production_to(cls.prod_worker1)

    def in_production(self, count):
        return self.put_in(self.create_orders(count), self.stage_production)

    def test_preview_lists_exactly_the_orders_that_change(self):
        orders = self.in_production(3)
        shipping = self.put_in(self.create_order(), self.stage_shipping)
        self.assertEqual(
            self.rule.governance_impact_preview(), {"count": 0, "orders": []}
        )
        self.rule.user_id = self.prod_worker2
        preview = self.rule.with_user(self.officer).governance_impact_preview()
        self.assertEqual(preview["count"], 3)
        self.assertEqual(
            preview["orders"],
            [
                {
                    "order_id": order.id,
                    "from_department_id": self.dep_production.id,
                    "to_department_id": self.dep_production.id,
                    "from_user_id": self.prod_worker1.id,
                    "to_user_id": self.prod_worker2.id,
                }
                for order in orders
            ],
        )
        self.assertEqual(
            orders.responsible_user_id, self.prod_worker1
        )  # nothing written
        self.flush_tracking()
        messages_before = orders.message_ids
        self.rule.with_user(self.officer).action_governance_reroute()
        self.assertEqual(orders.responsible_user_id, self.prod_worker2)
        self.assertEqual(
            orders.stage_log_ids.filtered(lambda s: not s.date_out).user_id,
            self.prod_worker2,
        )
        self.assertNotIn(self.prod_worker2, shipping.stage_log_ids.user_id)
        self.assertEqual(self.rule.governance_impact_preview()["count"], 0)
        self.flush_tracking()
        for order in orders:  # one chatter entry each: the tracking, with why
            new = order.message_ids - messages_before
            self.assertEqual(len(new), 1, new.mapped("body"))
            self.assertIn(f"change of the rule {self.rule.name}", str(new.body))
            self.assertEqual(
                new.tracking_value_ids.mapped("new_value_char"),
                [self.prod_worker2.name],
            )

    def test_round_robin_keeps_a_responsible_who_is_still_eligible(self):
        self.in_production(3)
        self.rule.assignment = "round_robin"
        self.assertEqual(self.rule.governance_impact_preview()["count"], 0)

    def test_reroute_of_200_orders_is_bounded(self):
        """Re-routing is one reassign per new department and person: 200 more
        orders cost a few queries each, not a reassign each."""
        spent = []
        for count in (20, 200):
            orders = self.in_production(count)
            self.rule.user_id = self.prod_worker2 if count == 20 else self.prod_worker1
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.rule.with_user(self.officer).action_governance_reroute()
            self.env.flush_all()
            spent.append(self.env.cr.sql_log_count - before)
            self.assertEqual(orders.responsible_user_id, self.rule.user_id)
        # what grows with the orders is Odoo's own: mail.activity.write subscribes
        # the new assignee once per activity (measured 4.8 queries an order; 22
        # before the per-order "assigned to you" e-mails were left out)
        per_order = (spent[1] - spent[0]) / 200
        self.assertLessEqual(per_order, 6, spent)

    def test_for_officers_one_rule_at_a_time(self):
        with self.assertRaises(AccessError):
            self.rule.with_user(self.prod_manager).governance_impact_preview()
        other = self.give_production_to(self.prod_worker2)
        with self.assertRaises(UserError):
            (self.rule | other).governance_impact_preview()

    def test_a_stage_raci_change_offers_the_same(self):
        """Shipping has no rule: its department decides. Giving it to Operations
        moves its open orders to Operations' manager, not Production's."""
        shipping = self.put_in(self.create_orders(2), self.stage_shipping)
        production = self.in_production(1)
        self.stage_shipping.responsible_department_id = self.dep_operations
        preview = self.stage_shipping.with_user(
            self.officer
        ).governance_impact_preview()
        self.assertEqual([row["order_id"] for row in preview["orders"]], shipping.ids)
        self.assertEqual(
            {row["to_user_id"] for row in preview["orders"]}, {self.ops_manager.id}
        )
        with self.assertRaises(AccessError):
            self.stage_shipping.with_user(self.prod_manager).action_governance_reroute()
        self.assertEqual(shipping.responsible_department_id, self.dep_logistics)
        wizard = Form(
            self.env["order.governance.rule.impact"]
            .with_user(self.officer)
            .with_context(default_stage_id=self.stage_shipping.id)
        ).save()
        self.assertEqual(wizard.change_count, 2)
        wizard.action_reroute()
        self.assertEqual(shipping.responsible_department_id, self.dep_operations)
        self.assertEqual(shipping.responsible_user_id, self.ops_manager)
        self.assertEqual(production.responsible_user_id, self.prod_worker1)
        self.flush_tracking()
        self.assertIn(
            "change of the stage Shipping", str(shipping[0].message_ids[0].body)
        )

    def test_the_wizard_previews_then_reroutes(self):
        orders = self.in_production(2)
        self.rule.user_id = self.prod_worker2
        wizard = Form(
            self.env["order.governance.rule.impact"]
            .with_user(self.officer)
            .with_context(default_rule_id=self.rule.id)
        ).save()
        self.assertEqual(wizard.change_count, 2)
        self.assertIn(orders[0].name, str(wizard.preview_html))
        wizard.action_reroute()
        self.assertEqual(orders.responsible_user_id, self.prod_worker2)
        self.assertEqual(
            self.rule.governance_impact_preview()["orders"], []
        )  # the reroute left nothing to change

    def test_rerouting_says_how_many_orders_moved(self):
        """Re-routing ends with a notification counting the orders that changed
        hands (none too), then reloads the page or closes the dialog."""
        self.in_production(3)
        self.rule.user_id = self.prod_worker2
        action = self.rule.with_user(self.officer).action_governance_reroute()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["message"], "3 orders re-routed.")
        self.assertEqual(action["params"]["next"]["tag"], "soft_reload")
        again = self.rule.with_user(self.officer).action_governance_reroute()
        self.assertIn("No open order changed hands", again["params"]["message"])
        self.rule.user_id = self.prod_worker1
        wizard = Form(
            self.env["order.governance.rule.impact"]
            .with_user(self.officer)
            .with_context(default_rule_id=self.rule.id)
        ).save()
        self.assertEqual(wizard.display_name, f"Impact of {self.rule.name}")
        action = wizard.action_reroute()
        self.assertEqual(action["params"]["message"], "3 orders re-routed.")
        self.assertEqual(
            action["params"]["next"], {"type": "ir.actions.act_window_close"}
        )
        arch = wizard.get_view(view_type="form")["arch"]
        self.assertIn('js_class="governance_report_form"', arch)
