from collections import defaultdict
from datetime import date, datetime, time

import pytz
from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .order_governance_kpi_target import HIGHER_IS_BETTER, KPIS

# Only code holds this object: a JSON client cannot put it in a context, so it
# cannot pass for the engine that computes, closes and reopens the cards.
_ENGINE = object()

# What the engine alone writes on a card (everything but the chatter).
FIGURES = frozenset(
    {
        "company_id",
        "department_id",
        "user_id",
        "date_from",
        "date_to",
        "period_start",
        "period_end",
        "state",
        "score",
        "line_ids",
    }
)
EARLIEST_DAY = date(1970, 1, 1)
LATEST_DAY = date(2999, 12, 31)


class OrderGovernanceScorecard(models.Model):
    """How a department, or a person, carried its part of the order process in a
    period, scored against the KPI targets. Closed, it never changes."""

    _name = "order.governance.scorecard"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Order Governance Scorecard"
    _order = "date_from desc, company_id, department_id, user_id"
    _check_company_auto = True
    # whoever reads a card may post a remark or an appeal on it
    _mail_post_access = "read"

    company_id = fields.Many2one(
        comodel_name="res.company", required=True, index=True, readonly=True
    )
    department_id = fields.Many2one(
        comodel_name="hr.department",
        required=True,
        index=True,
        check_company=True,
        readonly=True,
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Person",
        index=True,
        readonly=True,
        help="Empty: the department's card. Set: the card of the stays this person "
        "was responsible for.",
    )
    date_from = fields.Date(string="From", required=True, readonly=True)
    date_to = fields.Date(string="To", required=True, readonly=True)
    period_start = fields.Datetime(
        readonly=True,
        help="The first moment of the period: midnight of its first day in the "
        "time zone of whoever generated the card, as the reports' date filters "
        "count days. Refreshing the card keeps it.",
    )
    period_end = fields.Datetime(
        readonly=True,
        help="The moment after the period: midnight after its last day.",
    )
    state = fields.Selection(
        selection=[("draft", "Draft"), ("closed", "Closed")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        help="Draft: refreshed each time the scorecards of its period are "
        "generated. Closed: frozen, whatever targets or stays change later.",
    )
    score = fields.Float(
        compute="_compute_score",
        store=True,
        readonly=True,
        aggregator="avg",
        help="The weighted mean of the scores of its KPIs (0 to 100).",
    )
    line_ids = fields.One2many(
        comodel_name="order.governance.scorecard.line",
        inverse_name="scorecard_id",
        string="KPIs",
        readonly=True,
    )
    history_ids = fields.Many2many(
        comodel_name="order.governance.scorecard",
        compute="_compute_history_ids",
        string="Previous Scorecards",
        help="The earlier cards of the same department (or person), newest first.",
    )

    @api.depends("line_ids.score", "line_ids.weight")
    def _compute_score(self):
        for card in self:
            weight = sum(card.line_ids.mapped("weight"))
            card.score = (
                sum(line.score * line.weight for line in card.line_ids) / weight
                if weight
                else 0.0
            )

    @api.depends("department_id", "user_id", "date_from")
    def _compute_history_ids(self):
        for card in self:
            card.history_ids = (
                self.search(
                    [
                        ("company_id", "=", card.company_id.id),
                        ("department_id", "=", card.department_id.id),
                        ("user_id", "=", card.user_id.id),
                        ("date_from", "<", card.date_from),
                    ],
                    limit=12,
                )
                if card.date_from and card.department_id
                else False
            )

    @api.depends("department_id", "user_id", "date_from", "date_to")
    def _compute_display_name(self):
        for card in self:
            who = card.user_id.name or card.department_id.display_name or ""
            card.display_name = f"{who} {card.date_from or ''} – {card.date_to or ''}"

    @api.model_create_multi
    def create(self, vals_list):
        if not self._governance_is_scorecard_engine():
            raise AccessError(
                _(
                    "Scorecards are computed, not entered: use Generate Scorecards "
                    "(order management officers)."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        figures = FIGURES & set(vals)
        if figures:
            if not self._governance_is_scorecard_engine():
                raise AccessError(
                    _(
                        "The figures of a scorecard are computed: nobody writes "
                        "them (%s).",
                        ", ".join(sorted(figures)),
                    )
                )
            if figures != {"state"} and any(c.state == "closed" for c in self):
                raise UserError(_("A closed scorecard never changes."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_closed(self):
        closed = self.filtered(lambda card: card.state == "closed")
        if closed:
            raise UserError(
                _(
                    "Closed scorecards are kept: %s.",
                    ", ".join(closed.mapped("display_name")),
                )
            )

    def action_close(self):
        """Freeze the cards: they are never recomputed again."""
        if not self.env.user._is_governance_officer():
            raise AccessError(_("Only order management officers close scorecards."))
        self.check_access("read")
        drafts = self.filtered(lambda card: card.state == "draft")
        drafts._governance_scorecard_engine().write({"state": "closed"})
        for card in drafts:
            card.message_post(body=_("Scorecard closed: its figures are final."))
        return True

    def action_reopen(self, reason=None):
        """Back to draft, with a reason recorded in the chatter: for the manager of
        the company's order management department (and the superuser)."""
        reason = reason.strip() if isinstance(reason, str) else ""
        if not reason:
            raise UserError(_("Say why the scorecard is reopened."))
        self.check_access("read")
        user = self.env.user
        for card in self:
            omc_manager = card.company_id.sudo().order_management_department_id
            if not user._is_superuser() and user != omc_manager.manager_id.user_id:
                raise AccessError(
                    _(
                        "Only the manager of the order management department of "
                        "%s reopens its scorecards.",
                        card.company_id.name,
                    )
                )
            if card.state != "closed":
                raise UserError(_("%s is not closed.", card.display_name))
        self._governance_scorecard_engine().write({"state": "draft"})
        for card in self:
            card.message_post(
                body=_(
                    "Scorecard reopened by %(user)s: %(reason)s",
                    user=user.name,
                    reason=reason,
                )
            )
        return True

    def action_refresh(self):
        """Recompute the draft cards from the current stays and targets."""
        if not self.env.user._is_governance_officer():
            raise AccessError(_("Only order management officers refresh scorecards."))
        self.check_access("read")
        self._governance_scorecard_engine().filtered(
            lambda card: card.state == "draft"
        )._governance_compute()
        return True

    def action_open_trend(self):
        """The graph of this department's (or person's) scores by month."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "order_governance.order_governance_scorecard_action"
        )
        action.update(
            {
                "name": _("Trend of %s", self.user_id.name or self.department_id.name),
                "view_mode": "graph,list,form",
                "views": [(False, "graph"), (False, "list"), (False, "form")],
                "domain": [
                    ("company_id", "=", self.company_id.id),
                    ("department_id", "=", self.department_id.id),
                    ("user_id", "=", self.user_id.id),
                ],
                "context": {},
            }
        )
        return action

    @api.model
    def governance_generate(self, date_from, date_to):
        """Create or refresh the draft scorecards of every department and person
        with stays that ended in the period, in the user's allowed companies.
        Closed cards are left as they are. Returns the cards' ids."""
        if not self.env.user._is_governance_officer():
            raise AccessError(_("Only order management officers generate scorecards."))
        date_from = self._governance_day(date_from, _("The first day"))
        date_to = self._governance_day(date_to, _("The last day"))
        if date_from > date_to:
            raise UserError(
                _(
                    "The period ends (%(date_to)s) before it starts (%(date_from)s).",
                    date_to=date_to,
                    date_from=date_from,
                )
            )
        if (date_to - date_from).days > 366:
            raise UserError(_("A scorecard covers a year at most."))
        companies = self.env.companies
        start, end = self._governance_bounds(date_from, date_to)
        engine = self._governance_scorecard_engine()
        cards = engine.search(
            [
                ("company_id", "in", companies.ids),
                ("date_from", "=", date_from),
                ("date_to", "=", date_to),
            ]
        )
        keys = engine._governance_stay_keys(companies, start, end)
        known = {card._governance_key() for card in cards}
        new = engine.create(
            [
                {
                    "company_id": company_id,
                    "department_id": department_id,
                    "user_id": user_id,
                    "date_from": date_from,
                    "date_to": date_to,
                    "period_start": start,
                    "period_end": end,
                }
                for company_id, department_id, user_id in sorted(
                    keys - known, key=lambda k: (k[0], k[1], k[2] or 0)
                )
            ]
        )
        cards |= new
        cards.filtered(lambda card: card.state == "draft")._governance_compute()
        return cards.ids

    @api.model
    def _cron_generate_last_month(self):
        """Generate the cards of the month that has just ended, company by company
        in its own time zone, and tell each department manager they are ready."""
        last_day = fields.Date.today().replace(day=1) - relativedelta(days=1)
        first_day = last_day.replace(day=1)
        cards = self.browse()
        for company in self.env["res.company"].sudo().search([]):
            tz = company.partner_id.tz or "UTC"
            ids = (
                self.with_company(company)
                .with_context(allowed_company_ids=company.ids, tz=tz)
                .governance_generate(first_day, last_day)
            )
            cards |= self.browse(ids)
        cards._governance_notify_managers()

    def _governance_notify_managers(self):
        """One activity per department manager on the first of his cards, in his
        language, listing the cards of his departments."""
        activity_type = self.env.ref(
            "order_governance.mail_activity_type_scorecards_ready",
            raise_if_not_found=False,
        )
        if not activity_type:
            return
        by_manager = defaultdict(lambda: self.browse())
        for card in self.sudo().filtered(lambda c: not c.user_id):
            manager = card.department_id.manager_id.user_id
            if manager and manager.active:
                by_manager[manager] |= card
        for manager, cards in by_manager.items():
            if cards.activity_ids.filtered(
                lambda a, m=manager: a.user_id == m
                and a.activity_type_id == activity_type
            ):
                continue
            translated = cards.with_context(lang=manager.lang)
            env = translated.env
            period = f"{cards[0].date_from} – {cards[0].date_to}"
            names = ", ".join(
                f"{card.department_id.display_name} ({card.score:.1f})"
                for card in translated
            )
            translated[0].activity_schedule(
                activity_type_id=activity_type.id,
                user_id=manager.id,
                summary=env._("Scorecards ready: %s", period),
                note=Markup("<p>%s</p>")
                % env._("The scorecards of %s are ready to review.", names),
            )

    # -- the engine ------------------------------------------------------------

    def _governance_is_scorecard_engine(self):
        return self.env.context.get("governance_scorecard_engine") is _ENGINE

    def _governance_scorecard_engine(self):
        """These records as the engine writes them (callers check access first)."""
        return self.sudo().with_context(
            governance_scorecard_engine=_ENGINE,
            tracking_disable=False,
            mail_create_nolog=True,
            mail_create_nosubscribe=True,
        )

    def _governance_key(self):
        self.ensure_one()
        return (self.company_id.id, self.department_id.id, self.user_id.id or False)

    @api.model
    def _governance_day(self, value, label):
        """``value`` (a date or an ISO string, as RPC sends it) as a date."""
        try:
            day = fields.Date.to_date(value)
        except (TypeError, ValueError):
            day = None
        if not isinstance(day, date) or isinstance(day, datetime):
            raise UserError(
                _(
                    "%(label)s of the period is not a date: %(value)r",
                    label=label,
                    value=value,
                )
            )
        if not EARLIEST_DAY <= day <= LATEST_DAY:
            raise UserError(
                _(
                    "Choose a period between %(earliest)s and %(latest)s.",
                    earliest=EARLIEST_DAY,
                    latest=LATEST_DAY,
                )
            )
        return day

    @api.model
    def _governance_bounds(self, date_from, date_to):
        """The period's days as stored datetimes, from midnight to midnight in the
        user's time zone (context first, else UTC): the reports' date filters."""
        name = self.env.context.get("tz") or self.env.user.tz
        tz = pytz.timezone(name if name in pytz.all_timezones_set else "UTC")

        def midnight(day):
            local = tz.localize(datetime.combine(day, time.min))
            return local.astimezone(pytz.utc).replace(tzinfo=None)

        return midnight(date_from), midnight(date_to + relativedelta(days=1))

    @api.model
    def _governance_stay_domain(self, companies, start, end):
        """The stays a card counts: those that ended in the period, in working
        stages (the Stage Performance report's default), of a department."""
        return [
            ("company_id", "in", companies.ids),
            ("date_out", ">=", start),
            ("date_out", "<", end),
            ("is_working_stage", "=", True),
            ("department_id", "!=", False),
        ]

    @api.model
    def _governance_stay_keys(self, companies, start, end):
        """(company, department, person or False) of the cards the period needs."""
        groups = (
            self.env["order.governance.kpi.report"]
            .sudo()
            ._read_group(
                self._governance_stay_domain(companies, start, end),
                ["company_id", "department_id", "user_id"],
                ["__count"],
            )
        )
        keys = set()
        for company, department, user, _count in groups:
            keys.add((company.id, department.id, False))
            if user:
                keys.add((company.id, department.id, user.id))
        return keys

    def _governance_compute(self):
        """Replace the lines of these draft cards by fresh figures: a few grouped
        reads per period, whatever the number of stays."""
        drafts = self.filtered(lambda card: card.state == "draft")
        if not drafts:
            return
        targets = self.env["order.governance.kpi.target"]._governance_targets(
            drafts.company_id
        )
        periods = defaultdict(lambda: self.browse())
        for card in drafts:
            if not card.period_start:
                card.write(
                    dict(
                        zip(
                            ("period_start", "period_end"),
                            self._governance_bounds(card.date_from, card.date_to),
                            strict=True,
                        )
                    )
                )
            periods[(card.period_start, card.period_end)] |= card
        lines = []
        for (start, end), cards in periods.items():
            facts = self._governance_facts(
                cards.company_id, cards.department_id, start, end
            )
            norms = self._governance_norms_facts(cards.department_id)
            for card in cards:
                figures = dict(facts.get(card._governance_key(), {}))
                ack = norms.get((card.department_id.id, card.user_id.id or False))
                if ack:
                    figures["norms_ack_rate"] = ack
                for sequence, (kpi, *_rest) in enumerate(KPIS):
                    target = targets.get(
                        (card.company_id.id, card.department_id.id, kpi)
                    ) or targets.get((card.company_id.id, False, kpi))
                    actual, samples = figures.get(kpi, (0.0, 0))
                    if not target or not samples:
                        continue
                    goal, weight = target
                    lines.append(
                        {
                            "scorecard_id": card.id,
                            "sequence": sequence,
                            "kpi": kpi,
                            "actual": actual,
                            "target": goal,
                            "weight": weight,
                            "samples": samples,
                            "score": self._governance_line_score(kpi, actual, goal),
                        }
                    )
        Line = self.env["order.governance.scorecard.line"]
        drafts.line_ids.unlink()
        Line.create(lines)

    @api.model
    def _governance_line_score(self, kpi, actual, target):
        """100 at or past the target; below it, the share of the target reached:
        ``actual / target`` (higher is better) or ``target / actual``."""
        if kpi in HIGHER_IS_BETTER:
            if actual >= target or not target:
                return 100.0
            return 100.0 * actual / target
        if actual <= target or not actual:
            return 100.0
        return 100.0 * target / actual

    @api.model
    def _governance_facts(self, companies, departments, start, end):
        """``{(company, department, person or False): {kpi: (actual, samples)}}``
        for the period: one grouped read per report."""
        facts = defaultdict(dict)
        sums = defaultdict(lambda: defaultdict(float))

        def add(key, name, value):
            sums[key][name] += value or 0.0

        # stays: on time, hours, rework (the Stage Performance report)
        for (
            company,
            department,
            user,
            count,
            hours,
            hours_n,
            on_time,
            on_time_n,
            rework,
        ) in (
            self.env["order.governance.kpi.report"]
            .sudo()
            ._read_group(
                self._governance_stay_domain(companies, start, end),
                ["company_id", "department_id", "user_id"],
                [
                    "__count",
                    "duration_hours:sum",
                    "duration_hours:count",
                    "on_time_rate:sum",
                    "on_time_rate:count",
                    "rework_count:sum",
                ],
            )
        ):
            for key in self._governance_fact_keys(company, department, user):
                add(key, "stays", count)
                add(key, "hours", hours)
                add(key, "hours_n", hours_n)
                add(key, "on_time", on_time)
                add(key, "on_time_n", on_time_n)
                add(key, "rework", rework)
        # promises of the orders done in the period: the owning department's,
        # and the salesperson's within it (the Delivery Performance report)
        for company, department, user, kept, count in (
            self.env["order.governance.delivery.report"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "in", companies.ids),
                    ("owner_department_id", "in", departments.ids),
                    ("done_date", ">=", start),
                    ("done_date", "<", end),
                ],
                ["company_id", "owner_department_id", "user_id"],
                ["on_time:sum", "on_time:count"],
            )
        ):
            for key in self._governance_fact_keys(company, department, user):
                add(key, "promise", kept)
                add(key, "promise_n", count)
        # ratings given in the period (the Customer Satisfaction report)
        for company, department, user, satisfied, count in (
            self.env["order.governance.satisfaction.report"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "in", companies.ids),
                    ("owner_department_id", "in", departments.ids),
                    ("date", ">=", start),
                    ("date", "<", end),
                ],
                ["company_id", "owner_department_id", "user_id"],
                ["satisfied:sum", "satisfied:count"],
            )
        ):
            for key in self._governance_fact_keys(company, department, user):
                add(key, "satisfied", satisfied)
                add(key, "satisfied_n", count)

        def mean(key, total, count, factor=1.0):
            n = sums[key][count]
            return (factor * sums[key][total] / n, int(n)) if n else (0.0, 0)

        for key in sums:
            facts[key]["on_time_rate"] = mean(key, "on_time", "on_time_n")
            facts[key]["avg_stage_hours"] = mean(key, "hours", "hours_n")
            facts[key]["rework_rate"] = mean(key, "rework", "stays", 100.0)
            facts[key]["promise_kept_rate"] = mean(key, "promise", "promise_n")
            facts[key]["satisfaction"] = mean(key, "satisfied", "satisfied_n")
        return facts

    @api.model
    def _governance_fact_keys(self, company, department, user):
        """The department's key and, with a person, the person's."""
        keys = [(company.id, department.id, False)]
        if user:
            keys.append((company.id, department.id, user.id))
        return keys

    @api.model
    def _governance_norms_facts(self, departments):
        """``{(department, person or False): (rate, pairs)}``: of the
        (person, stage) pairs the department's stages require (its employees with
        a user, each stage it executes that has published norms), the share
        acknowledged at the version in force. Now, not at the period's end: an
        acknowledgement is not dated back."""
        stages = (
            self.env["order.governance.stage"]
            .sudo()
            .search(
                [
                    ("responsible_department_id", "in", departments.ids),
                    ("norms_version", ">", 0),
                ]
            )
        )
        if not stages:
            return {}
        employees = (
            self.env["hr.employee"]
            .sudo()
            .search_read(
                [("department_id", "in", departments.ids), ("user_id", "!=", False)],
                ["department_id", "user_id"],
                load=None,
            )
        )
        acked = {
            (stage.id, user.id)
            for stage, version, user in self.env["order.governance.norm.ack"]
            .sudo()
            ._read_group(
                [("stage_id", "in", stages.ids)],
                ["stage_id", "version", "user_id"],
            )
            if version == stage.norms_version
        }
        stages_of = defaultdict(list)
        for stage in stages:
            stages_of[stage.responsible_department_id.id].append(stage.id)
        people_of = defaultdict(set)
        for employee in employees:
            people_of[employee["department_id"]].add(employee["user_id"])
        result = {}
        for department in departments:
            stage_ids = stages_of.get(department.id)
            if not stage_ids:
                continue
            total = done = 0
            for user_id in people_of.get(department.id, ()):
                mine = sum((stage_id, user_id) in acked for stage_id in stage_ids)
                result[(department.id, user_id)] = (
                    100.0 * mine / len(stage_ids),
                    len(stage_ids),
                )
                total += len(stage_ids)
                done += mine
            if total:
                result[(department.id, False)] = (100.0 * done / total, total)
        return result
