from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import is_html_empty

ACTIVITY_TYPE = "order_governance.mail_activity_type_read_norms"


class OrderGovernanceNormsMixin(models.AbstractModel):
    """The operating norms of a stage as a published, acknowledged text.

    Publishing freezes the text as a new version and asks every person of the
    executing departments to read it; each person acknowledges the version in
    force himself. Editing the text does not change the version in force: only
    Publish Norms does (and asks everyone to read again)."""

    _name = "order.governance.norms.mixin"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Published and Acknowledged Operating Norms"

    norms_version = fields.Integer(
        readonly=True,
        copy=False,
        help="The version of the operating norms in force: 1 when they are first "
        "published, one more at each publication (Publish Norms).",
    )
    require_norms_ack = fields.Boolean(
        string="Require Reading the Norms",
        help="Round robin and least loaded pass over the people who have not "
        "acknowledged the version in force of this stage's norms.",
    )
    norms_version_ids = fields.One2many(
        comodel_name="order.governance.norms.version",
        inverse_name="stage_id",
        string="Published Versions",
        readonly=True,
        copy=False,
        groups="order_governance.group_governance_user",
    )
    norms_document_ids = fields.Many2many(
        comodel_name="ir.attachment",
        relation="order_governance_stage_norms_document_rel",
        column1="stage_id",
        column2="attachment_id",
        string="Training Material",
        help="Documents and links (URLs) that teach these norms: shown with the "
        "norms on the order and linked in the reading activity.",
    )
    norms_ack_count = fields.Integer(
        string="Acknowledged",
        compute="_compute_norms_ack_count",
        groups="order_governance.group_governance_user",
        help="People who acknowledged the version in force, among those you may see.",
    )
    norms_to_read = fields.Boolean(
        string="Norms to Read",
        compute="_compute_norms_to_read",
        help="You have not acknowledged the version in force of these norms.",
    )

    @api.depends("norms_version")
    @api.depends_context("uid")
    def _compute_norms_ack_count(self):
        groups = self.env["order.governance.norm.ack"]._read_group(
            [("stage_id", "in", self._origin.ids)],
            ["stage_id", "version"],
            ["__count"],
        )
        counts = {(stage.id, version): count for stage, version, count in groups}
        for stage in self:
            stage.norms_ack_count = counts.get(
                (stage._origin.id, stage.norms_version), 0
            )

    @api.depends("norms_version")
    @api.depends_context("uid")
    def _compute_norms_to_read(self):
        acknowledged = self._governance_norms_acknowledged(self.env.user)
        for stage in self:
            stage.norms_to_read = bool(
                stage.norms_version and stage._origin.id not in acknowledged
            )

    @api.model_create_multi
    def create(self, vals_list):
        stages = super().create(vals_list)
        stages._governance_start_norms()
        stages.filtered("norms_document_ids")._governance_attach_documents()
        return stages

    def write(self, vals):
        result = super().write(vals)
        if "norms" in vals:
            self._governance_start_norms()
        if vals.get("norms_document_ids"):
            self._governance_attach_documents()
        return result

    def action_publish_norms(self):
        """Publish the norms as their next version and ask every person of the
        executing departments to read them (governance administrators)."""
        if not self.env.user.has_group("order_governance.group_governance_admin"):
            raise AccessError(
                _("Only governance administrators may publish operating norms.")
            )
        self.check_access("write")
        empty = self.filtered(lambda s: is_html_empty(s.norms))
        if empty:
            raise UserError(
                _(
                    "Stage %s has no operating norms to publish.",
                    ", ".join(empty.mapped("display_name")),
                )
            )
        self.sudo()._governance_publish_norms(ask_to_read=True)
        return True

    def action_acknowledge_norms(self):
        """The current user has read the version in force of these stages' norms:
        record it and close his reading activities. Only ever for himself."""
        self.check_access("read")
        unpublished = self.filtered(lambda s: not s.norms_version)
        if unpublished:
            raise UserError(
                _(
                    "The operating norms of %s are not published yet.",
                    ", ".join(unpublished.mapped("display_name")),
                )
            )
        self._governance_record_acks(self.env.user)
        activities = self._governance_reading_activities().filtered(
            lambda a: a.user_id == self.env.user
        )
        # his own activity, on a stage he may read but not write
        activities.sudo().action_feedback(feedback=_("Norms acknowledged."))
        return True

    def action_view_norm_acks(self):
        """Smart button: who acknowledged this stage's norms, and which version."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "order_governance.order_governance_norm_ack_action"
        )
        action["name"] = _("Norms Acknowledged: %s", self.display_name)
        action["domain"] = [("stage_id", "=", self.id)]
        action["context"] = {
            "search_default_version": self.norms_version,
            "search_default_group_version": 1,
        }
        return action

    # ------------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------------
    def _governance_start_norms(self):
        """Stages that get norms start at version 1, without asking anyone to read
        (installation, migration, a new stage). Later edits wait for Publish."""
        starting = self.filtered(
            lambda s: not s.norms_version and not is_html_empty(s.norms)
        )
        if starting:
            starting.sudo()._governance_publish_norms(ask_to_read=False)

    def _governance_publish_norms(self, ask_to_read=True):
        """Freeze the text as the next version (superuser: the callers check the
        access); with ``ask_to_read``, replace the reading activities."""
        self.env["order.governance.norms.version"].create(
            [
                {
                    "stage_id": stage.id,
                    "version": stage.norms_version + 1,
                    "norms": stage.norms,
                    "user_id": self.env.uid,
                }
                for stage in self
            ]
        )
        for stage in self:
            stage.norms_version += 1
        if ask_to_read:
            self._governance_ask_to_read()

    def _governance_ask_to_read(self):
        activity_type = self.env.ref(ACTIVITY_TYPE)
        # a previous version's reading is void: one open activity per person
        self._governance_reading_activities().sudo().unlink()
        values = []
        model_id = self.env["ir.model"]._get_id(self._name)
        for stage in self:
            for user in stage._governance_norms_readers():
                values.append(
                    {
                        "res_model_id": model_id,
                        "res_id": stage.id,
                        "activity_type_id": activity_type.id,
                        "user_id": user.id,
                        "date_deadline": activity_type._get_date_deadline(),
                        **stage._governance_norms_activity_texts(user),
                    }
                )
        self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True
        ).create(values)

    def _governance_reading_activities(self):
        activity_type = self.env.ref(ACTIVITY_TYPE, raise_if_not_found=False)
        if not activity_type:
            return self.env["mail.activity"]
        return (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
            .with_env(self.env)
        )

    def _governance_norms_activity_texts(self, user):
        """The reading activity's summary and note, in ``user``'s language."""
        self.ensure_one()
        stage = self.with_context(lang=user.lang or self.env.lang)
        env = stage.env
        summary = env._(
            "Read the operating norms of %(stage)s (version %(version)s)",
            stage=stage.name,
            version=stage.norms_version,
        )
        note = Markup("<p>%s</p>") % env._(
            "Version %(version)s of the operating norms of %(stage)s is published. "
            "Read them, then click I Have Read the Norms on the stage or on an order "
            "in this stage (or mark this activity done).",
            version=stage.norms_version,
            stage=stage.name,
        )
        documents = stage._governance_norms_documents_html()
        if documents:
            note += Markup("<p>%s</p>%s") % (env._("Training material:"), documents)
        return {"summary": summary, "note": note}

    def _governance_norms_documents_html(self):
        """The training material as a list of links (attachments and URLs)."""
        self.ensure_one()
        documents = self.sudo().norms_document_ids
        if not documents:
            return Markup("")
        items = Markup("").join(
            Markup('<li><a href="%s" target="_blank">%s</a></li>')
            % (
                document.url
                if document.type == "url"
                else f"/web/content/{document.id}?download=true",
                document.name,
            )
            for document in documents
        )
        return Markup("<ul>%s</ul>") % items

    def _governance_attach_documents(self):
        """Uploaded training files belong to their stage: whoever may read the
        stage may open them (a loose attachment is its uploader's only)."""
        loose = self.sudo().norms_document_ids.filtered(
            lambda a: not a.res_id and not a.res_field
        )
        for stage in self:
            loose.filtered(lambda a, s=stage: a in s.sudo().norms_document_ids).write(
                {"res_model": self._name, "res_id": stage.id}
            )

    def _governance_norms_departments(self):
        """The executing departments: the stage's responsible department and those
        the active responsibility rules of the stage name (rules for every stage
        included)."""
        self.ensure_one()
        rules = (
            self.env["order.governance.rule"]
            .sudo()
            .with_context(active_test=True)
            .search(self._governance_rule_domain())
        )
        return self.sudo().responsible_department_id | rules.responsible_department_id

    def _governance_norms_readers(self):
        """Who must read these norms: the people of the executing departments."""
        self.ensure_one()
        users = self.env["res.users"]
        for department in self._governance_norms_departments():
            users |= department._governance_member_users()
        return users.sorted("id")

    def _governance_norms_acknowledged(self, users):
        """Ids of the stages of ``self`` whose version in force ``users`` (one
        user) acknowledged."""
        acks = (
            self.env["order.governance.norm.ack"]
            .sudo()
            ._read_group(
                [("stage_id", "in", self._origin.ids), ("user_id", "in", users.ids)],
                ["stage_id", "version"],
            )
        )
        return {stage.id for stage, version in acks if version == stage.norms_version}

    def _governance_norms_acknowledged_by(self, users):
        """Those of ``users`` who acknowledged the version in force (one stage)."""
        self.ensure_one()
        acks = (
            self.env["order.governance.norm.ack"]
            .sudo()
            .search(
                [
                    ("stage_id", "=", self.id),
                    ("version", "=", self.norms_version),
                    ("user_id", "in", users.ids),
                ]
            )
        )
        return users.filtered(lambda u: u in acks.user_id)

    def _governance_record_acks(self, user):
        """Record that ``user`` read the version in force of each stage (once)."""
        Ack = self.env["order.governance.norm.ack"].sudo()
        done = {
            (ack.stage_id.id, ack.version)
            for ack in Ack.search(
                [("stage_id", "in", self.ids), ("user_id", "=", user.id)]
            )
        }
        Ack.create(
            [
                {
                    "stage_id": stage.id,
                    "version": stage.norms_version,
                    "user_id": user.id,
                }
                for stage in self.sudo()
                if stage.norms_version and (stage.id, stage.norms_version) not in done
            ]
        )
