from dateutil.relativedelta import relativedelta

from odoo import _, fields, models


class OrderGovernanceScorecardGenerate(models.TransientModel):
    _name = "order.governance.scorecard.generate"
    _description = "Generate Order Governance Scorecards"

    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1)
        - relativedelta(months=1),
    )
    date_to = fields.Date(
        string="To",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1)
        - relativedelta(days=1),
    )

    def action_generate(self):
        self.ensure_one()
        ids = self.env["order.governance.scorecard"].governance_generate(
            self.date_from, self.date_to
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "order_governance.order_governance_scorecard_action"
        )
        action.update(
            {
                "name": _(
                    "Scorecards %(date_from)s – %(date_to)s",
                    date_from=self.date_from,
                    date_to=self.date_to,
                ),
                "domain": [("id", "in", ids)],
                "context": {},
            }
        )
        return action
