from datetime import datetime

from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, Command, api, sql_db
from odoo.exceptions import UserError, ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from ..models.order_governance_stage import MAX_SLA_HOURS
from .common import OrderGovernanceCase

WRONG_TYPE_DOMAINS = [
    "[('date_order', '>', 'not-a-date')]",
    "[('amount_total', '>', 'abc')]",
]
NOT_A_LIST_DOMAINS = ["42", "{'a': 1}"]


@tagged("post_install", "-at_install")
class TestBadInputRefused(OrderGovernanceCase):
    """Bad input is refused when it is entered, and nothing of it is written."""

    def rule_values(self, **values):
        return {
            "name": "Bad",
            "company_id": self.company.id,
            "responsible_department_id": self.dep_production.id,
            **values,
        }

    def assert_create_refused(self, model, values, *messages):
        Model = self.env[model].with_context(active_test=False)
        count = Model.search_count([])
        with self.assertRaises(ValidationError) as caught:
            Model.create(values)
        for message in messages:
            self.assertIn(message, str(caught.exception))
        self.assertEqual(Model.search_count([]), count)

    def assert_write_refused(self, record, values, *messages):
        before = record.read(list(values))[0]
        with self.assertRaises(ValidationError) as caught:
            record.write(values)
        for message in messages:
            self.assertIn(message, str(caught.exception))
        record.invalidate_recordset()
        self.assertEqual(record.read(list(values))[0], before)

    # SLA and settings ---------------------------------------------------
    def test_sla_bound_is_plannable(self):
        """The SLA bound is plannable on a 40-hour calendar; 20,000 hours are not."""
        calendar = self.env.ref("resource.resource_calendar_std")
        start = datetime(2026, 1, 5, 8, 0)
        self.assertTrue(calendar.plan_hours(MAX_SLA_HOURS, start, compute_leaves=True))
        self.assertFalse(calendar.plan_hours(20000, start, compute_leaves=True))

    def test_sla_above_bound_refused(self):
        """A stage's SLA may not exceed MAX_SLA_HOURS, on create or write."""
        stage = self.stage_production
        stage.sla_hours = 40
        self.assert_write_refused(
            stage, {"sla_hours": MAX_SLA_HOURS + 1}, "at most 2000 working hours"
        )
        self.assert_write_refused(stage, {"sla_hours": 20000}, "Production")
        self.assertEqual(stage.sla_hours, 40)
        self.assert_create_refused(
            "order.governance.stage",
            {"name": "Forever", "company_id": self.company.id, "sla_hours": 20000},
            "Forever",
            "at most 2000 working hours",
        )
        stage.sla_hours = MAX_SLA_HOURS  # the bound itself is allowed

    def test_at_risk_percent_bounds(self):
        """The at-risk threshold of the settings stays between 0 and 100 %."""
        for value in (-1, 100.5, 150):
            with self.assertRaises(ValidationError) as caught:
                self.env["res.config.settings"].create(
                    {"governance_at_risk_percent": value}
                ).execute()
            self.assertIn("between 0 and 100", str(caught.exception))
            self.company.invalidate_recordset()
            self.assertEqual(self.company.governance_at_risk_percent, 80.0)
        self.assert_write_refused(
            self.company, {"governance_at_risk_percent": 101}, "between 0 and 100"
        )

    def test_escalation_delay_bounds(self):
        """The escalation delay of the settings stays between 0 and MAX_SLA_HOURS."""
        for value in (-1, MAX_SLA_HOURS + 1, 20000):
            with self.assertRaises(ValidationError) as caught:
                self.env["res.config.settings"].create(
                    {"governance_escalation_delay_hours": value}
                ).execute()
            self.assertIn("between 0 and 2000 working hours", str(caught.exception))
            self.company.invalidate_recordset()
            self.assertEqual(self.company.governance_escalation_delay_hours, 8.0)
        self.company.governance_escalation_delay_hours = MAX_SLA_HOURS

    # Domains ------------------------------------------------------------
    def test_rule_domain_wrong_type_refused_on_create(self):
        """A rule domain with a value of the wrong type is refused on create."""
        for domain in WRONG_TYPE_DOMAINS:
            self.assert_create_refused(
                "order.governance.rule",
                self.rule_values(domain=domain),
                "domain of rule Bad is not valid",
            )

    def test_rule_domain_wrong_type_refused_on_write(self):
        """A rule domain with a value of the wrong type is refused on write."""
        rule = self.env["order.governance.rule"].create(
            self.rule_values(name="Big", domain="[('amount_total', '>', 1000)]")
        )
        for domain in WRONG_TYPE_DOMAINS:
            self.assert_write_refused(
                rule, {"domain": domain}, "domain of rule Big is not valid"
            )
        self.assertEqual(rule.domain, "[('amount_total', '>', 1000)]")

    def test_rule_domain_not_a_list_refused(self):
        """A rule domain that is not a list is refused."""
        for domain in NOT_A_LIST_DOMAINS:
            self.assert_create_refused(
                "order.governance.rule",
                self.rule_values(domain=domain),
                "domain of rule Bad is not valid",
                "list of conditions",
            )

    def test_check_domain_wrong_type_refused(self):
        """An exit criterion's domain with a value of the wrong type is refused."""
        for domain in WRONG_TYPE_DOMAINS:
            self.assert_create_refused(
                "order.governance.check",
                {"stage_id": self.stage_production.id, "name": "Bad", "domain": domain},
                "domain of check Bad is not valid",
            )
        check = self.env["order.governance.check"].create(
            {
                "stage_id": self.stage_production.id,
                "name": "Referenced",
                "domain": "[('client_order_ref', '!=', False)]",
            }
        )
        for domain in WRONG_TYPE_DOMAINS:
            self.assert_write_refused(
                check, {"domain": domain}, "domain of check Referenced is not valid"
            )
        self.assertEqual(check.domain, "[('client_order_ref', '!=', False)]")

    def test_check_domain_not_a_list_refused(self):
        """An exit criterion's domain that is not a list is refused."""
        for domain in NOT_A_LIST_DOMAINS:
            self.assert_create_refused(
                "order.governance.check",
                {"stage_id": self.stage_production.id, "name": "Bad", "domain": domain},
                "domain of check Bad is not valid",
                "list of conditions",
            )

    def test_refused_domain_leaves_transaction_usable(self):
        """A refused domain leaves no broken transaction: moves still work after."""
        with self.assertRaises(ValidationError):
            self.env["order.governance.rule"].create(
                self.rule_values(domain=WRONG_TYPE_DOMAINS[0])
            )
        order = self.put_in(self.create_order(), self.stage_production)
        self.assertEqual(order.governance_stage_id, self.stage_production)

    # Exit criteria of a closed stay -------------------------------------
    def test_closed_stay_checks_frozen(self):
        """The checks of a closed stay can be neither ticked nor unticked."""
        self.stage_production.check_ids = [Command.create({"name": "Drawing"})]
        order = self.put_in(self.create_order(), self.stage_production)
        line = order.governance_check_line_ids
        line.with_user(self.prod_worker1).action_tick()
        order.action_governance_next()
        self.assertEqual(order.governance_stage_id, self.stage_shipping)
        self.assertTrue(line.log_id.date_out)
        # Logistics is responsible now and may move the order, not re-do its past.
        for user in (self.log_worker, self.officer):
            for action in ("action_untick", "action_tick"):
                with self.assertRaises(UserError) as caught:
                    getattr(line.with_user(user), action)()
                self.assertIn("its checks are frozen", str(caught.exception))
        line.invalidate_recordset()
        self.assertTrue(line.done)
        self.assertEqual(line.done_by_id, self.prod_worker1)

    # Least-loaded pointer -------------------------------------------------
    def test_least_loaded_writes_pointer_not_in_preview(self):
        """Least loaded records its last assignee on the rule; a preview does not."""
        rule = self.env["order.governance.rule"].create(
            self.rule_values(
                name="Load",
                assignment="least_loaded",
                stage_ids=[Command.set(self.stage_production.ids)],
            )
        )
        first = self.put_in(self.create_order(), self.stage_production)
        self.assertEqual(first.responsible_user_id, self.prod_manager)  # lowest id
        self.assertEqual(rule.last_assigned_user_id, self.prod_manager)
        orders = self.put_in(self.create_orders(2), self.stage_production)
        self.assertEqual(rule.last_assigned_user_id, orders[-1].responsible_user_id)
        pointer = rule.last_assigned_user_id
        preview = self.create_order()._governance_resolve(self.stage_production)
        self.assertEqual(preview["rule"], rule)
        self.assertNotEqual(preview["user"], pointer)  # a move would change it
        rule.invalidate_recordset()
        self.assertEqual(rule.last_assigned_user_id, pointer)


@tagged("post_install", "-at_install")
class TestLeastLoadedConcurrency(TransactionCase):
    """Two real transactions on a committed rule (the test's own transaction is not
    seen by other cursors, so the fixture is committed and removed afterwards)."""

    def setUp(self):
        super().setUp()
        self.db = sql_db.db_connect(self.env.cr.dbname)
        with self.db.cursor() as cr:  # committed on exit
            env = api.Environment(cr, SUPERUSER_ID, {})
            department = env["hr.department"].create({"name": "Concurrency"})
            rule = env["order.governance.rule"].create(
                {
                    "name": "Concurrency",
                    "active": False,  # never picked by the other tests
                    "responsible_department_id": department.id,
                    "assignment": "least_loaded",
                }
            )
            self.rule_id, self.department_id = rule.id, department.id
        self.addCleanup(self._drop_fixture)

    def _drop_fixture(self):
        with self.db.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["order.governance.rule"].browse(self.rule_id).unlink()
            env["hr.department"].browse(self.department_id).unlink()

    def _transaction(self):
        cr = self.db.cursor()
        self.addCleanup(cr.close)
        cr.execute("SET LOCAL lock_timeout = '20s'")  # never hang the test run
        env = api.Environment(cr, SUPERUSER_ID, {})
        rule = env["order.governance.rule"].browse(self.rule_id)
        order = env["sale.order"].search([], limit=1, order="id")
        members = env.ref("base.user_admin") | env.ref("base.user_root")
        return cr, rule, order, members

    def test_concurrent_least_loaded_handoffs_take_turns(self):
        """Two least-loaded handoffs at once: the later one is retried, not doubled."""
        # A committed handoff first: the next one picks the same person (nothing
        # changed their load), so the pointer's value stays the same and only the
        # row's update can make the concurrent transaction conflict.
        cr0, rule0, order0, members0 = self._transaction()
        self.assertTrue(order0, "the test database has orders (demo data)")
        picked = rule0._assign_least_loaded(order0, members0)[order0.id]
        cr0.commit()
        cr1, rule1, order1, members1 = self._transaction()
        cr2, rule2, order2, members2 = self._transaction()  # snapshot taken here
        again = rule1._assign_least_loaded(order1, members1)[order1.id]
        self.assertEqual(again, picked)
        cr1.commit()
        # A preview takes no lock and writes nothing: it is never refused.
        rule2._assign_least_loaded(order2, members2, preview=True)
        with mute_logger("odoo.sql_db"), self.assertRaises(SerializationFailure):
            rule2._assign_least_loaded(order2, members2)
        cr2.rollback()
        rule2.invalidate_recordset()
        self.assertEqual(rule2.last_assigned_user_id.id, picked.id)
