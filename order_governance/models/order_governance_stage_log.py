from collections import defaultdict
from datetime import timedelta

import pytz
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
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
    date_in = fields.Datetime(
        string="Entered", required=True, readonly=True, index=True
    )
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
    deadline = fields.Datetime(
        readonly=True, help="When the stage's SLA ends, in working hours."
    )
    risk_at = fields.Datetime(
        string="At Risk From",
        readonly=True,
        help="When the share of the SLA set in Settings is used up.",
    )
    escalate_at = fields.Datetime(
        string="Escalate From",
        readonly=True,
        help="When a breached stay goes up to the parent department's manager.",
    )
    # indexed: deleting an activity sets this column to NULL in every row that
    # points to it, which without an index is a scan of the whole history per
    # activity (a move of 1,000 orders deletes 1,000 activities)
    activity_id = fields.Many2one(
        comodel_name="mail.activity",
        readonly=True,
        ondelete="set null",
        index="btree_not_null",
    )
    check_line_ids = fields.One2many(
        comodel_name="order.governance.check.line",
        inverse_name="log_id",
        string="Exit Criteria",
        readonly=True,
    )
    hold_ids = fields.One2many(
        comodel_name="order.governance.hold",
        inverse_name="log_id",
        string="Holds",
        readonly=True,
    )
    sla_breached = fields.Boolean(string="SLA Breached", readonly=True)
    escalation_level = fields.Integer(readonly=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        readonly=True,
        index=True,
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
        """The stage's working calendar, else the company's."""
        self.ensure_one()
        return self.stage_id.calendar_id or self.company_id.resource_calendar_id

    @api.model
    def _plan(self, calendar, start, hours):
        """``start`` plus ``hours`` working hours of ``calendar`` (public holidays
        included); every hour counts without a calendar."""
        if not calendar:
            return start + timedelta(hours=hours)
        return calendar.plan_hours(hours, start, compute_leaves=True)

    @api.model
    def _sla_dates(self, stage, company, start):
        """``(deadline, risk_at, escalate_at)`` of a stay of an order of ``company``
        entering ``stage`` at ``start``; all empty when the stage has no SLA."""
        if not stage.sla_hours:
            return False, False, False
        calendar = stage.calendar_id or company.resource_calendar_id
        deadline = self._plan(calendar, start, stage.sla_hours)
        share = min(max(company.governance_at_risk_percent, 0.0), 100.0) / 100
        risk_at = self._plan(calendar, start, stage.sla_hours * share)
        escalate_at = self._plan(
            calendar, deadline, company.governance_escalation_delay_hours
        )
        return deadline, risk_at, escalate_at

    def _working_hours_between(self, calendar, start, end):
        """Working hours of ``calendar`` between two datetimes."""
        if not calendar:
            return (end - start).total_seconds() / 3600
        intervals = calendar._work_intervals_batch(utc(start), utc(end))[False]
        return (
            sum((stop - begin).total_seconds() for begin, stop, _m in intervals) / 3600
        )

    # ------------------------------------------------------------------
    # Leaving and entering a stage
    # ------------------------------------------------------------------
    def _check_exit_criteria(self):
        """Refuse to leave while a required check of the stay is unmet."""
        unmet = self.check_line_ids.filtered(
            lambda line: line.required and not line.is_met
        )
        if unmet:
            lines = "\n".join(
                f"- {line.order_id.display_name}: {line.name}" for line in unmet
            )
            raise UserError(_("These exit criteria are not met yet:\n%s", lines))

    def _close(self, now, next_stage):
        """End the stays: time stamps, SLA outcome, the stage activity done."""
        if not self:
            return
        for log in self:
            log.write(
                {
                    "date_out": now,
                    "sla_breached": bool(log.deadline and now > log.deadline),
                }
            )
        # before the new open rows are inserted (one open row per order)
        self.flush_recordset(["date_out"])
        self.activity_id.exists()._governance_done(
            _(
                "Moved to %(stage)s by %(user)s.",
                stage=next_stage.name,
                user=self.env.user.name,
            )
        )

    def _on_entry(self):
        """Exit criteria to meet, the activity of the responsible person, the
        consulted and informed departments' managers as followers."""
        self._create_check_lines()
        self._create_activities()
        self._involve_consulted_and_informed()

    def _create_check_lines(self):
        self.env["order.governance.check.line"].sudo().create(
            [
                {"order_id": log.order_id.id, "log_id": log.id, "check_id": check.id}
                for log in self
                for check in log.stage_id.check_ids
            ]
        )

    def _activity_values(self, user, summary, note, activity_type):
        self.ensure_one()
        return {
            "res_model_id": self.env["ir.model"]._get_id("sale.order"),
            "res_id": self.order_id.id,
            "activity_type_id": activity_type.id,
            "user_id": user.id,
            "date_deadline": (self.deadline or self.date_in).date(),
            "summary": summary,
            "note": note,
        }

    @api.model
    def _todo_type(self):
        return self.env.ref("mail.mail_activity_data_todo")

    def _create_activities(self):
        todo = self._todo_type()
        with_user = self.filtered("user_id")
        values = [
            log._activity_values(
                log.user_id,
                self.env._(
                    "%(stage)s: %(order)s",
                    stage=log.stage_id.name,
                    order=log.order_id.name,
                ),
                log.stage_id.norms,
                log.stage_id.activity_type_id or todo,
            )
            for log in with_user
        ]
        activities = self._new_activities(values)
        for log, activity in zip(with_user, activities, strict=True):
            log.activity_id = activity

    def _new_activities(self, values):
        # quick_update: no assignment e-mail per activity (batches stay cheap); the
        # activity shows in the person's to-do list and chatter at once.
        return (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .create(values)
        )

    def _involve_consulted_and_informed(self):
        handoff = self.env.ref("order_governance.mt_governance_handoff")
        subtypes = [handoff.id, self.env.ref("mail.mt_comment").id]
        consult_values = []
        todo = self._todo_type()
        for stage, logs in self.grouped("stage_id").items():
            consulted = stage.consulted_department_ids
            managers = (consulted | stage.informed_department_ids).manager_id.user_id
            if not managers:
                continue
            # "update": add the missing subtypes to managers who already follow
            # (message_subscribe would replace theirs, one write per order and move)
            self.env["mail.followers"].sudo()._insert_followers(
                "sale.order",
                logs.order_id.ids,
                managers.partner_id.ids,
                subtypes=dict.fromkeys(managers.partner_id.ids, subtypes),
                check_existing=True,
                existing_policy="update",
            )
            for user in consulted.manager_id.user_id:
                consult_values += [
                    log._activity_values(
                        user,
                        self.env._(
                            "Consulted on %(order)s (%(stage)s)",
                            order=log.order_id.name,
                            stage=stage.name,
                        ),
                        stage.norms,
                        todo,
                    )
                    for log in logs
                ]
        if consult_values:
            self._new_activities(consult_values)

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

    # ------------------------------------------------------------------
    # SLA watch and escalation (scheduled action)
    # ------------------------------------------------------------------
    @api.model
    def _cron_watch_sla(self, batch_size=1000):
        """Refresh the SLA status of open stays and escalate them, at most once per
        level: 1 at risk (remind the responsible person), 2 breached (activity for
        the responsible department's manager, message to the accountable one's),
        3 still breached after the delay (the parent department's manager)."""
        now = fields.Datetime.now()
        base = [
            ("date_out", "=", False),
            ("deadline", "!=", False),
            ("order_id.governance_on_hold", "=", False),
        ]
        levels = [
            (1, [("risk_at", "<=", now)]),
            (2, [("deadline", "<=", now)]),
            (3, [("escalate_at", "<=", now)]),
        ]
        done = 0
        for level, due in levels:
            logs = self.sudo().search(
                [*base, *due, ("escalation_level", "<", level)],
                limit=batch_size,
                order="id",
            )
            if logs:
                logs._escalate(level, now)
                done += len(logs)
        self._refresh_order_sla_status(now)
        remaining = sum(
            self.sudo().search_count([*base, *due, ("escalation_level", "<", level)])
            for level, due in levels
        )
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _refresh_order_sla_status(self, now):
        """Per status, one search and one write: the orders whose status must
        change. Only stays with a deadline are read: without one the status is
        'none' from entry on, and those stays include the final stay of every
        completed order, which would make each run slower than the last."""
        base = [
            ("date_out", "=", False),
            ("deadline", "!=", False),
            ("order_id.governance_on_hold", "=", False),
        ]
        due = {
            "breached": [("deadline", "<=", now)],
            "at_risk": [("deadline", ">", now), ("risk_at", "<=", now)],
            "on_track": [
                ("deadline", ">", now),
                "|",
                ("risk_at", "=", False),
                ("risk_at", ">", now),
            ],
        }
        for status, domain in due.items():
            logs = self.sudo().search(
                [*base, *domain, ("order_id.sla_status", "!=", status)]
            )
            logs.order_id.with_context(
                governance_internal_move=True, tracking_disable=True
            ).write({"sla_status": status})

    def _escalate(self, level, now):
        """Escalate these stays (that have not reached ``level``) to ``level``."""
        targets = self._escalation_targets(level)
        todo = self._todo_type()
        activities, notes = [], {}
        for log in self:
            user = targets[log.id]
            notes[log.order_id.id] = Markup("<p>%s</p>") % _(
                "Escalation level %(level)s: %(who)s.",
                level=level,
                who=user.name or _("nobody to escalate to"),
            )
            if user and level > 1:
                activities.append(
                    log._activity_values(
                        user,
                        _(
                            "Breached SLA: %(order)s in %(stage)s",
                            order=log.order_id.name,
                            stage=log.stage_id.name,
                        ),
                        log.stage_id.norms,
                        todo,
                    )
                )
        if activities:
            self._new_activities(activities)
        if level == 1:
            self._notify_digest(targets, _("Orders at risk of missing their deadline"))
        if level == 2:
            accountable = {log.id: log._accountable_manager() for log in self}
            self._notify_digest(accountable, _("Orders past their deadline"))
        self.order_id._message_log_batch(bodies=notes)
        self.write({"escalation_level": level, "sla_breached": level >= 2})

    def _accountable_manager(self):
        department = self.stage_id.accountable_department_id
        return (
            department._governance_manager_user()
            if department
            else department.env["res.users"]
        )

    def _escalation_targets(self, level):
        """``{log id: res.users}``; a person without user passes to the next level."""
        result = {}
        for log in self:
            department = log.department_id
            chain = [
                log.user_id,
                department._governance_manager_user() if department else None,
                department.parent_id._governance_manager_user()
                if department.parent_id
                else None,
                log._accountable_manager(),
            ]
            candidates = [user for user in chain[level - 1 :] if user]
            result[log.id] = candidates[0] if candidates else self.env["res.users"]
        return result

    def _notify_digest(self, user_of_log, subject):
        """One message per person, listing their orders (not one per order)."""
        orders_of = defaultdict(lambda: self.env["sale.order"])
        for log in self:
            user = user_of_log[log.id]
            if user:
                orders_of[user] |= log.order_id
        for user, orders in orders_of.items():
            body = Markup("<p>%s</p><ul>%s</ul>") % (
                subject,
                Markup().join(
                    Markup("<li>%s</li>") % order.display_name for order in orders
                ),
            )
            orders[:1].sudo().message_notify(
                partner_ids=user.partner_id.ids, subject=subject, body=body
            )
