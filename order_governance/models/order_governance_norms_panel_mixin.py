from odoo import api, fields, models


class OrderGovernanceNormsPanelMixin(models.AbstractModel):
    """The order's Operating Norms panel: the version in force of its stage's
    norms, the training material, and I Have Read the Norms."""

    _name = "order.governance.norms.panel.mixin"
    _description = "Operating Norms on the Order"

    governance_norms_version = fields.Integer(
        string="Norms Version",
        compute="_compute_governance_norms_version",
        help="The version in force of the operating norms of the order's stage.",
    )
    governance_norms_documents_html = fields.Html(
        string="Training Material",
        compute="_compute_governance_norms_documents_html",
        sanitize=False,
    )
    governance_norms_to_read = fields.Boolean(
        string="Norms to Read",
        compute="_compute_governance_norms_to_read",
        help="You have not acknowledged the version in force of the norms of the "
        "order's stage.",
    )

    @api.depends("governance_stage_id.norms_version")
    def _compute_governance_norms_version(self):
        for order in self:
            order.governance_norms_version = (
                order.governance_stage_id.sudo().norms_version
            )

    @api.depends("governance_stage_id")
    def _compute_governance_norms_documents_html(self):
        for order in self:
            stage = order.governance_stage_id
            order.governance_norms_documents_html = (
                stage._governance_norms_documents_html() if stage else False
            )

    @api.depends("governance_stage_id.norms_version")
    @api.depends_context("uid")
    def _compute_governance_norms_to_read(self):
        stages = self.governance_stage_id.sudo()
        acknowledged = stages._governance_norms_acknowledged(self.env.user)
        for order in self:
            stage = order.governance_stage_id.sudo()
            order.governance_norms_to_read = bool(
                stage.norms_version and stage.id not in acknowledged
            )

    def action_governance_acknowledge_norms(self):
        """I Have Read the Norms, on the order: the current user acknowledges the
        version in force of the order's stage."""
        self.ensure_one()
        self.check_access("read")
        self.governance_stage_id.action_acknowledge_norms()
        return True
