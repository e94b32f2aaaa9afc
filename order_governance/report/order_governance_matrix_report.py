from odoo import api, models


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
        }
