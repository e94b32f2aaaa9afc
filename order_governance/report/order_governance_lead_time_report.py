from odoo import fields, models
from odoo.tools import SQL


def stays_by_order(env, *columns):
    """SELECT of each order's stays summed up: first entry, completion (entry
    into the final stage it is in), handoffs, rework, breaches and the working
    hours of its closed stays; ``columns`` (SQL) add aggregates of their own.
    The lead time and flow variant reports read it."""
    return SQL(
        """
        SELECT log.order_id,
               MIN(log.date_in) AS first_entry,
               -- done: the order's open stay is in a final stage
               MAX(log.date_in) FILTER (
                   WHERE log.date_out IS NULL AND stage.is_final
               ) AS completed_at,
               COUNT(*) - 1 AS handoff_count,
               SUM(CASE WHEN log.is_rework THEN 1 ELSE 0 END) AS rework_count,
               SUM(CASE WHEN log.sla_breached THEN 1 ELSE 0 END) AS breached_count,
               SUM(log.duration_hours) FILTER (WHERE log.date_out IS NOT NULL)
                   AS worked_hours
               %(columns)s
          FROM %(log)s log
          JOIN %(stage)s stage ON stage.id = log.stage_id
         GROUP BY log.order_id
        """,
        columns=SQL("").join(SQL(", %s", column) for column in columns),
        log=SQL.identifier(env["order.governance.stage.log"]._table),
        stage=SQL.identifier(env["order.governance.stage"]._table),
    )


class OrderGovernanceLeadTimeReport(models.Model):
    """Order lead time: one row per order that has a stage history."""

    _name = "order.governance.lead.time.report"
    _description = "Order Governance Lead Time"
    _auto = False
    _rec_name = "order_id"
    _order = "first_entry desc"

    order_id = fields.Many2one(comodel_name="sale.order", readonly=True)
    owner_department_id = fields.Many2one(
        comodel_name="hr.department", string="Owning Department", readonly=True
    )
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    stage_id = fields.Many2one(
        comodel_name="order.governance.stage", string="Current Stage", readonly=True
    )
    first_entry = fields.Datetime(readonly=True)
    completed_at = fields.Datetime(
        string="Completion",
        readonly=True,
        help="When the order entered the final stage it is in. Empty while the order "
        "is not done (an order sent back from a final stage is open again).",
    )
    lead_time_hours = fields.Float(
        string="Lead Time (working hours)",
        readonly=True,
        aggregator="avg",
        help="Working hours (h:mm) of the stays before completion, holds excluded. "
        "Empty until the order is done: averages are over done orders.",
    )
    lead_time_elapsed_hours = fields.Float(
        string="Lead Time (calendar hours)",
        readonly=True,
        aggregator="avg",
        help="Hours (h:mm) from the first entry to completion, nights and weekends "
        "included. Empty until the order is done.",
    )
    handoff_count = fields.Integer(
        string="Handoffs",
        readonly=True,
        aggregator="sum",
        help="Moves of the order from one stage to another, rework included.",
    )
    rework_count = fields.Integer(string="Rework", readonly=True, aggregator="sum")
    breached_count = fields.Integer(string="Breaches", readonly=True, aggregator="sum")
    overdue_count = fields.Integer(
        string="Overdue Now",
        readonly=True,
        aggregator="sum",
        help="1 for an order not done whose current stage is past its deadline.",
    )

    @property
    def _table_query(self):
        return SQL(
            """
            WITH stays AS (%(stays)s)
            SELECT so.id AS id,
                   so.id AS order_id,
                   so.owner_department_id AS owner_department_id,
                   so.company_id AS company_id,
                   so.governance_stage_id AS stage_id,
                   stays.first_entry AS first_entry,
                   stays.completed_at AS completed_at,
                   CASE WHEN stays.completed_at IS NOT NULL
                        THEN stays.worked_hours END AS lead_time_hours,
                   EXTRACT(EPOCH FROM stays.completed_at - stays.first_entry) / 3600.0
                       AS lead_time_elapsed_hours,
                   stays.handoff_count AS handoff_count,
                   stays.rework_count AS rework_count,
                   stays.breached_count AS breached_count,
                   CASE WHEN so.stage_deadline < (NOW() AT TIME ZONE 'UTC')
                         AND stays.completed_at IS NULL
                         AND NOT COALESCE(so.governance_on_hold, FALSE)
                        THEN 1 ELSE 0 END AS overdue_count
              FROM %(order)s so
              JOIN stays ON stays.order_id = so.id
            """,
            stays=stays_by_order(self.env),
            order=SQL.identifier(self.env["sale.order"]._table),
        )
