from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError


class MailActivity(models.Model):
    _inherit = "mail.activity"

    governance_log_id = fields.Many2one(
        comodel_name="order.governance.stage.log",
        string="Stay",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The stay of an order in a stage this activity belongs to: it is "
        "closed when the order leaves the stage.",
    )

    @api.model
    def default_get(self, fields_list):
        defaults = super().default_get(fields_list)
        if not self.env.su:
            defaults.pop("governance_log_id", None)
        return defaults

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("governance_log_id") for vals in vals_list):
            self._governance_check_link()
        return super().create(vals_list)

    def write(self, vals):
        if "governance_log_id" in vals:
            self._governance_check_link()
        return super().write(vals)

    def _governance_check_link(self):
        """Closing a stay deletes its activities: only the module links them."""
        if not self.env.su:
            raise AccessError(
                _("Only Order Governance links activities to a stay of an order.")
            )

    def _governance_done(self, feedback):
        """Mark stage activities done in one batch: one note per order, written
        together (Odoo's action_feedback renders and posts one message per activity,
        which would make a move of many orders cost queries per order)."""
        if not self:
            return
        bodies = {
            activity.res_id: Markup("<p>%s: %s</p><p>%s</p>")
            % (activity.activity_type_id.name, activity.summary or "", feedback)
            for activity in self
        }
        self.env["sale.order"].sudo().browse(list(bodies))._message_log_batch(
            bodies=bodies
        )
        keep = self.filtered("activity_type_id.keep_done")
        keep.sudo().write({"active": False})  # date_done is computed on archiving
        (self - keep).sudo().unlink()
