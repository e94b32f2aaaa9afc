from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    governance_department_ids = fields.Many2many(
        comodel_name="hr.department",
        compute="_compute_governance_department_ids",
        string="Governance Departments",
        help="Departments of this user's employees, in every company.",
    )
    governance_managed_department_ids = fields.Many2many(
        comodel_name="hr.department",
        compute="_compute_governance_department_ids",
        string="Managed Departments",
        help="Departments managed by this user's employees, with all their "
        "sub-departments.",
    )

    def _compute_governance_department_ids(self):
        Department = self.env["hr.department"].sudo().with_context(active_test=False)
        # archived employees give no rights, whatever the client's context says
        employees = (
            self.env["hr.employee"]
            .sudo()
            .with_context(active_test=True)
            .search([("user_id", "in", self.ids)])
        )
        for user in self:
            own = employees.filtered(lambda e, u=user: e.user_id == u)
            user.governance_department_ids = own.department_id
            managed = Department.search([("manager_id", "in", own.ids)])
            user.governance_managed_department_ids = (
                Department.search([("id", "child_of", managed.ids)])
                if managed
                else Department
            )

    def _governance_clear_access_cache(self):
        """Record rules read departments and managers; their domains are cached per
        user. Drop the cache so that a change of department or manager shows at once
        (the registry signals the other workers)."""
        self.env.registry.clear_cache()
        self.env["res.users"].invalidate_model(
            ["governance_department_ids", "governance_managed_department_ids"]
        )

    def _is_governance_officer(self):
        self.ensure_one()
        return self._is_superuser() or self.has_group(
            "order_governance.group_governance_officer"
        )
