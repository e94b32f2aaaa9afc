from odoo import api, models


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    @api.model_create_multi
    def create(self, vals_list):
        employees = super().create(vals_list)
        self.env["res.users"]._governance_clear_access_cache()
        return employees

    def write(self, vals):
        res = super().write(vals)
        if {"department_id", "user_id", "active", "company_id"} & set(vals):
            self.env["res.users"]._governance_clear_access_cache()
        return res

    def unlink(self):
        res = super().unlink()
        self.env["res.users"]._governance_clear_access_cache()
        return res
