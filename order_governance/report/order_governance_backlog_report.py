from odoo import api, fields, models
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
    _inherit = ["order.governance.report.mixin"]
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
    age_bucket = fields.Selection(
        selection=AGE_BUCKETS,
        string="Age",
        readonly=True,
        help="How long the order has been in its stage, in calendar days.",
    )
    age_days = fields.Float(string="Age (days)", readonly=True, aggregator="avg")
    deadline = fields.Datetime(readonly=True)
    overdue_count = fields.Integer(
        string="Overdue",
        readonly=True,
        aggregator="sum",
        help="1 for an order past its stage's deadline and not on hold.",
    )
    overdue_hours = fields.Float(
        string="Overdue By",
        readonly=True,
        aggregator="avg",
        help="Calendar hours (h:mm) since the deadline of an overdue order; empty "
        "for the others.",
    )

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
                   log.deadline AS deadline,
                   age.days AS age_days,
                   CASE WHEN age.days < 1 THEN '1_lt_1d'
                        WHEN age.days < 3 THEN '2_1_3d'
                        WHEN age.days < 7 THEN '3_3_7d'
                        ELSE '4_gt_7d' END AS age_bucket,
                   CASE WHEN overdue.late THEN 1 ELSE 0 END AS overdue_count,
                   CASE WHEN overdue.late
                        THEN EXTRACT(EPOCH FROM age.now - log.deadline) / 3600.0
                   END AS overdue_hours
              FROM %(log)s log
              JOIN %(order)s so ON so.id = log.order_id
             CROSS JOIN LATERAL (
                   SELECT NOW() AT TIME ZONE 'UTC' AS now,
                          EXTRACT(EPOCH FROM (NOW() AT TIME ZONE 'UTC') - log.date_in)
                          / 86400.0 AS days
             ) age
             CROSS JOIN LATERAL (
                   SELECT COALESCE(log.deadline < age.now
                                   AND NOT COALESCE(so.governance_on_hold, FALSE),
                                   FALSE) AS late
             ) overdue
             -- the open work only (a partial index): not the final stays of
             -- the completed orders, which grow with the history
             WHERE log.is_open_work
            """,
            log=SQL.identifier(self.env["order.governance.stage.log"]._table),
            order=SQL.identifier(self.env["sale.order"]._table),
        )

    @api.model
    def read_group(
        self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True
    ):
        """Age buckets in their natural order wherever they are grouped below
        another field: a chart's legend lists the buckets in the order they first
        appear in the groups (grouped by stage first, a stage without young orders
        would put "> 7 days" first)."""
        groups = super().read_group(
            domain, fields, groupby, offset, limit, orderby, lazy
        )
        groupby = [groupby] if isinstance(groupby, str) else list(groupby)
        if not lazy and not orderby and "age_bucket" in groupby[1:]:
            rank = {key: index for index, (key, _label) in enumerate(AGE_BUCKETS)}
            # stable: within a bucket, the groups keep their order
            groups.sort(key=lambda group: rank.get(group["age_bucket"], len(rank)))
        return groups
