"""Attacks on where authority comes from: the department chart, absences, the
sale state, another company's exit criteria. Each test plays the attacker from
his side (``with_user``, RPC-shaped arguments) and checks that nothing changed.
The ``test_attacks_*`` family: add the next finding here, or beside it."""

from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import GROUP_OFFICER, OrderGovernanceCase


@tagged("post_install", "-at_install")
class TestDepartmentChartAttacks(OrderGovernanceCase):
    """Odoo's hr lets every employee write departments; the module takes
    authority from them, so their authority fields are HR's."""

    def employee(self, user):
        return self.env["hr.employee"].search([("user_id", "=", user.id)], limit=1)

    def test_manager_cannot_make_himself_manager_elsewhere(self):
        """The production manager writes Logistics' manager to himself: refused,
        and Logistics' orders stay out of his reach."""
        order = self.put_in(self.create_order(), self.stage_shipping)
        boss = self.prod_manager
        # Logistics' staff already report to someone: Odoo's hr rewrites no
        # employee when the manager changes, so only the module's guard stands
        self.employee(self.log_worker).parent_id = self.employee(self.officer)
        with self.assertRaises(AccessError):
            self.dep_logistics.with_user(boss).write(
                {"manager_id": self.employee(boss).id}
            )
        self.assertFalse(self.dep_logistics.manager_id)
        with self.assertRaises(AccessError):
            order.with_user(boss).governance_reassign(self.dep_production.id, boss.id)
        self.assertEqual(order.responsible_department_id, self.dep_logistics)

    def test_parent_and_company_and_members_are_hr_fields(self):
        """Re-parenting a department (to read its orders), moving it to another
        company, adding members: refused to employees and managers."""
        for values in (
            {"parent_id": self.dep_production.id},
            {"company_id": False},
            {"member_ids": [Command.link(self.employee(self.prod_worker1).id)]},
            {"active": False},
        ):
            with self.subTest(values=values), self.assertRaises(AccessError):
                self.dep_logistics.with_user(self.prod_manager).write(values)
        self.assertFalse(self.dep_logistics.parent_id)
        self.assertEqual(self.dep_logistics.company_id, self.company)
        self.assertTrue(self.dep_logistics.active)

    def test_salesperson_cannot_become_manager_to_cancel(self):
        """og_sales_rep makes himself manager of Sales and cancels a confirmed
        order: the first step is refused, so is the cancel."""
        order = self.create_order()
        order.action_confirm()
        rep = self.sales_user
        with self.assertRaises(AccessError):
            self.dep_sales.with_user(rep).write({"manager_id": self.employee(rep).id})
        with self.assertRaises(AccessError):
            order.with_user(rep).with_context(
                disable_cancel_warning=True
            ).action_cancel()
        self.assertEqual(order.state, "sale")

    def test_employee_cannot_move_himself_to_another_department(self):
        """Odoo's "edit my profile" writes the employee as superuser on behalf of
        the user: the department stays HR's decision."""
        self.env["ir.config_parameter"].set_param("hr.hr_employee_self_edit", True)
        worker = self.prod_worker1
        with self.assertRaises(AccessError):
            worker.with_user(worker).write({"department_id": self.dep_logistics.id})
        self.assertEqual(self.employee(worker).department_id, self.dep_production)

    def test_unchanged_values_pass(self):
        """A form that resends the current parent is no change."""
        self.dep_production.with_user(self.prod_manager).write(
            {"parent_id": self.dep_operations.id, "name": "Production line"}
        )
        self.assertEqual(self.dep_production.name, "Production line")

    def test_hr_officer_and_administrator_change_the_chart(self):
        hr_officer = self.company_user("og_hr", "base.group_user,hr.group_hr_user")
        admin = self.company_user(
            "og_gov_admin", "base.group_user,order_governance.group_governance_admin"
        )
        self.dep_logistics.with_user(hr_officer).write(
            {"manager_id": self.employee(self.log_worker).id}
        )
        self.assertEqual(self.dep_logistics.manager_id.user_id, self.log_worker)
        self.dep_logistics.with_user(admin).write({"parent_id": self.dep_operations.id})
        self.assertEqual(self.dep_logistics.parent_id, self.dep_operations)

    def test_deputy_is_not_the_manager_and_of_the_same_company(self):
        other = self.env["res.company"].create({"name": "Deputy Elsewhere"})
        stranger = self.env["hr.employee"].create(
            {"name": "Stranger", "company_id": other.id}
        )
        with self.assertRaises(ValidationError):
            self.dep_production.governance_deputy_id = self.dep_production.manager_id
        with self.assertRaises(ValidationError):
            self.dep_production.governance_deputy_id = stranger
        self.assertFalse(self.dep_production.governance_deputy_id)
        with self.assertRaises(AccessError):
            self.dep_production.with_user(self.prod_manager).write(
                {"governance_deputy_id": self.employee(self.prod_worker1).id}
            )


@tagged("post_install", "-at_install")
class TestSelfDeclaredAbsence(OrderGovernanceCase):
    """Routing passes over absent people; an absence a person records himself
    does not count until HR has approved it."""

    def leave_of(self, user, env):
        resource = (
            self.env["hr.employee"].search([("user_id", "=", user.id)]).resource_id
        )
        now = fields.Datetime.now()
        return env["resource.calendar.leaves"].create(
            {
                "name": "Away",
                "resource_id": resource.id,
                "date_from": now - timedelta(days=1),
                "date_to": now + timedelta(days=3),
            }
        )

    def absent(self):
        return self.env["res.users"]._governance_absences()

    def test_own_leave_does_not_count(self):
        """Odoo lets everyone record time off on his own resource."""
        worker = self.prod_worker1
        self.leave_of(worker, self.env(user=worker.id))
        self.assertNotIn(worker.id, self.absent())

    def test_leave_recorded_by_hr_counts_until_the_person_edits_it(self):
        """Recorded by HR with its rights (Time Off validates this way), it
        counts; changed by the person himself, it is his declaration again."""
        hr_officer = self.company_user("og_hr2", "base.group_user,hr.group_hr_user")
        worker = self.prod_worker1
        leave = self.leave_of(worker, self.env(user=hr_officer.id, su=True))
        self.assertIn(worker.id, self.absent())
        leave.with_user(worker).date_to = fields.Datetime.now() + timedelta(days=30)
        self.assertNotIn(worker.id, self.absent())


@tagged("post_install", "-at_install")
class TestSaleStateAttacks(OrderGovernanceCase):
    """The sale state moves the governance: it changes the way Odoo's buttons
    change it, whoever writes it."""

    def test_confirmed_order_cannot_be_written_back_to_quotation(self):
        order = self.put_in(self.create_order(), self.stage_confirmed)
        order.action_confirm()
        self.put_in(order, self.stage_production)
        for user in (self.sales_user, self.prod_worker1, self.officer):
            for state in ("draft", "sent"):
                with self.subTest(user=user.login, state=state):
                    with self.assertRaises(AccessError):
                        order.with_user(user).write({"state": state})
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.governance_stage_id, self.stage_production)

    def test_cancelled_order_leaves_cancel_by_set_to_quotation_only(self):
        order = self.create_order()
        order.with_context(disable_cancel_warning=True).action_cancel()
        for user in (self.sales_user, self.officer):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                order.with_user(user).write({"state": "sale"})
        self.assertEqual(order.state, "cancel")
        self.assertEqual(order.governance_stage_id, self.stage_cancelled)
        order.with_user(self.sales_user).action_draft()
        self.assertEqual(order.governance_stage_id, self.stage_received)

    def test_no_order_is_created_confirmed_or_cancelled(self):
        """``create`` with ``state='sale'`` skipped *Confirm* and its checks."""
        for state in ("sale", "cancel"):
            with self.subTest(state=state), self.assertRaises(AccessError):
                self.env["sale.order"].with_user(self.sales_user).create(
                    {"partner_id": self.partner.id, "state": state}
                )
        self.assertFalse(
            self.env["sale.order"].search([("partner_id", "=", self.partner.id)])
        )

    def test_inventory_user_does_not_touch_the_state(self):
        """Odoo's sale_stock lets Inventory users write orders; the state (even
        Set to Quotation's step) is Sales'."""
        storekeeper = self.company_user(
            "og_state_storekeeper", "base.group_user,stock.group_stock_user"
        )
        order = self.create_order()
        order.with_context(disable_cancel_warning=True).action_cancel()
        with self.assertRaises(AccessError):
            order.with_user(storekeeper).write({"state": "draft"})
        self.assertEqual(order.state, "cancel")

    def test_new_order_belongs_to_its_salesperson_or_its_creator(self):
        """Creating an order owned by a department one has nothing to do with."""
        Order = self.env["sale.order"].with_user(self.sales_user)
        with self.assertRaises(AccessError):
            Order.create(
                {
                    "partner_id": self.partner.id,
                    "owner_department_id": self.dep_logistics.id,
                }
            )
        order = Order.create(
            {"partner_id": self.partner.id, "owner_department_id": self.dep_sales.id}
        )
        self.assertEqual(order.owner_department_id, self.dep_sales)

    def test_confirm_does_not_take_an_order_out_of_the_cancel_stage(self):
        """An officer put the quotation in Cancelled: confirming it is refused,
        and the stage stays."""
        order = self.create_order()
        order.with_user(self.officer).governance_move(
            self.stage_cancelled.id, reason="customer went away"
        )
        with self.assertRaises(UserError):
            order.with_user(self.sales_user).action_confirm()
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.governance_stage_id, self.stage_cancelled)


@tagged("post_install", "-at_install")
class TestForeignCheckLines(OrderGovernanceCase):
    """Company B's officer and another company's lines: a superuser read that
    filled the cache does not open them."""

    def test_other_company_officer_cannot_tick(self):
        # a stage shared by the companies: company B's officer reads its checks
        self.stage_production.company_id = False
        self.env["order.governance.check"].create(
            {"stage_id": self.stage_production.id, "name": "Materials reserved"}
        )
        order = self.put_in(self.create_order(), self.stage_production)
        line = order.governance_check_line_ids
        company_b = self.env["res.company"].create({"name": "Company B"})
        officer_b = self.env["res.users"].create(
            {
                "name": "Officer B",
                "login": "og_officer_b",
                "company_id": company_b.id,
                "company_ids": [Command.set(company_b.ids)],
                "groups_id": [Command.link(self.env.ref(GROUP_OFFICER).id)],
            }
        )
        for method in ("action_tick", "action_untick"):
            # as over RPC: his own company in the context; a superuser read of
            # the line (the order's form read by another flow) fills the cache
            probe = line.with_user(officer_b).with_context(
                allowed_company_ids=company_b.ids
            )
            line.sudo().read(["name", "order_id", "log_id", "done"])
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(probe, method)()
            self.assertFalse(line.done)
            self.assertFalse(line.done_by_id)
