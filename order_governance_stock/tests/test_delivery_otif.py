from datetime import datetime

from freezegun import freeze_time

from odoo.tests import Form, tagged

from .common import StockGovernanceCase

PROMISED = datetime(2026, 3, 10, 9, 0)


@tagged("post_install", "-at_install")
class TestDeliveryOtif(StockGovernanceCase):
    """Delivery performance with Inventory: the deliveries date the order and
    say whether it came in full."""

    def promised_order(self, qty=10, promised=PROMISED):
        order = self.confirmed_order(qty=qty)
        order._governance_engine().write({"governance_promised_date": promised})
        return order

    def row(self, order):
        self.env.flush_all()
        # the view's rows change under the same ids: read them again
        self.env["order.governance.delivery.report"].invalidate_model()
        return self.env["order.governance.delivery.report"].search(
            [("order_id", "=", order.id)]
        )

    def test_one_delivery_of_everything_on_time(self):
        """Ten units in one delivery before the promise: in full, OTIF."""
        order = self.promised_order()
        with freeze_time("2026-03-09 15:00:00"):
            self.validate(order.picking_ids)
        row = self.row(order)
        self.assertEqual(row.done_date, datetime(2026, 3, 9, 15, 0))
        self.assertEqual((row.on_time, row.in_full, row.otif), (100, 100, 100))
        self.assertEqual(row.delay_days, 0)

    def test_in_full_but_late(self):
        """Everything in one delivery two days late: in full, not OTIF."""
        order = self.promised_order()
        with freeze_time("2026-03-12 08:00:00"):
            self.validate(order.picking_ids)
        row = self.row(order)
        self.assertEqual((row.on_time, row.in_full, row.otif), (0, 100, 0))
        self.assertEqual(row.delay_days, 2)

    def test_six_then_a_backorder_of_four(self):
        """Six units, then the backorder of four: done at the backorder, not in
        full (the first delivery lacked four), not OTIF; open until then."""
        order = self.promised_order()
        with freeze_time("2026-03-09 15:00:00"):
            self.validate(order.picking_ids, qty=6)
        backorder = order.picking_ids.filtered(lambda p: p.state != "done")
        self.assertEqual(len(backorder), 1)
        row = self.row(order)  # promised day passed, the rest still to deliver
        self.assertFalse(row.done_date)
        self.assertEqual((row.on_time, row.in_full, row.otif), (0, 0, 0))
        with freeze_time("2026-03-10 16:00:00"):
            self.validate(backorder)
        row = self.row(order)
        self.assertEqual(row.done_date, backorder.date_done)
        self.assertEqual(row.done_date, datetime(2026, 3, 10, 16, 0))
        self.assertEqual((row.on_time, row.in_full, row.otif), (100, 0, 0))

    def test_no_backorder_is_done_not_in_full(self):
        """Six units and no backorder: done at that delivery, not in full."""
        order = self.promised_order()
        picking = order.picking_ids.with_user(self.storekeeper)
        picking.move_ids.quantity = 6
        picking.move_ids.picked = True
        with freeze_time("2026-03-09 15:00:00"):
            picking.with_context(
                skip_backorder=True, picking_ids_not_to_backorder=picking.ids
            ).button_validate()
        row = self.row(order)
        self.assertEqual(row.done_date, datetime(2026, 3, 9, 15, 0))
        self.assertEqual((row.on_time, row.in_full, row.otif), (100, 0, 0))

    def test_a_return_changes_nothing(self):
        """Goods sent back after a full delivery: still done then, in full."""
        order = self.promised_order()
        delivery = order.picking_ids
        with freeze_time("2026-03-09 15:00:00"):
            self.validate(delivery)
        wizard = Form(
            self.env["stock.return.picking"].with_context(
                active_id=delivery.id, active_model="stock.picking"
            )
        ).save()
        wizard.product_return_moves.quantity = 2
        returned = self.env["stock.picking"].browse(
            wizard.action_create_returns()["res_id"]
        )
        with freeze_time("2026-03-15 15:00:00"):
            self.validate(returned)
        row = self.row(order)
        self.assertEqual(row.done_date, datetime(2026, 3, 9, 15, 0))
        self.assertEqual((row.on_time, row.in_full, row.otif), (100, 100, 100))

    def test_pivot_rates(self):
        """Averaged, the rows give the rates of the pivot."""
        full = self.promised_order()
        partial = self.promised_order()
        with freeze_time("2026-03-09 15:00:00"):
            self.validate(full.picking_ids)
            self.validate(partial.picking_ids, qty=6)
        with freeze_time("2026-03-11 15:00:00"):
            self.validate(partial.picking_ids.filtered(lambda p: p.state != "done"))
        self.env.flush_all()
        [(count, on_time, in_full, otif, delay)] = self.env[
            "order.governance.delivery.report"
        ]._read_group(
            [("order_id", "in", (full | partial).ids)],
            [],
            ["__count", "on_time:avg", "in_full:avg", "otif:avg", "delay_days:avg"],
        )
        self.assertEqual((count, on_time, in_full, otif, delay), (2, 50, 50, 50, 0.5))
