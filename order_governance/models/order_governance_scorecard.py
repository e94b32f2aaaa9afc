from odoo import fields, models


class OrderGovernanceScorecard(models.Model):
    """How a department, or a person, carried its part of the order process in a
    period, scored against the KPI targets. Closed, it never changes."""

    _name = "order.governance.scorecard"
    _inherit = ["mail.thread"]
    _description = "Order Governance Scorecard"
    _order = "date_from desc, company_id, department_id, user_id"
    _check_company_auto = True

    company_id = fields.Many2one(
        comodel_name="res.company", required=True, index=True, readonly=True
    )
    department_id = fields.Many2one(
        comodel_name="hr.department",
        required=True,
        index=True,
        check_company=True,
        readonly=True,
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Person",
        index=True,
        readonly=True,
        help="Empty: the department's card. Set: the card of the stays this person "
        "was responsible for.",
    )
    date_from = fields.Date(required=True, readonly=True)
    date_to = fields.Date(required=True, readonly=True)
    state = fields.Selection(
        selection=[("draft", "Draft"), ("closed", "Closed")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    score = fields.Float(readonly=True, aggregator="avg")
    line_ids = fields.One2many(
        comodel_name="order.governance.scorecard.line",
        inverse_name="scorecard_id",
        readonly=True,
    )
