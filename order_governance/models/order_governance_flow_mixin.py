import operator
from collections import defaultdict
from functools import reduce

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, RedirectWarning, UserError, ValidationError
from odoo.tools import SQL

from . import working_hours
from .order_governance_customer_mixin import CUSTOMER_FIELDS
from .order_governance_promise_mixin import PROMISE_FIELDS
from .order_governance_stage_log import refresh_lead_times

SLA_STATUSES = [
    ("none", "No SLA"),
    ("on_track", "On Track"),
    ("at_risk", "At Risk"),
    ("breached", "Breached"),
]
# The desk's order of work: late first, then at risk, then by deadline (on track
# and no SLA), held orders after them, orders whose flow ended or never began last.
# A selection whose keys sort as the desk does (the column holds the key).
URGENCIES = [
    ("0", "Overdue"),
    ("1", "At Risk"),
    ("2", "In Time"),
    ("3", "On Hold"),
    ("4", "Not Open"),
]
URGENCY_BREACHED, URGENCY_AT_RISK, URGENCY_OPEN, URGENCY_HELD, URGENCY_NONE = (
    key for key, _label in URGENCIES
)
URGENCY_OF_STATUS = {"breached": URGENCY_BREACHED, "at_risk": URGENCY_AT_RISK}
DESK_ORDER = "governance_urgency, stage_deadline, date_order desc, id desc"
# What an open desk or form shows and a handoff changes: the engine's writes of
# these fields are announced on the bus (``_governance_announce``).
LIVE_FIELDS = frozenset(
    {
        "governance_stage_id",
        "responsible_department_id",
        "responsible_user_id",
        "governance_on_hold",
        "stage_deadline",
        "sla_status",
        "governance_promise_status",
    }
)
LIVE_CHANNEL = "order_governance"
LIVE_NOTIFICATION = "order_governance/records_changed"
# Odoo's kanban colour indexes: red, orange, green.
SLA_COLORS = {"breached": 1, "at_risk": 2, "on_track": 10}
# The order's lead time figures, written from its stays by the moves.
LEAD_TIME_FIELDS = [
    "governance_first_entry",
    "governance_completed_at",
    "governance_lead_time_hours",
    "governance_lead_time_elapsed_hours",
    "governance_handoff_count",
    "governance_breach_count",
]
# Written by the engine only; ``governance_stage_id`` is also writable by users,
# through the same checks as the buttons.
GOVERNED_FIELDS = frozenset(
    {
        *LEAD_TIME_FIELDS,
        *PROMISE_FIELDS,
        *CUSTOMER_FIELDS,
        "responsible_department_id",
        "responsible_user_id",
        "stage_entered_at",
        "stage_deadline",
        "governance_urgency",
        "sla_status",
        "rework_count",
        "governance_on_hold",
        "stage_log_ids",
        "governance_hold_ids",
        "governance_check_line_ids",
    }
)
# The engine's own writes carry this object in their context. A client's context
# is JSON: it can never hold it, so no context sent over RPC opens the guard.
_ENGINE = object()
# Context keys of the client that the engine does not follow: they would hide the
# handoff from the chatter or bring archived employees, rules and stages in.
# ``default_*`` keys are dropped too: they would fill the records it creates.
ENGINE_IGNORED_CONTEXT = frozenset(
    {"tracking_disable", "mail_notrack", "mail_create_nolog", "active_test"}
)


class OrderGovernanceFlowMixin(models.AbstractModel):
    """The handoff engine: governed fields, the one path that writes them, access
    predicates, holds and reassignment. ``sale.order`` inherits it."""

    _name = "order.governance.flow.mixin"
    _description = "Order Governance Flow"

    governance_stage_id = fields.Many2one(
        comodel_name="order.governance.stage",
        index=True,
        copy=False,
        tracking=True,
        ondelete="restrict",
        group_expand="_read_group_governance_stage_ids",
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
    )
    responsible_department_id = fields.Many2one(
        comodel_name="hr.department",
        index=True,
        copy=False,
        readonly=True,
        tracking=True,
        help="The department executing the order's current stage.",
    )
    responsible_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Responsible",
        index=True,
        copy=False,
        readonly=True,
        tracking=True,
        help="The person executing the order's current stage.",
    )
    stage_entered_at = fields.Datetime(
        string="In Stage Since", copy=False, readonly=True
    )
    stage_deadline = fields.Datetime(copy=False, readonly=True)
    sla_status = fields.Selection(
        selection=SLA_STATUSES,
        string="SLA Status",
        default="none",
        required=True,
        copy=False,
        readonly=True,
    )
    stage_log_ids = fields.One2many(
        comodel_name="order.governance.stage.log",
        inverse_name="order_id",
        string="Stage History",
        readonly=True,
    )
    rework_count = fields.Integer(
        compute="_compute_rework_count",
        store=True,
        help="How many times the order was sent back to an earlier stage.",
    )
    # The order's lead time, kept by the moves (``_governance_refresh_lead_time``)
    # so that the lead time report reads one row per order, not its history.
    governance_first_entry = fields.Datetime(
        string="First Entered", copy=False, readonly=True
    )
    governance_completed_at = fields.Datetime(
        string="Completed",
        copy=False,
        readonly=True,
        help="When the order entered the final stage it is in; empty while it is "
        "not done.",
    )
    governance_lead_time_hours = fields.Float(
        string="Lead Time (working hours)",
        copy=False,
        readonly=True,
        help="Working hours of the stays before completion, holds excluded; empty "
        "until the order is done.",
    )
    governance_lead_time_elapsed_hours = fields.Float(
        string="Lead Time (calendar hours)", copy=False, readonly=True
    )
    governance_handoff_count = fields.Integer(
        string="Handoffs", copy=False, readonly=True
    )
    governance_breach_count = fields.Integer(
        string="SLA Breaches", copy=False, readonly=True
    )
    governance_check_line_ids = fields.One2many(
        comodel_name="order.governance.check.line",
        compute="_compute_governance_check_line_ids",
        string="Exit Criteria",
    )
    governance_hold_ids = fields.One2many(
        comodel_name="order.governance.hold",
        inverse_name="order_id",
        string="Holds",
        readonly=True,
    )
    governance_on_hold = fields.Boolean(
        string="On Hold", copy=False, readonly=True, index=True, tracking=True
    )
    governance_urgency = fields.Selection(
        selection=URGENCIES,
        string="Urgency",
        compute="_compute_governance_urgency",
        store=True,
        index=True,
        help="The desk's order of work: overdue orders first, then those at risk, "
        "then the others by deadline; orders on hold after them. Not Open: done, "
        "cancelled or not in the flow.",
    )
    governance_norms = fields.Html(
        related="governance_stage_id.norms", string="Operating Norms"
    )
    governance_stage_is_final = fields.Boolean(related="governance_stage_id.is_final")
    governance_stage_is_cancel = fields.Boolean(related="governance_stage_id.is_cancel")
    governance_can_move = fields.Boolean(compute="_compute_governance_rights")
    governance_can_reassign = fields.Boolean(compute="_compute_governance_rights")
    governance_can_hold = fields.Boolean(compute="_compute_governance_rights")
    governance_can_manage = fields.Boolean(compute="_compute_governance_rights")
    governance_due_label = fields.Char(
        string="Due",
        compute="_compute_governance_due_label",
        help="The stage deadline as people say it: due in 3:00, 2 days overdue.",
    )
    governance_sla_color = fields.Integer(
        string="SLA Colour",
        compute="_compute_governance_sla_color",
        help="The kanban colour of the SLA status: green, orange, red.",
    )
    governance_next_stage_name = fields.Char(
        string="Next Stage Name",
        compute="_compute_governance_next_stage_name",
        help="Where Next Stage takes the order.",
    )
    governance_next_label = fields.Char(
        string="Next Stage Button",
        compute="_compute_governance_next_stage_name",
        help="The Next Stage button's label: one sentence, punctuated as its "
        "language does (Next: Shipping; 下一步：发货).",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("stage_log_ids.check_line_ids", "stage_log_ids.date_out")
    def _compute_governance_check_line_ids(self):
        open_stays = self._governance_open_stays().grouped("order_id")
        for order in self:
            stay = open_stays.get(order._origin, self.env["order.governance.stage.log"])
            order.governance_check_line_ids = stay.check_line_ids

    @api.depends("stage_log_ids.is_rework")
    def _compute_rework_count(self):
        counts = dict(
            self.env["order.governance.stage.log"]
            .sudo()
            ._read_group(
                [("order_id", "in", self.ids), ("is_rework", "=", True)],
                ["order_id"],
                ["__count"],
            )
        )
        for order in self:
            order.rework_count = counts.get(order._origin, 0)

    @api.depends_context("uid")
    @api.depends("responsible_user_id", "responsible_department_id")
    def _compute_governance_rights(self):
        user = self.env.user
        officer = user._is_governance_officer()
        managed = user.governance_managed_department_ids
        manager = officer or user.has_group("order_governance.group_governance_manager")
        movable = self._governance_movable_by(user)
        for order in self:
            order.governance_can_move = order in movable
            order.governance_can_reassign = bool(order.governance_stage_id) and (
                officer or order.responsible_department_id in managed
            )
            order.governance_can_manage = manager
            # who may press Next may also say why he cannot go on
            order.governance_can_hold = (
                bool(order.governance_stage_id) and order in movable
            )

    @api.depends_context("lang", "tz")
    @api.depends("stage_deadline", "governance_on_hold")
    def _compute_governance_due_label(self):
        now = fields.Datetime.now()
        for order in self:
            order.governance_due_label = order._governance_due_text(now)

    def _governance_due_text(self, now):
        """``due in 3:00``, ``2 days overdue``, or nothing without a deadline.
        Days are counted between dates in the reader's time zone, as Odoo's
        activities count their days overdue, so that both say the same."""
        self.ensure_one()
        if not self.stage_deadline:
            return False
        if self.governance_on_hold:
            return self.env._("paused: on hold")
        seconds = (self.stage_deadline - now).total_seconds()
        span = self._governance_span_text(abs(seconds), self.stage_deadline, now)
        if seconds < 0:
            return self.env._("%s overdue", span)
        return self.env._("due in %s", span)

    @api.model
    def _governance_span_text(self, seconds, start=None, end=None):
        """A duration as people read it: ``h:mm`` under a day, else ``N days``,
        in the env's language. With ``start`` and ``end`` (UTC datetimes), the
        days are those between their dates in the env's time zone."""
        if seconds < 86400:
            return self._governance_hours_text(seconds / 3600)
        days = int(seconds // 86400)
        if start and end:
            first, last = sorted(
                fields.Datetime.context_timestamp(self, moment).date()
                for moment in (start, end)
            )
            days = max((last - first).days, 1)
        return self.env._("1 day") if days == 1 else self.env._("%s days", days)

    @api.depends(
        "sla_status",
        "governance_on_hold",
        "governance_stage_id.is_final",
        "governance_stage_id.is_cancel",
    )
    def _compute_governance_urgency(self):
        for order in self:
            stage = order.governance_stage_id
            if not stage or stage.is_final or stage.is_cancel:
                order.governance_urgency = URGENCY_NONE
            elif order.governance_on_hold:
                order.governance_urgency = URGENCY_HELD
            else:
                order.governance_urgency = URGENCY_OF_STATUS.get(
                    order.sla_status, URGENCY_OPEN
                )

    @api.model
    def _governance_hours_text(self, hours):
        """Hours as ``h:mm`` (``0:45``, ``27:30``): every duration shown to a
        person, working or calendar hours, is written this way."""
        hours_part, minutes = divmod(round(abs(hours or 0.0) * 60), 60)
        return "%d:%02d" % (hours_part, minutes)

    @api.depends("sla_status")
    def _compute_governance_sla_color(self):
        for order in self:
            order.governance_sla_color = SLA_COLORS.get(order.sla_status, 0)

    @api.depends_context("lang")
    @api.depends("governance_stage_id", "company_id")
    def _compute_governance_next_stage_name(self):
        with_stage = self.filtered("governance_stage_id")
        next_of = with_stage._governance_next_stage_map()
        for order in self:
            stage = next_of.get(order.id)
            order.governance_next_stage_name = stage.name if stage else False
            order.governance_next_label = (
                self.env._("Next: %s", stage.name) if stage else False
            )

    @api.model
    def _read_group_governance_stage_ids(self, stages, domain):
        """Officers see every column; other people the columns of their work
        (stages their departments execute) and those holding the orders they see,
        so that their own columns are on screen rather than after eight others."""
        if self.env.user._is_governance_officer():
            return stages.search([])
        mine = self.env.user._governance_my_departments()
        rules = (
            self.env["order.governance.rule"]
            .sudo()
            .search([("responsible_department_id", "in", mine.ids)])
        )
        domain = [("id", "in", stages.ids)]
        if mine:
            domain = [
                "|",
                "|",
                ("responsible_department_id", "in", mine.ids),
                ("id", "in", rules.stage_ids.ids),
                *domain,
            ]
            if rules.filtered(lambda rule: not rule.stage_ids):
                domain = []  # a rule for every stage: every column is his
        return stages.search(domain)

    # ------------------------------------------------------------------
    # CRUD: the write guard
    # ------------------------------------------------------------------
    @api.model
    def default_get(self, fields_list):
        """Governed fields take no default from the context or saved defaults
        (``ir.default``): only their own (e.g. no SLA)."""
        defaults = super().default_get(fields_list)
        if self.env.su:
            return defaults
        for fname in GOVERNED_FIELDS | {"governance_stage_id"}:
            if fname in defaults:
                field = self._fields[fname]
                if field.default and fname != "governance_stage_id":
                    defaults[fname] = field.default(self)
                else:
                    del defaults[fname]
        return defaults

    @api.model_create_multi
    def create(self, vals_list):
        if not self._governance_is_engine():
            for vals in vals_list:
                self._governance_check_governed_write(vals, creating=True)
        return super().create(vals_list)

    @api.model
    def _governance_pop_requested_stages(self, vals_list):
        """Take the stage out of each ``vals`` (or the kanban column's default, as
        a quick create sends it): a stage enters through the engine only, never as
        a value. Returns the requested stage ids, one per ``vals``."""
        column = self.env.context.get("default_governance_stage_id")
        return [vals.pop("governance_stage_id", False) or column for vals in vals_list]

    def _governance_enter_created(self, requested):
        """New records enter the flow: the stage requested by an officer (e.g. a
        kanban column's quick create), else the first stage. Called by the
        concrete model once its whole ``create`` chain has run (mail's included:
        the creator follows the record before the first activity is given)."""
        if self.env.su or self.env.user._is_governance_officer():
            for record, stage_id in zip(self, requested, strict=True):
                if stage_id:
                    stage = self._governance_browse_arg(
                        "order.governance.stage", stage_id, _("stage")
                    )
                    record._governance_transition(stage, system=True)
        self.filtered(lambda r: not r.governance_stage_id)._governance_enter(
            created=True
        )

    def write(self, vals):
        if self._governance_is_engine():
            if LIVE_FIELDS & set(vals):
                self._governance_announce()
            return super().write(vals)
        self._governance_check_governed_write(vals)
        if "governance_stage_id" not in vals:
            return super().write(vals)
        # Kanban drag and drop, imports, RPC: the same path and checks as the buttons.
        vals = dict(vals)
        stage = self._governance_browse_arg(
            "order.governance.stage", vals.pop("governance_stage_id"), _("stage")
        )
        res = super().write(vals) if vals else True
        if not stage:
            raise UserError(_("An order in the flow cannot leave it: choose a stage."))
        self._governance_transition(stage)
        return res

    def _governance_announce(self):
        """Tell the open desks and forms that these records changed: one bus
        notification per company for the whole transaction, carrying ids only
        (each client reloads what its user may read), sent once committed."""
        data = self.env.cr.precommit.data
        changed = data.setdefault(f"{LIVE_CHANNEL}.{self._name}", defaultdict(set))
        if not changed:
            self.env.cr.precommit.add(self._governance_send_announcements)
        for record in self.sudo():
            changed[record.company_id.id].add(record.id)

    def _governance_send_announcements(self):
        changed = self.env.cr.precommit.data.pop(f"{LIVE_CHANNEL}.{self._name}", {})
        companies = self.env["res.company"].sudo().browse(filter(None, changed))
        for company in companies.exists():
            self.env["bus.bus"]._sendone(
                (company, LIVE_CHANNEL),
                LIVE_NOTIFICATION,
                {"model": self._name, "ids": sorted(changed[company.id])},
            )

    def _governance_is_engine(self):
        return self.env.context.get("governance_engine") is _ENGINE

    def _governance_engine(self):
        """These records as the engine writes them: past the guard and the rules
        (each caller has made its own access checks first)."""
        return (
            self._governance_sanitized().sudo().with_context(governance_engine=_ENGINE)
        )

    def _governance_sanitized(self):
        """These records in the client's context less what the engine does not
        follow (``default_*`` values, tracking switches, archived records)."""
        context = {
            key: value
            for key, value in self.env.context.items()
            if not key.startswith("default_") and key not in ENGINE_IGNORED_CONTEXT
        }
        # replaced, not updated: the dropped keys must go
        return self.with_env(self.env(context=context))

    @api.model
    def _governance_check_governed_write(self, vals, creating=False):
        """Refuse governed fields to everyone but the superuser."""
        if self.env.su:
            return
        governed = GOVERNED_FIELDS & set(vals)
        if creating:  # the web client may send the defaults of a new record
            governed = {f for f in governed if vals[f] not in (False, None, "none", [])}
        if governed:
            names = ", ".join(sorted(self._fields[fname].string for fname in governed))
            raise AccessError(
                _(
                    "%s: these fields are set by the order's handoffs only (Next "
                    "Stage, Send Back, Reassign, Put on Hold).",
                    names,
                )
            )

    # ------------------------------------------------------------------
    # Public API (RPC endpoints: every argument is checked)
    # ------------------------------------------------------------------
    def action_governance_next(self):
        """Move every order to the next stage by sequence."""
        groups = defaultdict(list)
        for order_id, path in self._governance_next_stages().items():
            groups[tuple(path)].append(order_id)
        for path, ids in groups.items():
            self.browse(ids)._governance_transition(path[-1], passed_over=path[:-1])
        return self._governance_action_after_handoff()

    def _governance_action_after_handoff(self, in_dialog=False):
        """Override to return the client action that follows a handoff (from a
        wizard's dialog when ``in_dialog``)."""
        return {"type": "ir.actions.act_window_close"} if in_dialog else True

    def governance_move(self, stage, reason=None, force=False):
        """Move every order of ``self`` to ``stage`` (a record or an id): the next
        stage, or an earlier one with a ``reason`` (rework). Any other jump is an
        officer's ``force``d move with a reason, which also passes unmet checks."""
        stage = self._governance_browse_arg("order.governance.stage", stage, _("stage"))
        if not stage:
            raise UserError(_("Choose the stage to move the orders to."))
        reason = self._governance_text_arg(reason, _("reason"))
        if not isinstance(force, bool):
            raise UserError(_("'force' must be true or false."))
        self._governance_transition(stage, reason=reason, forced=force)
        return True

    def governance_hold(self, reason, note=None):
        """Put the orders on hold (``reason``: a hold reason record or id): the SLA
        clock stops until they are resumed."""
        reason = self._governance_browse_arg(
            "order.governance.hold.reason", reason, _("hold reason")
        )
        if not reason:
            raise UserError(_("Choose why the orders are put on hold."))
        if not reason.sudo().active:
            raise UserError(
                _("%s is no longer a reason to put orders on hold.", reason.name)
            )
        note = self._governance_text_arg(note, _("note"))
        return self._governance_sanitized()._governance_hold(reason, note)

    def _governance_hold(self, reason, note):
        self._governance_check_hold_access()
        self._governance_check_still_in_stage()
        held = self.filtered("governance_on_hold")
        if held:
            raise UserError(
                _("%s is already on hold.", ", ".join(held.mapped("display_name")))
            )
        self._governance_refuse_ended(
            _(
                "%(orders)s is in %(stage)s: its flow has ended, there is no work "
                "to hold."
            )
        )
        stays = self._governance_open_stays()
        if len(stays) != len(self):
            raise UserError(_("Only orders in a governed stage can be put on hold."))
        now = fields.Datetime.now()
        self.env["order.governance.hold"].sudo().create(
            [
                {
                    "order_id": stay.order_id.id,
                    "log_id": stay.id,
                    "reason_id": reason.id,
                    "note": note,
                    "user_id": self.env.uid,
                    "date_start": now,
                }
                for stay in stays
            ]
        )
        body = Markup("<p>%s</p>") % _("Put on hold: %s", reason.name)
        if note:
            body += Markup("<p>%s</p>") % note
        self._track_set_log_message(body)
        self._governance_engine().write({"governance_on_hold": True})
        return True

    def _governance_refuse_held(self):
        """A held order is resumed before it moves: the resume records the hold's
        time and reason, which a move would silently cut short. The dialog offers
        the Resume button."""
        held = self.filtered("governance_on_hold")
        if not held:
            return
        holds = held.governance_hold_ids.filtered(lambda hold: not hold.date_end)
        raise RedirectWarning(
            self.env._(
                "%(orders)s is on hold (%(reasons)s). Resume it first: its time on "
                "hold is then recorded, and the order can move on.",
                orders=", ".join(held.mapped("display_name")),
                reasons=", ".join(sorted(set(holds.reason_id.mapped("name")))),
            ),
            self.env.ref("order_governance.sale_order_action_governance_resume").id,
            self.env._("Resume"),
            {
                "active_model": held._name,
                "active_ids": held.ids,
                "active_id": held.ids[0],
            },
        )

    def _governance_refuse_ended(self, message):
        """Refuse, with ``message`` (translated, with ``%(orders)s`` and
        ``%(stage)s``), orders whose flow has ended: a final or cancel stage."""
        ended = self.filtered(
            lambda o: o.governance_stage_id.is_final or o.governance_stage_id.is_cancel
        )
        if ended:
            raise UserError(
                message
                % {
                    "orders": ", ".join(ended.mapped("display_name")),
                    "stage": ended[0].governance_stage_id.name,
                }
            )

    def governance_resume(self):
        """End the hold: the deadline moves by the paused working hours."""
        self._governance_check_hold_access()
        held = self.filtered("governance_on_hold")
        held._governance_resume()
        return held._governance_catch_up()  # what came in while it was held

    def governance_reassign(self, department, user=None):
        """Make ``department`` (and ``user``, one of its people; records or ids)
        responsible for the current stage. Managers of the responsible
        department's tree and officers."""
        department = self._governance_browse_arg(
            "hr.department", department, self.env._("department")
        )
        user = self._governance_browse_arg("res.users", user, self.env._("user"))
        if not department:
            raise UserError(
                self.env._("Choose the department to reassign the orders to.")
            )
        self._governance_check_reassign_access()
        self._governance_check_still_in_stage()
        if not self or self.filtered(lambda o: not o.governance_stage_id):
            raise UserError(
                self.env._("Only orders in a governed stage can be reassigned.")
            )
        self._governance_refuse_ended(
            self.env._(
                "%(orders)s is in %(stage)s: its flow has ended, there is no work "
                "to reassign."
            )
        )
        foreign = self.filtered(
            lambda o: department.company_id and department.company_id != o.company_id
        )
        if foreign:
            raise UserError(
                self.env._(
                    "%(department)s belongs to %(company)s: it cannot take %(orders)s.",
                    department=department.display_name,
                    company=department.company_id.name,
                    orders=", ".join(foreign.mapped("display_name")),
                )
            )
        outsider = user and self.filtered(
            lambda o: o.company_id not in user.company_ids
        )
        if outsider:
            raise UserError(
                self.env._(
                    "%(user)s does not work for %(company)s: he cannot take "
                    "%(orders)s.",
                    user=user.name,
                    company=outsider[0].company_id.name,
                    orders=", ".join(outsider.mapped("display_name")),
                )
            )
        if user and user not in department._governance_member_users():
            raise ValidationError(
                self.env._(
                    "%(user)s is not an employee of %(department)s.",
                    user=user.name,
                    department=department.name,
                )
            )
        if not self.env.user._is_governance_officer():
            outside = department - self.env.user.governance_managed_department_ids
            if outside:
                raise AccessError(
                    self.env._("You do not manage the department %s.", outside.name)
                )
        return self._governance_apply_reassign(department, user)

    def _governance_apply_reassign(self, department, user, routing_note=None):
        """Make ``department`` and ``user`` responsible for the current stays (the
        callers have checked the access and the arguments); ``routing_note``, when
        given, replaces the stays' note of who was passed over and why."""
        self._governance_engine().write(
            {"responsible_department_id": department.id, "responsible_user_id": user.id}
        )
        stays = self._governance_sanitized()._governance_open_stays()
        values = {"department_id": department.id, "user_id": user.id}
        if routing_note is not None:
            values["routing_note"] = routing_note or False
        stays.write(values)
        with_activity = stays.filtered("activity_id")
        if user:  # one governance activity per person and order: his becomes the main
            self.env["mail.activity"].sudo().search(
                [
                    ("governance_log_id", "in", stays.ids),
                    ("user_id", "=", user.id),
                    ("id", "not in", stays.activity_id.ids),
                ]
            ).unlink()
            with_activity.activity_id.sudo().write({"user_id": user.id})
            (stays - with_activity).filtered(
                lambda s: not s.stage_id.is_final and not s.stage_id.is_cancel
            )._create_activities()
        else:  # the department as a whole: nobody's to-do
            with_activity.activity_id.sudo().unlink()
        self._governance_sanitized()._governance_responsible_changed()
        return True

    # ------------------------------------------------------------------
    # Argument checks for RPC callers
    # ------------------------------------------------------------------
    @api.model
    def _governance_browse_arg(self, model, value, label):
        """``value`` (a record of ``model``, an id or nothing) as a record that
        exists, or a UserError that says what was expected."""
        records = self.env[model]
        if value is None or value is False:
            return records
        if isinstance(value, models.BaseModel) and not value:
            return records
        if isinstance(value, models.BaseModel):
            if value._name != model or len(value) > 1:
                raise UserError(_("Expected one %s.", label))
            records = value.with_env(self.env)
        elif isinstance(value, int) and not isinstance(value, bool):
            records = records.browse(value)
        else:
            raise UserError(
                _(
                    "Expected the id of a %(label)s, got %(value)r.",
                    label=label,
                    value=value,
                )
            )
        if not records.sudo().exists():
            raise UserError(_("The %s does not exist (any more).", label))
        return records

    @api.model
    def _governance_text_arg(self, value, label):
        if value in (None, False):
            return None
        if not isinstance(value, str):
            raise UserError(_("The %s must be a text.", label))
        return value

    # ------------------------------------------------------------------
    # The move path
    # ------------------------------------------------------------------
    def _governance_transition(
        self,
        stage,
        reason=None,
        system=False,
        forced=False,
        as_of_install=False,
        passed_over=(),
        created=False,
        sources=None,
    ):
        """The one path of every move: checks, close the open stay, resolve the next
        responsible, open a new stay, update the orders, log a message.

        ``system`` moves (events, entry) skip the permission and path checks;
        ``as_of_install`` stays (orders already under way when the module was
        installed) start with no SLA clock, activity or message; ``created``
        records were inserted by this transaction (no other one sees them: nothing
        to lock, no stay to close, no hold to end).
        """
        stage.ensure_one()
        if not system and self:
            # before leaving out the orders already in ``stage``: a stale click
            # whose target someone else reached meanwhile is refused, not taken
            # as done
            self._governance_lock()
            self._governance_check_expected_stage()
        orders = self._governance_sanitized().filtered(
            lambda o: o.governance_stage_id != stage
        )
        if not orders:
            return
        stage = stage.with_env(orders.env)
        if not system:
            orders._governance_check_move_access()
            if not forced:
                orders._governance_refuse_held()
        elif not created:
            orders._governance_lock()  # a user's move locked them above
        rework = orders.filtered(lambda o: o._governance_is_backward(stage))
        orders._governance_check_target(stage, rework, reason, system)
        jumps = self.browse()
        if not system and not self.env.su:
            jumps = orders._governance_jumps(stage, rework)
            if jumps and not forced:
                raise UserError(
                    _(
                        "%(orders)s cannot skip to %(stage)s: orders move forward one "
                        "stage at a time (Next Stage). Only an order management "
                        "officer may force another move, with a reason.",
                        orders=", ".join(jumps.mapped("display_name")),
                        stage=stage.name,
                    )
                )
        Stay = self.env["order.governance.stage.log"].sudo()
        closing = Stay if created else orders._governance_open_stays()
        forward = not rework and not stage.is_cancel
        if forced:
            orders._governance_check_force(reason)
        elif forward and not system:
            closing._check_exit_criteria()
        if not created:
            orders.filtered("governance_on_hold")._governance_resume()
        now = fields.Datetime.now()
        closing._close(now)
        resolution = orders._governance_resolve_batch(stage)
        stays = orders._governance_create_stays(
            stage, resolution, now, reason, rework, forced, as_of_install, closing
        )
        if not as_of_install:
            orders._governance_log_message(stage, reason, passed_over, sources)
        orders._governance_write_current(
            stage, resolution, now, stays, as_of_install, created
        )
        stays._on_entry(as_of_install)
        if not created:  # a first stay's figures are written with the order's
            orders._governance_refresh_lead_time()
        orders._governance_after_transition(stage)
        orders._governance_responsible_changed()

    def _governance_refresh_lead_time(self):
        """Write the lead time figures of the orders of ``self`` from their stays:
        one UPDATE for the batch."""
        if not self:
            return
        self.env["order.governance.stage.log"].flush_model()
        # values still pending (a first stay's, written with the new order) go
        # first: flushed after the UPDATE below, they would overwrite it
        self.flush_recordset(LEAD_TIME_FIELDS)
        refresh_lead_times(self.env.cr, self.ids)
        self.invalidate_recordset(LEAD_TIME_FIELDS)

    def _governance_catch_up(self):
        """Override to move the records of ``self`` as far as their events say
        once a gate opened (a check ticked, a hold ended); returns what the
        client does next (see ``_governance_action_after_handoff``)."""
        return True

    def _governance_after_transition(self, stage):
        """Override to act once the orders of ``self`` have entered ``stage``."""

    def _governance_responsible_changed(self):
        """Override to follow a new responsible person (a move or a reassign), e.g.
        on the documents the executing department works on in its own app (see
        ``_governance_assign_documents``)."""

    def _governance_assign_documents(self, stage_flag, documents_of):
        """The responsible person of each order whose stage has ``stage_flag`` set
        becomes the Responsible (``user_id``) of ``documents_of(order)`` (a
        recordset, read as superuser): one write per person. No "you have been
        assigned" mail: the governance activity tells him already, and that mail
        fails when the mover has no email address."""
        by_user = defaultdict(list)
        for order in self.sudo():
            if order.governance_stage_id[stage_flag] and order.responsible_user_id:
                by_user[order.responsible_user_id].append(documents_of(order))
        for user, batches in by_user.items():
            documents = reduce(operator.or_, batches)
            documents.filtered(lambda d, u=user: d.user_id != u).with_context(
                mail_auto_subscribe_no_notify=True
            ).write({"user_id": user.id})

    def _governance_lock(self):
        """Lock the orders' rows: of two simultaneous moves of one order, the second
        waits, then fails with a serialization error, and its retry sees where the
        order is now (see ``governance_expected_stage_id``)."""
        self.env.cr.execute(
            SQL(
                "SELECT id FROM %s WHERE id IN %s FOR NO KEY UPDATE",
                SQL.identifier(self._table),
                tuple(self.ids),
            )
        )

    def _governance_check_still_in_stage(self):
        """A hold or a reassignment acts on the current stay: with the stage the
        user saw in the context, refuse it once the order has moved on (the row
        locked first, as for a move)."""
        if self and "governance_expected_stage_id" in self.env.context:
            self._governance_lock()
            self._governance_check_expected_stage()

    def _governance_check_expected_stage(self):
        """The UI's buttons send the stage the user saw: refuse a stale click."""
        expected = self.env.context.get("governance_expected_stage_id")
        if expected is None:
            return
        if expected is not False and (
            not isinstance(expected, int) or isinstance(expected, bool)
        ):
            raise UserError(_("governance_expected_stage_id must be a stage id."))
        moved = self.filtered(lambda o: o.governance_stage_id.id != (expected or False))
        if moved:
            raise UserError(
                _(
                    "%(order)s has moved on meanwhile: it is now in %(stage)s. "
                    "Reload it to see who has it.",
                    order=moved[0].display_name,
                    stage=moved[0].governance_stage_id.name or _("no stage"),
                )
            )

    def _governance_jumps(self, stage, rework):
        """The orders of ``self`` for which ``stage`` is neither their next stage,
        an earlier one, nor a cancel stage: a jump."""
        if stage.is_cancel:
            return self.browse()
        forward = self - rework
        next_of = forward._governance_next_stage_map()
        return forward.filtered(lambda o: next_of.get(o.id) != stage)

    def _governance_check_move_access(self):
        denied = self - self._governance_movable_by(self.env.user)
        if denied:
            raise AccessError(
                _(
                    "You are not responsible for the current stage of %s: only its "
                    "responsible person, the responsible department, its managers "
                    "and order management officers may move it.",
                    ", ".join(denied.mapped("display_name")),
                )
            )

    def _governance_movable_by(self, user):
        """The orders of ``self`` that ``user`` may move out of their current stage:
        officers any; the others not out of a cancel stage."""
        if self.env.su or user._is_governance_officer():
            return self
        allowed = (
            user.governance_department_ids | user.governance_managed_department_ids
        )
        return self.filtered(
            lambda o: not o.governance_stage_id.is_cancel
            and (
                (o.responsible_user_id and o.responsible_user_id == user)
                or (
                    o.responsible_department_id
                    and o.responsible_department_id in allowed
                )
            )
        )

    def _governance_check_force(self, reason):
        if not self.env.su and not self.env.user._is_governance_officer():
            raise AccessError(
                _(
                    "Only order management officers may force a move (past unmet "
                    "checks, or skipping stages)."
                )
            )
        if not (reason or "").strip():
            raise UserError(_("A forced move needs a reason."))

    def _governance_check_hold_access(self):
        """Holds: whoever may move the order (the responsible person, the staff
        and managers of the responsible department, officers)."""
        denied = self - self._governance_movable_by(self.env.user)
        if denied:
            raise AccessError(
                _(
                    "Only the responsible person, the responsible department's staff "
                    "and managers and officers may hold or resume %s.",
                    ", ".join(denied.mapped("display_name")),
                )
            )

    def _governance_check_reassign_access(self):
        user = self.env.user
        if self.env.su or user._is_governance_officer():
            return
        managed = user.governance_managed_department_ids
        denied = self.filtered(lambda o: o.responsible_department_id not in managed)
        if denied:
            raise AccessError(
                _(
                    "Only the managers of the responsible department and officers may "
                    "reassign %s.",
                    ", ".join(denied.mapped("display_name")),
                )
            )

    def _governance_check_target(self, stage, rework, reason, system):
        wrong_company = self.filtered(
            lambda o: stage.company_id and stage.company_id != o.company_id
        )
        if wrong_company:
            raise UserError(
                _(
                    "Stage %(stage)s belongs to %(company)s; it cannot be used for "
                    "%(orders)s.",
                    stage=stage.name,
                    company=stage.company_id.name,
                    orders=", ".join(wrong_company.mapped("display_name")),
                )
            )
        if not stage.active:
            raise UserError(_("Stage %s is archived.", stage.name))
        if (
            stage.is_cancel
            and not system
            and not self.env.user._is_governance_officer()
        ):
            raise AccessError(
                _("Only order management officers may move orders to %s.", stage.name)
            )
        if rework and not (reason or "").strip():
            raise UserError(
                _(
                    "Sending %(orders)s back to %(stage)s is rework: give a reason.",
                    orders=", ".join(rework.mapped("display_name")),
                    stage=stage.name,
                )
            )

    def _governance_is_backward(self, stage):
        current = self.governance_stage_id
        if not current or stage.is_cancel or current.is_cancel:
            return False
        return (stage.sequence, stage.id) < (current.sequence, current.id)

    def _governance_open_stays(self):
        return (
            self.env["order.governance.stage.log"]
            .sudo()
            .search([("order_id", "in", self.ids), ("date_out", "=", False)])
        )

    def _governance_resolve(self, stage):
        """Who would be responsible for this order in ``stage``; writes nothing.

        :return: ``{'department': hr.department, 'user': res.users,
                   'rule': order.governance.rule, 'note': str}`` (``note``: who was
                   passed over and why, e.g. a manager on leave)
        """
        self.ensure_one()
        resolution = self._governance_resolve_batch(stage, preview=True)[self.id]
        return {
            key: value.with_env(self.env)
            if isinstance(value, models.BaseModel)
            else value
            for key, value in resolution.items()
        }

    def _governance_resolve_batch(self, stage, preview=False):
        """``{order id: {'department', 'user', 'rule'}}`` for ``stage``: first matching
        rule by sequence, else the stage's responsible department and its manager."""
        Rule = self.env["order.governance.rule"].sudo().with_context(active_test=True)
        result = {}
        for rule, rule_orders in self._governance_rule_matches(stage):
            chosen = (rule.responsible_department_id if rule else None) or (
                stage.sudo().responsible_department_id
            )
            for department, orders in rule_orders.grouped(
                lambda o, d=chosen: o._governance_own_department(d)
            ).items():
                notes = []
                # the other company's rule does not pick among our people
                assigner = rule if department == chosen else Rule
                if department != chosen:
                    notes.append(
                        _(
                            "%(department)s belongs to another company: the order "
                            "management department takes it",
                            department=chosen.name,
                        )
                    )
                users = assigner._assign_users(
                    orders, department, preview=preview, notes=notes, stage=stage
                )
                for order in orders:
                    result[order.id] = {
                        "department": department,
                        "user": users[order.id],
                        "rule": assigner,
                        "note": "; ".join(notes),
                    }
        return result

    def _governance_rule_matches(self, stage):
        """``[(rule, orders)]``: the first active rule of ``stage`` matching each
        order of ``self`` by sequence; an empty rule for the orders none matches."""
        Rule = self.env["order.governance.rule"].sudo().with_context(active_test=True)
        rules = Rule.search(
            [
                ("company_id", "in", [*self.company_id.ids, False]),
                "|",
                ("stage_ids", "=", False),
                ("stage_ids", "in", stage.ids),
            ]
        )
        matches, unmatched = rules._split_orders(self)
        if unmatched:
            matches.append((Rule, unmatched))
        return matches

    def _governance_own_department(self, department):
        """``department``, unless it belongs to another company than this order's:
        a stage or rule shared by companies may name one, and then the order's own
        order management department takes the order."""
        self.ensure_one()
        if not department.company_id or department.company_id == self.company_id:
            return department
        return self.company_id.sudo().order_management_department_id

    def _governance_departments_in(self, stage):
        """``{order id: hr.department}``: who the rules would make responsible for
        ``stage`` (the people are not chosen: nothing is counted or written)."""
        result = {}
        for rule, orders in self._governance_rule_matches(stage):
            chosen = (rule.responsible_department_id if rule else None) or (
                stage.sudo().responsible_department_id
            )
            for order in orders:
                result[order.id] = order._governance_own_department(chosen)
        return result

    def _governance_create_stays(
        self, stage, resolution, now, reason, rework, forced, as_of_install, closing
    ):
        Stay = self.env["order.governance.stage.log"].sudo()
        previous = {order.id: order.governance_stage_id.id for order in self}
        ended = closing.grouped("order_id")
        no_sla = (False, False, False)
        sla = {
            company: no_sla if as_of_install else Stay._sla_dates(stage, company, now)
            for company in self.company_id
        }
        return Stay.create(
            [
                {
                    "order_id": order.id,
                    "stage_id": stage.id,
                    "previous_stage_id": previous[order.id],
                    **self._governance_previous_stay_values(ended.get(order)),
                    "department_id": resolution[order.id]["department"].id,
                    "user_id": resolution[order.id]["user"].id,
                    "moved_by_id": self.env.uid,
                    "date_in": now,
                    "is_rework": order in rework,
                    "forced": forced,
                    "reason": reason,
                    "routing_note": resolution[order.id].get("note") or False,
                    "as_of_install": as_of_install,
                    "company_id": order.company_id.id,
                    "deadline": sla[order.company_id][0],
                    "risk_at": sla[order.company_id][1],
                    "escalate_at": sla[order.company_id][2],
                }
                for order in self
            ]
        )

    @api.model
    def _governance_previous_stay_values(self, stay):
        """What a new stay keeps of the stay it ended (``stay``: closed, or None)."""
        if not stay:
            return {}
        return {
            "previous_department_id": stay.department_id.id,
            "previous_user_id": stay.user_id.id,
            "previous_hours": stay.duration_hours,
        }

    def _governance_log_message(self, stage, reason, passed_over=(), sources=None):
        """The handoff note, attached to the tracking message of the move:
        ``sources``, ``{record id: "WH/OUT/00012, ..."}``, names the documents
        that moved each record (an event)."""
        common = Markup()
        if passed_over:
            applies = self._governance_applicability()
            applying = [
                s for s in passed_over if all(applies(s, order) for order in self)
            ]
            not_applying = [s for s in passed_over if s not in applying]
            if not_applying:
                common += Markup("<p>%s</p>") % _(
                    "Passed over (does not apply to this order): %s",
                    ", ".join(s.name for s in not_applying),
                )
            if applying:
                common += Markup("<p>%s</p>") % _(
                    "Passed over (no exit criteria left to meet): %s",
                    ", ".join(s.name for s in applying),
                )
        if reason:
            common += Markup("<p>%s</p>") % _("Reason: %s", reason)
        sources = sources or {}
        for source, records in self.grouped(lambda r: sources.get(r.id, "")).items():
            if source:
                moved = _(
                    "Moved to %(stage)s by %(user)s: %(documents)s.",
                    stage=stage.name,
                    user=self.env.user.name,
                    documents=source,
                )
            else:
                moved = _(
                    "Moved to %(stage)s by %(user)s.",
                    stage=stage.name,
                    user=self.env.user.name,
                )
            # per record, no query: the tracking keeps a body per record id
            records._track_set_log_message(Markup("<p>%s</p>") % moved + common)

    def _governance_write_current(
        self, stage, resolution, now, stays, as_of_install, created=False
    ):
        """Update the orders, one write per responsible person and deadline (with
        the lead time figures of a first stay when ``created``)."""
        deadline_of = {stay.order_id.id: stay.deadline for stay in stays}
        groups = defaultdict(list)
        for order in self:
            target = resolution[order.id]
            key = (target["department"].id, target["user"].id, deadline_of[order.id])
            groups[key].append(order.id)
        engine = self._governance_engine()
        working = not stage.is_final and not stage.is_cancel
        if as_of_install:
            engine = engine.with_context(tracking_disable=True)
        first_entry = {}
        if created:
            first_entry = {
                "governance_first_entry": now,
                "governance_completed_at": now if stage.is_final else False,
            }
        for (department_id, user_id, deadline), ids in groups.items():
            engine.browse(ids).write(
                {
                    "governance_stage_id": stage.id,
                    "responsible_department_id": department_id,
                    "responsible_user_id": user_id,
                    "stage_entered_at": now,
                    "stage_deadline": deadline,
                    # no SLA status where no work is left to watch
                    "sla_status": "on_track" if deadline and working else "none",
                    **first_entry,
                }
            )

    def _governance_resume(self):
        # no access check: moves resume held orders, and whoever may move an order
        # (an event's user included) may end its hold that way
        holds = (
            self.env["order.governance.hold"]
            .sudo()
            .search([("order_id", "in", self.ids), ("date_end", "=", False)])
        )
        now = fields.Datetime.now()
        for hold in holds:
            stay = hold.log_id
            calendar = stay._get_calendar()
            paused = working_hours.hours_between(calendar, hold.date_start, now)
            hold.write({"date_end": now, "paused_hours": paused})
            values = {"paused_hours": stay.paused_hours + paused}
            for field in ("deadline", "risk_at", "escalate_at"):
                if stay[field]:
                    values[field] = working_hours.plan(calendar, stay[field], paused)
            stay.write(values)
            hold.order_id._governance_engine().write(
                {"stage_deadline": values.get("deadline", stay.deadline)}
            )
            hold.order_id._track_set_log_message(
                Markup("<p>%s</p>")
                % _(
                    "Resumed after %(hours)s working hours on hold (%(reason)s).",
                    hours=self._governance_hours_text(paused),
                    reason=hold.reason_id.name,
                )
            )
        self._governance_engine().write({"governance_on_hold": False})

    def _governance_stages_of(self, companies):
        """Active stages usable by ``companies``, in flow order."""
        return (
            self.env["order.governance.stage"]
            .sudo()
            .with_context(active_test=True)
            .search([("company_id", "in", [*companies.ids, False])])
        )

    def _governance_next_stage_map(self):
        """``{order id: its next stage by sequence that applies to it, or False}``
        (cancel stages are never next; final and cancel stages have no next)."""
        return {
            order_id: path[-1] if path else False
            for order_id, path in self._governance_next_paths().items()
        }

    def _governance_next_paths(self):
        """``{order id: [stages passed over..., next stage]}``: the stages after the
        current one up to the first that applies to the order (empty: none)."""
        stages = self._governance_stages_of(self.company_id).filtered(
            lambda s: not s.is_cancel
        )
        applies = self._governance_applicability()
        result = {}
        for order in self:
            result[order.id] = []
            current = order.governance_stage_id
            if current.is_final or current.is_cancel:
                continue
            path = []
            for stage in order._governance_stages_after(stages):
                path.append(stage.with_env(self.env))
                if applies(stage, order):
                    result[order.id] = path
                    break
        return result

    def _governance_event_paths(self, target, gated=False):
        """``({order id: [stages passed over..., stage]}, {order id: why})``:
        where an event into ``target`` takes each order: ``target``, or the
        first later stage that applies to it; passed over are the stages on the
        way. Empty when the order is at or past ``target``: events go forward
        only. ``gated``: held orders and orders whose current stage's required
        criteria are unmet stay (the second dict says why), and the path stops
        in the first stage on the way whose required criteria are unmet."""
        stages = self._governance_stages_of(self.company_id).filtered(
            lambda s: not s.is_cancel
        )
        applies = self._governance_applicability()
        target_key = (target.sequence, target.id)
        blocked = self._governance_event_blockers() if gated else {}
        unmet_on_the_way = {}
        result = {}
        for order in self:
            result[order.id] = []
            current = order.governance_stage_id
            if (
                current.is_final
                or current.is_cancel
                or (current and (current.sequence, current.id) >= target_key)
            ):
                blocked.pop(order.id, None)  # not moving anyway
                continue
            if order.id in blocked:
                continue
            path = []
            for stage in order._governance_stages_after(stages):
                stage = stage.with_env(self.env)
                if not applies(stage, order):
                    path.append(stage)
                    continue
                if (stage.sequence, stage.id) >= target_key:
                    result[order.id] = [*path, stage]
                    break
                if gated:
                    if stage not in unmet_on_the_way:
                        unmet_on_the_way[stage] = stage.check_ids._governance_unmet(
                            self
                        )
                    if unmet_on_the_way[stage][order.id]:
                        # the department works through it: the order stops there
                        result[order.id] = [*path, stage]
                        break
                path.append(stage)
        return result, blocked

    def _governance_event_blockers(self):
        """``{order id: why}``: the orders of ``self`` that an event leaves where
        they are: on hold, or with unmet required criteria in their stage."""
        blocked = {}
        for order in self.filtered("governance_on_hold"):
            blocked[order.id] = _("it is on hold")
        stays = self._governance_open_stays()
        unmet = stays.check_line_ids.filtered(
            lambda line: line.required and not line.is_met
        )
        for order, lines in unmet.grouped("order_id").items():
            blocked.setdefault(
                order.id,
                _(
                    "its exit criteria are not met (%s)",
                    ", ".join(lines.mapped("name")),
                ),
            )
        return blocked

    def _governance_stages_after(self, stages):
        """The stages of ``stages`` usable by this order after its current one."""
        self.ensure_one()
        current = self.governance_stage_id
        return stages.filtered(
            lambda s: (not s.company_id or s.company_id == self.company_id)
            and (not current or (s.sequence, s.id) > (current.sequence, current.id))
        )

    def _governance_applicability(self):
        """A test ``applies(stage, order)`` for the orders of ``self``: one query
        per stage that has an applicability domain, for all the orders."""
        cache = {}

        def applies(stage, order):
            if not stage.applicability_domain:
                return True
            if stage.id not in cache:
                cache[stage.id] = set(stage._governance_applicable_to(self).ids)
            return order.id in cache[stage.id]

        return applies

    def _governance_move_by_event(
        self, stage, as_of_install=False, documents=None, quiet=False
    ):
        """A system move into ``stage`` (or the first later stage that applies),
        forward only; the history names the stages passed over and
        ``documents`` (what was done in the executing departments' apps).

        The stage gates hold for events as for people: an order on hold stays
        where it is, an order whose current stage has unmet required exit
        criteria stays, and an order stops in a stage on the way whose required
        criteria it does not meet yet; the chatter says what came in and what
        keeps it (``_governance_catch_up`` takes it further once they are met)."""
        gated = not as_of_install
        paths, blocked = self._governance_event_paths(stage, gated=gated)
        by_path = defaultdict(list)
        names = self._governance_document_names(documents)
        for order_id, path in paths.items():
            if path:
                by_path[tuple(path)].append(order_id)
        for path, ids in by_path.items():
            self.browse(ids)._governance_transition(
                path[-1],
                system=True,
                as_of_install=as_of_install,
                passed_over=path[:-1],
                sources=names,
            )
        if not quiet:
            self._governance_note_blocked(stage, blocked, names)

    def _governance_document_names(self, documents):
        """``{order id: "WH/OUT/00012, ..."}``: the documents of ``documents``
        (records that answer ``_governance_sale_orders()``) of each order."""
        names = defaultdict(list)
        for document in (documents or self.browse()[:0]).sudo():
            for order in document._governance_sale_orders():
                names[order.id].append(document.display_name)
        return {order_id: ", ".join(sorted(set(n))) for order_id, n in names.items()}

    def _governance_note_blocked(self, target, blocked, names):
        """Tell the order's people why an event did not move it: a note in the
        chatter (each order its own)."""
        if not blocked:
            return
        bodies = {}
        for order in self.browse(list(blocked)):
            why = blocked[order.id]
            source = names.get(order.id)
            body = _(
                "%(documents)s: ready for %(target)s, but the order stays in "
                "%(stage)s: %(why)s.",
                documents=source or _("Its documents"),
                target=target.name,
                stage=order.governance_stage_id.name,
                why=why,
            )
            bodies[order.id] = Markup("<p>%s</p>") % body
        self.browse(list(bodies))._message_log_batch(bodies=bodies)

    def _governance_next_stages(self):
        """``{order id: [stages passed over..., next stage]}``, or a UserError
        naming the order that has none."""
        next_of = self._governance_next_paths()
        for order in self:
            if next_of[order.id]:
                continue
            current = order.governance_stage_id
            if current.is_final:
                raise UserError(
                    _(
                        "%(order)s is in the final stage %(stage)s: it has no next "
                        "stage.",
                        order=order.display_name,
                        stage=current.name,
                    )
                )
            if current.is_cancel:
                raise UserError(
                    _("%s is cancelled: it has no next stage.", order.display_name)
                )
            raise UserError(_("%s has no next stage to move to.", order.display_name))
        return next_of

    def _governance_first_stage(self, company):
        """The first stage of ``company``'s flow (never a cancel stage)."""
        return (
            self._governance_stages_of(company)
            .filtered(lambda s: not s.is_cancel)[:1]
            .with_env(self.env)
        )

    def _governance_enter(self, as_of_install=False, created=False):
        """Put records without a stage into the first stage of their flow
        (``created``: records this transaction has just inserted). Override to
        enter them elsewhere."""
        for company, records in self.grouped("company_id").items():
            waiting = records.filtered(lambda r: not r.governance_stage_id)
            first = self._governance_first_stage(company)
            if waiting and first:
                waiting._governance_transition(
                    first, system=True, as_of_install=as_of_install, created=created
                )
