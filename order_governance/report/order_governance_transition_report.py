from odoo import fields, models
from odoo.tools import SQL


class OrderGovernanceTransitionReport(models.Model):
    """Transitions: one row per handoff of an order from one stage to the next
    (every stay entered from an earlier one), with the stay it ended."""

    _name = "order.governance.transition.report"
    _inherit = ["order.governance.report.mixin"]
    _description = "Order Governance Transitions"
    _auto = False
    _rec_name = "order_id"
    _order = "date desc, id desc"

    order_id = fields.Many2one(comodel_name="sale.order", readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    owner_department_id = fields.Many2one(
        comodel_name="hr.department", string="Owning Department", readonly=True
    )
    from_stage_id = fields.Many2one(
        comodel_name="order.governance.stage", readonly=True
    )
    to_stage_id = fields.Many2one(comodel_name="order.governance.stage", readonly=True)
    from_department_id = fields.Many2one(comodel_name="hr.department", readonly=True)
    to_department_id = fields.Many2one(comodel_name="hr.department", readonly=True)
    from_user_id = fields.Many2one(
        comodel_name="res.users", string="Handed Over By (Responsible)", readonly=True
    )
    to_user_id = fields.Many2one(
        comodel_name="res.users", string="Taken Over By", readonly=True
    )
    moved_by_id = fields.Many2one(
        comodel_name="res.users", string="Mover", readonly=True
    )
    date = fields.Datetime(string="Handed Over", readonly=True)
    forced = fields.Boolean(readonly=True)
    is_rework = fields.Boolean(
        string="Rework",
        readonly=True,
        help="The order was sent back to an earlier stage: a rework loop.",
    )
    waiting_hours = fields.Float(
        readonly=True,
        aggregator="avg",
        help="Working hours (h:mm) of the stay this handoff ended, holds excluded.",
    )
    rework_rate = fields.Float(
        string="Rework (%)",
        readonly=True,
        aggregator="avg",
        help="100 for a handoff that sends the order back, 0 otherwise, averaged: "
        "the share of rework among the handoffs.",
    )
    forced_count = fields.Integer(
        string="Forced Moves",
        readonly=True,
        aggregator="sum",
        help="1 for a handoff an officer forced past unmet exit criteria.",
    )

    @property
    def _table_query(self):
        # One row per stay entered from another: what it keeps of the stay it
        # ended is on it (written on entry), no search for that stay. LEFT JOIN
        # to the order (every stay has one): left out unless a column is read.
        return SQL(
            """
            SELECT log.id AS id,
                   log.order_id AS order_id,
                   log.company_id AS company_id,
                   so.owner_department_id AS owner_department_id,
                   log.previous_stage_id AS from_stage_id,
                   log.stage_id AS to_stage_id,
                   log.previous_department_id AS from_department_id,
                   log.department_id AS to_department_id,
                   log.previous_user_id AS from_user_id,
                   log.user_id AS to_user_id,
                   log.moved_by_id AS moved_by_id,
                   log.date_in AS date,
                   COALESCE(log.forced, FALSE) AS forced,
                   COALESCE(log.is_rework, FALSE) AS is_rework,
                   log.previous_hours AS waiting_hours,
                   CASE WHEN log.is_rework THEN 100.0 ELSE 0.0 END AS rework_rate,
                   CASE WHEN log.forced THEN 1 ELSE 0 END AS forced_count
              FROM %(log)s log
              LEFT JOIN %(order)s so ON so.id = log.order_id
             WHERE log.previous_stage_id IS NOT NULL
            """,
            log=SQL.identifier(self.env["order.governance.stage.log"]._table),
            order=SQL.identifier(self.env["sale.order"]._table),
        )
