from odoo import fields, models


class OrderGovernanceCheck(models.Model):
    _inherit = "order.governance.check"

    execution_check = fields.Selection(
        selection_add=[("produced", "Manufacturing done")],
        ondelete={"produced": "set null"},
    )
