from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import GROUP_MANAGER, OrderGovernanceCase


@tagged("post_install", "-at_install")
class TestGovernanceTour(HttpCase, OrderGovernanceCase):
    """The executor hands an order over from the web client."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.log_manager = cls._person(
            "log_boss", GROUP_MANAGER, cls.dep_logistics, manages=True
        )
        cls.log_manager.name = "Lena Logistics"
        cls.give_production_to(cls.prod_worker1)

    def test_next_stage_tour(self):
        """Next Stage on the form shows the new stage and its new responsible."""
        # Production owns the order: an executor sees only the orders that he or his
        # departments are responsible for or own, so without this the order would
        # vanish from him (Access Error on reload) once it has left his hands.
        order = self.create_order(owner_department_id=self.dep_production.id)
        self.put_in(order, self.stage_production)
        self.assertEqual(order.responsible_user_id, self.prod_worker1)
        self.start_tour(
            f"/odoo/action-sale.action_orders/{order.id}",
            "order_governance_tour",
            login=self.prod_worker1.login,
        )
        self.env.invalidate_all()
        self.assertEqual(order.governance_stage_id, self.stage_shipping)
        self.assertEqual(order.responsible_user_id, self.log_manager)


@tagged("post_install", "-at_install")
class TestDeskTours(HttpCase, OrderGovernanceCase):
    """The desk and the handoffs as executors and managers see them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.give_production_to(cls.prod_worker1)

    def order_for(self, customer, stage, department=None, late=False):
        partner = self.env["res.partner"].create({"name": customer})
        order = self.create_order(partner_id=partner.id)
        self.put_in(order, stage)
        if department:
            order.sudo().governance_reassign(department)
        now = fields.Datetime.now()
        # the SLA watch's outcome, written as the engine (superuser) would
        order.sudo().write(
            {
                "stage_deadline": now - timedelta(days=2)
                if late
                else now + timedelta(days=3),
                "sla_status": "breached" if late else "on_track",
            }
        )
        return order

    def test_send_back_ends_on_the_desk(self):
        """An executor's Send Back that takes the order out of his sight ends on the
        desk with a notice, not in an Access Error."""
        order = self.order_for("Tour Sent Back Customer", self.stage_production)
        order.action_confirm()  # a confirmed order may go back to Confirmed
        self.assertEqual(order.responsible_user_id, self.prod_worker1)
        self.start_tour(
            f"/odoo/action-sale.action_orders/{order.id}",
            "order_governance_send_back_tour",
            login=self.prod_worker1.login,
        )
        self.env.invalidate_all()
        self.assertEqual(order.governance_stage_id, self.stage_confirmed)
        self.assertFalse(
            order.with_user(self.prod_worker1).search_count([("id", "=", order.id)])
        )

    def test_desk_card_shows_lateness(self):
        """A breached order's card is red and says how late it is."""
        self.order_for("Tour Late Customer", self.stage_production, late=True)
        self.order_for("Tour Calm Customer", self.stage_production)
        held = self.order_for("Tour Held Customer", self.stage_production)
        held.sudo().governance_hold(
            self.env.ref("order_governance.hold_reason_customer")
        )
        self.start_tour(
            "/odoo/action-order_governance.sale_order_action_order_desk",
            "order_governance_desk_card_tour",
            login=self.officer.login,
        )

    def test_manager_filters_his_breached_orders(self):
        """My Department and Breached combine with AND; the desk opens on My
        Department for a manager, with the sub-departments he manages."""
        self.order_for(
            "Tour Mine Late", self.stage_production, self.dep_operations, late=True
        )
        self.order_for("Tour Mine Calm", self.stage_production, self.dep_operations)
        # Production is under Operations: its orders are his department's too
        self.order_for("Tour Sub Calm", self.stage_production)
        # Logistics is not his
        self.order_for("Tour Other Late", self.stage_shipping, late=True)
        self.start_tour(
            "/odoo/order-desk",
            "order_governance_desk_filter_tour",
            login=self.ops_manager.login,
        )


@tagged("post_install", "-at_install")
class TestHealthTour(HttpCase, OrderGovernanceCase):
    """A governance administrator fixes what the health check finds, from the
    web client (stages and rules are his to change)."""

    def test_follow_a_finding_fix_it_see_it_gone(self):
        admin = self._person(
            "gov_admin", "order_governance.group_governance_admin", self.dep_omc
        )
        packing = self.env["order.governance.stage"].create(
            {
                "name": "Packing",
                "sequence": 35,
                "company_id": self.company.id,
            }
        )
        self.start_tour(
            "/odoo/governance-health",
            "order_governance_health_tour",
            login=admin.login,
        )
        self.assertEqual(packing.responsible_department_id, self.dep_logistics)
