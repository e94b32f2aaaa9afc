import functools

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL
from odoo.tools.misc import format_date, format_datetime, formatLang

ISSUE_TYPES = [
    ("incomplete", "Exit Criteria Unmet"),
    ("on_hold", "On Hold"),
    ("sla_breached", "Overdue"),
    ("promise_at_risk", "Promise at Risk"),
    ("promise_late", "Promise Late"),
    ("payment_overdue", "Payment Overdue"),
    ("credit_overdue", "Credit Overdue"),
]
# A row's id is ``order id * ID_FACTOR + rank``: the same order and type keep
# their id while the cause lasts. Ranks 1-7 are the core's, 8-9 the Inventory
# bridge's, 10-11 the Manufacturing bridge's; another module takes the next
# free rank below ID_FACTOR.
ID_FACTOR = 32
RANKS = {
    "incomplete": 1,
    "on_hold": 2,
    "sla_breached": 3,
    "promise_at_risk": 4,
    "promise_late": 5,
    "payment_overdue": 6,
    "credit_overdue": 7,
}
# The columns every issue query returns, in this order (UNION ALL is
# positional): ``_issue_columns`` writes them, NULL where a query has no fact.
ISSUE_COLUMNS = (
    ("order_id", "integer"),
    ("type_rank", "integer"),
    ("issue_type", "varchar"),
    ("department_id", "integer"),
    ("since", "timestamp"),
    ("res_model", "varchar"),
    ("res_id", "integer"),
    ("fact_count", "integer"),
    ("fact_amount", "numeric"),
    ("currency_id", "integer"),
    ("fact_date", "timestamp"),
    ("fact_date_2", "timestamp"),
    ("fact_ref_id", "integer"),
    ("fact_name", "varchar"),
)


class OrderGovernanceFulfillmentIssue(models.Model):
    """What keeps each open order from being fulfilled, one row per order and
    impediment, with the department that must act and the document that
    resolves it.

    A SQL view (``_table_query``) rather than stored rows: the rows are read
    from their causes (stays, exit criteria, holds, promises, invoices,
    receivables, and the bridges' transfers and manufacturing orders) at the
    moment they are read, so they are never out of step, nothing has to be
    kept in sync by the flows that change those causes, and nobody can write
    them. ``_table_query`` is evaluated at each read, so a bridge installed
    later adds its queries (``_issue_queries``) without a view to re-create.

    The view returns facts (counts, amounts, ids, dates); ``detail`` writes
    them as a sentence in the reader's language. A user sees the rows of the
    orders he may read (``_search``, ``_check_access``)."""

    _name = "order.governance.fulfillment.issue"
    _description = "Fulfillment Issue"
    _auto = False
    _rec_name = "order_id"
    _order = "since, id"

    order_id = fields.Many2one(comodel_name="sale.order", readonly=True)
    issue_type = fields.Selection(selection=ISSUE_TYPES, string="Issue", readonly=True)
    department_id = fields.Many2one(
        comodel_name="hr.department",
        string="Department to Act",
        readonly=True,
        help="The department that must act to resolve the issue.",
    )
    since = fields.Datetime(
        readonly=True,
        help="When the issue started: the stay's entry, the hold's start, the "
        "deadline passed, the promised date, the first due date.",
    )
    detail = fields.Char(compute="_compute_detail")
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    partner_id = fields.Many2one(
        comodel_name="res.partner", string="Customer", readonly=True
    )
    user_id = fields.Many2one(
        comodel_name="res.users", string="Salesperson", readonly=True
    )
    responsible_user_id = fields.Many2one(
        comodel_name="res.users", string="Responsible", readonly=True
    )
    res_model = fields.Char(string="Document Model", readonly=True)
    res_id = fields.Integer(string="Document", readonly=True)
    # raw facts, written out by ``detail``
    fact_count = fields.Integer(readonly=True)
    fact_amount = fields.Float(readonly=True)
    currency_id = fields.Many2one(comodel_name="res.currency", readonly=True)
    fact_date = fields.Datetime(readonly=True)
    fact_date_2 = fields.Datetime(readonly=True)
    fact_ref_id = fields.Integer(readonly=True)
    fact_name = fields.Char(readonly=True)
    in_my_department = fields.Boolean(
        compute="_compute_in_my_department",
        search="_search_in_my_department",
    )

    @property
    def _table_query(self):
        queries = self._issue_queries()
        return SQL(
            """
            WITH governance_open_work AS MATERIALIZED (%(open_work)s)
            SELECT issue.order_id * %(factor)s + issue.type_rank AS id,
                   issue.*,
                   work.company_id AS company_id,
                   work.partner_id AS partner_id,
                   work.user_id AS user_id,
                   work.responsible_user_id AS responsible_user_id
              FROM (%(issues)s) issue
              JOIN governance_open_work work ON work.order_id = issue.order_id
            """,
            open_work=self._issue_open_work_query(),
            factor=ID_FACTOR,
            issues=SQL(" UNION ALL ").join(SQL("(%s)", query) for query in queries),
        )

    def _issue_open_work_query(self):
        """The open orders: an open stay in a working stage (neither final nor
        cancel), read through the stays' partial index. The issue queries read
        them as ``governance_open_work``: ``order_id``, ``stay_id``,
        ``stage_id``, ``date_in``, ``deadline``, ``responsible_department_id``,
        ``owner_department_id``, ``company_id``, ``partner_id``, ``user_id``,
        ``responsible_user_id``, ``on_hold``, ``promised_date``,
        ``forecast_date``, ``forecast_p90_date``, ``promise_status``."""
        return SQL(
            """
            SELECT so.id AS order_id,
                   log.id AS stay_id,
                   log.stage_id AS stage_id,
                   log.date_in AS date_in,
                   log.deadline AS deadline,
                   so.responsible_department_id AS responsible_department_id,
                   so.owner_department_id AS owner_department_id,
                   so.company_id AS company_id,
                   so.partner_id AS partner_id,
                   so.user_id AS user_id,
                   so.responsible_user_id AS responsible_user_id,
                   COALESCE(so.governance_on_hold, FALSE) AS on_hold,
                   so.governance_promised_date AS promised_date,
                   so.governance_forecast_date AS forecast_date,
                   so.governance_forecast_p90_date AS forecast_p90_date,
                   so.governance_promise_status AS promise_status
              FROM order_governance_stage_log log
              JOIN sale_order so ON so.id = log.order_id
             WHERE log.is_open_work
            """
        )

    # ------------------------------------------------------------------
    # Extension point
    # ------------------------------------------------------------------
    def _issue_queries(self):
        """Override to add issue types: a list of ``SQL`` SELECTs, each built
        with ``_issue_columns`` (the columns of ``ISSUE_COLUMNS``, in order),
        at most one row per order and type, reading the open orders from
        ``governance_open_work`` (see ``_issue_open_work_query``). The rows of
        orders that are not open work are dropped anyway."""
        return [
            self._issue_query_incomplete(),
            self._issue_query_on_hold(),
            self._issue_query_sla_breached(),
            self._issue_query_promise(),
            self._issue_query_payment_overdue(),
            self._issue_query_credit_overdue(),
        ]

    @api.model
    def _issue_columns(self, issue_type, rank, **columns):
        """The SELECT list of an issue query: ``columns`` maps the names of
        ``ISSUE_COLUMNS`` (but ``type_rank`` and ``issue_type``) to SQL
        expressions; the others are NULL."""
        columns = {**columns, "type_rank": SQL("%s", rank)}
        columns["issue_type"] = SQL("%s", issue_type)
        unknown = set(columns) - {name for name, _type in ISSUE_COLUMNS}
        if unknown:
            raise ValueError(f"Unknown issue columns: {sorted(unknown)}")
        return SQL(", ").join(
            SQL(
                "CAST(%s AS %s) AS %s",
                columns.get(name, SQL("NULL")),
                SQL(sql_type),
                SQL.identifier(name),
            )
            for name, sql_type in ISSUE_COLUMNS
        )

    @api.model
    def _issue_executing_department(self, kinds, executes_column=None):
        """SQL: the department that works on the documents of ``kinds`` (sale
        events and built-in checks) of the order ``work`` (a row of
        ``governance_open_work``), as ``sale.order._governance_executing_department``
        finds it: the department of its latest stay in a working stage that
        has such an event or check (or whose boolean ``executes_column`` is
        set), else the responsible department of the first such stage of its
        company. NULL when there is none."""
        kinds = list(kinds)
        executes = (
            SQL("OR COALESCE(st.%s, FALSE)", SQL.identifier(executes_column))
            if executes_column
            else SQL()
        )
        works_on = SQL(
            """NOT COALESCE(st.is_final, FALSE) AND NOT COALESCE(st.is_cancel, FALSE)
               AND (st.sale_event IN %(kinds)s
                    OR EXISTS (SELECT 1 FROM order_governance_check chk
                                WHERE chk.stage_id = st.id
                                  AND chk.execution_check IN %(kinds)s)
                    %(executes)s)""",
            kinds=tuple(kinds),
            executes=executes,
        )
        return SQL(
            """COALESCE(
                (SELECT stay.department_id
                   FROM order_governance_stage_log stay
                   JOIN order_governance_stage st ON st.id = stay.stage_id
                  WHERE stay.order_id = work.order_id
                    AND stay.department_id IS NOT NULL AND %(works_on)s
                  ORDER BY stay.date_in DESC, stay.id DESC
                  LIMIT 1),
                (SELECT st.responsible_department_id
                   FROM order_governance_stage st
                  WHERE st.active
                    AND (st.company_id IS NULL OR st.company_id = work.company_id)
                    AND st.responsible_department_id IS NOT NULL AND %(works_on)s
                  ORDER BY st.sequence, st.id
                  LIMIT 1))""",
            works_on=works_on,
        )

    def _issue_query_incomplete(self):
        # Checks ticked by hand only: those met by themselves follow the
        # order's data or documents, which SQL cannot evaluate here (their
        # documents have issues of their own: a transfer waiting, an invoice
        # unpaid).
        return SQL(
            """
            SELECT %(columns)s
              FROM governance_open_work work
              JOIN order_governance_check_line line ON line.log_id = work.stay_id
              JOIN order_governance_check chk ON chk.id = line.check_id
             WHERE chk.required
               AND NOT COALESCE(line.done, FALSE)
               AND COALESCE(chk.domain, '') IN ('', '[]')
               AND chk.execution_check IS NULL
             GROUP BY work.order_id, work.date_in, work.responsible_department_id
            """,
            columns=self._issue_columns(
                "incomplete",
                RANKS["incomplete"],
                order_id=SQL("work.order_id"),
                department_id=SQL("work.responsible_department_id"),
                since=SQL("work.date_in"),
                res_model=SQL("'sale.order'"),
                res_id=SQL("work.order_id"),
                fact_count=SQL("COUNT(*)"),
                fact_ref_id=SQL("(ARRAY_AGG(chk.id ORDER BY chk.sequence, chk.id))[1]"),
            ),
        )

    def _issue_query_on_hold(self):
        return SQL(
            """
            SELECT DISTINCT ON (work.order_id) %(columns)s
              FROM governance_open_work work
              JOIN order_governance_hold hold
                ON hold.order_id = work.order_id AND hold.date_end IS NULL
             ORDER BY work.order_id, hold.date_start DESC, hold.id DESC
            """,
            columns=self._issue_columns(
                "on_hold",
                RANKS["on_hold"],
                order_id=SQL("work.order_id"),
                department_id=SQL("work.responsible_department_id"),
                since=SQL("hold.date_start"),
                res_model=SQL("'sale.order'"),
                res_id=SQL("work.order_id"),
                fact_ref_id=SQL("hold.reason_id"),
            ),
        )

    def _issue_query_sla_breached(self):
        # A held order's clock stands still (its deadline moves on resume):
        # the hold is its issue.
        return SQL(
            """
            SELECT %(columns)s
              FROM governance_open_work work
             WHERE work.deadline < (NOW() AT TIME ZONE 'UTC') AND NOT work.on_hold
            """,
            columns=self._issue_columns(
                "sla_breached",
                RANKS["sla_breached"],
                order_id=SQL("work.order_id"),
                department_id=SQL("work.responsible_department_id"),
                since=SQL("work.deadline"),
                res_model=SQL("'sale.order'"),
                res_id=SQL("work.order_id"),
                fact_date=SQL("work.deadline"),
                fact_ref_id=SQL("work.stage_id"),
            ),
        )

    def _issue_query_promise(self):
        # One query for both statuses: the type and rank follow the status.
        # since: the promised date, the date at stake (the status has no
        # moment of its own; the order's write_date moves with any edit).
        return SQL(
            """
            SELECT %(columns)s
              FROM governance_open_work work
             WHERE work.promise_status IN ('at_risk', 'late')
            """,
            columns=self._issue_columns(
                SQL(
                    "CASE work.promise_status WHEN 'at_risk' "
                    "THEN 'promise_at_risk' ELSE 'promise_late' END"
                ),
                SQL(
                    "CASE work.promise_status WHEN 'at_risk' THEN %s ELSE %s END",
                    RANKS["promise_at_risk"],
                    RANKS["promise_late"],
                ),
                order_id=SQL("work.order_id"),
                department_id=SQL("work.owner_department_id"),
                since=SQL("work.promised_date"),
                res_model=SQL("'sale.order'"),
                res_id=SQL("work.order_id"),
                fact_date=SQL("work.promised_date"),
                fact_date_2=SQL(
                    "CASE work.promise_status WHEN 'at_risk' "
                    "THEN work.forecast_p90_date ELSE work.forecast_date END"
                ),
            ),
        )

    def _issue_query_payment_overdue(self):
        # Who collects: the department executing the stage of the order's
        # invoicing or payment (its sale event or built-in check); a flow
        # without one leaves it to the owning department.
        return SQL(
            """
            SELECT %(columns)s
              FROM governance_open_work work
              JOIN (SELECT DISTINCT sol.order_id, aml.move_id
                      FROM sale_order_line sol
                      JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
                      JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                     WHERE sol.order_id IN (SELECT order_id FROM governance_open_work)
                   ) inv ON inv.order_id = work.order_id
              JOIN account_move move ON move.id = inv.move_id
             WHERE move.move_type = 'out_invoice'
               AND move.state = 'posted'
               AND move.invoice_date_due < CURRENT_DATE
               AND move.amount_residual > 0
               AND move.payment_state NOT IN ('paid', 'in_payment', 'reversed')
             GROUP BY work.order_id, work.company_id, work.owner_department_id
            """,
            columns=self._issue_columns(
                "payment_overdue",
                RANKS["payment_overdue"],
                order_id=SQL("work.order_id"),
                department_id=SQL(
                    "COALESCE(%s, work.owner_department_id)",
                    self._issue_executing_department(("invoiced", "paid")),
                ),
                since=SQL("MIN(move.invoice_date_due)"),
                res_model=SQL("'account.move'"),
                res_id=SQL(
                    "(ARRAY_AGG(move.id ORDER BY move.invoice_date_due, move.id))[1]"
                ),
                fact_count=SQL("COUNT(*)"),
                fact_amount=SQL("SUM(move.amount_residual)"),
                currency_id=SQL("MIN(move.currency_id)"),
                fact_date=SQL("MIN(move.invoice_date_due)"),
                fact_name=SQL(
                    "(ARRAY_AGG(move.name ORDER BY move.invoice_date_due, move.id))[1]"
                ),
            ),
        )

    def _issue_query_credit_overdue(self):
        # The customer's overdue receivables in the order's company, in its
        # currency, against the company's limit (0: not checked).
        return SQL(
            """
            SELECT %(columns)s
              FROM governance_open_work work
              JOIN res_company company ON company.id = work.company_id
               AND COALESCE(company.governance_credit_overdue_limit, 0) > 0
              JOIN res_partner customer ON customer.id = work.partner_id
              JOIN LATERAL (
                   SELECT SUM(aml.amount_residual) AS amount,
                          MIN(aml.date_maturity) AS due
                     FROM account_move_line aml
                     JOIN res_partner debtor ON debtor.id = aml.partner_id
                     JOIN account_account account ON account.id = aml.account_id
                    WHERE debtor.commercial_partner_id = customer.commercial_partner_id
                      AND aml.company_id = work.company_id
                      AND account.account_type = 'asset_receivable'
                      AND aml.parent_state = 'posted'
                      AND NOT aml.reconciled
                      AND aml.date_maturity < CURRENT_DATE
              ) overdue ON overdue.amount > company.governance_credit_overdue_limit
            """,
            columns=self._issue_columns(
                "credit_overdue",
                RANKS["credit_overdue"],
                order_id=SQL("work.order_id"),
                department_id=SQL("work.owner_department_id"),
                since=SQL("overdue.due"),
                res_model=SQL("'res.partner'"),
                res_id=SQL("customer.commercial_partner_id"),
                fact_amount=SQL("overdue.amount"),
                currency_id=SQL("company.currency_id"),
                fact_date=SQL("overdue.due"),
            ),
        )

    @api.depends_context("uid")
    def _compute_in_my_department(self):
        mine = self.env.user._governance_my_departments()
        for row in self:
            row.in_my_department = row.department_id in mine

    def _search_in_my_department(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on 'In My Department'."))
        domain = [
            ("department_id", "in", self.env.user._governance_my_departments().ids)
        ]
        return domain if (operator == "=") == value else ["!", *domain]

    # ------------------------------------------------------------------
    # The sentence
    # ------------------------------------------------------------------
    @api.depends_context("lang", "tz", "uid")
    def _compute_detail(self):
        """One sentence per row in the reader's language, a batch per type:
        ``_issue_detail_<issue_type>(rows)`` returns ``{row id: text}``
        (override to word a new type)."""
        texts = {}
        for issue_type, rows in self.grouped("issue_type").items():
            method = getattr(self, f"_issue_detail_{issue_type}", None)
            if method:
                texts.update(method(rows))
        for row in self:
            row.detail = texts.get(row.id, False)

    def _issue_format_datetime(self, value):
        return format_datetime(self.env, value, dt_format="short") if value else ""

    def _issue_format_date(self, value):
        return format_date(self.env, value.date()) if value else ""

    def _issue_format_amount(self, amount, currency):
        return formatLang(self.env, amount or 0.0, currency_obj=currency)

    def _issue_detail_incomplete(self, rows):
        checks = (
            self.env["order.governance.check"].sudo().browse(rows.mapped("fact_ref_id"))
        )
        names = dict(zip(checks.ids, checks.mapped("name"), strict=True))
        return {
            row.id: self.env._(
                "Exit criterion not met: %s", names.get(row.fact_ref_id, "")
            )
            if row.fact_count <= 1
            else self.env._(
                "%(count)s exit criteria not met, first: %(check)s",
                count=row.fact_count,
                check=names.get(row.fact_ref_id, ""),
            )
            for row in rows
        }

    def _issue_detail_on_hold(self, rows):
        reasons = (
            self.env["order.governance.hold.reason"]
            .sudo()
            .with_context(active_test=False)
            .browse(rows.mapped("fact_ref_id"))
        )
        names = dict(zip(reasons.ids, reasons.mapped("name"), strict=True))
        return {
            row.id: self.env._("On hold: %s", names.get(row.fact_ref_id, ""))
            for row in rows
        }

    def _issue_detail_sla_breached(self, rows):
        stages = (
            self.env["order.governance.stage"]
            .sudo()
            .with_context(active_test=False)
            .browse(rows.mapped("fact_ref_id"))
        )
        names = dict(zip(stages.ids, stages.mapped("name"), strict=True))
        return {
            row.id: self.env._(
                "Overdue in %(stage)s since %(deadline)s",
                stage=names.get(row.fact_ref_id, ""),
                deadline=self._issue_format_datetime(row.fact_date),
            )
            for row in rows
        }

    def _issue_detail_promise_at_risk(self, rows):
        return {
            row.id: self.env._(
                "Promised for %(promise)s; nine orders in ten like it are done by "
                "%(forecast)s",
                promise=self._issue_format_datetime(row.fact_date),
                forecast=self._issue_format_datetime(row.fact_date_2),
            )
            if row.fact_date_2
            else self.env._(
                "Promised for %s", self._issue_format_datetime(row.fact_date)
            )
            for row in rows
        }

    def _issue_detail_promise_late(self, rows):
        return {
            row.id: self.env._(
                "Promised for %(promise)s; expected to be done %(forecast)s",
                promise=self._issue_format_datetime(row.fact_date),
                forecast=self._issue_format_datetime(row.fact_date_2),
            )
            if row.fact_date_2
            else self.env._(
                "Promised for %s", self._issue_format_datetime(row.fact_date)
            )
            for row in rows
        }

    def _issue_detail_payment_overdue(self, rows):
        return {
            row.id: self.env._(
                "Invoice %(invoice)s overdue since %(date)s: %(amount)s due",
                invoice=row.fact_name,
                date=self._issue_format_date(row.fact_date),
                amount=self._issue_format_amount(row.fact_amount, row.currency_id),
            )
            if row.fact_count <= 1
            else self.env._(
                "%(count)s invoices overdue since %(date)s: %(amount)s due",
                count=row.fact_count,
                date=self._issue_format_date(row.fact_date),
                amount=self._issue_format_amount(row.fact_amount, row.currency_id),
            )
            for row in rows
        }

    def _issue_detail_credit_overdue(self, rows):
        return {
            row.id: self.env._(
                "The customer owes %(amount)s overdue (limit %(limit)s)",
                amount=self._issue_format_amount(row.fact_amount, row.currency_id),
                limit=self._issue_format_amount(
                    row.company_id.governance_credit_overdue_limit, row.currency_id
                ),
            )
            for row in rows
        }

    # ------------------------------------------------------------------
    # Access: the rows of the orders the user may read
    # ------------------------------------------------------------------
    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        if not self.env.su:
            readable = self.env["sale.order"]._search([])
            domain = (
                [*domain, ("order_id", "in", readable)]
                if domain
                else [("order_id", "in", readable)]
            )
        return super()._search(domain, offset, limit, order)

    def _check_access(self, operation):
        result = super()._check_access(operation)
        if result or self.env.su or not self._ids:
            return result
        # the id names the order (order id * ID_FACTOR + rank): no read needed
        orders = self.env["sale.order"].browse({i // ID_FACTOR for i in self._ids})
        readable = set(orders._filtered_access("read").ids)
        forbidden = self.browse(i for i in self._ids if i // ID_FACTOR not in readable)
        if forbidden:
            return forbidden, functools.partial(
                self.env["ir.rule"]._make_access_error, operation, forbidden
            )
        return None

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_open_document(self):
        """The document that resolves the issue (the order, the invoice, the
        customer, a transfer, a manufacturing order), if the user may read it."""
        self.ensure_one()
        document = self.env[self.res_model].browse(self.res_id).exists()
        if not document:
            raise AccessError(_("The document of this issue no longer exists."))
        document.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": document._name,
            "res_id": document.id,
            "views": [(False, "form")],
            "target": "current",
        }
