from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from .order_governance_kpi_target import KPI_SELECTION


class OrderGovernanceScorecardLine(models.Model):
    """One KPI of a scorecard: the actual figure, its target, weight and score.
    Written by the scorecard engine only; closed with its card."""

    _name = "order.governance.scorecard.line"
    _description = "Order Governance Scorecard Line"
    _order = "scorecard_id, sequence, id"

    scorecard_id = fields.Many2one(
        comodel_name="order.governance.scorecard",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    sequence = fields.Integer(readonly=True)
    kpi = fields.Selection(selection=KPI_SELECTION, string="KPI", readonly=True)
    actual = fields.Float(
        readonly=True,
        help="The figure reached in the period (a percentage, or hours for the "
        "average stage hours).",
    )
    target = fields.Float(readonly=True, help="The target in force when computed.")
    weight = fields.Float(readonly=True)
    score = fields.Float(
        readonly=True,
        help="100 at or past the target; below it, the share of the target " "reached.",
    )
    samples = fields.Integer(
        readonly=True,
        help="How many stays, orders, ratings or (person, stage) pairs the "
        "figure is computed from.",
    )
    state = fields.Selection(related="scorecard_id.state")
    company_id = fields.Many2one(related="scorecard_id.company_id", store=True)

    @api.model_create_multi
    def create(self, vals_list):
        self._governance_check_engine()
        return super().create(vals_list)

    def write(self, vals):
        self._governance_check_engine()
        return super().write(vals)

    def unlink(self):
        self._governance_check_engine()
        if any(line.scorecard_id.state == "closed" for line in self):
            raise AccessError(_("A closed scorecard never changes."))
        return super().unlink()

    @api.model
    def _score_of(self, kpi, actual, target):
        """The score of a line (see the scorecard's computation)."""
        return self.env["order.governance.scorecard"]._governance_line_score(
            kpi, actual, target
        )

    def _governance_check_engine(self):
        if not self.env["order.governance.scorecard"]._governance_is_scorecard_engine():
            raise AccessError(
                _("The lines of a scorecard are computed: nobody writes them.")
            )
