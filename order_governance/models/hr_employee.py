from odoo import api, models


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    @api.model_create_multi
    def create(self, vals_list):
        employees = super().create(vals_list)
        if employees.filtered("user_id"):  # only users' departments feed the rules
            self.env["res.users"]._governance_clear_access_cache()
        return employees

    def write(self, vals):
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
