from odoo import api, models
from odoo.exceptions import UserError


class ReportGovernanceAgenda(models.AbstractModel):
    """Values of the coordination meeting's agenda, built as the reader."""

    _name = "report.order_governance.report_governance_agenda"
    _description = "Coordination Meeting Agenda"

    @api.model
    def _get_report_values(self, docids, data=None):
        events = self.env["calendar.event"].browse(docids)
        if not all(events.mapped("governance_company_id")):
            raise UserError(self.env._("This event is no order coordination meeting."))
        Meeting = self.env["order.governance.meeting"]
        agendas = {}
        for event in events:
            start, end = event._governance_period()
            agendas[event.id] = {
                "agenda": event._governance_agenda(),
                "date_from": start,
                "date_to": end,
            }
        return {
            "doc_ids": docids,
            "doc_model": "calendar.event",
            "docs": events,
            "agendas": agendas,
            "format_datetime": Meeting._format_datetime,
            "format_hours": self.env["sale.order"]._governance_hours_text,
            "bottleneck_text": Meeting._agenda_bottleneck_text,
        }
