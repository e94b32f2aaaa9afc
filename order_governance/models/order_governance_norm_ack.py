from odoo import fields, models


class OrderGovernanceNormAck(models.Model):
    """A person read a version of a stage's operating norms (never edited)."""

    _name = "order.governance.norm.ack"
    _description = "Operating Norms Acknowledgement"
    _order = "date desc, id desc"

    stage_id = fields.Many2one(
        comodel_name="order.governance.stage",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    version = fields.Integer(required=True, readonly=True)
    user_id = fields.Many2one(
        comodel_name="res.users",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    company_id = fields.Many2one(related="stage_id.company_id", store=True)

    _sql_constraints = [
        (
            "ack_unique",
            "UNIQUE (stage_id, version, user_id)",
            "A person acknowledges a version of a stage's norms once.",
        ),
    ]
