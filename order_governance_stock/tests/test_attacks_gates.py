"""Deliveries and the stage gates (issue 24, item 8): a storekeeper validates the
delivery of an order still in Confirmed although Production applies and has an
unmet required exit criterion; a delivery validated while the order is held.
The events stop where a person must act, and say so."""

from odoo.tests import tagged

from .common import StockGovernanceCase


@tagged("post_install", "-at_install")
class TestDeliveryGates(StockGovernanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["order.governance.check"].create(
            {"stage_id": cls.stage_production.id, "name": "Materials reserved"}
        )

    def test_delivery_stops_in_production_with_its_unmet_check(self):
        order = self.confirmed_order()
        self.assertEqual(order.governance_stage_id, self.stage_confirmed)
        self.flush_tracking()
        picking = order.picking_ids
        self.validate(picking)
        self.assertEqual(order.delivery_status, "full")
        self.assertEqual(order.governance_stage_id, self.stage_production)
        self.assertEqual(self.stays(order)[-1].moved_by_id, self.storekeeper)
        self.flush_tracking()
        self.assertIn(
            f"Moved to Production by {self.storekeeper.name}: {picking.name}.",
            " ".join(order.message_ids.mapped("body")),
        )
        # Production meets its check: the order goes as far as its delivery says
        line = order.governance_check_line_ids
        line.with_user(self.prod_worker1).action_tick()
        self.assertEqual(order.governance_stage_id, self.stage_invoicing)
        self.assertEqual(self.stays(order)[-1].moved_by_id, self.prod_worker1)

    def test_delivery_does_not_end_a_hold(self):
        reason = self.env["order.governance.hold.reason"].create({"name": "Wait"})
        order = self.confirmed_order()
        order.with_user(self.officer).governance_hold(reason.id, "customer asks")
        self.flush_tracking()
        self.validate(order.picking_ids)
        self.assertTrue(order.governance_on_hold)
        self.assertEqual(order.governance_stage_id, self.stage_confirmed)
        self.flush_tracking()
        note = order.message_ids.filtered(lambda m: "it is on hold" in (m.body or ""))
        self.assertIn(order.picking_ids.name, note[:1].body)
        # resumed: it catches up, and stops in Production for its check
        order.with_user(self.officer).governance_resume()
        self.assertFalse(order.governance_on_hold)
        self.assertEqual(order.governance_stage_id, self.stage_production)
