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
