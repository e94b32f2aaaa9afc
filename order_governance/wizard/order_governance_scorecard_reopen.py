from odoo import fields, models


class OrderGovernanceScorecardReopen(models.TransientModel):
    _name = "order.governance.scorecard.reopen"
    _description = "Reopen an Order Governance Scorecard"

    scorecard_ids = fields.Many2many(
        comodel_name="order.governance.scorecard",
        relation="order_governance_scorecard_reopen_rel",
        column1="wizard_id",
        column2="scorecard_id",
        string="Scorecards",
        default=lambda self: self.env.context.get("active_ids"),
    )
    reason = fields.Text(
        required=True,
        help="Why the scorecard is reopened: recorded in its chatter.",
    )

    def action_reopen(self):
        self.ensure_one()
        self.scorecard_ids.action_reopen(self.reason)
        return {"type": "ir.actions.act_window_close"}
