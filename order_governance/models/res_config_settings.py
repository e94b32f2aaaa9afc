from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    order_management_department_id = fields.Many2one(
        related="company_id.order_management_department_id",
        readonly=False,
    )
    governance_at_risk_percent = fields.Float(
        related="company_id.governance_at_risk_percent",
        readonly=False,
        string="At Risk After",
    )
    governance_escalation_delay_hours = fields.Float(
        related="company_id.governance_escalation_delay_hours",
        readonly=False,
        string="Escalate After",
    )
    governance_monthly_workbook = fields.Boolean(
        related="company_id.governance_monthly_workbook", readonly=False
    )
