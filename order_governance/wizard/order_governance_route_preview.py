from odoo import api, fields, models


class OrderGovernanceRoutePreview(models.TransientModel):
    _name = "order.governance.route.preview"
    _description = "Routing Preview of an Order"

    order_id = fields.Many2one(
        comodel_name="sale.order",
        help="The order to route: each stage of its flow shows who would be "
        "responsible now, and why.",
    )
    preview_html = fields.Html(
        string="Routing",
        compute="_compute_preview_html",
        sanitize=False,
    )

    @api.depends("order_id")
    @api.depends_context("lang")
    def _compute_display_name(self):
        for wizard in self:
            wizard.display_name = (
                self.env._("Routing Preview: %s", wizard.order_id.name)
                if wizard.order_id
                else self.env._("Routing Preview")
            )

    @api.depends("order_id")
    def _compute_preview_html(self):
        for wizard in self:
            rows = wizard.order_id.governance_route_preview() if wizard.order_id else []
            wizard.preview_html = self.env["ir.qweb"]._render(
                "order_governance.route_preview_table", {"rows": rows}
            )
