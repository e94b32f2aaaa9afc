from odoo import fields, models
from odoo.tools import SQL


class OrderGovernanceLeadTimeReport(models.Model):
    """Order lead time: one row per order that has a stage history."""

    _name = "order.governance.lead.time.report"
    _inherit = ["order.governance.report.mixin"]
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
        # the figures the moves keep on the order: one row per order read, not its
        # history (see sale.order._governance_refresh_lead_time)
        return SQL(
            """
            SELECT so.id AS id,
                   so.id AS order_id,
                   so.owner_department_id AS owner_department_id,
                   so.company_id AS company_id,
                   so.governance_stage_id AS stage_id,
                   so.governance_first_entry AS first_entry,
                   so.governance_completed_at AS completed_at,
                   so.governance_lead_time_hours AS lead_time_hours,
                   so.governance_lead_time_elapsed_hours AS lead_time_elapsed_hours,
                   so.governance_handoff_count AS handoff_count,
                   so.rework_count AS rework_count,
                   so.governance_breach_count AS breached_count,
                   CASE WHEN so.stage_deadline < (NOW() AT TIME ZONE 'UTC')
                         AND so.governance_completed_at IS NULL
                         AND NOT COALESCE(so.governance_on_hold, FALSE)
                        THEN 1 ELSE 0 END AS overdue_count
              FROM %(order)s so
             WHERE so.governance_first_entry IS NOT NULL
            """,
            order=SQL.identifier(self.env["sale.order"]._table),
        )
