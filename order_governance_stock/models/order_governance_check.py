from odoo import fields, models


class OrderGovernanceCheck(models.Model):
    _inherit = "order.governance.check"

    execution_check = fields.Selection(
        selection_add=[
            ("reserved", "All transfers reserved"),
            ("delivered", "Delivered"),
        ],
        ondelete={"reserved": "set null", "delivered": "set null"},
    )
