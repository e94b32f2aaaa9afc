from unittest.mock import patch

from odoo import Command
from odoo.exceptions import RedirectWarning
from odoo.tests import Form, tagged

from .common import StockGovernanceCase


@tagged("post_install", "-at_install")
class TestDeliveryEvents(StockGovernanceCase):
    def test_full_delivery_moves_the_order_once_with_the_storekeeper(self):
        order = self.confirmed_order()
        self.assertEqual(order.governance_stage_id, self.stage_confirmed)
        self.flush_tracking()  # as if confirmed in an earlier transaction
        self.validate(order.picking_ids)
        self.assertEqual(order.delivery_status, "full")
        # both events hold: the furthest one wins, one move, no stay in Shipping
        self.assertEqual(order.governance_stage_id, self.stage_invoicing)
        stays = self.stays(order)
        self.assertEqual(
            stays.stage_id,
            self.stage_received | self.stage_confirmed | stays[-1].stage_id,
        )
        self.assertEqual(len(stays), 3)
        self.assertEqual(stays[-1].moved_by_id, self.storekeeper)
        self.assertFalse(stays[-1].forced)
        self.assertFalse(stays[-1].is_rework)
        self.flush_tracking()
        self.assertIn(
            f"Moved to Invoicing by {self.storekeeper.name}",
            order.message_ids[:1].body,
        )

    def test_partial_delivery_starts_shipping_then_the_rest_delivers(self):
        self.env["order.governance.rule"].create(
            {
                "name": "Shipping: the logistics clerk",
                "company_id": self.company.id,
                "stage_ids": [Command.set(self.stage_shipping.ids)],
                "responsible_department_id": self.dep_logistics.id,
                "assignment": "user",
                "user_id": self.log_worker.id,
            }
        )
        order = self.confirmed_order(qty=2)
        self.validate(order.picking_ids, qty=1)
        self.assertEqual(order.delivery_status, "partial")
        self.assertEqual(order.governance_stage_id, self.stage_shipping)
        self.assertEqual(self.stays(order)[-1].moved_by_id, self.storekeeper)
        backorder = order.picking_ids.filtered(lambda p: p.state != "done")
        self.assertEqual(len(backorder), 1)
        # the shipping clerk owns the open transfer
        self.assertEqual(backorder.user_id, self.log_worker)
        self.validate(backorder)
        self.assertEqual(order.governance_stage_id, self.stage_invoicing)
        self.assertEqual(
            self.stays(order).stage_id.mapped("name"),
            ["Received", "Confirmed", "Shipping", "Invoicing"],
        )

    def test_a_return_never_moves_the_order_back_nor_forward_again(self):
        order = self.confirmed_order()
        delivery = order.picking_ids
        self.validate(delivery)
        self.assertEqual(order.governance_stage_id, self.stage_invoicing)
        # the officer sends it back: the next document does not undo that
        order.with_user(self.officer).governance_move(
            self.stage_shipping, reason="Wrong labels"
        )
        wizard = Form(
            self.env["stock.return.picking"].with_context(
                active_id=delivery.id, active_model="stock.picking"
            )
        ).save()
        wizard.product_return_moves.quantity = 1
        returned = self.env["stock.picking"].browse(
            wizard.action_create_returns()["res_id"]
        )
        self.validate(returned)
        self.assertEqual(returned.state, "done")
        self.assertEqual(order.governance_stage_id, self.stage_shipping)
        self.assertEqual(len(self.stays(order)), 4)

    def test_a_batch_of_fifty_transfers_raises_the_events_once(self):
        """The events of a whole batch cost about what they cost for five orders,
        not fifty times the cost of one."""
        calls = []
        SaleOrder = type(self.env["sale.order"])
        raise_events = SaleOrder._governance_raise_execution_events

        def counting(orders, **kwargs):
            calls.append(len(orders))
            return raise_events(orders, **kwargs)

        with patch.object(SaleOrder, "_governance_raise_execution_events", counting):
            orders = self.confirmed_order().concat(
                *(self.confirmed_order() for _ in range(49))
            )
            self.validate(orders.picking_ids)
        self.assertEqual(calls, [50])
        self.assertEqual(
            set(orders.mapped("governance_stage_id")), {self.stage_invoicing}
        )
        self.assertEqual(
            set(orders.stage_log_ids.filtered(lambda s: not s.date_out).moved_by_id),
            {self.storekeeper},
        )

    def _event_queries(self, count):
        """Queries of validating ``count`` transfers, less those of the same
        validation without the governance events."""
        SaleOrder = type(self.env["sale.order"])
        spent = []
        for hooked in (True, False):
            orders = self.confirmed_order().concat(
                *(self.confirmed_order() for _ in range(count - 1))
            )
            pickings = orders.picking_ids.with_user(self.storekeeper)
            pickings.move_ids.picked = True
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            if hooked:
                pickings._action_done()
            else:
                with patch.object(
                    SaleOrder,
                    "_governance_raise_execution_events",
                    lambda o, **kwargs: None,
                ):
                    pickings._action_done()
            self.env.flush_all()
            spent.append(self.env.cr.sql_log_count - before)
            if hooked:
                self.assertEqual(
                    set(orders.mapped("governance_stage_id")), {self.stage_invoicing}
                )
        return spent[0] - spent[1]

    def test_batch_query_count_is_bounded(self):
        five = self._event_queries(5)
        fifty = self._event_queries(50)
        self.assertGreater(five, 0)
        # fifty orders moved in one batch: far below ten times the cost of five
        self.assertLessEqual(fifty, five * 2 + 20, (five, fifty))


@tagged("post_install", "-at_install")
class TestDeliveryOwnership(StockGovernanceCase):
    def test_transfers_follow_the_responsible_and_a_reassign(self):
        order = self.confirmed_order()
        self.put_in(order, self.stage_shipping)
        picking = order.picking_ids
        self.assertFalse(picking.user_id)  # the department, nobody in particular
        order.with_user(self.officer).governance_reassign(
            self.dep_logistics, self.log_worker
        )
        self.assertEqual(picking.user_id, self.log_worker)

    def test_an_executor_without_email_hands_over_into_shipping(self):
        """Taking the transfers sends no "you have been assigned" mail: a mover
        without an email address is not refused."""
        self.env["order.governance.rule"].create(
            {
                "name": "Shipping: the logistics clerk",
                "company_id": self.company.id,
                "stage_ids": [Command.set(self.stage_shipping.ids)],
                "responsible_department_id": self.dep_logistics.id,
                "assignment": "user",
                "user_id": self.log_worker.id,
            }
        )
        order = self.confirmed_order()
        self.put_in(order, self.stage_production)
        self.prod_manager.partner_id.email = False
        order.with_user(self.prod_manager).action_governance_next()
        self.assertEqual(order.governance_stage_id, self.stage_shipping)
        self.assertEqual(order.picking_ids.user_id, self.log_worker)

    def test_storekeeper_sees_the_order_stage_on_the_transfer(self):
        order = self.confirmed_order()
        picking = order.picking_ids.with_user(self.storekeeper)
        self.assertFalse(self.storekeeper.has_group("sales_team.group_sale_salesman"))
        data = picking.web_read(
            {
                "governance_stage_id": {"fields": {"display_name": {}}},
                "governance_department_id": {"fields": {"display_name": {}}},
            }
        )[0]
        self.assertEqual(data["governance_stage_id"]["display_name"], "Confirmed")
        self.assertEqual(
            data["governance_department_id"]["display_name"],
            order.responsible_department_id.display_name,
        )
        arch = picking.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="governance_stage_id"', arch)


@tagged("post_install", "-at_install")
class TestDeliveryChecks(StockGovernanceCase):
    def test_next_is_refused_until_delivered_and_names_the_transfer(self):
        self.stage_invoicing.sale_event = False
        self.env["order.governance.check"].create(
            {
                "stage_id": self.stage_shipping.id,
                "name": "Everything delivered",
                "execution_check": "delivered",
            }
        )
        order = self.confirmed_order()
        self.put_in(order, self.stage_shipping)
        line = order.governance_check_line_ids
        self.assertTrue(line.automatic)
        self.assertFalse(line.is_met)
        picking = order.picking_ids
        with self.assertRaisesRegex(
            RedirectWarning, f"Everything delivered.*{picking.name}"
        ):
            order.with_user(self.officer).action_governance_next()
        self.assertEqual(order.governance_stage_id, self.stage_shipping)
        self.validate(picking)
        self.env.invalidate_all()
        self.assertTrue(order.governance_check_line_ids.is_met)
        order.with_user(self.officer).action_governance_next()
        self.assertEqual(order.governance_stage_id, self.stage_invoicing)

    def test_reserved_check_lists_the_waiting_transfers(self):
        storable = self.env["product.product"].create(
            {"name": "Scarce Part", "type": "consu", "is_storable": True}
        )
        order = self.confirmed_order(
            order_line=[
                Command.create({"product_id": storable.id, "product_uom_qty": 3})
            ]
        )
        pending = order._governance_execution_pending("reserved")[order.id]
        self.assertEqual(len(pending), 1)
        self.assertIn(order.picking_ids.name, pending[0])
        self.assertEqual(
            order._governance_execution_pending("delivered")[order.id], pending
        )

    def test_a_check_is_met_one_way_only(self):
        from odoo.exceptions import ValidationError

        with self.assertRaises(ValidationError):
            self.env["order.governance.check"].create(
                {
                    "stage_id": self.stage_shipping.id,
                    "name": "Both",
                    "execution_check": "delivered",
                    "domain": "[('id', '>', 0)]",
                }
            )


@tagged("post_install", "-at_install")
class TestDeliveryPanelAndCompanies(StockGovernanceCase):
    def test_execution_panel_lists_the_transfers(self):
        order = self.confirmed_order()
        html = str(order.with_user(self.officer).governance_execution_html)
        self.assertIn("Transfers", html)
        self.assertIn(order.picking_ids.name, html)
        self.assertIn(f"/odoo/stock.picking/{order.picking_ids.id}", html)

    def test_a_batch_over_two_companies_moves_each_by_its_own_flow(self):
        other = self.env["res.company"].create({"name": "Other Governed Company"})
        self.env.user.company_ids |= other
        self.storekeeper.company_ids |= other
        Stage = self.env["order.governance.stage"]
        Stage.create({"name": "Start B", "sequence": 10, "company_id": other.id})
        confirmed_b = Stage.create(
            {
                "name": "Confirmed B",
                "sequence": 20,
                "company_id": other.id,
                "sale_event": "confirmed",
            }
        )
        env = self.env(
            context=dict(
                self.env.context, allowed_company_ids=[self.company.id, other.id]
            )
        )
        order_a = self.confirmed_order()
        order_b = env["sale.order"].create(
            {
                "partner_id": self.partner.id,
                "company_id": other.id,
                "order_line": [
                    Command.create({"product_id": self.goods.id, "product_uom_qty": 1})
                ],
            }
        )
        order_b.action_confirm()
        self.assertEqual(order_b.governance_stage_id, confirmed_b)
        pickings = (order_a.picking_ids | order_b.picking_ids).with_env(
            env(user=self.storekeeper.id)
        )
        pickings.button_validate()
        self.assertEqual(order_a.governance_stage_id, self.stage_invoicing)
        # B's flow has no delivery stage: its order stays where it was
        self.assertEqual(order_b.governance_stage_id, confirmed_b)
