from odoo import fields, models
from odoo.tools import SQL


class OrderGovernanceKpiReport(models.Model):
    """Stage performance: one row per stay of an order in a stage (stage log)."""

    _name = "order.governance.kpi.report"
    _description = "Order Governance Stage Performance"
    _auto = False
    _rec_name = "order_id"
    _order = "date_in desc"

    order_id = fields.Many2one(comodel_name="sale.order", readonly=True)
    stage_id = fields.Many2one(comodel_name="order.governance.stage", readonly=True)
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
        string="Working Hours", readonly=True, aggregator="avg"
    )
    elapsed_hours = fields.Float(
        string="Calendar Hours", readonly=True, aggregator="avg"
    )
    paused_hours = fields.Float(readonly=True, aggregator="sum")
    breached_count = fields.Integer(string="Breached", readonly=True, aggregator="sum")
    rework_count = fields.Integer(string="Rework", readonly=True, aggregator="sum")
    open_count = fields.Integer(string="Open", readonly=True, aggregator="sum")
    on_time_rate = fields.Float(
        string="On Time (%)",
        readonly=True,
        aggregator="avg",
        help="100 for a closed stay that met its deadline, 0 for one that missed it; "
        "stays without deadline or still open do not count.",
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
                   log.paused_hours AS paused_hours,
                   so.owner_department_id AS owner_department_id,
                   so.team_id AS team_id,
                   so.partner_id AS partner_id,
                   CASE WHEN log.sla_breached THEN 1 ELSE 0 END AS breached_count,
                   CASE WHEN log.is_rework THEN 1 ELSE 0 END AS rework_count,
                   -- open work: a final or cancel stage is never left, not open
                   CASE WHEN log.date_out IS NULL
                         AND NOT COALESCE(stage.is_final, FALSE)
                         AND NOT COALESCE(stage.is_cancel, FALSE)
                        THEN 1 ELSE 0 END AS open_count,
                   CASE
                       WHEN log.date_out IS NULL OR log.deadline IS NULL THEN NULL
                       WHEN log.date_out <= log.deadline THEN 100.0
                       ELSE 0.0
                   END AS on_time_rate
            """
        )

    def _from(self):
        return SQL(
            "FROM %s log JOIN %s so ON so.id = log.order_id"
            " JOIN %s stage ON stage.id = log.stage_id",
            SQL.identifier(self.env["order.governance.stage.log"]._table),
            SQL.identifier(self.env["sale.order"]._table),
            SQL.identifier(self.env["order.governance.stage"]._table),
        )
