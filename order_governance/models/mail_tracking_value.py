from odoo import _, api, models
from odoo.exceptions import AccessError

# Odoo's mail writes the label of a deleted field on its tracking values while
# the field is being deleted (ir.model.fields.unlink, below with this object in
# its context): the one write of tracking values left to an administrator.
FIELD_UNLINK = object()


class MailTrackingValue(models.Model):
    """A line of a chatter message that shows a field's old and new value: Odoo's
    tracking and the engine write them as superuser; nobody else, administrators
    included, creates, edits or deletes one."""

    _inherit = "mail.tracking.value"

    @api.model_create_multi
    def create(self, vals_list):
        self._governance_check_engine()
        return super().create(vals_list)

    def write(self, vals):
        if not (
            vals.keys() == {"field_info"}
            and self.env.context.get("governance_field_unlink") is FIELD_UNLINK
        ):
            self._governance_check_engine()
        return super().write(vals)

    def unlink(self):
        self._governance_check_engine()
        return super().unlink()

    def _governance_check_engine(self):
        if not self.env.su:
            raise AccessError(
                _(
                    "The field changes shown in the chatter are recorded by Odoo "
                    "when a record changes: they cannot be created, edited or "
                    "deleted."
                )
            )
