from odoo import api, fields, models
from odoo.tools import SQL

# ranks of the row ids (order id * 32 + rank): the core has 1-7, Inventory 8-9
RANKS = {"production_late": 10, "components_missing": 11}
# what a stage that executes the manufacturing orders has
MRP_KINDS = ("production_started", "produced")


class OrderGovernanceFulfillmentIssue(models.Model):
    _inherit = "order.governance.fulfillment.issue"

    issue_type = fields.Selection(
        selection_add=[
            ("production_late", "Production Late"),
            ("components_missing", "Components Missing"),
        ]
    )

    def _issue_queries(self):
        return [
            *super()._issue_queries(),
            self._issue_query_production_late(),
            self._issue_query_components_missing(),
        ]

    @api.model
    def _issue_open_productions(self):
        """SQL: ``order_id``, ``production_id`` of the open manufacturing
        orders of the open orders, linked as sale_mrp links them (the sale
        line, or the procurement chain: the moves an MO of the same group
        feeds, in a group of the sale order)."""
        return SQL(
            """
            SELECT sol.order_id AS order_id, mo.id AS production_id
              FROM mrp_production mo
              JOIN sale_order_line sol ON sol.id = mo.sale_line_id
             WHERE mo.state NOT IN ('done', 'cancel')
               AND sol.order_id IN (SELECT order_id FROM governance_open_work)
             UNION
            SELECT grp.sale_id, mo.id
              FROM mrp_production mo
              JOIN mrp_production sibling
                ON sibling.procurement_group_id = mo.procurement_group_id
              JOIN stock_move move ON move.created_production_id = sibling.id
              JOIN procurement_group grp ON grp.id = move.group_id
             WHERE mo.state NOT IN ('done', 'cancel')
               AND grp.sale_id IN (SELECT order_id FROM governance_open_work)
            """
        )

    @api.model
    def _issue_production_department(self):
        """SQL: the department executing the manufacturing orders, else the
        order's responsible department."""
        return SQL(
            "COALESCE(%s, work.responsible_department_id)",
            self._issue_executing_department(MRP_KINDS, "assign_productions"),
        )

    def _issue_query_production_late(self):
        # planned to finish after the promise, or past its own deadline (that
        # one first); since: the deadline passed, else the promise at stake
        late_now = SQL("(mo.date_deadline < (NOW() AT TIME ZONE 'UTC'))")
        order_by = SQL(
            "ORDER BY COALESCE(%s, FALSE) DESC, mo.date_finished DESC, mo.id",
            late_now,
        )
        return SQL(
            """
            SELECT %(columns)s
              FROM governance_open_work work
              JOIN (%(productions)s) link ON link.order_id = work.order_id
              JOIN mrp_production mo ON mo.id = link.production_id
             WHERE mo.date_finished > work.promised_date OR %(late_now)s
             GROUP BY work.order_id, work.company_id, work.responsible_department_id
            """,
            productions=self._issue_open_productions(),
            late_now=late_now,
            columns=self._issue_columns(
                "production_late",
                RANKS["production_late"],
                order_id=SQL("work.order_id"),
                department_id=self._issue_production_department(),
                since=SQL(
                    "MIN(CASE WHEN %s THEN mo.date_deadline ELSE work.promised_date "
                    "END)",
                    late_now,
                ),
                res_model=SQL("'mrp.production'"),
                res_id=SQL("(ARRAY_AGG(mo.id %s))[1]", order_by),
                fact_count=SQL("COUNT(*)"),
                fact_date=SQL("(ARRAY_AGG(mo.date_finished %s))[1]", order_by),
                fact_date_2=SQL("(ARRAY_AGG(mo.date_deadline %s))[1]", order_by),
                fact_name=SQL("(ARRAY_AGG(mo.name %s))[1]", order_by),
            ),
        )

    def _issue_query_components_missing(self):
        # reservation_state is stored (components_availability_state is not)
        return SQL(
            """
            SELECT %(columns)s
              FROM governance_open_work work
              JOIN (%(productions)s) link ON link.order_id = work.order_id
              JOIN mrp_production mo ON mo.id = link.production_id
             WHERE mo.reservation_state IN ('confirmed', 'waiting')
             GROUP BY work.order_id, work.company_id, work.responsible_department_id
            """,
            productions=self._issue_open_productions(),
            columns=self._issue_columns(
                "components_missing",
                RANKS["components_missing"],
                order_id=SQL("work.order_id"),
                department_id=self._issue_production_department(),
                since=SQL("MIN(mo.date_start)"),
                res_model=SQL("'mrp.production'"),
                res_id=SQL("(ARRAY_AGG(mo.id ORDER BY mo.date_start, mo.id))[1]"),
                fact_count=SQL("COUNT(*)"),
                fact_name=SQL("(ARRAY_AGG(mo.name ORDER BY mo.date_start, mo.id))[1]"),
            ),
        )

    def _issue_detail_production_late(self, rows):
        now = fields.Datetime.now()
        return {
            row.id: self.env._(
                "%(production)s is past its deadline of %(deadline)s",
                production=row.fact_name,
                deadline=self._issue_format_datetime(row.fact_date_2),
            )
            if row.fact_date_2 and row.fact_date_2 < now
            else self.env._(
                "%(production)s is planned to finish %(date)s, after the promised "
                "date",
                production=row.fact_name,
                date=self._issue_format_datetime(row.fact_date),
            )
            for row in rows
        }

    def _issue_detail_components_missing(self, rows):
        return {
            row.id: self.env._("%s waits for components", row.fact_name)
            if row.fact_count <= 1
            else self.env._(
                "%(count)s manufacturing orders wait for components, first: "
                "%(production)s",
                count=row.fact_count,
                production=row.fact_name,
            )
            for row in rows
        }
