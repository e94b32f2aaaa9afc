from odoo import fields, models
from odoo.tools import SQL

# the aggregate the pivot and grouped lists ask for on ``lead_time_p90``: read as
# the 90th percentile of the group's lead times (see _read_group_select)
P90_SPEC = "lead_time_p90:max"


class OrderGovernanceVariantReport(models.Model):
    """Flow variants: one row per order with the path of stages it went through
    ("Received → Confirmed → Production → Shipping → Done"). Grouped by path:
    how many orders took each one, their lead time (average and 90th
    percentile) and the share with rework."""

    _name = "order.governance.variant.report"
    _description = "Order Governance Flow Variants"
    _auto = False
    _rec_name = "path"
    _order = "first_entry desc"

    order_id = fields.Many2one(comodel_name="sale.order", readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    owner_department_id = fields.Many2one(
        comodel_name="hr.department", string="Owning Department", readonly=True
    )
    path = fields.Char(
        readonly=True,
        help="The stages the order went through, in order, loops included.",
    )
    stage_count = fields.Integer(
        string="Stays", readonly=True, aggregator="avg", help="Stays in the path."
    )
    first_entry = fields.Datetime(readonly=True)
    is_done = fields.Boolean(
        string="Done",
        readonly=True,
        help="The order is in a final stage: its path is complete.",
    )
    lead_time_hours = fields.Float(
        string="Lead Time (working hours)",
        readonly=True,
        aggregator="avg",
        help="Working hours (h:mm) of the stays before completion, holds excluded. "
        "Empty until the order is done: averages are over done orders.",
    )
    lead_time_p90 = fields.Float(
        string="Lead Time, 90th Percentile",
        readonly=True,
        aggregator="max",
        help="Working hours (h:mm) within which 9 orders in 10 of the group were done.",
    )
    rework_rate = fields.Float(
        string="With Rework (%)",
        readonly=True,
        aggregator="avg",
        help="100 for an order that was sent back at least once, 0 otherwise, "
        "averaged: the share of orders with rework.",
    )

    def _read_group_select(self, aggregate_spec, query):
        if aggregate_spec == P90_SPEC:
            column = self._field_to_sql(self._table, "lead_time_hours", query)
            return SQL("percentile_cont(0.9) WITHIN GROUP (ORDER BY %s)", column)
        return super()._read_group_select(aggregate_spec, query)

    @property
    def _table_query(self):
        # the path reads the stage names in the reader's language; the rest is the
        # order's stored lead time
        lang = self.env.lang or "en_US"
        return SQL(
            """
            WITH paths AS (
                SELECT log.order_id,
                       string_agg(COALESCE(stage.name->>%(lang)s, stage.name->>'en_US'),
                                  ' → ' ORDER BY log.date_in, log.id) AS path
                  FROM %(log)s log
                  JOIN %(stage)s stage ON stage.id = log.stage_id
                 GROUP BY log.order_id
            )
            SELECT so.id AS id,
                   so.id AS order_id,
                   so.company_id AS company_id,
                   so.owner_department_id AS owner_department_id,
                   paths.path AS path,
                   so.governance_handoff_count + 1 AS stage_count,
                   so.governance_first_entry AS first_entry,
                   so.governance_completed_at IS NOT NULL AS is_done,
                   so.governance_lead_time_hours AS lead_time_hours,
                   so.governance_lead_time_hours AS lead_time_p90,
                   CASE WHEN so.rework_count > 0 THEN 100.0 ELSE 0.0 END
                       AS rework_rate
              FROM %(order)s so
              JOIN paths ON paths.order_id = so.id
            """,
            lang=lang,
            log=SQL.identifier(self.env["order.governance.stage.log"]._table),
            stage=SQL.identifier(self.env["order.governance.stage"]._table),
            order=SQL.identifier(self.env["sale.order"]._table),
        )
