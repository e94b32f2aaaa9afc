from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.safe_eval import safe_eval

ASSIGNMENTS = [
    ("manager", "Department manager"),
    ("user", "A given user"),
    ("round_robin", "Round robin over the department's employees"),
    ("least_loaded", "Least loaded employee of the department"),
    ("salesperson", "The order's salesperson"),
]


class OrderGovernanceRule(models.Model):
    _name = "order.governance.rule"
    _description = "Order Responsibility Rule"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        index=True,
        help="Leave empty to apply the rule in every company.",
    )
    stage_ids = fields.Many2many(
        comodel_name="order.governance.stage",
        string="Stages",
        check_company=True,
        help="Stages where the rule applies; empty means every stage.",
    )
    domain = fields.Char(
        string="Applies to",
        default="[]",
        required=True,
        help="Orders the rule applies to; an empty domain matches every order.",
    )
    responsible_department_id = fields.Many2one(
        comodel_name="hr.department",
        required=True,
        check_company=True,
    )
    assignment = fields.Selection(
        selection=ASSIGNMENTS,
        required=True,
        default="manager",
        help="How the responsible person is picked inside the department.",
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Responsible User",
        check_company=True,
        help="The person made responsible when the assignment is 'A given user'.",
    )
    last_assigned_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Last Round-Robin Assignee",
        readonly=True,
        copy=False,
        help="Round-robin pointer, kept in the database so that every Odoo worker "
        "shares it.",
    )

    @api.constrains("domain")
    def _check_domain(self):
        SaleOrder = self.env["sale.order"]
        for rule in self:
            try:
                domain = safe_eval(rule.domain or "[]")
                SaleOrder.sudo()._search(domain)
            except Exception as error:
                raise ValidationError(
                    _(
                        "The domain of rule %(rule)s is not valid: %(error)s",
                        rule=rule.display_name,
                        error=error,
                    )
                ) from error

    @api.constrains("assignment", "user_id")
    def _check_user(self):
        for rule in self.filtered(lambda r: r.assignment == "user" and not r.user_id):
            raise ValidationError(
                _("Rule %s assigns a given user: choose that user.", rule.display_name)
            )

    def _get_domain(self):
        self.ensure_one()
        return safe_eval(self.domain or "[]")
