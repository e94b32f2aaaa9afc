from odoo import models
from odoo.tools import SQL


class OrderGovernanceDeliveryReport(models.Model):
    """With Inventory, an order is done when its deliveries are: its last one
    dates it, and its first one says whether it came in full.

    Deliveries are the order's outgoing transfers (``sale_id``) that are not
    returns: a return brings goods back, a return of a return resends what was
    already counted. Cancelled transfers count for nothing (a backorder the
    customer will not get is cancelled: the order is then done, not in full)."""

    _inherit = "order.governance.delivery.report"

    def _from_sql(self):
        return SQL(
            """%(orders)s
              LEFT JOIN LATERAL (
                    SELECT COUNT(*) FILTER (
                               WHERE picking.state NOT IN ('done', 'cancel')
                           ) AS open_count,
                           MAX(picking.date_done) FILTER (
                               WHERE picking.state = 'done'
                           ) AS last_done,
                           (ARRAY_AGG(picking.id ORDER BY picking.date_done, picking.id)
                               FILTER (WHERE picking.state = 'done'))[1] AS first_id
                      FROM %(picking)s picking
                      JOIN %(picking_type)s picking_type
                        ON picking_type.id = picking.picking_type_id
                     WHERE picking.sale_id = so.id
                       AND picking_type.code = 'outgoing'
                       AND picking.return_id IS NULL
                   ) delivery_done ON TRUE
              LEFT JOIN LATERAL (
                    -- every goods line ordered (in the product's reference unit)
                    -- carried by the first delivery; no goods line: NULL
                    SELECT BOOL_AND(
                               COALESCE(carried.quantity, 0)
                               >= line.product_uom_qty / line_uom.factor - 0.000001
                           ) AS in_full
                      FROM %(line)s line
                      JOIN %(product)s product ON product.id = line.product_id
                      JOIN %(template)s template
                        ON template.id = product.product_tmpl_id
                      JOIN %(uom)s line_uom ON line_uom.id = line.product_uom
                      LEFT JOIN LATERAL (
                            SELECT SUM(move.quantity / move_uom.factor) AS quantity
                              FROM %(move)s move
                              JOIN %(uom)s move_uom ON move_uom.id = move.product_uom
                             WHERE move.picking_id = delivery_done.first_id
                               AND move.sale_line_id = line.id
                               AND move.state = 'done'
                           ) carried ON TRUE
                     WHERE line.order_id = so.id
                       AND line.display_type IS NULL
                       AND template.type = 'consu'
                       AND line.product_uom_qty > 0
                   ) delivery_full ON TRUE""",
            orders=super()._from_sql(),
            picking=SQL.identifier(self.env["stock.picking"]._table),
            picking_type=SQL.identifier(self.env["stock.picking.type"]._table),
            line=SQL.identifier(self.env["sale.order.line"]._table),
            product=SQL.identifier(self.env["product.product"]._table),
            template=SQL.identifier(self.env["product.template"]._table),
            uom=SQL.identifier(self.env["uom.uom"]._table),
            move=SQL.identifier(self.env["stock.move"]._table),
        )

    def _done_date_sql(self):
        # a transfer still to do: not done; no delivery at all (services, or
        # every transfer cancelled): done as the flow says
        return SQL(
            """CASE WHEN delivery_done.open_count > 0 THEN NULL
                    ELSE COALESCE(delivery_done.last_done, %s) END""",
            super()._done_date_sql(),
        )

    def _in_full_sql(self):
        # an order with goods is judged even before its first delivery: a row
        # without one is past its promise, nothing came in full by then
        return SQL(
            """CASE WHEN delivery_full.in_full IS NULL THEN %s
                    WHEN delivery_full.in_full THEN 100 ELSE 0 END""",
            super()._in_full_sql(),
        )
