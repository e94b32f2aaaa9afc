from datetime import timedelta

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL


def utc(value):
    """A naive UTC datetime as stored by Odoo, made aware for calendar arithmetic."""
    return pytz.utc.localize(value)


class OrderGovernanceStageLog(models.Model):
    _name = "order.governance.stage.log"
    _description = "Order Stage History"
    _order = "date_in desc, id desc"
    _rec_name = "stage_id"

    order_id = fields.Many2one(
        comodel_name="sale.order",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    stage_id = fields.Many2one(
        comodel_name="order.governance.stage",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    previous_stage_id = fields.Many2one(
        comodel_name="order.governance.stage",
        readonly=True,
        ondelete="set null",
    )
    department_id = fields.Many2one(
        comodel_name="hr.department",
        string="Responsible Department",
        readonly=True,
        index=True,
        ondelete="set null",
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Responsible",
        readonly=True,
        index=True,
        ondelete="set null",
        help="The person responsible for the order during this stay.",
    )
    moved_by_id = fields.Many2one(
        comodel_name="res.users",
        readonly=True,
        ondelete="set null",
        help="Who moved the order into this stage (for automatic moves: the user "
        "whose action triggered the event).",
    )
    date_in = fields.Datetime(string="Entered", required=True, readonly=True)
    date_out = fields.Datetime(
        string="Left",
        readonly=True,
        index=True,
        help="Empty while the order is in this stage.",
    )
    duration_hours = fields.Float(
        string="Working Hours",
        compute="_compute_hours",
        store=True,
        aggregator="avg",
        help="Working hours of the calendar spent in the stage, holds excluded.",
    )
    elapsed_hours = fields.Float(
        string="Calendar Hours",
        compute="_compute_hours",
        store=True,
        aggregator="avg",
    )
    paused_hours = fields.Float(readonly=True, aggregator="sum")
    is_rework = fields.Boolean(
        string="Rework",
        readonly=True,
        help="The order was sent back to this stage from a later one.",
    )
    forced = fields.Boolean(readonly=True)
    reason = fields.Text(readonly=True)
    deadline = fields.Datetime(readonly=True)
    sla_breached = fields.Boolean(string="SLA Breached", readonly=True)
    escalation_level = fields.Integer(readonly=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        readonly=True,
        index=True,
    )
    is_open = fields.Boolean(
        compute="_compute_is_open",
        search="_search_is_open",
        string="Current",
    )

    def init(self):
        # One open stay per order, enforced by the database whatever the code path.
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS %s ON %s (order_id) "
                "WHERE date_out IS NULL",
                SQL.identifier("order_governance_stage_log_one_open_idx"),
                SQL.identifier(self._table),
            )
        )

    @api.depends("date_in", "date_out", "paused_hours")
    def _compute_hours(self):
        closed = self.filtered("date_out")
        (self - closed).update({"duration_hours": 0.0, "elapsed_hours": 0.0})
        for calendar, logs in closed.grouped(lambda log: log._get_calendar()).items():
            worked = logs._working_hours(calendar)
            for log in logs:
                log.elapsed_hours = (log.date_out - log.date_in).total_seconds() / 3600
                log.duration_hours = max(worked[log.id] - log.paused_hours, 0.0)

    def _get_calendar(self):
        """Override to use another working calendar for a stay."""
        self.ensure_one()
        return self.company_id.resource_calendar_id

    def _working_hours(self, calendar):
        """``{log id: working hours between date_in and date_out}`` for logs sharing
        ``calendar``: one look-up of the calendar's work intervals for them all."""
        if not calendar:  # no calendar: every hour counts
            return {
                log.id: (log.date_out - log.date_in).total_seconds() / 3600
                for log in self
            }
        start = utc(min(self.mapped("date_in")))
        end = utc(max(self.mapped("date_out")))
        intervals = calendar._work_intervals_batch(start, end)[False]
        result = {}
        for log in self:
            log_start, log_end = utc(log.date_in), utc(log.date_out)
            seconds = sum(
                (min(stop, log_end) - max(begin, log_start)).total_seconds()
                for begin, stop, _meta in intervals
                if begin < log_end and stop > log_start
            )
            result[log.id] = seconds / 3600
        return result

    @api.depends("date_out")
    def _compute_is_open(self):
        for log in self:
            log.is_open = not log.date_out

    def _search_is_open(self, operator, value):
        if operator not in ("=", "!="):
            raise NotImplementedError(_("Unsupported search on 'Current'."))
        is_open = (operator == "=") == bool(value)
        return [("date_out", "=" if is_open else "!=", False)]

    @api.model_create_multi
    def create(self, vals_list):
        self._check_module_write()
        return super().create(vals_list)

    def write(self, vals):
        self._check_module_write()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_by_module(self):
        self._check_module_write()

    def _check_module_write(self):
        """The history is an audit trail: only the module (in sudo) writes it."""
        if not self.env.su:
            raise AccessError(
                _("The stage history of orders is written by Order Governance only.")
            )

    @api.model
    def _demo_build_histories(self, order_xmlids):
        """Demo data: walk the demo orders through the flow, then spread their stays
        over the last 60 days, so that the reports have something to show."""
        now = fields.Datetime.now()
        for index, xmlid in enumerate(order_xmlids):
            order = self.env.ref(xmlid).sudo()
            order._demo_walk(index)
            logs = self.search([("order_id", "=", order.id)], order="id")
            moment = now - timedelta(days=60 - index * 2.4)
            order.date_order = moment
            for step, log in enumerate(logs):
                hours = 2 + (index * 7 + step * 13) % 30
                log.date_in = moment
                moment = min(moment + timedelta(hours=hours), now)
                if log.date_out:
                    log.date_out = moment
            order.stage_entered_at = logs[-1:].date_in
