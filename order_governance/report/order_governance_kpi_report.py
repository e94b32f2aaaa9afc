from odoo import fields, models
from odoo.tools import SQL


class OrderGovernanceKpiReport(models.Model):
    """Stage performance: one row per stay of an order in a stage (stage log)."""

    _name = "order.governance.kpi.report"
    _inherit = ["order.governance.report.mixin"]
    _description = "Order Governance Stage Performance"
    _auto = False
    _rec_name = "order_id"
    _order = "date_in desc"

    order_id = fields.Many2one(comodel_name="sale.order", readonly=True)
    stage_id = fields.Many2one(comodel_name="order.governance.stage", readonly=True)
    is_working_stage = fields.Boolean(
        string="Working Stage",
        readonly=True,
        help="The stage is neither final nor cancel: orders leave it once its work "
        "is done. Final and cancel stages are left out of the figures by default.",
    )
    department_id = fields.Many2one(
        comodel_name="hr.department", string="Responsible Department", readonly=True
    )
    user_id = fields.Many2one(
        comodel_name="res.users", string="Responsible", readonly=True
    )
    owner_department_id = fields.Many2one(
        comodel_name="hr.department", string="Owning Department", readonly=True
    )
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    team_id = fields.Many2one(
        comodel_name="crm.team", string="Sales Team", readonly=True
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner", string="Customer", readonly=True
    )
    date_in = fields.Datetime(string="Entered", readonly=True)
    date_out = fields.Datetime(string="Left", readonly=True)
    duration_hours = fields.Float(
        string="Working Hours",
        readonly=True,
        aggregator="avg",
        help="Hours (h:mm) of the working calendar spent in the stage, holds "
        "excluded. Empty while the stay is open: averages are over closed stays.",
    )
    elapsed_hours = fields.Float(
        string="Calendar Hours",
        readonly=True,
        aggregator="avg",
        help="Hours (h:mm) from entry to leave, nights, weekends and holds included. "
        "Empty while the stay is open.",
    )
    paused_hours = fields.Float(
        readonly=True,
        aggregator="sum",
        help="Hours (h:mm) the order was on hold during the stay; 0 without hold.",
    )
    overdue_hours = fields.Float(
        string="Overdue By",
        readonly=True,
        aggregator="avg",
        help="Calendar hours (h:mm) from the deadline to the end of a breached stay; "
        "empty for the other stays.",
    )
    breached_count = fields.Integer(
        string="Breached",
        readonly=True,
        aggregator="sum",
        help="1 for a stay that ended after its deadline.",
    )
    rework_count = fields.Integer(
        string="Rework",
        readonly=True,
        aggregator="sum",
        help="1 for a stay the order was sent back to from a later stage.",
    )
    open_count = fields.Integer(
        string="Open",
        readonly=True,
        aggregator="sum",
        help="1 for a stay in a working stage that the order has not left yet.",
    )
    on_time_rate = fields.Float(
        string="On Time (%)",
        readonly=True,
        aggregator="avg",
        help="100 for a closed stay that met its deadline, 0 for one that missed it, "
        "averaged: the share of stays on time. Empty, and not counted, for stays "
        "still open, without deadline, or in a final or cancel stage.",
    )

    @property
    def _table_query(self):
        return SQL("%s %s", self._select(), self._from())

    def _select(self):
        return SQL(
            """
            SELECT log.id AS id,
                   log.order_id AS order_id,
                   log.stage_id AS stage_id,
                   log.department_id AS department_id,
                   log.user_id AS user_id,
                   log.company_id AS company_id,
                   log.date_in AS date_in,
                   log.date_out AS date_out,
                   -- hours are known once the stay is closed: NULL until then,
                   -- so that averages are over closed stays (not pulled to 0)
                   CASE WHEN log.date_out IS NOT NULL
                        THEN log.duration_hours END AS duration_hours,
                   CASE WHEN log.date_out IS NOT NULL
                        THEN log.elapsed_hours END AS elapsed_hours,
                   COALESCE(log.paused_hours, 0.0) AS paused_hours,
                   CASE WHEN log.sla_breached AND log.date_out > log.deadline
                        THEN EXTRACT(EPOCH FROM log.date_out - log.deadline) / 3600.0
                   END AS overdue_hours,
                   so.owner_department_id AS owner_department_id,
                   so.team_id AS team_id,
                   so.partner_id AS partner_id,
                   CASE WHEN log.sla_breached THEN 1 ELSE 0 END AS breached_count,
                   CASE WHEN log.is_rework THEN 1 ELSE 0 END AS rework_count,
                   -- a final or cancel stage is never left in the normal flow:
                   -- its stays are no open work and have no on-time outcome
                   log.is_working_stage AS is_working_stage,
                   CASE WHEN log.date_out IS NULL AND log.is_working_stage
                        THEN 1 ELSE 0 END AS open_count,
                   CASE
                       WHEN log.date_out IS NULL OR log.deadline IS NULL
                         OR NOT log.is_working_stage THEN NULL
                       WHEN log.date_out <= log.deadline THEN 100.0
                       ELSE 0.0
                   END AS on_time_rate
            """
        )

    def _from(self):
        # LEFT JOIN (every stay has its order): PostgreSQL leaves the order out
        # of a query that reads none of its columns, as a pivot by department
        # and stage does, and reads the stays alone
        return SQL(
            "FROM %s log LEFT JOIN %s so ON so.id = log.order_id",
            SQL.identifier(self.env["order.governance.stage.log"]._table),
            SQL.identifier(self.env["sale.order"]._table),
        )
