import io
from collections import defaultdict

import xlsxwriter

from odoo import _, api, fields, models
from odoo.tools import SQL

from ..models.order_governance_kpi_target import KPIS
from .order_governance_variant_report import P90_SPEC


def _stage_order(stage):
    return (stage.sequence, stage.id)


class OrderGovernanceKpiXlsx(models.AbstractModel):
    """The KPI workbook: figures from the SQL views, written with xlsxwriter."""

    _name = "order.governance.kpi.xlsx"
    _description = "Order Governance KPI Workbook"

    @api.model
    def _generate(
        self,
        domain,
        backlog_domain,
        header=(),
        companies=None,
        period=None,
        departments=None,
    ):
        """Bytes of the .xlsx for the stays matching ``domain`` (KPI report) and the
        backlog matching ``backlog_domain``. ``header``: (label, text) pairs that
        say what the workbook covers, written above the summary. ``companies``:
        whose responsibility matrix the RACI sheet shows (default: the user's).
        ``period``: (start, end) datetimes of the Flow sheet (bottlenecks,
        transitions, variants), limited to ``departments`` when given; no Flow
        sheet without a period. The Delivery sheet covers the orders promised in
        the period (all of them without one) of ``departments``, the
        Satisfaction sheet the ratings given in it."""
        output = io.BytesIO()
        # constant_memory: rows are streamed to temporary files, so the Transitions
        # sheet costs no memory per row; every sheet is written top to bottom.
        workbook = xlsxwriter.Workbook(output, {"constant_memory": True})
        styles = self._styles(workbook)
        Report = self.env["order.governance.kpi.report"]
        # the figures are those of the pivot's default filter: final and cancel
        # stages, which orders never leave, are no work to measure
        working = [*domain, ("is_working_stage", "=", True)]
        by_department = self._figures(Report, working, "department_id")
        by_stage = self._figures(Report, working, "stage_id")
        by_person = self._figures(Report, working, "user_id")
        backlog = self._backlog(backlog_domain)
        summary = workbook.add_worksheet(_("Summary"))
        stage_sheet = workbook.add_worksheet(_("By stage"))
        header = [
            *header,
            (
                _("Figures"),
                _(
                    "Working stages only: final and cancel stages are left out "
                    "(Transitions lists every stay)."
                ),
            ),
            (_("Hours"), _("Decimal hours (1.5 = 1 h 30 min).")),
        ]
        self._write_summary(
            workbook, summary, styles, header, by_department, backlog, by_stage
        )
        self._write_figures(stage_sheet, styles, _("Stage"), by_stage)
        self._write_figures(
            workbook.add_worksheet(_("By person")), styles, _("Responsible"), by_person
        )
        self._write_overdue(
            workbook.add_worksheet(_("Overdue now")), styles, backlog_domain
        )
        self._write_transitions(
            workbook.add_worksheet(_("Transitions")), styles, Report, domain
        )
        companies = companies or self.env.companies
        self._write_delivery(
            workbook,
            workbook.add_worksheet(_("Delivery")),
            styles,
            period,
            companies,
            departments or self.env["hr.department"],
        )
        self._write_satisfaction(
            workbook,
            workbook.add_worksheet(_("Satisfaction")),
            styles,
            period,
            companies,
            departments or self.env["hr.department"],
        )
        if period:
            self._write_scorecards(
                workbook.add_worksheet(_("Scorecards")),
                styles,
                period,
                companies,
                departments or self.env["hr.department"],
            )
            self._write_flow(
                workbook,
                workbook.add_worksheet(_("Flow")),
                styles,
                period,
                companies,
                departments or self.env["hr.department"],
            )
        self._write_raci(workbook.add_worksheet(_("RACI")), styles, companies)
        workbook.close()
        return output.getvalue()

    def _styles(self, workbook):
        return {
            "title": workbook.add_format({"bold": True, "font_size": 14}),
            "header": workbook.add_format(
                {
                    "bold": True,
                    "bg_color": "#714B67",
                    "font_color": "#FFFFFF",
                    "border": 1,
                    "text_wrap": True,
                    "valign": "top",
                }
            ),
            "hours": workbook.add_format({"num_format": "0.0"}),
            "label": workbook.add_format({"bold": True}),
            "percent": workbook.add_format({"num_format": "0.0"}),
            "int": workbook.add_format({"num_format": "0"}),
            "date": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
            "text": workbook.add_format({}),
            "center": workbook.add_format({"align": "center", "text_wrap": True}),
        }

    # ------------------------------------------------------------------
    # Figures (read from the SQL views: the same numbers as the pivot)
    # ------------------------------------------------------------------
    def _figures(self, Report, domain, groupby):
        rows = Report._read_group(
            domain,
            [groupby],
            [
                "__count",
                "duration_hours:avg",
                "on_time_rate:avg",
                "breached_count:sum",
                "rework_count:sum",
            ],
        )
        return [
            {
                "name": key.display_name or _("Unassigned"),
                "key": key,
                "count": count,
                "hours": hours or 0.0,
                # no stay with an on-time outcome: blank, not 0 %
                "on_time": None if on_time is False else on_time,
                "breached": breached,
                "rework_rate": 100.0 * rework / count if count else 0.0,
            }
            for key, count, hours, on_time, breached, rework in rows
        ]

    def _backlog(self, backlog_domain):
        rows = self.env["order.governance.backlog.report"]._read_group(
            backlog_domain, ["department_id"], ["__count", "overdue_count:sum"]
        )
        return {department: (count, overdue) for department, count, overdue in rows}

    # ------------------------------------------------------------------
    # Sheets
    # ------------------------------------------------------------------
    def _write_header(self, sheet, styles, row, headers, widths):
        for col, (header, width) in enumerate(zip(headers, widths, strict=True)):
            sheet.set_column(col, col, width)
            sheet.write(row, col, header, styles["header"])

    def _write_summary(self, workbook, sheet, styles, header, rows, backlog, by_stage):
        sheet.write(0, 0, _("Order Governance KPIs"), styles["title"])
        for index, (label, text) in enumerate(header, start=1):
            sheet.write_string(index, 0, label, styles["label"])
            sheet.write_string(index, 1, text)
        top = len(header) + 2  # the table's header row, after a blank row
        headers = [
            _("Department"),
            _("Handled stays"),
            _("Avg working hours"),
            _("On time (%)"),
            _("Breaches"),
            _("Rework rate (%)"),
            _("Current backlog"),
            _("Overdue now"),
        ]
        self._write_header(
            sheet, styles, top, headers, [28, 14, 16, 12, 10, 14, 14, 12]
        )
        sheet.freeze_panes(top + 1, 0)
        departments = {row["key"] for row in rows} | set(backlog)
        if not departments:
            sheet.write(top + 1, 0, _("No data for this period."), styles["text"])
            return
        stays = defaultdict(dict, {row["key"]: row for row in rows})
        ordered = sorted(departments, key=lambda d: d.display_name or "")
        for index, department in enumerate(ordered, start=top + 1):
            row = stays[department]
            count, overdue = backlog.get(department, (0, 0))
            sheet.write(index, 0, department.display_name or _("Unassigned"))
            sheet.write_number(index, 1, row.get("count", 0), styles["int"])
            sheet.write_number(index, 2, row.get("hours", 0.0), styles["hours"])
            if row.get("on_time") is not None:
                sheet.write_number(index, 3, row["on_time"], styles["percent"])
            sheet.write_number(index, 4, row.get("breached", 0), styles["int"])
            sheet.write_number(index, 5, row.get("rework_rate", 0.0), styles["percent"])
            sheet.write_number(index, 6, count, styles["int"])
            sheet.write_number(index, 7, overdue, styles["int"])
        first, last = top + 1, top + len(ordered)
        sheet.autofilter(top, 0, last, len(headers) - 1)
        on_time = workbook.add_chart({"type": "column"})
        on_time.add_series(
            {
                "name": _("On time (%)"),
                "categories": [sheet.name, first, 0, last, 0],
                "values": [sheet.name, first, 3, last, 3],
            }
        )
        on_time.set_title({"name": _("On-time rate by department")})
        on_time.set_x_axis({"name": _("Responsible department")})
        on_time.set_y_axis({"name": _("On time (%)"), "min": 0, "max": 100})
        on_time.set_legend({"none": True})
        sheet.insert_chart(last + 3, 0, on_time)
        if by_stage:
            hours = workbook.add_chart({"type": "bar"})
            hours.add_series(
                {
                    "name": _("Avg working hours"),
                    "categories": [_("By stage"), 1, 0, len(by_stage), 0],
                    "values": [_("By stage"), 1, 2, len(by_stage), 2],
                }
            )
            hours.set_title({"name": _("Average working hours by stage")})
            # a bar chart is horizontal: x is the value axis, y the categories
            hours.set_x_axis({"name": _("Working hours")})
            hours.set_y_axis({"name": _("Stage")})
            hours.set_legend({"none": True})
            sheet.insert_chart(last + 3, 5, hours)

    def _write_figures(self, sheet, styles, label, rows):
        headers = [
            label,
            _("Stays"),
            _("Avg working hours"),
            _("On time (%)"),
            _("Breaches"),
            _("Rework rate (%)"),
        ]
        self._write_header(sheet, styles, 0, headers, [28, 10, 16, 12, 10, 14])
        sheet.freeze_panes(1, 0)
        for index, row in enumerate(rows, start=1):
            sheet.write(index, 0, row["name"])
            sheet.write_number(index, 1, row["count"], styles["int"])
            sheet.write_number(index, 2, row["hours"], styles["hours"])
            if row["on_time"] is not None:
                sheet.write_number(index, 3, row["on_time"], styles["percent"])
            sheet.write_number(index, 4, row["breached"], styles["int"])
            sheet.write_number(index, 5, row["rework_rate"], styles["percent"])
        sheet.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)

    def _write_scorecards(self, sheet, styles, period, companies, departments):
        """The scorecards (as the user may read them) whose period overlaps the
        workbook's: per department, its card then its people's, draft or closed,
        with each KPI's actual, target and score."""
        start, end = period
        domain = [
            ("company_id", "in", companies.ids),
            ("period_start", "<", end),
            ("period_end", ">", start),
        ]
        if departments:
            domain.append(("department_id", "in", departments.ids))
        cards = self.env["order.governance.scorecard"].search(domain)
        labels = dict(
            self.env["order.governance.kpi.target"]
            ._fields["kpi"]
            ._description_selection(self.env)
        )
        states = dict(
            self.env["order.governance.scorecard"]
            ._fields["state"]
            ._description_selection(self.env)
        )
        headers = [
            _("Department"),
            _("Person"),
            _("From"),
            _("To"),
            _("Status"),
            _("Score"),
        ]
        widths = [28, 22, 11, 11, 10, 8]
        for kpi, *_rest in KPIS:
            headers += [
                _("%s: actual", labels[kpi]),
                _("%s: target", labels[kpi]),
                _("%s: score", labels[kpi]),
            ]
            widths += [12, 12, 12]
        self._write_header(sheet, styles, 0, headers, widths)
        sheet.freeze_panes(1, 2)
        if not cards:
            sheet.write(1, 0, _("No scorecard for this period."), styles["text"])
            return
        ordered = cards.sorted(
            lambda c: (
                c.department_id.display_name or "",
                c.date_from,
                bool(c.user_id),
                c.user_id.name or "",
            )
        )
        columns = {kpi: 6 + 3 * index for index, (kpi, *_rest) in enumerate(KPIS)}
        for row, card in enumerate(ordered, start=1):
            sheet.write(row, 0, card.department_id.display_name)
            if card.user_id:
                sheet.write(row, 1, card.user_id.name)
            sheet.write(row, 2, fields.Date.to_string(card.date_from))
            sheet.write(row, 3, fields.Date.to_string(card.date_to))
            sheet.write(row, 4, states[card.state])
            sheet.write_number(row, 5, card.score, styles["percent"])
            for line in card.line_ids:
                col = columns[line.kpi]
                sheet.write_number(row, col, line.actual, styles["hours"])
                sheet.write_number(row, col + 1, line.target, styles["hours"])
                sheet.write_number(row, col + 2, line.score, styles["percent"])
        sheet.autofilter(0, 0, len(ordered), len(headers) - 1)

    def _write_overdue(self, sheet, styles, backlog_domain):
        headers = [
            _("Order"),
            _("Stage"),
            _("Department"),
            _("Responsible"),
            _("In stage since"),
            _("Age (days)"),
            _("Deadline"),
            _("Overdue by (calendar hours)"),
        ]
        self._write_header(sheet, styles, 0, headers, [16, 20, 24, 22, 18, 10, 18, 14])
        sheet.freeze_panes(1, 0)
        rows = self.env["order.governance.backlog.report"].search(
            [*backlog_domain, ("overdue_count", "=", 1)], order="date_in"
        )
        for index, row in enumerate(rows, start=1):
            sheet.write(index, 0, row.order_id.name)
            sheet.write(index, 1, row.stage_id.name)
            sheet.write(index, 2, row.department_id.display_name or "")
            sheet.write(index, 3, row.user_id.name or "")
            entered = fields.Datetime.context_timestamp(self, row.date_in)
            sheet.write_datetime(index, 4, entered.replace(tzinfo=None), styles["date"])
            sheet.write_number(index, 5, row.age_days, styles["hours"])
            deadline = fields.Datetime.context_timestamp(self, row.deadline)
            sheet.write_datetime(
                index, 6, deadline.replace(tzinfo=None), styles["date"]
            )
            sheet.write_number(index, 7, row.overdue_hours, styles["hours"])
        sheet.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)

    def _write_raci(self, sheet, styles, companies):
        """The responsibility matrix of each company: departments by stages, the
        letters in each cell, and the rule that gives a stage to a department
        other than the stage's own in brackets."""
        Matrix = self.env["order.governance.matrix"]
        sheet.set_column(0, 0, 32)
        row = 0
        for company in companies.sorted("name"):
            matrix = Matrix._governance_matrix(company)
            sheet.write(row, 0, matrix["company"], styles["title"])
            headers = [_("Department"), *(stage["name"] for stage in matrix["stages"])]
            self._write_header(
                sheet, styles, row + 1, headers, [32] + [16] * len(matrix["stages"])
            )
            row += 2
            for line in matrix["rows"]:
                sheet.write(row, 0, line["department"])
                for col, cell in enumerate(line["cells"], start=1):
                    text = cell["letters"]
                    if cell["rule"]:
                        text = f"{text} [{cell['rule']}]".strip()
                    if text:
                        sheet.write_string(row, col, text, styles["center"])
                row += 1
            row += 1
        sheet.write(
            row,
            0,
            _(
                "R: responsible (executes the stage) · A: accountable · C: consulted "
                "· I: informed · [rule]: a responsibility rule gives the stage to "
                "this department for some orders."
            ),
        )

    def _write_delivery(self, workbook, sheet, styles, period, companies, departments):
        """Delivery performance of the orders promised in the period, the
        figures of the Delivery Performance pivot: per month, then per month
        and owning department, and a chart of the on-time rate per month. Two
        grouped reads, whatever the number of orders."""
        domain = [("company_id", "in", companies.ids)]
        if period:
            start, end = period
            domain += [("promised_date", ">=", start), ("promised_date", "<", end)]
        if departments:
            domain.append(("owner_department_id", "in", departments.ids))
        Report = self.env["order.governance.delivery.report"]
        measures = [
            "__count",
            "on_time:avg",
            "in_full:avg",
            "otif:avg",
            "delay_days:avg",
        ]
        by_month = Report._read_group(
            domain, ["promised_date:month"], measures, order="promised_date:month"
        )
        by_department = Report._read_group(
            domain,
            ["promised_date:month", "owner_department_id"],
            measures,
            order="promised_date:month, owner_department_id",
        )
        sheet.write(0, 0, _("Delivery performance"), styles["title"])
        sheet.write(
            1,
            0,
            _(
                "Orders promised in the period, done or past their promise. Rates "
                "in %; In full and OTIF are empty without Inventory."
            ),
        )
        figures = [
            _("Orders"),
            _("On time (%)"),
            _("In full (%)"),
            _("OTIF (%)"),
            _("Avg delay (days)"),
        ]
        # the month table above, the month × department one below: one width
        for col, width in enumerate([12, 24, 10, 12, 12, 12, 14]):
            sheet.set_column(col, col, width)
        for col, header in enumerate([_("Month"), *figures]):
            sheet.write(3, col, header, styles["header"])
        row = 4
        for month, *values in by_month:
            sheet.write_string(row, 0, month.strftime("%Y-%m"))
            self._write_delivery_figures(sheet, styles, row, 1, values)
            row += 1
        if not by_month:
            sheet.write(row, 0, _("No data for this period."), styles["text"])
            return
        first, last = 4, row - 1
        row += 1
        for col, header in enumerate([_("Month"), _("Owning department"), *figures]):
            sheet.write(row, col, header, styles["header"])
        row += 1
        for month, department, *values in by_department:
            sheet.write_string(row, 0, month.strftime("%Y-%m"))
            sheet.write_string(row, 1, department.display_name or _("Unassigned"))
            self._write_delivery_figures(sheet, styles, row, 2, values)
            row += 1
        chart = workbook.add_chart({"type": "column"})
        chart.add_series(
            {
                "name": _("On time (%)"),
                "categories": [sheet.name, first, 0, last, 0],
                "values": [sheet.name, first, 2, last, 2],
            }
        )
        chart.set_title({"name": _("On-time rate by month")})
        chart.set_x_axis({"name": _("Month promised")})
        chart.set_y_axis({"name": _("On time (%)"), "min": 0, "max": 100})
        chart.set_legend({"none": True})
        sheet.insert_chart(3, 8, chart)

    def _write_delivery_figures(self, sheet, styles, row, col, values):
        """Orders, on time, in full, OTIF and delay from ``col`` on; a rate no
        row has (In full without Inventory) stays blank, not 0 %."""
        count, *averages = values
        sheet.write_number(row, col, count, styles["int"])
        formats = ("percent", "percent", "percent", "hours")
        for offset, (value, style) in enumerate(
            zip(averages, formats, strict=True), start=1
        ):
            if value is not None and value is not False:
                sheet.write_number(row, col + offset, value, styles[style])

    def _write_satisfaction(
        self, workbook, sheet, styles, period, companies, departments
    ):
        """The customers' ratings given in the period, the figures of the
        Customer Satisfaction pivot: per owning department, per executing
        department (a rating counts in each department that executed a stay of
        its order), per salesperson, then the dissatisfied customers and their
        comments. With ``departments``: the ratings of the orders they own or
        executed a stay of, and those departments alone in the first two
        tables. Three grouped reads and a search, whatever the number of
        ratings."""
        domain = [("company_id", "in", companies.ids)]
        if period:
            start, end = period
            domain += [("date", ">=", start), ("date", "<", end)]
        owned = executed = scope = domain
        if departments:
            owned = [*domain, ("owner_department_id", "in", departments.ids)]
            executed = [*domain, ("executing_department_ids", "in", departments.ids)]
            scope = [
                *domain,
                "|",
                ("owner_department_id", "in", departments.ids),
                ("executing_department_ids", "in", departments.ids),
            ]
        Report = self.env["order.governance.satisfaction.report"]
        measures = ["__count", "rating:avg", "satisfied:avg", "dissatisfied:avg"]
        tables = [
            (
                _("Owning department"),
                Report._read_group(owned, ["owner_department_id"], measures),
            ),
            (
                _("Executing department"),
                [
                    group
                    for group in Report._read_group(
                        executed, ["executing_department_ids"], measures
                    )
                    # the order's other executing departments are not asked for
                    if not departments or group[0] in departments
                ],
            ),
            (_("Salesperson"), Report._read_group(scope, ["user_id"], measures)),
        ]
        sheet.write(0, 0, _("Customer satisfaction"), styles["title"])
        sheet.write(
            1,
            0,
            _(
                "Ratings given by the customers in the period (5 satisfied, 3 "
                "okay, 1 dissatisfied). Satisfied: 4 or more; dissatisfied: under "
                "3. A rating counts once in each department that executed a "
                "stage of its order."
            ),
        )
        for col, width in enumerate([18, 24, 28, 22, 12, 10, 28, 50]):
            sheet.set_column(col, col, width)
        row = 3
        ends = []
        for label, groups in tables:
            row = self._write_satisfaction_table(sheet, styles, row, label, groups)
            ends.append(row)
            row += 1
        if tables[0][1]:
            first, last = 4, ends[0] - 1
            chart = workbook.add_chart({"type": "column"})
            chart.add_series(
                {
                    "name": _("Satisfied (%)"),
                    "categories": [sheet.name, first, 0, last, 0],
                    "values": [sheet.name, first, 3, last, 3],
                }
            )
            chart.set_title({"name": _("Satisfied customers by owning department")})
            chart.set_x_axis({"name": _("Owning department")})
            chart.set_y_axis({"name": _("Satisfied (%)"), "min": 0, "max": 100})
            chart.set_legend({"none": True})
            sheet.insert_chart(3, 9, chart)
        self._write_dissatisfied(
            sheet, styles, row, Report, [*scope, ("dissatisfied", "=", 100)]
        )

    def _write_satisfaction_table(self, sheet, styles, row, label, groups):
        """Ratings, average rating, satisfied and dissatisfied (%) per ``label``
        from ``row`` on; returns the next free row."""
        headers = [
            label,
            _("Number of ratings"),
            _("Average rating"),
            _("Satisfied (%)"),
            _("Dissatisfied (%)"),
        ]
        for col, header in enumerate(headers):
            sheet.write(row, col, header, styles["header"])
        row += 1
        for key, count, rating, satisfied, dissatisfied in groups:
            sheet.write_string(row, 0, key.display_name or _("Unassigned"))
            sheet.write_number(row, 1, count, styles["int"])
            sheet.write_number(row, 2, rating, styles["hours"])
            sheet.write_number(row, 3, satisfied, styles["percent"])
            sheet.write_number(row, 4, dissatisfied, styles["percent"])
            row += 1
        if not groups:
            sheet.write(row, 0, _("No data for this period."), styles["text"])
            row += 1
        return row

    def _write_dissatisfied(self, sheet, styles, row, Report, domain):
        """The dissatisfied customers' ratings of ``domain``, newest first, with
        their comments: whom to call back."""
        sheet.write(row, 0, _("Dissatisfied customers"), styles["title"])
        headers = [
            _("Rated on"),
            _("Order"),
            _("Customer"),
            _("Owning department"),
            _("Salesperson"),
            _("Rating"),
            _("Executing departments"),
            _("Comment"),
        ]
        for col, header in enumerate(headers):
            sheet.write(row + 1, col, header, styles["header"])
        row += 2
        ratings = Report.search(domain, order="date desc, id desc")
        for rating in ratings:
            rated = fields.Datetime.context_timestamp(self, rating.date)
            sheet.write_datetime(row, 0, rated.replace(tzinfo=None), styles["date"])
            # sudo: the names as the pivot shows them (Odoo reads a many2one's
            # name as superuser): an order a manager's department executed may
            # have moved out of his sight since
            sheet.write_string(row, 1, rating.order_id.sudo().name)
            sheet.write_string(row, 2, rating.partner_id.sudo().display_name or "")
            sheet.write_string(
                row,
                3,
                rating.owner_department_id.sudo().display_name or _("Unassigned"),
            )
            sheet.write_string(row, 4, rating.user_id.sudo().name or "")
            sheet.write_number(row, 5, rating.rating, styles["int"])
            departments = rating.executing_department_ids.sudo()
            sheet.write_string(row, 6, ", ".join(departments.mapped("display_name")))
            sheet.write_string(row, 7, rating.feedback or "")
            row += 1
        if not ratings:
            sheet.write(row, 0, _("No dissatisfied customer in this period."))
            row += 1
        return row

    def _write_flow(self, workbook, sheet, styles, period, companies, departments):
        """Where orders waited and went in the period: the bottleneck list (with
        a chart of its order-hours), the transition matrix (handoffs from a
        stage, in rows, to a stage, in columns) and the most frequent paths of
        the orders done, the same figures as the dashboard and the reports."""
        start, end = period
        rows = self.env["order.governance.bottleneck"]._governance_bottlenecks(
            start, end, companies, departments
        )
        row = self._write_bottlenecks(sheet, styles, rows)
        if rows:
            chart = workbook.add_chart({"type": "bar"})
            chart.add_series(
                {
                    "name": _("Order-hours"),
                    "categories": [sheet.name, 2, 0, len(rows) + 1, 0],
                    "values": [sheet.name, 2, 3, len(rows) + 1, 3],
                }
            )
            chart.set_title({"name": _("Order-hours by stage")})
            chart.set_x_axis({"name": _("Working hours")})
            chart.set_y_axis({"name": _("Stage"), "reverse": True})
            chart.set_legend({"none": True})
            sheet.insert_chart(0, 10, chart)
        row = self._write_transition_matrix(
            sheet, styles, row + 1, period, companies, departments
        )
        self._write_variants(sheet, styles, row + 1, period, companies, departments)

    def _write_bottlenecks(self, sheet, styles, rows):
        sheet.write(0, 0, _("Bottlenecks"), styles["title"])
        headers = [
            _("Stage"),
            _("Handed over"),
            _("Avg wait (working hours)"),
            _("Order-hours"),
            _("Breached (%)"),
            _("Order-hours before"),
            _("Change (%)"),
            _("In stage now"),
        ]
        self._write_header(sheet, styles, 1, headers, [28, 12, 14, 12, 12, 14, 10, 12])
        row = 2
        for line in rows:
            sheet.write_string(row, 0, line["stage"].display_name)
            sheet.write_number(row, 1, line["volume"], styles["int"])
            sheet.write_number(row, 2, line["avg_wait"], styles["hours"])
            sheet.write_number(row, 3, line["order_hours"], styles["hours"])
            sheet.write_number(row, 4, line["breach_rate"], styles["percent"])
            sheet.write_number(row, 5, line["previous_order_hours"], styles["hours"])
            if line["change_rate"] is not None:
                sheet.write_number(row, 6, line["change_rate"], styles["percent"])
            sheet.write_number(row, 7, line["open_count"], styles["int"])
            row += 1
        if not rows:
            sheet.write(row, 0, _("No data for this period."), styles["text"])
            row += 1
        return row

    def _write_transition_matrix(
        self, sheet, styles, row, period, companies, departments
    ):
        """Handoffs in the period, from stage (rows) to stage (columns), as
        counts. Returns the next free row."""
        start, end = period
        domain = [
            ("company_id", "in", companies.ids),
            ("date", ">=", start),
            ("date", "<", end),
        ]
        if departments:
            domain += [
                "|",
                ("from_department_id", "in", departments.ids),
                ("to_department_id", "in", departments.ids),
            ]
        groups = self.env["order.governance.transition.report"]._read_group(
            domain, ["from_stage_id", "to_stage_id"], ["__count"]
        )
        sheet.write(
            row, 0, _("Transitions (handoffs from a stage to another)"), styles["title"]
        )
        counts = {(source, target): count for source, target, count in groups}
        sources = sorted({source for source, _target in counts}, key=_stage_order)
        targets = sorted({target for _source, target in counts}, key=_stage_order)
        headers = [
            _("From (rows) / To (columns)"),
            *(target.display_name for target in targets),
        ]
        for col, header in enumerate(headers):
            sheet.write(row + 1, col, header, styles["header"])
        row += 2
        for source in sources:
            sheet.write_string(row, 0, source.display_name)
            for col, target in enumerate(targets, start=1):
                if (source, target) in counts:
                    sheet.write_number(row, col, counts[source, target], styles["int"])
            row += 1
        if not sources:
            sheet.write(row, 0, _("No data for this period."), styles["text"])
            row += 1
        return row

    def _write_variants(
        self, sheet, styles, row, period, companies, departments, top=10
    ):
        """The ``top`` most frequent paths of the orders done that entered the
        flow in the period."""
        start, end = period
        domain = [
            ("company_id", "in", companies.ids),
            ("is_done", "=", True),
            ("first_entry", ">=", start),
            ("first_entry", "<", end),
        ]
        if departments:
            domain.append(("owner_department_id", "in", departments.ids))
        groups = self.env["order.governance.variant.report"]._read_group(
            domain,
            ["path"],
            ["__count", "lead_time_hours:avg", P90_SPEC, "rework_rate:avg"],
            order="__count desc, path",
            limit=top,
        )
        sheet.write(row, 0, _("Top flow variants (orders done)"), styles["title"])
        headers = [
            _("Path"),
            _("Orders"),
            _("Avg lead time (working hours)"),
            _("Lead time, 90th percentile"),
            _("With rework (%)"),
        ]
        for col, header in enumerate(headers):
            sheet.write(row + 1, col, header, styles["header"])
        row += 2
        for path, count, average, p90, rework in groups:
            sheet.write_string(row, 0, path or "")
            sheet.write_number(row, 1, count, styles["int"])
            sheet.write_number(row, 2, average or 0.0, styles["hours"])
            sheet.write_number(row, 3, p90 or 0.0, styles["hours"])
            sheet.write_number(row, 4, rework or 0.0, styles["percent"])
            row += 1
        if not groups:
            sheet.write(row, 0, _("No data for this period."), styles["text"])
            row += 1
        return row

    def _write_transitions(self, sheet, styles, Report, domain):
        headers = [
            _("Order"),
            _("Stage"),
            _("Department"),
            _("Responsible"),
            _("Entered"),
            _("Left"),
            _("Working hours"),
            _("Calendar hours"),
            _("Paused hours"),
            _("Overdue by (calendar hours)"),
            _("On time (%)"),
            _("Breached"),
            _("Rework"),
        ]
        self._write_header(
            sheet,
            styles,
            0,
            headers,
            [16, 20, 24, 22, 18, 18, 12, 12, 12, 14, 10, 10, 8],
        )
        sheet.freeze_panes(1, 0)
        names = _NameCache(self.env)
        formats = [styles[name] for name in ("hours",) * 4 + ("percent", "int", "int")]
        index = 0
        for page in self._transition_pages(Report, domain):
            names.prefetch(page)
            for (
                order,
                stage,
                department,
                user,
                entered,
                left,
                *numbers,
            ) in page:
                index += 1
                sheet.write_string(index, 0, order or "")
                sheet.write_string(index, 1, names.get("stage", stage))
                sheet.write_string(index, 2, names.get("department", department))
                sheet.write_string(index, 3, names.get("user", user))
                sheet.write_number(index, 4, entered, styles["date"])
                if left is not None:
                    sheet.write_number(index, 5, left, styles["date"])
                for col, (value, style) in enumerate(
                    zip(numbers, formats, strict=True), start=6
                ):
                    if value is not None:
                        sheet.write_number(index, col, value, style)
        sheet.autofilter(0, 0, max(index, 1), len(headers) - 1)

    def _transition_pages(self, Report, domain, size=5000):
        """The stays of ``domain`` (record rules applied), oldest first, in pages of
        plain tuples: order name, stage, department and user ids, entry and leave
        as Excel serial dates in the user's time zone, then the measures.

        A period may hold 100,000 stays: reading them as records (``search_read``
        and its display names) took longer than writing the sheet, so the rows are
        read in SQL, one page after the other on (date_in, id), each page starting
        where the last one ended instead of re-reading it (OFFSET)."""
        tz = self.env.context.get("tz") or self.env.user.tz or "UTC"
        last = None
        while True:
            rows = self.env.execute_query(
                self._transition_page_sql(Report, domain, last, size, tz)
            )
            if not rows:
                return
            yield [row[:-2] for row in rows]  # the last two are the page key
            if len(rows) < size:
                return
            last = rows[-1][-2:]

    def _transition_page_sql(self, Report, domain, after, size, tz):
        """SELECT of the ``size`` first stays of ``domain`` after the (date_in, id)
        ``after``; _search applies the record rules."""
        if after:
            domain = [
                *domain,
                "|",
                ("date_in", ">", after[0]),
                "&",
                ("date_in", "=", after[0]),
                ("id", ">", after[1]),
            ]
        query = Report._search(domain, order="date_in, id", limit=size)
        stay = query.table
        order = query.join(
            stay, "order_id", self.env["sale.order"]._table, "id", "order_id"
        )

        def excel_date(column):
            # days since 1899-12-30 in the user's time zone: what Excel stores
            return SQL(
                "EXTRACT(EPOCH FROM %s AT TIME ZONE 'UTC' AT TIME ZONE %s)"
                " / 86400.0 + 25569",
                SQL.identifier(stay, column),
                tz,
            )

        return query.select(
            SQL.identifier(order, "name"),
            *(
                SQL.identifier(stay, column)
                for column in ("stage_id", "department_id", "user_id")
            ),
            excel_date("date_in"),
            excel_date("date_out"),
            *(
                SQL.identifier(stay, column)
                for column in (
                    "duration_hours",
                    "elapsed_hours",
                    "paused_hours",
                    "overdue_hours",
                    "on_time_rate",
                    "breached_count",
                    "rework_count",
                    "date_in",
                    "id",
                )
            ),
        )


class _NameCache:
    """Display names of the stages, departments and persons of the Transitions
    sheet: a few hundred records for 100,000 rows, read once each."""

    MODELS = {
        "stage": ("order.governance.stage", 1),
        "department": ("hr.department", 2),
        "user": ("res.users", 3),
    }

    def __init__(self, env):
        self.env = env
        self.names = {key: {None: ""} for key in self.MODELS}

    def prefetch(self, rows):
        for key, (model, col) in self.MODELS.items():
            known = self.names[key]
            missing = {row[col] for row in rows} - known.keys()
            # sudo: like the display names of search_read, which the pivot shows
            for record in self.env[model].sudo().browse(missing):
                known[record.id] = record.display_name or ""

    def get(self, key, record_id):
        return self.names[key][record_id]
