from odoo import _, api, fields, models
from odoo.exceptions import AccessError, RedirectWarning
from odoo.tools import SQL

from . import working_hours

# Columns of the open working stays that the SLA watch and the backlog filter or
# group by, each with a partial index on the open work only.
OPEN_WORK_INDEXED = ("stage_id", "deadline", "risk_at", "escalate_at")


def backfill_handoff_columns(cr, order_ids=None):
    """Fill the columns a stay gets on entry (since 18.0.1.1.0) from the history:
    the stage kind, and the stay each one ended (the order's stay that entered
    before it). For the stays written before, and after a history is rewritten
    (the demo's back-dating); all orders, or those of ``order_ids``."""
    orders = SQL("TRUE") if order_ids is None else SQL("order_id = ANY(%s)", order_ids)
    cr.execute(
        SQL(
            """
            UPDATE order_governance_stage_log log
               SET is_working_stage = NOT COALESCE(stage.is_final, FALSE)
                                      AND NOT COALESCE(stage.is_cancel, FALSE)
              FROM order_governance_stage stage
             WHERE stage.id = log.stage_id AND %s
            """,
            orders,
        )
    )
    cr.execute(
        SQL(
            "UPDATE order_governance_stage_log"
            " SET is_open_work = date_out IS NULL AND is_working_stage WHERE %s",
            orders,
        )
    )
    cr.execute(
        SQL(
            """
            UPDATE order_governance_stage_log log
               SET previous_department_id = prev.department_id,
                   previous_user_id = prev.user_id,
                   previous_hours = prev.duration_hours
              FROM (
                   SELECT id,
                          LAG(department_id) OVER w AS department_id,
                          LAG(user_id) OVER w AS user_id,
                          LAG(duration_hours) OVER w AS duration_hours,
                          LAG(id) OVER w AS previous_id
                     FROM order_governance_stage_log
                    WHERE %s
                   WINDOW w AS (PARTITION BY order_id ORDER BY date_in, id)
              ) prev
             WHERE prev.id = log.id AND prev.previous_id IS NOT NULL
            """,
            orders,
        )
    )


def refresh_lead_times(cr, order_ids=None):
    """Write each order's lead time figures from its stays in one UPDATE: first
    entry, completion (entry into the final stage it is in), working hours of the
    stays before completion, calendar hours, handoffs, breaches; empty for an
    order without stays. All orders, or those of ``order_ids``."""
    if order_ids is None:
        orders = SQL("SELECT id FROM sale_order")
        stays = SQL("TRUE")
    else:
        orders = SQL("SELECT id FROM sale_order WHERE id = ANY(%s)", order_ids)
        stays = SQL("log.order_id = ANY(%s)", order_ids)
    cr.execute(
        SQL(
            """
            UPDATE sale_order so
               SET governance_first_entry = stays.first_entry,
                   governance_completed_at = stays.completed_at,
                   governance_lead_time_hours = CASE
                       WHEN stays.completed_at IS NOT NULL THEN stays.worked_hours END,
                   governance_lead_time_elapsed_hours = EXTRACT(
                       EPOCH FROM stays.completed_at - stays.first_entry
                   ) / 3600.0,
                   governance_handoff_count = stays.handoff_count,
                   governance_breach_count = stays.breached_count
              FROM (%(orders)s) mine
              LEFT JOIN (
                   SELECT log.order_id,
                          MIN(log.date_in) AS first_entry,
                          -- done: the order's open stay is in a final stage
                          MAX(log.date_in) FILTER (
                              WHERE log.date_out IS NULL AND stage.is_final
                          ) AS completed_at,
                          COUNT(*) - 1 AS handoff_count,
                          SUM(CASE WHEN log.sla_breached THEN 1 ELSE 0 END)
                              AS breached_count,
                          SUM(log.duration_hours) FILTER (
                              WHERE log.date_out IS NOT NULL
                          ) AS worked_hours
                     FROM order_governance_stage_log log
                     JOIN order_governance_stage stage ON stage.id = log.stage_id
                    WHERE %(stays)s
                    GROUP BY log.order_id
              ) stays ON stays.order_id = mine.id
             WHERE so.id = mine.id
            """,
            orders=orders,
            stays=stays,
        )
    )


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
    # The stay this one ended, as it was when it closed (written once, on entry):
    # the transition report reads them without looking for that stay.
    previous_department_id = fields.Many2one(
        comodel_name="hr.department",
        string="Handed Over By (Department)",
        readonly=True,
        ondelete="set null",
    )
    previous_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Handed Over By",
        readonly=True,
        ondelete="set null",
    )
    previous_hours = fields.Float(
        string="Previous Stage Hours",
        readonly=True,
        help="Working hours, holds excluded, of the stay that this move ended.",
    )
    is_working_stage = fields.Boolean(
        string="Working Stage",
        compute="_compute_is_working_stage",
        store=True,
        help="The stage is neither final nor cancel: a stay there is open work "
        "until the order leaves it. The final stay of a completed order is not.",
    )
    # One column, not "date_out IS NULL AND is_working_stage": PostgreSQL
    # estimates two conditions as independent (16% open x 84% working stays:
    # 100 times the real open work of a long history) and then scans the table
    # instead of the partial indexes. Of one column it knows the share.
    is_open_work = fields.Boolean(
        string="Open Work",
        compute="_compute_is_open_work",
        store=True,
        help="An open stay in a working stage: the order is being worked on.",
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
    as_of_install = fields.Boolean(
        string="As of Install",
        readonly=True,
        help="The order was already under way when Order Governance was installed: "
        "the stay starts then, without SLA clock, activity or message.",
    )
    reason = fields.Text(readonly=True)
    routing_note = fields.Char(
        string="Routing",
        readonly=True,
        help="Who the routing passed over when the stay began, and why (e.g. a "
        "manager on leave whose deputy took the order).",
    )
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

    @api.model
    def default_get(self, fields_list):
        """The engine gives every value of a stay: none comes from the context or
        saved defaults (a client's ``default_date_out`` would close it at once)."""
        defaults = super().default_get(fields_list)
        return {
            fname: self._fields[fname].default(self)
            for fname in defaults
            if self._fields[fname].default
        }

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
        # Open work only: every completed order keeps an open stay in its final
        # stage for ever; the SLA watch and the backlog must not read those.
        for column in OPEN_WORK_INDEXED:
            self.env.cr.execute(
                SQL(
                    "CREATE INDEX IF NOT EXISTS %s ON %s (%s) WHERE is_open_work",
                    SQL.identifier(
                        f"order_governance_stage_log_open_work_{column}_idx"
                    ),
                    SQL.identifier(self._table),
                    SQL.identifier(column),
                )
            )

    @api.depends("stage_id.is_final", "stage_id.is_cancel")
    def _compute_is_working_stage(self):
        for stay in self:
            stage = stay.stage_id
            stay.is_working_stage = not stage.is_final and not stage.is_cancel

    @api.depends("date_out", "is_working_stage")
    def _compute_is_open_work(self):
        for stay in self:
            stay.is_open_work = not stay.date_out and stay.is_working_stage

    @api.depends("date_in", "date_out", "paused_hours")
    def _compute_hours(self):
        closed = self.filtered("date_out")
        (self - closed).update({"duration_hours": 0.0, "elapsed_hours": 0.0})
        for calendar, stays in closed.grouped(lambda s: s._get_calendar()).items():
            worked = working_hours.hours_of_periods(
                calendar, {stay.id: (stay.date_in, stay.date_out) for stay in stays}
            )
            for stay in stays:
                stay.elapsed_hours = (
                    stay.date_out - stay.date_in
                ).total_seconds() / 3600
                stay.duration_hours = max(worked[stay.id] - stay.paused_hours, 0.0)

    def _get_calendar(self):
        """The stage's working calendar, else the company's."""
        self.ensure_one()
        return self.stage_id.calendar_id or self.company_id.resource_calendar_id

    @api.model
    def _sla_dates(self, stage, company, start):
        """``(deadline, risk_at, escalate_at)`` of a stay of an order of ``company``
        entering ``stage`` at ``start``; all empty when the stage has no SLA."""
        if not stage.sla_hours:
            return False, False, False
        calendar = stage.calendar_id or company.resource_calendar_id
        deadline = working_hours.plan(calendar, start, stage.sla_hours)
        share = min(max(company.governance_at_risk_percent, 0.0), 100.0) / 100
        risk_at = working_hours.plan(calendar, start, stage.sla_hours * share)
        escalate_at = working_hours.plan(
            calendar, deadline, company.governance_escalation_delay_hours
        )
        return deadline, risk_at, escalate_at

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
                f"- {line.order_id.display_name}: {line.name}"
                + (" (%s)" % _("not done: %s", line.pending) if line.pending else "")
                for line in unmet
            )
            # a way to the checks: the list where they are ticked, in a dialog
            raise RedirectWarning(
                _("These exit criteria are not met yet:\n%s", lines),
                {
                    "type": "ir.actions.act_window",
                    "name": _("Exit Criteria"),
                    "res_model": "order.governance.check.line",
                    "views": [
                        (
                            self.env.ref(
                                "order_governance.order_governance_check_line_view_list"
                            ).id,
                            "list",
                        )
                    ],
                    "domain": [("log_id", "in", self.ids)],
                    "target": "new",
                },
                _("Open the Exit Criteria"),
            )

    def _close(self, now):
        """End the stays: time stamps, SLA outcome, their activities closed (the
        responsible person's, the consulted and escalation ones: done, archived)."""
        if not self:
            return
        breached = self.filtered(lambda s: s.deadline and now > s.deadline)
        breached.write({"date_out": now, "sla_breached": True})
        (self - breached).write({"date_out": now, "sla_breached": False})
        # before the new open rows are inserted (one open row per order)
        self.flush_recordset(["date_out"])
        main = self.activity_id.exists()
        others = (
            self.env["mail.activity"]
            .sudo()
            .search([("governance_log_id", "in", self.ids), ("id", "not in", main.ids)])
        )
        (main | others)._governance_done()

    def _on_entry(self, as_of_install=False):
        """Exit criteria to meet, the activity of the responsible person, the
        consulted and informed departments' managers as followers. Final and
        cancel stays get no activity: no move would ever close it."""
        self._create_check_lines()
        if as_of_install:
            return
        working = self.filtered(
            lambda s: not s.stage_id.is_final and not s.stage_id.is_cancel
        )
        working._create_activities()
        working._involve_consulted_and_informed()

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
            # the deadline's date where the assignee is: Odoo's activity counts its
            # days overdue from this date, as the order's due label does
            "date_deadline": fields.Datetime.context_timestamp(
                self.with_context(tz=user.tz or self.env.user.tz),
                self.deadline or self.date_in,
            ).date(),
            "summary": summary,
            "note": note,
            "governance_log_id": self.id,
        }

    @api.model
    def _todo_type(self):
        return self.env.ref("mail.mail_activity_data_todo")

    def _create_activities(self):
        todo = self._todo_type()
        with_user = self.filtered("user_id")
        values = []
        for log in with_user:
            # the assignee reads the activity: his language for the stage's
            # name and operating norms
            stage = log.stage_id.with_context(lang=log.user_id.lang or self.env.lang)
            values.append(
                log._activity_values(
                    log.user_id,
                    stage.env._(
                        "%(stage)s: %(order)s",
                        stage=stage.name,
                        order=log.order_id.name,
                    ),
                    stage.norms,
                    log.stage_id.activity_type_id or todo,
                )
            )
        activities = self._new_activities(values, merge=True)
        for log, activity in zip(with_user, activities, strict=True):
            log.activity_id = activity

    def _new_activities(self, values, merge=False):
        """Create governance activities, one per item of ``values``: at most one
        open per person and order. With ``merge``, a person who already has one on
        the order gets it updated (an escalation takes over the consulted to-do)
        instead of a second one; without, he keeps the one he has. Returns the
        activity of each item, in order."""
        Activity = self.env["mail.activity"].sudo()
        existing = {
            (activity.res_id, activity.user_id.id): activity
            for activity in Activity.search(
                [
                    ("res_model", "=", "sale.order"),
                    ("res_id", "in", list({vals["res_id"] for vals in values})),
                    ("governance_log_id", "!=", False),
                ]
            )
        }
        self._follow_handoffs_only(values)
        fresh, slots = {}, []
        for vals in values:
            key = (vals["res_id"], vals["user_id"])
            current = existing.get(key)
            if current:
                if merge:
                    current.write(
                        {
                            name: vals[name]
                            for name in ("summary", "note", "date_deadline")
                        }
                    )
                slots.append(current)
            else:
                fresh.setdefault(key, vals)
                slots.append(key)
        # quick_update: no assignment e-mail per activity (batches stay cheap); the
        # activity shows in the person's to-do list and chatter at once.
        created = Activity.with_context(mail_activity_quick_update=True).create(
            list(fresh.values())
        )
        created_of = dict(zip(fresh, created, strict=True))
        return [
            created_of.get(slot, slot) if isinstance(slot, tuple) else slot
            for slot in slots
        ]

    @api.model
    def _follow_handoffs_only(self, values):
        """People given a governance activity follow the order for its handoffs.
        Done before Odoo subscribes them with the default subtypes, which would send
        them every e-mail of the order's customer; existing followers keep theirs."""
        handoff = self.env.ref("order_governance.mt_governance_handoff").id
        orders_of = {}
        for vals in values:
            orders_of.setdefault(vals["user_id"], set()).add(vals["res_id"])
        users = self.env["res.users"].sudo().browse(list(orders_of))
        for user in users:
            self.env["mail.followers"].sudo()._insert_followers(
                "sale.order",
                list(orders_of[user.id]),
                user.partner_id.ids,
                subtypes={user.partner_id.id: [handoff]},
                check_existing=True,
                existing_policy="skip",
            )

    def _involve_consulted_and_informed(self):
        # handoffs only: with Discussions they would get every e-mail the order's
        # customer gets (Odoo's quotation e-mail goes to the Discussions followers)
        subtypes = [self.env.ref("order_governance.mt_governance_handoff").id]
        consult_values = []
        todo = self._todo_type()
        for (stage, company), logs in self.grouped(
            lambda s: (s.stage_id, s.order_id.company_id)
        ).items():
            # a stage shared by companies: each order's own company's departments
            def ours(departments, company=company):
                return departments.filtered(
                    lambda d: not d.company_id or d.company_id == company
                )

            consulted = ours(stage.consulted_department_ids)
            managers = (
                consulted | ours(stage.informed_department_ids)
            ).manager_id.user_id
            managers = managers.filtered(lambda u, c=company: c in u.company_ids)
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
            for user in consulted.manager_id.user_id & managers:
                # in the consulted manager's language, as the stage's own to-do
                read = stage.with_context(lang=user.lang or self.env.lang)
                consult_values += [
                    log._activity_values(
                        user,
                        read.env._(
                            "Consulted on %(order)s (%(stage)s)",
                            order=log.order_id.name,
                            stage=read.name,
                        ),
                        read.norms,
                        todo,
                    )
                    for log in logs
                ]
        if consult_values:
            self._new_activities(consult_values)

    # ------------------------------------------------------------------
    # Integrity of the history (the load test's invariants)
    # ------------------------------------------------------------------
    @api.model
    def _governance_history_problems(self):
        """What breaks the history's invariants, as ``[(code, order id), ...]``:
        ``open_stays`` (an order in the flow without exactly one open stay),
        ``stage_mismatch`` (its stage is not its open stay's), ``gap`` (a stay
        does not begin when the one before ended), ``open_not_last`` (an open
        stay followed by another), ``duplicate_activity`` (two open governance
        activities of one person on one order). Empty when all holds."""
        self.env.flush_all()
        queries = {
            "open_stays": """
                SELECT so.id FROM sale_order so
                  LEFT JOIN order_governance_stage_log log
                    ON log.order_id = so.id AND log.date_out IS NULL
                 WHERE so.governance_stage_id IS NOT NULL
                 GROUP BY so.id HAVING COUNT(log.id) != 1
            """,
            "stage_mismatch": """
                SELECT so.id FROM sale_order so
                  JOIN order_governance_stage_log log
                    ON log.order_id = so.id AND log.date_out IS NULL
                 WHERE log.stage_id IS DISTINCT FROM so.governance_stage_id
            """,
            "gap": """
                SELECT DISTINCT order_id FROM (
                    SELECT order_id, date_in,
                           LAG(date_out) OVER w AS previous_out,
                           LAG(id) OVER w AS previous_id
                      FROM order_governance_stage_log
                    WINDOW w AS (PARTITION BY order_id ORDER BY date_in, id)
                ) stays
                 WHERE previous_id IS NOT NULL
                   AND previous_out IS DISTINCT FROM date_in
            """,
            "open_not_last": """
                SELECT DISTINCT open.order_id
                  FROM order_governance_stage_log open
                  JOIN order_governance_stage_log later
                    ON later.order_id = open.order_id
                   AND (later.date_in, later.id) > (open.date_in, open.id)
                 WHERE open.date_out IS NULL
            """,
            "duplicate_activity": """
                SELECT res_id FROM mail_activity
                 WHERE res_model = 'sale.order' AND governance_log_id IS NOT NULL
                   AND active
                 GROUP BY res_id, user_id HAVING COUNT(*) > 1
            """,
        }
        problems = []
        for code, query in queries.items():
            self.env.cr.execute(query)
            problems += [(code, order_id) for (order_id,) in self.env.cr.fetchall()]
        return problems

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
