from odoo import fields, models


class OrderGovernanceNormsVersion(models.Model):
    """A published version of a stage's operating norms, kept as it was."""

    _name = "order.governance.norms.version"
    _description = "Published Operating Norms"
    _order = "stage_id, version desc"

    stage_id = fields.Many2one(
        comodel_name="order.governance.stage",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    version = fields.Integer(required=True, readonly=True)
    norms = fields.Html(string="Operating Norms", readonly=True, sanitize=True)
    date = fields.Datetime(
        string="Published On", required=True, readonly=True, default=fields.Datetime.now
    )
    user_id = fields.Many2one(
        comodel_name="res.users", string="Published By", readonly=True
    )
    company_id = fields.Many2one(related="stage_id.company_id", store=True)

    _sql_constraints = [
        (
            "version_unique",
            "UNIQUE (stage_id, version)",
            "A stage's norms have one text per version.",
        ),
    ]
