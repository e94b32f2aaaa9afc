from odoo import http
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools import replace_exceptions


class OrderGovernanceWorkbook(http.Controller):
    # Not read-only, unlike /web/content: the export has just written the
    # workbook's attachment on the primary, and a read replica (where read-only
    # requests go) may not have replayed it yet: the download would be a 404.
    @http.route(
        "/order_governance/workbook/<int:attachment_id>",
        type="http",
        auth="user",
        readonly=False,
    )
    def download_workbook(self, attachment_id):
        """The workbook the user has just exported, as /web/content gives it:
        with his access to the attachment (his own, linked to no record)."""
        binary = request.env["ir.binary"]
        with replace_exceptions(UserError, by=request.not_found()):
            record = binary._find_record(res_id=attachment_id, field="raw")
            stream = binary._get_stream_from(record, "raw")
        return stream.get_response(as_attachment=True)
