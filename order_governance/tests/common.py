from odoo import Command
from odoo.tests import TransactionCase, new_test_user

GROUP_USER = "order_governance.group_governance_user"
GROUP_MANAGER = "order_governance.group_governance_manager"
GROUP_OFFICER = "order_governance.group_governance_officer"
GROUP_ADMIN = "order_governance.group_governance_admin"
GROUP_SALESMAN = "sales_team.group_sale_salesman"


class OrderGovernanceCase(TransactionCase):
    """A company with its own flow, departments and people, apart from demo data.

    Departments: Order Management (officer), Sales, Operations > Production,
    Logistics. Stages: Received > Confirmed > Production > Shipping > Done, and
    Cancelled; no responsibility rule unless a test adds one.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.company = cls.env["res.company"].create({"name": "Governed Company"})
        cls.env.user.company_ids |= cls.company
        cls.env = cls.env(
            context=dict(cls.env.context, allowed_company_ids=[cls.company.id])
        )
        cls.env["order.governance.stage"].search([]).active = False
        cls.env["order.governance.rule"].search([]).active = False

        Department = cls.env["hr.department"]
        cls.dep_omc = Department.create(
            {"name": "Order Management", "company_id": cls.company.id}
        )
        cls.dep_sales = Department.create(
            {"name": "Sales", "company_id": cls.company.id}
        )
        cls.dep_operations = Department.create(
            {"name": "Operations", "company_id": cls.company.id}
        )
        cls.dep_production = Department.create(
            {
                "name": "Production",
                "parent_id": cls.dep_operations.id,
                "company_id": cls.company.id,
            }
        )
        cls.dep_logistics = Department.create(
            {"name": "Logistics", "company_id": cls.company.id}
        )
        cls.company.order_management_department_id = cls.dep_omc

        cls.officer = cls._person("officer", GROUP_OFFICER, cls.dep_omc, manages=True)
        cls.sales_user = cls._person("seller", GROUP_USER, cls.dep_sales)
        cls.sales_manager = cls._person(
            "sales_boss", GROUP_MANAGER, cls.dep_sales, manages=True
        )
        cls.ops_manager = cls._person(
            "ops_boss", GROUP_MANAGER, cls.dep_operations, manages=True
        )
        cls.prod_manager = cls._person(
            "prod_boss", GROUP_MANAGER, cls.dep_production, manages=True
        )
        cls.prod_worker1 = cls._person("prod_one", GROUP_USER, cls.dep_production)
        cls.prod_worker2 = cls._person("prod_two", GROUP_USER, cls.dep_production)
        cls.log_worker = cls._person("log_one", GROUP_USER, cls.dep_logistics)
        cls.salesman = cls.company_user("og_plain_salesman", GROUP_SALESMAN)

        Stage = cls.env["order.governance.stage"]
        common = {
            "company_id": cls.company.id,
            "accountable_department_id": cls.dep_omc.id,
        }
        cls.stage_received = Stage.create(
            {
                **common,
                "name": "Received",
                "sequence": 10,
                "responsible_department_id": cls.dep_sales.id,
            }
        )
        cls.stage_confirmed = Stage.create(
            {
                **common,
                "name": "Confirmed",
                "sequence": 20,
                "sale_event": "confirmed",
                "responsible_department_id": cls.dep_omc.id,
            }
        )
        cls.stage_production = Stage.create(
            {
                **common,
                "name": "Production",
                "sequence": 30,
                "responsible_department_id": cls.dep_production.id,
                "norms": "<p>Build it well.</p>",
            }
        )
        cls.stage_shipping = Stage.create(
            {
                **common,
                "name": "Shipping",
                "sequence": 40,
                "responsible_department_id": cls.dep_logistics.id,
            }
        )
        cls.stage_done = Stage.create(
            {
                **common,
                "name": "Done",
                "sequence": 60,
                "is_final": True,
                "responsible_department_id": cls.dep_omc.id,
            }
        )
        cls.stage_cancelled = Stage.create(
            {
                **common,
                "name": "Cancelled",
                "sequence": 100,
                "is_cancel": True,
                "sale_event": "cancelled",
                "responsible_department_id": cls.dep_omc.id,
            }
        )
        cls.partner = cls.env["res.partner"].create({"name": "Governed Customer"})
        cls.product = cls.env["product.product"].create(
            {"name": "Governed Widget", "list_price": 100.0}
        )

    @classmethod
    def company_user(cls, login, groups):
        """A user of the test company only, with ``groups`` (comma-separated)."""
        return new_test_user(
            cls.env,
            login=login,
            groups=groups,
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    @classmethod
    def _person(cls, login, group, department, manages=False):
        user = cls.company_user(f"og_{login}", f"base.group_user,{group}")
        employee = cls.env["hr.employee"].create(
            {
                "name": user.name,
                "user_id": user.id,
                "department_id": department.id,
                "company_id": cls.company.id,
            }
        )
        if manages:
            department.manager_id = employee
        return user

    @classmethod
    def give_production_to(cls, user):
        """A rule that makes ``user`` responsible for the Production stage."""
        return cls.env["order.governance.rule"].create(
            {
                "name": f"Production: {user.name}",
                "company_id": cls.company.id,
                "stage_ids": [Command.set(cls.stage_production.ids)],
                "responsible_department_id": cls.dep_production.id,
                "assignment": "user",
                "user_id": user.id,
            }
        )

    @classmethod
    def keep_quotations_with_salesperson(cls):
        """The demo's rule: the Received stage goes to the order's salesperson."""
        return cls.env["order.governance.rule"].create(
            {
                "name": "Quotations stay with their salesperson",
                "company_id": cls.company.id,
                "stage_ids": [Command.set(cls.stage_received.ids)],
                "responsible_department_id": cls.dep_sales.id,
                "assignment": "salesperson",
            }
        )

    @classmethod
    def create_order(cls, user=None, **values):
        vals = {
            "partner_id": cls.partner.id,
            "company_id": cls.company.id,
            "user_id": (user or cls.sales_user).id,
            "order_line": [
                Command.create({"product_id": cls.product.id, "product_uom_qty": 1})
            ],
            **values,
        }
        return cls.env["sale.order"].create(vals)

    @classmethod
    def create_orders(cls, count, **values):
        return cls.env["sale.order"].concat(
            *(cls.create_order(**values) for _ in range(count))
        )

    def put_in(self, orders, stage):
        """Move orders to ``stage`` as the superuser (set-up, not under test)."""
        orders.sudo().governance_move(stage, reason="test set-up")
        return orders

    def open_logs(self, order):
        return order.stage_log_ids.filtered(lambda log: not log.date_out)

    def assert_titled_page(self, model, title, **defaults):
        """A report-like page: titled (never "New", saved or not), without the
        save/discard indicator (its form's js_class)."""
        Model = self.env[model].with_user(self.officer)
        spec = {"display_name": {}, "company_id": {}}
        new = Model.onchange(defaults, [], spec)["value"]
        self.assertEqual(new["display_name"], title)
        self.assertEqual(Model.create(defaults).display_name, title)
        arch = Model.get_view(view_type="form")["arch"]
        self.assertIn('js_class="governance_report_form"', arch)

    def flush_tracking(self):
        """Tracking messages are written at commit time: write them now."""
        self.env.flush_all()
        self.env.cr.flush()
        self.env.invalidate_all()
