from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import OrderGovernanceCase


@tagged("post_install", "-at_install")
class TestOwnership(OrderGovernanceCase):
    def test_owner_is_salesperson_department(self):
        """A new order is owned by its salesperson's department in its company."""
        order = self.create_order(user=self.sales_user)
        self.assertEqual(order.owner_department_id, self.dep_sales)

    def test_owner_falls_back_to_order_management(self):
        """A salesperson without an employee leaves the order to the OMC department."""
        order = self.create_order(user=self.salesman)
        self.assertEqual(order.owner_department_id, self.dep_omc)

    def test_owner_follows_salesperson_in_form(self):
        """In the form of a new order, the owner follows the chosen salesperson."""
        form = Form(self.env["sale.order"])
        form.partner_id = self.partner
        form.user_id = self.prod_worker1
        self.assertEqual(form.owner_department_id, self.dep_production)
        form.user_id = self.sales_user
        self.assertEqual(form.owner_department_id, self.dep_sales)

    def test_owner_change_by_manager_is_tracked(self):
        """Managers may change the owner; the change is tracked in the chatter."""
        order = self.create_order()
        self.flush_tracking()  # as if created in an earlier transaction
        order.with_user(self.sales_manager).owner_department_id = self.dep_logistics
        self.flush_tracking()
        tracked = order.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "owner_department_id"
        )
        self.assertTrue(tracked)

    def test_owner_change_refused_to_executors(self):
        """An executor may not change the owning department."""
        order = self.create_order()
        with self.assertRaises(AccessError):
            order.with_user(self.sales_user).owner_department_id = self.dep_logistics
        self.assertEqual(order.owner_department_id, self.dep_sales)


@tagged("post_install", "-at_install")
class TestResolution(OrderGovernanceCase):
    def _rule(self, **values):
        return self.env["order.governance.rule"].create(
            {
                "name": "Rule",
                "company_id": self.company.id,
                "responsible_department_id": self.dep_production.id,
                "stage_ids": [Command.set(self.stage_production.ids)],
                **values,
            }
        )

    def test_entry_in_first_stage(self):
        """A new order enters the first stage; its department's manager is in charge."""
        order = self.create_order()
        self.assertEqual(order.governance_stage_id, self.stage_received)
        self.assertEqual(order.responsible_department_id, self.dep_sales)
        self.assertEqual(order.responsible_user_id, self.sales_manager)
        self.assertEqual(len(self.open_logs(order)), 1)

    def test_manager_fallback_to_parent_manager(self):
        """A department without manager falls back to the nearest parent's manager."""
        self.dep_production.manager_id = False
        order = self.create_order()
        resolved = order._governance_resolve(self.stage_production)
        self.assertEqual(resolved["department"], self.dep_production)
        self.assertEqual(resolved["user"], self.ops_manager)
        self.assertFalse(resolved["rule"])

    def test_no_one_found_still_moves_unassigned(self):
        """Nobody to assign: the order moves anyway and shows as unassigned."""
        self.dep_logistics.manager_id = False
        order = self.put_in(self.create_order(), self.stage_shipping)
        self.assertEqual(order.governance_stage_id, self.stage_shipping)
        self.assertFalse(order.responsible_user_id)
        unassigned = self.env["sale.order"].search(
            [("governance_stage_id", "!=", False), ("responsible_user_id", "=", False)]
        )
        self.assertIn(order, unassigned)

    def test_user_rule(self):
        """A 'user' rule names the person."""
        rule = self._rule(assignment="user", user_id=self.prod_worker2.id)
        order = self.create_order()
        resolved = order._governance_resolve(self.stage_production)
        self.assertEqual(resolved["rule"], rule)
        self.assertEqual(resolved["user"], self.prod_worker2)

    def test_first_matching_rule_by_sequence_wins(self):
        """Rules are tried by sequence; the domain decides whether one matches."""
        self._rule(
            sequence=5,
            assignment="user",
            user_id=self.prod_worker1.id,
            domain="[('amount_untaxed', '>', 1000)]",
        )
        second = self._rule(
            sequence=10, assignment="user", user_id=self.prod_worker2.id
        )
        small = self.create_order()
        self.assertEqual(
            small._governance_resolve(self.stage_production)["rule"], second
        )
        large = self.create_order(
            order_line=[
                Command.create({"product_id": self.product.id, "product_uom_qty": 50})
            ]
        )
        self.assertEqual(
            large._governance_resolve(self.stage_production)["user"], self.prod_worker1
        )

    def test_rule_of_other_stage_ignored(self):
        """A rule limited to other stages does not apply."""
        self._rule(assignment="user", user_id=self.prod_worker2.id)
        order = self.create_order()
        self.assertFalse(order._governance_resolve(self.stage_shipping)["rule"])

    def test_round_robin_turns(self):
        """Round robin deals orders to the department's people in turn, across calls."""
        rule = self._rule(assignment="round_robin")
        members = self.dep_production._governance_member_users()
        self.assertEqual(
            members,
            (self.prod_manager | self.prod_worker1 | self.prod_worker2).sorted("id"),
        )
        orders = self.create_orders(4)
        self.put_in(orders[:2], self.stage_production)
        self.put_in(orders[2:], self.stage_production)
        self.assertEqual(
            [o.responsible_user_id for o in orders],
            [members[0], members[1], members[2], members[0]],
        )
        self.assertEqual(rule.last_assigned_user_id, members[0])

    def test_least_loaded(self):
        """Least loaded picks whoever has the fewest open orders, spreading a batch."""
        self._rule(
            assignment="user",
            user_id=self.prod_worker1.id,
            sequence=1,
            domain="[('client_order_ref', '=', 'LOAD')]",
        )
        self._rule(assignment="least_loaded", sequence=2)
        busy = self.create_orders(2, client_order_ref="LOAD")
        self.put_in(busy, self.stage_production)
        self.assertEqual(busy.responsible_user_id, self.prod_worker1)
        orders = self.create_orders(3)
        self.put_in(orders, self.stage_production)
        users = [o.responsible_user_id for o in orders]
        # manager and worker 2 have no order: they get the first two, then the lowest id
        self.assertEqual(set(users[:2]), {self.prod_manager, self.prod_worker2})
        self.assertNotEqual(users[2], self.prod_worker1)

    def test_salesperson_assignment(self):
        """Salesperson: the salesperson if in the department, else the manager."""
        self._rule(assignment="salesperson")
        inside = self.create_order(user=self.prod_worker2)
        outside = self.create_order(user=self.sales_user)
        self.assertEqual(
            inside._governance_resolve(self.stage_production)["user"], self.prod_worker2
        )
        self.assertEqual(
            outside._governance_resolve(self.stage_production)["user"],
            self.prod_manager,
        )

    def test_resolve_writes_nothing(self):
        """governance_resolve is a preview: no log, no order change, no pointer move."""
        rule = self._rule(assignment="round_robin")
        order = self.create_order()
        self.env.flush_all()
        logs_before = self.env["order.governance.stage.log"].search_count([])
        order_written, rule_written = order.write_date, rule.write_date
        first = order._governance_resolve(self.stage_production)
        second = order._governance_resolve(self.stage_production)
        self.env.flush_all()
        self.assertEqual(first["user"], second["user"])
        self.assertEqual(first["department"], self.dep_production)
        self.assertFalse(rule.last_assigned_user_id)
        self.assertEqual(order.governance_stage_id, self.stage_received)
        self.assertEqual(
            (order.write_date, rule.write_date), (order_written, rule_written)
        )
        self.assertEqual(
            self.env["order.governance.stage.log"].search_count([]), logs_before
        )
