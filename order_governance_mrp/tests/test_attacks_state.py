"""A manufacturing order's state moves its sale order: a salesman, who may
write manufacturing orders through sale_mrp's access rights, does not fake
"produced" with a raw write (issue 24). The ``test_attacks_*`` family."""

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ProductionGovernanceCase


@tagged("post_install", "-at_install")
class TestProductionStateAttacks(ProductionGovernanceCase):
    def test_salesman_cannot_write_the_state_of_a_manufacturing_order(self):
        order = self.made_to_order()
        production = order.mrp_production_ids
        for values in ({"state": "done"}, {"qty_producing": 1}):
            with self.subTest(values=values), self.assertRaises(AccessError):
                production.with_user(self.sales_user).write(values)
        self.assertEqual(production.state, "confirmed")
        self.assertEqual(order.governance_stage_id, self.stage_confirmed)

    def test_maker_still_produces(self):
        order = self.made_to_order()
        production = order.mrp_production_ids
        production.with_user(self.maker).action_start()
        self.produce(production)
        self.assertEqual(order.governance_stage_id, self.stage_shipping)
