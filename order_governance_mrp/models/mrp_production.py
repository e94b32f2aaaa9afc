from odoo import _, api, fields, models
from odoo.exceptions import AccessError

# writes after which a manufacturing order may have started, finished or stopped
STATE_FIELDS = {"state", "qty_producing"}
# the states in which a manufacturing order can raise an event (started, produced,
# or cancelled: the last one open may complete the production)
EVENT_STATES = ("progress", "to_close", "done", "cancel")


class MrpProduction(models.Model):
    _inherit = "mrp.production"

    # computed as superuser: production staff see where the order is without the
    # sales groups
    governance_order_id = fields.Many2one(
        comodel_name="sale.order",
        string="Governed Order",
        compute="_compute_governance_order",
        compute_sudo=True,
    )
    governance_stage_id = fields.Many2one(
        comodel_name="order.governance.stage",
        string="Order Stage",
        compute="_compute_governance_order",
        compute_sudo=True,
    )
    governance_department_id = fields.Many2one(
        comodel_name="hr.department",
        string="Order Responsible Department",
        compute="_compute_governance_order",
        compute_sudo=True,
    )

    @api.depends("sale_line_id", "procurement_group_id")
    def _compute_governance_order(self):
        for production in self:
            order = production._governance_sale_orders()[:1]
            production.governance_order_id = order
            production.governance_stage_id = order.governance_stage_id
            production.governance_department_id = order.responsible_department_id

    def _governance_sale_orders(self):
        """The sale orders these manufacturing orders were made for (as sale_mrp
        links them: the sale line, or the procurement group's chain)."""
        productions = self.sudo()
        return (
            productions.procurement_group_id.mrp_production_ids.move_dest_ids.group_id.sale_id
            | productions.sale_line_id.order_id
        )

    def _governance_raise_events(self):
        orders = self._governance_sale_orders()
        if orders:
            orders._governance_raise_execution_events(documents=self)
            # computed from the procurement chain, which may still be growing (a
            # child MO created after this one): read again when next asked
            orders.invalidate_recordset(["mrp_production_ids", "mrp_production_count"])

    def write(self, vals):
        if STATE_FIELDS & set(vals):
            self._governance_check_state_writer()
        res = super().write(vals)
        if STATE_FIELDS & set(vals):
            # not while MOs are created and confirmed (no event can hold then):
            # the order's MOs would be read before the procurement made them all
            self.filtered(lambda p: p.state in EVENT_STATES)._governance_raise_events()
        return res

    def _governance_check_state_writer(self):
        """A manufacturing order's state moves its sale order (events): written
        by Manufacturing's people and Odoo's flows, not by a salesman who may
        write the record through sale_mrp's access rights."""
        if self.env.su or self.env.user.has_group("mrp.group_mrp_user"):
            return
        raise AccessError(
            _(
                "Only Manufacturing users change the state of a manufacturing "
                "order: it moves the sale order it was made for."
            )
        )

    def button_mark_done(self):
        res = super().button_mark_done()
        self._governance_raise_events()
        return res

    def action_cancel(self):
        res = super().action_cancel()
        self._governance_raise_events()
        return res
