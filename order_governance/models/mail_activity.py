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

    def _action_done(self, feedback=False, attachment_ids=None):
        """Marking one's own norms-reading activity done acknowledges the version
        in force, as I Have Read the Norms does; someone else's, never."""
        reading_type = self.env.ref(
            "order_governance.mail_activity_type_read_norms", raise_if_not_found=False
        )
        own = self.filtered(
            lambda a: reading_type
            and a.activity_type_id == reading_type
            and a.res_model == "order.governance.stage"
            and a.user_id == self.env.user
        )
        if own:
            stages = self.env["order.governance.stage"].browse(own.mapped("res_id"))
            stages.exists()._governance_record_acks(self.env.user)
        return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)

    def _governance_check_link(self):
        """Closing a stay deletes its activities: only the module links them."""
        if not self.env.su:
            raise AccessError(
                _("Only Order Governance links activities to a stay of an order.")
            )

    def _governance_done(self):
        """Close stage activities in one batch, without a message of their own: the
        handoff's tracking message already says who moved the order where. Odoo's
        action_feedback would post one more message per activity (and cost queries
        per order). Archived (done), not deleted: a deletion empties the whole ORM
        cache in the middle of the action that moved the order (a confirmation
        creating its transfers), which Odoo's own flows do not expect."""
        if not self:
            return
        due = self.filtered(lambda a: a.date_deadline <= fields.Date.today())
        self.sudo().write({"active": False})  # date_done is computed on archiving
        # the assignees' activity counters, as an unlink would update them
        due.user_id._bus_send("mail.activity/updated", {"activity_deleted": True})
