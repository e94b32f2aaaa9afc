from odoo import _, api, models
from odoo.exceptions import AccessError

# The engine writes its handoff messages with this object in its context (see
# SaleOrder._governance_post_handoffs): a client's context (JSON) cannot hold it,
# so neither a user nor a sudo flow fed by a client (the chatter's post route
# takes a subtype) writes a message with the handoff subtype.
HANDOFF_WRITER = object()
# What a user may still change on a message that shows a handoff: his star on
# it (the message's side of the relation the partner's star writes).
SIDE_FIELDS = {"starred_partner_ids"}


class MailMessage(models.Model):
    """The messages of the chatter that show a handoff (the handoff subtype) or
    field changes (tracking values) are the audit trail: written by the engine
    and Odoo's tracking, which run as superuser, never by a user."""

    _inherit = "mail.message"

    @api.model_create_multi
    def create(self, vals_list):
        default_subtype = self.env.context.get("default_subtype_id")
        for vals in vals_list:
            if (
                self._governance_is_handoff(vals.get("subtype_id", default_subtype))
                and not self._governance_engine_writes()
            ) or (vals.get("tracking_value_ids") and not self.env.su):
                raise AccessError(self._governance_post_error())
        return super().create(vals_list)

    def write(self, vals):
        if (
            self._governance_is_handoff(vals.get("subtype_id"))
            and not self._governance_engine_writes()
        ):
            raise AccessError(self._governance_post_error())
        if not self.env.su and (
            vals.get("tracking_value_ids")
            or (not vals.keys() <= SIDE_FIELDS and self._governance_handoffs())
        ):
            raise AccessError(self._governance_change_error())
        return super().write(vals)

    def unlink(self):
        if not self.env.su and self._governance_handoffs():
            raise AccessError(self._governance_change_error())
        return super().unlink()

    @api.model
    def _governance_handoff_subtype_id(self):
        return self.env["ir.model.data"]._xmlid_to_res_id(
            "order_governance.mt_governance_handoff", raise_if_not_found=False
        )

    @api.model
    def _governance_is_handoff(self, subtype):
        """Whether ``subtype``, a value of ``subtype_id`` as create and write take
        it (an id, a record, an (id, name) pair, or a string PostgreSQL would
        cast), is the handoff subtype."""
        if isinstance(subtype, models.BaseModel):
            subtype = subtype.id
        elif isinstance(subtype, list | tuple):
            subtype = subtype[0] if subtype else False
        try:
            subtype_id = int(subtype or 0)
        except (TypeError, ValueError):
            return False
        return bool(subtype_id) and subtype_id == self._governance_handoff_subtype_id()

    def _governance_engine_writes(self):
        return (
            self.env.su
            and self.env.context.get("governance_handoff_writer") is HANDOFF_WRITER
        )

    def _governance_handoffs(self):
        """The messages of ``self`` that show a handoff or field changes (read
        as superuser: the tracking values are an administrator's model)."""
        handoff = self._governance_handoff_subtype_id()
        return self.sudo().filtered(
            lambda message: message.subtype_id.id == handoff
            or message.tracking_value_ids
        )

    def _governance_post_error(self):
        return _(
            "Handoffs and field changes are written in the chatter by Odoo when "
            "the record changes: they cannot be posted."
        )

    def _governance_change_error(self):
        return _(
            "The handoffs and field changes in the chatter are its audit trail: "
            "they cannot be edited or deleted, nor moved to another message."
        )
