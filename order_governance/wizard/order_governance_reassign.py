from odoo import api, fields, models


class OrderGovernanceReassign(models.TransientModel):
    _name = "order.governance.reassign"
    _description = "Reassign the Responsible of Orders"

    order_ids = fields.Many2many(comodel_name="sale.order", required=True)
    department_id = fields.Many2one(
        comodel_name="hr.department",
        string="Responsible Department",
        required=True,
        compute="_compute_department_id",
        store=True,
        readonly=False,
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Responsible",
        domain="[('id', 'in', member_user_ids)]",
        help="Leave empty to leave the stage to the department as a whole.",
    )
    member_user_ids = fields.Many2many(
        comodel_name="res.users",
        compute="_compute_member_user_ids",
    )

    @api.depends("order_ids")
    def _compute_department_id(self):
        for wizard in self:
            wizard.department_id = wizard.order_ids.responsible_department_id[:1]

    @api.depends("department_id")
    def _compute_member_user_ids(self):
        for wizard in self:
            wizard.member_user_ids = (
                wizard.department_id._governance_member_users()
                if wizard.department_id
                else False
            )

    @api.onchange("department_id")
    def _onchange_department_id(self):
        if self.user_id not in self.member_user_ids:
            self.user_id = False

    def action_reassign(self):
        self.ensure_one()
        self.order_ids.governance_reassign(self.department_id, self.user_id)
        return {"type": "ir.actions.act_window_close"}
