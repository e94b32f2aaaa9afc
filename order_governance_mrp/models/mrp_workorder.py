from odoo import models


class MrpWorkorder(models.Model):
    _inherit = "mrp.workorder"

    def button_start(self, raise_on_invalid_state=False):
        res = super().button_start(raise_on_invalid_state=raise_on_invalid_state)
        # a started work order puts its manufacturing order in progress
        self.production_id._governance_raise_events()
        return res
