from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import format_date

from .field_changes import changed_fields, field_labels

# The fields the module takes authority from: who manages a department (and so
# moves, cancels and sees its orders), what it belongs to, who stands in.
AUTHORITY_FIELDS = (
    "manager_id",
    "parent_id",
    "company_id",
    "governance_deputy_id",
    "member_ids",
    "active",
)


class HrDepartment(models.Model):
    _inherit = "hr.department"
    # a department is found by its name in the reader's language too (the stored
    # complete name is in the language it was written in)
    _rec_names_search = ["complete_name", "name"]

    governance_deputy_id = fields.Many2one(
        comodel_name="hr.employee",
        string="Deputy",
        check_company=True,
        help="Takes the manager's governed orders and escalations while the manager "
        "is absent (time off on his working calendar). Without a deputy, they go to "
        "the parent department's manager.",
    )

    @api.depends_context("lang", "hierarchical_naming")
    def _compute_display_name(self):
        """The path of names in the reader's language (Odoo's stored complete name
        keeps the language it was computed in): 运营 / 生产 on a Chinese desk."""
        super()._compute_display_name()
        if not self.env.context.get("hierarchical_naming", True):
            return
        # superuser: the parents' names are in every reader's complete name already
        ancestors = self.sudo().browse(
            {int(i) for d in self for i in (d.parent_path or "").split("/") if i}
        )
        name_of = {d.id: d.name for d in ancestors}
        for department in self:
            path = [int(i) for i in (department.parent_path or "").split("/") if i]
            if path and all(i in name_of for i in path):
                department.display_name = " / ".join(name_of[i] for i in path)

    @api.model_create_multi
    def create(self, vals_list):
        departments = super().create(vals_list)
        # managers' subtrees feed the rules: a new managed or child department counts
        if departments.filtered(lambda d: d.manager_id or d.parent_id):
            self.env["res.users"]._governance_clear_access_cache()
        return departments

    def write(self, vals):
        self._governance_check_authority_change(vals)
        res = super().write(vals)
        if {"manager_id", "parent_id", "active", "company_id"} & set(vals):
            self.env["res.users"]._governance_clear_access_cache()
        return res

    def _governance_keep_todo(self, activity_type, user, summary, note, existing):
        """The one open to-do of ``user`` on this department: ``existing`` (his
        open ones of ``activity_type``) updated, else a new one scheduled."""
        self.ensure_one()
        if existing:
            existing.write({"summary": summary, "note": note})
            return existing
        return self.with_context(mail_activity_quick_update=True).activity_schedule(
            activity_type_id=activity_type.id,
            summary=summary,
            note=note,
            user_id=user.id,
        )

    def _governance_check_authority_change(self, vals):
        """Odoo's ``hr`` lets every employee write departments; the module takes
        authority from their managers and tree, so these fields are HR's (or the
        governance administrators') to change, whatever the environment: nobody
        makes himself manager of the department whose orders he wants."""
        changed = changed_fields(self, vals, AUTHORITY_FIELDS)
        if changed and not self.env.user._governance_is_hr_authority():
            raise AccessError(
                _(
                    "Only HR officers and order governance administrators may change "
                    "a department's %(fields)s: they decide who manages which orders.",
                    fields=field_labels(self, changed),
                )
            )

    @api.constrains("governance_deputy_id", "manager_id", "company_id")
    def _check_governance_deputy(self):
        for department in self.sudo():
            deputy = department.governance_deputy_id
            if not deputy:
                continue
            if deputy == department.manager_id:
                raise ValidationError(
                    _(
                        "%(employee)s manages %(department)s: a manager cannot be "
                        "his own deputy.",
                        employee=deputy.name,
                        department=department.display_name,
                    )
                )
            if department.company_id and deputy.company_id != department.company_id:
                raise ValidationError(
                    _(
                        "The deputy of %(department)s must be an employee of "
                        "%(company)s.",
                        department=department.display_name,
                        company=department.company_id.name,
                    )
                )

    def _governance_manager_user(self, notes=None, absent=None):
        """The department manager's user; while he is absent, the department's
        deputy; else the nearest parent manager's (same rule). ``notes``, a list,
        receives a sentence for each absent person passed over; ``absent``: the
        absences (``res.users._governance_absences()``) when the caller has them
        (one query for a whole batch)."""
        self.ensure_one()
        if absent is None:
            absent = self.env["res.users"]._governance_absences()
        department = self
        while department:
            manager = department.manager_id.user_id
            if manager.active and manager.id not in absent:
                return manager
            if manager.active:
                deputy = department.governance_deputy_id.user_id
                if deputy.active and deputy.id not in absent:
                    if notes is not None:
                        notes.append(
                            _(
                                "%(manager)s is on leave until %(date)s: deputy "
                                "%(deputy)s",
                                manager=manager.name,
                                date=format_date(self.env, absent[manager.id]),
                                deputy=deputy.name,
                            )
                        )
                    return deputy
                if notes is not None:
                    notes.append(
                        _(
                            "%(manager)s is on leave until %(date)s",
                            manager=manager.name,
                            date=format_date(self.env, absent[manager.id]),
                        )
                    )
            department = department.parent_id
        return self.env["res.users"]

    def _governance_member_users(self):
        """Active users of the department's employees, in a stable order."""
        self.ensure_one()
        employees = (
            self.env["hr.employee"]
            .sudo()
            .search(
                [
                    ("department_id", "=", self.id),
                    ("user_id", "!=", False),
                    ("user_id.active", "=", True),
                ]
            )
        )
        return employees.user_id.sorted("id")
