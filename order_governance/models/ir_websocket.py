from odoo import models

from .order_governance_flow_mixin import LIVE_CHANNEL


class IrWebsocket(models.AbstractModel):
    _inherit = "ir.websocket"

    def _build_bus_channel_list(self, channels):
        """Sales users listen to the handoffs of their companies' orders: the
        notifications carry ids only, each client reloads what its user may read."""
        user = self.env.user
        if user and not user._is_public() and user._is_internal():
            if user.has_group("sales_team.group_sale_salesman"):
                channels = list(channels)
                channels.extend((company, LIVE_CHANNEL) for company in user.company_ids)
        return super()._build_bus_channel_list(channels)
