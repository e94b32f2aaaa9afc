from odoo import Command
from odoo.exceptions import RedirectWarning
from odoo.tests import tagged

from .common import ProductionGovernanceCase


@tagged("post_install", "-at_install")
class TestProductionEvents(ProductionGovernanceCase):
    """Production starts with a manufacturing order in progress and ends when they
    are done; a manufacturing user with no sales rights does the work."""

    def test_the_whole_flow_without_next_stage(self):
        self.env["order.governance.rule"].create(
            {
                "name": "Production: one maker",
                "company_id": self.company.id,
                "stage_ids": [Command.set(self.stage_production.ids)],
                "responsible_department_id": self.dep_production.id,
                "assignment": "user",
                "user_id": self.prod_worker1.id,
            }
        )
        order = self.made_to_order()
        production = order.mrp_production_ids
        self.assertEqual(order.governance_stage_id, self.stage_confirmed)
        production.with_user(self.maker).action_start()
        self.assertEqual(order.governance_stage_id, self.stage_production)
        self.assertEqual(self.stays(order)[-1].moved_by_id, self.maker)
        # the production clerk owns the manufacturing order
        self.assertEqual(production.user_id, self.prod_worker1)
        self.produce(production)
        self.assertEqual(order.governance_stage_id, self.stage_shipping)
        self.assertEqual(self.stays(order)[-1].moved_by_id, self.maker)
        self.validate(order.picking_ids.filtered(lambda p: p.state != "done"))
        self.assertEqual(order.governance_stage_id, self.stage_invoicing)
        self.assertEqual(
            self.stays(order).stage_id.mapped("name"),
            ["Received", "Confirmed", "Production", "Shipping", "Invoicing"],
        )

    def test_a_cancelled_manufacturing_order_neither_ends_production_nor_goes_back(
        self,
    ):
        order = self.made_to_order(self.cabinet, self.shelf)
        cabinet_mo = order.mrp_production_ids.filtered(
            lambda p: p.product_id == self.cabinet
        )
        shelf_mo = order.mrp_production_ids - cabinet_mo
        cabinet_mo.with_user(self.maker).action_start()
        self.assertEqual(order.governance_stage_id, self.stage_production)
        shelf_mo.with_user(self.maker).action_cancel()
        self.assertEqual(order.governance_stage_id, self.stage_production)
        self.produce(cabinet_mo)
        # done + cancelled, one done: produced
        self.assertEqual(order.governance_stage_id, self.stage_shipping)
        self.assertEqual(len(self.stays(order)), 4)

    def test_all_cancelled_is_not_produced(self):
        order = self.made_to_order()
        order.mrp_production_ids.with_user(self.maker).action_cancel()
        self.assertEqual(order.governance_stage_id, self.stage_confirmed)

    def test_production_passes_over_an_order_with_nothing_to_make(self):
        self.stage_production.applicability_domain = (
            "[('order_line.product_id.product_tmpl_id.bom_ids', '!=', False)]"
        )
        order = self.confirmed_order()  # resale goods, no bill of materials
        order.with_user(self.officer).action_governance_next()
        self.assertEqual(order.governance_stage_id, self.stage_shipping)
        self.assertNotIn(self.stage_production, order.stage_log_ids.stage_id)

    def test_maker_sees_the_order_stage_on_the_manufacturing_order(self):
        order = self.made_to_order()
        production = order.mrp_production_ids.with_user(self.maker)
        self.assertFalse(self.maker.has_group("sales_team.group_sale_salesman"))
        data = production.web_read(
            {
                "governance_stage_id": {"fields": {"display_name": {}}},
                "governance_department_id": {"fields": {"display_name": {}}},
            }
        )[0]
        self.assertEqual(data["governance_stage_id"]["display_name"], "Confirmed")
        arch = production.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="governance_stage_id"', arch)

    def test_produced_check_names_the_open_manufacturing_order(self):
        self.stage_shipping.sale_event = False
        self.env["order.governance.check"].create(
            {
                "stage_id": self.stage_production.id,
                "name": "Made",
                "execution_check": "produced",
            }
        )
        order = self.made_to_order()
        self.put_in(order, self.stage_production)
        production = order.mrp_production_ids
        with self.assertRaisesRegex(RedirectWarning, production.name):
            order.with_user(self.officer).action_governance_next()
        self.produce(production)
        self.env.invalidate_all()
        order.with_user(self.officer).action_governance_next()
        self.assertEqual(order.governance_stage_id, self.stage_shipping)
        html = str(order.with_user(self.officer).governance_execution_html)
        self.assertIn(production.name, html)
