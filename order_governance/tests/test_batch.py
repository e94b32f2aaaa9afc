from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..models.mail_message import HANDOFF_WRITER
from .common import OrderGovernanceCase


@tagged("post_install", "-at_install")
class TestBatch(OrderGovernanceCase):
    def count_queries(self, orders):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        orders.with_user(self.officer).action_governance_next()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def test_next_cost_does_not_grow_with_orders(self):
        """Moving 100 orders costs no more queries than 10, plus a small constant."""
        self.env["order.governance.rule"].create(
            {
                "name": "Shipping in turn",
                "company_id": self.company.id,
                "stage_ids": [Command.set(self.stage_shipping.ids)],
                "responsible_department_id": self.dep_logistics.id,
                "assignment": "round_robin",
            }
        )
        small = self.put_in(self.create_orders(10), self.stage_production)
        large = self.put_in(self.create_orders(100), self.stage_production)
        queries_10 = self.count_queries(small)
        queries_100 = self.count_queries(large)
        self.assertEqual(
            set(large.mapped("governance_stage_id")), {self.stage_shipping}
        )
        self.assertLessEqual(queries_100, queries_10 + 5, (queries_10, queries_100))


@tagged("post_install", "-at_install")
class TestHandoffMessagesInBatch(OrderGovernanceCase):
    """The handoff messages of a move are posted in one batch, and each is the
    message ``message_post`` would have written."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.handoff = cls.env.ref("order_governance.mt_governance_handoff")

    def chatter_queries(self, orders):
        """Move ``orders`` to the next stage; the queries of their chatter (the
        tracking, written at commit), with no follower to notify: what is left
        is the messages themselves."""
        orders.with_user(self.officer).action_governance_next()
        orders.message_unsubscribe(orders.message_partner_ids.ids)
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        self.env.cr.precommit.run()
        return self.env.cr.sql_log_count - before

    def handoffs(self, orders):
        return self.env["mail.message"].search(
            [
                ("model", "=", "sale.order"),
                ("res_id", "in", orders.ids),
                ("subtype_id", "=", self.handoff.id),
            ]
        )

    def test_handoff_messages_cost_no_more_for_more_orders(self):
        """The handoff messages of 40 orders cost about as many queries as those
        of 4: two an order are left (the tracking checks the subtype exists, the
        notification looks for followers, message by message, as Odoo does).
        Posted one by one, each message cost eight queries more."""
        small = self.put_in(self.create_orders(4), self.stage_confirmed)
        large = self.put_in(self.create_orders(40), self.stage_confirmed)
        self.flush_tracking()
        self.chatter_queries(self.put_in(self.create_orders(2), self.stage_confirmed))
        queries_4 = self.chatter_queries(small)
        queries_40 = self.chatter_queries(large)
        self.assertEqual(len(self.handoffs(large)), 40)
        self.assertLessEqual(queries_40 - queries_4, 36 * 2, (queries_4, queries_40))

    def test_message_is_the_one_message_post_writes(self):
        """Thread parent, author, reply-to, record name and company, tracking
        values and the followers notified, for each order of the batch."""
        self.give_production_to(self.prod_manager)
        orders = self.put_in(self.create_orders(3), self.stage_confirmed)
        self.flush_tracking()
        first_of = {order: order.message_ids.sorted("id")[:1] for order in orders}
        orders.with_user(self.officer).action_governance_next()
        self.flush_tracking()
        for order in orders:
            message = self.handoffs(order).sorted("id")[-1:]
            self.assertEqual(message.parent_id, first_of[order])
            self.assertEqual(message.author_id, self.officer.partner_id)
            self.assertEqual(
                message.email_from, self.officer.partner_id.email_formatted
            )
            self.assertEqual(message.record_name, order.display_name)
            self.assertEqual(message.record_company_id, self.company)
            self.assertTrue(message.reply_to)
            self.assertEqual(message.message_type, "notification")
            self.assertIn("Moved to Production by", str(message.body))
            self.assertEqual(
                message.tracking_value_ids.filtered(
                    lambda t: t.field_id.name == "governance_stage_id"
                ).new_value_char,
                "Production",
            )
            self.assertIn(self.prod_manager.partner_id, message.notified_partner_ids)

    def test_client_context_cannot_swallow_a_message(self):
        """The batch's collector is a type of its own: a list sent in the
        context by a client does not keep message_post from posting (here as
        the engine, the only writer of the handoff subtype)."""
        order = self.create_order()
        message = order.with_context(
            governance_handoff_batch=[], governance_handoff_writer=HANDOFF_WRITER
        ).message_post(body="Still posted", subtype_id=self.handoff.id)
        self.assertTrue(message)
        self.assertIn(message, order.message_ids)

    def test_user_cannot_post_tracking_values(self):
        """A user (here over RPC, as message_post is public) cannot post a message
        that shows field changes the order never had: refused, nothing written."""
        order = self.create_order()
        self.flush_tracking()
        messages = order.message_ids
        stage = self.env["ir.model.fields"]._get("sale.order", "governance_stage_id")
        with self.assertRaisesRegex(AccessError, "recorded by Odoo"):
            order.with_user(self.sales_user).message_post(
                body="Moved to Done",
                subtype_id=self.handoff.id,
                tracking_value_ids=[
                    Command.create(
                        {
                            "field_id": stage.id,
                            "old_value_char": "Received",
                            "new_value_char": "Done",
                        }
                    )
                ],
            )
        self.assertEqual(order.message_ids, messages)
