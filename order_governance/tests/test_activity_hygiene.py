from odoo import Command
from odoo.tests import tagged

from .test_sla import MONDAY, TUESDAY, WEDNESDAY, SlaCase, at


@tagged("post_install", "-at_install")
class TestActivityHygiene(SlaCase):
    """At most one open governance activity per person and order, closed when it
    no longer applies; escalations never to the responsible person himself."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Production consults Order Management and Operations; the officer manages
        # Order Management, the Operations manager is also the escalation's next step
        cls.stage_production.consulted_department_ids = [
            Command.set((cls.dep_omc | cls.dep_operations).ids)
        ]
        cls.stage_shipping.consulted_department_ids = [Command.set(cls.dep_omc.ids)]

    def open_activities(self, order):
        return self.env["mail.activity"].search(
            [("res_model", "=", "sale.order"), ("res_id", "=", order.id)]
        )

    def assert_one_per_person(self, order):
        users = self.open_activities(order).user_id
        self.assertEqual(
            len(self.open_activities(order)), len(users), "two activities for a person"
        )

    def test_responsible_who_is_consulted_gets_one(self):
        """The responsible person, also consulted, has one activity: his to-do."""
        self.dep_production.manager_id = self.dep_operations.manager_id
        order = self.enter_production(at(MONDAY, 8))
        self.assertEqual(order.responsible_user_id, self.ops_manager)
        mine = self.open_activities(order).filtered(
            lambda a: a.user_id == self.ops_manager
        )
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine, self.open_logs(order).activity_id)
        self.assert_one_per_person(order)

    def test_consulted_activities_close_when_the_order_moves_on(self):
        """Leaving a stage closes every activity of it: the next stage's people get
        theirs, nothing of the previous stage stays open."""
        order = self.enter_production(at(MONDAY, 8))
        self.assertEqual(
            self.open_activities(order).user_id,
            self.prod_manager | self.officer | self.ops_manager,
        )
        order.with_user(self.prod_manager).action_governance_next()
        shipping = self.open_logs(order)
        self.assertEqual(self.open_activities(order).governance_log_id, shipping)
        self.assertEqual(self.open_activities(order).user_id, self.officer)

    def test_final_and_cancel_stages_create_no_activity(self):
        """An order that is done or cancelled leaves nobody a to-do."""
        done = self.put_in(self.create_order(), self.stage_done)
        cancelled = self.put_in(self.create_order(), self.stage_cancelled)
        self.assertFalse(self.open_activities(done))
        self.assertFalse(self.open_activities(cancelled))

    def test_no_escalation_to_oneself(self):
        """The Production manager is responsible himself: the breach goes to the
        Operations manager, and the next level further up to the officer."""
        order = self.enter_production(at(MONDAY, 8))
        self.assertEqual(order.responsible_user_id, self.prod_manager)
        mine = self.open_activities(order).filtered(
            lambda a: a.user_id == self.prod_manager
        )
        self.watch(at(MONDAY, 17))
        self.assertEqual(
            self.open_activities(order).filtered(
                lambda a: a.user_id == self.prod_manager
            ),
            mine,
        )
        ops = self.open_activities(order).filtered(
            lambda a: a.user_id == self.ops_manager
        )
        self.assertEqual(len(ops), 1)
        self.assertIn("Overdue:", ops.summary)
        self.watch(at(TUESDAY, 17))
        officer = self.open_activities(order).filtered(
            lambda a: a.user_id == self.officer
        )
        self.assertEqual(len(officer), 1)
        self.assertIn("Overdue:", officer.summary)
        self.watch(at(WEDNESDAY, 17))
        self.assert_one_per_person(order)

    def test_escalation_to_a_consulted_manager_takes_over_his_activity(self):
        """Escalating to someone who is already consulted updates his activity
        instead of giving him a second one."""
        order = self.enter_production(at(MONDAY, 8))
        consulted = self.open_activities(order).filtered(
            lambda a: a.user_id == self.ops_manager
        )
        self.assertIn("Consulted", consulted.summary)
        self.watch(at(MONDAY, 17))
        self.assertTrue(consulted.exists())
        self.assertIn("Overdue:", consulted.summary)
        self.assert_one_per_person(order)

    def test_reassign_to_a_consulted_manager_keeps_one(self):
        """Reassigning the stage to the consulted Operations manager leaves him
        one activity, the to-do of the stage."""
        order = self.enter_production(at(MONDAY, 8))
        order.with_user(self.officer).governance_reassign(
            self.dep_operations, self.ops_manager
        )
        mine = self.open_activities(order).filtered(
            lambda a: a.user_id == self.ops_manager
        )
        self.assertEqual(mine, self.open_logs(order).activity_id)
        self.assert_one_per_person(order)

    def test_people_with_activities_follow_handoffs_only(self):
        """The people the governance gives an activity follow the order's handoffs,
        not its discussions: the customer's e-mails do not go to them. Someone who
        already followed keeps what he chose."""
        order = self.create_order()
        comment = self.env.ref("mail.mt_comment")
        order.message_subscribe(self.officer.partner_id.ids, subtype_ids=comment.ids)
        self.put_in(order, self.stage_production)
        handoff = self.env.ref("order_governance.mt_governance_handoff")
        follower_of = {f.partner_id: f.subtype_ids for f in order.message_follower_ids}
        self.assertEqual(follower_of[self.prod_manager.partner_id], handoff)
        self.assertEqual(follower_of[self.ops_manager.partner_id], handoff)
        self.assertIn(comment, follower_of[self.officer.partner_id])
        message = order.message_post(body="Quotation", subtype_xmlid="mail.mt_comment")
        self.assertNotIn(self.prod_manager.partner_id, message.notified_partner_ids)
        self.assertIn(self.officer.partner_id, message.notified_partner_ids)


@tagged("post_install", "-at_install")
class TestChatter(SlaCase):
    """One message per handoff; holds and escalations say what happened."""

    def messages(self, order):
        self.env.flush_all()
        return order.message_ids.filtered(lambda m: m.message_type == "notification")

    def test_one_message_per_handoff(self):
        """Next Stage writes one message: the tracking with who moved it where."""
        order = self.enter_production(at(MONDAY, 8))
        self.flush_tracking()
        before = self.messages(order)
        order.with_user(self.prod_manager).action_governance_next()
        self.flush_tracking()
        new = self.messages(order) - before
        self.assertEqual(len(new), 1, new.mapped("body"))
        self.assertIn("Moved to Shipping by", str(new.body))
        self.assertIn("Shipping", new.tracking_value_ids.mapped("new_value_char"))

    def test_hold_message_gives_reason_and_note(self):
        order = self.enter_production(at(MONDAY, 8))
        self.flush_tracking()
        before = self.messages(order)
        reason = self.env.ref("order_governance.hold_reason_customer")
        order.with_user(self.prod_manager).governance_hold(reason, "Drawings missing")
        self.flush_tracking()
        body = str((self.messages(order) - before).body)
        self.assertIn(reason.name, body)
        self.assertIn("Drawings missing", body)

    def test_escalation_message_says_who_how_late_and_what(self):
        order = self.enter_production(at(MONDAY, 8))
        self.watch(at(TUESDAY, 10))
        bodies = " ".join(str(b) for b in order.message_ids.mapped("body"))
        self.assertIn(f"{order.name} is 17:00 overdue in Production", bodies)
        self.assertIn(f"{self.prod_manager.name} is responsible", bodies)
        self.assertIn(f"{self.ops_manager.name}, please decide", bodies)

    def test_handoff_writes_one_message_per_order_in_bounded_queries(self):
        """Moving 20 orders writes 20 handoff messages (no extra activity notes);
        the move costs what moving 5 costs, plus a small constant."""
        self.stage_shipping.consulted_department_ids = [Command.set(self.dep_omc.ids)]
        few = self.put_in(self.create_orders(5), self.stage_production)
        many = self.put_in(self.create_orders(20), self.stage_production)
        self.flush_tracking()
        counts = {}
        for orders in (few, many):
            before_messages = self.env["mail.message"].search_count(
                [("model", "=", "sale.order"), ("res_id", "in", orders.ids)]
            )
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            orders.with_user(self.officer).action_governance_next()
            self.env.flush_all()
            counts[len(orders)] = self.env.cr.sql_log_count - before
            # the messages themselves are Odoo's tracking, written at commit
            self.flush_tracking()
            after_messages = self.env["mail.message"].search_count(
                [("model", "=", "sale.order"), ("res_id", "in", orders.ids)]
            )
            self.assertEqual(after_messages - before_messages, len(orders))
        self.assertLessEqual(counts[20], counts[5] + 5, counts)
