from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError


class OrderGovernanceDecision(models.Model):
    """A decision a coordination meeting took on an order. Recording it posts
    a note on the order ("Decision: …", with the meeting linked); the next
    agenda lists it with how the order stands now. Decisions are appended, never
    edited nor deleted, and outlive their meeting."""

    _name = "order.governance.decision"
    _description = "Coordination Meeting Decision"
    _order = "date desc, id desc"
    _rec_name = "order_id"

    event_id = fields.Many2one(
        comodel_name="calendar.event",
        string="Meeting",
        required=True,
        ondelete="restrict",
        index=True,
    )
    order_id = fields.Many2one(
        comodel_name="sale.order", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True)
    note = fields.Text(string="Decision", required=True)
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Recorded By",
        default=lambda self: self.env.user,
        readonly=True,
    )
    date = fields.Datetime(
        string="Recorded On", default=fields.Datetime.now, readonly=True
    )
    agenda_order_ids = fields.Many2many(
        comodel_name="sale.order",
        string="Orders on the Agenda",
        compute="_compute_agenda_order_ids",
        help="The orders the meeting's agenda raises, as you see it: the ones a "
        "decision is recorded on.",
    )

    @api.depends("event_id")
    def _compute_agenda_order_ids(self):
        for decision in self:
            orders = self.env["sale.order"]
            event = decision.event_id._origin
            if event.governance_company_id:
                try:
                    agenda = event._governance_agenda()
                except AccessError:
                    agenda = []
                for section in agenda:
                    for rows in section.values():
                        if isinstance(rows, list):
                            orders |= self.env["sale.order"].union(
                                *(row["order"] for row in rows)
                            )
            decision.agenda_order_ids = orders

    @api.constrains("note")
    def _check_note(self):
        if any(not (decision.note or "").strip() for decision in self):
            raise ValidationError(_("A decision says what was decided."))

    @api.constrains("event_id", "order_id")
    def _check_meeting_and_order(self):
        for decision in self:
            company = decision.event_id.governance_company_id
            if not company:
                raise ValidationError(
                    _(
                        "%(event)s is no order coordination meeting.",
                        event=decision.event_id.display_name,
                    )
                )
            if decision.order_id.company_id != company:
                raise ValidationError(
                    _(
                        "%(order)s belongs to %(order_company)s, the meeting to "
                        "%(company)s.",
                        order=decision.order_id.name,
                        order_company=decision.order_id.company_id.name,
                        company=company.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [
            {
                key: value
                for key, value in vals.items()
                if key not in ("user_id", "date")  # who and when are not chosen
            }
            for vals in vals_list
        ]
        decisions = super().create(vals_list)
        # the order must be one the user may read: a decision is a note on it
        decisions.order_id.check_access("read")
        # a note in the orders' chatter, no notification: the meeting's people
        # were there; logged, so that an organiser without e-mail may record it
        for decision in decisions:
            decision.order_id._message_log_batch(
                {
                    decision.order_id.id: Markup("<p>%s</p><p>%s</p>")
                    % (
                        _("Decision: %s", decision.note),
                        Markup(_("Coordination meeting: %s"))
                        % decision.event_id._get_html_link(),
                    )
                },
                message_type="comment",
            )
        return decisions

    def write(self, vals):
        self._check_append_only()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_append_only(self):
        self._check_append_only()

    def _check_append_only(self):
        # nothing writes a decision after its creation, the engine included
        if self and not self.env.su:
            raise AccessError(
                _(
                    "A decision of a coordination meeting is never edited nor "
                    "deleted: record a new one."
                )
            )
