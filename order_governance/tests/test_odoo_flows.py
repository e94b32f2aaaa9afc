from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import OrderGovernanceCase


@tagged("post_install", "-at_install")
class TestOdooFlowsStayOdoo(OrderGovernanceCase):
    """What Sales users and Odoo's own flows did before the module still works."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sale_admin = cls.company_user(
            "og_sale_admin", "base.group_user,sales_team.group_sale_manager"
        )

    def test_salesperson_creates_his_quotation_with_the_salesperson_rule(self):
        """The creator follows his quotation before its first activity subscribes
        him: no duplicate follower (the form as the salesperson himself)."""
        self.keep_quotations_with_salesperson()
        with Form(self.env["sale.order"].with_user(self.sales_user)) as form:
            form.partner_id = self.partner
            with form.order_line.new() as line:
                line.product_id = self.product
        order = form.record
        self.assertEqual(order.governance_stage_id, self.stage_received)
        self.assertEqual(order.responsible_user_id, self.sales_user)
        followers = order.message_follower_ids.filtered(
            lambda f: f.partner_id == self.sales_user.partner_id
        )
        self.assertEqual(len(followers), 1)
        self.assertEqual(order.activity_ids.user_id, self.sales_user)
        order.with_user(self.sales_user).action_confirm()
        self.assertEqual(order.governance_stage_id, self.stage_confirmed)

    def test_rpc_create_of_his_own_quotation(self):
        """``create`` as Odoo's RPC makes it, with himself as salesperson."""
        self.keep_quotations_with_salesperson()
        order = (
            self.env["sale.order"]
            .with_user(self.sales_user)
            .create({"partner_id": self.partner.id, "user_id": self.sales_user.id})
        )
        self.assertEqual(order.responsible_user_id, self.sales_user)
        self.assertTrue(order.stage_log_ids)
        self.assertEqual(order.governance_first_entry, order.stage_entered_at)

    def test_sales_administrator_runs_odoo_cancel_flow(self):
        """``_action_cancel`` is Odoo's internal cancel (returns, kits, portal):
        not guarded, whoever calls it."""
        order = self.create_order()
        order.action_confirm()
        order.with_user(self.sale_admin)._action_cancel()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(order.governance_stage_id, self.stage_cancelled)

    def test_internal_cancel_of_an_order_without_owning_department(self):
        """An order nobody owns is cancelled as Odoo would, by its flows."""
        order = self.create_order(user=self.salesman)
        order.owner_department_id = False
        order.action_confirm()
        order.with_user(self.salesman)._action_cancel()
        self.assertEqual(order.state, "cancel")

    def test_sales_administrator_cancels_with_the_button(self):
        order = self.create_order()
        order.action_confirm()
        order.with_user(self.sale_admin).with_context(
            disable_cancel_warning=True
        ).action_cancel()
        self.assertEqual(order.state, "cancel")

    def test_cancel_guard_on_user_entry_points(self):
        """The button, the mass cancel of the list and a raw write of the state
        stay the owning department's managers' and officers' decision."""
        order = self.create_order()
        order.action_confirm()
        seller = order.with_user(self.sales_user)
        self.assertFalse(seller.governance_can_cancel)
        with self.assertRaises(AccessError):
            seller.with_context(disable_cancel_warning=True).action_cancel()
        with self.assertRaises(AccessError):
            seller.write({"state": "cancel"})
        wizard = (
            self.env["sale.mass.cancel.orders"]
            .with_user(self.sales_user)
            .create({"sale_order_ids": [Command.set(order.ids)]})
        )
        with self.assertRaises(AccessError):
            wizard.action_mass_cancel()
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.with_user(self.sales_manager).governance_can_cancel)
        self.assertTrue(order.with_user(self.sale_admin).governance_can_cancel)
        # the context of a client cannot pass for Odoo's internal cancel
        with self.assertRaises(AccessError):
            seller.with_context(governance_odoo_cancel=True).write({"state": "cancel"})

    def test_quotation_cancellable_by_its_salesperson(self):
        order = self.create_order()
        self.assertTrue(order.with_user(self.sales_user).governance_can_cancel)
        order.with_user(self.sales_user).action_cancel()
        self.assertEqual(order.state, "cancel")


@tagged("post_install", "-at_install")
class TestFormsInOnchange(OrderGovernanceCase):
    """Every form the module changes opens and takes an edit as a plain user of
    its app (onchange on new records and NewIds)."""

    def test_order_form_new_and_edit(self):
        with Form(self.env["sale.order"].with_user(self.sales_user)) as form:
            form.partner_id = self.partner
            with form.order_line.new() as line:
                line.product_id = self.product
            self.assertFalse(form.governance_execution_html)
        order = form.record
        with Form(order.with_user(self.sales_user)) as form:
            with form.order_line.edit(0) as line:
                line.product_uom_qty = 3
        self.assertEqual(order.order_line.product_uom_qty, 3)

    def test_order_form_of_plain_salesman(self):
        """A salesman outside every governance group (no department, no rights on
        the engine's records)."""
        with Form(self.env["sale.order"].with_user(self.salesman)) as form:
            form.partner_id = self.partner
            with form.order_line.new() as line:
                line.product_id = self.product
        order = form.record
        with Form(order.with_user(self.salesman)) as form:
            form.note = "<p>Deliver to the back door</p>"

    def test_configuration_forms(self):
        admin = self.company_user(
            "og_form_admin", "base.group_user,order_governance.group_governance_admin"
        )
        env = self.env(user=admin)
        with Form(env["order.governance.stage"]) as form:
            form.name = "Quality"
            form.sequence = 35
            form.responsible_department_id = self.dep_production
            form.sla_hours = 4
        with Form(env["order.governance.stage"].browse(self.stage_shipping.id)) as form:
            form.sla_hours = 16
        with Form(env["order.governance.rule"]) as form:
            form.name = "Big orders"
            form.responsible_department_id = self.dep_logistics
            form.assignment = "manager"
        with Form(env["hr.department"].browse(self.dep_logistics.id)) as form:
            form.name = "Logistics & Shipping"

    def test_department_form_as_manager(self):
        """A department manager reads his department's form (HR's own form)."""
        manager = self.env["hr.department"].with_user(self.prod_manager)
        with Form(manager.browse(self.dep_production.id)) as form:
            self.assertEqual(form.name, "Production")

    def test_meeting_form_as_officer(self):
        with Form(self.env["order.governance.meeting"].with_user(self.officer)) as form:
            form.department_ids.add(self.dep_production)
        self.assertTrue(form.record.department_ids)


@tagged("post_install", "-at_install")
class TestCreateCost(OrderGovernanceCase):
    """A new order enters the flow on the short path: nothing to lock (no other
    transaction sees it yet), no open stay to close, no hold, its first figures
    written with it."""

    def queries_of(self, action):
        queries = []
        cursor = self.env.cr
        execute = cursor.execute

        def spy(query, params=None, log_exceptions=True):
            queries.append(str(getattr(query, "code", query)))
            return execute(query, params, log_exceptions)

        cursor.execute = spy
        try:
            action()
            self.env.flush_all()
        finally:
            del cursor.execute
        return queries

    def test_entry_of_new_orders_locks_and_searches_nothing(self):
        vals = {"partner_id": self.partner.id, "company_id": self.company.id}
        queries = self.queries_of(
            lambda: self.env["sale.order"].create([dict(vals) for _i in range(5)])
        )
        self.assertFalse([q for q in queries if "FOR NO KEY UPDATE" in q])
        self.assertFalse(
            [q for q in queries if "UPDATE sale_order so" in q],
            "no separate lead time UPDATE for a first stay",
        )
        self.assertFalse(
            [
                q
                for q in queries
                if q.lstrip().startswith("SELECT") and "order_governance_hold" in q
            ]
        )

    def test_entry_cost_does_not_grow_with_the_orders_created_together(self):
        """The governance's share of a create() is per call, not per order."""
        vals = {"partner_id": self.partner.id, "company_id": self.company.id}
        self.env["sale.order"].create(dict(vals))  # warm the caches
        one = len(self.queries_of(lambda: self.env["sale.order"].create(dict(vals))))
        five = len(
            self.queries_of(
                lambda: self.env["sale.order"].create([dict(vals) for _i in range(5)])
            )
        )
        # Odoo's own create costs a few queries per order (its name's sequence...)
        self.assertLessEqual(five - one, 4 * 4, (one, five))
