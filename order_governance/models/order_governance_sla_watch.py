from collections import defaultdict

from markupsafe import Markup

from odoo import _, api, fields, models

# The open stays that an SLA watch looks at: deadline set, order not on hold.
WATCHED = [
    ("date_out", "=", False),
    ("deadline", "!=", False),
    ("order_id.governance_on_hold", "=", False),
]


class OrderGovernanceSlaWatch(models.AbstractModel):
    """The scheduled SLA watch: the order's SLA status, and escalation of the
    stays at risk or late, at most once per level."""

    _name = "order.governance.sla.watch"
    _description = "Order Governance SLA Watch"

    @api.model
    def _cron_watch_sla(self, batch_size=1000):
        """Refresh the SLA status of open stays and escalate them, at most once per
        level: 1 at risk (remind the responsible person), 2 breached (activity for
        the responsible department's manager, message to the accountable one's),
        3 still breached after the delay (the parent department's manager)."""
        now = fields.Datetime.now()
        Stay = self.env["order.governance.stage.log"].sudo()
        levels = [
            (1, [("risk_at", "<=", now)]),
            (2, [("deadline", "<=", now)]),
            (3, [("escalate_at", "<=", now)]),
        ]
        done = 0
        for level, due in levels:
            stays = Stay.search(
                [*WATCHED, *due, ("escalation_level", "<", level)],
                limit=batch_size,
                order="id",
            )
            if stays:
                self._escalate(stays, level, now)
                done += len(stays)
        self._refresh_order_sla_status(now)
        remaining = sum(
            Stay.search_count([*WATCHED, *due, ("escalation_level", "<", level)])
            for level, due in levels
        )
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _refresh_order_sla_status(self, now):
        """Per status, one search and one write: the orders whose status must
        change. Only stays with a deadline are read: without one the status is
        'none' from entry on, and those stays include the final stay of every
        completed order, which would make each run slower than the last."""
        Stay = self.env["order.governance.stage.log"].sudo()
        due = {
            "breached": [("deadline", "<=", now)],
            "at_risk": [("deadline", ">", now), ("risk_at", "<=", now)],
            "on_track": [
                ("deadline", ">", now),
                "|",
                ("risk_at", "=", False),
                ("risk_at", ">", now),
            ],
        }
        for status, domain in due.items():
            stays = Stay.search(
                [*WATCHED, *domain, ("order_id.sla_status", "!=", status)]
            )
            stays.order_id._governance_engine().with_context(
                tracking_disable=True
            ).write({"sla_status": status})

    @api.model
    def _escalate(self, stays, level, now):
        """Escalate ``stays`` (that have not reached ``level``) to ``level``."""
        targets = self._escalation_targets(stays, level)
        todo = stays._todo_type()
        activities, notes = [], {}
        for stay in stays:
            user = targets[stay.id]
            notes[stay.order_id.id] = Markup("<p>%s</p>") % _(
                "Escalation level %(level)s: %(who)s.",
                level=level,
                who=user.name or _("nobody to escalate to"),
            )
            if user and level > 1:
                activities.append(
                    stay._activity_values(
                        user,
                        _(
                            "Breached SLA: %(order)s in %(stage)s",
                            order=stay.order_id.name,
                            stage=stay.stage_id.name,
                        ),
                        stay.stage_id.norms,
                        todo,
                    )
                )
        if activities:
            stays._new_activities(activities)
        if level == 1:
            self._notify_digest(
                stays, targets, _("Orders at risk of missing their deadline")
            )
        if level == 2:
            accountable = {stay.id: self._accountable_manager(stay) for stay in stays}
            self._notify_digest(stays, accountable, _("Orders past their deadline"))
        stays.order_id._message_log_batch(bodies=notes)
        stays.write({"escalation_level": level, "sla_breached": level >= 2})

    @api.model
    def _accountable_manager(self, stay):
        department = stay.stage_id.accountable_department_id
        return (
            department._governance_manager_user()
            if department
            else self.env["res.users"]
        )

    @api.model
    def _escalation_targets(self, stays, level):
        """``{stay id: res.users}``; a person without user passes to the next
        level."""
        result = {}
        for stay in stays:
            department = stay.department_id
            chain = [
                stay.user_id,
                department._governance_manager_user() if department else None,
                department.parent_id._governance_manager_user()
                if department.parent_id
                else None,
                self._accountable_manager(stay),
            ]
            candidates = [user for user in chain[level - 1 :] if user]
            result[stay.id] = candidates[0] if candidates else self.env["res.users"]
        return result

    @api.model
    def _notify_digest(self, stays, user_of_stay, subject):
        """One message per person, listing their orders (not one per order)."""
        orders_of = defaultdict(lambda: self.env["sale.order"])
        for stay in stays:
            user = user_of_stay[stay.id]
            if user:
                orders_of[user] |= stay.order_id
        for user, orders in orders_of.items():
            body = Markup("<p>%s</p><ul>%s</ul>") % (
                subject,
                Markup().join(
                    Markup("<li>%s</li>") % order.display_name for order in orders
                ),
            )
            orders[:1].sudo().message_notify(
                partner_ids=user.partner_id.ids, subject=subject, body=body
            )
