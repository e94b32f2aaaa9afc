from odoo import api, fields, models


class OrderGovernanceStayMixin(models.AbstractModel):
    """Records that belong to one stay of an order in a stage (checks, holds)."""

    _name = "order.governance.stay.mixin"
    _description = "Belongs to a Stay of an Order in a Stage"

    order_id = fields.Many2one(
        comodel_name="sale.order", required=True, index=True, ondelete="cascade"
    )
    log_id = fields.Many2one(
        comodel_name="order.governance.stage.log",
        string="Stay",
        required=True,
        index=True,
        ondelete="cascade",
    )

    @api.model
    def default_get(self, fields_list):
        """The engine gives every value: none comes from the context or saved
        defaults (a client's ``default_done`` would tick the checks)."""
        defaults = super().default_get(fields_list)
        return {
            fname: self._fields[fname].default(self)
            for fname in defaults
            if self._fields[fname].default
        }
