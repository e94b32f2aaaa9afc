from odoo import models


class SaleMassCancelOrders(models.TransientModel):
    _inherit = "sale.mass.cancel.orders"

    def action_mass_cancel(self):
        """The list's *Cancel* action: the same rule as the Cancel button."""
        self.sale_order_ids._governance_check_cancel_access()
        return super().action_mass_cancel()
