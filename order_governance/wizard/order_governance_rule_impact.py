from odoo import _, api, fields, models


class OrderGovernanceRuleImpact(models.TransientModel):
    _name = "order.governance.rule.impact"
    _description = "Impact of a Responsibility Rule on Open Orders"

    rule_id = fields.Many2one(
        comodel_name="order.governance.rule", required=True, ondelete="cascade"
    )
    change_count = fields.Integer(
        string="Orders Changing Hands", compute="_compute_preview"
    )
    preview_html = fields.Html(
        string="Impact", compute="_compute_preview", sanitize=False
    )

    @api.depends("rule_id")
    def _compute_preview(self):
        for wizard in self:
            changes = wizard.rule_id._governance_impact() if wizard.rule_id else []
            wizard.change_count = len(changes)
            wizard.preview_html = self.env["ir.qweb"]._render(
                "order_governance.rule_impact_table",
                {
                    "rows": [
                        {
                            "order": order.display_name,
                            "stage": order.governance_stage_id.name,
                            "before": " / ".join(
                                filter(
                                    None,
                                    [
                                        order.responsible_department_id.name,
                                        order.responsible_user_id.name,
                                    ],
                                )
                            ),
                            "after": " / ".join(
                                filter(None, [department.name, user.name])
                            ),
                        }
                        for order, department, user in changes
                    ]
                },
            )

    def action_reroute(self):
        self.ensure_one()
        count = self.change_count
        self.rule_id.action_governance_reroute()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _("%s open orders re-routed.", count),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
