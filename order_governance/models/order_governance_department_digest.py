from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models

from .order_governance_flow_mixin import URGENCY_NONE

# The most orders named in one to-do: the rest is a count and the desk's link.
MAX_LISTED = 15


class OrderGovernanceDepartmentDigest(models.AbstractModel):
    """The quiet signal of a department's waiting work: once a day at most, each
    person of a stage's executing department who is not the named responsible of
    its orders gets one to-do listing what waits there (updated while it is open,
    marked done when nothing waits), instead of one activity per order."""

    _name = "order.governance.department.digest"
    _description = "Order Governance Department Digest"

    @api.model
    def _cron_department_digest(self):
        """Scheduled action (daily)."""
        activity_type = self.env.ref(
            "order_governance.mail_activity_type_department_digest",
            raise_if_not_found=False,
        )
        if not activity_type:
            return
        companies = (
            self.env["res.company"]
            .sudo()
            .search([("governance_department_digest", "=", True)])
        )
        waiting = self._waiting_orders(companies)
        open_ones = self._open_digests(activity_type)
        for (department, user), orders in self._digest_of_people(waiting).items():
            mine = open_ones.filtered(
                lambda a, d=department, u=user: a.res_id == d.id and a.user_id == u
            )
            open_ones -= mine
            self._post_digest(activity_type, department, user, orders, mine)
        open_ones._governance_done()  # nothing waits for them any more

    @api.model
    def _waiting_orders(self, companies):
        """Open governed orders of ``companies``, one search for all."""
        return (
            self.env["sale.order"]
            .sudo()
            .search(
                [
                    ("company_id", "in", companies.ids),
                    ("governance_urgency", "!=", URGENCY_NONE),
                    ("responsible_department_id", "!=", False),
                ],
                order="governance_urgency, stage_deadline, id",
            )
        )

    @api.model
    def _digest_of_people(self, orders):
        """``{(department, user): orders}``: the orders waiting in each department
        for each of its people who is not their named responsible."""
        departments = orders.responsible_department_id
        employees = (
            self.env["hr.employee"]
            .sudo()
            .search(
                [
                    ("department_id", "in", departments.ids),
                    ("user_id", "!=", False),
                ]
            )
        )
        executors = self.env.ref("order_governance.group_governance_user").users
        people = defaultdict(set)
        for employee in employees:
            user = employee.user_id
            if user.active and not user.share and user in executors:
                people[employee.department_id].add(user)
        digest = {}
        orders_of = orders.grouped("responsible_department_id")
        for department, users in people.items():
            for user in users:
                theirs = orders_of[department].filtered(
                    lambda o, u=user: o.responsible_user_id != u
                    and o.company_id in u.company_ids
                )
                if theirs:
                    digest[department, user] = theirs
        return digest

    @api.model
    def _open_digests(self, activity_type):
        return (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("activity_type_id", "=", activity_type.id),
                    ("res_model", "=", "hr.department"),
                ]
            )
        )

    @api.model
    def _post_digest(self, activity_type, department, user, orders, existing):
        # the reader's language: his to-do reads in it, stage names included
        env = self.with_context(lang=user.lang or self.env.lang).env
        department = department.with_env(env)
        summary = env._(
            "%(count)s orders wait in %(department)s",
            count=len(orders),
            department=department.name,
        )
        note = self._digest_note(env, orders.with_env(env))
        todo = department._governance_keep_todo(
            activity_type, user, summary, note, existing
        )
        # due today: the list is today's
        todo.date_deadline = fields.Date.context_today(todo)

    @api.model
    def _digest_note(self, env, orders):
        label = dict(
            env["sale.order"]._fields["governance_urgency"]._description_selection(env)
        )
        rows = Markup("").join(
            Markup('<li><a href="/odoo/sale.order/%s">%s</a>: %s, %s%s</li>')
            % (
                order.id,
                order.name,
                order.governance_stage_id.name,
                label.get(order.governance_urgency, ""),
                Markup(" (%s)") % order.governance_due_label
                if order.governance_due_label
                else "",
            )
            for order in orders[:MAX_LISTED]
        )
        more = len(orders) - MAX_LISTED
        tail = Markup("<p>%s</p>") % env._("… and %s more.", more) if more > 0 else ""
        return Markup('<p>%s</p><ul>%s</ul>%s<p><a href="/odoo/my-work">%s</a></p>') % (
            env._("Open orders of your department that someone else is named for:"),
            rows,
            tail,
            env._("Open My Work"),
        )
