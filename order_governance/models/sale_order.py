from collections import defaultdict

from markupsafe import Markup, escape

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_date

from .field_changes import changed_fields
from .mail_message import HANDOFF_WRITER
from .order_governance_flow_mixin import URGENCY_NONE

# Sale order states and the governance event each one raises.
STATE_EVENTS = {"sent": "quotation_sent", "sale": "confirmed", "cancel": "cancelled"}
# The state changes Odoo's buttons make (send, confirm, cancel, set to quotation):
# a user's write of the state makes these and no other.
ODOO_STATE_STEPS = {
    "draft": ("sent", "sale", "cancel"),
    "sent": ("draft", "sale", "cancel"),
    "sale": ("cancel",),
    "cancel": ("draft",),
}

# The commercial content of a confirmed order: changed by the owning department
# and officers only, each change written in the chatter (customer and pricelist
# have Odoo's own tracking). Its lines: see sale_order_line.py.
COMMERCIAL_ORDER_FIELDS = (
    "partner_id",
    "partner_invoice_id",
    "partner_shipping_id",
    "pricelist_id",
    "currency_id",
    "fiscal_position_id",
    "payment_term_id",
    "commitment_date",
)
TRACKED_BY_ODOO = {"partner_id", "pricelist_id"}

# What the tracking passes to message_post (mail.thread._message_track).
TRACKING_POST_ARGUMENTS = {"body", "author_id", "subtype_id", "tracking_value_ids"}
# ``_action_cancel`` runs with this object in its context: Odoo's own flows (a
# return, a kit's reconfirmation, the portal) cancel through it, and the write of
# the state it makes is theirs, not a client's raw write. A client's context (JSON)
# cannot hold it.
_ODOO_CANCEL = object()
# Handoff messages notified together (see SaleOrder._governance_post_handoffs):
# measured on 200 moves, 1 message at a time costs 3 queries more per order, the
# whole batch at once 1.7 times the time; 10 to 25 are within 1% of the best of both.
NOTIFY_GROUP = 25


class HandoffBatch:
    """The handoff messages a tracking run would post one by one, as (order,
    message_post arguments): collected, then posted in one batch. An object of
    its own, equal only to itself: a client's context (JSON) cannot hold one, nor
    pass for one when Odoo reuses an environment of an equal context."""

    def __init__(self):
        self.posts = []


class SaleOrder(models.Model):
    """Sale orders in the governed flow: the owning department, the sale events
    that move an order by itself, the buttons. The engine is the flow mixin."""

    _name = "sale.order"
    # the customer's side first: its rating mixin must come before mail.thread,
    # which sale.order inherits directly (as Live Chat does for its channels)
    _inherit = [
        "order.governance.customer.mixin",
        "sale.order",
        "order.governance.flow.mixin",
        "order.governance.promise.mixin",
        "order.governance.norms.panel.mixin",
    ]

    owner_department_id = fields.Many2one(
        comodel_name="hr.department",
        string="Owning Department",
        compute="_compute_owner_department_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        tracking=True,
        check_company=True,
        help="The department that manages this order end to end and answers for it. "
        "Default: the salesperson's department, else the company's order management "
        "department.",
    )
    governance_execution_html = fields.Html(
        string="Execution",
        compute="_compute_governance_execution_html",
        sanitize=False,
        help="Each executing department's documents for this order (transfers, "
        "manufacturing orders, invoices and payments) and their state.",
    )
    governance_can_cancel = fields.Boolean(
        string="May Cancel",
        compute="_compute_governance_can_cancel",
        help="Whether you may cancel this order (Cancel button).",
    )
    governance_awaits_confirmation = fields.Boolean(
        string="Awaits Confirmation",
        compute="_compute_governance_awaits_confirmation",
        help="A quotation whose next stage is reached by its confirmation (Odoo's "
        "Confirm), not by Next Stage.",
    )
    governance_in_my_department = fields.Boolean(
        compute="_compute_governance_in_my_department",
        search="_search_governance_in_my_department",
        string="In My Department",
    )
    governance_my_work = fields.Boolean(
        compute="_compute_governance_my_work",
        search="_search_governance_my_work",
        string="My Work",
        help="Open orders you are responsible for, or that wait in a department you "
        "work in or manage.",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("user_id", "company_id")
    def _compute_owner_department_id(self):
        employees = (
            self.env["hr.employee"]
            .sudo()
            .search(
                [
                    ("user_id", "in", self.user_id.ids),
                    ("company_id", "in", self.company_id.ids),
                ]
            )
        )
        department_of = {
            (emp.user_id.id, emp.company_id.id): emp.department_id for emp in employees
        }
        for order in self:
            if order._origin.id and order.owner_department_id:
                continue  # a saved order keeps its owner until someone changes it
            order.owner_department_id = (
                department_of.get((order.user_id.id, order.company_id.id))
                or order.company_id.order_management_department_id
            )

    @api.depends_context("uid", "lang")
    @api.depends("governance_stage_id", "state", "invoice_ids")
    def _compute_governance_execution_html(self):
        for order in self:
            if not order.id:
                # A form's onchange: the panel shows saved documents only, and the
                # client keeps the one it read (nothing to send, nothing to query;
                # NewId records cannot even be sorted by id).
                order.governance_execution_html = False
                continue
            sections = [s for s in order._governance_execution_sections() if s["rows"]]
            order.governance_execution_html = self.env["ir.qweb"]._render(
                "order_governance.execution_panel", {"sections": sections}
            )

    def _governance_execution_sections(self):
        """The Execution panel of this order: a list of ``{'title', 'department',
        'rows'}`` sections, each row ``{'name', 'url', 'state', 'who'}`` (``url``
        only where the reader may open the document). The execution modules add
        their sections."""
        self.ensure_one()
        order = self.sudo()
        moves = order.invoice_ids.sorted("id")
        payments = moves._get_reconciled_payments().sorted("id")
        finance = order._governance_executing_department(("invoiced", "paid"))
        return [
            {
                "title": _("Invoices"),
                "department": finance.name,
                "rows": self._governance_execution_rows(
                    moves,
                    lambda m: m._fields["payment_state"].convert_to_export(
                        m.payment_state, m
                    )
                    if m.state == "posted"
                    else m._fields["state"].convert_to_export(m.state, m),
                    lambda m: m.invoice_user_id.name,
                ),
            },
            {
                "title": _("Payments"),
                "department": finance.name,
                "rows": self._governance_execution_rows(
                    payments,
                    lambda p: p._fields["state"].convert_to_export(p.state, p),
                    lambda p: p.create_uid.name,
                ),
            },
        ]

    # ------------------------------------------------------------------
    # Leave hand-over
    # ------------------------------------------------------------------
    @api.model
    def _cron_governance_hand_over_absent(self):
        """Scheduled action: in companies that ask for it, the open orders of
        people on leave go to their department's deputy, else its manager (the
        rule of routing), as reassignments with a note in the chatter."""
        companies = (
            self.env["res.company"]
            .sudo()
            .search([("governance_reassign_on_leave", "=", True)])
        )
        absent = self.env["res.users"]._governance_absences()
        if not companies or not absent:
            return
        orders = self.sudo().search(
            [
                ("company_id", "in", companies.ids),
                ("responsible_user_id", "in", list(absent)),
                ("governance_stage_id.is_final", "=", False),
                ("governance_stage_id.is_cancel", "=", False),
            ]
        )
        groups = defaultdict(lambda: self.sudo().browse())
        for order in orders:
            department = order.responsible_department_id
            successor = (
                department._governance_manager_user(absent=absent)
                if department
                else self.env["res.users"]
            )
            if not successor or successor == order.responsible_user_id:
                continue
            absentee = order.responsible_user_id
            # a note of the scheduled action, which has no author: in the
            # company's language, as the SLA watch's notes
            env = self.with_context(
                lang=order.company_id.partner_id.lang or self.env.lang
            ).env
            note = env._(
                "%(user)s is on leave until %(date)s: handed over to %(successor)s.",
                user=absentee.name,
                date=format_date(env, absent[absentee.id]),
                successor=successor.name,
            )
            groups[department, successor, note] |= order
        for (department, successor, note), group in groups.items():
            # one chatter message an order: the tracking of the new responsible,
            # with the reason as its body
            group._track_set_log_message(Markup("<p>%s</p>") % note)
            group._governance_apply_reassign(department, successor, routing_note=note)

    # ------------------------------------------------------------------
    # Routing preview
    # ------------------------------------------------------------------
    def governance_route_preview(self):
        """Who would own this order at each stage of its flow now, and why: one
        dict a stage, in sequence, with ``stage_id``, ``department_id``,
        ``user_id``, ``rule_id`` (ids or False), ``stage``, ``department``,
        ``user``, ``rule`` (names) and ``reason`` (a sentence). Writes nothing,
        and takes the path of a real move (the rules, the assignment methods,
        the fallback), so that the preview never drifts from the routing."""
        if len(self) != 1:
            raise UserError(_("The routing preview is for one order at a time."))
        self.check_access("read")
        # billing or inventory users read orders, not the rules that route them
        show_rules = self.env["order.governance.rule"].has_access("read")
        order = self.sudo()
        stages = order._governance_stages_of(order.company_id).filtered(
            lambda s: not s.is_cancel
        )
        applies = order._governance_applicability()
        rows = []
        for stage in stages:
            if not applies(stage, order):
                rows.append(
                    self._governance_route_row(
                        stage, reason=_("Does not apply to this order: passed over.")
                    )
                )
                continue
            target = order._governance_resolve_batch(stage, preview=True)[order.id]
            rule = target["rule"]
            rows.append(
                self._governance_route_row(
                    stage,
                    target["department"],
                    target["user"],
                    rule if show_rules else rule.browse(),
                    rule._governance_route_reason(
                        order,
                        target["department"],
                        target["user"],
                        target["note"],
                        show_rule=show_rules,
                    ),
                )
            )
        return rows

    @api.model
    def _governance_route_row(
        self, stage, department=None, user=None, rule=None, reason=""
    ):
        return {
            "stage_id": stage.id,
            "stage": stage.name,
            "department_id": department.id if department else False,
            "department": department.name if department else "",
            "user_id": user.id if user else False,
            "user": user.name if user else "",
            "rule_id": rule.id if rule else False,
            "rule": rule.name if rule else "",
            "reason": reason,
        }

    def action_governance_route_preview(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Routing Preview"),
            "res_model": "order.governance.route.preview",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def _governance_execution_rows(self, documents, state_of, who_of):
        """Panel rows for ``documents`` (read as sudo), linked where the reader may
        open them."""
        readable = (
            documents.with_env(self.env)._filtered_access("read")
            if documents and documents.with_env(self.env).has_access("read")
            else documents.browse()
        )
        return [
            {
                "name": doc.display_name,
                "url": f"/odoo/{doc._name}/{doc.id}" if doc in readable else False,
                "state": state_of(doc),
                "who": who_of(doc) or "",
            }
            for doc in documents
        ]

    def _governance_executing_department(self, kinds, executes=None):
        """The department that works on this order's documents of ``kinds`` (sale
        events and built-in checks, e.g. ``("invoiced", "paid")``): the one
        responsible during its latest stay in a stage that has one of them (or
        that ``executes`` accepts), else that stage's responsible department.
        Final and cancel stages execute nothing."""
        self.ensure_one()

        def works_on(stage):
            if stage.is_final or stage.is_cancel:
                return False
            return (
                stage.sale_event in kinds
                or any(check.execution_check in kinds for check in stage.check_ids)
                or bool(executes and executes(stage))
            )

        for stay in self.sudo().stage_log_ids.sorted("date_in", reverse=True):
            if works_on(stay.stage_id) and stay.department_id:
                return stay.department_id
        stages = self._governance_stages_of(self.company_id).filtered(works_on)
        return stages.responsible_department_id[:1]

    @api.depends("state", "governance_stage_id", "company_id")
    def _compute_governance_awaits_confirmation(self):
        quotations = self.filtered(lambda o: o.state in ("draft", "sent") and o.id)
        next_of = quotations.filtered(
            "governance_stage_id"
        )._governance_next_stage_map()
        for order in self:
            stage = next_of.get(order.id)
            order.governance_awaits_confirmation = bool(
                stage and order._governance_state_disagrees(stage)
            )

    def _governance_state_disagrees(self, stage):
        """Whether this order's state is not yet the one the sale event of
        ``stage`` stands for: a quotation in the stage of *Order confirmed*, a
        draft in that of *Quotation sent*."""
        self.ensure_one()
        required = {"confirmed": ("sale",), "quotation_sent": ("sent", "sale")}
        states = required.get(stage.sale_event)
        return bool(states) and self.state not in states

    def _governance_check_target(self, stage, rework, reason, system):
        """A stage of a state event (quotation sent, order confirmed) is reached by
        that event: the governance stage and Odoo's state never disagree."""
        super()._governance_check_target(stage, rework, reason, system)
        if system or self.env.su:
            return
        early = self.filtered(lambda o: o._governance_state_disagrees(stage))
        if early and stage.sale_event == "confirmed":
            raise UserError(
                _(
                    "%(orders)s is still a quotation: it enters %(stage)s when it is "
                    "confirmed (Confirm).",
                    orders=", ".join(early.mapped("display_name")),
                    stage=stage.name,
                )
            )
        if early:
            raise UserError(
                _(
                    "%(orders)s enters %(stage)s when its quotation is sent (Send "
                    "by Email).",
                    orders=", ".join(early.mapped("display_name")),
                    stage=stage.name,
                )
            )

    @api.depends_context("uid")
    @api.depends("responsible_department_id", "owner_department_id")
    def _compute_governance_in_my_department(self):
        mine = self.env.user._governance_my_departments()
        for order in self:
            order.governance_in_my_department = bool(
                (order.responsible_department_id | order.owner_department_id) & mine
            )

    def _search_governance_in_my_department(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on 'In My Department'."))
        ids = self.env.user._governance_my_departments().ids
        domain = [
            "|",
            ("responsible_department_id", "in", ids),
            ("owner_department_id", "in", ids),
        ]
        return domain if (operator == "=") == value else ["!", *domain]

    @api.depends_context("uid")
    @api.depends(
        "responsible_user_id", "responsible_department_id", "governance_urgency"
    )
    def _compute_governance_my_work(self):
        mine = self.env.user._governance_my_departments()
        for order in self:
            order.governance_my_work = order.governance_urgency != URGENCY_NONE and (
                order.responsible_user_id == self.env.user
                or order.responsible_department_id in mine
            )

    def _search_governance_my_work(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on 'My Work'."))
        domain = [
            ("governance_urgency", "!=", URGENCY_NONE),
            "|",
            ("responsible_user_id", "=", self.env.uid),
            (
                "responsible_department_id",
                "in",
                self.env.user._governance_my_departments().ids,
            ),
        ]
        return domain if (operator == "=") == value else ["!", *domain]

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(
            vals.get("state") in ("sale", "cancel") for vals in vals_list
        ):
            # an order is confirmed or cancelled by its buttons, which move its
            # governance; Odoo's own flows that create such orders run as superuser
            raise AccessError(
                _("A new order starts as a quotation: confirm it with its button.")
            )
        requested = self._governance_pop_requested_stages(vals_list)
        chosen = [bool(vals.get("owner_department_id")) for vals in vals_list]
        orders = (
            super(SaleOrder, self.with_context(default_governance_stage_id=False))
            .create(vals_list)
            .with_env(self.env)
        )
        # here, above mail.thread's create: the creator already follows the order
        # when its first activity subscribes the responsible person
        orders.browse(
            [order.id for order, owner in zip(orders, chosen, strict=True) if owner]
        )._governance_check_owner_on_create()
        orders._governance_enter_created(requested)
        return orders

    def _governance_check_owner_on_create(self):
        """A new order belongs to its salesperson's department, or to one of its
        creator's; another owning department is the choice of officers and Sales
        administrators (the department answers for the order)."""
        user = self.env.user
        if (
            self.env.su
            or user._is_governance_officer()
            or user.has_group("sales_team.group_sale_manager")
        ):
            return
        mine = user._governance_my_departments()
        employees = (
            self.env["hr.employee"].sudo().search([("user_id", "in", self.user_id.ids)])
        )
        salesperson_departments = {
            order.id: employees.filtered(
                lambda e, o=order: e.user_id == o.user_id
            ).department_id
            for order in self
        }
        foreign = self.filtered(
            lambda o: o.owner_department_id not in mine
            and o.owner_department_id not in salesperson_departments[o.id]
        )
        if foreign:
            raise AccessError(
                _(
                    "%(department)s does not own your orders: a new order belongs "
                    "to its salesperson's department or to yours.",
                    department=foreign[0].owner_department_id.name,
                )
            )

    def write(self, vals):
        if "owner_department_id" in vals:
            self._governance_check_owner_change()
        commercial = changed_fields(self, vals, COMMERCIAL_ORDER_FIELDS)
        if commercial:
            self._governance_check_commercial_change()
        logged = [f for f in commercial if f not in TRACKED_BY_ODOO]
        before = self._governance_values_before(logged)
        if "state" in vals:  # also a raw write of the state over RPC
            self._governance_check_state_change(vals["state"])
        previous_states = {order.id: order.state for order in self}
        res = super().write(vals)
        state = vals.get("state")
        changed = self.filtered(lambda o: previous_states[o.id] != state)
        promised = self.browse()
        if state == "sale":
            # before the confirmed event moves them: the move then forecasts
            # against the promise (Odoo writes the confirmation date with the state)
            promised = changed._governance_set_first_promise()
        if state in STATE_EVENTS:
            changed._governance_apply_event(STATE_EVENTS[state])
        elif state == "draft":
            changed.filtered(
                lambda o: previous_states[o.id] == "cancel"
            )._governance_reenter()
        # those the event did not move (no stage for it, or held back); as the
        # engine: the move may have taken them out of the user's sight
        promised.sudo().filtered(
            lambda o: o.governance_promise_status == "none"
        )._governance_refresh_forecast()
        if before:
            self._governance_log_changes(before)
        if "commitment_date" in vals:
            self._governance_promise_changed()._governance_refresh_forecast()
        return res

    # ------------------------------------------------------------------
    # Commercial content of confirmed orders
    # ------------------------------------------------------------------
    def _governance_commercial_denied(self, user):
        """The confirmed orders of ``self`` whose commercial content ``user`` may
        not change: those a department owns, unless he works in it or manages
        it, is an order management officer or a Sales administrator. Executing
        departments act on their stage (checks, holds, their documents)."""
        if (
            self.env.su
            or user._is_governance_officer()
            or user.has_group("sales_team.group_sale_manager")
        ):
            return self.browse()
        mine = user._governance_my_departments()
        return self.filtered(
            lambda o: o.state == "sale"
            and o.owner_department_id
            and o.owner_department_id not in mine
        )

    def _governance_check_commercial_change(self):
        denied = self._governance_commercial_denied(self.env.user)
        if denied:
            raise AccessError(
                _(
                    "%(orders)s is confirmed: its customer, lines, prices, taxes, "
                    "payment terms and promised date are changed by its owning "
                    "department (%(department)s) and order management officers.",
                    orders=", ".join(denied.mapped("display_name")),
                    department=denied[0].owner_department_id.name,
                )
            )

    def _governance_values_before(self, fnames, records=None):
        """``{record: {field: shown value}}`` of the confirmed orders' ``records``
        (``self`` by default) before a change: what the chatter will say it was."""
        records = self if records is None else records
        if not fnames:
            return {}
        return {
            record: {f: self._governance_shown(record, f) for f in fnames}
            for record in records.sudo()
            if (record.order_id if record._name == "sale.order.line" else record).state
            == "sale"
        }

    @api.model
    def _governance_shown(self, record, fname):
        value = record[fname]
        field = record._fields[fname]
        if field.type in ("many2one", "many2many", "one2many"):
            return ", ".join(value.mapped("display_name")) or "-"
        if field.type == "datetime":
            return (
                value
                and fields.Datetime.context_timestamp(self, value).strftime(
                    "%Y-%m-%d %H:%M"
                )
                or "-"
            )
        if value is False or value is None:
            return "-"
        return str(value)

    def _governance_log_changes(self, before):
        """One chatter note per confirmed order: each commercial value that
        changed, old → new, and by whom."""
        lines_of = defaultdict(list)
        for record, values in before.items():
            order = record.order_id if record._name == "sale.order.line" else record
            for fname, old in values.items():
                new = self._governance_shown(record, fname)
                if new == old:
                    continue
                label = record._fields[fname]._description_string(self.env)
                if record._name == "sale.order.line":
                    label = f"{record.product_id.display_name or record.name}: {label}"
                lines_of[order].append(f"{label}: {old} → {new}")
        bodies = {
            order.id: Markup("<p>%s</p><ul>%s</ul>")
            % (
                _("Changed by %s after confirmation:", self.env.user.name),
                Markup().join(Markup("<li>%s</li>") % line for line in changes),
            )
            for order, changes in lines_of.items()
        }
        if bodies:
            self.browse(list(bodies)).sudo()._message_log_batch(bodies=bodies)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_handed_over(self):
        """The stage history is an audit trail: an order that has been handed over
        at least once keeps it, so the order cannot be deleted (a quotation still
        in its first stay can, with that stay)."""
        handed_over = (
            self.env["order.governance.stage.log"]
            .sudo()
            ._read_group(
                [("order_id", "in", self.ids), ("date_out", "!=", False)],
                ["order_id"],
            )
        )
        if handed_over:
            raise UserError(
                _(
                    "%s has a stage history: it cannot be deleted. Cancel it "
                    "instead; its history stays as the audit trail.",
                    ", ".join(order.display_name for (order,) in handed_over),
                )
            )

    # ------------------------------------------------------------------
    # Sale events: what happens in Sales moves the order by itself
    # ------------------------------------------------------------------
    def action_cancel(self):
        """The Cancel button (and Odoo's cancel dialog, which calls it)."""
        self._governance_check_cancel_access()
        return super().action_cancel()

    def _action_cancel(self):
        """Not guarded: other modules' flows call it (the entry points that users
        reach are: the button, the mass cancel wizard, a raw write of the state)."""
        return super(
            SaleOrder, self.with_context(governance_odoo_cancel=_ODOO_CANCEL)
        )._action_cancel()

    def _governance_cancel_denied(self, user):
        """The orders of ``self`` that ``user`` may not cancel. Cancelling a
        confirmed order that a department owns is the decision of that
        department's managers, of order management officers and of Sales
        administrators (who keep what Odoo lets them do); quotations stay
        cancellable as in Odoo."""
        if (
            self.env.su
            or user._is_governance_officer()
            or user.has_group("sales_team.group_sale_manager")
        ):
            return self.browse()
        managed = user.governance_managed_department_ids
        return self.filtered(
            lambda o: o.state == "sale"
            and o.owner_department_id
            and o.owner_department_id not in managed
        )

    @api.depends_context("uid")
    @api.depends("state", "owner_department_id")
    def _compute_governance_can_cancel(self):
        denied = self._governance_cancel_denied(self.env.user)
        for order in self:
            order.governance_can_cancel = order not in denied

    def _governance_check_cancel_access(self):
        if self.env.context.get("governance_odoo_cancel") is _ODOO_CANCEL:
            return
        denied = self._governance_cancel_denied(self.env.user)
        if denied:
            raise AccessError(
                _(
                    "Only the managers of the owning department, order management "
                    "officers and Sales administrators may cancel the confirmed order "
                    "%s.",
                    ", ".join(denied.mapped("display_name")),
                )
            )

    def _governance_state_event(self):
        """The event an order's current state calls for (fully invoiced orders are
        past confirmation)."""
        self.ensure_one()
        if self.state == "sale" and self.invoice_status == "invoiced":
            return "invoiced"
        return STATE_EVENTS.get(self.state)

    def _governance_enter(self, as_of_install=False, created=False):
        """Orders enter the stage their state calls for: the stage of the event
        their state raised (quotation sent, confirmed, fully invoiced, cancelled),
        else the first stage."""
        for event, orders in self.grouped(
            lambda o: o._governance_state_event() or ""
        ).items():
            if event:
                orders._governance_apply_event(event, as_of_install=as_of_install)
        return super()._governance_enter(as_of_install=as_of_install, created=created)

    @api.model
    def _governance_enter_existing(self, batch_size=1000):
        """Enter one batch of the orders that have no stage (those that existed
        when the module was installed) as of now: no SLA clock, activity or
        message. Returns ``(entered, remaining)``."""
        waiting = [("governance_stage_id", "=", False)]
        orders = self.sudo().search(waiting, limit=batch_size, order="id")
        orders.with_context(tracking_disable=True)._governance_enter(as_of_install=True)
        confirmed = orders.filtered(lambda o: o.state == "sale")
        confirmed._governance_set_first_promise(track=False)
        confirmed._governance_refresh_forecast(tell=False)
        return len(orders), self.sudo().search_count(waiting)

    @api.model
    def _cron_governance_enter_existing(self):
        """Scheduled action: the install hook enters the first batch and leaves the
        rest to this one, a committed batch at a time."""
        entered, remaining = self._governance_enter_existing()
        self.env["ir.cron"]._notify_progress(done=entered, remaining=remaining)

    def _governance_apply_event(self, event, as_of_install=False, documents=None):
        """Pull orders into the stage of ``event`` (or the first later stage that
        applies to them); never backwards, except into a cancel stage."""
        for company, orders in self.grouped("company_id").items():
            stage = self._governance_event_stages(company).get(event)
            if not stage:
                continue
            stage = stage.with_env(self.env)
            if stage.is_cancel:
                orders._governance_transition(
                    stage, system=True, as_of_install=as_of_install
                )
                continue
            # out of a cancel stage only by Set to Quotation or an officer's move
            orders.filtered(
                lambda o: not o.governance_stage_id.is_cancel
            )._governance_move_by_event(stage, as_of_install, documents=documents)

    def _governance_event_stages(self, company):
        """``{event: stage}`` of ``company``'s flow."""
        return {
            stage.sale_event: stage
            for stage in reversed(self._governance_stages_of(company))
            if stage.sale_event
        }

    # ------------------------------------------------------------------
    # Execution events: what the executing departments do in their own apps
    # ------------------------------------------------------------------
    def _governance_raise_execution_events(self, documents=None, quiet=False):
        """Move confirmed orders by what their documents say (deliveries,
        manufacturing orders, payments) and their state (confirmed, fully
        invoiced): each into the furthest stage of the events that hold now.
        Forward only, and once: never into a stage the order has reached before
        (a send back is not undone by the next document). The stage gates hold
        (see ``_governance_move_by_event``); ``documents``: those just done, named
        in the history. A system move, recorded with the user whose action
        raised it; called with the orders of a whole batch of documents at
        once, and again when a gate opens (``_governance_catch_up``, ``quiet``:
        nothing new came in, no note for the orders that stay)."""
        orders = self.sudo().filtered(
            lambda o: o.state == "sale"
            and o.governance_stage_id
            and not o.governance_stage_id.is_final
            and not o.governance_stage_id.is_cancel
        )
        if not orders:
            return
        holding = orders._governance_execution_events()
        reached = orders._governance_furthest_reached()
        targets = defaultdict(list)
        for company, company_orders in orders.grouped("company_id").items():
            stage_of = self._governance_event_stages(company)
            for order in company_orders:
                events = holding[order.id] | {order._governance_state_event()}
                stages = [stage_of[e] for e in events if e in stage_of]
                if not stages:
                    continue
                target = max(stages, key=lambda s: (s.sequence, s.id))
                if (target.sequence, target.id) > reached.get(order.id, (0, 0)):
                    targets[target].append(order.id)
        for target, ids in targets.items():
            orders.browse(ids)._governance_move_by_event(
                target, documents=documents, quiet=quiet
            )

    def _governance_catch_up(self):
        """A gate opened (a check ticked, a hold ended): the orders go as far as
        their documents and state say. When they moved, the client leaves them
        as after a handoff (they may be out of the user's sight now)."""
        before = {order.id: order.governance_stage_id for order in self.sudo()}
        self._governance_raise_execution_events(quiet=True)
        if any(o.governance_stage_id != before[o.id] for o in self.sudo()):
            return self._governance_action_after_handoff()
        return True

    def _governance_execution_events(self):
        """``{order id: set of the execution events that hold now}``. The core
        knows ``paid``; the execution modules add theirs."""
        paid = self._governance_paid_orders()
        return {order.id: {"paid"} if order in paid else set() for order in self}

    def _governance_furthest_reached(self):
        """``{order id: (sequence, id) of the furthest stage it has been in since
        it last left a cancel stage}`` (one query)."""
        self.env["order.governance.stage.log"].flush_model()
        self.env.cr.execute(
            """
            SELECT log.order_id, stage.sequence, stage.id, stage.is_cancel
              FROM order_governance_stage_log log
              JOIN order_governance_stage stage ON stage.id = log.stage_id
             WHERE log.order_id IN %s
          ORDER BY log.order_id, log.date_in, log.id
            """,
            [tuple(self.ids)],
        )
        reached = {}
        for order_id, sequence, stage_id, is_cancel in self.env.cr.fetchall():
            if is_cancel:
                reached.pop(order_id, None)
            else:
                reached[order_id] = max(
                    reached.get(order_id, (0, 0)), (sequence, stage_id)
                )
        return reached

    def _governance_customer_invoices(self):
        """The posted customer invoices of each order that count (reversed ones do
        not): ``{order id: account.move}``."""
        result = {}
        for order in self.sudo():
            result[order.id] = order.invoice_ids.filtered(
                lambda m: m.move_type == "out_invoice"
                and m.state == "posted"
                and m.payment_state != "reversed"
            )
        return result

    def _governance_paid_orders(self):
        """Fully invoiced orders whose every counted invoice is paid or in payment."""
        invoices_of = self._governance_customer_invoices()
        return self.filtered(
            lambda o: o.invoice_status == "invoiced"
            and invoices_of[o.id]
            and all(
                m.payment_state in ("paid", "in_payment") for m in invoices_of[o.id]
            )
        )

    def _governance_execution_pending(self, kind):
        """``{order id: [what is not done yet]}`` for the built-in exit check
        ``kind`` (an empty list: met). The execution modules add their kinds."""
        result = {order.id: [] for order in self}
        if kind not in ("invoiced", "paid"):
            return result
        invoices_of = self._governance_customer_invoices()
        for order in self.sudo():
            pending = result[order.id]
            drafts = order.invoice_ids.filtered(
                lambda m: m.state == "draft" and m.move_type == "out_invoice"
            )
            if order.invoice_status != "invoiced":
                pending.extend(
                    _("%s (draft)", m.name or _("draft invoice")) for m in drafts
                )
                pending.append(_("not fully invoiced"))
            if kind == "paid":
                pending.extend(
                    _("%(invoice)s (%(status)s)", invoice=m.name, status=status)
                    for m in invoices_of[order.id]
                    if m.payment_state not in ("paid", "in_payment")
                    for status in [
                        dict(
                            m._fields["payment_state"]._description_selection(self.env)
                        )[m.payment_state]
                    ]
                )
        return result

    def _governance_reenter(self):
        """*Set to Quotation* on a cancelled order: back to the start of the flow."""
        for company, orders in self.grouped("company_id").items():
            first = self._governance_first_stage(company)
            if first:
                orders._governance_transition(first, system=True)

    def _governance_check_owner_change(self):
        """Officers, and the managers of the current owning department (who may hand
        ownership on, not take over another department's orders)."""
        user = self.env.user
        if self.env.su or user._is_governance_officer():
            return
        if not user.has_group("order_governance.group_governance_manager"):
            raise AccessError(
                _(
                    "Only department managers and officers may change the owning "
                    "department."
                )
            )
        managed = user.governance_managed_department_ids
        foreign = self.filtered(
            lambda o: o.owner_department_id and o.owner_department_id not in managed
        )
        if foreign:
            raise AccessError(
                _(
                    "Only the managers of its owning department and officers may "
                    "change the owning department of %s.",
                    ", ".join(foreign.mapped("display_name")),
                )
            )

    def _governance_check_state_change(self, state):
        """The state moves the governance (events): it changes the way Odoo's
        buttons change it and no other, whoever writes it (a raw write over RPC
        is possible to everyone who may write the order, Inventory and
        Manufacturing users included). Cancelling is guarded apart."""
        if state == "cancel":
            self._governance_check_cancel_access()
        if self.env.su or all(order.state == state for order in self):
            return
        if not self.env.user.has_group("sales_team.group_sale_salesman"):
            # Inventory, Manufacturing and billing users may write orders for
            # Odoo's flows; the state is Sales' (its buttons)
            raise AccessError(
                _("Only Sales users change the state of an order (its buttons).")
            )
        odd = self.filtered(
            lambda o: o.state != state
            and state not in ODOO_STATE_STEPS.get(o.state, ())
        )
        if odd:
            states = dict(self._fields["state"]._description_selection(self.env))
            raise AccessError(
                _(
                    "%(orders)s is %(state)s: it cannot be set to %(new)s. Use the "
                    "order's buttons (Confirm, Cancel, Set to Quotation): they move "
                    "its governance too.",
                    orders=", ".join(odd.mapped("display_name")),
                    state=states.get(odd[0].state, odd[0].state),
                    new=states.get(state, state),
                )
            )

    def _governance_after_transition(self, stage):
        res = super()._governance_after_transition(stage)
        self._governance_refresh_forecast()
        self._governance_request_ratings(stage)
        return res

    def _governance_hold(self, reason, note):
        res = super()._governance_hold(reason, note)
        self._governance_refresh_forecast()
        return res

    def _governance_resume(self):
        res = super()._governance_resume()
        self._governance_refresh_forecast()
        return res

    def action_confirm(self):
        """An order that the order management department put in a cancel stage
        is out of the flow: it is not confirmed behind the officers' back."""
        cancelled = self.filtered(
            lambda o: o.governance_stage_id.is_cancel and o.state != "cancel"
        )
        if cancelled:
            raise UserError(
                _(
                    "%(orders)s is in %(stage)s: an order management officer must "
                    "take it out of that stage before it is confirmed.",
                    orders=", ".join(cancelled.mapped("display_name")),
                    stage=cancelled[0].governance_stage_id.name,
                )
            )
        return super().action_confirm()

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------
    def web_save(self, vals, specification, next_id=None):
        """A handoff from the web client (a kanban drop, a stage picked on the form)
        may take the order out of its user's sight. Odoo would then fail the
        read-back and roll the move back with an Access Error: instead, keep the
        move, tell the user and answer with what he saw a moment ago."""
        if not self or next_id or "governance_stage_id" not in vals:
            return super().web_save(vals, specification, next_id=next_id)
        self.write(vals)
        if self._governance_all_visible():
            return self.with_context(bin_size=True).web_read(specification)
        self._governance_notify_handed_over()
        return (
            self.sudo()
            .with_context(bin_size=True)
            .web_read(self._governance_own_fields_spec(specification))
        )

    def _governance_own_fields_spec(self, specification):
        """``specification`` cut to the order's own fields that the user may read
        (names of linked records, no lines): what the card he dropped shows."""
        spec = {}
        for name, sub in specification.items():
            field = self._fields.get(name)
            if not field or not field.is_accessible(self.env):
                continue
            if field.type in ("one2many", "many2many"):
                spec[name] = {"fields": {}} if "fields" in sub else {}
            elif field.type == "many2one":
                spec[name] = {"fields": {"display_name": {}}} if "fields" in sub else {}
            else:
                spec[name] = sub
        return spec

    def _governance_all_visible(self):
        # the record rules read the fields the handoff just wrote: flush them first
        self.flush_recordset()
        return self.search_count([("id", "in", self.ids)]) == len(self)

    def _governance_handed_over_message(self):
        # the user may no longer read the orders: their numbers are what he just saw
        return self.env._(
            "Handed over: %s has left your hands and your desk.",
            ", ".join(self.sudo().mapped("name")),
        )

    def _governance_notify_handed_over(self):
        self.env.user._bus_send(
            "simple_notification",
            {"type": "success", "message": self._governance_handed_over_message()},
        )

    def _governance_action_after_handoff(self, in_dialog=False):
        """Executors see only what they are responsible for: once they have handed
        the orders over, leave the form for the Order Desk (breadcrumbs cleared: they
        would lead back to an order he may no longer read) with a notice, instead of
        reloading a record that would end in an Access Error."""
        if self._governance_all_visible():
            return {"type": "ir.actions.act_window_close"} if in_dialog else True
        desk = self._governance_desk_action()
        desk["target"] = "main"
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self._governance_handed_over_message(),
                "next": desk,
            },
        }

    @api.model
    def _governance_desk_action(self):
        """The Order Desk as its user needs it: executors and managers land on their
        departments' orders, officers on everything."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "order_governance.sale_order_action_order_desk"
        )
        if not self.env.user._is_governance_officer():
            action["context"] = {"search_default_my_department": 1}
        return action

    def _governance_wizard_action(self, model, name, **defaults):
        """Open the wizard ``model`` on these orders."""
        context = {
            "default_order_ids": self.ids,
            **{f"default_{field}": value for field, value in defaults.items()},
        }
        if "governance_expected_stage_id" in self.env.context:
            # the stage the user saw, on to the dialog's button: a dialog
            # confirmed after someone else moved the order is refused
            context["governance_expected_stage_id"] = self.env.context[
                "governance_expected_stage_id"
            ]
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "context": context,
        }

    def action_governance_send_back(self):
        self.ensure_one()
        return self._governance_wizard_action(
            "order.governance.send.back", _("Send Back")
        )

    def action_governance_hold(self):
        return self._governance_wizard_action(
            "order.governance.hold.wizard", _("Put on Hold")
        )

    def action_governance_reassign(self):
        return self._governance_wizard_action(
            "order.governance.reassign", _("Reassign")
        )

    @api.model
    def action_governance_open_desk(self):
        """The Order Desk menu: see ``_governance_desk_action``."""
        return self._governance_desk_action()

    def _track_subtype(self, init_values):
        subtype = super()._track_subtype(init_values)
        if not subtype and "governance_stage_id" in init_values:
            return self._governance_handoff_subtype()
        return subtype

    def _governance_handoff_subtype(self):
        # browsed, not env.ref(): env.ref() reads the row to check it exists,
        # one query per order, and the tracking checks it again anyway
        return self.env["mail.message.subtype"].browse(
            self.env["ir.model.data"]._xmlid_to_res_id(
                "order_governance.mt_governance_handoff"
            )
        )

    # ------------------------------------------------------------------
    # The handoff messages, posted in one batch
    # ------------------------------------------------------------------
    def _message_track(self, fields_iter, initial_values_dict):
        """Odoo's tracking, but the handoff messages of a move are posted in one
        batch: its ``message_post`` per order costs eight queries before any
        follower is notified (see ``_governance_post_handoffs``)."""
        batch = HandoffBatch()
        tracking = super(
            SaleOrder, self.with_context(governance_handoff_batch=batch)
        )._message_track(fields_iter, initial_values_dict)
        self._governance_post_handoffs(batch.posts)
        return tracking

    def message_post(self, **kwargs):
        if kwargs.get("tracking_value_ids") and not self.env.su:
            # Odoo's tracking posts them as superuser; a user posting them would
            # write "Stage: Production → Done" in the chatter of an order that
            # never moved
            raise AccessError(
                _(
                    "The changes shown in an order's chatter are recorded by Odoo "
                    "when the order changes; they cannot be posted with a message."
                )
            )
        batch = self.env.context.get("governance_handoff_batch")
        if (
            isinstance(batch, HandoffBatch)
            and set(kwargs) <= TRACKING_POST_ARGUMENTS
            and kwargs.get("subtype_id") == self._governance_handoff_subtype().id
            and all(
                command[0] == Command.CREATE
                for command in kwargs.get("tracking_value_ids") or ()
            )
        ):
            self.ensure_one()
            batch.posts.append((self, kwargs))
            return self.env["mail.message"]
        return super().message_post(**kwargs)

    def _governance_post_handoffs(self, posts):
        """What ``message_post`` does for each (order, arguments) of ``posts``,
        batched where Odoo's mail API allows it: the messages and their tracking
        values created at once; the thread parents, alias domains, companies and
        reply-to addresses read once for all. The post hook and the notification
        of the followers stay one message at a time: the mail API has no batch
        for them."""
        if not posts:
            return
        orders = self.browse([order.id for order, _arguments in posts])._fallback_lang()
        parents = orders._governance_thread_parents()
        alias_domains = orders.sudo()._mail_get_alias_domains(
            default_company=self.env.company
        )
        companies = orders._mail_get_companies(default=self.env.company)
        reply_to_from = {}
        values_list = []
        for order, (_order, arguments) in zip(orders, posts, strict=True):
            author_id, email_from = order._message_compute_author(
                arguments.get("author_id"), None, raise_on_email=True
            )
            if email_from not in reply_to_from:
                reply_to_from[email_from] = orders._notify_get_reply_to(
                    default=email_from
                )
            values = {
                "tracking_value_ids": arguments.get("tracking_value_ids") or [],
                "email_add_signature": True,
                "record_name": order.sudo().display_name,
                "author_id": author_id,
                "author_guest_id": False,
                "email_from": email_from,
                "model": order._name,
                "res_id": order.id,
                "body": escape(arguments.get("body") or ""),
                "message_type": "notification",
                "parent_id": parents.get(order.id, False),
                "subject": False,
                "subtype_id": arguments["subtype_id"],
                "partner_ids": [],
                "record_alias_domain_id": alias_domains[order.id].id,
                "record_company_id": companies[order.id].id,
                "reply_to": reply_to_from[email_from][order.id],
            }
            values.update(order._process_attachments_for_post([], [], values))
            values_list.append(values)
        # the tracking values apart: created with their messages, they would be
        # inserted one message at a time. As superuser and as the engine: only
        # it writes handoff messages (see mail.message).
        messages = (
            orders.sudo()
            .with_context(governance_handoff_writer=HANDOFF_WRITER)
            ._message_create(
                [dict(values, tracking_value_ids=[]) for values in values_list]
            )
            .with_env(orders.env)
        )
        self.env["mail.tracking.value"].sudo().create(
            [
                dict(tracking, mail_message_id=message.id)
                for message, values in zip(messages, values_list, strict=True)
                for _command, _id, tracking in values["tracking_value_ids"]
            ]
        )
        # the notification formats each message with the messages prefetched
        # with it (mail.message._records_by_model_name walks them all): in
        # small groups, neither one prefetch per message nor one for the batch
        for start in range(0, len(messages), NOTIFY_GROUP):
            group = slice(start, start + NOTIFY_GROUP)
            for order, message, values in zip(
                orders[group],
                messages[group].with_prefetch(),
                values_list[group],
                strict=True,
            ):
                order._message_post_after_hook(message, values)
                order._notify_thread(message, values)

    def _governance_thread_parents(self):
        """{order id: the first message of its thread}: the parent that
        ``message_post`` gives a new message (``_message_compute_parent_id``),
        read for all the orders at once."""
        if not self._mail_flat_thread:
            return {}
        return dict(
            self.env["mail.message"]
            .sudo()
            ._read_group(
                [
                    ("model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("message_type", "!=", "user_notification"),
                ],
                ["res_id"],
                ["id:min"],
            )
        )
