from odoo import _, api, models
from odoo.exceptions import AccessError

from .field_changes import changed_fields, field_labels

# An employee's department makes him one of its executors (and its orders his);
# his user links him to it.
AUTHORITY_FIELDS = ("department_id", "user_id", "company_id", "active")


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    @api.model_create_multi
    def create(self, vals_list):
        employees = super().create(vals_list)
        if employees.filtered("user_id"):  # only users' departments feed the rules
            self.env["res.users"]._governance_clear_access_cache()
        return employees

    def write(self, vals):
        self._governance_check_authority_change(vals)
        res = super().write(vals)
        if {"department_id", "user_id", "active", "company_id"} & set(vals):
            self.env["res.users"]._governance_clear_access_cache()
        return res

    def unlink(self):
        had_users = bool(self.filtered("user_id"))
        res = super().unlink()
        if had_users:
            self.env["res.users"]._governance_clear_access_cache()
        return res

    def _governance_check_authority_change(self, vals):
        """Whom an employee works for is HR's to decide. Checked on the real user,
        not the environment: Odoo's *edit your own profile* writes the employee as
        superuser on behalf of the user."""
        changed = changed_fields(self, vals, AUTHORITY_FIELDS)
        if changed and not self.env.user._governance_is_hr_authority():
            raise AccessError(
                _(
                    "Only HR officers and order governance administrators may change "
                    "an employee's %(fields)s: it decides which orders he works on.",
                    fields=field_labels(self, changed),
                )
            )
