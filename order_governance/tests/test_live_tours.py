import json
import threading
import time
from datetime import timedelta
from unittest.mock import patch

import odoo
from odoo import api, fields
from odoo.tests import HttpCase, tagged

from odoo.addons.bus.models.bus import channel_with_db, dispatch, hashable
from odoo.addons.bus.websocket import WebsocketConnectionHandler

from .common import OrderGovernanceCase


@tagged("post_install", "-at_install")
class TestLiveTours(HttpCase, OrderGovernanceCase):
    """The Orders app as an executor finds it, and a desk that updates itself."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.give_production_to(cls.prod_worker1)
        # tests refuse websockets by default; the live desk needs the bus
        cls.startClassPatcher(
            patch.object(
                WebsocketConnectionHandler, "websocket_allowed", return_value=True
            )
        )

    def _order_of(self, customer):
        partner = self.env["res.partner"].create({"name": customer})
        return self.put_in(
            self.create_order(partner_id=partner.id), self.stage_production
        )

    def test_executor_lands_on_his_most_urgent_order(self):
        """Odoo opens on My Work; the late order is the first card of his column,
        the held one after the order on track."""
        now = fields.Datetime.now()
        on_track = self._order_of("Calm Customer")
        held = self._order_of("Held Customer")
        urgent = self._order_of("Urgent Customer")
        on_track.sudo().write(
            {"sla_status": "on_track", "stage_deadline": now + timedelta(days=2)}
        )
        urgent.sudo().write(
            {"sla_status": "breached", "stage_deadline": now - timedelta(hours=5)}
        )
        held.sudo().write(
            {
                "sla_status": "breached",
                "stage_deadline": now - timedelta(days=3),
                "governance_on_hold": True,
            }
        )
        self.start_tour(
            "/odoo", "order_governance_my_work_tour", login=self.prod_worker1.login
        )

    def test_a_colleague_handoff_moves_the_card_on_my_desk(self):
        """A move made in another session reaches an open desk without a reload."""
        order = self._order_of("Live Customer")
        channel = hashable(
            channel_with_db(self.env.cr.dbname, (self.company, "order_governance"))
        )
        failures = []

        def colleague():
            try:
                deadline = time.time() + 60
                while channel not in dispatch._channels_to_ws:
                    if time.time() > deadline:
                        raise AssertionError("the desk never listened to the bus")
                    time.sleep(0.2)
                time.sleep(1)
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, self.prod_worker1.id, {})
                    env["sale.order"].browse(order.id).action_governance_next()
                # test cursors drop post-commit hooks: ring the bus as the commit
                # of a real transaction does
                with odoo.sql_db.db_connect("postgres").cursor() as cr:
                    cr.execute(
                        "SELECT pg_notify('imbus', %s)", [json.dumps([list(channel)])]
                    )
            except Exception as error:  # noqa: BLE001 - reported by the test
                failures.append(error)

        thread = threading.Thread(target=colleague, daemon=True)
        thread.start()
        self.start_tour(
            "/odoo/order-desk",
            "order_governance_live_desk_tour",
            login=self.officer.login,
        )
        thread.join(timeout=60)
        self.assertFalse(failures)
        self.assertEqual(order.governance_stage_id, self.stage_shipping)


@tagged("post_install", "-at_install")
class TestPhoneTours(HttpCase, OrderGovernanceCase):
    """The order form on a phone (390 px wide)."""

    browser_size = "390x844"
    touch_enabled = True

    def test_next_stage_is_in_sight_on_a_phone(self):
        """On a phone Next Stage is a visible button, not a cog-menu entry."""
        self.give_production_to(self.prod_worker1)
        order = self.put_in(self.create_order(), self.stage_production)
        self.start_tour(
            f"/odoo/action-order_governance.sale_order_action_order_desk/{order.id}",
            "order_governance_phone_next_tour",
            login=self.prod_worker1.login,
        )
        self.assertEqual(order.governance_stage_id, self.stage_shipping)
