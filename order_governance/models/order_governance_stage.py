from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

SALE_EVENTS = [
    ("quotation_sent", "Quotation sent"),
    ("confirmed", "Order confirmed"),
    ("invoiced", "Fully invoiced"),
    ("cancelled", "Order cancelled"),
]

# resource.calendar.plan_hours looks 100 fortnights ahead at most, then gives up:
# 2,000 working hours fit in that window for any calendar of 10 hours a week or more.
MAX_SLA_HOURS = 2000


class OrderGovernanceStage(models.Model):
    _name = "order.governance.stage"
    _description = "Governed Order Stage"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
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
        help="Fold this stage's column in the order kanban.",
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
        help="Working time in which the SLA is counted; empty: the company's "
        "working calendar.",
    )
    activity_type_id = fields.Many2one(
        comodel_name="mail.activity.type",
        default=lambda self: self.env.ref("mail.mail_activity_data_todo", False),
        domain="[('res_model', 'in', (False, 'sale.order'))]",
        help="The activity given to the responsible person when an order enters "
        "this stage.",
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
    sale_event = fields.Selection(
        selection=SALE_EVENTS,
        help="When this event happens on an order, the order moves into this stage "
        "by itself (never backwards, except into a cancel stage).",
    )
    color = fields.Integer()

    @api.constrains("sla_hours")
    def _check_sla_hours(self):
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
