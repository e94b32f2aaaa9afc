from freezegun import freeze_time

from odoo.tests import tagged

from .test_sla import MONDAY, TUESDAY, WEDNESDAY, SlaCase, at


@tagged("post_install", "-at_install")
class TestEscalation(SlaCase):
    """Production SLA 8 h entered Monday 08:00: at risk 14:24, due 17:00,
    escalated further on Tuesday 17:00 (8 working hours later)."""

    def messages_to(self, user):
        return self.env["mail.message"].search_count(
            [("partner_ids", "in", user.partner_id.ids)]
        )

    def activities_of(self, user):
        return self.env["mail.activity"].search_count([("user_id", "=", user.id)])

    def test_levels_and_idempotence(self):
        """Each level once: remind, then the managers, then the parent manager."""
        order = self.enter_production(at(MONDAY, 8))
        log = self.open_logs(order)
        self.assertEqual(order.responsible_user_id, self.prod_manager)
        reminded = self.messages_to(self.prod_manager)
        self.watch(at(MONDAY, 15, 30))
        self.assertEqual(log.escalation_level, 1)
        self.assertEqual(self.messages_to(self.prod_manager), reminded + 1)
        self.watch(at(MONDAY, 15, 45))
        self.assertEqual(self.messages_to(self.prod_manager), reminded + 1)

        # the Production manager is responsible himself: the breach goes up to the
        # Operations manager, the next level to the accountable officer
        manager_tasks = self.activities_of(self.ops_manager)
        own_tasks = self.activities_of(self.prod_manager)
        officer_messages = self.messages_to(self.officer)
        self.watch(at(MONDAY, 17))
        self.assertEqual(log.escalation_level, 2)
        self.assertTrue(log.sla_breached)
        self.assertEqual(order.sla_status, "breached")
        self.assertEqual(self.activities_of(self.ops_manager), manager_tasks + 1)
        self.assertEqual(self.activities_of(self.prod_manager), own_tasks)
        self.assertEqual(self.messages_to(self.officer), officer_messages + 1)

        officer_tasks = self.activities_of(self.officer)
        self.watch(at(TUESDAY, 17))
        self.assertEqual(log.escalation_level, 3)
        self.assertEqual(self.activities_of(self.officer), officer_tasks + 1)
        self.watch(at(WEDNESDAY, 9))
        self.assertEqual(self.activities_of(self.officer), officer_tasks + 1)
        self.assertEqual(log.escalation_level, 3)

    def test_people_without_user_are_skipped(self):
        """Nobody responsible: the reminder goes to the next person up."""
        self.dep_production.manager_id = False  # falls back to ops_manager
        self.dep_operations.manager_id = False
        order = self.enter_production(at(MONDAY, 8))
        self.assertFalse(order.responsible_user_id)
        # level 1 and 2 have nobody in Production or Operations: the accountable
        # department's manager (the officer) is reminded instead
        before = self.messages_to(self.officer)
        self.watch(at(MONDAY, 15, 30))
        self.assertEqual(self.open_logs(order).escalation_level, 1)
        self.assertEqual(self.messages_to(self.officer), before + 1)

    def count_cron_queries(self):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        self.env["order.governance.sla.watch"]._cron_watch_sla()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def test_cron_query_count_bounded(self):
        """Watching 1,000 open orders costs far less than a query per order."""
        with freeze_time(at(MONDAY, 8)):
            few = self.put_in(self.create_orders(50), self.stage_production)
        with freeze_time(at(MONDAY, 17, 30)):
            queries_50 = self.count_cron_queries()
        self.assertEqual(set(few.mapped("sla_status")), {"breached"})
        with freeze_time(at(TUESDAY, 8)):
            many = self.put_in(self.create_orders(1000), self.stage_production)
        with freeze_time(at(TUESDAY, 17, 30)):
            queries_1000 = self.count_cron_queries()
        self.assertEqual(set(many.mapped("sla_status")), {"breached"})
        # The ORM writes and inserts in chunks of 100, so the count may grow by a
        # query per chunk for each of the watch's dozen batched writes (stays,
        # orders' SLA status and forecast, messages, activities, followers),
        # never by one per order.
        self.assertLessEqual(
            queries_1000 - queries_50, (1000 - 50) // 8, (queries_50, queries_1000)
        )
