from odoo import fields, models


class OrderGovernanceStage(models.Model):
    _inherit = "order.governance.stage"

    sale_event = fields.Selection(
        selection_add=[
            ("delivery_started", "Delivery started"),
            ("delivered", "Delivered"),
        ],
        ondelete={"delivery_started": "set null", "delivered": "set null"},
    )
    assign_transfers = fields.Boolean(
        string="Responsible Takes the Transfers",
        help="When an order enters this stage, or is reassigned in it, its "
        "responsible person becomes the Responsible of the order's open transfers.",
    )
