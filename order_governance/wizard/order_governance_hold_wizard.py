from odoo import fields, models


class OrderGovernanceHoldWizard(models.TransientModel):
    _name = "order.governance.hold.wizard"
    _description = "Put Orders on Hold"

    order_ids = fields.Many2many(comodel_name="sale.order", required=True)
    reason_id = fields.Many2one(
        comodel_name="order.governance.hold.reason", required=True
    )
    note = fields.Text()

    def action_hold(self):
        self.ensure_one()
        # read before the handoff: the orders may leave the user's sight with it
        orders = self.order_ids
        orders.governance_hold(self.reason_id, self.note)
        return orders._governance_action_after_handoff(in_dialog=True)
