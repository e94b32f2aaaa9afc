from odoo import _, fields, models
from odoo.exceptions import AccessError


class OrderGovernanceBottleneckLine(models.TransientModel):
    """One working stage of a bottleneck dashboard."""

    _name = "order.governance.bottleneck.line"
    _description = "Order Governance Bottleneck Stage"
    _order = "rank"
    _rec_name = "stage_id"

    def write(self, vals):
        """The figures are the dashboard's, computed from the stays: nobody types
        them (a client could write any number, NaN included)."""
        if not self.env.su:
            raise AccessError(
                _("The bottleneck figures are computed: change the period instead.")
            )
        return super().write(vals)

    bottleneck_id = fields.Many2one(
        comodel_name="order.governance.bottleneck", required=True, ondelete="cascade"
    )
    rank = fields.Integer()
    stage_id = fields.Many2one(
        comodel_name="order.governance.stage", required=True, ondelete="cascade"
    )
    volume = fields.Integer(
        string="Orders Handed Over", help="Orders that left the stage in the period."
    )
    avg_wait_hours = fields.Float(
        string="Average Wait",
        aggregator="avg",
        help="Working hours (h:mm) an order waited in the stage before it left, "
        "holds excluded.",
    )
    order_hours = fields.Float(
        string="Order-Hours",
        help="Handed over × average wait: the working hours the stage held orders "
        "in the period. The stage with the most is the bottleneck.",
    )
    breach_rate = fields.Float(
        string="Breached (%)",
        aggregator="avg",
        help="Share of the orders handed over after the stage's deadline.",
    )
    open_count = fields.Integer(
        string="In Stage Now", help="Orders in the stage at this moment."
    )
    previous_volume = fields.Integer(string="Handed Over Before")
    previous_order_hours = fields.Float(
        string="Order-Hours Before",
        help="Order-hours in the period of the same length just before.",
    )
    has_previous = fields.Boolean()
    change_rate = fields.Float(
        string="Change (%)",
        aggregator="avg",
        help="Order-hours against the period before (+: more waiting). Empty when "
        "the stage held no order-hours then.",
    )

    def _governance_summary(self):
        """One sentence on this stage: its order-hours and their change."""
        self.ensure_one()
        values = {
            "stage": self.stage_id.display_name,
            "hours": self.env["sale.order"]._governance_hours_text(self.order_hours),
            "volume": self.volume,
            "wait": self.env["sale.order"]._governance_hours_text(self.avg_wait_hours),
        }
        if not self.has_previous:
            return _(
                "%(stage)s held the most order-hours: %(hours)s (%(volume)s orders "
                "waited %(wait)s on average); none in the period before.",
                **values,
            )
        values["change"] = f"{self.change_rate:+.0f} %"
        return _(
            "%(stage)s held the most order-hours: %(hours)s (%(volume)s orders "
            "waited %(wait)s on average), %(change)s against the period before.",
            **values,
        )
