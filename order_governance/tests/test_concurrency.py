from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.service.model import retrying
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name


@tagged("post_install", "-at_install")
class TestConcurrentClicks(BaseCase):
    """Two real transactions, as two officers clicking at the same moment (the
    demo data's flow and users, committed, since each cursor sees only that)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            order = env["sale.order"].create(
                {
                    "partner_id": env.ref("base.res_partner_2").id,
                    "order_line": [
                        Command.create(
                            {"product_id": env.ref("product.product_product_9").id}
                        )
                    ],
                }
            )
            order.action_confirm()
            order.governance_check_line_ids.filtered(
                lambda line: not line.automatic
            ).action_tick()
            self.order_id = order.id
            self.seen_stage_id = order.governance_stage_id.id
            self.officer_id = env.ref("order_governance.user_omc_manager").id
        self.addCleanup(self._delete_order)

    def _delete_order(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "DELETE FROM mail_activity WHERE res_model = 'sale.order' "
                "AND res_id = %s",
                [self.order_id],
            )
            cr.execute("DELETE FROM sale_order WHERE id = %s", [self.order_id])

    def click_next(self, env):
        order = env["sale.order"].browse(self.order_id)
        return order.with_context(
            governance_expected_stage_id=self.seen_stage_id
        ).action_governance_next()

    def test_two_next_clicks_move_once(self):
        """The second of two simultaneous Next Stage clicks fails, retried or not,
        with a message naming where the order is now: the order moves once."""
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            env_a = api.Environment(cr_a, self.officer_id, {})
            env_b = api.Environment(cr_b, self.officer_id, {})
            # B's snapshot is taken before A commits, as when both click at once
            cr_b.execute(
                "SELECT governance_stage_id FROM sale_order WHERE id = %s",
                [self.order_id],
            )
            self.click_next(env_a)
            cr_a.commit()
            with self.assertRaisesRegex(UserError, "has moved on meanwhile"):
                retrying(lambda: self.click_next(env_b), env_b)
            cr_b.rollback()
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT count(*) FROM order_governance_stage_log WHERE order_id = %s",
                [self.order_id],
            )
            # entry (Received), Confirmed, and one move only
            self.assertEqual(cr.fetchone()[0], 3)
