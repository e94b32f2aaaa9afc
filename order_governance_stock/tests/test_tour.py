from odoo.tests import HttpCase, tagged

from .common import StockGovernanceCase


@tagged("post_install", "-at_install")
class TestStockTour(HttpCase, StockGovernanceCase):
    def test_validating_the_delivery_moves_the_order(self):
        # the shipping clerk works in Inventory too; his department owns the order,
        # so that he still sees it once Finance has it
        self.log_worker.groups_id |= self.env.ref("stock.group_stock_user")
        order = self.confirmed_order(owner_department_id=self.dep_logistics.id)
        self.put_in(order, self.stage_shipping)
        picking = order.picking_ids
        self.start_tour(
            f"/odoo/action-stock.action_picking_tree_all/{picking.id}",
            "order_governance_stock_validate_tour",
            login=self.log_worker.login,
        )
        self.env.invalidate_all()
        self.assertEqual(picking.state, "done")
        self.assertEqual(order.governance_stage_id, self.stage_invoicing)
        self.assertEqual(
            order.stage_log_ids.sorted("id")[-1].moved_by_id, self.log_worker
        )
        self.start_tour(
            f"/odoo/action-sale.action_orders/{order.id}",
            "order_governance_stock_order_tour",
            login=self.log_worker.login,
        )
