"""Events and the stage gates: an event (a sale event here, deliveries and
manufacturing orders in the execution modules' tests) never takes an order past
unmet required exit criteria nor out of a hold; the order catches up when the
gate opens. Exit criteria added to a stage apply to the orders already in it.
The ``test_attacks_*`` family."""

from odoo.exceptions import RedirectWarning
from odoo.tests import tagged

from .common import OrderGovernanceCase


@tagged("post_install", "-at_install")
class TestEventGates(OrderGovernanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reason = cls.env["order.governance.hold.reason"].create(
            {"name": "Customer asked to wait"}
        )

    def add_check(self, stage, name="Credit approved", **values):
        return self.env["order.governance.check"].create(
            {"stage_id": stage.id, "name": name, **values}
        )

    def line(self, order, name):
        return order.governance_check_line_ids.filtered(lambda ln: ln.name == name)

    def test_event_stops_in_a_stage_on_the_way_with_unmet_criteria(self):
        """Confirming jumps from Received to Confirmed; a Credit Check stage in
        between with an unmet required check stops the order there, and ticking
        it lets the order catch up."""
        credit = self.env["order.governance.stage"].create(
            {
                "name": "Credit Check",
                "sequence": 15,
                "company_id": self.company.id,
                "responsible_department_id": self.dep_omc.id,
            }
        )
        self.add_check(credit)
        order = self.create_order()
        order.with_user(self.sales_user).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.governance_stage_id, credit)
        self.line(order, "Credit approved").with_user(self.officer).action_tick()
        self.assertEqual(order.governance_stage_id, self.stage_confirmed)

    def test_event_passes_a_stage_whose_criteria_are_met(self):
        credit = self.env["order.governance.stage"].create(
            {
                "name": "Credit Check",
                "sequence": 15,
                "company_id": self.company.id,
                "responsible_department_id": self.dep_omc.id,
            }
        )
        self.add_check(credit, domain="[('amount_total', '>', 0)]")
        order = self.create_order()
        self.flush_tracking()  # created in an earlier transaction
        order.action_confirm()
        self.assertEqual(order.governance_stage_id, self.stage_confirmed)
        self.flush_tracking()
        self.assertIn(
            "Passed over (no exit criteria left to meet): Credit Check",
            " ".join(order.message_ids.mapped("body")),
        )

    def test_event_leaves_unmet_current_stage(self):
        self.add_check(self.stage_received, name="Drawings signed")
        order = self.create_order()
        order.with_user(self.sales_user).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.governance_stage_id, self.stage_received)
        self.flush_tracking()
        note = order.message_ids.filtered(lambda m: "stays in" in (m.body or ""))
        self.assertIn("Drawings signed", note[:1].body)
        # the department meets it: the order goes where its state says
        self.line(order, "Drawings signed").with_user(self.sales_user).action_tick()
        self.assertEqual(order.governance_stage_id, self.stage_confirmed)

    def test_event_does_not_end_a_hold(self):
        order = self.create_order()
        order.with_user(self.sales_user).governance_hold(self.reason.id, "wait")
        order.with_user(self.sales_user).action_confirm()
        self.assertTrue(order.governance_on_hold)
        self.assertEqual(order.governance_stage_id, self.stage_received)
        order.with_user(self.sales_user).governance_resume()
        self.assertFalse(order.governance_on_hold)
        self.assertEqual(order.governance_stage_id, self.stage_confirmed)

    def test_cancel_is_no_gate(self):
        self.add_check(self.stage_received, name="Drawings signed")
        order = self.create_order()
        order.with_context(disable_cancel_warning=True).action_cancel()
        self.assertEqual(order.governance_stage_id, self.stage_cancelled)


@tagged("post_install", "-at_install")
class TestChecksAddedLater(OrderGovernanceCase):
    def test_new_check_applies_to_orders_already_in_the_stage(self):
        """Four of five demo Shipping orders had no "Everything delivered" line:
        a check added to a stage now reaches the orders in it."""
        orders = self.put_in(self.create_orders(3), self.stage_shipping)
        check = self.env["order.governance.check"].create(
            {"stage_id": self.stage_shipping.id, "name": "Delivery slip signed"}
        )
        for order in orders:
            self.assertEqual(order.governance_check_line_ids.check_id, check)
        with self.assertRaises(RedirectWarning):
            orders[0].with_user(self.log_worker).action_governance_next()
        self.assertEqual(orders[0].governance_stage_id, self.stage_shipping)
        # moved to another stage: the orders there get it, once
        check.stage_id = self.stage_production
        check.stage_id = self.stage_shipping
        self.assertEqual(len(orders[0].governance_check_line_ids), 1)

    def test_stage_added_in_the_middle_applies_to_orders_before_it(self):
        order = self.put_in(self.create_order(), self.stage_confirmed)
        quality = self.env["order.governance.stage"].create(
            {
                "name": "Quality",
                "sequence": 25,
                "company_id": self.company.id,
                "responsible_department_id": self.dep_production.id,
            }
        )
        order.sudo().action_governance_next()
        self.assertEqual(order.governance_stage_id, quality)
