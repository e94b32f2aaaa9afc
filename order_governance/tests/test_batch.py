from odoo import Command
from odoo.tests import tagged

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
