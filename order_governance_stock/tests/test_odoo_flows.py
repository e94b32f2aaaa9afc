from odoo.tests import Form, tagged

from .common import StockGovernanceCase


@tagged("post_install", "-at_install")
class TestInventoryStaysOdoo(StockGovernanceCase):
    """Inventory's own forms and flows, with the bridge installed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stock_seller = cls.company_user(
            "og_stock_seller",
            "base.group_user,sales_team.group_sale_salesman_all_leads,"
            "stock.group_stock_user",
        )
        # of the orders' owning department: a confirmed order's lines are
        # theirs to change (test_attacks_commercial)
        cls.env["hr.employee"].create(
            {
                "name": cls.stock_seller.name,
                "user_id": cls.stock_seller.id,
                "department_id": cls.dep_sales.id,
                "company_id": cls.company.id,
            }
        )

    def order_with_two_transfers(self):
        order = self.confirmed_order(qty=4)
        self.validate(order.picking_ids, qty=1)  # a backorder for the rest
        self.assertEqual(len(order.picking_ids), 2)
        return order

    def test_line_quantity_changed_on_an_order_with_two_transfers(self):
        """The order form's onchange, as the web client sends it when a line's
        quantity changes, on an order with two deliveries (NewId records)."""
        order = self.order_with_two_transfers()
        with Form(order.with_user(self.stock_seller)) as form:
            with form.order_line.edit(0) as line:
                line.product_uom_qty = 3
        self.assertEqual(order.order_line.product_uom_qty, 3)
        # the panel still lists both transfers once saved
        for picking in order.picking_ids:
            self.assertIn(picking.name, order.governance_execution_html)

    def test_execution_panel_costs_no_query_in_an_onchange(self):
        """The Execution panel is read with the record, not recomputed at every
        onchange of its form."""
        order = self.order_with_two_transfers()
        order = order.with_user(self.stock_seller)
        self.assertIn(order.picking_ids[0].name, order.governance_execution_html)
        self.env.invalidate_all()
        draft = order.new(origin=order)
        with self.assertQueryCount(0):
            self.assertFalse(draft.governance_execution_html)

    def test_transfer_form_as_storekeeper(self):
        """A storekeeper without sales rights opens and edits a governed order's
        delivery."""
        order = self.confirmed_order()
        picking = order.picking_ids.with_user(self.storekeeper)
        with Form(picking) as form:
            self.assertEqual(form.governance_stage_id, self.stage_confirmed)
            form.origin = "Dock 4"
        self.assertEqual(picking.origin, "Dock 4")
