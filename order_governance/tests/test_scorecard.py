"""Scorecards: targets, scores, closing, access (issue 28)."""

import io
from datetime import date, datetime

from freezegun import freeze_time
from openpyxl import load_workbook
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import GROUP_OFFICER, OrderGovernanceCase

NOV_1, NOV_30 = date(2026, 11, 1), date(2026, 11, 30)


class ScorecardCase(OrderGovernanceCase):
    """A hand-built November: four Production stays of 10, 10, 20 and 20 working
    hours, the first one late; worker one was responsible for the 10-hour stays,
    worker two for the 20-hour ones. Targets: on time 90 % (weight 2), average
    stage hours 12 (weight 1)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Card = cls.env["order.governance.scorecard"]
        cls.Target = cls.env["order.governance.kpi.target"]
        cls.orders = cls.build_stays(
            [
                (cls.prod_worker1, 10, True),
                (cls.prod_worker1, 10, False),
                (cls.prod_worker2, 20, False),
                (cls.prod_worker2, 20, False),
            ]
        )
        cls.target_on_time = cls.Target.create(
            {"kpi": "on_time_rate", "target": 90, "weight": 2}
        )
        cls.target_hours = cls.Target.create(
            {"kpi": "avg_stage_hours", "target": 12, "weight": 1}
        )

    @classmethod
    def build_stays(cls, stays, month=11):
        """Orders whose Production stay ended in ``month`` of 2026, with the
        given (responsible, working hours, late) figures."""
        with freeze_time(datetime(2026, month, 2, 8)):
            orders = cls.create_orders(len(stays))
            orders.sudo().governance_move(cls.stage_production, reason="set-up")
        with freeze_time(datetime(2026, month, 20, 8)):
            orders.sudo().governance_move(cls.stage_shipping, reason="set-up")
        cls.env.flush_all()
        for order, (user, hours, late) in zip(orders, stays, strict=True):
            cls.env.cr.execute(
                """
                UPDATE order_governance_stage_log
                   SET user_id = %s, duration_hours = %s,
                       date_in = %s, date_out = %s, deadline = %s,
                       sla_breached = %s, is_rework = FALSE
                 WHERE order_id = %s AND stage_id = %s
                """,
                (
                    user.id,
                    hours,
                    datetime(2026, month, 10, 8),
                    datetime(2026, month, 12, 8),
                    datetime(2026, month, 11 if late else 13, 8),
                    late,
                    order.id,
                    cls.stage_production.id,
                ),
            )
        cls.env.invalidate_all()
        return orders

    def generate(self, user=None, date_from=NOV_1, date_to=NOV_30):
        Card = self.Card.with_user(user or self.officer)
        return self.Card.browse(Card.governance_generate(date_from, date_to))

    def card_of(self, cards, department, user=None):
        card = cards.filtered(
            lambda c: c.department_id == department
            and c.user_id == (user or c.user_id.browse())
        )
        self.assertEqual(len(card), 1)
        return card

    def lines(self, card):
        return {line.kpi: line for line in card.line_ids}


@tagged("post_install", "-at_install")
class TestScorecard(ScorecardCase):
    def test_november_example(self):
        """The issue's example: 75 % on time, 15 h average; scores 83.3 and 80,
        card 82.2 (weighted 2:1)."""
        card = self.card_of(self.generate(), self.dep_production)
        lines = self.lines(card)
        self.assertEqual(set(lines), {"on_time_rate", "avg_stage_hours"})
        self.assertAlmostEqual(lines["on_time_rate"].actual, 75.0)
        self.assertEqual(lines["on_time_rate"].samples, 4)
        self.assertAlmostEqual(lines["on_time_rate"].score, 83.333, places=2)
        self.assertEqual(lines["on_time_rate"].weight, 2)
        self.assertAlmostEqual(lines["avg_stage_hours"].actual, 15.0)
        self.assertAlmostEqual(lines["avg_stage_hours"].score, 80.0)
        self.assertAlmostEqual(card.score, 82.222, places=2)
        self.assertEqual(card.state, "draft")
        # exact departments: Production's stays make no Operations card
        self.assertNotIn(self.dep_operations, self.Card.search([]).department_id)

    def test_same_figures_as_stage_performance(self):
        """A card and the Stage Performance pivot, filtered the same way, agree."""
        cards = self.generate()
        card = self.card_of(cards, self.dep_production)
        [[on_time, hours, stays, rework]] = self.env[
            "order.governance.kpi.report"
        ]._read_group(
            [
                ("department_id", "=", self.dep_production.id),
                ("date_out", ">=", card.period_start),
                ("date_out", "<", card.period_end),
                ("is_working_stage", "=", True),
            ],
            [],
            ["on_time_rate:avg", "duration_hours:avg", "__count", "rework_count:sum"],
        )
        lines = self.lines(card)
        self.assertAlmostEqual(lines["on_time_rate"].actual, on_time)
        self.assertAlmostEqual(lines["avg_stage_hours"].actual, hours)
        self.Target.create({"kpi": "rework_rate", "target": 10, "weight": 1})
        card.action_refresh()
        self.assertAlmostEqual(
            self.lines(card)["rework_rate"].actual, 100.0 * rework / stays
        )

    def test_kpi_without_target_or_samples_has_no_line(self):
        """A KPI without target, or without samples, is not scored."""
        self.Target.create({"kpi": "satisfaction", "target": 80, "weight": 5})
        card = self.card_of(self.generate(), self.dep_production)
        # a satisfaction target, but no rating in November: no line
        self.assertNotIn("satisfaction", self.lines(card))
        self.assertNotIn("rework_rate", self.lines(card))  # no target

    def test_department_target_wins(self):
        """A department's target overrides the company's for that KPI only."""
        self.Target.create(
            {
                "kpi": "on_time_rate",
                "department_id": self.dep_production.id,
                "target": 75,
                "weight": 1,
            }
        )
        cards = self.generate()
        lines = self.lines(self.card_of(cards, self.dep_production))
        self.assertEqual(lines["on_time_rate"].target, 75)
        self.assertEqual(lines["on_time_rate"].score, 100)
        self.assertEqual(lines["avg_stage_hours"].target, 12)  # the company's
        # Sales (its Received stays) keeps the company's target
        sales = self.lines(self.card_of(cards, self.dep_sales))
        self.assertEqual(sales.get("avg_stage_hours").target, 12)

    def test_person_cards(self):
        """A person's card counts the stays he was responsible for."""
        cards = self.generate()
        one = self.lines(self.card_of(cards, self.dep_production, self.prod_worker1))
        self.assertAlmostEqual(one["on_time_rate"].actual, 50.0)
        self.assertAlmostEqual(one["on_time_rate"].score, 100 * 50 / 90)
        self.assertAlmostEqual(one["avg_stage_hours"].actual, 10.0)
        self.assertEqual(one["avg_stage_hours"].score, 100)
        two = self.card_of(cards, self.dep_production, self.prod_worker2)
        self.assertAlmostEqual(self.lines(two)["on_time_rate"].actual, 100.0)
        self.assertAlmostEqual(two.score, (100 * 2 + 60) / 3)

    def test_norms_ack_rate(self):
        """Acknowledged (person, stage) pairs of the version in force, over the
        pairs the department's stages require; a person's own pairs."""
        self.env.cr.execute(
            "UPDATE order_governance_stage SET norms_version = 2 WHERE id = %s",
            [self.stage_production.id],
        )
        for user, version in ((self.prod_worker1, 2), (self.prod_worker2, 1)):
            self.env.cr.execute(
                """INSERT INTO order_governance_norm_ack
                       (stage_id, version, user_id, date, company_id)
                   VALUES (%s, %s, %s, now() at time zone 'UTC', %s)""",
                [self.stage_production.id, version, user.id, self.company.id],
            )
        self.env.invalidate_all()
        self.Target.create({"kpi": "norms_ack_rate", "target": 100, "weight": 1})
        cards = self.generate()
        # Production's people: its manager and the two workers; worker two read
        # an older version
        line = self.lines(self.card_of(cards, self.dep_production))["norms_ack_rate"]
        self.assertAlmostEqual(line.actual, 100 / 3)
        self.assertEqual(line.samples, 3)
        one = self.card_of(cards, self.dep_production, self.prod_worker1)
        self.assertEqual(self.lines(one)["norms_ack_rate"].actual, 100)
        two = self.card_of(cards, self.dep_production, self.prod_worker2)
        self.assertEqual(self.lines(two)["norms_ack_rate"].score, 0)

    def test_satisfaction(self):
        """Satisfaction: the share of satisfied ratings given in the period to the
        orders the department owns, as the Customer Satisfaction report says."""
        self.Target.create({"kpi": "satisfaction", "target": 80, "weight": 1})
        for order, value in zip(self.orders[:2], (5, 1), strict=True):
            token = order.sudo()._rating_get_access_token()
            rating = order.sudo().rating_apply(value, token=token)
            self.env.flush_all()
            self.env.cr.execute(
                "UPDATE rating_rating SET write_date = %s WHERE id = %s",
                [datetime(2026, 11, 15, 12), rating.id],
            )
        self.env.invalidate_all()
        card = self.card_of(self.generate(), self.dep_sales)
        line = self.lines(card)["satisfaction"]
        [[satisfied, count]] = self.env[
            "order.governance.satisfaction.report"
        ]._read_group(
            [
                ("owner_department_id", "=", self.dep_sales.id),
                ("date", ">=", card.period_start),
                ("date", "<", card.period_end),
            ],
            [],
            ["satisfied:avg", "__count"],
        )
        self.assertEqual((line.actual, line.samples), (satisfied, count))
        self.assertEqual((line.actual, line.samples), (50, 2))
        self.assertAlmostEqual(line.score, 100 * 50 / 80)

    def test_promises_kept(self):
        """Promises kept: the Delivery Performance on-time figure of the orders
        the department owns that were done in the period."""
        self.Target.create({"kpi": "promise_kept_rate", "target": 90, "weight": 1})
        service = self.env["product.product"].create(
            {"name": "Governed Service", "type": "service", "list_price": 50.0}
        )
        for promised, done in (
            (datetime(2026, 11, 10, 9), datetime(2026, 11, 9, 9)),
            (datetime(2026, 11, 10, 9), datetime(2026, 11, 14, 9)),
            (datetime(2026, 10, 10, 9), datetime(2026, 10, 9, 9)),  # October
        ):
            # a service: with Inventory, goods are dated by their deliveries
            order = self.create_order(
                owner_department_id=self.dep_sales.id,
                order_line=[Command.create({"product_id": service.id})],
            )
            order.action_confirm()
            order._governance_engine().write(
                {"governance_promised_date": promised, "governance_completed_at": done}
            )
        self.env.flush_all()
        card = self.card_of(self.generate(), self.dep_sales)
        line = self.lines(card)["promise_kept_rate"]
        [[on_time, count]] = self.env["order.governance.delivery.report"]._read_group(
            [
                ("owner_department_id", "=", self.dep_sales.id),
                ("done_date", ">=", card.period_start),
                ("done_date", "<", card.period_end),
            ],
            [],
            ["on_time:avg", "__count"],
        )
        self.assertEqual((line.actual, line.samples), (on_time, count))
        self.assertEqual((line.actual, line.samples), (50, 2))

    def test_generate_is_idempotent(self):
        """Twice: the same cards, with refreshed figures."""
        first = self.generate()
        self.env.cr.execute(
            "UPDATE order_governance_stage_log SET duration_hours = 12"
            " WHERE order_id IN %s AND stage_id = %s",
            [tuple(self.orders.ids), self.stage_production.id],
        )
        self.env.invalidate_all()
        second = self.generate()
        self.assertEqual(first, second)
        card = self.card_of(second, self.dep_production)
        self.assertEqual(self.lines(card)["avg_stage_hours"].actual, 12)
        self.assertEqual(len(card.line_ids), 2)

    def test_bad_input(self):
        """Negative targets, percentages over 100, weights of 0, reversed or
        malformed periods: clear errors, nothing written."""
        count = self.Target.search_count([])
        for values in (
            {"kpi": "rework_rate", "target": -1},
            {"kpi": "rework_rate", "target": 101},
            {"kpi": "avg_stage_hours", "target": 5, "weight": 0},
            {"kpi": "avg_stage_hours", "target": 5, "weight": -2},
            {"kpi": "avg_stage_hours", "target": float("nan")},
            {"kpi": "avg_stage_hours", "target": float("inf")},
            {"kpi": "avg_stage_hours", "target": 5, "weight": float("nan")},
        ):
            with self.assertRaises(ValidationError), self.cr.savepoint():
                self.Target.create(
                    {"department_id": self.dep_sales.id, "weight": 1, **values}
                )
        self.assertEqual(self.Target.search_count([]), count)
        # hours are no percentage: over 100 is fine
        self.Target.create(
            {
                "kpi": "avg_stage_hours",
                "target": 150,
                "department_id": self.dep_sales.id,
            }
        )
        with self.assertRaises(ValidationError):
            self.target_on_time.write({"target": 120})
        before = self.Card.search_count([])
        for date_from, date_to in (
            (NOV_30, NOV_1),
            ("2026-13-01", "2026-11-30"),
            ("nonsense", NOV_30),
            (None, NOV_30),
            (12, NOV_30),
            (date(2020, 1, 1), NOV_30),
        ):
            with self.assertRaises(UserError):
                self.generate(date_from=date_from, date_to=date_to)
        self.assertEqual(self.Card.search_count([]), before)
        with self.assertRaises(UserError):
            self.Card.with_user(self.env.ref("base.user_admin")).browse().action_reopen(
                "  "
            )

    def test_period_in_the_generating_users_time_zone(self):
        """Days run from midnight to midnight in the generating user's time zone,
        as the reports' date filters; a refresh keeps the card's bounds."""
        self.officer.tz = "America/Los_Angeles"
        card = self.card_of(self.generate(), self.dep_production)
        self.assertEqual(card.period_start, datetime(2026, 11, 1, 7))
        self.assertEqual(card.period_end, datetime(2026, 12, 1, 8))
        self.officer.tz = "UTC"
        self.generate()
        self.assertEqual(card.period_start, datetime(2026, 11, 1, 7))

    def test_rpc_dates(self):
        """Dates as strings (what JSON-RPC sends) work."""
        cards = self.generate(date_from="2026-11-01", date_to="2026-11-30")
        self.assertIn(self.dep_production, cards.department_id)

    def test_unique_target(self):
        """One target per KPI and department (or company-wide)."""
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            with self.cr.savepoint():
                self.Target.create({"kpi": "on_time_rate", "target": 50})


@tagged("post_install", "-at_install")
class TestScorecardClosing(ScorecardCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.officer2 = cls._person("officer_two", GROUP_OFFICER, cls.dep_omc)

    def test_closed_card_is_frozen(self):
        """A new target changes the draft cards, never a closed one."""
        cards = self.generate()
        closed = self.card_of(cards, self.dep_production)
        draft = self.card_of(cards, self.dep_production, self.prod_worker1)
        closed.with_user(self.officer).action_close()
        self.assertEqual(closed.state, "closed")
        self.assertTrue(closed.message_ids.filtered(lambda m: "closed" in m.body))
        score = closed.score
        # a new target changes the draft cards at once, not the closed one
        self.Target.create({"kpi": "rework_rate", "target": 5, "weight": 3})
        self.assertIn("rework_rate", self.lines(draft))
        self.assertEqual(closed.score, score)
        self.target_hours.target = 20
        self.assertEqual(self.lines(draft)["avg_stage_hours"].target, 20)
        self.assertEqual(self.lines(closed)["avg_stage_hours"].target, 12)
        self.generate()
        self.assertEqual(closed.score, score)
        self.assertNotIn("rework_rate", self.lines(closed))
        self.assertIn("rework_rate", self.lines(draft))
        closed.with_user(self.officer2).action_refresh()
        self.assertEqual(len(closed.line_ids), 2)

    def test_figures_refused_to_everyone(self):
        """Nobody writes a card's figures or lines, not even an officer or sudo."""
        card = self.card_of(self.generate(), self.dep_production)
        card.action_close()
        for user in (self.officer, self.prod_manager, self.prod_worker1):
            for values in (
                {"score": 100},
                {"state": "draft"},
                {"date_from": date(2026, 10, 1)},
            ):
                with self.assertRaises(AccessError):
                    card.with_user(user).write(values)
            with self.assertRaises(AccessError):
                card.line_ids[0].with_user(user).write({"actual": 100})
            with self.assertRaises(AccessError):
                card.line_ids.with_user(user).unlink()
            with self.assertRaises(AccessError):
                self.Card.with_user(user).create(
                    {
                        "company_id": self.company.id,
                        "department_id": self.dep_sales.id,
                        "date_from": NOV_1,
                        "date_to": NOV_30,
                    }
                )
        with self.assertRaises(AccessError):
            card.sudo().write({"score": 100})
        with self.assertRaises(AccessError):
            card.sudo().with_context(governance_scorecard_engine=True).write(
                {"score": 100}
            )
        with self.assertRaises(UserError):
            card.sudo().unlink()
        self.assertEqual(card.state, "closed")
        # the chatter stays open for remarks and appeals
        card.with_user(self.prod_manager).message_post(body="Appeal: order X")

    def test_close_is_for_officers(self):
        """A manager cannot close his card."""
        card = self.card_of(self.generate(), self.dep_production)
        with self.assertRaises(AccessError):
            card.with_user(self.prod_manager).action_close()
        with self.assertRaises(AccessError):
            self.generate(user=self.prod_manager)
        self.assertEqual(card.state, "draft")

    def test_reopen_by_the_omc_manager_with_reason(self):
        """Only the order management department's manager reopens, with a reason
        recorded in the chatter."""
        card = self.card_of(self.generate(), self.dep_production)
        card.action_close()
        for user in (self.officer2, self.prod_manager):
            with self.assertRaises(AccessError):
                card.with_user(user).action_reopen("I want to")
        with self.assertRaises(UserError):
            card.with_user(self.officer).action_reopen("")
        self.assertEqual(card.state, "closed")
        wizard = (
            self.env["order.governance.scorecard.reopen"]
            .with_user(self.officer)
            .with_context(active_ids=card.ids)
            .create({"reason": "Late correction of order S0042"})
        )
        wizard.action_reopen()
        self.assertEqual(card.state, "draft")
        self.assertTrue(
            card.message_ids.filtered(
                lambda m: "Late correction of order S0042" in m.body
            )
        )


@tagged("post_install", "-at_install")
class TestScorecardAccess(ScorecardCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cards = cls.Card.browse(
            cls.Card.with_user(cls.officer).governance_generate(NOV_1, NOV_30)
        )
        cls.other_company = cls.env["res.company"].create({"name": "Other Company"})
        other_department = cls.env["hr.department"].create(
            {"name": "Elsewhere", "company_id": cls.other_company.id}
        )
        cls.foreign = cls.Card._governance_scorecard_engine().create(
            {
                "company_id": cls.other_company.id,
                "department_id": other_department.id,
                "date_from": NOV_1,
                "date_to": NOV_30,
            }
        )

    def visible(self, user):
        return self.Card.with_user(user).search([])

    def test_executor_sees_his_own_card(self):
        """An executor sees his own person card, and its lines, only."""
        own = self.card_of(self.cards, self.dep_production, self.prod_worker1)
        self.assertEqual(self.visible(self.prod_worker1), own)
        lines = self.env["order.governance.scorecard.line"].with_user(self.prod_worker1)
        self.assertEqual(lines.search([]), own.line_ids)
        department = self.card_of(self.cards, self.dep_production)
        with self.assertRaises(AccessError):
            department.with_user(self.prod_worker1).read(["score"])

    def test_manager_sees_his_tree(self):
        """A manager sees the cards of the departments he manages and below, and
        of their people."""
        production = self.cards.filtered(
            lambda c: c.department_id == self.dep_production
        )
        self.assertEqual(len(production), 3)
        self.assertEqual(self.visible(self.prod_manager), production)
        self.assertEqual(self.visible(self.ops_manager), production)
        self.assertEqual(
            self.visible(self.sales_manager),
            self.cards.filtered(lambda c: c.department_id == self.dep_sales),
        )

    def test_officer_sees_his_companies(self):
        """An officer sees every card of his companies, not another company's."""
        self.assertEqual(self.visible(self.officer), self.cards)
        with self.assertRaises(AccessError):
            self.foreign.with_user(self.officer).read(["score"])

    def test_multi_company(self):
        """A user of both companies sees the other company's cards when it is
        allowed, and only then."""
        both = new_test_user(
            self.env,
            login="og_two_companies",
            groups=f"base.group_user,{GROUP_OFFICER}",
            company_id=self.company.id,
            company_ids=[Command.set((self.company | self.other_company).ids)],
        )
        Card = self.Card.with_user(both)
        self.assertNotIn(
            self.foreign,
            Card.with_context(allowed_company_ids=self.company.ids).search([]),
        )
        self.assertIn(
            self.foreign,
            Card.with_context(
                allowed_company_ids=(self.company | self.other_company).ids
            ).search([]),
        )

    def test_views_open_for_each_role(self):
        """The list, form and graph open for each role; the form reads its lines
        and previous cards."""
        own = self.card_of(self.cards, self.dep_production, self.prod_worker1)
        for user in (self.prod_worker1, self.prod_manager, self.officer):
            Card = self.Card.with_user(user)
            for view_type in ("list", "form", "graph", "pivot", "search"):
                Card.get_view(view_type=view_type)
            values = own.with_user(user).web_read(
                {
                    "score": {},
                    "line_ids": {"fields": {"kpi": {}, "score": {}}},
                    "history_ids": {"fields": {"score": {}}},
                }
            )
            self.assertEqual(len(values[0]["line_ids"]), 2)
        action = own.with_user(self.prod_manager).action_open_trend()
        self.assertEqual(action["res_model"], "order.governance.scorecard")

    def test_generate_wizard(self):
        """The officers' wizard defaults to last month and opens the cards."""
        with freeze_time("2026-12-05 10:00:00"):
            wizard = (
                self.env["order.governance.scorecard.generate"]
                .with_user(self.officer)
                .create({})
            )
        self.assertEqual((wizard.date_from, wizard.date_to), (NOV_1, NOV_30))
        action = wizard.action_generate()
        cards = self.Card.search(action["domain"])
        self.assertEqual(cards, self.cards)

    def test_targets(self):
        """Governance users read their companies' targets; only admins write."""
        targets = self.Target.with_user(self.prod_worker1).search([])
        self.assertEqual(targets, self.target_on_time | self.target_hours)
        with self.assertRaises(AccessError):
            self.target_on_time.with_user(self.officer).write({"target": 50})


@tagged("post_install", "-at_install")
class TestScorecardQueries(ScorecardCase):
    def test_query_count_does_not_grow_with_stays(self):
        """A month's cards cost the same queries for 10 orders as for 40."""
        workers = [self.prod_worker1, self.prod_worker2]
        for month, count in ((9, 4), (10, 10), (12, 40)):
            self.build_stays(
                [(workers[i % 2], 10 + i % 3, i % 4 == 0) for i in range(count)],
                month=month,
            )
        self.env.flush_all()
        self.generate(date_from=date(2026, 9, 1), date_to=date(2026, 9, 30))  # warm-up
        Card = self.Card.with_user(self.officer)
        self.env.invalidate_all()
        with self.assertQueryCount(QUERIES):
            ten = Card.governance_generate(date(2026, 10, 1), date(2026, 10, 31))
        self.env.invalidate_all()
        with self.assertQueryCount(QUERIES):
            forty = Card.governance_generate(date(2026, 12, 1), date(2026, 12, 31))
        self.assertEqual(len(ten), len(forty))

    def test_monthly_cron_and_activities(self):
        """The cron generates last month's cards and gives each department manager
        one activity, whatever the number of his departments."""
        self.dep_logistics.manager_id = self.env["hr.employee"].search(
            [("user_id", "=", self.prod_manager.id)]
        )
        with freeze_time("2026-12-01 04:00:00"):
            self.Card._cron_generate_last_month()
        cards = self.Card.search(
            [("date_from", "=", NOV_1), ("company_id", "=", self.company.id)]
        )
        self.assertIn(self.dep_production, cards.department_id)
        activity_type = self.env.ref(
            "order_governance.mail_activity_type_scorecards_ready"
        )
        activities = self.env["mail.activity"].search(
            [("activity_type_id", "=", activity_type.id)]
        )
        mine = activities.filtered(lambda a: a.user_id == self.prod_manager)
        self.assertEqual(len(mine), 1)
        self.assertIn("Production", str(mine.note))
        # run again: no second activity
        with freeze_time("2026-12-01 05:00:00"):
            self.Card._cron_generate_last_month()
        self.assertEqual(
            len(
                self.env["mail.activity"].search(
                    [
                        ("activity_type_id", "=", activity_type.id),
                        ("user_id", "=", self.prod_manager.id),
                    ]
                )
            ),
            1,
        )


# A month's cards: the officer and the existing cards (3), the stays' keys, the
# new cards, departments, targets, one grouped read per source (stays,
# deliveries, ratings), the norms (stages, employees, acknowledgements, versions),
# the lines: whatever the number of stays.
QUERIES = 17


@tagged("post_install", "-at_install")
class TestScorecardWorkbook(ScorecardCase):
    def test_scorecards_sheet(self):
        """The KPI workbook lists the cards overlapping its period, per department
        then person, with each KPI's actual, target and score; a manager's, his
        departments' only."""
        self.generate()
        self.card_of(self.Card.search([]), self.dep_production).action_close()
        rows = {}
        for user in (self.officer, self.prod_manager):
            wizard = (
                self.env["order.governance.kpi.export"]
                .with_user(user)
                .create(
                    {"date_from": date(2026, 11, 15), "date_to": date(2026, 12, 15)}
                )
            )
            book = load_workbook(io.BytesIO(wizard._workbook_bytes()))
            sheet = book["Scorecards"]
            header = next(sheet.iter_rows(max_row=1, values_only=True))
            rows[user] = [
                dict(zip(header, row, strict=True))
                for row in sheet.iter_rows(min_row=2, values_only=True)
            ]
        officer_rows = rows[self.officer]
        self.assertIn("Sales", {row["Department"] for row in officer_rows})
        production = [
            row
            for row in officer_rows
            if row["Department"] == "Operations / Production"
        ]
        self.assertEqual(
            [row["Person"] for row in production],
            [None, self.prod_worker1.name, self.prod_worker2.name],
        )
        card = production[0]
        self.assertEqual(card["Status"], "Closed")
        self.assertAlmostEqual(card["Score"], 82.222, places=2)
        self.assertAlmostEqual(card["On-Time Rate (%): actual"], 75)
        self.assertAlmostEqual(card["Average Stage Hours: target"], 12)
        self.assertAlmostEqual(card["Average Stage Hours: score"], 80)
        self.assertIsNone(card["Rework Rate (%): score"])
        self.assertEqual(
            {row["Department"] for row in rows[self.prod_manager]},
            {"Operations / Production"},
        )

    def test_monthly_mail_names_department_scores(self):
        """The monthly workbook's e-mail names the month's department scores."""
        self.generate()
        self.company.governance_monthly_workbook = True
        with freeze_time("2026-12-01 05:00:00"):
            self.env["order.governance.kpi.export"]._cron_send_monthly_workbook()
        mail = self.env["mail.mail"].search(
            [
                ("subject", "like", "Order governance KPIs"),
                ("recipient_ids", "in", self.officer.partner_id.ids),
            ]
        )
        self.assertEqual(len(mail), 1)
        self.assertIn("Operations / Production: 82.2 (Draft)", mail.body_html)
        self.assertIn("attached", mail.body_html)
