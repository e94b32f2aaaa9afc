from odoo import api, fields, models

from .order_governance_kpi_target import KPI_SELECTION


class OrderGovernanceScorecardLine(models.Model):
    """One KPI of a scorecard: the actual figure, its target, weight and score."""

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
    actual = fields.Float(readonly=True)
    target = fields.Float(readonly=True)
    weight = fields.Float(readonly=True)
    score = fields.Float(readonly=True)
    samples = fields.Integer(readonly=True)
    company_id = fields.Many2one(related="scorecard_id.company_id", store=True)

    @api.model
    def _score_of(self, kpi, actual, target):
        """Placeholder: see the scorecard's computation."""
        return 0.0
