from odoo import api, fields, models
from odoo.tools import SQL

# ranks of the row ids (order id * 32 + rank): the core has 1-7
RANKS = {"stock_unavailable": 8, "delivery_after_promise": 9}
# what a stage that executes the deliveries has (as the Execution panel finds it)
STOCK_KINDS = ("delivery_started", "delivered", "reserved")


class OrderGovernanceFulfillmentIssue(models.Model):
    _inherit = "order.governance.fulfillment.issue"

    issue_type = fields.Selection(
        selection_add=[
            ("stock_unavailable", "Goods Unavailable"),
            ("delivery_after_promise", "Delivery After Promise"),
        ]
    )

    def _issue_queries(self):
        return [
            *super()._issue_queries(),
            self._issue_query_stock_unavailable(),
            self._issue_query_delivery_after_promise(),
        ]

    @api.model
    def _issue_stock_department(self):
        """SQL: the department executing the deliveries, else the order's
        responsible department."""
        return SQL(
            "COALESCE(%s, work.responsible_department_id)",
            self._issue_executing_department(STOCK_KINDS, "assign_transfers"),
        )

    def _issue_query_stock_unavailable(self):
        # an outgoing transfer waiting for goods (another operation or stock)
        return SQL(
            """
            SELECT %(columns)s
              FROM governance_open_work work
              JOIN stock_picking pick ON pick.sale_id = work.order_id
              JOIN stock_picking_type ptype
                ON ptype.id = pick.picking_type_id AND ptype.code = 'outgoing'
             WHERE pick.state IN ('confirmed', 'waiting')
             GROUP BY work.order_id, work.company_id, work.responsible_department_id
            """,
            columns=self._issue_columns(
                "stock_unavailable",
                RANKS["stock_unavailable"],
                order_id=SQL("work.order_id"),
                department_id=self._issue_stock_department(),
                since=SQL("MIN(pick.scheduled_date)"),
                res_model=SQL("'stock.picking'"),
                res_id=SQL(
                    "(ARRAY_AGG(pick.id ORDER BY pick.scheduled_date, pick.id))[1]"
                ),
                fact_count=SQL("COUNT(*)"),
                fact_date=SQL("MIN(pick.scheduled_date)"),
                fact_name=SQL(
                    "(ARRAY_AGG(pick.name ORDER BY pick.scheduled_date, pick.id))[1]"
                ),
            ),
        )

    def _issue_query_delivery_after_promise(self):
        # since: the promised date, from which the customer waits
        return SQL(
            """
            SELECT %(columns)s
              FROM governance_open_work work
              JOIN stock_picking pick ON pick.sale_id = work.order_id
              JOIN stock_picking_type ptype
                ON ptype.id = pick.picking_type_id AND ptype.code = 'outgoing'
             WHERE pick.state NOT IN ('done', 'cancel')
               AND pick.scheduled_date > work.promised_date
             GROUP BY work.order_id, work.company_id, work.responsible_department_id,
                      work.promised_date
            """,
            columns=self._issue_columns(
                "delivery_after_promise",
                RANKS["delivery_after_promise"],
                order_id=SQL("work.order_id"),
                department_id=self._issue_stock_department(),
                since=SQL("work.promised_date"),
                res_model=SQL("'stock.picking'"),
                res_id=SQL(
                    "(ARRAY_AGG(pick.id ORDER BY pick.scheduled_date DESC, pick.id))[1]"
                ),
                fact_count=SQL("COUNT(*)"),
                fact_date=SQL("MAX(pick.scheduled_date)"),
                fact_date_2=SQL("work.promised_date"),
                fact_name=SQL(
                    "(ARRAY_AGG(pick.name ORDER BY pick.scheduled_date DESC, "
                    "pick.id))[1]"
                ),
            ),
        )

    def _issue_detail_stock_unavailable(self, rows):
        return {
            row.id: self.env._("%s waits for goods", row.fact_name)
            if row.fact_count <= 1
            else self.env._(
                "%(count)s transfers wait for goods, first: %(transfer)s",
                count=row.fact_count,
                transfer=row.fact_name,
            )
            for row in rows
        }

    def _issue_detail_delivery_after_promise(self, rows):
        return {
            row.id: self.env._(
                "%(transfer)s is scheduled for %(date)s, after the promised "
                "%(promise)s",
                transfer=row.fact_name,
                date=self._issue_format_datetime(row.fact_date),
                promise=self._issue_format_datetime(row.fact_date_2),
            )
            for row in rows
        }
