from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import OrderGovernanceCase


@tagged("post_install", "-at_install")
class TestAccess(OrderGovernanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # In Production, prod_one is the responsible person.
        cls.give_production_to(cls.prod_worker1)

    def in_production(self):
        order = self.put_in(self.create_order(), self.stage_production)
        self.assertEqual(order.responsible_user_id, self.prod_worker1)
        return order

    def moves(self):
        """The ways to move an order, as (name, callable(order as the user))."""
        return [
            ("next", lambda o: o.action_governance_next()),
            ("move", lambda o: o.governance_move(self.stage_shipping)),
            (
                "write",
                lambda o: o.write({"governance_stage_id": self.stage_shipping.id}),
            ),
        ]

    def test_who_may_move(self):
        """Responsible person, department staff, managers up the tree and officers
        move the order; others get AccessError and nothing changes."""
        allowed = {
            "responsible user": self.prod_worker1,
            "employee of the responsible department": self.prod_worker2,
            "manager of the department": self.prod_manager,
            "manager of a parent department": self.ops_manager,
            "officer": self.officer,
        }
        denied = {
            "employee of another department": self.log_worker,
            "manager of another department": self.sales_manager,
            "salesman without governance group": self.salesman,
        }
        for who, user in allowed.items():
            for how, move in self.moves():
                with self.subTest(who=who, how=how):
                    order = self.in_production()
                    move(order.with_user(user))
                    self.assertEqual(order.governance_stage_id, self.stage_shipping)
        for who, user in denied.items():
            for how, move in self.moves():
                with self.subTest(who=who, how=how):
                    order = self.in_production()
                    logs = order.stage_log_ids
                    with self.assertRaises(AccessError):
                        move(order.with_user(user))
                    order.invalidate_recordset()
                    self.assertEqual(order.governance_stage_id, self.stage_production)
                    self.assertEqual(order.stage_log_ids, logs)

    def test_reassign(self):
        """Managers of the responsible department's tree and officers reassign."""
        for user in (self.prod_manager, self.ops_manager, self.officer):
            with self.subTest(user=user.login):
                order = self.in_production()
                order.with_user(user).governance_reassign(
                    self.dep_production, self.prod_worker2
                )
                self.assertEqual(order.responsible_user_id, self.prod_worker2)
                self.assertEqual(self.open_logs(order).user_id, self.prod_worker2)
        for user in (self.prod_worker1, self.sales_manager, self.log_worker):
            with self.subTest(user=user.login):
                order = self.in_production()
                with self.assertRaises(AccessError):
                    order.with_user(user).governance_reassign(
                        self.dep_production, self.prod_worker2
                    )
                self.assertEqual(order.responsible_user_id, self.prod_worker1)

    def test_reassign_wizard_outside_department(self):
        """The new responsible must work in the chosen department."""
        order = self.in_production()
        action = order.action_governance_reassign()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.prod_manager)
            .with_context(**action["context"])
            .create({"user_id": self.log_worker.id})
        )
        self.assertEqual(wizard.department_id, self.dep_production)
        with self.assertRaises(ValidationError):
            wizard.action_reassign()
        self.assertEqual(order.responsible_user_id, self.prod_worker1)

    def test_stage_log_is_read_only(self):
        """Nobody writes, creates or deletes stage history through the ORM."""
        order = self.in_production()
        log = self.open_logs(order)
        for user in (self.prod_worker1, self.officer, self.env.ref("base.user_admin")):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    log.with_user(user).write({"reason": "edited"})
                with self.assertRaises(AccessError):
                    log.with_user(user).unlink()
                with self.assertRaises(AccessError):
                    log.with_user(user).create(
                        {
                            "order_id": order.id,
                            "stage_id": self.stage_done.id,
                            "date_in": log.date_in,
                            "company_id": self.company.id,
                        }
                    )
        self.assertEqual(log.reason, "test set-up")

    def test_visibility(self):
        """What each person finds: their responsibilities, their department's, their
        managed tree's; officers everything of their companies."""
        in_production = self.in_production()
        in_shipping = self.put_in(self.create_order(), self.stage_shipping)
        own_quote = self.create_order(user=self.salesman)
        orders = in_production | in_shipping | own_quote
        expected = {
            self.prod_worker1: in_production,
            self.prod_worker2: in_production,
            self.log_worker: in_shipping,
            self.ops_manager: in_production,
            self.sales_user: orders,  # owner of the first two; Sales runs Received
            self.officer: orders,
            self.salesman: own_quote,  # Odoo's own rule: their own orders
        }
        for user, visible in expected.items():
            with self.subTest(user=user.login):
                found = (
                    self.env["sale.order"]
                    .with_user(user)
                    .search([("id", "in", orders.ids)])
                )
                self.assertEqual(found, visible)
                logs = (
                    self.env["order.governance.stage.log"]
                    .with_user(user)
                    .search([("order_id", "in", orders.ids)])
                )
                self.assertEqual(logs.order_id, visible)

    def test_department_change_shows_at_once(self):
        """Moving an employee to another department changes what they see at once."""
        order = self.in_production()
        SaleOrder = self.env["sale.order"].with_user(self.log_worker)
        self.assertFalse(SaleOrder.search([("id", "=", order.id)]))
        self.log_worker.employee_ids.department_id = self.dep_production
        self.assertEqual(SaleOrder.search([("id", "=", order.id)]), order)

    def test_new_manager_sees_at_once(self):
        """A department's new manager sees its orders at once."""
        order = self.put_in(
            self.create_order(user=self.log_worker), self.stage_production
        )
        SaleOrder = self.env["sale.order"].with_user(self.sales_manager)
        self.assertFalse(SaleOrder.search([("id", "=", order.id)]))
        self.dep_operations.manager_id = self.sales_manager.employee_ids
        self.assertEqual(SaleOrder.search([("id", "=", order.id)]), order)


@tagged("post_install", "-at_install")
class TestMultiCompany(OrderGovernanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = cls.env["res.company"].create({"name": "Other Company"})
        cls.env.user.company_ids |= cls.other
        cls.other_dep = cls.env["hr.department"].create(
            {"name": "Other Production", "company_id": cls.other.id}
        )
        cls.other_stage = cls.env["order.governance.stage"].create(
            {
                "name": "Other First",
                "sequence": 1,
                "company_id": cls.other.id,
                "responsible_department_id": cls.other_dep.id,
            }
        )
        cls.other_rule = cls.env["order.governance.rule"].create(
            {
                "name": "Other rule",
                "company_id": cls.other.id,
                "responsible_department_id": cls.other_dep.id,
                "assignment": "manager",
            }
        )

    def test_other_company_stages_and_rules_unused(self):
        """An order never enters another company's stage nor uses its rules."""
        order = self.create_order()
        self.assertEqual(order.governance_stage_id, self.stage_received)
        self.assertFalse(order._governance_resolve(self.stage_production)["rule"])
        order.action_governance_next()
        self.assertEqual(order.governance_stage_id, self.stage_confirmed)

    def test_stage_of_other_company_refused(self):
        """Moving to another company's stage is a clear UserError; nothing written."""
        order = self.create_order()
        logs = order.stage_log_ids
        with self.assertRaises(UserError) as caught:
            order.governance_move(self.other_stage)
        self.assertIn("belongs to Other Company", str(caught.exception))
        self.assertEqual(order.stage_log_ids, logs)

    def test_other_company_orders_invisible(self):
        """Officers of one company do not see the orders of another."""
        other_order = (
            self.env["sale.order"]
            .with_company(self.other)
            .create({"partner_id": self.partner.id, "company_id": self.other.id})
        )
        self.assertEqual(other_order.governance_stage_id, self.other_stage)
        found = (
            self.env["sale.order"]
            .with_user(self.officer)
            .search([("id", "=", other_order.id)])
        )
        self.assertFalse(found)

    def test_handoff_messages_of_two_companies_in_one_batch(self):
        """Orders of two companies moved together: each handoff message, posted
        in one batch, carries its own order's company."""
        self.env["order.governance.stage"].create(
            {
                "name": "Other Second",
                "sequence": 2,
                "company_id": self.other.id,
                "responsible_department_id": self.other_dep.id,
            }
        )
        order = self.create_order()
        other_order = (
            self.env["sale.order"]
            .with_company(self.other)
            .create({"partner_id": self.partner.id, "company_id": self.other.id})
        )
        orders = order | other_order
        self.flush_tracking()
        orders.with_context(
            allowed_company_ids=(self.company | self.other).ids
        ).action_governance_next()
        self.flush_tracking()
        handoff = self.env.ref("order_governance.mt_governance_handoff")
        for moved in orders:
            message = moved.message_ids.filtered(lambda m, h=handoff: m.subtype_id == h)
            self.assertEqual(len(message), 1)
            self.assertEqual(message.record_company_id, moved.company_id)
            self.assertIn(moved.governance_stage_id.name, str(message.body))

    def test_impact_and_reroute_stay_in_the_officer_companies(self):
        """Re-routing after a change touches the orders of the caller's companies
        only, whatever rule or stage he passes."""
        other_order = (
            self.env["sale.order"]
            .with_company(self.other)
            .create({"partner_id": self.partner.id, "company_id": self.other.id})
        )
        boss = new_test_user(
            self.env,
            login="og_other_boss",
            groups="base.group_user",
            company_id=self.other.id,
            company_ids=[Command.set(self.other.ids)],
        )
        self.other_dep.manager_id = self.env["hr.employee"].create(
            {"name": "Other Boss", "user_id": boss.id, "company_id": self.other.id}
        )
        everywhere = self.other_stage.with_context(
            allowed_company_ids=(self.company | self.other).ids
        )
        self.assertEqual(everywhere.governance_impact_preview()["count"], 1)
        # another company's stage or rule is not his: refused (issue 24), not
        # answered with an empty impact
        for changed in (self.other_stage, self.other_rule):
            changed = changed.with_user(self.officer)
            for method in ("governance_impact_preview", "action_governance_reroute"):
                with self.subTest(model=changed._name, method=method):
                    with self.assertRaises(AccessError):
                        getattr(changed, method)()
        self.assertFalse(other_order.responsible_user_id)
