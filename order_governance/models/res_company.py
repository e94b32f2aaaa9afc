from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    order_management_department_id = fields.Many2one(
        comodel_name="hr.department",
        check_company=True,
        help="The department that leads the order process: the default accountable "
        "department of every governed stage and the fallback owner of new orders.",
    )
