from odoo import _, fields, models
from odoo.exceptions import AccessError

from ..report.order_governance_report_mixin import replica_env


class DigestDigest(models.Model):
    _inherit = "digest.digest"

    kpi_governance_on_time = fields.Boolean(string="Orders: On-Time Stays (%)")
    kpi_governance_on_time_value = fields.Float(
        compute="_compute_kpi_governance_on_time_value"
    )
    kpi_governance_breached = fields.Boolean(string="Orders: Breached Stays")
    kpi_governance_breached_value = fields.Integer(
        compute="_compute_kpi_governance_breached_value"
    )
    kpi_governance_completed = fields.Boolean(string="Orders: Completed")
    kpi_governance_completed_value = fields.Integer(
        compute="_compute_kpi_governance_completed_value"
    )
    kpi_governance_lead_time = fields.Boolean(string="Orders: Average Lead Time (h)")
    kpi_governance_lead_time_value = fields.Float(
        compute="_compute_kpi_governance_lead_time_value"
    )

    kpi_governance_satisfaction = fields.Boolean(
        string="Orders: Customer Satisfaction (%)"
    )
    kpi_governance_satisfaction_value = fields.Float(
        compute="_compute_kpi_governance_satisfaction_value"
    )

    def _governance_kpi(self, model, date_field, aggregate, field_name, domain=()):
        """Per digest, ``aggregate`` over the rows of ``model`` whose ``date_field``
        falls in the digest's period, in the digest's company."""
        if not self.env.user.has_group("order_governance.group_governance_manager"):
            raise AccessError(_("Order governance figures are for managers."))
        start, end, companies = self._get_kpi_compute_parameters()
        # on the read replica when the server has one: the digest is sent by a
        # scheduled action on the primary, its figures need not be read there
        with replica_env(self.env) as env:
            groups = env[model]._read_group(
                [
                    ("company_id", "in", companies.ids),
                    (date_field, ">=", start),
                    (date_field, "<", end),
                    *domain,
                ],
                ["company_id"],
                [aggregate],
            )
            values = {company.id: value for company, value in groups}
        for digest in self:
            company = digest.company_id or self.env.company
            digest[field_name] = values.get(company.id) or 0

    def _compute_kpi_governance_on_time_value(self):
        self._governance_kpi(
            "order.governance.kpi.report",
            "date_out",
            "on_time_rate:avg",
            "kpi_governance_on_time_value",
        )

    def _compute_kpi_governance_breached_value(self):
        self._governance_kpi(
            "order.governance.kpi.report",
            "date_out",
            "breached_count:sum",
            "kpi_governance_breached_value",
        )

    def _compute_kpi_governance_completed_value(self):
        self._governance_kpi(
            "order.governance.lead.time.report",
            "completed_at",
            "__count",
            "kpi_governance_completed_value",
        )

    def _compute_kpi_governance_lead_time_value(self):
        self._governance_kpi(
            "order.governance.lead.time.report",
            "completed_at",
            "lead_time_hours:avg",
            "kpi_governance_lead_time_value",
        )

    def _compute_kpi_governance_satisfaction_value(self):
        # the share of satisfied customers among the ratings given in the period
        self._governance_kpi(
            "order.governance.satisfaction.report",
            "date",
            "satisfied:avg",
            "kpi_governance_satisfaction_value",
        )

    def _compute_kpis_actions(self, company, user):
        res = super()._compute_kpis_actions(company, user)
        menu = self.env.ref("sale.sale_menu_root").id
        report = f"order_governance.order_governance_kpi_report_action?menu_id={menu}"
        lead = (
            f"order_governance.order_governance_lead_time_report_action?menu_id={menu}"
        )
        satisfaction = (
            "order_governance.order_governance_satisfaction_report_action"
            f"?menu_id={menu}"
        )
        res.update(
            {
                "kpi_governance_on_time": report,
                "kpi_governance_breached": report,
                "kpi_governance_completed": lead,
                "kpi_governance_lead_time": lead,
                "kpi_governance_satisfaction": satisfaction,
            }
        )
        return res
