"""Attacks that read what they should not (another company's matrix, another
user's wizard, the rules behind a route) and bad input that used to crash the
server. The ``test_attacks_*`` family."""

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import GROUP_MANAGER, GROUP_OFFICER, GROUP_USER, OrderGovernanceCase


@tagged("post_install", "-at_install")
class TestLeakAttacks(OrderGovernanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Company B"})
        cls.dep_b = cls.env["hr.department"].create(
            {"name": "Secret B", "company_id": cls.company_b.id}
        )
        cls.env["order.governance.stage"].create(
            {
                "name": "B Only",
                "company_id": cls.company_b.id,
                "responsible_department_id": cls.dep_b.id,
            }
        )

    def test_matrix_of_another_company(self):
        """Create the matrix with company B and read it: refused; and an
        onchange with company B renders nothing."""
        Matrix = self.env["order.governance.matrix"].with_user(self.prod_manager)
        with self.assertRaises(AccessError):
            Matrix.create({"company_id": self.company_b.id})
        draft = Matrix.new({"company_id": self.company_b.id})
        self.assertFalse(draft.matrix_html)
        own = Matrix.create({"company_id": self.company.id})
        self.assertIn("Production", own.matrix_html)
        self.assertNotIn("Secret B", own.matrix_html)

    def test_wizards_are_their_makers_own(self):
        """A clerk's send back reason and hold note, an officer's findings: other
        users do not read them."""
        order = self.put_in(self.create_order(), self.stage_shipping)
        reason = self.env["order.governance.hold.reason"].create({"name": "Waiting"})
        hold = (
            self.env["order.governance.hold.wizard"]
            .with_user(self.log_worker)
            .create(
                {
                    "order_ids": [Command.set(order.ids)],
                    "reason_id": reason.id,
                    "note": "customer's credit is blocked",
                }
            )
        )
        send_back = (
            self.env["order.governance.send.back"]
            .with_user(self.log_worker)
            .create(
                {
                    "order_ids": [Command.set(order.ids)],
                    "stage_id": self.stage_production.id,
                    "reason": "wrong address",
                }
            )
        )
        other_clerk = self._person("log_two", GROUP_USER, self.dep_logistics)
        for wizard in (hold, send_back):
            with self.subTest(model=wizard._name):
                self.assertFalse(wizard.with_user(other_clerk).search([]))
                with self.assertRaises(AccessError):
                    wizard.with_user(other_clerk).read(["display_name"])
        finding_model = self.env["order.governance.health.finding"]
        finding_model.with_user(self.officer).action_open_health_check()
        other_officer = self.company_user(
            "og_officer_two", f"base.group_user,{GROUP_OFFICER}"
        )
        self.assertFalse(finding_model.with_user(other_officer).search([]))

    def test_route_preview_hides_rules_from_who_cannot_read_them(self):
        self.env["order.governance.rule"].create(
            {
                "name": "Secret routing of big orders",
                "company_id": self.company.id,
                "stage_ids": [Command.set(self.stage_production.ids)],
                "responsible_department_id": self.dep_production.id,
                "assignment": "user",
                "user_id": self.prod_worker2.id,
                "domain": "[('amount_total', '>', 0)]",
            }
        )
        order = self.create_order()
        billing = self.company_user(
            "og_billing_only", "base.group_user,account.group_account_invoice"
        )
        rows = order.with_user(billing).governance_route_preview()
        text = repr(rows)
        self.assertNotIn("Secret routing", text)
        self.assertNotIn("amount_total", text)
        self.assertFalse(any(row["rule_id"] for row in rows))
        # the governance staff still sees why
        staff_rows = order.with_user(self.sales_manager).governance_route_preview()
        self.assertIn("Secret routing", repr(staff_rows))

    def test_meeting_wizard_lists_no_other_company(self):
        officer_b = self.env["res.users"].create(
            {
                "name": "Officer of B",
                "login": "og_officer_of_b",
                "company_id": self.company_b.id,
                "company_ids": [Command.set(self.company_b.ids)],
                "groups_id": [Command.link(self.env.ref(GROUP_OFFICER).id)],
            }
        )
        Meeting = self.env["order.governance.meeting"].with_user(self.officer)
        draft = Meeting.new({"company_id": self.company_b.id})
        self.assertNotIn(officer_b, draft.attendee_ids)
        self.assertFalse(draft.department_ids)
        with self.assertRaises(AccessError):
            Meeting.create({"company_id": self.company_b.id})

    def test_meeting_of_another_company_is_not_read(self):
        """Company B's coordination meeting: its description is B's agenda."""
        meeting = self.env["calendar.event"].create(
            {
                "name": "B's coordination",
                "start": "2030-01-07 08:00:00",
                "stop": "2030-01-07 09:00:00",
                "governance_company_id": self.company_b.id,
                "description": "<p>Secret B: 3 orders late</p>",
            }
        )
        Event = self.env["calendar.event"].with_user(self.officer)
        self.assertFalse(Event.search([("id", "=", meeting.id)]))
        with self.assertRaises(AccessError):
            meeting.with_user(self.officer).read(["description"])

    def test_other_company_workbook_digest_and_routing_changes(self):
        """The KPI export for company B, B's digest, the impact of B's stage:
        refused to company A's people."""
        with self.assertRaises(AccessError):
            self.env["order.governance.kpi.export"].with_user(self.officer).create(
                {"company_ids": [Command.set(self.company_b.ids)]}
            )
        digest = self.env["digest.digest"].create(
            {"name": "B's digest", "company_id": self.company_b.id}
        )
        with self.assertRaises(AccessError):
            digest.with_user(self.officer).read(["name"])
        stage_b = self.env["order.governance.stage"].search(
            [("company_id", "=", self.company_b.id)]
        )
        for method in ("governance_impact_preview", "action_governance_reroute"):
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(stage_b.with_user(self.officer), method)()

    def test_no_consulted_manager_of_another_company(self):
        """A stage shared by two companies consults company A's Production: the
        orders of company B involve nobody of company A."""
        shared = self.env["order.governance.stage"].create(
            {
                "name": "Shared Review",
                "sequence": 5,
                "consulted_department_ids": [Command.set(self.dep_production.ids)],
            }
        )
        order_b = self.env["sale.order"].create(
            {"partner_id": self.partner.id, "company_id": self.company_b.id}
        )
        self.assertEqual(order_b.governance_stage_id, shared)
        self.assertFalse(
            self.env["mail.activity"].search(
                [
                    ("res_model", "=", "sale.order"),
                    ("res_id", "=", order_b.id),
                    ("user_id", "=", self.prod_manager.id),
                ]
            )
        )
        self.assertNotIn(self.prod_manager.partner_id, order_b.message_partner_ids)

    def test_shared_stage_routes_to_the_orders_own_company(self):
        """A stage shared by the companies names company A's Production: an order
        of company B goes to company B's order management department, and
        nobody of company A gets its activity."""
        omc_b = self.env["hr.department"].create(
            {"name": "B Order Management", "company_id": self.company_b.id}
        )
        self.company_b.order_management_department_id = omc_b
        shared = self.env["order.governance.stage"].create(
            {
                "name": "Shared Making",
                "sequence": 5,
                "responsible_department_id": self.dep_production.id,
            }
        )
        order_b = self.env["sale.order"].create(
            {"partner_id": self.partner.id, "company_id": self.company_b.id}
        )
        self.assertEqual(order_b.governance_stage_id, shared)
        self.assertEqual(order_b.responsible_department_id, omc_b)
        self.assertIn(
            "belongs to another company", self.open_logs(order_b).routing_note
        )
        order_a = self.create_order()
        self.assertEqual(order_a.responsible_department_id, self.dep_production)

    def test_consulted_manager_opens_the_order_he_is_consulted_on(self):
        """The activity "Consulted on" leads to an order he can read (not
        write)."""
        self.stage_shipping.consulted_department_ids = self.dep_production
        order = self.put_in(self.create_order(), self.stage_shipping)
        activity = self.env["mail.activity"].search(
            [
                ("res_model", "=", "sale.order"),
                ("res_id", "=", order.id),
                ("user_id", "=", self.prod_manager.id),
            ]
        )
        self.assertTrue(activity)
        order.with_user(self.prod_manager).read(["name"])
        with self.assertRaises(AccessError):
            order.with_user(self.prod_manager).write({"client_order_ref": "mine"})


@tagged("post_install", "-at_install")
class TestBadInputAttacks(OrderGovernanceCase):
    def test_workbook_generator_is_not_an_endpoint(self):
        """``order.governance.kpi.xlsx.generate`` answered a 500 (bytes in JSON):
        the generator is private, the wizard is the way."""
        self.assertFalse(hasattr(self.env["order.governance.kpi.xlsx"], "generate"))

    def test_periods_are_bounded(self):
        for model in ("order.governance.kpi.export", "order.governance.bottleneck"):
            for date_from, date_to in (
                ("0001-01-01", "9999-12-31"),
                ("1900-01-01", "1900-01-02"),
                ("2000-01-01", "2030-12-31"),
            ):
                with self.subTest(model=model, period=(date_from, date_to)):
                    with self.assertRaises(ValidationError):
                        self.env[model].with_user(self.officer).create(
                            {"date_from": date_from, "date_to": date_to}
                        )
                    # an onchange with such a period computes nothing, no crash
                    self.env[model].with_user(self.officer).new(
                        {"date_from": date_from, "date_to": date_to}
                    ).mapped("display_name")
        dashboard = self.env["order.governance.bottleneck"].new(
            {"date_from": "0001-01-01", "date_to": "0001-01-02"}
        )
        self.assertFalse(dashboard.line_ids)

    def test_bottleneck_figures_are_not_typed(self):
        """A dashboard's line is computed: writing NaN into it was stored, and the
        web client could not read the dashboard back."""
        self.put_in(self.create_order(), self.stage_production)
        dashboard = self.env["order.governance.bottleneck"].with_user(self.officer)
        dashboard = dashboard.create({})
        line = dashboard.line_ids[:1]
        self.assertTrue(line)
        with self.assertRaises(AccessError):
            line.write({"order_hours": float("nan")})

    def test_meeting_duration_is_bounded(self):
        Meeting = self.env["order.governance.meeting"].with_user(self.officer)
        for duration in (1e9, float("nan"), float("inf"), 0, -1):
            with self.subTest(duration=duration), self.assertRaises(ValidationError):
                Meeting.create({"duration": duration})
        with self.assertRaises(ValidationError):
            Meeting.create({"start": "0001-01-01 00:00:00"})

    def test_sla_hours_must_be_a_number(self):
        for value in (float("nan"), float("inf")):
            with self.subTest(value=value), self.assertRaises(ValidationError):
                self.stage_production.sla_hours = value
        self.assertEqual(self.stage_production.sla_hours, 0)

    def test_no_hold_with_an_archived_reason_nor_on_a_done_order(self):
        reason = self.env["order.governance.hold.reason"].create(
            {"name": "Retired reason", "active": False}
        )
        order = self.put_in(self.create_order(), self.stage_production)
        with self.assertRaises(UserError):
            order.with_user(self.prod_worker1).governance_hold(reason.id)
        self.assertFalse(order.governance_on_hold)
        done = self.put_in(self.create_order(), self.stage_done)
        live = self.env["order.governance.hold.reason"].create({"name": "Waiting"})
        with self.assertRaises(UserError):
            done.with_user(self.officer).governance_hold(live.id)
        self.assertFalse(done.governance_on_hold)

    def test_no_reassign_of_an_ended_order(self):
        done = self.put_in(self.create_order(), self.stage_done)
        with self.assertRaises(UserError):
            done.with_user(self.officer).governance_reassign(
                self.dep_production.id, self.prod_worker1.id
            )
        self.assertEqual(done.responsible_department_id, self.dep_omc)

    def test_no_reassign_to_a_user_of_another_company(self):
        company_b = self.env["res.company"].create({"name": "Reassign B"})
        shared = self.env["hr.department"].create({"name": "Shared Desk"})
        user_b = self.env["res.users"].create(
            {
                "name": "B Worker",
                "login": "og_b_worker",
                "company_id": company_b.id,
                "company_ids": [Command.set(company_b.ids)],
                "groups_id": [Command.link(self.env.ref(GROUP_MANAGER).id)],
            }
        )
        self.env["hr.employee"].create(
            {
                "name": "B Worker",
                "user_id": user_b.id,
                "department_id": shared.id,
                "company_id": company_b.id,
            }
        )
        order = self.put_in(self.create_order(), self.stage_production)
        with self.assertRaises(UserError):
            order.with_user(self.officer).governance_reassign(shared.id, user_b.id)
        self.assertEqual(order.responsible_department_id, self.dep_production)
