from odoo import api, fields, models
from odoo.tools import format_datetime


class ReportResponsibilityMatrix(models.AbstractModel):
    """The printed responsibility matrix: its data computed here, not in the
    template (QWeb does not call private methods)."""

    _name = "report.order_governance.report_responsibility_matrix"
    _description = "Responsibility Matrix Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["order.governance.matrix"].browse(docids)
        return {
            "docs": docs,
            "matrices": {doc.id: doc._matrix_data() for doc in docs},
            # in the reader's time zone and language
            "printed_on": format_datetime(
                self.env, fields.Datetime.now(), tz=self.env.user.tz or "UTC"
            ),
        }
