from collections import defaultdict

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

SLA_STATUSES = [
    ("none", "No SLA"),
    ("on_track", "On Track"),
    ("at_risk", "At Risk"),
    ("breached", "Breached"),
]
# Sale order states and the governance event each one raises.
STATE_EVENTS = {"sent": "quotation_sent", "sale": "confirmed", "cancel": "cancelled"}


class SaleOrder(models.Model):
    _inherit = "sale.order"

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
    governance_check_line_ids = fields.One2many(
        comodel_name="order.governance.check.line",
        compute="_compute_governance_current",
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
    governance_norms = fields.Html(
        related="governance_stage_id.norms", string="Operating Norms"
    )
    governance_stage_is_final = fields.Boolean(related="governance_stage_id.is_final")
    governance_stage_is_cancel = fields.Boolean(related="governance_stage_id.is_cancel")
    governance_can_move = fields.Boolean(compute="_compute_governance_rights")
    governance_can_reassign = fields.Boolean(compute="_compute_governance_rights")
    governance_can_hold = fields.Boolean(compute="_compute_governance_rights")
    governance_can_manage = fields.Boolean(compute="_compute_governance_rights")
    governance_in_my_department = fields.Boolean(
        compute="_compute_governance_in_my_department",
        search="_search_governance_in_my_department",
        string="In My Department",
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

    @api.depends("stage_log_ids.check_line_ids", "stage_log_ids.date_out")
    def _compute_governance_current(self):
        open_logs = self._governance_open_logs().grouped("order_id")
        for order in self:
            log = open_logs.get(order._origin, self.env["order.governance.stage.log"])
            order.governance_check_line_ids = log.check_line_ids

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
            order.governance_can_hold = bool(order.governance_stage_id) and (
                officer
                or order.responsible_user_id == user
                or order.responsible_department_id in managed
            )

    @api.depends_context("uid")
    @api.depends("responsible_department_id", "owner_department_id")
    def _compute_governance_in_my_department(self):
        mine = self.env.user.governance_department_ids
        for order in self:
            order.governance_in_my_department = bool(
                (order.responsible_department_id | order.owner_department_id) & mine
            )

    def _search_governance_in_my_department(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on 'In My Department'."))
        ids = self.env.user.governance_department_ids.ids
        domain = [
            "|",
            ("responsible_department_id", "in", ids),
            ("owner_department_id", "in", ids),
        ]
        return domain if (operator == "=") == value else ["!", *domain]

    @api.model
    def _read_group_governance_stage_ids(self, stages, domain):
        return stages.search([])

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        requested = [vals.pop("governance_stage_id", False) for vals in vals_list]
        orders = super().create(vals_list)
        officer = self.env.user._is_governance_officer()
        for order, stage_id in zip(orders, requested, strict=True):
            if stage_id and officer:  # e.g. quick-created in a kanban column
                order._governance_transition(
                    self.env["order.governance.stage"].browse(stage_id), system=True
                )
        orders.filtered(lambda o: not o.governance_stage_id)._governance_enter()
        return orders

    def write(self, vals):
        if "owner_department_id" in vals:
            self._governance_check_owner_change()
        if "governance_stage_id" in vals and not self.env.context.get(
            "governance_internal_move"
        ):
            # Kanban drag and drop, imports, RPC: the same path as the buttons.
            vals = dict(vals)
            stage = self.env["order.governance.stage"].browse(
                vals.pop("governance_stage_id")
            )
            res = super().write(vals) if vals else True
            self.governance_move(
                stage, reason=self.env.context.get("governance_reason")
            )
            return res
        previous_states = {order.id: order.state for order in self}
        res = super().write(vals)
        if vals.get("state") in STATE_EVENTS:
            changed = self.filtered(lambda o: previous_states[o.id] != vals["state"])
            changed._governance_apply_event(STATE_EVENTS[vals["state"]])
        return res

    # ------------------------------------------------------------------
    # Public API
    # ------------------------------------------------------------------
    def action_governance_next(self):
        """Move every order to the next stage by sequence."""
        next_stages = self._governance_next_stages()
        for stage, orders in self._governance_group_by_stage(next_stages).items():
            orders._governance_transition(stage)
        return self._governance_action_after_handoff()

    def governance_move(self, stage, reason=None, force=False):
        """Move every order of ``self`` to ``stage``; backwards is rework and needs a
        ``reason``. ``force`` (officers, with a reason) passes unmet exit criteria."""
        if not isinstance(stage, models.BaseModel):
            stage = self.env["order.governance.stage"].browse(stage)
        self._governance_transition(stage, reason=reason, forced=force)
        return True

    def governance_hold(self, reason, note=None):
        """Put the orders on hold: the SLA clock stops until they are resumed."""
        self._governance_check_hold_access()
        if self.filtered("governance_on_hold"):
            raise UserError(
                _(
                    "%s is already on hold.",
                    ", ".join(
                        self.filtered("governance_on_hold").mapped("display_name")
                    ),
                )
            )
        logs = self._governance_open_logs()
        if len(logs) != len(self):
            raise UserError(_("Only orders in a governed stage can be put on hold."))
        now = fields.Datetime.now()
        self.env["order.governance.hold"].sudo().create(
            [
                {
                    "order_id": log.order_id.id,
                    "log_id": log.id,
                    "reason_id": reason.id,
                    "note": note,
                    "user_id": self.env.uid,
                    "date_start": now,
                }
                for log in logs
            ]
        )
        self.with_context(governance_internal_move=True).write(
            {"governance_on_hold": True}
        )
        return True

    def governance_resume(self):
        """End the hold: the deadline moves by the paused working hours."""
        self._governance_check_hold_access()
        self.filtered("governance_on_hold")._governance_resume()
        return True

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
            log = hold.log_id
            calendar = log._get_calendar()
            paused = log._working_hours_between(calendar, hold.date_start, now)
            hold.write({"date_end": now, "paused_hours": paused})
            values = {"paused_hours": log.paused_hours + paused}
            for field in ("deadline", "risk_at", "escalate_at"):
                if log[field]:
                    values[field] = log._plan(calendar, log[field], paused)
            log.write(values)
            hold.order_id.with_context(governance_internal_move=True).write(
                {"stage_deadline": values.get("deadline", log.deadline)}
            )
        self.with_context(governance_internal_move=True).write(
            {"governance_on_hold": False}
        )

    def _governance_action_after_handoff(self):
        """Executors see only what they are responsible for: once they have handed
        the orders over, leave the form for the Order Desk instead of reloading a
        record they may no longer read."""
        visible = self.search_count([("id", "in", self.ids)])
        if visible == len(self):
            return True
        desk = self.env["ir.actions.act_window"]._for_xml_id(
            "order_governance.sale_order_action_order_desk"
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _("Handed over: the order has left your hands."),
                "next": desk,
            },
        }

    def governance_resolve(self, stage):
        """Who would be responsible for this order in ``stage``; writes nothing.

        :return: ``{'department': hr.department, 'user': res.users,
                   'rule': order.governance.rule}``
        """
        self.ensure_one()
        resolution = self._governance_resolve_batch(stage, preview=True)[self.id]
        return {key: record.with_env(self.env) for key, record in resolution.items()}

    def _governance_wizard_action(self, model, name, **defaults):
        """Open the wizard ``model`` on these orders."""
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_order_ids": self.ids,
                **{f"default_{field}": value for field, value in defaults.items()},
            },
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
            "order.governance.reassign",
            _("Reassign"),
            department_id=self.responsible_department_id[:1].id,
        )

    def governance_reassign(self, department, user=None):
        """Make ``department`` (and ``user``, one of its people) responsible for the
        current stage. Managers of the responsible department's tree and officers."""
        self._governance_check_reassign_access()
        user = user or self.env["res.users"]
        if user and user not in department._governance_member_users():
            raise ValidationError(
                _(
                    "%(user)s is not an employee of %(department)s.",
                    user=user.name,
                    department=department.name,
                )
            )
        if not self.env.user._is_governance_officer():
            outside = department - self.env.user.governance_managed_department_ids
            if outside:
                raise AccessError(
                    _("You do not manage the department %s.", outside.name)
                )
        self.with_context(governance_internal_move=True).write(
            {"responsible_department_id": department.id, "responsible_user_id": user.id}
        )
        logs = self._governance_open_logs()
        logs.write({"department_id": department.id, "user_id": user.id})
        if user:
            logs.activity_id.sudo().write({"user_id": user.id})
        return True

    # ------------------------------------------------------------------
    # The move path
    # ------------------------------------------------------------------
    def _governance_transition(self, stage, reason=None, system=False, forced=False):
        """The one path of every move: checks, close the open stay, resolve the next
        responsible, open a new stay, update the orders, log a message.

        ``system`` moves (events, entry) skip the permission check.
        """
        stage.ensure_one()
        orders = self.filtered(lambda o: o.governance_stage_id != stage)
        if not orders:
            return
        if not system:
            orders._governance_check_move_access()
        rework = orders.filtered(lambda o: o._governance_is_backward(stage))
        orders._governance_check_target(stage, rework, reason, system)
        closing = orders._governance_open_logs()
        forward = not rework and not stage.is_cancel
        if forced:
            orders._governance_check_force(reason)
        elif forward and not system:
            closing._check_exit_criteria()
        orders.filtered("governance_on_hold")._governance_resume()
        now = fields.Datetime.now()
        closing._close(now, stage)
        resolution = orders._governance_resolve_batch(stage)
        logs = orders._governance_create_logs(
            stage, resolution, now, reason, rework, forced
        )
        orders._governance_log_message(stage, reason)
        orders._governance_write_current(stage, resolution, now, logs)
        logs._on_entry()
        orders._governance_after_transition(stage)

    def _governance_after_transition(self, stage):
        """Override to act once the orders of ``self`` have entered ``stage``."""

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
        """The orders of ``self`` that ``user`` may move out of their current stage."""
        if self.env.su or user._is_governance_officer():
            return self
        allowed = (
            user.governance_department_ids | user.governance_managed_department_ids
        )
        return self.filtered(
            lambda o: (o.responsible_user_id and o.responsible_user_id == user)
            or (o.responsible_department_id and o.responsible_department_id in allowed)
        )

    def _governance_check_force(self, reason):
        if not self.env.user._is_governance_officer():
            raise AccessError(
                _("Only order management officers may force a move past unmet checks.")
            )
        if not (reason or "").strip():
            raise UserError(_("A forced move needs a reason."))

    def _governance_check_hold_access(self):
        """Holds: the responsible person, managers of the department, officers."""
        user = self.env.user
        if self.env.su or user._is_governance_officer():
            return
        managed = user.governance_managed_department_ids
        denied = self.filtered(
            lambda o: o.responsible_user_id != user
            and o.responsible_department_id not in managed
        )
        if denied:
            raise AccessError(
                _(
                    "Only the responsible person, the department's managers and "
                    "officers may hold or resume %s.",
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
        if not current or stage.is_cancel:
            return False
        return (stage.sequence, stage.id) < (current.sequence, current.id)

    def _governance_open_logs(self):
        return (
            self.env["order.governance.stage.log"]
            .sudo()
            .search([("order_id", "in", self.ids), ("date_out", "=", False)])
        )

    def _governance_resolve_batch(self, stage, preview=False):
        """``{order id: {'department', 'user', 'rule'}}`` for ``stage``: first matching
        rule by sequence, else the stage's responsible department and its manager."""
        Rule = self.env["order.governance.rule"].sudo()
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
        result = {}
        for rule, orders in matches:
            department = (rule.responsible_department_id if rule else None) or (
                stage.sudo().responsible_department_id
            )
            users = rule._assign_users(orders, department, preview=preview)
            for order in orders:
                result[order.id] = {
                    "department": department,
                    "user": users[order.id],
                    "rule": rule,
                }
        return result

    def _governance_create_logs(self, stage, resolution, now, reason, rework, forced):
        Log = self.env["order.governance.stage.log"].sudo()
        previous = {order.id: order.governance_stage_id.id for order in self}
        sla = {
            company: Log._sla_dates(stage, company, now) for company in self.company_id
        }
        return Log.create(
            [
                {
                    "order_id": order.id,
                    "stage_id": stage.id,
                    "previous_stage_id": previous[order.id],
                    "department_id": resolution[order.id]["department"].id,
                    "user_id": resolution[order.id]["user"].id,
                    "moved_by_id": self.env.uid,
                    "date_in": now,
                    "is_rework": order in rework,
                    "forced": forced,
                    "reason": reason,
                    "company_id": order.company_id.id,
                    "deadline": sla[order.company_id][0],
                    "risk_at": sla[order.company_id][1],
                    "escalate_at": sla[order.company_id][2],
                }
                for order in self
            ]
        )

    def _governance_log_message(self, stage, reason):
        """The handoff note, attached to the tracking message of the move."""
        body = Markup("<p>%s</p>") % _(
            "Moved to %(stage)s by %(user)s.",
            stage=stage.name,
            user=self.env.user.name,
        )
        if reason:
            body += Markup("<p>%s</p>") % _("Reason: %s", reason)
        self._track_set_log_message(body)

    def _governance_write_current(self, stage, resolution, now, logs):
        """Update the orders, one write per responsible person and deadline."""
        deadline_of = {log.order_id.id: log.deadline for log in logs}
        groups = defaultdict(list)
        for order in self:
            target = resolution[order.id]
            key = (target["department"].id, target["user"].id, deadline_of[order.id])
            groups[key].append(order.id)
        for (department_id, user_id, deadline), ids in groups.items():
            self.browse(ids).with_context(governance_internal_move=True).write(
                {
                    "governance_stage_id": stage.id,
                    "responsible_department_id": department_id,
                    "responsible_user_id": user_id,
                    "stage_entered_at": now,
                    "stage_deadline": deadline,
                    "sla_status": "on_track" if deadline else "none",
                }
            )

    def _track_subtype(self, init_values):
        subtype = super()._track_subtype(init_values)
        if not subtype and "governance_stage_id" in init_values:
            return self.env.ref("order_governance.mt_governance_handoff")
        return subtype

    @api.model
    def _governance_group_by_stage(self, stage_of):
        """``{order id: stage}`` -> ``{stage: orders}``."""
        grouped = defaultdict(lambda: self.browse())
        for order_id, stage in stage_of.items():
            grouped[stage] |= self.browse(order_id)
        return grouped

    def _governance_stages_of(self, companies):
        """Active stages usable by ``companies``, in flow order."""
        return (
            self.env["order.governance.stage"]
            .sudo()
            .search([("company_id", "in", [*companies.ids, False])])
        )

    def _governance_next_stages(self):
        stages = self._governance_stages_of(self.company_id)
        result = {}
        for order in self:
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
            candidates = stages.filtered(
                lambda s, o=order: not s.is_cancel
                and (not s.company_id or s.company_id == o.company_id)
                and (
                    not o.governance_stage_id
                    or (s.sequence, s.id)
                    > (o.governance_stage_id.sequence, o.governance_stage_id.id)
                )
            )
            if not candidates:
                raise UserError(
                    _("%s has no next stage to move to.", order.display_name)
                )
            result[order.id] = candidates[0].with_env(self.env)
        return result

    def _governance_enter(self):
        """Put orders without a stage into the stage their state calls for: the first
        stage, or the stage of the event their state raised (quotation sent,
        confirmed, cancelled)."""
        first_stages = {}
        for company, orders in self.grouped("company_id").items():
            stages = self._governance_stages_of(company).filtered(
                lambda s: not s.is_cancel
            )
            if stages:
                first_stages[company] = stages[0].with_env(self.env)
            for state, event in STATE_EVENTS.items():
                in_state = orders.filtered(lambda o, st=state: o.state == st)
                in_state._governance_apply_event(event)
        for company, orders in self.grouped("company_id").items():
            waiting = orders.filtered(lambda o: not o.governance_stage_id)
            if waiting and company in first_stages:
                waiting._governance_transition(first_stages[company], system=True)

    def _governance_apply_event(self, event):
        """Pull orders into the stage of ``event``; never backwards, except into a
        cancel stage or out of one."""
        for company, orders in self.grouped("company_id").items():
            stage = self._governance_stages_of(company).filtered(
                lambda s: s.sale_event == event
            )[:1]
            if not stage:
                continue
            movable = orders.filtered(
                lambda o, s=stage: s.is_cancel
                or o.governance_stage_id.is_cancel
                or not o.governance_stage_id
                or (s.sequence, s.id)
                > (o.governance_stage_id.sequence, o.governance_stage_id.id)
            )
            movable._governance_transition(stage.with_env(self.env), system=True)

    def _governance_check_owner_change(self):
        if self.env.su or self.env.user.has_group(
            "order_governance.group_governance_manager"
        ):
            return
        raise AccessError(
            _("Only department managers and officers may change the owning department.")
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

    def _demo_walk(self, index):
        """Demo data: move the order along the flow, with some rework and
        cancellations, as the n-th demo order."""
        self.ensure_one()
        steps = index % 6
        if index % 7 == 6:
            self._action_cancel()
            return
        if steps >= 1:
            self.action_confirm()
        for step in range(2, steps + 1):
            if step == 3 and index % 4 == 0:
                self.governance_move(
                    self._governance_stages_of(self.company_id).filtered(
                        lambda s: s.code == "confirmed"
                    ),
                    reason=self.env._("Production found a missing specification."),
                )
            self.governance_check_line_ids.filtered(
                lambda line: not line.automatic and not line.done
            ).action_tick()
            self.action_governance_next()
