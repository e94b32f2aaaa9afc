from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.fields import Command


class OrderGovernanceBottleneck(models.TransientModel):
    """Bottlenecks: for a period, per working stage, how many orders it handed
    over, how long they waited in it, the order-hours it held (volume × average
    wait), its share of breaches and the change against the previous period of
    the same length. The stage that held the most order-hours comes first."""

    _name = "order.governance.bottleneck"
    _inherit = ["order.governance.period.mixin"]
    _description = "Order Governance Bottlenecks"

    date_from = fields.Date(
        default=lambda self: fields.Date.context_today(self) - relativedelta(days=29),
    )
    date_to = fields.Date(default=lambda self: fields.Date.context_today(self))
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
    )
    department_ids = fields.Many2many(
        comodel_name="hr.department",
        string="Departments",
        help="The stays these departments were responsible for; empty: every "
        "department you may see.",
    )
    line_ids = fields.One2many(
        comodel_name="order.governance.bottleneck.line",
        inverse_name="bottleneck_id",
        string="Stages",
        compute="_compute_line_ids",
        store=True,
        # a stored field computes as superuser by default: the figures must be
        # read with the user's record rules (a manager's departments only)
        compute_sudo=False,
        readonly=True,
    )
    headline = fields.Char(compute="_compute_headline")

    # on a field with a default: a new record's onchange computes it (the
    # client's "New" otherwise)
    @api.depends("company_id")
    @api.depends_context("lang")
    def _compute_display_name(self):
        # the page's title in the breadcrumb, saved or not
        self.display_name = self.env._("Bottlenecks")

    @api.constrains("company_id")
    def _check_company_allowed(self):
        for dashboard in self:
            if not self.env.user._governance_in_company(dashboard.company_id):
                raise AccessError(
                    _("You do not belong to %s.", dashboard.company_id.name)
                )

    @api.depends("date_from", "date_to", "company_id", "department_ids")
    def _compute_line_ids(self):
        for dashboard in self:
            commands = [Command.clear()]
            if (
                not dashboard._governance_period_problem()
                and self.env.user._governance_in_company(dashboard.company_id._origin)
            ):
                # _origin: in the form, new records with ids no query knows
                rows = self._governance_bottlenecks(
                    *dashboard._period(),
                    dashboard.company_id._origin,
                    dashboard.department_ids._origin,
                )
                commands += [
                    Command.create(
                        {
                            "rank": rank,
                            "stage_id": row["stage"].id,
                            "volume": row["volume"],
                            "avg_wait_hours": row["avg_wait"],
                            "order_hours": row["order_hours"],
                            "breach_rate": row["breach_rate"],
                            "open_count": row["open_count"],
                            "previous_volume": row["previous_volume"],
                            "previous_order_hours": row["previous_order_hours"],
                            "has_previous": row["change_rate"] is not None,
                            "change_rate": row["change_rate"] or 0.0,
                        }
                    )
                    for rank, row in enumerate(rows, start=1)
                ]
            dashboard.line_ids = commands

    @api.depends("line_ids")
    def _compute_headline(self):
        for dashboard in self:
            top = dashboard.line_ids.sorted("rank")[:1]
            if not top or not top.order_hours:
                dashboard.headline = _("No stage handed an order over in the period.")
            else:
                dashboard.headline = top._governance_summary()

    @api.model
    def _governance_bottlenecks(self, start, end, companies, departments=None):
        """Per working stage, the stays handed over in [start, end) and in the
        period of the same length before it, read from the stage performance
        view as the user (his record rules apply: a manager measures his
        departments only). Sorted by order-hours, the most first."""
        scope = [
            ("company_id", "in", companies.ids),
            ("is_working_stage", "=", True),
        ]
        if departments:
            scope.append(("department_id", "in", departments.ids))
        current = self._handed_over(scope, start, end)
        previous = self._handed_over(scope, start - (end - start), start)
        open_now = dict(
            self.env["order.governance.backlog.report"]._read_group(
                [
                    (name, operator, value)
                    for name, operator, value in scope
                    if name != "is_working_stage"
                ],
                ["stage_id"],
                ["__count"],
            )
        )
        rows = []
        for stage in (current.keys() | previous.keys() | open_now.keys()) - {False}:
            volume, hours, breached = current.get(stage, (0, 0.0, 0))
            previous_volume, previous_hours, _breached = previous.get(
                stage, (0, 0.0, 0)
            )
            rows.append(
                {
                    "stage": stage,
                    "volume": volume,
                    "order_hours": hours,
                    "avg_wait": hours / volume if volume else 0.0,
                    "breach_rate": 100.0 * breached / volume if volume else 0.0,
                    "open_count": open_now.get(stage, 0),
                    "previous_volume": previous_volume,
                    "previous_order_hours": previous_hours,
                    # no order-hours before: no change to speak of
                    "change_rate": 100.0 * (hours - previous_hours) / previous_hours
                    if previous_hours
                    else None,
                }
            )
        rows.sort(key=lambda row: (-row["order_hours"], row["stage"].sequence))
        return rows

    def _handed_over(self, scope, start, end):
        """{stage: (stays left, their working hours, breached)} in [start, end)."""
        groups = self.env["order.governance.kpi.report"]._read_group(
            [*scope, ("date_out", ">=", start), ("date_out", "<", end)],
            ["stage_id"],
            ["__count", "duration_hours:sum", "breached_count:sum"],
        )
        return {
            stage: (count, hours or 0.0, breached)
            for stage, count, hours, breached in groups
        }

    def action_open_chart(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Bottlenecks"),
            "res_model": "order.governance.bottleneck.line",
            "view_mode": "graph,list",
            "domain": [("bottleneck_id", "=", self.id)],
            "context": {"create": False},
        }
