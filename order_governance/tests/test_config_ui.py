from lxml import etree

from odoo import Command
from odoo.tests import Form, tagged

from .common import GROUP_ADMIN, OrderGovernanceCase

REFERENCE_KNOWN = "[('client_order_ref', '!=', False)]"


@tagged("post_install", "-at_install")
class TestCheckWording(OrderGovernanceCase):
    """Exit criteria say how they are met, and say the truth."""

    def create_check(self, **values):
        return self.env["order.governance.check"].create(
            {"stage_id": self.stage_production.id, "name": "Check", **values}
        )

    def line_of(self, order, check):
        return order.governance_check_line_ids.filtered(
            lambda line: line.check_id == check
        )

    def label(self, check):
        selection = check._fields["how_met"]._description_selection(self.env)
        return dict(selection)[check.how_met]

    def test_check_without_condition_is_ticked_by_hand(self):
        """A check without condition reads "Ticked by hand", and its lines are."""
        check = self.create_check(name="Drawing approved")
        self.assertTrue(check.is_manual)
        self.assertEqual(check.how_met, "hand")
        self.assertEqual(self.label(check), "Ticked by hand")
        order = self.put_in(self.create_order(), self.stage_production)
        line = self.line_of(order, check)
        self.assertFalse(line.automatic)
        self.assertFalse(line.is_met)
        line.action_tick()
        self.assertTrue(line.is_met)

    def test_check_with_condition_is_met_by_itself(self):
        """A check with a condition reads "Met by itself when the condition holds",
        and its lines are met while the order matches."""
        check = self.create_check(name="Reference known", domain=REFERENCE_KNOWN)
        self.assertFalse(check.is_manual)
        self.assertEqual(check.how_met, "condition")
        self.assertEqual(self.label(check), "Met by itself when the condition holds")
        order = self.put_in(self.create_order(), self.stage_production)
        line = self.line_of(order, check)
        self.assertTrue(line.automatic)
        self.assertFalse(line.is_met)
        order.client_order_ref = "PO-7"
        line.invalidate_recordset(["is_met"])
        self.assertTrue(line.is_met)

    def test_empty_condition_is_no_condition(self):
        """A condition without terms ("[]", left by the domain editor) is none: the
        check is ticked by hand, not met by every order."""
        check = self.create_check(domain=REFERENCE_KNOWN)
        check.domain = "[]"
        self.assertFalse(check.domain)
        self.assertTrue(check.is_manual)
        self.assertFalse(self.create_check(domain=" [ ] ").domain)
        order = self.put_in(self.create_order(), self.stage_production)
        self.assertFalse(self.line_of(order, check).is_met)

    def test_choosing_by_hand_drops_the_condition(self):
        """Choosing "Ticked by hand" drops the condition, by RPC and in the form."""
        check = self.create_check(domain=REFERENCE_KNOWN)
        check.how_met = "hand"
        self.assertFalse(check.domain)

        self.create_check(name="Second", sequence=20, domain=REFERENCE_KNOWN)
        with Form(self.stage_production) as stage_form:
            with stage_form.check_ids.edit(1) as check_form:
                self.assertEqual(check_form.how_met, "condition")
                check_form.how_met = "hand"
                self.assertFalse(check_form.domain)
        second = self.stage_production.check_ids.filtered(lambda c: c.name == "Second")
        self.assertTrue(second.is_manual)


@tagged("post_install", "-at_install")
class TestStageSmartButtons(OrderGovernanceCase):
    """Orders and rules of a stage: counted in batch, with the user's rights."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.received_orders = cls.create_orders(2)
        cls.production_orders = cls.create_orders(3)
        cls.production_orders.sudo().governance_move(
            cls.stage_production, reason="set-up"
        )
        cls.shipping_orders = cls.create_orders(1)
        cls.shipping_orders.sudo().governance_move(cls.stage_shipping, reason="set-up")

        cls.other_company = cls.env["res.company"].create({"name": "Other Company"})
        cls.dep_other = cls.env["hr.department"].create(
            {"name": "Other Sales", "company_id": cls.other_company.id}
        )
        Rule = cls.env["order.governance.rule"]
        common = {"company_id": cls.company.id, "assignment": "manager"}
        cls.rule_production = Rule.create(
            {
                **common,
                "name": "Production",
                "stage_ids": [Command.set(cls.stage_production.ids)],
                "responsible_department_id": cls.dep_production.id,
            }
        )
        cls.rule_shipping = Rule.create(
            {
                **common,
                "name": "Shipping and Production",
                "stage_ids": [
                    Command.set((cls.stage_shipping | cls.stage_production).ids)
                ],
                "responsible_department_id": cls.dep_logistics.id,
            }
        )
        cls.rule_every = Rule.create(
            {
                **common,
                "name": "Every stage",
                "responsible_department_id": cls.dep_sales.id,
            }
        )
        cls.rule_archived = Rule.create(
            {
                **common,
                "name": "Archived",
                "active": False,
                "stage_ids": [Command.set(cls.stage_production.ids)],
                "responsible_department_id": cls.dep_production.id,
            }
        )
        cls.rule_other_company = Rule.create(
            {
                "name": "Other company, every stage",
                "company_id": cls.other_company.id,
                "assignment": "manager",
                "responsible_department_id": cls.dep_other.id,
            }
        )
        cls.stages = (
            cls.stage_received
            | cls.stage_confirmed
            | cls.stage_production
            | cls.stage_shipping
            | cls.stage_done
            | cls.stage_cancelled
        )

    def counts(self, user, field, stages=None, companies=None):
        """``{stage name: field}`` read as ``user`` working in ``companies``."""
        env = self.env(
            user=user,
            context=dict(
                self.env.context, allowed_company_ids=(companies or self.company).ids
            ),
        )
        return {
            stage.name: stage[field]
            for stage in env["order.governance.stage"].browse(
                (stages or self.stages).ids
            )
        }

    def test_order_counts(self):
        """Each stage counts the orders in it now."""
        self.assertEqual(
            self.counts(self.officer, "order_count"),
            {
                "Received": 2,
                "Confirmed": 0,
                "Production": 3,
                "Shipping": 1,
                "Done": 0,
                "Cancelled": 0,
            },
        )

    def test_order_counts_with_the_users_rights(self):
        """A worker counts the orders he may see, as the button's list shows them,
        even right after an officer counted them all."""
        self.assertEqual(self.counts(self.officer, "order_count")["Received"], 2)
        counts = self.counts(self.prod_worker1, "order_count")
        self.assertEqual(counts["Production"], 3)
        self.assertEqual(counts["Received"], 0)
        self.assertEqual(counts["Shipping"], 0)
        Order = self.env["sale.order"].with_user(self.prod_worker1)
        for stage in self.stages.with_user(self.prod_worker1):
            action = stage.action_view_orders()
            self.assertEqual(Order.search_count(action["domain"]), stage.order_count)

    def test_order_counts_follow_the_allowed_companies(self):
        """A shared stage counts the orders of the companies the user works in."""
        shared = self.env["order.governance.stage"].create(
            {"name": "Shared", "sequence": 35}
        )
        self.put_in(self.create_order(), shared)
        other_order = self.env["sale.order"].create(
            {
                "partner_id": self.partner.id,
                "company_id": self.other_company.id,
                "order_line": [Command.create({"product_id": self.product.id})],
            }
        )
        # The shared stage is the other company's whole flow: its orders start there.
        self.assertEqual(other_order.governance_stage_id, shared)
        self.officer.company_ids |= self.other_company
        both = self.company | self.other_company
        self.assertEqual(
            self.counts(self.officer, "order_count", shared), {"Shared": 1}
        )
        self.assertEqual(
            self.counts(self.officer, "order_count", shared, both), {"Shared": 2}
        )
        self.assertEqual(self.counts(self.officer, "rule_count", shared), {"Shared": 1})
        self.assertEqual(
            self.counts(self.officer, "rule_count", shared, both), {"Shared": 2}
        )

    def test_rule_counts(self):
        """A stage counts the active rules naming it and those for every stage of
        its company."""
        self.assertEqual(
            self.counts(self.officer, "rule_count"),
            {
                "Received": 1,
                "Confirmed": 1,
                "Production": 3,
                "Shipping": 2,
                "Done": 1,
                "Cancelled": 1,
            },
        )

    def test_counts_in_batch(self):
        """Counting six stages takes as many queries as counting one."""
        Stage = self.env["order.governance.stage"].with_user(self.officer)

        def queries(ids):
            stages = Stage.browse(ids)
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            stages.mapped("order_count")
            stages.mapped("rule_count")
            return self.cr.sql_log_count - before

        queries(self.stages.ids)  # warm the caches of access rules
        self.assertEqual(queries(self.stages.ids), queries(self.stage_done.ids))

    def test_orders_button_opens_the_stages_orders(self):
        """The Orders button lists the orders in the stage, and creates none there."""
        stage = self.stage_production.with_user(self.officer)
        action = stage.action_view_orders()
        self.assertEqual(action["res_model"], "sale.order")
        self.assertFalse(action["context"].get("create", True))
        orders = self.env["sale.order"].with_user(self.officer).search(action["domain"])
        self.assertEqual(orders, self.production_orders)
        self.assertEqual(len(orders), stage.order_count)

    def test_rules_button_opens_the_stages_rules(self):
        """The Rules button lists the rules counted, and new rules name the stage."""
        stage = self.stage_production.with_user(self.officer)
        action = stage.action_view_rules()
        self.assertEqual(action["res_model"], "order.governance.rule")
        rules = self.env["order.governance.rule"].with_user(self.officer)
        found = rules.search(action["domain"])
        self.assertEqual(
            found, self.rule_production | self.rule_shipping | self.rule_every
        )
        self.assertEqual(len(found), stage.rule_count)
        self.assertEqual(action["context"]["default_stage_ids"], stage.ids)


@tagged("post_install", "-at_install")
class TestConfigViews(OrderGovernanceCase):
    """The configuration screens load and carry their wording."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.company_user(
            "og_config_admin",
            f"base.group_user,base.group_system,{GROUP_ADMIN},"
            "sales_team.group_sale_manager",
        )

    def arch(self, model, xmlid):
        view = self.env.ref(xmlid)
        result = self.env[model].with_user(self.admin).get_view(view.id, "form")
        return etree.fromstring(result["arch"])

    def test_stage_form(self):
        """The stage form: smart buttons, SLA in hours, defaults in placeholders,
        checks that say how they are met and a condition only in the check's form."""
        arch = self.arch(
            "order.governance.stage",
            "order_governance.order_governance_stage_view_form",
        )
        box = arch.xpath("//div[@name='button_box']")[0]
        self.assertTrue(
            box.xpath("button[@name='action_view_orders']/field[@name='order_count']")
        )
        self.assertTrue(
            box.xpath("button[@name='action_view_rules']/field[@name='rule_count']")
        )
        sla = arch.xpath("//field[@name='sla_hours']")[0]
        self.assertNotEqual(sla.get("widget"), "float_time")
        self.assertEqual(sla.getnext().text, "h")
        placeholders = {
            node.get("name"): node.get("placeholder")
            for node in arch.xpath("//field[@placeholder]")
        }
        self.assertEqual(placeholders["calendar_id"], "The company's working hours")
        self.assertEqual(placeholders["sale_event"], "None: moved here by hand")
        self.assertEqual(placeholders["activity_type_id"], "To-Do")
        checks = arch.xpath("//field[@name='check_ids']")[0]
        columns = [node.get("name") for node in checks.xpath("list/field")]
        self.assertIn("how_met", columns)
        self.assertNotIn("domain", columns)
        self.assertTrue(checks.xpath("form//field[@name='domain'][@widget='domain']"))
        self.assertTrue(checks.xpath("form//label[@string='Met by itself when']"))

        with Form(self.stage_production.with_user(self.admin)) as stage_form:
            self.assertEqual(stage_form.order_count, 0)
            with stage_form.check_ids.new() as check_form:
                check_form.name = "Drawing approved"
                self.assertEqual(check_form.how_met, "hand")
        self.assertTrue(self.stage_production.check_ids.is_manual)

    def test_stage_list_sla_is_a_number_of_hours(self):
        """The stage list shows the SLA as a plain number of hours, not a clock."""
        view = self.env.ref("order_governance.order_governance_stage_view_list")
        arch = etree.fromstring(
            self.env["order.governance.stage"].get_view(view.id, "list")["arch"]
        )
        sla = arch.xpath("//field[@name='sla_hours']")[0]
        self.assertEqual(sla.get("string"), "SLA (hours)")
        self.assertNotEqual(sla.get("widget"), "float_time")

    def test_rule_form_domain_under_when(self):
        """On a rule, the orders it applies to sit under When, with its stages."""
        arch = self.arch(
            "order.governance.rule", "order_governance.order_governance_rule_view_form"
        )
        when = arch.xpath("//group[@name='when']")[0]
        who = arch.xpath("//group[@name='who']")[0]
        self.assertTrue(when.xpath("field[@name='domain']"))
        self.assertTrue(when.xpath("field[@name='stage_ids']"))
        self.assertFalse(who.xpath(".//field[@name='domain']"))
        self.assertTrue(who.xpath("field[@name='responsible_department_id']"))
        self.assertEqual(len(arch.xpath("//field[@name='domain']")), 1)

        rule_form = Form(self.env["order.governance.rule"].with_user(self.admin))
        rule_form.name = "Big orders"
        rule_form.stage_ids.add(self.stage_production)
        rule_form.domain = "[('amount_total', '>', 1000)]"
        rule_form.responsible_department_id = self.dep_production
        rule = rule_form.save()
        self.assertEqual(rule.stage_ids, self.stage_production)

    def test_settings_links(self):
        """Settings link to Stages, Responsibility Rules and Hold Reasons, and show
        the SLA watch as a percentage and hours."""
        arch = self.arch("res.config.settings", "base.res_config_settings_view_form")
        for xmlid in (
            "order_governance.order_governance_stage_action",
            "order_governance.order_governance_rule_action",
            "order_governance.order_governance_hold_reason_action",
        ):
            action = self.env.ref(xmlid)
            self.assertTrue(
                arch.xpath(f"//button[@type='action'][@name='{action.id}']"),
                f"no link to {xmlid}",
            )
        delay = arch.xpath("//field[@name='governance_escalation_delay_hours']")[0]
        self.assertNotEqual(delay.get("widget"), "float_time")
        settings = Form(self.env["res.config.settings"].with_user(self.admin))
        self.assertEqual(settings.governance_at_risk_percent, 80.0)

    def test_settings_links_for_admins_only(self):
        """Who may not configure governance sees no links to its configuration."""
        settings_user = self.company_user(
            "og_settings_only",
            "base.group_user,base.group_system,sales_team.group_sale_manager",
        )
        view = self.env.ref("base.res_config_settings_view_form")
        arch = etree.fromstring(
            self.env["res.config.settings"]
            .with_user(settings_user)
            .get_view(view.id, "form")["arch"]
        )
        self.assertTrue(arch.xpath("//setting[@id='order_governance_sla']"))
        action = self.env.ref("order_governance.order_governance_stage_action")
        self.assertFalse(arch.xpath(f"//button[@name='{action.id}']"))
