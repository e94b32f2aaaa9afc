from odoo import fields, models


class OrderGovernanceHold(models.Model):
    _name = "order.governance.hold"
    _inherit = ["order.governance.stay.mixin"]
    _description = "Order Hold"
    _order = "date_start desc, id desc"

    reason_id = fields.Many2one(
        comodel_name="order.governance.hold.reason", required=True
    )
    note = fields.Text()
    user_id = fields.Many2one(comodel_name="res.users", string="Put on Hold By")
    date_start = fields.Datetime(string="On Hold Since", required=True)
    date_end = fields.Datetime(string="Resumed On")
    paused_hours = fields.Float(
        string="Paused Working Hours", help="Working hours the hold lasted."
    )
