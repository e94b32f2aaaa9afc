from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .order_governance_stage import MAX_SLA_HOURS


class ResCompany(models.Model):
    _inherit = "res.company"

    order_management_department_id = fields.Many2one(
        comodel_name="hr.department",
        check_company=True,
        help="The department that leads the order process: the default accountable "
        "department of every governed stage and the fallback owner of new orders.",
    )
    governance_at_risk_percent = fields.Float(
        string="At Risk Threshold (%)",
        default=80.0,
        help="Share of a stage's SLA after which an order is 'at risk'.",
    )
    governance_escalation_delay_hours = fields.Float(
        string="Escalation Delay (working hours)",
        default=8.0,
        help="Working hours after the deadline before a breached order is escalated "
        "to the manager of the parent department.",
    )
    governance_reassign_on_leave = fields.Boolean(
        string="Hand Over Orders When a Leave Starts",
        help="When a person's time off starts, the open orders he is responsible for "
        "go to his department's deputy, else its manager (recorded as reassignments).",
    )
    governance_department_digest = fields.Boolean(
        string="Daily To-Do of Each Department's Waiting Orders",
        default=True,
        help="Once a day, each person of a stage's executing department gets one "
        "to-do listing the open orders waiting there that someone else is named "
        "for (updated while it is open, done when nothing waits).",
    )
    governance_monthly_workbook = fields.Boolean(
        string="Monthly KPI Workbook by E-mail",
        help="On the first day of each month, e-mail the previous month's KPI workbook "
        "to the order management officers and the department managers.",
    )

    governance_credit_overdue_limit = fields.Monetary(
        string="Overdue Receivables Limit",
        currency_field="currency_id",
        help="A customer who owes more than this, overdue, in the company's "
        "currency, gets a Credit Overdue issue on each of his open orders. 0: "
        "not checked.",
    )
    governance_rating_request = fields.Boolean(
        string="Ask Customers to Rate Completed Orders",
        help="When an order reaches a final stage (not a cancellation), its customer "
        "gets an e-mail asking him to rate it; his answer is recorded on the order "
        "and counted in Customer Satisfaction. One request per order.",
    )

    @api.constrains("governance_at_risk_percent", "governance_escalation_delay_hours")
    def _check_governance_sla_watch(self):
        for company in self:
            if not 0 <= company.governance_at_risk_percent <= 100:
                raise ValidationError(
                    _(
                        "The at-risk threshold of %s must be between 0 and 100 %%.",
                        company.name,
                    )
                )
            if not 0 <= company.governance_escalation_delay_hours <= MAX_SLA_HOURS:
                raise ValidationError(
                    _(
                        "The escalation delay of %(company)s must be between 0 and "
                        "%(max)s working hours.",
                        company=company.name,
                        max=MAX_SLA_HOURS,
                    )
                )

    def _governance_workbook_recipients(self):
        """Officers of the company and the managers of its departments who may
        read the reports (users)."""
        self.ensure_one()
        officers = self.env.ref("order_governance.group_governance_officer").users
        managers = (
            self.env["hr.department"]
            .sudo()
            .search([("company_id", "=", self.id)])
            .manager_id.user_id
        )
        return (officers.filtered(lambda u: self in u.company_ids) | managers).filtered(
            lambda u: u.active
            and u.has_group("order_governance.group_governance_manager")
        )
