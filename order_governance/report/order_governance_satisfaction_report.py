from odoo import fields, models, tools
from odoo.tools import SQL

from odoo.addons.rating.models import rating_data

# The view that relates each row (a rating) to the departments that executed a
# stay of its order: the ``executing_department_ids`` relation.
DEPARTMENT_RELATION = "order_governance_satisfaction_department_rel"


class OrderGovernanceSatisfactionReport(models.Model):
    """Customer satisfaction: one row per rating a customer gave a sale order.

    A row counts once by owning department, salesperson or month, and once per
    executing department (a department of one of the order's stays) when the
    pivot is grouped by ``executing_department_ids``."""

    _name = "order.governance.satisfaction.report"
    _inherit = ["order.governance.report.mixin"]
    _description = "Order Governance Customer Satisfaction"
    _auto = False
    _rec_name = "order_id"
    _order = "date desc, id desc"

    order_id = fields.Many2one(comodel_name="sale.order", readonly=True)
    rating_id = fields.Many2one(
        comodel_name="rating.rating", string="Rating Record", readonly=True
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner", string="Customer", readonly=True
    )
    owner_department_id = fields.Many2one(
        comodel_name="hr.department", string="Owning Department", readonly=True
    )
    executing_department_ids = fields.Many2many(
        comodel_name="hr.department",
        relation=DEPARTMENT_RELATION,
        column1="report_id",
        column2="department_id",
        string="Executing Departments",
        readonly=True,
        help="The departments that executed a stage of the order. Grouped by them, "
        "a rating counts once in each of its order's executing departments.",
    )
    user_id = fields.Many2one(
        comodel_name="res.users", string="Salesperson", readonly=True
    )
    team_id = fields.Many2one(
        comodel_name="crm.team", string="Sales Team", readonly=True
    )
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    date = fields.Datetime(
        string="Rated On",
        readonly=True,
        help="When the customer gave his rating (his last answer, if he changed "
        "it).",
    )
    rating = fields.Float(
        readonly=True,
        aggregator="avg",
        help="The customer's rating: 5 satisfied, 3 okay, 1 dissatisfied.",
    )
    satisfied = fields.Float(
        string="Satisfied (%)",
        readonly=True,
        aggregator="avg",
        help="100 for a satisfied customer (rating 4 or more), else 0: averaged, "
        "the share of satisfied customers.",
    )
    dissatisfied = fields.Float(
        string="Dissatisfied (%)",
        readonly=True,
        aggregator="avg",
        help="100 for a dissatisfied customer (rating under 3), else 0: averaged, "
        "the share of dissatisfied customers.",
    )
    feedback = fields.Text(string="Comment", readonly=True)

    @property
    def _table_query(self):
        # Dated by the rating's write_date, as Project's customer ratings are:
        # its create_date is when the request was sent, and the customer's
        # answer (or a later change of it) writes the row.
        return SQL(
            """
            SELECT rating.id AS id,
                   rating.id AS rating_id,
                   so.id AS order_id,
                   so.partner_id AS partner_id,
                   so.owner_department_id AS owner_department_id,
                   so.user_id AS user_id,
                   so.team_id AS team_id,
                   so.company_id AS company_id,
                   rating.write_date AS date,
                   rating.rating AS rating,
                   CASE WHEN rating.rating >= %(satisfied)s
                        THEN 100.0 ELSE 0.0 END AS satisfied,
                   CASE WHEN rating.rating < %(okay)s
                        THEN 100.0 ELSE 0.0 END AS dissatisfied,
                   rating.feedback AS feedback
              FROM %(ratings)s
             WHERE %(answers)s
            """,
            satisfied=rating_data.RATING_LIMIT_SATISFIED,
            okay=rating_data.RATING_LIMIT_OK,
            ratings=self._from_sql(),
            answers=self._where_sql(),
        )

    def _from_sql(self):
        """The ratings (``rating``) of the orders (``so``), with the order's
        customer (``customer``) and the rating's author (``rater``)."""
        partner = SQL.identifier(self.env["res.partner"]._table)
        return SQL(
            """%(rating)s rating
              JOIN %(order)s so ON so.id = rating.res_id
              JOIN %(partner)s customer ON customer.id = so.partner_id
              JOIN %(partner)s rater ON rater.id = rating.partner_id""",
            rating=SQL.identifier(self.env["rating.rating"]._table),
            order=SQL.identifier(self.env["sale.order"]._table),
            partner=partner,
        )

    def _where_sql(self):
        """The customer's answers: filled in, and by a contact of the order's
        customer. A rating an employee posts in the chatter (``rating_value``)
        is his own, and a request not answered yet is no rating."""
        return SQL(
            """rating.res_model = 'sale.order'
               AND rating.consumed
               AND rating.rating >= %s
               AND rater.commercial_partner_id = customer.commercial_partner_id""",
            rating_data.RATING_LIMIT_MIN,
        )

    def init(self):
        # The executing departments' relation: a view, read as a many2many
        # table (grouping by it joins it). One row per rating of an order and
        # department of one of the order's stays.
        tools.drop_view_if_exists(self.env.cr, DEPARTMENT_RELATION)
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %(relation)s AS (
                    SELECT DISTINCT rating.id AS report_id,
                           log.department_id AS department_id
                      FROM %(rating)s rating
                      JOIN %(log)s log ON log.order_id = rating.res_id
                     WHERE rating.res_model = 'sale.order'
                       AND log.department_id IS NOT NULL
                )
                """,
                relation=SQL.identifier(DEPARTMENT_RELATION),
                rating=SQL.identifier(self.env["rating.rating"]._table),
                log=SQL.identifier(self.env["order.governance.stage.log"]._table),
            )
        )
