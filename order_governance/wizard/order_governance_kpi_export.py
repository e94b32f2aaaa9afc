import base64

import pytz
from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from ..report.order_governance_report_mixin import replica_env


class OrderGovernanceKpiExport(models.TransientModel):
    _name = "order.governance.kpi.export"
    _inherit = ["order.governance.period.mixin"]
    _description = "Export the Order Governance KPI Workbook"

    date_from = fields.Date(
        default=lambda self: fields.Date.context_today(self).replace(day=1)
        - relativedelta(months=1),
    )
    date_to = fields.Date(
        default=lambda self: fields.Date.context_today(self).replace(day=1)
        - relativedelta(days=1),
    )
    company_ids = fields.Many2many(
        comodel_name="res.company",
        string="Companies",
        default=lambda self: self.env.companies,
    )
    department_ids = fields.Many2many(
        comodel_name="hr.department",
        string="Departments",
        help="Leave empty for every department you may see.",
    )

    @api.constrains("company_ids")
    def _check_companies(self):
        for export in self:
            foreign = export.company_ids.filtered(
                lambda c: not self.env.user._governance_in_company(c)
            )
            if foreign:
                raise AccessError(
                    _("You do not belong to %s.", ", ".join(foreign.mapped("name")))
                )

    def _domains(self):
        """(stays in the period, backlog now) for the chosen companies/departments."""
        self.ensure_one()
        start, end = self._period()
        scope = []
        if self.company_ids:
            scope.append(("company_id", "in", self.company_ids.ids))
        if self.department_ids:
            scope.append(("department_id", "in", self.department_ids.ids))
        return (
            [*scope, ("date_in", ">=", start), ("date_in", "<", end)],
            scope,
        )

    def _filename(self):
        return f"order-governance-kpi-{self.date_from}-{self.date_to}.xlsx"

    def _workbook_bytes(self):
        """The .xlsx file of the KPI workbook, as bytes. Its queries run on the
        read replica when the server has one; what they need of this wizard is
        read before, here (the replica may not have it yet)."""
        stays, backlog = self._domains()
        header = self._workbook_header()
        companies = (self.company_ids & self.env.user.company_ids) or self.env.companies
        period = self._period()
        tz = self._tz_name()
        with replica_env(self.env) as env:
            return (
                env["order.governance.kpi.xlsx"]
                .with_context(tz=tz)
                ._generate(
                    stays,
                    backlog,
                    header=header,
                    companies=companies.with_env(env),
                    period=period,
                    departments=self.department_ids.with_env(env),
                )
            )

    def _workbook_header(self):
        """What the workbook covers, as (label, text) pairs: period, scope, time
        zone and when it was made (in that time zone)."""
        self.ensure_one()
        tz = self._tz_name()
        now = pytz.utc.localize(fields.Datetime.now()).astimezone(pytz.timezone(tz))
        return [
            (
                _("Period"),
                _(
                    "%(date_from)s to %(date_to)s (stays entered in the period)",
                    date_from=fields.Date.to_string(self.date_from),
                    date_to=fields.Date.to_string(self.date_to),
                ),
            ),
            (
                _("Companies"),
                ", ".join(sorted(self.company_ids.mapped("name")))
                or _("Every company you may see"),
            ),
            (
                _("Departments"),
                ", ".join(sorted(self.department_ids.mapped("display_name")))
                or _("Every department you may see"),
            ),
            (_("Time zone"), tz),
            (_("Generated at"), now.strftime("%Y-%m-%d %H:%M")),
        ]

    def action_export(self):
        self.ensure_one()
        # Created as the user and linked to no record: only he (and system
        # administrators) may read or find it. On the wizard, whoever may read
        # wizards could download it.
        attachment = self.env["ir.attachment"].create(
            {
                "name": self._filename(),
                "datas": base64.b64encode(self._workbook_bytes()),
                "res_model": False,
                "res_id": False,
                "mimetype": "application/vnd.openxmlformats-officedocument"
                ".spreadsheetml.sheet",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/order_governance/workbook/{attachment.id}",
            "target": "self",
        }

    @api.model
    def _cron_send_monthly_workbook(self):
        """E-mail last month's workbook to each company's officers and department
        managers, for the companies that switched it on in Settings. Each one gets
        the workbook built as himself: his record rules (a manager sees his
        departments only, as in the reports), his language and time zone (the
        month's days start at his midnights)."""
        companies = self.env["res.company"].search(
            [("governance_monthly_workbook", "=", True)]
        )
        # the month that has just ended where the cron runs (it runs early on the
        # 1st, UTC): in Los Angeles it is still the last evening of that month, so
        # "today" there would make the month before it the last one
        last_day = fields.Date.today().replace(day=1) - relativedelta(days=1)
        period = {"date_from": last_day.replace(day=1), "date_to": last_day}
        for company in companies:
            for user in company._governance_workbook_recipients():
                wizard = (
                    self.with_user(user)
                    .with_company(company)
                    .with_context(lang=user.lang, tz=user.tz)
                    .create({"company_ids": [(6, 0, company.ids)], **period})
                )
                wizard._send_workbook(user)

    def _workbook_body(self):
        """The e-mail's text: the workbook is attached; the period's department
        scores (the cards the recipient may read) are named."""
        body = _("<p>The order governance KPI workbook is attached.</p>")
        cards = self.env["order.governance.scorecard"].search(
            [
                ("company_id", "in", self.company_ids.ids or self.env.companies.ids),
                ("date_from", "=", self.date_from),
                ("date_to", "=", self.date_to),
                ("user_id", "=", False),
            ]
        )
        if not cards:
            return body
        states = dict(cards._fields["state"]._description_selection(self.env))
        items = Markup()
        for card in cards.sorted(lambda c: c.department_id.display_name or ""):
            score = f"{card.score:.1f}"
            text = _(
                "%(department)s: %(score)s (%(state)s)",
                department=card.department_id.display_name,
                score=score,
                state=states[card.state],
            )
            items += Markup("<li>%s</li>") % text
        title = _("Department scores:")
        return Markup(body) + Markup("<p>%s</p><ul>%s</ul>") % (title, items)

    def _send_workbook(self, recipients):
        self.ensure_one()
        # not linked to the wizard: transient records (and their attachments) are
        # deleted within the hour, maybe before the mail queue sends this one
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create({"name": self._filename(), "raw": self._workbook_bytes()})
        )
        self.env["mail.mail"].sudo().create(
            {
                "subject": _(
                    "Order governance KPIs %(date_from)s – %(date_to)s",
                    date_from=self.date_from,
                    date_to=self.date_to,
                ),
                "body_html": self._workbook_body(),
                "recipient_ids": [(6, 0, recipients.partner_id.ids)],
                "attachment_ids": [(4, attachment.id)],
                "email_from": self.env.company.email_formatted
                or self.env.user.email_formatted,
            }
        )
