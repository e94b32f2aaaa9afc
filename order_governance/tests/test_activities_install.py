from odoo import Command
from odoo.tests import tagged

from .common import OrderGovernanceCase
from .test_sla import MONDAY, SlaCase, at


def governance_activities(order):
    return order.env["mail.activity"].search(
        [("res_model", "=", "sale.order"), ("res_id", "=", order.id)]
    )


@tagged("post_install", "-at_install")
class TestActivitiesClose(OrderGovernanceCase):
    def test_no_activity_in_final_or_cancel_stage(self):
        """Entering a final or cancel stage creates no activity: none would close."""
        done = self.put_in(self.create_order(), self.stage_shipping)
        done.action_governance_next()
        self.assertEqual(done.governance_stage_id, self.stage_done)
        self.assertFalse(governance_activities(done))
        cancelled = self.create_order()
        cancelled.action_confirm()
        cancelled.sudo()._action_cancel()
        self.assertEqual(cancelled.governance_stage_id, self.stage_cancelled)
        self.assertFalse(governance_activities(cancelled))

    def test_consulted_activity_closes_with_its_stay(self):
        """A consulted manager's activity belongs to the stay and closes with it."""
        self.stage_production.consulted_department_ids = [
            Command.set(self.dep_sales.ids)
        ]
        order = self.put_in(self.create_order(), self.stage_production)
        stay = self.open_logs(order)
        consulted = governance_activities(order).filtered(
            lambda a: a.user_id == self.sales_manager
        )
        self.assertEqual(consulted.governance_log_id, stay)
        order.with_user(self.prod_manager).action_governance_next()
        self.assertFalse(consulted.active)  # done: archived


@tagged("post_install", "-at_install")
class TestEscalationActivitiesClose(SlaCase):
    def test_escalation_activity_closes_with_its_stay(self):
        """The breached-SLA activity of a manager closes when the order moves on."""
        order = self.enter_production(at(MONDAY, 8))
        stay = self.open_logs(order)
        self.watch(at(MONDAY, 17))
        escalations = self.env["mail.activity"].search(
            [("governance_log_id", "=", stay.id), ("id", "!=", stay.activity_id.id)]
        )
        self.assertTrue(escalations)
        self.put_in(order, self.stage_shipping)
        self.assertFalse(escalations.filtered("active"))  # done: archived


@tagged("post_install", "-at_install")
class TestInstallOnLiveDatabase(OrderGovernanceCase):
    def make_pre_install(self, orders):
        """Turn ``orders`` into orders made before the module was installed."""
        self.env.flush_all()
        self.env.cr.execute(
            "DELETE FROM mail_activity WHERE res_model = 'sale.order' AND res_id IN %s",
            [tuple(orders.ids)],
        )
        self.env.cr.execute(
            "DELETE FROM order_governance_stage_log WHERE order_id IN %s",
            [tuple(orders.ids)],
        )
        self.env.cr.execute(
            "UPDATE sale_order SET governance_stage_id = NULL, "
            "responsible_user_id = NULL, responsible_department_id = NULL, "
            "stage_deadline = NULL, sla_status = 'none' WHERE id IN %s",
            [tuple(orders.ids)],
        )
        self.env.invalidate_all()

    def test_existing_orders_enter_quietly(self):
        """Existing orders enter the stage their state calls for (invoiced included)
        as of install: no activity, no message, no SLA, nothing to escalate."""
        self.stage_production.sla_hours = 1
        self.stage_confirmed.sla_hours = 1
        invoiced_stage = self.env["order.governance.stage"].create(
            {
                "name": "Invoicing",
                "sequence": 50,
                "company_id": self.company.id,
                "sale_event": "invoiced",
                "responsible_department_id": self.dep_omc.id,
            }
        )
        draft = self.create_order()
        confirmed = self.create_order()
        confirmed.action_confirm()
        invoiced = self.create_order()
        invoiced.action_confirm()
        cancelled = self.create_order()
        cancelled.sudo()._action_cancel()
        orders = draft | confirmed | invoiced | cancelled
        self.make_pre_install(orders)
        # fully invoiced before the install (this company has no sale journal)
        self.env.cr.execute(
            "UPDATE sale_order SET invoice_status = 'invoiced' WHERE id = %s",
            [invoiced.id],
        )
        self.flush_tracking()
        messages = self.env["mail.message"].search_count(
            [("model", "=", "sale.order"), ("res_id", "in", orders.ids)]
        )

        entered, remaining = self.env["sale.order"]._governance_enter_existing(
            batch_size=2
        )
        self.assertEqual(entered, 2)
        self.assertTrue(remaining)
        while remaining:
            _entered, remaining = self.env["sale.order"]._governance_enter_existing(
                batch_size=2
            )
        self.flush_tracking()

        self.assertEqual(draft.governance_stage_id, self.stage_received)
        self.assertEqual(confirmed.governance_stage_id, self.stage_confirmed)
        self.assertEqual(invoiced.governance_stage_id, invoiced_stage)
        self.assertEqual(cancelled.governance_stage_id, self.stage_cancelled)
        stays = orders.stage_log_ids
        self.assertEqual(len(stays), 4)
        self.assertTrue(all(stays.mapped("as_of_install")))
        self.assertFalse(any(stays.mapped("deadline")))
        self.assertEqual(set(orders.mapped("sla_status")), {"none"})
        self.assertFalse(governance_activities(confirmed))
        self.assertEqual(
            self.env["mail.message"].search_count(
                [("model", "=", "sale.order"), ("res_id", "in", orders.ids)]
            ),
            messages,
        )
        self.env["order.governance.sla.watch"]._cron_watch_sla()
        self.assertFalse(any(stays.mapped("escalation_level")))
