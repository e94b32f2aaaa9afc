from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import OrderGovernanceCase


@tagged("post_install", "-at_install")
class TestHealthCheck(OrderGovernanceCase):
    """Each finding from a deliberately broken set-up, as the officer sees it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the common company is sound but for Logistics, which has no manager
        cls.log_manager = cls._person(
            "log_boss",
            "order_governance.group_governance_manager",
            cls.dep_logistics,
            manages=True,
        )

    def findings(self, code=None):
        found = (
            self.env["order.governance.stage"]
            .with_user(self.officer)
            .governance_health_findings()
        )
        return [f for f in found if code is None or f["code"] == code]

    def assert_finding(self, code, record, severity="error"):
        found = [
            f
            for f in self.findings(code)
            if f["res_model"] == record._name and f["res_id"] == record.id
        ]
        self.assertEqual(len(found), 1, self.findings())
        self.assertEqual(found[0]["severity"], severity)
        self.assertTrue(found[0]["message"])
        return found[0]

    def rule(self, **values):
        return self.env["order.governance.rule"].create(
            {
                "name": "Rule",
                "company_id": self.company.id,
                "responsible_department_id": self.dep_production.id,
                "stage_ids": [Command.set(self.stage_production.ids)],
                **values,
            }
        )

    def test_a_sound_setup_has_no_error(self):
        self.create_order()  # a recent order: no rule is "unused" (there is none)
        self.assertFalse([f for f in self.findings() if f["severity"] == "error"])

    def test_stage_no_responsible(self):
        self.stage_shipping.responsible_department_id = False
        self.assert_finding("stage_no_responsible", self.stage_shipping)

    def test_department_no_manager_and_unstaffed(self):
        self.dep_logistics.manager_id = False
        self.assert_finding("department_no_manager", self.dep_logistics)
        empty = self.env["hr.department"].create(
            {"name": "Empty Desk", "company_id": self.company.id}
        )
        self.stage_shipping.responsible_department_id = empty
        self.assert_finding("department_unstaffed", empty)

    def test_rule_user_inactive(self):
        rule = self.rule(assignment="user", user_id=self.prod_worker1.id)
        self.assertFalse(self.findings("rule_user_inactive"))
        self.env["hr.employee"].search(
            [("user_id", "=", self.prod_worker1.id)]
        ).department_id = self.dep_logistics
        self.assert_finding("rule_user_inactive", rule)

    def test_rule_shadowed_by_a_plain_superset_and_on_open_orders(self):
        broad = self.rule(name="Everything", sequence=1, assignment="manager")
        narrow = self.rule(
            name="Big ones",
            sequence=2,
            assignment="user",
            user_id=self.prod_worker1.id,
            domain="[('amount_untaxed', '>', 1000)]",
        )
        finding = self.assert_finding("rule_shadowed", narrow, severity="warning")
        self.assertIn("Everything", finding["message"])
        broad.domain = "[('amount_untaxed', '>', 0)]"
        # not a plain subset of terms: decided on the open orders
        self.assertFalse(self.findings("rule_shadowed"))  # no open order matches
        big = self.create_order(
            order_line=[
                Command.create({"product_id": self.product.id, "product_uom_qty": 20})
            ]
        )
        self.assertGreater(big.amount_untaxed, 1000)
        self.assert_finding("rule_shadowed", narrow, severity="warning")
        broad.stage_ids = self.stage_shipping  # other stages: it no longer hides it
        self.assertFalse(self.findings("rule_shadowed"))

    def test_rule_unused(self):
        rule = self.rule(domain="[('amount_untaxed', '>', 10**9)]")
        self.assert_finding("rule_unused", rule, severity="warning")
        old = self.create_order()
        old.date_order = fields.Datetime.now() - timedelta(days=200)
        rule.domain = f"[('id', '=', {old.id})]"
        self.assert_finding("rule_unused", rule, severity="warning")
        rule.domain = "[]"
        self.create_order()
        self.assertFalse(self.findings("rule_unused"))

    def test_no_order_management_department(self):
        self.company.order_management_department_id = False
        self.assert_finding("no_order_management_department", self.company)

    def test_user_without_employee(self):
        self.salesman.groups_id |= self.env.ref(
            "order_governance.group_governance_user"
        )
        self.assert_finding("user_without_employee", self.salesman, severity="warning")

    def test_sla_without_calendar(self):
        self.stage_production.sla_hours = 8
        self.assertFalse(self.findings("sla_without_calendar"))
        self.company.resource_calendar_id = False
        self.assert_finding("sla_without_calendar", self.stage_production)

    def test_for_officers_only(self):
        with self.assertRaises(AccessError):
            self.env["order.governance.stage"].with_user(
                self.prod_manager
            ).governance_health_findings()

    def test_the_menu_lists_the_findings_with_their_record(self):
        self.stage_shipping.responsible_department_id = False
        Finding = self.env["order.governance.health.finding"].with_user(self.officer)
        action = Finding.action_open_health_check()
        findings = Finding.search(action["domain"])
        finding = findings.filtered(lambda f: f.code == "stage_no_responsible")
        self.assertEqual(len(finding), 1)
        opened = finding.action_open_record()
        self.assertEqual(
            (opened["res_model"], opened["res_id"]),
            ("order.governance.stage", self.stage_shipping.id),
        )
        self.assertFalse(finding.fixed)
        self.stage_shipping.responsible_department_id = self.dep_logistics
        finding.invalidate_recordset(["fixed"])
        self.assertTrue(finding.fixed)  # the list, read again, says so

    def test_settings_count_the_errors(self):
        self.stage_shipping.responsible_department_id = False
        settings = self.env["res.config.settings"].create({})
        errors = [f for f in self.findings() if f["severity"] == "error"]
        self.assertEqual(settings.governance_health_error_count, len(errors))
        self.assertGreaterEqual(len(errors), 1)

    def test_administrators_get_one_weekly_to_do_while_there_are_errors(self):
        admin = self._person(
            "gov_admin", "order_governance.group_governance_admin", self.dep_omc
        )
        Finding = self.env["order.governance.health.finding"]

        def to_dos():
            return self.env["mail.activity"].search(
                [
                    ("res_model", "=", "hr.department"),
                    ("res_id", "=", self.dep_omc.id),
                    ("activity_type_id.name", "=", "Governance Health Check"),
                ]
            )

        Finding._cron_governance_health_activity()
        self.assertFalse(to_dos())  # a sound set-up: nothing to do
        self.stage_shipping.responsible_department_id = False
        Finding._cron_governance_health_activity()
        Finding._cron_governance_health_activity()  # a week later, not fixed
        self.assertEqual(to_dos().user_id, admin)  # one, for the administrator only
        self.assertEqual(len(to_dos()), 1)
        self.assertIn("Shipping has no responsible department", str(to_dos().note))
        self.assertIn("/odoo/governance-health", str(to_dos().note))
        self.stage_shipping.responsible_department_id = self.dep_logistics
        Finding._cron_governance_health_activity()
        self.assertFalse(to_dos())  # fixed: marked done
        self.assertIn(
            "No governance error left", str(self.dep_omc.message_ids[:1].body)
        )
