from odoo import _, api, fields, models
from odoo.exceptions import UserError


class OrderGovernanceSendBack(models.TransientModel):
    _name = "order.governance.send.back"
    _description = "Send Orders Back to an Earlier Stage"

    order_ids = fields.Many2many(comodel_name="sale.order", required=True)
    current_stage_id = fields.Many2one(
        comodel_name="order.governance.stage",
        compute="_compute_current_stage_id",
    )
    stage_id = fields.Many2one(
        comodel_name="order.governance.stage",
        string="Send Back To",
        required=True,
        domain="[('id', 'in', allowed_stage_ids)]",
    )
    allowed_stage_ids = fields.Many2many(
        comodel_name="order.governance.stage",
        compute="_compute_current_stage_id",
    )
    reason = fields.Text(required=True, help="Why the work must be done again.")

    @api.depends("order_ids")
    def _compute_current_stage_id(self):
        for wizard in self:
            current = wizard.order_ids.governance_stage_id[:1]
            wizard.current_stage_id = current
            wizard.allowed_stage_ids = (
                wizard.order_ids._governance_stages_of(
                    wizard.order_ids.company_id
                ).filtered(
                    lambda s, c=current: not s.is_cancel
                    and (s.sequence, s.id) < (c.sequence, c.id)
                )
                if current
                else False
            )

    def action_send_back(self):
        self.ensure_one()
        if self.stage_id not in self.allowed_stage_ids:
            raise UserError(
                _(
                    "Orders are sent back to an earlier stage only: %s is not one.",
                    self.stage_id.name,
                )
            )
        # read before the handoff: the orders may leave the user's sight with it
        orders = self.order_ids
        orders.governance_move(self.stage_id, reason=self.reason)
        return orders._governance_action_after_handoff(in_dialog=True)
