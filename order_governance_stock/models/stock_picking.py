from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    # related fields are read as superuser: warehouse staff see where the order is
    # without the sales groups
    governance_stage_id = fields.Many2one(
        related="sale_id.governance_stage_id", string="Order Stage"
    )
    governance_department_id = fields.Many2one(
        related="sale_id.responsible_department_id",
        string="Order Responsible Department",
    )

    def _action_done(self):
        res = super()._action_done()
        # one call for the whole batch (a wave, a batch transfer, a multi-select)
        self._governance_raise_events()
        return res

    def action_cancel(self):
        res = super().action_cancel()
        # cancelling the last backorder may complete the delivery
        self._governance_raise_events()
        return res

    def _governance_raise_events(self):
        orders = self.sale_id
        if orders:
            orders._governance_raise_execution_events(documents=self)

    def _governance_sale_orders(self):
        """The sale order of each transfer (named in the moves they make)."""
        return self.sudo().sale_id
