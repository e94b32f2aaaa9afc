from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class OrderGovernanceRuleImpact(models.TransientModel):
    _name = "order.governance.rule.impact"
    _description = "Impact of a Routing Change on Open Orders"

    rule_id = fields.Many2one(comodel_name="order.governance.rule", ondelete="cascade")
    stage_id = fields.Many2one(
        comodel_name="order.governance.stage", ondelete="cascade"
    )
    change_count = fields.Integer(
        string="Orders Changing Hands", compute="_compute_preview"
    )
    preview_html = fields.Html(
        string="Impact", compute="_compute_preview", sanitize=False
    )

    @api.depends("rule_id", "stage_id")
    @api.depends_context("lang")
    def _compute_display_name(self):
        for wizard in self:
            changed = wizard._changed_record()
            wizard.display_name = (
                self.env._("Impact of %s", changed.display_name)
                if changed
                else self.env._("Preview Impact")
            )

    @api.constrains("rule_id", "stage_id")
    def _check_one_change(self):
        if any(bool(w.rule_id) == bool(w.stage_id) for w in self):
            raise ValidationError(_("Preview the impact of one rule or one stage."))

    def _changed_record(self):
        return self.rule_id or self.stage_id

    @api.depends("rule_id", "stage_id")
    def _compute_preview(self):
        for wizard in self:
            changed = wizard._changed_record()
            changes = changed._governance_impact() if changed else []
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
                        for order, department, user, _note in changes
                    ]
                },
            )

    def action_reroute(self):
        """Re-route, close the dialog and say how many orders changed hands."""
        self.ensure_one()
        changed = self._changed_record()
        count = changed._governance_reroute()
        return changed._governance_reroute_notification(
            count, {"type": "ir.actions.act_window_close"}
        )
