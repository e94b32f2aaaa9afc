from odoo.tests import Form, TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    """The module's skeleton: groups, menus and settings."""

    def test_groups_imply_each_other(self):
        """Each governance group implies the one before it, the first the salesman."""
        chain = [
            "sales_team.group_sale_salesman",
            "order_governance.group_governance_user",
            "order_governance.group_governance_manager",
            "order_governance.group_governance_officer",
            "order_governance.group_governance_admin",
        ]
        category = self.env.ref("order_governance.module_category_order_governance")
        for lower, higher in zip(chain, chain[1:], strict=False):
            group = self.env.ref(higher)
            self.assertEqual(group.category_id, category)
            self.assertIn(self.env.ref(lower), group.implied_ids)

    def test_history_indexes(self):
        """The stage history is indexed where the reports filter and join, and
        where deleting an activity looks for the stays pointing to it."""
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = %s",
            ["order_governance_stage_log"],
        )
        definitions = " ".join(row[0] for row in self.env.cr.fetchall())
        for column in (
            "order_id",
            "stage_id",
            "department_id",
            "user_id",
            "date_in",
            "date_out",
            "company_id",
            "activity_id",
        ):
            self.assertIn(f"({column})", definitions)

    def test_admin_is_governance_admin(self):
        """The database administrator configures governance out of the box."""
        admin = self.env.ref("base.user_admin")
        self.assertTrue(admin.has_group("order_governance.group_governance_admin"))

    def test_menus(self):
        """The Orders app holds My Work, the Order Desk, Reporting and
        Configuration; the officers' tools (Health Check, Responsibility Matrix)
        sit under Reporting, for officers. Sales' own menus stay Sales'."""
        root = self.env.ref("order_governance.order_governance_root_menu")
        self.assertFalse(root.parent_id)
        self.assertTrue(root.web_icon)
        self.assertEqual(
            root.child_id[:2].mapped("action"),
            [
                self.env.ref("order_governance.sale_order_action_my_work"),
                self.env.ref("order_governance.sale_order_action_order_desk_open"),
            ],
        )
        config = self.env.ref("order_governance.order_governance_config_menu")
        self.assertEqual(config.parent_id, root)
        self.assertEqual(
            {menu.action for menu in config.child_id},
            {
                self.env.ref("order_governance.order_governance_stage_action"),
                self.env.ref("order_governance.order_governance_rule_action"),
                self.env.ref("order_governance.order_governance_hold_reason_action"),
                self.env.ref("order_governance.order_governance_kpi_target_action"),
            },
        )
        report = self.env.ref("order_governance.order_governance_report_menu")
        self.assertEqual(report.parent_id, root)
        officer = self.env.ref("order_governance.group_governance_officer")
        for xmlid in ("health_check", "matrix"):
            menu = self.env.ref(f"order_governance.order_governance_{xmlid}_menu")
            self.assertEqual(menu.parent_id, report)
            self.assertEqual(menu.groups_id, officer)
        governance = self.env.ref("order_governance.group_governance_user").category_id
        for xmlid in ("sale.menu_sale_report", "sale.menu_sale_config"):
            self.assertFalse(
                self.env.ref(xmlid).groups_id.filtered(
                    lambda g: g.category_id == governance
                )
            )

    def test_department_manager_menus_show_him_something(self):
        """A department manager (not a sales manager) sees the Orders app and its
        reports, and no Sales Analysis menus that would show him nothing."""
        manager = new_test_user(
            self.env,
            login="og_menu_manager2",
            groups="base.group_user,order_governance.group_governance_manager",
        )
        visible = set(self.env["ir.ui.menu"].with_user(manager)._visible_menu_ids())
        self.assertIn(
            self.env.ref("order_governance.order_governance_kpi_report_menu").id,
            visible,
        )
        self.assertIn(
            self.env.ref("order_governance.order_governance_my_work_menu").id, visible
        )
        self.assertNotIn(self.env.ref("sale.menu_sale_report").id, visible)

    def test_officer_reaches_his_tools_by_menu(self):
        """An officer (not an administrator) sees Health Check and Responsibility
        Matrix in his menus; a department manager does not."""
        officer = new_test_user(
            self.env,
            login="og_menu_officer",
            groups="base.group_user,order_governance.group_governance_officer",
        )
        manager = new_test_user(
            self.env,
            login="og_menu_manager",
            groups="base.group_user,order_governance.group_governance_manager",
        )
        tools = {
            self.env.ref("order_governance.order_governance_health_check_menu").id,
            self.env.ref("order_governance.order_governance_matrix_menu").id,
        }
        Menu = self.env["ir.ui.menu"]
        self.assertLessEqual(tools, set(Menu.with_user(officer)._visible_menu_ids()))
        self.assertFalse(tools & set(Menu.with_user(manager)._visible_menu_ids()))

    def test_settings_field_saves(self):
        """The order management department is set from the Settings screen."""
        department = self.env["hr.department"].create(
            {"name": "Order Desk", "company_id": self.env.company.id}
        )
        settings = Form(self.env["res.config.settings"])
        settings.order_management_department_id = department
        settings.save().execute()
        self.assertEqual(self.env.company.order_management_department_id, department)
