from odoo import Command
from odoo.tests import Form

from odoo.addons.order_governance.tests.common import OrderGovernanceCase


class StockGovernanceCase(OrderGovernanceCase):
    """The core test flow, with deliveries: Shipping starts with the first done
    delivery and its responsible person takes the transfers; Invoicing follows
    the full delivery. A warehouse user who has no sales rights validates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dep_finance = cls.env["hr.department"].create(
            {"name": "Finance", "company_id": cls.company.id}
        )
        cls.stage_shipping.write(
            {"sale_event": "delivery_started", "assign_transfers": True}
        )
        cls.stage_invoicing = cls.env["order.governance.stage"].create(
            {
                "name": "Invoicing",
                "sequence": 50,
                "company_id": cls.company.id,
                "sale_event": "delivered",
                "responsible_department_id": cls.dep_finance.id,
            }
        )
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.storekeeper = cls.company_user(
            "og_storekeeper", "base.group_user,stock.group_stock_user"
        )
        cls.goods = cls.env["product.product"].create(
            {"name": "Governed Crate", "type": "consu", "list_price": 30.0}
        )

    @classmethod
    def confirmed_order(cls, qty=2, **values):
        values.setdefault(
            "order_line",
            [Command.create({"product_id": cls.goods.id, "product_uom_qty": qty})],
        )
        order = cls.create_order(warehouse_id=cls.warehouse.id, **values)
        order.action_confirm()
        return order

    def validate(self, pickings, user=None, qty=None):
        """Validate as ``user`` (the storekeeper) the way the button does; with
        ``qty``, deliver that much and keep a backorder for the rest."""
        pickings = pickings.with_user(user or self.storekeeper)
        if qty is not None:
            pickings.move_ids.quantity = qty
            pickings.move_ids.picked = True
        action = pickings.button_validate()
        if isinstance(action, dict):  # the backorder question
            wizard = Form.from_action(
                self.env(user=(user or self.storekeeper).id), action
            )
            wizard.save().process()
        return pickings

    def stays(self, order):
        return order.stage_log_ids.sorted("id")
