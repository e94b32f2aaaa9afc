from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.safe_eval import safe_eval

HOW_MET = [
    ("hand", "Ticked by hand"),
    ("condition", "Met by itself when the condition holds"),
    ("execution", "Met by itself when the documents are done"),
]
# Built-in checks that read the order's documents; the execution modules add theirs
# (all transfers reserved, delivered, manufacturing done).
EXECUTION_CHECKS = [
    ("invoiced", "Fully invoiced"),
    ("paid", "Paid"),
]


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
        string="Condition",
        help="Empty: someone ticks the check by hand. Set: the check is met by "
        "itself while the order matches the condition, and nobody ticks it.",
    )
    execution_check = fields.Selection(
        selection=EXECUTION_CHECKS,
        string="Documents Done",
        help="A built-in check on the order's documents: met by itself once they "
        "are done; while they are not, leaving the stage names them.",
    )
    is_manual = fields.Boolean(
        string="Ticked by Hand",
        compute="_compute_is_manual",
        help="The check has no condition: someone ticks it by hand.",
    )
    how_met = fields.Selection(
        selection=HOW_MET,
        string="How It Is Met",
        compute="_compute_how_met",
        inverse="_inverse_how_met",
        readonly=False,
        help="Ticked by hand, or met by itself while the order matches the "
        "condition.",
    )

    # An order's check line is automatic exactly when its check has a domain: the
    # wording below follows the same test.
    @api.depends("domain", "execution_check")
    def _compute_is_manual(self):
        for check in self:
            check.is_manual = not check.domain and not check.execution_check

    @api.depends("domain", "execution_check")
    def _compute_how_met(self):
        for check in self:
            if check.execution_check:
                check.how_met = "execution"
            else:
                check.how_met = "condition" if check.domain else "hand"

    def _inverse_how_met(self):
        for check in self:
            if check.how_met != "condition" and check.domain:
                check.domain = False
            if check.how_met != "execution" and check.execution_check:
                check.execution_check = False

    @api.constrains("domain", "execution_check")
    def _check_one_way_to_be_met(self):
        for check in self:
            if check.domain and check.execution_check:
                raise ValidationError(
                    _(
                        "Check %s is met either by a condition or by the documents "
                        "being done, not both: clear one of them.",
                        check.name,
                    )
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

    @api.onchange("how_met")
    def _onchange_how_met(self):
        if self.how_met != "condition":
            self.domain = False
        if self.how_met != "execution":
            self.execution_check = False

    @api.model_create_multi
    def create(self, vals_list):
        checks = super().create([self._clean_domain(vals) for vals in vals_list])
        checks._governance_attach_to_open_stays()
        return checks

    def write(self, vals):
        res = super().write(self._clean_domain(vals))
        if "stage_id" in vals:
            self._governance_attach_to_open_stays()
        return res

    def _governance_attach_to_open_stays(self):
        """A check added to a stage applies to the orders already in it: their
        open stays get its line (those that have it keep theirs)."""
        Stay = self.env["order.governance.stage.log"].sudo()
        stays = Stay.search(
            [("stage_id", "in", self.stage_id.ids), ("date_out", "=", False)]
        )
        have = {
            (line.log_id.id, line.check_id.id)
            for line in stays.check_line_ids.filtered(lambda ln: ln.check_id in self)
        }
        self.env["order.governance.check.line"].sudo().create(
            [
                {"order_id": stay.order_id.id, "log_id": stay.id, "check_id": check.id}
                for check in self.sudo()
                for stay in stays.filtered(lambda s, c=check: s.stage_id == c.stage_id)
                if (stay.id, check.id) not in have
            ]
        )

    @api.model
    def _clean_domain(self, vals):
        """A condition with no terms ("[]", what the domain editor leaves once its
        last term is removed) is no condition: the check is ticked by hand, not met
        by every order."""
        domain = vals.get("domain")
        if isinstance(domain, str) and "".join(domain.split()) in ("", "[]"):
            vals = dict(vals, domain=False)
        return vals

    def _get_domain(self):
        self.ensure_one()
        return safe_eval(self.domain) if self.domain else []

    def _governance_unmet(self, orders):
        """``{order id: names of the required checks of self that the order does
        not meet}`` for orders that have no lines of them yet (a stage an event
        would take them through): a check ticked by hand is unmet, one with a
        condition or on the documents is evaluated now."""
        unmet = {order.id: [] for order in orders}
        orders = orders.sudo()
        for check in self.sudo().filtered("required"):
            if check.execution_check:
                pending = orders._governance_execution_pending(check.execution_check)
                failing = orders.filtered(lambda o, p=pending: p[o.id])
            elif check.domain:
                failing = orders - orders.filtered_domain(check._get_domain())
            else:
                failing = orders
            for order in failing:
                unmet[order.id].append(check.name)
        return unmet
