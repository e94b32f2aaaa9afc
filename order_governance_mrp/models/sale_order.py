from odoo import _, models

MRP_EVENTS = ("production_started", "produced")
STARTED = ("progress", "to_close", "done")


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _governance_execution_events(self):
        """``production_started``: a manufacturing order of the order is in
        progress; ``produced``: all of them are done or cancelled, one at least
        done."""
        events = super()._governance_execution_events()
        for order in self.sudo():
            productions = order.mrp_production_ids
            if productions.filtered(lambda p: p.state in STARTED):
                events[order.id].add("production_started")
            done = productions.filtered(lambda p: p.state == "done")
            if done and all(p.state in ("done", "cancel") for p in productions):
                events[order.id].add("produced")
        return events

    def _governance_open_productions(self):
        self.ensure_one()
        return self.mrp_production_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
        )

    def _governance_execution_pending(self, kind):
        result = super()._governance_execution_pending(kind)
        if kind != "produced":
            return result
        for order in self.sudo():
            result[order.id].extend(
                _("%(production)s (%(state)s)", production=p.name, state=state)
                for p in order._governance_open_productions()
                for state in [p._fields["state"].convert_to_export(p.state, p)]
            )
        return result

    def _governance_responsible_changed(self):
        """The responsible person of a stage that executes the manufacturing
        orders becomes their Responsible (one write per person)."""
        res = super()._governance_responsible_changed()
        self._governance_assign_documents(
            "assign_productions", lambda order: order._governance_open_productions()
        )
        return res

    def _governance_execution_sections(self):
        sections = super()._governance_execution_sections()
        order = self.sudo()
        department = order._governance_executing_department(
            MRP_EVENTS, lambda stage: stage.assign_productions
        )
        sections.insert(
            0,
            {
                "title": _("Manufacturing Orders"),
                "department": department.name,
                "rows": self._governance_execution_rows(
                    order.mrp_production_ids.sorted("id"),
                    lambda p: p._fields["state"].convert_to_export(p.state, p),
                    lambda p: p.user_id.name,
                ),
            },
        )
        return sections
