from odoo import fields, models


class OrderGovernanceStage(models.Model):
    _inherit = "order.governance.stage"

    sale_event = fields.Selection(
        selection_add=[
            ("production_started", "Production started"),
            ("produced", "Produced"),
        ],
        ondelete={"production_started": "set null", "produced": "set null"},
    )
    assign_productions = fields.Boolean(
        string="Responsible Takes the Manufacturing Orders",
        help="When an order enters this stage, or is reassigned in it, its "
        "responsible person becomes the Responsible of the order's open "
        "manufacturing orders.",
    )
