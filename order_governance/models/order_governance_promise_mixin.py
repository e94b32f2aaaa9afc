from collections import defaultdict
from datetime import timedelta

import pytz
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.misc import format_date, format_datetime

from . import working_hours

# The history a forecast reads: the stays that ended in the last 180 days, and
# at least 5 of them for a figure (else the next basis: stage, SLA, none).
FORECAST_DAYS = 180
FORECAST_MIN_SAMPLES = 5

PROMISE_STATUSES = [
    ("none", "No Promise"),
    ("on_track", "On Track"),
    ("at_risk", "Promise at Risk"),
    ("late", "Promise Late"),
    ("kept", "Kept"),
    ("missed", "Missed"),
]
OPEN_PROMISE_STATUSES = ("on_track", "at_risk", "late")
# Statuses that tell the owning department's manager (one activity per order,
# closed when the order recovers or ends).
ALERT_STATUSES = ("at_risk", "late")
# Written by the engine only (added to the flow's governed fields).
PROMISE_FIELDS = (
    "governance_promised_date",
    "governance_promise_changes",
    "governance_forecast_date",
    "governance_forecast_p90_date",
    "governance_promise_status",
)


def to_minute(moment):
    """``moment`` to the nearest minute (False for none): a forecast that moved
    by the float noise of working-hour sums is not rewritten at every watch."""
    if not moment:
        return False
    return (moment + timedelta(seconds=30)).replace(second=0, microsecond=0)


class OrderGovernancePromiseMixin(models.AbstractModel):
    """The customer's promise and the completion forecast of an order: the date
    promised, how often it changed, the median and 90th percentile completion
    forecast from the history of its stages, and whether the promise holds.
    ``sale.order`` inherits it."""

    _name = "order.governance.promise.mixin"
    _description = "Order Governance Promise and Forecast"

    governance_promised_date = fields.Datetime(
        string="Promised Date",
        copy=False,
        readonly=True,
        tracking=True,
        index=True,
        help="The delivery date given to the customer (the order's commitment "
        "date), else the date Odoo expected when the order was confirmed, frozen "
        "then. A new commitment date is a new promise.",
    )
    governance_promise_changes = fields.Integer(
        string="Promise Changes",
        copy=False,
        readonly=True,
        help="How many times the promised date changed after the first promise.",
    )
    governance_forecast_date = fields.Datetime(
        string="Forecast Completion",
        copy=False,
        readonly=True,
        help="When the order should be done, by the median duration of the stages "
        "ahead in its own history (half of such orders finish earlier).",
    )
    governance_forecast_p90_date = fields.Datetime(
        string="Forecast Completion (90%)",
        copy=False,
        readonly=True,
        help="When nine orders in ten like this one are done, by the 90th "
        "percentile of the stages ahead.",
    )
    governance_promise_status = fields.Selection(
        selection=PROMISE_STATUSES,
        string="Promise",
        default="none",
        required=True,
        copy=False,
        readonly=True,
        index=True,
        help="On Track: nine orders in ten like this one finish by the promise. "
        "At Risk: the median does, the 90th percentile does not. Late: the median "
        "finishes after the promise, or the promise passed. Kept or Missed once the "
        "order is done.",
    )

    governance_forecast_html = fields.Html(
        string="Forecast by Stage",
        compute="_compute_governance_forecast_html",
        sanitize=False,
        help="The stages ahead of the order, the working hours each should take "
        "and where the figure comes from.",
    )

    @api.depends("governance_forecast_date", "governance_stage_id")
    def _compute_governance_forecast_html(self):
        """The forecast's reasons, in the reader's language and time zone (the
        figures of ``_governance_forecast_plans``; computed when the tab shows)."""
        saved = self.filtered(lambda o: o.id and o.governance_forecast_date)
        (self - saved).governance_forecast_html = False
        if not saved:
            return
        plans = saved.sudo()._governance_forecast_plans(fields.Datetime.now())
        bases = dict(self._governance_forecast_bases())
        for order in saved:
            plan = plans.get(order._origin.id)
            if not plan:
                order.governance_forecast_html = False
                continue
            steps = [
                {
                    "current": step["stage"] == order.governance_stage_id,
                    "stage": step["stage"].with_env(self.env).name,
                    "department": step["department"].with_env(self.env).display_name
                    or "",
                    "p50": self._governance_hours_text(step["p50"]),
                    "p90": self._governance_hours_text(step["p90"]),
                    "basis": bases[step["basis"]](step["samples"]),
                    "expected_out": step["expected_out"]
                    and self._governance_datetime_text(step["expected_out"])
                    or "",
                }
                for step in plan["steps"]
            ]
            order.governance_forecast_html = self.env["ir.qweb"]._render(
                "order_governance.forecast_panel", {"steps": steps}
            )

    def _governance_forecast_bases(self):
        """``[(basis, sentence of the samples)]``: what each basis says."""
        return [
            ("history", lambda n: self.env._("%s past stays in this department", n)),
            ("stage", lambda n: self.env._("%s past stays, all departments", n)),
            ("sla", lambda n: self.env._("The stage's SLA (too few past stays)")),
            ("none", lambda n: self.env._("No history nor SLA: not counted")),
        ]

    def _governance_datetime_text(self, moment):
        """A naive UTC datetime in the reader's time zone and language."""
        return format_datetime(self.env, moment, tz=self.env.user.tz or "UTC")

    def _governance_date_text(self, moment):
        """The day of ``moment`` where the order's company works, in the reader's
        language; "-" without a moment."""
        if not moment:
            return "-"
        return format_date(self.env, self._governance_day(moment))

    # ------------------------------------------------------------------
    # The promise
    # ------------------------------------------------------------------
    def _governance_set_first_promise(self, track=True):
        """Freeze the promise of confirmed orders that have none yet: the
        commitment date, else the date Odoo expects now (at confirmation).
        Without ``track``, no chatter tracking (orders taken in at install)."""
        values = {}
        for order in self.filtered(lambda o: not o.governance_promised_date):
            promise = order.commitment_date or order.expected_date
            if promise:
                values.setdefault(promise, []).append(order.id)
        engine = self._governance_engine()
        if not track:
            engine = engine.with_context(tracking_disable=True)
        for promise, ids in values.items():
            engine.browse(ids).write({"governance_promised_date": promise})
        return self.browse([i for ids in values.values() for i in ids])

    def _governance_promise_changed(self):
        """A new commitment date of a confirmed order is a new promise (counted);
        clearing it keeps the promise the customer was given."""
        changed = self.filtered(
            lambda o: o.state == "sale"
            and o.commitment_date
            and o.governance_promised_date
            and o.commitment_date != o.governance_promised_date
        )
        for order in changed:
            order._governance_engine().write(
                {
                    "governance_promised_date": order.commitment_date,
                    "governance_promise_changes": order.governance_promise_changes + 1,
                }
            )
        first = self.filtered(
            lambda o: o.state == "sale"
        )._governance_set_first_promise()
        return changed | first

    @api.model
    def _governance_promise_label(self, status):
        return dict(
            self._fields["governance_promise_status"]._description_selection(self.env)
        ).get(status, _("No Promise"))

    # ------------------------------------------------------------------
    # The forecast
    # ------------------------------------------------------------------
    def governance_forecast(self):
        """Why the forecast says what it says: one dict per stage ahead of the
        order (its current stage first) with ``stage_id``, ``department_id``,
        ``p50_hours`` and ``p90_hours`` (working hours still to spend there),
        ``samples`` (past stays the figures come from), ``basis`` (``history``:
        the stage's stays in that department; ``stage``: in any department;
        ``sla``: the stage's SLA; ``none``) and ``expected_out`` (the median end
        of the stage). Empty when the order's flow has ended or not begun."""
        if len(self) != 1:
            raise UserError(_("The forecast explains one order at a time."))
        self.check_access("read")
        now = fields.Datetime.now()
        plan = self.sudo()._governance_forecast_plans(now).get(self.id)
        if not plan:
            return []
        return [
            {
                "stage_id": step["stage"].id,
                "department_id": step["department"].id or False,
                "p50_hours": round(step["p50"], 2),
                "p90_hours": round(step["p90"], 2),
                "samples": step["samples"],
                "basis": step["basis"],
                "expected_out": step["expected_out"]
                and fields.Datetime.to_string(step["expected_out"]),
            }
            for step in plan["steps"]
        ]

    def _governance_forecast_plans(self, now, as_of=None, positions=None):
        """``{order id: {'steps': [...], 'p50': datetime, 'p90': datetime}}`` for
        the orders of ``self`` in a working stage; read in batch: the history once
        per (company, stage, department) for them all, each calendar once.

        ``as_of``: use only the stays that ended before it; ``positions``:
        ``{order id: (stage, department, hours spent)}`` where to forecast from
        instead of where the orders are (both for the backtest's replay)."""
        if positions is None:
            orders = self.filtered(
                lambda o: o.governance_stage_id
                and not o.governance_stage_id.is_final
                and not o.governance_stage_id.is_cancel
            )
            positions = orders._governance_positions(now)
        else:
            orders = self.browse(list(positions))
        if not orders:
            return {}
        paths = orders._governance_forecast_paths(positions)
        departments = orders._governance_forecast_departments(paths, positions)
        stages = self.env["order.governance.stage"].browse(
            {stage.id for path in paths.values() for stage in path}
        )
        stats = self._governance_forecast_stats(orders.company_id, stages, as_of or now)
        timelines = {}
        plans = {}
        for order in orders:
            steps = []
            end50 = end90 = now
            for stage in paths[order.id]:
                department = departments[(order.id, stage.id)]
                p50, p90, samples, basis = self._governance_stage_estimate(
                    stats, order.company_id, stage, department
                )
                if stage == positions[order.id][0]:
                    spent = positions[order.id][2]
                    p50, p90 = max(p50 - spent, 0.0), max(p90 - spent, 0.0)
                calendar = stage.calendar_id or order.company_id.resource_calendar_id
                timeline = timelines.get(calendar.id)
                if timeline is None:
                    timeline = timelines[calendar.id] = working_hours.Timeline(
                        calendar, now
                    )
                end50 = end50 and timeline.plan(end50, p50)
                end90 = end90 and timeline.plan(end90, p90)
                steps.append(
                    {
                        "stage": stage,
                        "department": department,
                        "p50": p50,
                        "p90": p90,
                        "samples": samples,
                        "basis": basis,
                        "expected_out": end50,
                        "expected_out_p90": end90,
                    }
                )
            plans[order.id] = {"steps": steps, "p50": end50, "p90": end90}
        return plans

    def _governance_positions(self, now):
        """``{order id: (current stage, responsible department, working hours
        spent there)}``."""
        spent = self._governance_spent_hours(now)
        return {
            order.id: (
                order.governance_stage_id,
                order.responsible_department_id,
                spent[order.id],
            )
            for order in self
        }

    def _governance_forecast_paths(self, positions):
        """``{order id: [the stage it is in, the later working stages that apply
        to it up to the first final stage]}``."""
        stages = self._governance_stages_of(self.company_id).filtered(
            lambda s: not s.is_cancel
        )
        applies = self._governance_applicability()
        paths = {}
        for order in self:
            current = positions[order.id][0]
            path = [current]
            for stage in stages.filtered(
                lambda s, o=order, c=current: (
                    not s.company_id or s.company_id == o.company_id
                )
                and (s.sequence, s.id) > (c.sequence, c.id)
            ):
                if stage.is_final:
                    break
                if applies(stage, order):
                    path.append(stage)
            paths[order.id] = path
        return paths

    def _governance_forecast_departments(self, paths, positions):
        """``{(order id, stage id): hr.department}``: the current stage's
        responsible department, the rules' choice for the stages ahead (one
        resolution per stage for all its orders)."""
        result = {}
        ahead = defaultdict(list)
        for order in self:
            stage, department, _spent = positions[order.id]
            result[(order.id, stage.id)] = department
            for stage in paths[order.id][1:]:
                ahead[stage].append(order.id)
        for stage, order_ids in ahead.items():
            chosen = self.browse(order_ids)._governance_departments_in(stage)
            for order_id, department in chosen.items():
                result[(order_id, stage.id)] = department
        return result

    @api.model
    def _governance_forecast_stats(self, companies, stages, as_of):
        """``{(company id, stage id, department id or None): (p50, p90, count)}``:
        the percentiles of the working hours of the stays of ``stages`` that ended
        in the FORECAST_DAYS before ``as_of``, per department and per stage (key
        None), in one query. Stays counted from the install on are left out: they
        began when the module came, not when the work did."""
        if not stages:
            return {}
        self.env["order.governance.stage.log"].flush_model(
            ["company_id", "stage_id", "department_id", "date_out", "duration_hours"]
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT company_id, stage_id, department_id,
                       GROUPING(department_id) = 1 AS whole_stage,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_hours),
                       percentile_cont(0.9) WITHIN GROUP (ORDER BY duration_hours),
                       COUNT(*)
                  FROM order_governance_stage_log
                 WHERE date_out > %(since)s AND date_out <= %(as_of)s
                   AND stage_id = ANY(%(stages)s)
                   AND company_id = ANY(%(companies)s)
                   AND as_of_install IS NOT TRUE
                 GROUP BY GROUPING SETS (
                       (company_id, stage_id, department_id), (company_id, stage_id)
                 )
                """,
                since=as_of - timedelta(days=FORECAST_DAYS),
                as_of=as_of,
                stages=stages.ids,
                companies=companies.ids,
            )
        )
        return {
            (company_id, stage_id, None if whole else department_id): (p50, p90, n)
            for company_id, stage_id, department_id, whole, p50, p90, n in (
                self.env.cr.fetchall()
            )
        }

    @api.model
    def _governance_stage_estimate(self, stats, company, stage, department):
        """``(p50, p90, samples, basis)`` of a stay of ``stage`` in
        ``department``: its own history, else the stage's in any department (at
        least FORECAST_MIN_SAMPLES stays), else the SLA, else nothing."""
        for key, basis in (
            ((company.id, stage.id, department.id), "history"),
            ((company.id, stage.id, None), "stage"),
        ):
            p50, p90, count = stats.get(key, (0.0, 0.0, 0))
            if key[2] is not False and count >= FORECAST_MIN_SAMPLES:
                return p50, p90, count, basis
        if stage.sla_hours:
            return stage.sla_hours, stage.sla_hours, 0, "sla"
        return 0.0, 0.0, 0, "none"

    def _governance_spent_hours(self, now):
        """``{order id: working hours spent in the current stage}``, holds
        excluded: those ended (on the stay) and the one going on."""
        stays = self._governance_open_stays()
        ongoing = {}
        held = self.filtered("governance_on_hold")
        if held:
            holds = (
                self.env["order.governance.hold"]
                .sudo()
                .search([("order_id", "in", held.ids), ("date_end", "=", False)])
            )
            ongoing = {hold.log_id.id: hold.date_start for hold in holds}
        spent = dict.fromkeys(self.ids, 0.0)
        for calendar, group in stays.grouped(lambda s: s._get_calendar()).items():
            timeline = working_hours.Timeline(calendar, min(group.mapped("date_in")))
            for stay in group:
                end = max(ongoing.get(stay.id, now), stay.date_in)
                worked = timeline.hours_between(stay.date_in, end)
                spent[stay.order_id.id] = max(worked - stay.paused_hours, 0.0)
        return spent

    # ------------------------------------------------------------------
    # Refresh: forecast, promise status, the owning department told
    # ------------------------------------------------------------------
    def _governance_refresh_forecast(self, tell=True):
        """Refresh the forecast and promise status of the orders of ``self`` in
        batch: the plans of them all (see ``_governance_forecast_plans``), one
        UPDATE for the changed dates, one write per changed status. As the
        engine: a move may just have taken the orders out of their mover's sight.
        Without ``tell``, no activity (an upgrade's first statuses)."""
        orders = self.sudo().filtered("governance_stage_id")
        if not orders:
            return
        now = fields.Datetime.now()
        plans = orders._governance_forecast_plans(now)
        dates, statuses = [], defaultdict(list)
        previous = {}
        for order in orders:
            plan = plans.get(order.id, {})
            p50, p90 = to_minute(plan.get("p50")), to_minute(plan.get("p90"))
            if (p50, p90) != (
                order.governance_forecast_date,
                order.governance_forecast_p90_date,
            ):
                dates.append((order, p50, p90))
            status = order._governance_promise_status_of(p50, p90, now)
            if status != order.governance_promise_status:
                previous[order.id] = order.governance_promise_status
                statuses[status].append(order.id)
        if dates:
            orders._governance_write_forecast_dates(dates)
        engine = orders._governance_engine()
        for status, ids in statuses.items():
            engine.browse(ids).write({"governance_promise_status": status})
        if previous and tell:
            orders.browse(list(previous))._governance_tell_promise(previous)

    def _governance_write_forecast_dates(self, dates):
        """One UPDATE (per thousand orders) for ``[(order, p50, p90)]``: the dates
        differ per order, which a write would turn into one query each."""
        fnames = ["governance_forecast_date", "governance_forecast_p90_date"]
        orders = self.browse([order.id for order, _p50, _p90 in dates])
        orders.flush_recordset(fnames)
        orders.sudo()._write_multi(
            [
                {
                    "governance_forecast_date": p50 or None,
                    "governance_forecast_p90_date": p90 or None,
                }
                for _order, p50, p90 in dates
            ]
        )
        orders.invalidate_recordset(fnames + ["write_date", "write_uid"])

    def _governance_promise_status_of(self, p50, p90, now):
        """The promise status of this order for a forecast ``p50``/``p90``."""
        self.ensure_one()
        promise = self.governance_promised_date
        stage = self.governance_stage_id
        if not promise or not stage or stage.is_cancel:
            return "none"
        if stage.is_final:
            done = self.governance_completed_at or self.stage_entered_at or now
            return (
                "kept"
                if self._governance_day(done) <= self._governance_day(promise)
                else "missed"
            )
        if promise < now or (p50 and p50 > promise):
            return "late"
        if p90 and p90 > promise:
            return "at_risk"
        return "on_track"

    def _governance_day(self, moment):
        """The day of ``moment`` (naive UTC) where the order's company works."""
        tz = pytz.timezone(self.company_id.resource_calendar_id.tz or "UTC")
        return pytz.utc.localize(moment).astimezone(tz).date()

    def _governance_tell_promise(self, previous):
        """Tell the owning department's manager once when an order's promise
        turns at risk or late (one activity, its summary updated when it worsens),
        and close that activity when the order recovers or ends. ``previous``:
        ``{order id: status before}``."""
        activity_type = self.env.ref(
            "order_governance.mail_activity_type_promise", raise_if_not_found=False
        )
        if not activity_type:
            return
        open_activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
            .grouped("res_id")
        )
        alerting = self.filtered(
            lambda o: o.governance_promise_status in ALERT_STATUSES
        )
        (self - alerting)._governance_close_promise_alerts(open_activities)
        values = []
        for order in alerting:
            activity = open_activities.get(order.id)
            if activity:
                if previous[order.id] != order.governance_promise_status:
                    activity.write(
                        order._governance_promise_alert_texts(activity.user_id)
                    )
                continue
            manager = order._governance_promise_manager()
            if manager:
                values.append(
                    {
                        "res_model_id": self.env["ir.model"]._get_id(self._name),
                        "res_id": order.id,
                        "activity_type_id": activity_type.id,
                        "user_id": manager.id,
                        "date_deadline": fields.Date.context_today(order),
                        **order._governance_promise_alert_texts(manager),
                    }
                )
        self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True
        ).create(values)

    def _governance_close_promise_alerts(self, open_activities):
        activities = self.env["mail.activity"].sudo()
        for order in self:
            activities |= open_activities.get(order.id, activities.browse())
        activities._governance_done()

    def _governance_promise_manager(self):
        """Who hears of a promise at risk: the owning department's manager, else
        the order management department's."""
        self.ensure_one()
        for department in (
            self.owner_department_id,
            self.company_id.order_management_department_id,
        ):
            user = department.sudo().manager_id.user_id
            if user and user.active:
                return user
        return self.env["res.users"]

    def _governance_promise_alert_texts(self, user):
        """The activity's summary and note, in ``user``'s language."""
        self.ensure_one()
        order = self.with_context(lang=user.lang or self.env.lang)
        env = order.env
        promise = order._governance_date_text(order.governance_promised_date)
        if order.governance_promise_status == "late":
            summary = env._("Promise late: %s", promise)
        else:
            summary = env._("Promise at risk: %s", promise)
        note = env._(
            "%(order)s was promised for %(promise)s; the forecast says %(forecast)s "
            "(nine in ten by %(p90)s). See what blocks it in Fulfillment Issues.",
            order=order.name,
            promise=promise,
            forecast=order._governance_date_text(order.governance_forecast_date),
            p90=order._governance_date_text(order.governance_forecast_p90_date),
        )
        return {"summary": summary, "note": Markup("<p>%s</p>") % note}
