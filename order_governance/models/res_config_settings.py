from odoo import api, fields, models


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
    governance_reassign_on_leave = fields.Boolean(
        related="company_id.governance_reassign_on_leave", readonly=False
    )
    governance_monthly_workbook = fields.Boolean(
        related="company_id.governance_monthly_workbook", readonly=False
    )
    governance_department_digest = fields.Boolean(
        related="company_id.governance_department_digest", readonly=False
    )
    governance_rating_request = fields.Boolean(
        related="company_id.governance_rating_request", readonly=False
    )
    governance_credit_overdue_limit = fields.Monetary(
        related="company_id.governance_credit_overdue_limit",
        currency_field="governance_currency_id",
        readonly=False,
    )
    governance_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Governance Currency"
    )
    governance_health_error_count = fields.Integer(
        string="Health Errors",
        compute="_compute_governance_health_error_count",
        help="Errors the governance health check finds now in your companies.",
    )

    @api.depends("company_id")
    def _compute_governance_health_error_count(self):
        count = 0
        if self.env.user._is_governance_officer():
            findings = self.env["order.governance.stage"].governance_health_findings()
            count = sum(1 for finding in findings if finding["severity"] == "error")
        self.governance_health_error_count = count

    def action_governance_health_check(self):
        return self.env["order.governance.health.finding"].action_open_health_check()
