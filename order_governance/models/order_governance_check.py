from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.safe_eval import safe_eval


class OrderGovernanceCheck(models.Model):
    _name = "order.governance.check"
    _description = "Stage Exit Criterion"
    _order = "stage_id, sequence, id"

    stage_id = fields.Many2one(
        comodel_name="order.governance.stage",
        required=True,
        index=True,
        ondelete="cascade",
    )
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    required = fields.Boolean(
        default=True,
        help="The order cannot leave the stage forward while this check is unmet "
        "(officers may force the move).",
    )
    domain = fields.Char(
        help="When set, the check is met by itself when the order matches this "
        "domain, and cannot be ticked by hand.",
    )

    @api.constrains("domain")
    def _check_domain(self):
        Rule = self.env["order.governance.rule"]
        for check in self.filtered("domain"):
            error = Rule._order_domain_error(check.domain)
            if error:
                raise ValidationError(
                    _(
                        "The domain of check %(check)s is not valid: %(error)s",
                        check=check.name,
                        error=error,
                    )
                )

    def _get_domain(self):
        self.ensure_one()
        return safe_eval(self.domain) if self.domain else []
