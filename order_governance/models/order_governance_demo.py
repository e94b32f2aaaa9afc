from datetime import timedelta

from odoo import api, fields, models

from . import working_hours
from .order_governance_stage_log import backfill_handoff_columns

# Working hours each closed demo stay took, as a share of its stage's SLA: some
# finish early, some late, so that the reports show a real on-time rate.
DURATION_SHARES = (0.4, 0.8, 1.3, 0.6, 1.9, 0.9, 0.5)
# Where the open stay of a working demo order stands against its SLA:
# (share of the SLA already spent, extra working hours past the deadline).
OPEN_POSITIONS = (
    (0.2, 0),  # on track
    (1.0, 18),  # two working days late
    (0.9, 0),  # at risk
    (1.0, 3),  # just late
    (0.5, 0),  # on track
)


class OrderGovernanceDemo(models.AbstractModel):
    """Builds the demo histories (called from the demo data only)."""

    _name = "order.governance.demo"
    _description = "Order Governance Demo Builder"

    @api.model
    def _build_histories(self, order_xmlids):
        """Walk the demo orders through the flow, then back-date their stays so that
        the open ones stand on track, at risk or late and the closed ones spread over
        the last weeks; deadlines follow the back-dated entries. The SLA watch then
        runs as its cron would: the desk shows breaches, the chatter escalations;
        and the daily department to-do tells each department's people what waits."""
        now = fields.Datetime.now()
        orders = self.env["sale.order"]
        for index, xmlid in enumerate(order_xmlids):
            order = self.env.ref(xmlid).sudo()
            self._walk(order, index)
            self._backdate(order, index, now)
            orders |= order
        self._refresh_rewritten(orders)
        self._promise(orders, now)
        self._rate(orders)
        self.env["order.governance.sla.watch"]._cron_watch_sla()
        self._hold_one(orders)
        self.env["order.governance.department.digest"]._cron_department_digest()

    @api.model
    def _acknowledge_norms(self):
        """The demo's people have read the norms in force of the stages they
        execute: the health check finds none unread, the order form shows the
        version in force without asking them to read it."""
        stages = self.env["order.governance.stage"].search([("norms_version", ">", 0)])
        for stage in stages:
            for user in stage._governance_norms_readers():
                stage._governance_record_acks(user)

    @api.model
    def _assess(self):
        """Last month's scorecards of the demo company, generated and closed by
        its order management officer (each department's manager has a Scorecards
        Ready activity), and this month's so far, in draft."""
        officer = self.env.ref(
            "order_governance.user_omc_manager", raise_if_not_found=False
        )
        if not officer:
            return
        Scorecard = self.env["order.governance.scorecard"].with_user(officer)
        this_month = fields.Date.context_today(officer).replace(day=1)
        last_month = (this_month - timedelta(days=1)).replace(day=1)
        closed = Scorecard.browse(
            Scorecard.governance_generate(last_month, this_month - timedelta(days=1))
        )
        closed._governance_notify_managers()
        closed.action_close()
        Scorecard.governance_generate(this_month, fields.Date.context_today(officer))

    @api.model
    def _walk(self, order, index):
        """Move ``order`` along the flow as the n-th demo order, with some rework
        and cancellations."""
        steps = index % 6
        if index % 7 == 6:
            order._action_cancel()
            return
        if steps >= 1:
            order.action_confirm()
        for step in range(2, steps + 1):
            if step == 3 and index % 4 == 0:
                order.governance_move(
                    order._governance_stages_of(order.company_id).filtered(
                        lambda s: s.code == "confirmed"
                    ),
                    reason=self.env._("Production found a missing specification."),
                )
            order.governance_check_line_ids.filtered(
                lambda line: not line.automatic and not line.done
            ).action_tick()
            order.action_governance_next()

    @api.model
    def _backdate(self, order, index, now):
        """Back-date the stays of ``order``, newest first, and give each the SLA
        dates it would have had."""
        stays = (
            self.env["order.governance.stage.log"]
            .sudo()
            .search([("order_id", "=", order.id)], order="id desc")
        )
        current = stays[:1]
        start = self._open_stay_start(current, index, now)
        for step, stay in enumerate(stays):
            calendar = stay._get_calendar()
            if stay != current:
                stay.date_out = start
                share = DURATION_SHARES[(index + step) % len(DURATION_SHARES)]
                start = working_hours.plan(
                    calendar, start, -(stay.stage_id.sla_hours or 8) * share
                )
            deadline, risk_at, escalate_at = stay._sla_dates(
                stay.stage_id, stay.company_id, start
            )
            stay.write(
                {
                    "date_in": start,
                    "deadline": deadline,
                    "risk_at": risk_at,
                    "escalate_at": escalate_at,
                    "sla_breached": bool(
                        stay.date_out and deadline and stay.date_out > deadline
                    ),
                }
            )
        order.date_order = start
        order._governance_engine().write(
            {
                "stage_entered_at": current.date_in,
                "stage_deadline": current.deadline,
                "sla_status": "on_track" if current.deadline else "none",
            }
        )
        if current.activity_id and current.deadline:
            current.activity_id.date_deadline = fields.Datetime.context_timestamp(
                current.with_context(tz=current.activity_id.user_id.tz),
                current.deadline,
            ).date()

    @api.model
    def _refresh_rewritten(self, orders):
        """The back-dated histories changed the stays' hours: what each stay keeps
        of the one it ended, and the orders' lead times, are written again."""
        self.env.flush_all()
        backfill_handoff_columns(self.env.cr, orders.ids)
        self.env["order.governance.stage.log"].invalidate_model()
        orders._governance_refresh_lead_time()

    @api.model
    def _promise(self, orders, now):
        """Promises the demo keeps, misses, holds at risk or is late for: done
        orders promised a day after or before their completion, working ones
        placed against their forecast (which their stages' history makes)."""
        confirmed = orders.filtered(lambda o: o.state == "sale")
        confirmed._governance_refresh_forecast()  # the forecast of the back-dated flow
        promises = {}
        for index, order in enumerate(confirmed):
            done = order.governance_completed_at
            p50 = order.governance_forecast_date
            p90 = order.governance_forecast_p90_date
            if done:
                promises[order] = done + timedelta(days=-1 if index % 3 == 0 else 2)
            elif p50:
                promises[order] = {
                    0: p90 + timedelta(days=3),  # on track
                    1: p50 + (p90 - p50) / 2,  # at risk
                    2: p50 - timedelta(hours=2),  # late: the median is after it
                    3: now - timedelta(days=1),  # late: it has passed
                }.get(index % 5, p90 + timedelta(days=5))
        for order, promise in promises.items():
            order._governance_engine().write({"governance_promised_date": promise})
        # a customer who was given a later date once: a new promise, counted
        changed = next((o for o in promises if not o.governance_completed_at), None)
        if changed:
            changed.commitment_date = promises[changed] + timedelta(days=1)
        self.env["sale.order"].browse(
            [o.id for o in promises]
        )._governance_refresh_forecast()

    @api.model
    def _rate(self, orders):
        """The customers of the completed demo orders answer their rating
        request: most are satisfied, one is not (his department's manager has a
        call back to make)."""
        answers = (
            (5, self.env._("Delivered a day early, thank you.")),
            (3, self.env._("Fine, but we had to ask twice for the tracking number.")),
            (1, self.env._("Two weeks late and nobody told us.")),
            (5, ""),
        )
        done = orders.filtered(lambda o: o.governance_rating_requested)
        for index, order in enumerate(done.sudo()):
            rate, feedback = answers[index % len(answers)]
            order.rating_apply(
                rate, token=order._rating_get_access_token(), feedback=feedback
            )

    @api.model
    def _open_stay_start(self, stay, index, now):
        """When the open stay began: completed and cancelled orders over the last
        weeks, working ones where ``OPEN_POSITIONS`` puts them."""
        sla = stay.stage_id.sla_hours
        if not sla:
            return now - timedelta(days=max(1, 45 - index * 2))
        spent, late = OPEN_POSITIONS[index % len(OPEN_POSITIONS)]
        return working_hours.plan(stay._get_calendar(), now, -(sla * spent + late))

    @api.model
    def _hold_one(self, orders):
        """One working order waits for its customer: the desk shows a hold."""
        waiting = orders.filtered(
            lambda o: o.sla_status == "on_track" and not o.governance_on_hold
        )[:1]
        if waiting:
            waiting.governance_hold(
                self.env.ref("order_governance.hold_reason_customer"),
                self.env._("The customer is checking the drawings."),
            )

    @api.model
    def _decide_at_meeting(self, event_id):
        """Invite the attendees of the demo meeting and record its decisions on
        the two orders longest past their deadline (as its organiser)."""
        event = self.env["calendar.event"].browse(event_id)
        if event.governance_decision_ids:  # a module update runs this again
            return
        attendees = self.env["order.governance.meeting"]._governance_attendees(
            event.governance_company_id, event.governance_department_ids
        )
        event.partner_ids |= (attendees | event.user_id).partner_id
        late = self.env["sale.order"].search(
            [
                ("company_id", "=", event.governance_company_id.id),
                ("sla_status", "=", "breached"),
            ],
            order="stage_deadline",
            limit=2,
        )
        notes = [
            self.env._("Overtime this week; Sales tells the customer the new date."),
            self.env._("The head of the department takes it over until it is done."),
        ]
        self.env["order.governance.decision"].with_user(event.user_id).create(
            [
                {"event_id": event.id, "order_id": order.id, "note": note}
                for order, note in zip(late, notes, strict=False)
            ]
        )
