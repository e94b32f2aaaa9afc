from odoo import api, fields, models


class SaleOrder(models.Model):
    """The count of an order's fulfillment issues, for the Order Desk's card."""

    _inherit = "sale.order"

    governance_issue_count = fields.Integer(
        string="Fulfillment Issues",
        compute="_compute_governance_issue_count",
        help="What keeps the order from being fulfilled now (Orders → "
        "Fulfillment Issues).",
    )

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_governance_issue_count(self):
        saved = self.filtered("id")
        Issue = self.env["order.governance.fulfillment.issue"]
        counts = {}
        # Sales users outside Order Governance read orders too (Odoo's own
        # screens and flows): for them there is nothing to count
        if saved and Issue.has_access("read"):
            counts = {
                order.id: count
                for order, count in Issue._read_group(
                    [("order_id", "in", saved.ids)], ["order_id"], ["__count"]
                )
            }
        for order in self:
            order.governance_issue_count = counts.get(order.id, 0)

    def action_governance_open_issues(self):
        """The fulfillment issues of these orders."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "order_governance.order_governance_fulfillment_issue_action"
        )
        action["domain"] = [("order_id", "in", self.ids)]
        action["context"] = {"group_by": []}
        return action
