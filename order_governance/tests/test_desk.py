from datetime import timedelta

from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import OrderGovernanceCase


@tagged("post_install", "-at_install")
class TestDesk(OrderGovernanceCase):
    """What the Order Desk and the order form tell people at a glance."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.give_production_to(cls.prod_worker1)

    def test_due_label_says_it_as_people_do(self):
        """'due in 3:05', '2 days overdue', 'paused: on hold'; nothing without SLA."""
        order = self.put_in(self.create_order(), self.stage_production)
        order = order.with_context(tz="UTC")
        now = fields.Datetime.to_datetime("2026-12-02 12:00:00")
        cases = [
            (now + timedelta(hours=3, minutes=5), "due in 3:05"),
            (now + timedelta(minutes=20), "due in 0:20"),
            (now - timedelta(days=2, hours=1), "2 days overdue"),
            (now - timedelta(days=1, hours=1), "1 day overdue"),
            (now - timedelta(hours=13), "13:00 overdue"),
            (now + timedelta(days=4, hours=2), "due in 4 days"),
        ]
        for deadline, label in cases:
            order.sudo().write({"stage_deadline": deadline})
            self.assertEqual(order._governance_due_text(now), label)
        # days between dates, as Odoo counts an activity's days overdue
        order.sudo().write({"stage_deadline": now - timedelta(hours=37)})
        self.assertEqual(order._governance_due_text(now), "2 days overdue")
        order.sudo().write({"governance_on_hold": True})
        self.assertEqual(order._governance_due_text(now), "paused: on hold")
        order.sudo().write({"stage_deadline": False})
        self.assertFalse(order._governance_due_text(now))

    def test_next_stage_button_names_the_stage(self):
        """Next Stage says where it goes; a final stage has nowhere to go."""
        order = self.put_in(self.create_order(), self.stage_production)
        self.assertEqual(order.governance_next_stage_name, "Shipping")
        self.put_in(order, self.stage_done)
        self.assertFalse(order.governance_next_stage_name)
        arch = etree.fromstring(
            self.env["sale.order"].get_view(
                self.env.ref("sale.view_order_form").id, "form"
            )["arch"]
        )
        button = arch.xpath("//button[@name='action_governance_next']")[0]
        self.assertIn("btn-primary", button.get("class"))
        self.assertTrue(button.xpath(".//field[@name='governance_next_label']"))
        self.assertEqual(
            self.put_in(self.create_order(), self.stage_production)
            .with_context(lang="en_US")
            .governance_next_label,
            "Next: Shipping",
        )

    def test_desk_opens_on_my_department_for_executors_and_managers(self):
        """Executors and managers land on My Department, officers on everything."""
        Order = self.env["sale.order"]
        for user in (self.prod_worker1, self.prod_manager):
            action = Order.with_user(user).action_governance_open_desk()
            self.assertEqual(action["res_model"], "sale.order")
            self.assertEqual(action["context"], {"search_default_my_department": 1})
        action = Order.with_user(self.officer).action_governance_open_desk()
        self.assertNotIn("search_default_my_department", str(action.get("context")))

    def test_governance_filters_combine_with_and(self):
        """Who, SLA and hold/rework filters sit in separate groups: they AND."""
        arch = etree.fromstring(
            self.env["sale.order"].get_view(
                self.env.ref("sale.view_sales_order_filter").id, "search"
            )["arch"]
        )
        names = [
            node.get("name") if node.tag == "filter" else "|"
            for node in arch.iter("filter", "separator")
        ]
        groups = " ".join(names).split("|")
        group_of = {
            name: index for index, group in enumerate(groups) for name in group.split()
        }
        self.assertNotEqual(group_of["my_department"], group_of["sla_breached"])
        self.assertNotEqual(group_of["my_responsibilities"], group_of["sla_breached"])
        self.assertNotEqual(group_of["sla_breached"], group_of["on_hold"])
        self.assertEqual(group_of["my_department"], group_of["my_responsibilities"])

    def test_desk_card_colour_is_the_sla(self):
        """The desk's progress bar (column bar and card edge) follows the SLA and
        sums the amounts per column."""
        arch = etree.fromstring(
            self.env["sale.order"].get_view(
                self.env.ref("order_governance.sale_order_view_kanban").id, "kanban"
            )["arch"]
        )
        bar = arch.xpath("//progressbar")[0]
        self.assertEqual(bar.get("field"), "sla_status")
        self.assertEqual(bar.get("sum_field"), "amount_total")
        self.assertIn("breached", bar.get("colors"))
        self.assertEqual(arch.get("highlight_color"), "governance_sla_color")
        order = self.create_order()
        for status, color in (("breached", 1), ("at_risk", 2), ("on_track", 10)):
            order.sudo().write({"sla_status": status})
            self.assertEqual(order.governance_sla_color, color)


@tagged("post_install", "-at_install")
class TestHandoffEndings(OrderGovernanceCase):
    """A handoff that takes the order out of the user's sight ends cleanly."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.give_production_to(cls.prod_worker1)

    def setUp(self):
        super().setUp()
        # owned by Sales: once in Shipping, the Production executor no longer sees it
        self.order = self.put_in(self.create_order(), self.stage_production)
        self.as_worker = self.order.with_user(self.prod_worker1)

    def test_next_stage_returns_to_the_desk(self):
        action = self.as_worker.with_context(
            governance_expected_stage_id=self.stage_production.id
        ).action_governance_next()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("Handed over", action["params"]["message"])
        desk = action["params"]["next"]
        self.assertEqual(desk["target"], "main")  # no breadcrumb back to the order
        self.assertEqual(desk["res_model"], "sale.order")

    def test_send_back_wizard_returns_to_the_desk(self):
        wizard = Form(
            self.env["order.governance.send.back"]
            .with_user(self.prod_worker1)
            .with_context(default_order_ids=self.order.ids)
        )
        wizard.stage_id = self.stage_received
        wizard.reason = "Missing drawing"
        action = wizard.save().action_send_back()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(self.order.governance_stage_id, self.stage_received)

    def test_visible_order_just_closes_the_dialog(self):
        """A manager who still sees the order stays on it."""
        wizard = Form(
            self.env["order.governance.hold.wizard"]
            .with_user(self.prod_manager)
            .with_context(default_order_ids=self.order.ids)
        )
        wizard.reason_id = self.env.ref("order_governance.hold_reason_customer")
        action = wizard.save().action_hold()
        self.assertEqual(action, {"type": "ir.actions.act_window_close"})
        self.assertTrue(self.order.governance_on_hold)

    def test_kanban_drop_out_of_sight_keeps_the_move(self):
        """A drop on the desk that hands the order over is saved: the reply carries
        what the card showed, not an Access Error that would undo the move."""
        spec = {
            "name": {},
            "partner_id": {"fields": {"display_name": {}}},
            "amount_total": {},
            "governance_stage_id": {"fields": {"display_name": {}}},
            "activity_ids": {"fields": {}},
            "order_line": {"fields": {"price_unit": {}}},
        }
        result = self.as_worker.with_context(
            governance_expected_stage_id=self.stage_production.id
        ).web_save({"governance_stage_id": self.stage_shipping.id}, spec)
        self.assertEqual(self.order.governance_stage_id, self.stage_shipping)
        self.assertEqual(result[0]["id"], self.order.id)
        self.assertEqual(result[0]["name"], self.order.name)
        # lines are not read over: ids only
        self.assertEqual(
            result[0]["order_line"], [{"id": line.id} for line in self.order.order_line]
        )
        with self.assertRaises(AccessError):
            self.as_worker.read(["name"])

    def test_kanban_drop_still_checks_the_move(self):
        """The drop goes through the same checks: a jump is refused."""
        with self.assertRaises(UserError):
            self.as_worker.web_save(
                {"governance_stage_id": self.stage_done.id}, {"name": {}}
            )
        self.assertEqual(self.order.governance_stage_id, self.stage_production)


@tagged("post_install", "-at_install")
class TestReassignWizard(OrderGovernanceCase):
    """The Reassign wizard offers what the user may choose, with each one's load."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.give_production_to(cls.prod_worker1)

    def wizard(self, user, orders):
        return Form(
            self.env["order.governance.reassign"]
            .with_user(user)
            .with_context(default_order_ids=orders.ids)
        )

    def test_manager_is_offered_his_departments_only(self):
        order = self.put_in(self.create_order(), self.stage_production)
        wizard = self.wizard(self.ops_manager, order)
        self.assertEqual(
            set(wizard.allowed_department_ids.ids),
            {self.dep_operations.id, self.dep_production.id},
        )
        officer_wizard = self.wizard(self.officer, order).save()
        self.assertIn(self.dep_logistics, officer_wizard.allowed_department_ids)
        # no department of another company (Odoo's demo ones included)
        self.assertFalse(
            officer_wizard.allowed_department_ids.filtered(
                lambda d: d.company_id and d.company_id != self.company
            )
        )

    def test_prefilled_with_the_current_person(self):
        order = self.put_in(self.create_order(), self.stage_production)
        wizard = self.wizard(self.prod_manager, order)
        self.assertEqual(wizard.department_id, self.dep_production)
        self.assertEqual(wizard.user_id, self.prod_worker1)

    def test_candidates_show_their_open_load(self):
        self.put_in(self.create_orders(2), self.stage_production)
        names = dict(
            self.env["res.users"]
            .with_context(governance_show_load=True)
            .browse((self.prod_worker1 | self.prod_worker2).ids)
            .mapped(lambda u: (u.id, u.display_name))
        )
        self.assertEqual(
            names[self.prod_worker1.id], f"{self.prod_worker1.name} (2 open)"
        )
        self.assertEqual(
            names[self.prod_worker2.id], f"{self.prod_worker2.name} (0 open)"
        )
        self.assertEqual(self.prod_worker1.display_name, self.prod_worker1.name)


@tagged("post_install", "-at_install")
class TestDeskAttacks(OrderGovernanceCase):
    """What an executor can send over RPC through the new entry points."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.give_production_to(cls.prod_worker1)

    def test_web_save_of_an_order_he_cannot_see(self):
        """Another department's order: the save is refused, the order stays."""
        order = self.put_in(self.create_order(), self.stage_shipping)
        with self.assertRaises(AccessError):
            order.with_user(self.prod_worker1).web_save(
                {"governance_stage_id": self.stage_done.id}, {"name": {}}
            )
        self.assertEqual(order.governance_stage_id, self.stage_shipping)

    def test_web_save_cannot_carry_governed_fields(self):
        """A drop that also sends the responsible person is refused as a whole."""
        order = self.put_in(self.create_order(), self.stage_production)
        with self.assertRaises(UserError):
            order.with_user(self.prod_worker1).web_save(
                {
                    "governance_stage_id": self.stage_shipping.id,
                    "responsible_user_id": self.prod_worker1.id,
                },
                {"name": {}},
            )
        self.assertEqual(order.governance_stage_id, self.stage_production)

    def test_web_save_reply_keeps_field_groups(self):
        """The reply of a drop out of sight reads no field the user may not read."""
        order = self.put_in(self.create_order(), self.stage_production)
        spec = {"name": {}, "__bogus": {}, "access_token": {}}
        protected = {
            name
            for name, field in order._fields.items()
            if field.groups
            and not field.is_accessible(order.with_user(self.prod_worker1).env)
        }
        spec.update(dict.fromkeys(list(protected)[:3], {}))
        result = order.with_user(self.prod_worker1).web_save(
            {"governance_stage_id": self.stage_shipping.id}, spec
        )
        self.assertFalse(protected & set(result[0]))
        self.assertNotIn("__bogus", result[0])
