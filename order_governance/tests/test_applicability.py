from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import OrderGovernanceCase


@tagged("post_install", "-at_install")
class TestApplicability(OrderGovernanceCase):
    """A stage applies where it fits: orders it does not apply to pass over it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Production applies to orders of 1,000 or more only
        cls.stage_production.applicability_domain = "[('amount_untaxed', '>=', 1000)]"

    def order_of(self, quantity):
        order = self.create_order()
        order.order_line.product_uom_qty = quantity  # 100 each
        return self.put_in(order, self.stage_confirmed)

    def test_next_passes_over_a_stage_that_does_not_apply(self):
        """A small order goes from Confirmed to Shipping; no stay in Production,
        and the handoff says which stage it passed over."""
        small = self.order_of(1)
        self.flush_tracking()
        small.with_user(self.officer).action_governance_next()
        self.assertEqual(small.governance_stage_id, self.stage_shipping)
        self.assertNotIn(self.stage_production, small.stage_log_ids.stage_id)
        self.flush_tracking()
        self.assertIn(
            "Passed over (does not apply to this order): Production",
            str(small.message_ids[:1].body),
        )

    def test_orders_it_applies_to_go_through_it(self):
        """In one batch, the large order enters Production, the small one Shipping."""
        large, small = self.order_of(20), self.order_of(1)
        (large | small).with_user(self.officer).action_governance_next()
        self.assertEqual(large.governance_stage_id, self.stage_production)
        self.assertEqual(small.governance_stage_id, self.stage_shipping)

    def test_a_stage_passed_over_is_a_jump(self):
        """Moving a small order into Production by hand is a jump: refused."""
        small = self.order_of(1)
        self.assertEqual(small.governance_next_stage_name, "Shipping")
        with self.assertRaises(UserError):
            small.with_user(self.sales_manager).governance_move(self.stage_production)
        self.assertEqual(small.governance_stage_id, self.stage_confirmed)

    def test_domain_is_validated_on_save(self):
        for bad in ("[('no_such_field', '=', 1)]", "'not a list'"):
            with self.subTest(domain=bad), self.assertRaises(ValidationError):
                self.stage_shipping.applicability_domain = bad
                self.stage_shipping.flush_recordset()
        self.assertFalse(self.stage_shipping.applicability_domain)

    def test_the_stage_report_counts_only_stays(self):
        """The KPIs read stays: Production counts the large order only."""
        large, small = self.order_of(20), self.order_of(1)
        (large | small).with_user(self.officer).action_governance_next()
        rows = self.env["order.governance.kpi.report"].search(
            [
                ("order_id", "in", (large | small).ids),
                ("stage_id", "=", self.stage_production.id),
            ]
        )
        self.assertEqual(rows.order_id, large)

    def test_an_event_goes_to_the_first_stage_that_applies(self):
        """An event into a stage that does not apply to the order takes it to the
        first later stage that does; the handoff names the stage passed over."""
        self.stage_production.sale_event = "invoiced"
        large, small = self.order_of(20), self.order_of(1)
        self.flush_tracking()
        (large | small)._governance_apply_event("invoiced")
        self.assertEqual(large.governance_stage_id, self.stage_production)
        self.assertEqual(small.governance_stage_id, self.stage_shipping)
        self.assertNotIn(self.stage_production, small.stage_log_ids.stage_id)
        self.flush_tracking()
        self.assertIn(
            "Passed over (does not apply to this order): Production",
            str(small.message_ids[:1].body),
        )
        # the lead time counts the stays the order had, no more
        lead = self.env["order.governance.lead.time.report"].search(
            [("order_id", "=", small.id)]
        )
        self.assertEqual(len(lead), 1)
        self.assertEqual(lead.handoff_count, 2)  # Received > Confirmed > Shipping
