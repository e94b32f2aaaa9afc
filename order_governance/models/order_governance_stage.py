import math

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

SALE_EVENTS = [
    ("quotation_sent", "Quotation sent"),
    ("confirmed", "Order confirmed"),
    ("invoiced", "Fully invoiced"),
    ("paid", "Paid"),
    ("cancelled", "Order cancelled"),
]

# resource.calendar.plan_hours looks 100 fortnights ahead at most, then gives up:
# 2,000 working hours fit in that window for any calendar of 10 hours a week or more.
MAX_SLA_HOURS = 2000


class OrderGovernanceStage(models.Model):
    _name = "order.governance.stage"
    _inherit = ["order.governance.impact.mixin", "order.governance.norms.mixin"]
    _description = "Governed Order Stage"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    portal_name = fields.Char(
        string="Name for the Customer",
        translate=True,
        help="How the customer reads this step on his order page, e.g. 'We are "
        "making your order'. Empty: the step is not shown to customers; its time "
        "counts in the step shown before it.",
    )
    code = fields.Char(
        help="Stable technical name for integrations and reports, e.g. 'shipping'."
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        index=True,
        help="Leave empty to use the stage in every company.",
    )
    fold = fields.Boolean(
        string="Folded in Kanban",
        compute="_compute_fold",
        store=True,
        readonly=False,
        help="Fold this stage's column in the order kanban. Final and cancel "
        "stages fold by default: the desk shows the work still to do.",
    )
    is_final = fields.Boolean(
        string="Final Stage",
        help="An order in this stage is complete: it has no next stage.",
    )
    is_cancel = fields.Boolean(
        string="Cancel Stage",
        help="Never the 'next' stage: orders enter it when they are cancelled or "
        "when an officer moves them there.",
    )
    responsible_department_id = fields.Many2one(
        comodel_name="hr.department",
        help="RACI 'R': the department that executes this stage, unless a "
        "responsibility rule picks another one.",
    )
    accountable_department_id = fields.Many2one(
        comodel_name="hr.department",
        compute="_compute_accountable_department_id",
        store=True,
        readonly=False,
        help="RACI 'A': the department that answers for this stage. Defaults to the "
        "company's order management department.",
    )
    consulted_department_ids = fields.Many2many(
        comodel_name="hr.department",
        relation="order_governance_stage_consulted_rel",
        column1="stage_id",
        column2="department_id",
        string="Consulted Departments",
        help="RACI 'C': departments whose managers are consulted on entry.",
    )
    informed_department_ids = fields.Many2many(
        comodel_name="hr.department",
        relation="order_governance_stage_informed_rel",
        column1="stage_id",
        column2="department_id",
        string="Informed Departments",
        help="RACI 'I': departments whose managers are informed on entry.",
    )
    sla_hours = fields.Float(
        string="SLA (working hours)",
        help="Working hours an order may stay in this stage; 0 means no SLA.",
    )
    calendar_id = fields.Many2one(
        comodel_name="resource.calendar",
        string="Working Calendar",
        help="Working time in which the SLA is counted. Empty: the working hours of "
        "the order's company.",
    )
    # the stage's own field, not mail.activity.mixin's "next activity" (the norms'
    # reading activities hang on the stage): neither related nor searched as it
    activity_type_id = fields.Many2one(
        comodel_name="mail.activity.type",
        string="Activity Type",
        related=None,
        search=None,
        groups=None,
        readonly=False,
        default=lambda self: self.env.ref("mail.mail_activity_data_todo", False),
        domain="[('res_model', 'in', (False, 'sale.order'))]",
        help="The activity given to the responsible person when an order enters "
        "this stage. Empty: a To-Do.",
    )
    check_ids = fields.One2many(
        comodel_name="order.governance.check",
        inverse_name="stage_id",
        string="Exit Criteria",
        copy=True,
    )
    norms = fields.Html(
        string="Operating Norms",
        translate=True,
        help="How the work of this stage is done; shown on the order while it is "
        "in this stage.",
    )
    applicability_domain = fields.Char(
        string="Applies To",
        help="Orders this stage applies to (a domain on the order). Empty: every "
        "order. Orders it does not apply to pass over it: Next Stage goes to the next "
        "stage that applies, and the handoff's message names the stages passed over.",
    )
    sale_event = fields.Selection(
        selection=SALE_EVENTS,
        help="When this event happens on an order, the order moves into this stage "
        "(or the first later stage that applies to it) by itself, never backwards "
        "except into a cancel stage. Paid: the order is fully invoiced and all its "
        "invoices are paid or in payment. Empty: orders come here only when someone "
        "moves them (new orders enter the first stage).",
    )
    color = fields.Integer()
    order_count = fields.Integer(
        string="Orders",
        compute="_compute_order_count",
        groups="sales_team.group_sale_salesman",
        help="Orders in this stage now, among those you may see.",
    )
    rule_count = fields.Integer(
        string="Rules",
        compute="_compute_rule_count",
        groups="order_governance.group_governance_user",
        help="Active responsibility rules for this stage, those for every stage "
        "included.",
    )

    @api.constrains("applicability_domain")
    def _check_applicability_domain(self):
        Rule = self.env["order.governance.rule"]
        for stage in self.filtered("applicability_domain"):
            error = Rule._order_domain_error(stage.applicability_domain)
            if error:
                raise ValidationError(
                    _(
                        "The orders stage %(stage)s applies to are not a valid "
                        "domain: %(error)s",
                        stage=stage.name,
                        error=error,
                    )
                )

    def _governance_applicable_to(self, orders):
        """The orders of ``orders`` this stage applies to: one query, whatever the
        user may read (the flow is the same for everyone)."""
        self.ensure_one()
        if not self.applicability_domain:
            return orders
        found = (
            orders.sudo()
            .with_context(active_test=False)
            .search([("id", "in", orders.ids), *safe_eval(self.applicability_domain)])
        )
        return orders.browse(found.ids)

    @api.constrains("sla_hours")
    def _check_sla_hours(self):
        for stage in self.filtered(lambda s: not math.isfinite(s.sla_hours)):
            raise ValidationError(
                _(
                    "The SLA of stage %s must be a number of working hours.",
                    stage.display_name,
                )
            )
        for stage in self.filtered(lambda s: s.sla_hours < 0):
            raise ValidationError(
                _("The SLA of stage %s cannot be negative.", stage.display_name)
            )
        for stage in self.filtered(lambda s: s.sla_hours > MAX_SLA_HOURS):
            raise ValidationError(
                _(
                    "The SLA of stage %(stage)s is too long: at most %(max)s working "
                    "hours.",
                    stage=stage.display_name,
                    max=MAX_SLA_HOURS,
                )
            )

    # Counted with the reader's rights in the companies he works in.
    @api.depends("is_final", "is_cancel")
    def _compute_fold(self):
        for stage in self:
            stage.fold = stage.is_final or stage.is_cancel

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_order_count(self):
        """One grouped count for all stages, with the user's access rights."""
        groups = self.env["sale.order"]._read_group(
            [("governance_stage_id", "in", self._origin.ids)],
            ["governance_stage_id"],
            ["__count"],
        )
        counts = {stage.id: count for stage, count in groups}
        for stage in self:
            stage.order_count = counts.get(stage._origin.id, 0)

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_rule_count(self):
        """Two grouped counts for all stages (rules naming stages, rules for every
        stage), with the user's access rights; the same rules as
        ``_governance_rule_domain``."""
        Rule = self.env["order.governance.rule"]
        named = Rule._read_group(
            [("stage_ids", "in", self._origin.ids)],
            ["stage_ids", "company_id"],
            ["__count"],
        )
        every = Rule._read_group(
            [("stage_ids", "=", False)], ["company_id"], ["__count"]
        )

        def fits(stage, company):
            # A company's stage takes its company's rules and the shared ones; a
            # shared stage takes every company's.
            return not stage.company_id or not company or company == stage.company_id

        for stage in self:
            stage.rule_count = sum(
                count
                for rule_stage, company, count in named
                if rule_stage.id == stage._origin.id and fits(stage, company)
            ) + sum(count for company, count in every if fits(stage, company))

    @api.depends("company_id")
    def _compute_accountable_department_id(self):
        for stage in self:
            company = stage.company_id or self.env.company
            stage.accountable_department_id = (
                stage.accountable_department_id
                or company.order_management_department_id
            )

    @api.constrains(
        "company_id",
        "responsible_department_id",
        "accountable_department_id",
        "consulted_department_ids",
        "informed_department_ids",
    )
    def _check_department_company(self):
        """A company's stage uses that company's departments; a shared stage (no
        company) may name the departments of any company."""
        for stage in self.filtered("company_id"):
            departments = (
                stage.responsible_department_id
                | stage.accountable_department_id
                | stage.consulted_department_ids
                | stage.informed_department_ids
            )
            foreign = departments.filtered(
                lambda d, s=stage: d.company_id and d.company_id != s.company_id
            )
            if foreign:
                raise ValidationError(
                    _(
                        "Stage %(stage)s belongs to %(company)s but names departments "
                        "of another company: %(departments)s.",
                        stage=stage.display_name,
                        company=stage.company_id.name,
                        departments=", ".join(foreign.mapped("display_name")),
                    )
                )

    def write(self, vals):
        result = super().write(vals)
        if "is_final" in vals:
            self._refresh_lead_time_of_orders_in_stage()
        return result

    def _refresh_lead_time_of_orders_in_stage(self):
        """Orders now in a stage made final (or no longer final) are done (or
        open again): their stored completion and lead time follow at once, not
        at their next move. A configuration change: one UPDATE, however many
        orders."""
        self.flush_recordset(["is_final"])
        self.env.cr.execute(
            SQL(
                "SELECT DISTINCT order_id FROM order_governance_stage_log"
                " WHERE stage_id = ANY(%s) AND date_out IS NULL",
                self.ids,
            )
        )
        order_ids = [order_id for (order_id,) in self.env.cr.fetchall()]
        self.env["sale.order"].browse(order_ids)._governance_refresh_lead_time()

    @api.constrains("is_final", "is_cancel")
    def _check_final_or_cancel(self):
        for stage in self.filtered(lambda s: s.is_final and s.is_cancel):
            raise ValidationError(
                _(
                    "Stage %s cannot be both final and cancel.",
                    stage.display_name,
                )
            )

    @api.constrains("sale_event", "company_id", "active")
    def _check_unique_sale_event(self):
        for stage in self.filtered("sale_event"):
            domain = [("id", "!=", stage.id), ("sale_event", "=", stage.sale_event)]
            if stage.company_id:  # a shared stage clashes with every company's
                domain.append(("company_id", "in", [stage.company_id.id, False]))
            clash = self.search_count(domain)
            if clash:
                raise ValidationError(
                    _(
                        "Only one active stage may be entered on the event '%s'.",
                        dict(SALE_EVENTS)[stage.sale_event],
                    )
                )

    def action_view_orders(self):
        """Smart button: the orders in this stage now."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Orders in %s", self.display_name),
            "res_model": "sale.order",
            "view_mode": "list,kanban,form",
            "views": [(False, "list"), (False, "kanban"), (False, "form")],
            "domain": [("governance_stage_id", "=", self.id)],
            # A new order enters the first stage, not this one.
            "context": {"create": False},
        }

    def action_view_rules(self):
        """Smart button: the responsibility rules that may apply in this stage."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "order_governance.order_governance_rule_action"
        )
        action["name"] = _("Rules for %s", self.display_name)
        action["domain"] = self._governance_rule_domain()
        action["context"] = {"default_stage_ids": self.ids}
        return action

    def _governance_rule_domain(self):
        """Rules that name this stage or every stage, of its company (or of every
        company when the stage is shared)."""
        self.ensure_one()
        domain = ["|", ("stage_ids", "in", self.ids), ("stage_ids", "=", False)]
        if self.company_id:
            domain = expression.AND(
                [domain, [("company_id", "in", [self.company_id.id, False])]]
            )
        return domain

    # ------------------------------------------------------------------
    # RACI-change impact (order.governance.impact.mixin)
    # ------------------------------------------------------------------
    def _governance_impact_orders(self):
        domain = self._governance_open_order_domain()
        domain.append(("governance_stage_id", "=", self.id))
        return self.env["sale.order"].sudo().search(domain, order="id")

    def _governance_reroute_reason(self):
        return _("Re-routed after a change of the stage %s.", self.sudo().name)

    @api.model
    def governance_health_findings(self):
        """What is wrong in the governance set-up of the user's companies: a list
        of dicts ``code``, ``severity`` (``error``/``warning``), ``message``,
        ``res_model``, ``res_id``. For order management officers."""
        return self.env["order.governance.health.finding"]._governance_findings()
