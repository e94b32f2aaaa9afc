from datetime import timedelta

from odoo import api, fields, models


class OrderGovernanceDemo(models.AbstractModel):
    """Builds the demo histories (called from the demo data only)."""

    _name = "order.governance.demo"
    _description = "Order Governance Demo Builder"

    @api.model
    def _build_histories(self, order_xmlids):
        """Walk the demo orders through the flow, then spread their stays over the
        last 60 days, so that the reports have something to show."""
        now = fields.Datetime.now()
        Stay = self.env["order.governance.stage.log"].sudo()
        for index, xmlid in enumerate(order_xmlids):
            order = self.env.ref(xmlid).sudo()
            self._walk(order, index)
            stays = Stay.search([("order_id", "=", order.id)], order="id")
            moment = now - timedelta(days=60 - index * 2.4)
            order.date_order = moment
            for step, stay in enumerate(stays):
                hours = 2 + (index * 7 + step * 13) % 30
                stay.date_in = moment
                moment = min(moment + timedelta(hours=hours), now)
                if stay.date_out:
                    stay.date_out = moment
            order._governance_engine().stage_entered_at = stays[-1:].date_in

    @api.model
    def _walk(self, order, index):
        """Move ``order`` along the flow as the n-th demo order, with some rework
        and cancellations."""
        steps = index % 6
        if index % 7 == 6:
            order._action_cancel()
            return
        if steps >= 1:
            order.action_confirm()
        for step in range(2, steps + 1):
            if step == 3 and index % 4 == 0:
                order.governance_move(
                    order._governance_stages_of(order.company_id).filtered(
                        lambda s: s.code == "confirmed"
                    ),
                    reason=self.env._("Production found a missing specification."),
                )
            order.governance_check_line_ids.filtered(
                lambda line: not line.automatic and not line.done
            ).action_tick()
            order.action_governance_next()
