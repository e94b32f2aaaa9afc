from odoo import SUPERUSER_ID, api, fields, models

# Who decides the department chart (and so who manages which orders).
HR_AUTHORITY_GROUPS = (
    "hr.group_hr_user",
    "base.group_system",
    "order_governance.group_governance_admin",
)

# Absences on a person's own resource, approved: last written by HR or an
# administrator (anyone may write resource.calendar.leaves) ...
ABSENCES_SQL = """
    SELECT resource.user_id, MAX(leave.date_to)
      FROM resource_calendar_leaves leave
      JOIN resource_resource resource ON resource.id = leave.resource_id
     WHERE resource.user_id IS NOT NULL
       AND leave.date_from <= %(when)s AND leave.date_to > %(when)s
       AND (leave.write_uid = %(superuser)s OR leave.write_uid IN (
            SELECT uid FROM res_groups_users_rel WHERE gid = ANY(%(groups)s)))
  GROUP BY resource.user_id
"""
# ... or, with Time Off, the leave of a validated request of that employee.
ABSENCES_WITH_TIME_OFF_SQL = """
    SELECT resource.user_id, MAX(leave.date_to)
      FROM resource_calendar_leaves leave
      JOIN resource_resource resource ON resource.id = leave.resource_id
     WHERE resource.user_id IS NOT NULL
       AND leave.date_from <= %(when)s AND leave.date_to > %(when)s
       AND (leave.write_uid = %(superuser)s
            OR leave.write_uid IN (
               SELECT uid FROM res_groups_users_rel WHERE gid = ANY(%(groups)s))
            OR EXISTS (
               SELECT 1 FROM hr_leave request
                 JOIN hr_employee employee ON employee.id = request.employee_id
                WHERE request.id = leave.holiday_id
                  AND request.state = 'validate'
                  AND employee.resource_id = leave.resource_id))
  GROUP BY resource.user_id
"""


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

    def _governance_my_departments(self):
        """*My Department*: the departments this user works in, and those he
        manages with their sub-departments (what his record rules let him see)."""
        self.ensure_one()
        return self.governance_department_ids | self.governance_managed_department_ids

    @api.depends_context("governance_show_load")
    def _compute_display_name(self):
        """With ``governance_show_load`` in the context (the Reassign wizard), each
        person's open orders: who can take one more."""
        super()._compute_display_name()
        if not self.env.context.get("governance_show_load"):
            return
        load = self._governance_open_load()
        for user in self:
            user.display_name = self.env._(
                "%(name)s (%(count)s open)",
                name=user.display_name,
                count=load.get(user.id, 0),
            )

    def _governance_open_load(self, exclude_order_ids=()):
        """``{user id: open orders he is responsible for}`` in one query."""
        groups = (
            self.env["sale.order"]
            .sudo()
            ._read_group(
                [
                    ("responsible_user_id", "in", self.ids),
                    ("governance_stage_id.is_final", "=", False),
                    ("governance_stage_id.is_cancel", "=", False),
                    ("id", "not in", list(exclude_order_ids)),
                ],
                ["responsible_user_id"],
                ["__count"],
            )
        )
        return {user.id: count for user, count in groups}

    def _governance_clear_access_cache(self):
        """Record rules read departments and managers; their domains are cached per
        user. Drop the cache so that a change of department or manager shows at once
        (the registry signals the other workers)."""
        self.env.registry.clear_cache()
        self.env["res.users"].invalidate_model(
            ["governance_department_ids", "governance_managed_department_ids"]
        )

    def _governance_is_hr_authority(self):
        """HR officers, settings and governance administrators (and Odoo itself)
        change the department chart and count absences."""
        self.ensure_one()
        return self.id == SUPERUSER_ID or any(
            self.has_group(group) for group in HR_AUTHORITY_GROUPS
        )

    def _governance_in_company(self, company):
        """Whether this user works for ``company`` (Odoo itself does for all): a
        wizard that reads as superuser serves the user's companies only."""
        self.ensure_one()
        return self.id == SUPERUSER_ID or company in self.company_ids

    def _is_governance_officer(self):
        self.ensure_one()
        return self._is_superuser() or self.has_group(
            "order_governance.group_governance_officer"
        )

    @api.model
    def _governance_absences(self, when=None):
        """``{user id: end of leave}`` of the users absent at ``when`` (now): time
        off on their employee's own resource (what the Time Off app writes; the
        company's public holidays are not anyone's absence).

        Only approved absences count: Odoo lets everyone write
        ``resource.calendar.leaves``, and a self-declared leave would take a
        person out of the round robin. Approved means last written by HR (or an
        administrator), or the leave of a validated Time Off request of that
        employee when Time Off is installed."""
        when = when or fields.Datetime.now()
        Leave = self.env["resource.calendar.leaves"]
        with_time_off = "holiday_id" in Leave._fields
        Leave.flush_model(
            ["resource_id", "date_from", "date_to", "write_uid"]
            + (["holiday_id"] if with_time_off else [])
        )
        if with_time_off:
            self.env["hr.leave"].flush_model(["state", "employee_id"])
        self.env.cr.execute(
            ABSENCES_WITH_TIME_OFF_SQL if with_time_off else ABSENCES_SQL,
            {
                "when": when,
                "superuser": SUPERUSER_ID,
                "groups": self._governance_hr_authority_group_ids(),
            },
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _governance_hr_authority_group_ids(self):
        IrModelData = self.env["ir.model.data"]
        return [
            group_id
            for group_id in (
                IrModelData._xmlid_to_res_id(xmlid, raise_if_not_found=False)
                for xmlid in HR_AUTHORITY_GROUPS
            )
            if group_id
        ]
