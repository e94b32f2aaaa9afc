from odoo import Command

from odoo.addons.order_governance_stock.tests.common import StockGovernanceCase


class ProductionGovernanceCase(StockGovernanceCase):
    """The stock test flow with manufacturing: Production starts with a
    manufacturing order in progress, Shipping when they are done; made-to-order
    cabinets and shelves; a manufacturing user with no sales rights."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("stock.route_warehouse0_mto").active = True
        routes = (
            cls.warehouse.manufacture_pull_id.route_id
            | cls.warehouse.mto_pull_id.route_id
        )
        cls.stage_production.write(
            {"sale_event": "production_started", "assign_productions": True}
        )
        cls.stage_shipping.write({"sale_event": "produced"})
        component = cls.env["product.product"].create(
            {"name": "Governed Board", "type": "consu"}
        )
        cls.cabinet, cls.shelf = (
            cls.env["product.product"].create(
                {"name": name, "type": "consu", "route_ids": [Command.set(routes.ids)]}
            )
            for name in ("Governed Cabinet", "Governed Shelf")
        )
        for product in (cls.cabinet, cls.shelf):
            cls.env["mrp.bom"].create(
                {
                    "product_tmpl_id": product.product_tmpl_id.id,
                    "company_id": cls.company.id,
                    "bom_line_ids": [
                        Command.create({"product_id": component.id, "product_qty": 2})
                    ],
                }
            )
        cls.maker = cls.company_user("og_maker", "base.group_user,mrp.group_mrp_user")

    def made_to_order(self, *products):
        order = self.confirmed_order(
            order_line=[
                Command.create({"product_id": p.id, "product_uom_qty": 1})
                for p in products or [self.cabinet]
            ]
        )
        self.assertEqual(len(order.mrp_production_ids), len(products or [1]))
        return order

    def produce(self, production):
        production = production.with_user(self.maker)
        production.qty_producing = production.product_qty
        production.move_raw_ids.picked = True
        production.button_mark_done()
        self.assertEqual(production.state, "done")
