from odoo import _, api, fields, models
from odoo.exceptions import UserError


class OrderGovernanceCheckLine(models.Model):
    _name = "order.governance.check.line"
    _inherit = ["order.governance.stay.mixin"]
    _description = "Exit Criterion of an Order"
    _order = "sequence, id"

    check_id = fields.Many2one(
        comodel_name="order.governance.check", required=True, ondelete="cascade"
    )
    name = fields.Char(related="check_id.name")
    sequence = fields.Integer(related="check_id.sequence")
    required = fields.Boolean(related="check_id.required")
    automatic = fields.Boolean(
        compute="_compute_automatic", help="Met by itself when the order matches."
    )
    done = fields.Boolean(readonly=True)
    done_by_id = fields.Many2one(
        comodel_name="res.users", string="Ticked By", readonly=True
    )
    done_at = fields.Datetime(string="Ticked On", readonly=True)
    is_met = fields.Boolean(compute="_compute_is_met", string="Met")
    pending = fields.Char(
        string="Not Done Yet",
        compute="_compute_is_met",
        help="The documents of the order that keep a built-in check unmet.",
    )

    @api.depends("check_id.domain", "check_id.execution_check")
    def _compute_automatic(self):
        for line in self:
            line.automatic = bool(line.check_id.domain or line.check_id.execution_check)

    @api.depends("done", "check_id.domain", "check_id.execution_check")
    def _compute_is_met(self):
        self.pending = False
        automatic = self.filtered("automatic")
        for line in self - automatic:
            line.is_met = line.done
        for check, lines in automatic.grouped("check_id").items():
            orders = lines.order_id.sudo()
            if check.execution_check:
                pending = orders._governance_execution_pending(check.execution_check)
                for line in lines:
                    line.is_met = not pending[line.order_id.id]
                    line.pending = ", ".join(pending[line.order_id.id]) or False
                continue
            matching = orders.filtered_domain(check._get_domain())
            for line in lines:
                line.is_met = line.order_id in matching

    def action_tick(self):
        self._set_done(True)
        # a gate may have opened: the order goes as far as its documents say,
        # maybe out of the ticker's sight
        return self.order_id._governance_catch_up()

    def action_untick(self):
        self._set_done(False)

    def _set_done(self, done):
        # the record rules (companies included) on the lines and their orders,
        # whatever a former superuser read left in the cache
        self.check_access("read")
        self.order_id.check_access("read")
        for line in self.sudo().filtered("log_id.date_out"):
            raise UserError(
                _(
                    "Check %(check)s of %(order)s belongs to a closed stay: its "
                    "checks are frozen.",
                    check=line.name,
                    order=line.order_id.display_name,
                )
            )
        if self.filtered("automatic"):
            raise UserError(
                _(
                    "Checks with a condition are met by themselves: they cannot be "
                    "ticked by hand."
                )
            )
        self.order_id._governance_check_move_access()
        self.sudo().write(
            {
                "done": done,
                "done_by_id": self.env.uid if done else False,
                "done_at": fields.Datetime.now() if done else False,
            }
        )
