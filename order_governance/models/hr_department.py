from odoo import api, models


class HrDepartment(models.Model):
    _inherit = "hr.department"

    @api.model_create_multi
    def create(self, vals_list):
        departments = super().create(vals_list)
        # managers' subtrees feed the rules: a new managed or child department counts
        if departments.filtered(lambda d: d.manager_id or d.parent_id):
            self.env["res.users"]._governance_clear_access_cache()
        return departments

    def write(self, vals):
        res = super().write(vals)
        if {"manager_id", "parent_id", "active", "company_id"} & set(vals):
            self.env["res.users"]._governance_clear_access_cache()
        return res

    def _governance_manager_user(self):
        """The department manager's user, else the nearest parent manager's."""
        self.ensure_one()
        department = self
        while department:
            if department.manager_id.user_id.active:
                return department.manager_id.user_id
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
