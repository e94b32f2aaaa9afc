from odoo import models

from .mail_tracking_value import FIELD_UNLINK


class IrModelFields(models.Model):
    _inherit = "ir.model.fields"

    def unlink(self):
        """Mail keeps the label of a deleted tracked field on its tracking values
        (a write the tracking values' guard lets through for this call only)."""
        return super(
            IrModelFields, self.with_context(governance_field_unlink=FIELD_UNLINK)
        ).unlink()
