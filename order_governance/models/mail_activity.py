from markupsafe import Markup

from odoo import fields, models


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
