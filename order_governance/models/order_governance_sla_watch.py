from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models

from .order_governance_flow_mixin import URGENCY_NONE

# The open stays that an SLA watch looks at: open work with a deadline. The
# conditions match the partial indexes of the open work (see the stage log):
# each search reads the orders in progress, never the completed history.
OPEN_WORK = [
    ("is_open_work", "=", True),
    ("deadline", "!=", False),
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
        watched = self._watched_domain()
        levels = [
            (1, [("risk_at", "<=", now)]),
            (2, [("deadline", "<=", now)]),
            (3, [("escalate_at", "<=", now)]),
        ]
        done = 0
        for level, due in levels:
            stays = Stay.search(
                [*watched, *due, ("escalation_level", "<", level)],
                limit=batch_size,
                order="id",
            )
            if stays:
                self._escalate(stays, level, now)
                done += len(stays)
        self._refresh_order_sla_status(now, watched)
        self._refresh_forecasts()
        remaining = sum(
            Stay.search_count([*watched, *due, ("escalation_level", "<", level)])
            for level, due in levels
        )
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _refresh_forecasts(self, batch_size=5000):
        """The forecast and promise status of every open order: time passing
        shortens what remains of a stage and brings promises due."""
        Order = self.env["sale.order"].sudo()
        orders = Order.search([("governance_urgency", "!=", URGENCY_NONE)], order="id")
        for start in range(0, len(orders), batch_size):
            orders[start : start + batch_size]._governance_refresh_forecast()

    @api.model
    def _watched_domain(self):
        """The open work with a deadline, less the orders on hold (their clock
        stops). Held orders are read by their own index rather than joined: a
        join to the orders would read every order the company ever had."""
        held = self.env["sale.order"].sudo().search([("governance_on_hold", "=", True)])
        return [*OPEN_WORK, ("order_id", "not in", held.ids)]

    @api.model
    def _refresh_order_sla_status(self, now, watched=None):
        """Per status, one search and one write: the orders whose status must
        change. Only open working stays with a deadline are read: without one the
        status is 'none' from entry on, and the others include the final stay of
        every completed order, which would make each run slower than the last.
        The orders' status is compared in memory: a condition on the order in the
        search would make PostgreSQL read the orders, all of them."""
        Stay = self.env["order.governance.stage.log"].sudo()
        watched = watched if watched is not None else self._watched_domain()
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
            orders = Stay.search([*watched, *domain]).order_id
            orders.filtered(
                lambda order, status=status: order.sla_status != status
            )._governance_engine().with_context(tracking_disable=True).write(
                {"sla_status": status}
            )

    @api.model
    def _escalate(self, stays, level, now):
        """Escalate ``stays`` (that have not reached ``level``) to ``level``."""
        targets = self._escalation_targets(stays, level)
        todo = stays._todo_type()
        activities, notes = [], {}
        for stay in stays:
            user = targets[stay.id]
            # The note on the order is read by the company's people and written by
            # the watch, which has no author (and so no author's language, which
            # a person's handoff message uses): the company's language.
            company = self._reader(stay.company_id.partner_id)
            sentence = company._escalation_sentence(stay, level, user, now)
            notes[stay.order_id.id] = Markup("<p>%s</p>") % sentence
            if user and level > 1:
                # the activity is read by its assignee: his language and time zone
                reader = self._reader(user)
                activities.append(
                    stay._activity_values(
                        user,
                        reader.env._(
                            "Overdue: %(order)s in %(stage)s",
                            order=stay.order_id.name,
                            stage=stay.stage_id.with_env(reader.env).name,
                        ),
                        Markup("<p>%s</p>")
                        % reader._escalation_sentence(stay, level, user, now),
                        todo,
                    )
                )
        if activities:
            stays._new_activities(activities, merge=True)
        if level == 1:
            self._notify_digest(stays, targets, level)
        if level == 2:
            absent = self.env["res.users"]._governance_absences()
            accountable = {
                stay.id: self._accountable_manager(stay, absent) for stay in stays
            }
            self._notify_digest(stays, accountable, level)
        stays.order_id._message_log_batch(bodies=notes)
        stays.write({"escalation_level": level, "sla_breached": level >= 2})
        if level == 2:  # a breach: the orders' count of breaches changes
            stays.order_id._governance_refresh_lead_time()

    @api.model
    def _reader(self, user_or_partner):
        """This model in the language and time zone of who reads what it writes
        (a user or a partner; without a language, the current one)."""
        return self.with_context(
            lang=user_or_partner.lang or self.env.lang,
            tz=user_or_partner.tz or self.env.context.get("tz") or self.env.user.tz,
        )

    @api.model
    def _escalation_sentence(self, stay, level, user, now):
        """Who, how late and what is expected, in one sentence, in the env's
        language (stage and department names, duration): the same words as the
        order's due label."""
        env = self.env
        stay = stay.with_env(env)
        order = stay.order_id
        responsible = stay.user_id.name or stay.department_id.name or env._("nobody")
        span = order._governance_span_text(
            abs((stay.deadline - now).total_seconds()), stay.deadline, now
        )
        if stay.deadline > now:
            return env._(
                "%(order)s is at risk: %(stage)s is due in %(span)s; "
                "%(responsible)s is responsible.",
                order=order.name,
                stage=stay.stage_id.name,
                span=span,
                responsible=responsible,
            )
        late = env._(
            "%(order)s is %(span)s overdue in %(stage)s; %(responsible)s is "
            "responsible.",
            order=order.name,
            span=span,
            stage=stay.stage_id.name,
            responsible=responsible,
        )
        if level == 1:
            return late
        if not user:
            return env._(
                "%(late)s Nobody to escalate to: give %(department)s a manager.",
                late=late,
                department=stay.department_id.name or stay.stage_id.name,
            )
        return env._("%(late)s %(user)s, please decide.", late=late, user=user.name)

    @api.model
    def _accountable_manager(self, stay, absent=None):
        department = stay.stage_id.accountable_department_id
        return (
            department._governance_manager_user(absent=absent)
            if department
            else self.env["res.users"]
        )

    @api.model
    def _escalation_targets(self, stays, level):
        """``{stay id: res.users}``. Level 1 reminds the responsible person (nobody
        responsible: the first manager up). Later levels go up the distinct
        managers above him (department, parent department, accountable department),
        never to the responsible person himself; past the top, the top one."""
        result = {}
        absent = self.env["res.users"]._governance_absences()  # once for all stays
        for stay in stays:
            department = stay.department_id
            managers = [
                department._governance_manager_user(absent=absent)
                if department
                else None,
                department.parent_id._governance_manager_user(absent=absent)
                if department.parent_id
                else None,
                self._accountable_manager(stay, absent),
            ]
            if level == 1:
                chain = [user for user in (stay.user_id, *managers) if user][:1]
            else:
                chain = []
                for user in managers:
                    if user and user != stay.user_id and user not in chain:
                        chain.append(user)
                chain = chain[min(level - 2, len(chain) - 1) :][:1]
            result[stay.id] = chain[0] if chain else self.env["res.users"]
        return result

    @api.model
    def _notify_digest(self, stays, user_of_stay, level):
        """One message per person, listing their orders (not one per order), in
        his language."""
        orders_of = defaultdict(lambda: self.env["sale.order"])
        for stay in stays:
            user = user_of_stay[stay.id]
            if user:
                orders_of[user] |= stay.order_id
        for user, orders in orders_of.items():
            env = self._reader(user).env
            if level == 1:
                subject = env._("Orders at risk of missing their deadline")
            else:
                subject = env._("Orders past their deadline")
            body = Markup("<p>%s</p><ul>%s</ul>") % (
                subject,
                Markup().join(
                    Markup("<li>%s</li>") % order.display_name for order in orders
                ),
            )
            orders[:1].sudo().message_notify(
                partner_ids=user.partner_id.ids, subject=subject, body=body
            )
