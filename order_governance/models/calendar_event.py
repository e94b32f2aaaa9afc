from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

AGENDA_REPORT = "order_governance.action_report_governance_agenda"
GOVERNANCE_FIELDS = {
    "governance_company_id",
    "governance_department_ids",
    "governance_period_start",
}


class CalendarEvent(models.Model):
    """A coordination meeting of the order management department is a calendar
    event that knows its company, departments and the period it looks back on;
    its agenda is built when printed, as the reader."""

    _inherit = "calendar.event"

    governance_company_id = fields.Many2one(
        comodel_name="res.company",
        string="Coordination Meeting Of",
        readonly=True,
        index="btree_not_null",
        help="Set on the order coordination meetings: the company whose orders "
        "the agenda covers.",
    )
    governance_department_ids = fields.Many2many(
        comodel_name="hr.department",
        relation="calendar_event_governance_department_rel",
        string="Departments on the Agenda",
        readonly=True,
    )
    governance_period_start = fields.Datetime(
        string="Agenda Since",
        copy=False,
        readonly=True,
        help="Start of the period the agenda looks back on. Empty on the "
        "occurrences of a recurrent meeting: they look back on the meeting "
        "before them.",
    )
    governance_decision_ids = fields.One2many(
        comodel_name="order.governance.decision",
        inverse_name="event_id",
        string="Decisions",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if GOVERNANCE_FIELDS & vals.keys() and not self._governance_may_organise():
                self._governance_check_occurrence(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._governance_check_meeting_access()
        guarded = sorted(GOVERNANCE_FIELDS & vals.keys())
        if not guarded or self._governance_may_organise():
            return super().write(vals)
        # an attendee who moves a recurrent meeting makes Calendar write these
        # fields again, unchanged: only a change is refused
        before = {event: [event[name] for name in guarded] for event in self}
        result = super().write(vals)
        if any(
            [event[name] for name in guarded] != old for event, old in before.items()
        ):
            raise AccessError(self._governance_organise_error())
        return result

    def unlink(self):
        self._governance_check_meeting_access()
        events = self
        if self.env.context.get("archive_on_error"):
            # Calendar drops the occurrences a recurrence no longer has this way
            # (archived where they cannot be deleted, as its Google sync does):
            # a meeting with decisions is archived, its decisions stay
            decided = self._governance_decided()
            if decided:
                decided.write({"active": False})
                events -= decided
        return super(CalendarEvent, events).unlink()

    @api.ondelete(at_uninstall=False)
    def _unlink_except_decisions(self):
        """Decisions outlive their meeting (``ondelete='restrict'``): said here
        before the database says it."""
        decided = self._governance_decided()
        if decided:
            raise UserError(
                _(
                    "The coordination meeting %s has recorded decisions: it cannot "
                    "be deleted, its decisions stay with it. Archive it instead.",
                    ", ".join(decided.sudo().mapped("display_name")),
                )
            )

    def _governance_decided(self):
        """The events of ``self`` with decisions (whoever may read them)."""
        return self & self.sudo().filtered("governance_decision_ids")

    def _governance_check_meeting_access(self):
        """A coordination meeting is changed or deleted by its organizer, its
        attendees and officers only (Calendar lets any employee change or delete
        any public event)."""
        if self._governance_may_organise():
            return
        user = self.env.user
        others = self.sudo().filtered(
            lambda event: event.governance_company_id
            and event.user_id != user
            and user.partner_id not in event.partner_ids
        )
        if others:
            raise AccessError(
                _(
                    "Only its organizer, its attendees and order management officers "
                    "change or delete the coordination meeting %s.",
                    ", ".join(others.mapped("display_name")),
                )
            )

    def _governance_may_organise(self):
        return self.env.su or self.env.user.has_group(
            "order_governance.group_governance_officer"
        )

    def _governance_check_occurrence(self, vals):
        """Calendar creates the occurrences of a recurrent meeting as whoever
        changed it: the same company as the series' meeting is theirs."""
        recurrence = self.env["calendar.recurrence"].browse(vals.get("recurrence_id"))
        company = recurrence.base_event_id.governance_company_id
        if not company or vals.get("governance_company_id") != company.id:
            raise AccessError(self._governance_organise_error())

    def _governance_organise_error(self):
        return _(
            "Only order management officers make an event a coordination meeting "
            "or change what it covers."
        )

    @api.model
    def _governance_last_meeting(self, company, before):
        """The company's latest coordination meeting that started before
        ``before`` (its date is no secret: sudo, whoever organised it)."""
        return (
            self.sudo()
            .search(
                [("governance_company_id", "=", company.id), ("start", "<", before)],
                order="start desc",
                limit=1,
            )
            .sudo(False)
        )

    def _governance_period(self):
        """(start, end) the agenda looks back on: from the period chosen when
        scheduling (or the meeting before this one) to the meeting, or to now
        while it is still to come."""
        self.ensure_one()
        start = self.governance_period_start
        if not start:
            last = self._governance_last_meeting(self.governance_company_id, self.start)
            start = last.start if last else self.start - timedelta(days=14)
        return start, min(fields.Datetime.now(), self.start)

    def _governance_agenda(self):
        self.ensure_one()
        return self.env["order.governance.meeting"]._governance_agenda(
            self.governance_company_id,
            self.governance_department_ids,
            *self._governance_period(),
        )

    def action_governance_print_agenda(self):
        """The agenda as a PDF, built for whoever prints it."""
        self.ensure_one()
        if not self.governance_company_id:
            raise UserError(_("This event is no order coordination meeting."))
        return self.env.ref(AGENDA_REPORT).report_action(self)

    def action_governance_record_decision(self):
        """The dialog recording a decision of this meeting on one order of its
        agenda."""
        self.ensure_one()
        if not self.governance_company_id:
            raise UserError(_("This event is no order coordination meeting."))
        return {
            "type": "ir.actions.act_window",
            "name": _("Record a Decision"),
            "res_model": "order.governance.decision",
            "view_mode": "form",
            "views": [
                (
                    self.env.ref(
                        "order_governance.order_governance_decision_view_form"
                    ).id,
                    "form",
                )
            ],
            "target": "new",
            "context": {"default_event_id": self.id},
        }

    def _governance_send_agendas(self, users):
        """E-mail each of ``users`` the agenda built as him (his record rules,
        language and time zone): a manager reads his departments only. Users
        who may not read the reports get none; the event says who."""
        self.ensure_one()
        sent, skipped = self.env["res.users"], self.env["res.users"]
        for user in users:
            event = self.with_user(user).with_context(lang=user.lang, tz=user.tz)
            try:
                name, content = event._governance_agenda_file()
            except AccessError:
                skipped |= user
                continue
            attachment = (
                self.env["ir.attachment"].sudo().create({"name": name, "raw": content})
            )
            self.env["mail.mail"].sudo().create(
                {
                    # in the attendee's language, as his agenda
                    "subject": event.env._(
                        "Agenda: %(meeting)s, %(date)s",
                        meeting=self.name,
                        date=event._governance_local_start(),
                    ),
                    "body_html": event.env._(
                        "<p>Your agenda of the coordination meeting is attached. "
                        "It shows what your access rights show; print it again "
                        "from the meeting for the latest facts.</p>"
                    ),
                    "recipient_ids": [(6, 0, user.partner_id.ids)],
                    "attachment_ids": [(4, attachment.id)],
                    "email_from": self.env.user.email_formatted
                    or self.env.company.email_formatted,
                }
            )
            sent |= user
        lines = []
        if sent:
            lines.append(
                _(
                    "Agenda e-mailed to %s.",
                    ", ".join(sent.sorted("name").mapped("name")),
                )
            )
        if skipped:
            lines.append(
                _(
                    "No agenda for %s: the agenda needs the Order Governance "
                    "manager or officer rights.",
                    ", ".join(skipped.sorted("name").mapped("name")),
                )
            )
        if lines:
            self._message_log(body=Markup("<br/>").join(lines))
        return sent

    def _governance_agenda_file(self):
        """(file name, bytes) of the agenda as the current user: a PDF, or the
        HTML page when the server cannot make PDFs (no wkhtmltopdf)."""
        self.ensure_one()
        self.env["order.governance.meeting"]._governance_check_reader()
        Report = self.env["ir.actions.report"]
        title = _("Agenda %s", self._governance_local_start())
        try:
            content, kind = Report._render_qweb_pdf(AGENDA_REPORT, self.ids)
        except UserError:
            content, kind = Report._render_qweb_html(AGENDA_REPORT, self.ids)
        return f"{title}.{kind}", content

    def _governance_local_start(self):
        return fields.Datetime.context_timestamp(self, self.start).strftime(
            "%Y-%m-%d %H:%M"
        )
