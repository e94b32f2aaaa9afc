from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import OrderGovernanceCase


@tagged("post_install", "-at_install")
class TestAttacksDesk(OrderGovernanceCase):
    """What issue 25 added, attacked as an executor over RPC: the urgency, the
    My Work search, the Resume button's server action, the decision dialog."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.give_production_to(cls.prod_worker1)
        cls.reason = cls.env.ref("order_governance.hold_reason_customer")

    def test_urgency_refused_whatever_the_context(self):
        """No context key a client can send opens the urgency to a write."""
        order = self.put_in(self.create_order(), self.stage_production)
        for context in ({}, {"governance_engine": True}, {"governance_engine": "1"}):
            with self.subTest(context=context), self.assertRaises(AccessError):
                order.with_user(self.prod_worker1).with_context(**context).write(
                    {"governance_urgency": "0"}
                )
            with self.subTest(context=context), self.assertRaises(AccessError):
                self.env["sale.order"].with_user(self.sales_user).with_context(
                    **context
                ).create(
                    {
                        "partner_id": self.partner.id,
                        "company_id": self.company.id,
                        "governance_urgency": "0",
                    }
                )
        self.assertEqual(order.governance_urgency, "2")

    def test_my_work_search_refuses_odd_operators_and_values(self):
        """Wrong operators or types in a search on My Work: a clear error."""
        Order = self.env["sale.order"].with_user(self.prod_worker1)
        for domain in (
            [("governance_my_work", "in", [True])],
            [("governance_my_work", "=", "yes")],
            [("governance_my_work", "ilike", 1)],
        ):
            with self.subTest(domain=domain), self.assertRaises(UserError):
                Order.search(domain)

    def test_resume_action_on_an_order_out_of_sight_changes_nothing(self):
        """The Resume button's server action, called with the id of another
        department's held order: refused, the order stays held."""
        order = self.put_in(self.create_order(), self.stage_shipping)
        order.sudo().governance_hold(self.reason)
        action = self.env.ref(
            "order_governance.sale_order_action_governance_resume"
        ).with_user(self.prod_worker1)
        with self.assertRaises(AccessError):
            action.with_context(
                active_model="sale.order", active_ids=order.ids, active_id=order.id
            ).run()
        self.assertTrue(order.governance_on_hold)

    def test_resume_action_is_for_governance_users(self):
        """A plain salesman cannot run the Resume server action at all."""
        order = self.put_in(self.create_order(), self.stage_production)
        order.sudo().governance_hold(self.reason)
        action = self.env.ref(
            "order_governance.sale_order_action_governance_resume"
        ).with_user(self.salesman)
        with self.assertRaises(AccessError):
            action.with_context(
                active_model="sale.order", active_ids=order.ids, active_id=order.id
            ).run()
        self.assertTrue(order.governance_on_hold)

    def test_decision_dialog_of_a_meeting_out_of_sight(self):
        """The decision dialog's action on an event the user may not read, or on
        an event that is no coordination meeting: refused."""
        event = self.env["calendar.event"].create(
            {"name": "Private", "privacy": "private", "user_id": self.officer.id}
        )
        with self.assertRaises(UserError):  # AccessError is one too
            event.with_user(self.prod_worker1).action_governance_record_decision()
        with self.assertRaises(UserError):
            event.with_user(self.officer).action_governance_record_decision()
