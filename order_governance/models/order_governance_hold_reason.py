from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class OrderGovernanceHoldReason(models.Model):
    _name = "order.governance.hold.reason"
    _description = "Reason to Put an Order on Hold"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    tell_customer = fields.Boolean(
        string="Tell the Customer",
        help="While an order is on hold for this reason, the customer's order page "
        "shows the Text for the Customer. Otherwise he sees nothing of the hold.",
    )
    portal_text = fields.Char(
        string="Text for the Customer",
        translate=True,
        help="What the customer reads on his order page while it is on hold for this "
        "reason, e.g. 'We are waiting for your approval of the drawing'.",
    )

    @api.constrains("tell_customer", "portal_text")
    def _check_portal_text(self):
        for reason in self:
            if reason.tell_customer and not (reason.portal_text or "").strip():
                raise ValidationError(
                    _(
                        "Hold reason %s tells the customer: write the text he reads.",
                        reason.name,
                    )
                )
