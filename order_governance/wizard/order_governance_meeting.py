from datetime import datetime, time, timedelta

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.resource.models.utils import Intervals

# A meeting's times stay where Calendar and the agenda's date arithmetic work.
MAX_MEETING_HOURS = 24
EARLIEST_MOMENT = datetime(1970, 1, 1)
LATEST_MOMENT = datetime(2999, 12, 31)
# The default slot: looked for this many working days ahead, on the half hour.
SLOT_SEARCH_DAYS = 10
SLOT_STEP_MINUTES = 30


class OrderGovernanceMeeting(models.TransientModel):
    """Coordination meeting: the order management department picks the
    departments, the period since the last meeting and a date; the agenda
    prepares itself from the facts (overdue, on hold, rework, unassigned,
    escalations, the bottleneck, and what the last meeting decided) and the
    meeting is scheduled in Odoo's Calendar."""

    _name = "order.governance.meeting"
    _description = "Order Governance Coordination Meeting"

    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
    )
    department_ids = fields.Many2many(
        comodel_name="hr.department",
        string="Departments",
        compute="_compute_department_ids",
        store=True,
        precompute=True,
        readonly=False,
        domain="[('company_id', 'in', (company_id, False))]",
        help="Each department gets its part of the agenda. By default, the "
        "departments the company's stages give work to.",
    )
    date_from = fields.Datetime(
        string="Since",
        compute="_compute_date_from",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        help="Start of the period the agenda looks back on: by default the last "
        "coordination meeting of the company (two weeks without one).",
    )
    start = fields.Datetime(
        string="Meeting",
        compute="_compute_start",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        help="By default the first slot from the next working day, within your "
        "working hours, where every attendee is at work and free.",
    )
    duration = fields.Float(default=1.0, help="Hours (h:mm).")
    slot_warning = fields.Char(
        compute="_compute_start",
        store=True,
        precompute=True,
        help="Set when no slot suits every attendee in the days searched.",
    )
    recurrency = fields.Boolean(
        string="Recurrent", help="Repeat the meeting (Calendar's recurrence)."
    )
    rrule_type = fields.Selection(
        selection=[("weekly", "Weekly"), ("monthly", "Monthly")],
        string="Repeat",
        default="weekly",
    )
    attendee_ids = fields.Many2many(
        comodel_name="res.users",
        string="Attendees",
        compute="_compute_attendee_ids",
        store=True,
        precompute=True,
        readonly=False,
        help="The managers of the departments and the officers of the company. "
        "Each one receives the agenda built with his own access rights.",
    )
    agenda_html = fields.Html(
        string="Agenda", compute="_compute_agenda_html", sanitize=False
    )

    @api.depends("company_id")
    def _compute_department_ids(self):
        for meeting in self:
            if not meeting._governance_company_allowed():
                meeting.department_ids = False
                continue
            stages = self.env["order.governance.stage"].search(
                [("company_id", "in", (meeting.company_id.id, False))]
            )
            meeting.department_ids = stages.responsible_department_id.filtered(
                lambda d, m=meeting: d.company_id in (m.company_id, d.browse())
            )

    @api.depends("company_id")
    def _compute_date_from(self):
        now = fields.Datetime.now()
        for meeting in self:
            last = self.env["calendar.event"]._governance_last_meeting(
                meeting.company_id, now
            )
            meeting.date_from = last.start if last else now - timedelta(days=14)

    @api.depends("company_id", "department_ids")
    def _compute_attendee_ids(self):
        for meeting in self:
            if not meeting._governance_company_allowed():
                meeting.attendee_ids = False
                continue
            meeting.attendee_ids = self._governance_attendees(
                meeting.company_id, meeting.department_ids
            )

    @api.model
    def _governance_attendees(self, company, departments):
        """The managers of ``departments`` and the officers of ``company``."""
        officers = self.env.ref("order_governance.group_governance_officer").users
        managers = departments.sudo().manager_id.user_id
        return (
            officers.filtered(lambda u: company in u.company_ids) | managers
        ).filtered("active")

    @api.depends("company_id", "attendee_ids", "duration")
    def _compute_start(self):
        for meeting in self:
            start, warning = meeting._governance_default_slot()
            meeting.start = start
            meeting.slot_warning = warning

    @api.depends("company_id", "department_ids", "date_from", "start")
    def _compute_agenda_html(self):
        for meeting in self:
            if not (
                meeting.department_ids
                and meeting._governance_company_allowed()
                and meeting._governance_times_problem() is None
            ):
                meeting.agenda_html = False
                continue
            end = min(fields.Datetime.now(), meeting.start or fields.Datetime.now())
            # _origin: the form's records are new ones, with ids no query knows
            meeting.agenda_html = self._governance_agenda_html(
                meeting.company_id._origin,
                meeting.department_ids._origin,
                meeting.date_from,
                end,
            )

    @api.constrains("duration", "start", "date_from")
    def _check_duration(self):
        for meeting in self:
            problem = meeting._governance_times_problem()
            if problem:
                raise ValidationError(problem)

    def _governance_times_problem(self):
        """What is wrong with the meeting's times (a sentence), or None."""
        self.ensure_one()
        if not (self.duration > 0):  # NaN too
            return _("A meeting lasts some time: give its duration.")
        if self.duration > MAX_MEETING_HOURS:
            return _(
                "A coordination meeting lasts %s hours at most.", MAX_MEETING_HOURS
            )
        for moment in (self.start, self.date_from):
            if moment and not (EARLIEST_MOMENT <= moment <= LATEST_MOMENT):
                return _(
                    "Choose dates between %(earliest)s and %(latest)s.",
                    earliest=EARLIEST_MOMENT.date(),
                    latest=LATEST_MOMENT.date(),
                )
        return None

    def _governance_company_allowed(self):
        """The wizard works on a company of the user's only (a client may send
        any company id in an onchange)."""
        self.ensure_one()
        # the user's, not the environment's: stored fields compute as superuser
        return self.env.user._governance_in_company(self.company_id._origin)

    @api.constrains("company_id")
    def _check_company_allowed(self):
        for meeting in self:
            if not meeting._governance_company_allowed():
                raise AccessError(
                    _("You do not belong to %s.", meeting.company_id.name)
                )

    @api.constrains("company_id", "department_ids")
    def _check_departments_company(self):
        for meeting in self:
            foreign = meeting.department_ids.filtered(
                lambda d, m=meeting: d.company_id not in (m.company_id, d.browse())
            )
            if foreign:
                raise ValidationError(
                    _(
                        "%(departments)s belong to another company than %(company)s.",
                        departments=", ".join(foreign.mapped("display_name")),
                        company=meeting.company_id.name,
                    )
                )

    # ------------------------------------------------------------------
    # The agenda (built as the current user: his record rules apply)
    # ------------------------------------------------------------------
    @api.model
    def _governance_agenda(self, company, departments, start, end):
        """The agenda of a coordination meeting for ``departments`` of
        ``company``, looking back on [start, end): per department the user may
        see, the orders overdue now, on hold, reworked in the period,
        unassigned, escalated in the period, the decisions of the period with
        how the orders stand now, and the stage that held the most order-hours.
        Read as the current user, so each attendee's agenda is his."""
        user = self.env.user
        self._governance_check_reader()
        if not user.has_group("order_governance.group_governance_officer"):
            departments = departments.filtered(
                lambda d: d in user.governance_managed_department_ids
            )
        departments = departments.sorted("complete_name")
        if not departments:
            return []
        scope = [("company_id", "=", company.id)]
        overdue = self._agenda_overdue(scope, departments)
        held = self._agenda_on_hold(scope, departments)
        rework = self._agenda_rework(scope, departments, start, end)
        unassigned = self._agenda_unassigned(scope, departments)
        escalations = self._agenda_escalations(scope, departments, start, end)
        decisions = self._agenda_decisions(scope, departments, start, end, overdue)
        Bottleneck = self.env["order.governance.bottleneck"]
        agenda = []
        for department in departments:
            rows = Bottleneck._governance_bottlenecks(start, end, company, department)
            agenda.append(
                {
                    "department": department,
                    "overdue": overdue.get(department, []),
                    "on_hold": held.get(department, []),
                    "rework": rework.get(department, []),
                    "unassigned": unassigned.get(department, []),
                    "escalations": escalations.get(department, []),
                    "decisions": decisions.get(department, []),
                    "bottleneck": rows[0] if rows and rows[0]["order_hours"] else None,
                }
            )
        return agenda

    @api.model
    def _governance_check_reader(self):
        if not self.env.user.has_group("order_governance.group_governance_manager"):
            raise AccessError(
                _("The coordination meeting's agenda is for managers and officers.")
            )

    def _agenda_overdue(self, scope, departments):
        rows = self.env["order.governance.backlog.report"].search(
            [
                *scope,
                ("department_id", "in", departments.ids),
                ("overdue_count", "=", 1),
            ],
            order="deadline",
        )
        Order = self.env["sale.order"]
        now = fields.Datetime.now()
        by_department = {}
        for row in rows:
            by_department.setdefault(row.department_id, []).append(
                {
                    "order": row.order_id,
                    "stage": row.stage_id.name,
                    "who": row.user_id.name or _("Unassigned"),
                    "late": Order._governance_span_text(
                        (now - row.deadline).total_seconds()
                    ),
                }
            )
        return by_department

    def _agenda_on_hold(self, scope, departments):
        orders = self.env["sale.order"].search(
            [
                *scope,
                ("governance_on_hold", "=", True),
                ("responsible_department_id", "in", departments.ids),
            ]
        )
        holds = self.env["order.governance.hold"].search(
            [("order_id", "in", orders.ids), ("date_end", "=", False)],
            order="date_start",
        )
        by_department = {}
        for hold in holds:
            by_department.setdefault(
                hold.order_id.responsible_department_id, []
            ).append(
                {
                    "order": hold.order_id,
                    "reason": hold.reason_id.name,
                    "since": hold.date_start,
                    "note": hold.note or "",
                }
            )
        return by_department

    def _agenda_rework(self, scope, departments, start, end):
        """Orders sent back in the period, under the department that has to do
        the work again, with the reason given."""
        rows = self.env["order.governance.transition.report"].search(
            [
                *scope,
                ("is_rework", "=", True),
                ("date", ">=", start),
                ("date", "<", end),
                ("to_department_id", "in", departments.ids),
            ],
            order="date",
        )
        # the handoff's id is its stay's: the reason is on the stay
        reasons = {
            stay.id: stay.reason or ""
            for stay in self.env["order.governance.stage.log"].browse(rows.ids)
        }
        by_department = {}
        for row in rows:
            by_department.setdefault(row.to_department_id, []).append(
                {
                    "order": row.order_id,
                    "from_stage": row.from_stage_id.name,
                    "to_stage": row.to_stage_id.name,
                    "date": row.date,
                    "reason": reasons.get(row.id, ""),
                }
            )
        return by_department

    def _agenda_unassigned(self, scope, departments):
        orders = self.env["sale.order"].search(
            [
                *scope,
                ("responsible_department_id", "in", departments.ids),
                ("responsible_user_id", "=", False),
                ("governance_stage_id.is_final", "=", False),
                ("governance_stage_id.is_cancel", "=", False),
            ],
            order="name",
        )
        by_department = {}
        for order in orders:
            by_department.setdefault(order.responsible_department_id, []).append(
                {"order": order, "stage": order.governance_stage_id.name}
            )
        return by_department

    def _agenda_escalations(self, scope, departments, start, end):
        """Stays escalated to the accountable manager in the period (the SLA
        watch's third level)."""
        stays = self.env["order.governance.stage.log"].search(
            [
                *scope,
                ("department_id", "in", departments.ids),
                ("escalation_level", ">=", 3),
                ("escalate_at", ">=", start),
                ("escalate_at", "<", end),
            ],
            order="escalate_at",
        )
        by_department = {}
        for stay in stays:
            by_department.setdefault(stay.department_id, []).append(
                {
                    "order": stay.order_id,
                    "stage": stay.stage_id.name,
                    "who": stay.user_id.name or _("Unassigned"),
                    "date": stay.escalate_at,
                    "open": not stay.date_out,
                }
            )
        return by_department

    def _agenda_decisions(self, scope, departments, start, end, overdue):
        """Decisions recorded in the period (at the last meeting) on orders the
        departments execute or own, and how each order stands now."""
        decisions = self.env["order.governance.decision"].search(
            [
                ("company_id", "=", scope[0][2]),
                ("date", ">=", start),
                ("date", "<", end),
                "|",
                ("order_id.responsible_department_id", "in", departments.ids),
                ("order_id.owner_department_id", "in", departments.ids),
            ],
            order="date, id",
        )
        late = {row["order"] for rows in overdue.values() for row in rows}
        by_department = {}
        for decision in decisions:
            order = decision.order_id
            department = (
                order.responsible_department_id
                if order.responsible_department_id in departments
                else order.owner_department_id
            )
            by_department.setdefault(department, []).append(
                {
                    "order": order,
                    "note": decision.note,
                    "meeting": decision.event_id,
                    "date": decision.date,
                    "status": self._decision_status(order, late),
                }
            )
        return by_department

    def _decision_status(self, order, late):
        if order.governance_stage_id.is_final:
            return _("Done")
        if order.governance_stage_id.is_cancel:
            return _("Cancelled")
        if order in late:
            return _("Still late")
        if order.governance_on_hold:
            return _("On hold")
        return _("On track")

    @api.model
    def _governance_agenda_html(self, company, departments, start, end):
        return self.env["ir.qweb"]._render(
            "order_governance.governance_agenda_body",
            {
                "agenda": self._governance_agenda(company, departments, start, end),
                "company": company,
                "date_from": start,
                "date_to": end,
                "format_datetime": self._format_datetime,
                "format_hours": self.env["sale.order"]._governance_hours_text,
                "bottleneck_text": self._agenda_bottleneck_text,
            },
        )

    @api.model
    def _agenda_bottleneck_text(self, row):
        """The agenda's bottleneck line, in the reader's language."""
        hours = self.env["sale.order"]._governance_hours_text
        return self.env._(
            "Bottleneck of the period: %(stage)s, %(hours)s order-hours (handed "
            "over: %(volume)s; average wait: %(wait)s).",
            stage=row["stage"].display_name,
            hours=hours(row["order_hours"]),
            volume=row["volume"],
            wait=hours(row["avg_wait"]),
        )

    def _format_datetime(self, value):
        return fields.Datetime.context_timestamp(self, value).strftime("%Y-%m-%d %H:%M")

    # ------------------------------------------------------------------
    # The default slot
    # ------------------------------------------------------------------
    def _governance_default_slot(self):
        """(start, warning): the first slot of the meeting's duration, from the
        next working day within the organiser's working hours, where every
        attendee is at work (working hours, time off) and has no busy event.
        None found in SLOT_SEARCH_DAYS working days: the first working slot
        and a warning. A bounded number of queries, whatever the attendees."""
        self.ensure_one()
        duration = timedelta(hours=self.duration if 0 < self.duration <= 24 else 1.0)
        company = self.company_id._origin or self.env.company
        users = self.attendee_ids._origin | self.env.user
        employees = (
            self.env["hr.employee"]
            .sudo()
            .search([("user_id", "in", users.ids), ("company_id", "=", company.id)])
        )
        organiser = employees.filtered(lambda e: e.user_id == self.env.user)[:1]
        calendar = organiser.resource_calendar_id or company.resource_calendar_id
        tz = pytz.timezone(self.env.user.tz or calendar.tz or "UTC")
        tomorrow = datetime.now(tz).date() + timedelta(days=1)
        window_start = tz.localize(datetime.combine(tomorrow, time.min))
        # a generous calendar window, cut to the first working days below
        window_end = window_start + timedelta(days=SLOT_SEARCH_DAYS * 3)
        if calendar:
            working = calendar._work_intervals_batch(
                window_start, window_end, resources=organiser.resource_id, tz=tz
            )[organiser.resource_id.id]
        else:
            working = Intervals(
                [(window_start, window_end, self.env["resource.resource"])]
            )
        working = self._governance_first_days(working, tz)
        if not working:
            fallback = fields.Datetime.now() + timedelta(days=1)
            return fallback.replace(minute=0, second=0, microsecond=0), _(
                "Your working calendar has no working time in the coming weeks: "
                "choose the meeting's time yourself."
            )
        window_start = min(start for start, _stop, _recs in working)
        window_end = max(stop for _start, stop, _recs in working)
        free = working
        for resource_calendar, staff in (
            (employees - organiser).grouped("resource_calendar_id").items()
        ):
            if not resource_calendar:
                continue  # no working hours: only his events say when he is busy
            hours = resource_calendar._work_intervals_batch(
                window_start, window_end, resources=staff.resource_id
            )
            for resource in staff.resource_id:
                free &= hours[resource.id]
        free -= self._governance_busy(users.partner_id, window_start, window_end)
        slot = self._governance_first_slot(free, duration)
        if slot:
            return slot, False
        first = self._governance_first_slot(working, duration) or window_start
        return first, _(
            "No slot of the meeting's length suits every attendee in the next "
            "%s working days: the first working slot is proposed; some attendees "
            "are busy or away then.",
            SLOT_SEARCH_DAYS,
        )

    @api.model
    def _governance_first_days(self, working, tz):
        """The working intervals of the first SLOT_SEARCH_DAYS working days, in UTC."""
        days = []
        kept = []
        for start, stop, records in working:
            day = start.astimezone(tz).date()
            if day not in days:
                if len(days) == SLOT_SEARCH_DAYS:
                    break
                days.append(day)
            kept.append(
                (start.astimezone(pytz.utc), stop.astimezone(pytz.utc), records)
            )
        return Intervals(kept)

    @api.model
    def _governance_busy(self, partners, start, end):
        """The times ``partners`` are busy in [start, end): one search of their
        accepted or pending events shown as busy."""
        attendances = (
            self.env["calendar.attendee"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", partners.ids),
                    ("state", "!=", "declined"),
                    ("event_id.show_as", "=", "busy"),
                    (
                        "event_id.start",
                        "<",
                        end.astimezone(pytz.utc).replace(tzinfo=None),
                    ),
                    (
                        "event_id.stop",
                        ">",
                        start.astimezone(pytz.utc).replace(tzinfo=None),
                    ),
                ]
            )
        )
        nobody = self.env["resource.resource"]
        return Intervals(
            [
                (
                    pytz.utc.localize(event.start),
                    pytz.utc.localize(event.stop),
                    nobody,
                )
                for event in attendances.event_id
                if event.stop > event.start
            ]
        )

    @api.model
    def _governance_first_slot(self, intervals, duration):
        """The first start on the half hour (naive UTC) that fits ``duration``
        in one of ``intervals``, or None."""
        step = SLOT_STEP_MINUTES * 60
        for start, stop, _records in intervals:
            seconds = int(start.timestamp())
            candidate = start + timedelta(seconds=-seconds % step)
            candidate = candidate.replace(microsecond=0)
            if candidate + duration <= stop:
                return candidate.astimezone(pytz.utc).replace(tzinfo=None)
        return None

    # ------------------------------------------------------------------
    # Scheduling
    # ------------------------------------------------------------------
    def action_schedule(self):
        """Create the calendar event with the attendees and the agenda's
        outline, e-mail each attendee his agenda, open the event."""
        self.ensure_one()
        if self.company_id not in self.env.user.company_ids:
            raise AccessError(_("You do not belong to %s.", self.company_id.name))
        if not self.department_ids:
            raise UserError(_("Pick the departments the meeting is about."))
        if self.date_from >= self.start:
            raise UserError(
                _("The period looked back on must start before the meeting.")
            )
        event = self.env["calendar.event"].create(self._event_values())
        event._governance_send_agendas(self.attendee_ids)
        return {
            "type": "ir.actions.act_window",
            "res_model": "calendar.event",
            "res_id": event.id,
            "view_mode": "form",
            "target": "current",
        }

    def _event_values(self):
        values = {
            "name": _("Order coordination meeting"),
            "start": self.start,
            "stop": self.start + timedelta(hours=self.duration),
            "duration": self.duration,
            "user_id": self.env.user.id,
            "partner_ids": [(6, 0, (self.attendee_ids | self.env.user).partner_id.ids)],
            "governance_company_id": self.company_id.id,
            "governance_department_ids": [(6, 0, self.department_ids.ids)],
            "governance_period_start": self.date_from,
            "description": self._outline_html(),
        }
        if self.recurrency:
            values.update(self._recurrence_values())
        return values

    def _recurrence_values(self):
        """Calendar's recurrence on the meeting's weekday (weekly) or day of
        the month (monthly), where the organiser lives, with no end."""
        local = fields.Datetime.context_timestamp(self, self.start)
        weekday = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[local.weekday()]
        return {
            "recurrency": True,
            "rrule_type": self.rrule_type or "weekly",
            "interval": 1,
            "end_type": "forever",
            weekday: True,
            "month_by": "date",
            "day": local.day,
        }

    def _outline_html(self):
        """What every attendee may read in the event: per department, how many
        items each topic has (no order, customer or person: those are in each
        attendee's own agenda)."""
        end = min(fields.Datetime.now(), self.start)
        agenda = self._governance_agenda(
            self.company_id, self.department_ids, self.date_from, end
        )
        return self.env["ir.qweb"]._render(
            "order_governance.governance_agenda_outline",
            {
                "agenda": agenda,
                "date_from": self._format_datetime(self.date_from),
            },
        )
