from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    order_management_department_id = fields.Many2one(
        related="company_id.order_management_department_id",
        readonly=False,
    )
