from odoo import fields, models


class OrderGovernanceHoldReason(models.Model):
    _name = "order.governance.hold.reason"
    _description = "Reason to Put an Order on Hold"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
