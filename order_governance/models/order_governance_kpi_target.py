import math

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# The KPIs of an assessment: (key, label, higher is better, a percentage).
KPIS = [
    ("on_time_rate", "On-Time Rate (%)", True, True),
    ("avg_stage_hours", "Average Stage Hours", False, False),
    ("rework_rate", "Rework Rate (%)", False, True),
    ("promise_kept_rate", "Promises Kept (%)", True, True),
    ("satisfaction", "Customer Satisfaction (%)", True, True),
    ("norms_ack_rate", "Norms Acknowledged (%)", True, True),
]
KPI_SELECTION = [(key, label) for key, label, _higher, _percent in KPIS]
HIGHER_IS_BETTER = {key for key, _label, higher, _percent in KPIS if higher}
PERCENT_KPIS = {key for key, _label, _higher, percent in KPIS if percent}


class OrderGovernanceKpiTarget(models.Model):
    """What a department (or every department of a company) should reach on a KPI,
    and how much that KPI weighs in its scorecards."""

    _name = "order.governance.kpi.target"
    _description = "Order Governance KPI Target"
    _order = "company_id, department_id, kpi"
    _check_company_auto = True

    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    department_id = fields.Many2one(
        comodel_name="hr.department",
        check_company=True,
        index=True,
        ondelete="cascade",
        help="Empty: the company's target, for every department that has none of "
        "its own for this KPI.",
    )
    kpi = fields.Selection(selection=KPI_SELECTION, string="KPI", required=True)
    target = fields.Float(
        required=True,
        help="The figure to reach: at least this for the KPIs where higher is "
        "better, at most this for the others. Percentages go from 0 to 100.",
    )
    weight = fields.Float(
        required=True,
        default=1.0,
        help="How much this KPI counts in the scorecard's score (a weighted mean).",
    )
    higher_is_better = fields.Boolean(
        compute="_compute_higher_is_better",
        help="Whether a higher figure is better for this KPI.",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "kpi_unique",
            "UNIQUE NULLS NOT DISTINCT (company_id, department_id, kpi)",
            "A department (or the company) has one target per KPI.",
        ),
    ]

    @api.depends("kpi")
    def _compute_higher_is_better(self):
        for target in self:
            target.higher_is_better = target.kpi in HIGHER_IS_BETTER

    @api.constrains("kpi", "target", "weight")
    def _check_values(self):
        for target in self:
            # NaN passes every comparison, and the web client cannot read it back
            if not (math.isfinite(target.target) and math.isfinite(target.weight)):
                raise ValidationError(
                    _(
                        "The target and the weight of %s must be numbers.",
                        target.display_name,
                    )
                )
            if target.target < 0:
                raise ValidationError(
                    _(
                        "The target of %(target)s cannot be negative (%(value)s).",
                        target=target.display_name,
                        value=target.target,
                    )
                )
            if target.kpi in PERCENT_KPIS and target.target > 100:
                raise ValidationError(
                    _(
                        "The target of %(target)s is a percentage: at most 100, "
                        "not %(value)s.",
                        target=target.display_name,
                        value=target.target,
                    )
                )
            if target.weight <= 0:
                raise ValidationError(
                    _(
                        "The weight of %(target)s must be more than 0 (%(value)s).",
                        target=target.display_name,
                        value=target.weight,
                    )
                )

    @api.depends("kpi", "department_id")
    def _compute_display_name(self):
        labels = dict(self._fields["kpi"]._description_selection(self.env))
        for target in self:
            where = target.department_id.display_name or target.company_id.name
            target.display_name = f"{labels.get(target.kpi, '')} ({where})"

    @api.model_create_multi
    def create(self, vals_list):
        targets = super().create(vals_list)
        targets._governance_refresh_scorecards()
        return targets

    def write(self, vals):
        companies = self.company_id
        result = super().write(vals)
        self._governance_refresh_scorecards(self.company_id | companies)
        return result

    def unlink(self):
        companies = self.company_id
        result = super().unlink()
        self._governance_refresh_scorecards(companies)
        return result

    def _governance_refresh_scorecards(self, companies=None):
        """A target changes the draft scorecards of its company at once; closed
        cards keep the targets they were closed with."""
        companies = companies if companies is not None else self.company_id
        if not companies:
            return
        Scorecard = self.env["order.governance.scorecard"]
        Scorecard._governance_scorecard_engine().search(
            [("company_id", "in", companies.ids), ("state", "=", "draft")]
        )._governance_compute()

    @api.model
    def _governance_targets(self, companies):
        """``{(company id, department id or False, kpi): (target, weight)}`` of the
        active targets of ``companies``, in one query."""
        rows = (
            self.sudo()
            .with_context(active_test=True)
            .search_read(
                [("company_id", "in", companies.ids)],
                ["company_id", "department_id", "kpi", "target", "weight"],
                load=None,
            )
        )
        return {
            (row["company_id"], row["department_id"] or False, row["kpi"]): (
                row["target"],
                row["weight"],
            )
            for row in rows
        }
