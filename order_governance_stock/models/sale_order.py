from odoo import _, models

STOCK_EVENTS = ("delivery_started", "delivered")
OPEN = ("done", "cancel")


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _governance_execution_events(self):
        """``delivery_started``: an outgoing transfer of the order is done;
        ``delivered``: Odoo's delivery status says fully delivered."""
        events = super()._governance_execution_events()
        for order in self.sudo():
            outgoing = order._governance_deliveries()
            if outgoing.filtered(lambda p: p.state == "done"):
                events[order.id].add("delivery_started")
            if order.delivery_status == "full":
                events[order.id].add("delivered")
        return events

    def _governance_deliveries(self):
        """The order's transfers to the customer (returns excluded)."""
        self.ensure_one()
        return self.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")

    def _governance_open_transfers(self):
        """Transfers still to do (the steps before delivery included, returns not)."""
        self.ensure_one()
        return self.picking_ids.filtered(
            lambda p: p.state not in OPEN and p.picking_type_code != "incoming"
        )

    def _governance_execution_pending(self, kind):
        result = super()._governance_execution_pending(kind)
        if kind not in ("reserved", "delivered"):
            return result
        for order in self.sudo():
            todo = order._governance_open_transfers()
            if kind == "reserved":
                todo = todo.filtered(lambda p: p.state != "assigned")
            result[order.id].extend(
                _("%(transfer)s (%(state)s)", transfer=p.name, state=state)
                for p in todo
                for state in [p._fields["state"].convert_to_export(p.state, p)]
            )
        return result

    def _governance_responsible_changed(self):
        """The responsible person of a stage that executes the transfers becomes
        their Responsible (one write per person)."""
        res = super()._governance_responsible_changed()
        self._governance_assign_documents(
            "assign_transfers", lambda order: order._governance_open_transfers()
        )
        return res

    def _governance_execution_sections(self):
        sections = super()._governance_execution_sections()
        order = self.sudo()
        department = order._governance_executing_department(
            (*STOCK_EVENTS, "reserved"), lambda stage: stage.assign_transfers
        )
        transfers = order.picking_ids.sorted("id")
        sections.insert(
            0,
            {
                "title": _("Transfers"),
                "department": department.name,
                "rows": self._governance_execution_rows(
                    transfers,
                    lambda p: p._fields["state"].convert_to_export(p.state, p),
                    lambda p: p.user_id.name,
                ),
            },
        )
        return sections
