from odoo import api, models

from .field_changes import changed_fields

# What the customer bought and at which price: on a confirmed order, changed by
# the owning department and officers only (see sale.order.COMMERCIAL_ORDER_FIELDS).
COMMERCIAL_LINE_FIELDS = (
    "product_id",
    "product_uom_qty",
    "product_uom",
    "price_unit",
    "discount",
    "tax_id",
)
# Odoo writes quantity changes of confirmed lines in the chatter itself.
TRACKED_BY_ODOO = {"product_uom_qty"}


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        # a line ordered on a confirmed order (a quantity): the owning
        # department's; lines Odoo adds for what was delivered, down payments
        # and re-invoiced expenses are ordered at 0 and pass
        ordered = lines.filtered(lambda line: line.product_uom_qty > 0)
        if ordered:
            ordered.order_id._governance_check_commercial_change()
        return lines

    def write(self, vals):
        commercial = changed_fields(self, vals, COMMERCIAL_LINE_FIELDS)
        if not commercial:
            return super().write(vals)
        self.order_id._governance_check_commercial_change()
        Order = self.env["sale.order"]
        before = Order._governance_values_before(
            [f for f in commercial if f not in TRACKED_BY_ODOO], records=self
        )
        res = super().write(vals)
        if before:
            Order._governance_log_changes(before)
        return res

    def unlink(self):
        # what the customer ordered; Odoo removes down payment lines itself (a
        # deleted draft invoice)
        self.filtered(
            lambda line: line.product_uom_qty > 0 and not line.is_downpayment
        ).order_id._governance_check_commercial_change()
        return super().unlink()
