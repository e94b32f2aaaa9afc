from odoo import fields, models
from odoo.tools import SQL

AGE_BUCKETS = [
    ("1_lt_1d", "< 1 day"),
    ("2_1_3d", "1-3 days"),
    ("3_3_7d", "3-7 days"),
    ("4_gt_7d", "> 7 days"),
]


class OrderGovernanceBacklogReport(models.Model):
    """Backlog: the orders in each stage now, by responsible department and age."""

    _name = "order.governance.backlog.report"
    _description = "Order Governance Backlog"
    _auto = False
    _rec_name = "order_id"
    _order = "date_in"

    order_id = fields.Many2one(comodel_name="sale.order", readonly=True)
    stage_id = fields.Many2one(comodel_name="order.governance.stage", readonly=True)
    department_id = fields.Many2one(
        comodel_name="hr.department", string="Responsible Department", readonly=True
    )
    owner_department_id = fields.Many2one(
        comodel_name="hr.department", string="Owning Department", readonly=True
    )
    user_id = fields.Many2one(
        comodel_name="res.users", string="Responsible", readonly=True
    )
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    date_in = fields.Datetime(string="In Stage Since", readonly=True)
    age_bucket = fields.Selection(selection=AGE_BUCKETS, string="Age", readonly=True)
    age_days = fields.Float(string="Age (days)", readonly=True, aggregator="avg")
    overdue_count = fields.Integer(string="Overdue", readonly=True, aggregator="sum")

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT log.id AS id,
                   log.order_id AS order_id,
                   log.stage_id AS stage_id,
                   log.department_id AS department_id,
                   so.owner_department_id AS owner_department_id,
                   log.user_id AS user_id,
                   log.company_id AS company_id,
                   log.date_in AS date_in,
                   age.days AS age_days,
                   CASE WHEN age.days < 1 THEN '1_lt_1d'
                        WHEN age.days < 3 THEN '2_1_3d'
                        WHEN age.days < 7 THEN '3_3_7d'
                        ELSE '4_gt_7d' END AS age_bucket,
                   CASE WHEN log.deadline < (NOW() AT TIME ZONE 'UTC')
                         AND NOT COALESCE(so.governance_on_hold, FALSE)
                        THEN 1 ELSE 0 END AS overdue_count
              FROM %(log)s log
              JOIN %(order)s so ON so.id = log.order_id
              JOIN %(stage)s stage ON stage.id = log.stage_id
             CROSS JOIN LATERAL (
                   SELECT EXTRACT(EPOCH FROM (NOW() AT TIME ZONE 'UTC') - log.date_in)
                          / 86400.0 AS days
             ) age
             WHERE log.date_out IS NULL
               AND NOT COALESCE(stage.is_final, FALSE)
               AND NOT COALESCE(stage.is_cancel, FALSE)
            """,
            log=SQL.identifier(self.env["order.governance.stage.log"]._table),
            stage=SQL.identifier(self.env["order.governance.stage"]._table),
            order=SQL.identifier(self.env["sale.order"]._table),
        )
