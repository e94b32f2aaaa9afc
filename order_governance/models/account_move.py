from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        orders = posted._governance_sale_orders()
        if not orders:
            return posted
        orders.filtered(
            lambda o: o.invoice_status == "invoiced"
        )._governance_apply_event("invoiced", documents=posted)
        # an invoice paid when posted
        orders._governance_raise_execution_events(documents=posted)
        return posted

    def _governance_sale_orders(self):
        """The sale orders invoiced by these customer invoices and credit notes."""
        invoices = self.sudo().filtered(lambda m: m.is_sale_document())
        return invoices.line_ids.sale_line_ids.order_id
