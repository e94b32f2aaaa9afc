from odoo import api, fields, models


class OrderGovernanceReassign(models.TransientModel):
    _name = "order.governance.reassign"
    _description = "Reassign the Responsible of Orders"

    order_ids = fields.Many2many(comodel_name="sale.order", required=True)
    allowed_department_ids = fields.Many2many(
        comodel_name="hr.department",
        compute="_compute_allowed_department_ids",
    )
    department_id = fields.Many2one(
        comodel_name="hr.department",
        string="Responsible Department",
        required=True,
        compute="_compute_department_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('id', 'in', allowed_department_ids)]",
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Responsible",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('id', 'in', member_user_ids)]",
        help="Each person shows how many open orders he is responsible for. Leave "
        "empty to leave the stage to the department as a whole.",
    )
    member_user_ids = fields.Many2many(
        comodel_name="res.users",
        compute="_compute_member_user_ids",
    )

    @api.depends("order_ids")
    def _compute_allowed_department_ids(self):
        """Officers reassign to any department of the orders' companies, managers
        within the departments they manage."""
        user = self.env.user
        for wizard in self:
            companies = wizard.order_ids.company_id
            if user._is_governance_officer():
                departments = self.env["hr.department"].search(
                    [("company_id", "in", [*companies.ids, False])]
                )
            else:
                departments = user.governance_managed_department_ids.filtered(
                    lambda d, c=companies: not d.company_id or d.company_id in c
                )
            wizard.allowed_department_ids = departments

    @api.depends("order_ids")
    def _compute_department_id(self):
        for wizard in self:
            current = wizard.order_ids.responsible_department_id
            allowed = wizard.allowed_department_ids._origin
            wizard.department_id = (
                current if len(current) == 1 and current._origin in allowed else False
            )

    @api.depends("department_id")
    def _compute_member_user_ids(self):
        for wizard in self:
            wizard.member_user_ids = (
                wizard.department_id._governance_member_users()
                if wizard.department_id
                else False
            )

    @api.depends("department_id")
    def _compute_user_id(self):
        """The current person, while he belongs to the chosen department."""
        for wizard in self:
            current = wizard.order_ids.responsible_user_id
            members = wizard.member_user_ids._origin
            wizard.user_id = (
                current if len(current) == 1 and current._origin in members else False
            )

    def action_reassign(self):
        self.ensure_one()
        # read before the handoff: the orders may leave the user's sight with it
        orders = self.order_ids
        orders.governance_reassign(self.department_id, self.user_id)
        return orders._governance_action_after_handoff(in_dialog=True)
