from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException

from .common import OrderGovernanceCase


@tagged("post_install", "-at_install")
class TestJsonRpcGuard(HttpCase, OrderGovernanceCase):
    """The same calls as the browser console's, through /web/dataset/call_kw."""

    def call_kw(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def test_write_guard_over_rpc(self):
        """An executor's RPC writes of governed fields, with or without context
        keys, and calls with wrong types end in clear errors, not a 500."""
        order = self.put_in(self.create_order(), self.stage_production)
        self.authenticate(self.prod_worker1.login, self.prod_worker1.login)
        with self.assertRaisesRegex(JsonRpcException, "AccessError"):
            self.call_kw(
                "sale.order",
                "write",
                [order.ids, {"responsible_user_id": self.prod_worker1.id}],
            )
        with self.assertRaisesRegex(JsonRpcException, "UserError"):
            self.call_kw(
                "sale.order",
                "write",
                [order.ids, {"governance_stage_id": self.stage_done.id}],
                {"context": {"governance_internal_move": True}},
            )
        with self.assertRaisesRegex(JsonRpcException, "UserError"):
            self.call_kw("sale.order", "governance_move", [order.ids, "abc"])
        order.invalidate_recordset()
        self.assertEqual(order.governance_stage_id, self.stage_production)
        self.assertEqual(order.responsible_user_id, self.prod_manager)
        # the legitimate click still works over RPC
        self.call_kw(
            "sale.order",
            "action_governance_next",
            [order.ids],
            {"context": {"governance_expected_stage_id": self.stage_production.id}},
        )
        order.invalidate_recordset()
        self.assertEqual(order.governance_stage_id, self.stage_shipping)
