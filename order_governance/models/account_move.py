from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        orders = posted.line_ids.sale_line_ids.order_id
        orders.filtered(
            lambda o: o.invoice_status == "invoiced"
        )._governance_apply_event("invoiced")
        return posted
