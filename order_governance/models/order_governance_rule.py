from psycopg2.errors import TransactionRollbackError

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, format_date, mute_logger
from odoo.tools.safe_eval import safe_eval

ASSIGNMENTS = [
    ("manager", "Department manager"),
    ("user", "A given user"),
    ("round_robin", "Round robin over the department's employees"),
    ("least_loaded", "Least loaded employee of the department"),
    ("salesperson", "The order's salesperson"),
]


class OrderGovernanceRule(models.Model):
    _name = "order.governance.rule"
    _inherit = ["order.governance.impact.mixin"]
    _description = "Order Responsibility Rule"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(
        default=10,
        help="Rules are tried in this order; the first one that matches wins.",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        index=True,
        default=lambda self: self.env.company,
        help="Leave empty to apply the rule in every company (its department and "
        "user must then be shared too).",
    )
    stage_ids = fields.Many2many(
        comodel_name="order.governance.stage",
        string="Stages",
        check_company=True,
        help="Stages where the rule applies; empty means every stage.",
    )
    domain = fields.Char(
        string="Applies to",
        default="[]",
        required=True,
        help="Orders the rule applies to; an empty domain matches every order.",
    )
    responsible_department_id = fields.Many2one(
        comodel_name="hr.department",
        required=True,
        check_company=True,
    )
    assignment = fields.Selection(
        selection=ASSIGNMENTS,
        required=True,
        default="manager",
        help="How the responsible person is picked inside the department.",
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Responsible User",
        check_company=True,
        help="The person made responsible when the assignment is 'A given user'.",
    )
    last_assigned_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Last Assignee",
        readonly=True,
        copy=False,
        help="The person this rule assigned last (round robin and least loaded), "
        "kept in the database so that every Odoo worker shares it.",
    )

    @api.constrains("domain")
    def _check_domain(self):
        for rule in self:
            error = self._order_domain_error(rule.domain or "[]")
            if error:
                raise ValidationError(
                    _(
                        "The domain of rule %(rule)s is not valid: %(error)s",
                        rule=rule.display_name,
                        error=error,
                    )
                )

    @api.constrains("assignment", "user_id")
    def _check_user(self):
        for rule in self.filtered(lambda r: r.assignment == "user" and not r.user_id):
            raise ValidationError(
                _("Rule %s assigns a given user: choose that user.", rule.display_name)
            )

    @api.model
    def _order_domain_error(self, text):
        """Why ``text`` is not a domain on sale.order that can run, or None.

        Rules and exit criteria use it. The domain is run once in a savepoint: a value
        of the wrong type (a date that is not one, text compared with an amount)
        passes the ORM and fails only in PostgreSQL, at every move."""
        try:
            domain = safe_eval(text)
            if not isinstance(domain, list):
                return _(
                    "a domain is a list of conditions, e.g. [('state', '=', 'sale')]."
                )
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                self.env["sale.order"].sudo().search_count(domain, limit=1)
        except TransactionRollbackError:
            raise  # a concurrent update, not a bad domain: let Odoo retry
        except Exception as error:
            lines = str(error).strip().splitlines()
            return lines[0] if lines else type(error).__name__
        return None

    def _get_domain(self):
        self.ensure_one()
        return safe_eval(self.domain or "[]")

    def _split_orders(self, orders):
        """Give each order to the first rule of ``self`` (sorted) that matches it.

        Returns ``([(rule, orders), ...], unmatched orders)``; one query per rule.
        """
        SaleOrder = self.env["sale.order"].sudo()
        remaining = orders
        matches = []
        for rule in self:
            candidates = remaining.filtered(
                lambda o, r=rule: not r.company_id or o.company_id == r.company_id
            )
            if not candidates:
                continue
            found = set(
                SaleOrder.search(
                    [("id", "in", candidates.ids), *rule._get_domain()]
                ).ids
            )
            matched = candidates.filtered(lambda o, f=found: o.id in f)  # keep order
            if matched:
                matches.append((rule, matched))
                remaining -= matched
        return matches, remaining

    # ------------------------------------------------------------------
    # Rule-change impact (order.governance.impact.mixin)
    # ------------------------------------------------------------------
    def _governance_impact_orders(self):
        rule = self.sudo()
        domain = self._governance_open_order_domain()
        if rule.stage_ids:
            domain.append(("governance_stage_id", "in", rule.stage_ids.ids))
        if rule.company_id:
            domain.append(("company_id", "=", rule.company_id.id))
        return self.env["sale.order"].sudo().search(domain, order="id")

    def _governance_reroute_reason(self):
        return _("Re-routed after a change of the rule %s.", self.sudo().name)

    def _governance_route_reason(
        self, order, department, user, note="", show_rule=True
    ):
        """Why ``order`` goes to ``department`` and ``user`` under this rule (or,
        for an empty ``self``, the stage's fallback): one sentence, ``note`` (who
        was passed over) included. Without ``show_rule`` (a reader who may not
        read the rules), neither the rule's name nor its domain."""
        if self and not show_rule:
            why = _("a responsibility rule")
        elif self:
            why = _("rule %s", self.name)
            if "".join((self.domain or "").split()) not in ("", "[]"):
                why = _(
                    "rule %(rule)s (%(domain)s)", rule=self.name, domain=self.domain
                )
        elif department:
            why = _("no rule matches: the stage's responsible department")
        else:
            return _("No rule matches and the stage has no responsible department.")
        how = self._governance_pick_reason(order, department, user)
        if note and (self.assignment if self else "manager") in (
            "manager",
            "salesperson",
        ):
            how = note  # the deputy or a parent manager instead of the absent one
        elif note:
            how = f"{how} ({note})"
        return f"{why}; {how}"

    def _governance_pick_reason(self, order, department, user):
        method = self.assignment if self else "manager"
        if not user:
            return _(
                "nobody in %s in particular: the department as a whole", department.name
            )
        if method == "user":
            return _("%s, named by the rule", user.name)
        if method == "round_robin":
            return _("next in turn in %s", department.name)
        if method == "least_loaded":
            return _("fewest open orders in %s", department.name)
        if method == "salesperson" and user == order.user_id:
            return _("the order's salesperson")
        if user == department.manager_id.user_id:
            return _("manager of %s", department.name)
        return _(
            "%(department)s has no manager with a user: %(user)s, manager of a "
            "parent department",
            department=department.name,
            user=user.name,
        )

    def _assign_users(self, orders, department, preview=False, notes=None, stage=None):
        """Pick the responsible person of each order inside ``department``.

        ``self`` is the matching rule, or empty for the stage's fallback (manager).
        Returns ``{order id: res.users}`` (an empty recordset when nobody is found).
        With ``preview``, nothing is written (the pointer stays put). People absent
        now are passed over (a manager for his deputy, then the parent manager),
        and so are those who have not read ``stage``'s norms when it requires it;
        ``notes``, a list, receives a sentence for each.
        """
        method = self.assignment if self else "manager"
        nobody = self.env["res.users"]
        notes = [] if notes is None else notes
        if method == "user":
            return dict.fromkeys(orders.ids, self.user_id)
        absent = self.env["res.users"]._governance_absences()
        manager = (
            department._governance_manager_user(notes=notes, absent=absent)
            if department
            else nobody
        )
        if method == "manager":
            return dict.fromkeys(orders.ids, manager)
        members = department._governance_member_users() if department else nobody
        if method == "salesperson":
            return {
                o.id: o.user_id if o.user_id in members else manager for o in orders
            }
        away = members.filtered(lambda u: u.id in absent)
        if away:
            notes.append(
                _(
                    "on leave, passed over: %s",
                    ", ".join(
                        f"{u.name} ({format_date(self.env, absent[u.id])})"
                        for u in away
                    ),
                )
            )
            members -= away
        if stage and members:
            members = self._governance_norms_readers_only(stage, members, notes)
            if not members:  # nobody has read the norms: as the manager rule does
                return dict.fromkeys(orders.ids, manager)
        if not members:
            return dict.fromkeys(orders.ids, nobody)
        if method == "round_robin":
            return self._assign_round_robin(orders, members, preview)
        return self._assign_least_loaded(orders, members, preview)

    def _governance_norms_readers_only(self, stage, members, notes):
        """``members`` without those who have not acknowledged the version in force
        of ``stage``'s norms, when the stage requires it; ``notes`` says who."""
        stage = stage.sudo()
        if not stage.require_norms_ack or not stage.norms_version:
            return members
        readers = stage._governance_norms_acknowledged_by(members)
        unread = members - readers
        if unread and readers:
            notes.append(
                _(
                    "passed over (has not read the norms v%(version)s): %(people)s",
                    version=stage.norms_version,
                    people=", ".join(unread.mapped("name")),
                )
            )
        elif unread:
            notes.append(
                _(
                    "nobody has read the norms v%(version)s: the manager takes it",
                    version=stage.norms_version,
                )
            )
        return readers

    def _assign_round_robin(self, orders, members, preview):
        """Deal the orders out in turn, after the last assignee."""
        last_id = self._lock_pointer(preview)
        ids = members.ids
        # Resume after the last assignee; if they left, after their place in id order.
        start = next((i for i, uid in enumerate(ids) if uid > (last_id or 0)), 0)
        if last_id in ids:
            start = (ids.index(last_id) + 1) % len(ids)
        result = {}
        for offset, order in enumerate(orders):
            result[order.id] = members[(start + offset) % len(ids)]
        if not preview and orders:
            self._write_pointer(result[orders[-1].id])
        return result

    def _assign_least_loaded(self, orders, members, preview=False):
        """The member with the fewest open orders under their responsibility; ties go
        to the lowest id. Orders of one batch are spread as they are assigned."""
        self._lock_pointer(preview)
        load = dict.fromkeys(members.ids, 0)
        load.update(members._governance_open_load(exclude_order_ids=orders.ids))
        result = {}
        for order in orders:
            user_id = min(load, key=lambda uid: (load[uid], uid))
            load[user_id] += 1
            result[order.id] = members.browse(user_id)
        if not preview and orders:
            self._write_pointer(result[orders[-1].id])
        return result

    def _lock_pointer(self, preview):
        """Return the id of the last assignee. Outside a preview, lock the rule row
        first: of two handoffs at once, the later one waits, then fails to serialize
        (REPEATABLE READ) once the first has written the pointer, and Odoo runs it
        again on a fresh snapshot, where it sees the first one's assignments."""
        self.ensure_one()
        self.flush_recordset(["last_assigned_user_id"])
        lock = SQL("") if preview else SQL("FOR UPDATE")
        self.env.cr.execute(
            SQL(
                "SELECT last_assigned_user_id FROM %s WHERE id = %s %s",
                SQL.identifier(self._table),
                self.id,
                lock,
            )
        )
        return self.env.cr.fetchone()[0]

    def _write_pointer(self, user):
        """Record the last assignee. The row is updated even when the assignee is the
        same (write_date changes), which is what a concurrent handoff conflicts on."""
        self.invalidate_recordset(["last_assigned_user_id"])
        self.sudo().write({"last_assigned_user_id": user.id})
