from odoo import fields, models
from odoo.tools import SQL


class OrderGovernanceDeliveryReport(models.Model):
    """Delivery performance: one row per confirmed order with a promise that is
    done, or still open past its promise.

    The query is built from small fragments (``_from_sql``, ``_done_date_sql``,
    ``_in_full_sql``) that the bridges override: Inventory dates an order by its
    deliveries and judges whether the first one came in full."""

    _name = "order.governance.delivery.report"
    _inherit = ["order.governance.report.mixin"]
    _description = "Order Governance Delivery Performance"
    _auto = False
    _rec_name = "order_id"
    _order = "promised_date desc, id desc"

    order_id = fields.Many2one(comodel_name="sale.order", readonly=True)
    owner_department_id = fields.Many2one(
        comodel_name="hr.department", string="Owning Department", readonly=True
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner", string="Customer", readonly=True
    )
    user_id = fields.Many2one(
        comodel_name="res.users", string="Salesperson", readonly=True
    )
    team_id = fields.Many2one(
        comodel_name="crm.team", string="Sales Team", readonly=True
    )
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    promised_date = fields.Datetime(
        readonly=True,
        help="The date promised to the customer (the last promise, if it changed).",
    )
    done_date = fields.Datetime(
        string="Done On",
        readonly=True,
        help="When the order was done: its completion, or with Inventory its last "
        "delivery. Empty while the order is open.",
    )
    on_time = fields.Float(
        string="On Time (%)",
        readonly=True,
        aggregator="avg",
        help="100 for an order done on or before the day of its promise, 0 for "
        "one done later or still open after it: averaged, the on-time rate.",
    )
    in_full = fields.Float(
        string="In Full (%)",
        readonly=True,
        aggregator="avg",
        help="With Inventory: 100 when the first delivery carried every quantity "
        "ordered, else 0. Empty without Inventory or without goods to deliver.",
    )
    otif = fields.Float(
        string="OTIF (%)",
        readonly=True,
        aggregator="avg",
        help="On time and in full: 100 when both hold, else 0. Empty when "
        "In Full is.",
    )
    delay_days = fields.Float(
        string="Delay (days)",
        readonly=True,
        aggregator="avg",
        help="Days after the promise's day: until the order was done, or until "
        "today while it is open; 0 when on time.",
    )

    @property
    def _table_query(self):
        # Days are those of the company's working calendar time zone (UTC when it
        # has none): "done on the promised day" is a day where the company works.
        return SQL(
            """
            SELECT delivery.id, delivery.order_id, delivery.owner_department_id,
                   delivery.partner_id, delivery.user_id, delivery.team_id,
                   delivery.company_id, delivery.promised_date, delivery.done_date,
                   delivery.in_full,
                   CASE WHEN day.done <= day.promised THEN 100 ELSE 0 END AS on_time,
                   CASE WHEN delivery.in_full IS NULL THEN NULL
                        WHEN day.done <= day.promised AND delivery.in_full = 100
                        THEN 100 ELSE 0 END AS otif,
                   GREATEST(COALESCE(day.done, day.today) - day.promised, 0)
                       AS delay_days
              FROM (
                    SELECT so.id AS id,
                           so.id AS order_id,
                           so.owner_department_id AS owner_department_id,
                           so.partner_id AS partner_id,
                           so.user_id AS user_id,
                           so.team_id AS team_id,
                           so.company_id AS company_id,
                           so.governance_promised_date AS promised_date,
                           %(done_date)s AS done_date,
                           %(in_full)s AS in_full,
                           COALESCE(calendar.tz, 'UTC') AS tz
                      FROM %(orders)s
                      JOIN %(company)s company ON company.id = so.company_id
                      LEFT JOIN %(calendar)s calendar
                             ON calendar.id = company.resource_calendar_id
                      LEFT JOIN %(stage)s stage ON stage.id = so.governance_stage_id
                     WHERE %(where)s
                   ) delivery
             CROSS JOIN LATERAL (
                    SELECT (delivery.promised_date AT TIME ZONE 'UTC'
                            AT TIME ZONE delivery.tz)::date AS promised,
                           (delivery.done_date AT TIME ZONE 'UTC'
                            AT TIME ZONE delivery.tz)::date AS done,
                           (NOW() AT TIME ZONE delivery.tz)::date AS today
                   ) day
             -- done, or open and past the promise's day
             WHERE day.done IS NOT NULL OR day.promised < day.today
            """,
            done_date=self._done_date_sql(),
            in_full=self._in_full_sql(),
            where=self._where_sql(),
            company=SQL.identifier(self.env["res.company"]._table),
            calendar=SQL.identifier(self.env["resource.calendar"]._table),
            stage=SQL.identifier(self.env["order.governance.stage"]._table),
            orders=self._from_sql(),
        )

    def _from_sql(self):
        """The orders, aliased ``so``. Override to join what ``_done_date_sql``
        and ``_in_full_sql`` read."""
        return SQL("%s so", SQL.identifier(self.env["sale.order"]._table))

    def _where_sql(self):
        """The orders that may have a row: confirmed, promised, not cancelled.
        Override to narrow them."""
        return SQL(
            "so.governance_promised_date IS NOT NULL AND so.state = 'sale'"
            " AND NOT COALESCE(stage.is_cancel, FALSE)"
        )

    def _done_date_sql(self):
        """When the order was done (UTC timestamp), NULL while it is open.
        Override to date it otherwise (by its deliveries)."""
        return SQL("so.governance_completed_at")

    def _in_full_sql(self):
        """100 when the order was delivered in full, 0 when not, NULL when
        unknown. Override to judge it (by its deliveries)."""
        return SQL("NULL::integer")
