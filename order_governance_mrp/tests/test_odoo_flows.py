from odoo import Command
from odoo.tests import Form, tagged

from .common import ProductionGovernanceCase


@tagged("post_install", "-at_install")
class TestManufacturingStaysOdoo(ProductionGovernanceCase):
    """Manufacturing's own flows, with the bridge installed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        routes = (
            cls.warehouse.manufacture_pull_id.route_id
            | cls.warehouse.mto_pull_id.route_id
        )
        cls.frame, cls.wardrobe = (
            cls.env["product.product"].create(
                {"name": name, "type": "consu", "route_ids": [Command.set(routes.ids)]}
            )
            for name in ("Governed Frame", "Governed Wardrobe")
        )
        for product, component in ((cls.frame, cls.shelf), (cls.wardrobe, cls.frame)):
            cls.env["mrp.bom"].create(
                {
                    "product_tmpl_id": product.product_tmpl_id.id,
                    "company_id": cls.company.id,
                    "bom_line_ids": [
                        Command.create({"product_id": component.id, "product_qty": 1})
                    ],
                }
            )

    def test_child_manufacturing_orders_counted_at_confirmation(self):
        """The MOs a confirmation makes for the sub-assemblies are all counted on
        the order right after it: none is read half-way and kept stale."""
        order = self.confirmed_order(
            order_line=[Command.create({"product_id": self.wardrobe.id})]
        )
        # Odoo counts the MOs of the order's procurement chain: the wardrobe's
        # and its child, the frame's
        self.assertEqual(order.mrp_production_count, 2)
        self.assertEqual(
            set(order.mrp_production_ids.product_id.ids),
            {self.wardrobe.id, self.frame.id},
        )

    def test_order_form_with_manufacturing_orders_takes_an_edit(self):
        """The order form's onchange with manufacturing orders behind the lines."""
        order = self.made_to_order(self.cabinet, self.shelf)
        with Form(order.with_user(self.sales_user)) as form:
            with form.order_line.edit(0) as line:
                line.product_uom_qty = 2

    def test_manufacturing_order_form_as_production_user(self):
        """A manufacturing user with no sales rights opens and edits an MO of a
        governed order."""
        order = self.made_to_order()
        production = order.mrp_production_ids.with_user(self.maker)
        with Form(production) as form:
            self.assertEqual(form.governance_stage_id, order.governance_stage_id)
            form.qty_producing = 1
        self.assertIn(production.state, ("progress", "to_close"))
        self.assertEqual(order.governance_stage_id, self.stage_production)

    def add_documents(self, order, transfers, productions):
        """Documents of the order's executing departments, made directly."""
        picking_type = self.warehouse.out_type_id
        self.env["stock.picking"].create(
            [
                {
                    "picking_type_id": picking_type.id,
                    "sale_id": order.id,
                    "partner_id": order.partner_id.id,
                }
                for _i in range(transfers)
            ]
        )
        self.env["mrp.production"].create(
            [
                {
                    "product_id": self.cabinet.id,
                    "procurement_group_id": order.procurement_group_id.id,
                    "company_id": self.company.id,
                }
                for _i in range(productions)
            ]
        )

    def test_execution_panel_queries_do_not_grow_with_documents(self):
        """The Execution panel reads an order's documents in batches: 20
        transfers and 5 manufacturing orders cost no more queries than 2 and 1
        (and nothing in an onchange: see the stock bridge)."""
        small, large = self.made_to_order(), self.made_to_order()
        self.add_documents(small, 2, 1)
        self.add_documents(large, 20, 5)
        self.assertEqual(len(large.picking_ids), 21)
        self.assertEqual(len(large.mrp_production_ids), 6)
        self.env.flush_all()
        queries = {}
        # the first read compiles the panel's template: not the panel's cost
        small.with_user(self.sales_user).web_read({"governance_execution_html": {}})
        for name, order in (("small", small), ("large", large)):
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            order.with_user(self.sales_user).web_read({"governance_execution_html": {}})
            queries[name] = self.cr.sql_log_count - before
        self.assertLessEqual(queries["large"], queries["small"] + 2, queries)
