from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.osv import expression

SEVERITIES = [("error", "Error"), ("warning", "Warning")]


class OrderGovernanceHealthFinding(models.TransientModel):
    """One finding of the governance health check: what is wrong in the set-up,
    how bad, and the record to fix. Made afresh each time the check is opened."""

    _name = "order.governance.health.finding"
    _description = "Governance Health Finding"
    _order = "severity, code, id"

    code = fields.Char(readonly=True)
    severity = fields.Selection(selection=SEVERITIES, readonly=True)
    message = fields.Text(readonly=True)
    res_model = fields.Char(string="Model", readonly=True)
    res_id = fields.Integer(string="Record", readonly=True)
    fixed = fields.Boolean(
        compute="_compute_fixed",
        help="The check no longer finds it: it was fixed since the list was made.",
    )

    def _compute_fixed(self):
        """Read-only (the list is read again when the user comes back from the
        record he fixed): the checks run once for the whole list."""
        if not self.env.user._is_governance_officer():
            self.fixed = False
            return
        still = {
            (finding["code"], finding["res_model"], finding["res_id"])
            for finding in self._governance_findings()
        }
        for finding in self:
            finding.fixed = (
                finding.code,
                finding.res_model,
                finding.res_id,
            ) not in still

    @api.model
    def action_open_health_check(self):
        """The Health Check menu: this user's findings, made now."""
        findings = self.browse()
        # a reload rebuilds the breadcrumbs through a read-only request, which only
        # needs this action's name and views: the findings are made when it opens
        if not self.env.cr.readonly:
            findings = self.create(
                self.env["order.governance.stage"].governance_health_findings()
            )
        return {
            "type": "ir.actions.act_window",
            "name": _("Health Check"),
            "res_model": self._name,
            "view_mode": "list",
            # complete: reloading a page opened from here runs this action again
            # outside the web client's normalisation (breadcrumbs)
            "views": [(False, "list")],
            "domain": [("id", "in", findings.ids)],
            "target": "current",
            "help": _(
                "<p class='o_view_nocontent_smiling_face'>Nothing to fix</p>"
                "<p>Every stage has a responsible department with a manager and "
                "staff, every rule can win, every company has its order management "
                "department.</p>"
            ),
        }

    def action_open_record(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    # ------------------------------------------------------------------
    # The checks (superuser reads, limited to the caller's companies)
    # ------------------------------------------------------------------
    @api.model
    def _governance_findings(self):
        user = self.env.user
        if not user._is_governance_officer():
            raise AccessError(
                _("The governance health check is for order management officers.")
            )
        return self._governance_findings_of(self.env.companies)

    @api.model
    def _governance_findings_of(self, companies):
        checker = self.sudo().with_context(active_test=True)
        stages = checker.env["order.governance.stage"].search(
            [("company_id", "in", [*companies.ids, False])]
        )
        rules = checker.env["order.governance.rule"].search(
            [("company_id", "in", [*companies.ids, False])]
        )
        findings = []
        for check in (
            checker._check_stages,
            checker._check_departments,
            checker._check_rule_users,
            checker._check_shadowed_rules,
            checker._check_unused_rules,
            checker._check_sla_calendars,
            checker._check_norms_acknowledged,
        ):
            findings += check(stages, rules, companies)
        findings += checker._check_companies(companies)
        findings += checker._check_users(companies)
        return findings

    # ------------------------------------------------------------------
    # Weekly reminder to the administrators
    # ------------------------------------------------------------------
    @api.model
    def _cron_governance_health_activity(self):
        """Scheduled action (weekly): the governance administrators of each company
        whose set-up has errors get one to-do on its order management department
        listing them (updated, not repeated, while it is open); when a company
        has no error left, its open to-dos are marked done."""
        activity_type = self.env.ref(
            "order_governance.mail_activity_type_health_check", raise_if_not_found=False
        )
        if not activity_type:
            return
        admins = self.env.ref("order_governance.group_governance_admin").users
        checker = self.sudo().with_context(active_test=True)
        for company in checker.env["res.company"].search([]):
            errors = [
                finding
                for finding in checker._governance_findings_of(company)
                if finding["severity"] == "error"
            ]
            open_ones = checker._health_activities(company, activity_type)
            if not errors:
                open_ones.action_feedback(feedback=_("No governance error left."))
                continue
            anchor = checker._health_activity_anchor(company)
            if not anchor:
                continue  # no department at all: nothing to hang a to-do on
            texts = {}  # lang: (summary, note), the findings in each reader's
            for user in admins.filtered(
                lambda u, c=company: u.active and not u.share and c in u.company_ids
            ):
                lang = user.lang or checker.env.lang
                if lang not in texts:
                    reader = checker.with_context(lang=lang)
                    found = errors
                    if lang != checker.env.lang:
                        found = [
                            finding
                            for finding in reader._governance_findings_of(company)
                            if finding["severity"] == "error"
                        ]
                    texts[lang] = (
                        reader.env._("Governance health check: %s errors", len(found)),
                        reader._health_activity_note(found),
                    )
                summary, note = texts[lang]
                anchor._governance_keep_todo(
                    activity_type,
                    user,
                    summary,
                    note,
                    open_ones.filtered(lambda a, u=user: a.user_id == u),
                )

    @api.model
    def _health_activities(self, company, activity_type):
        departments = (
            self.env["hr.department"]
            .with_context(active_test=False)
            .search([("company_id", "=", company.id)])
        )
        return self.env["mail.activity"].search(
            [
                ("activity_type_id", "=", activity_type.id),
                ("res_model", "=", "hr.department"),
                ("res_id", "in", departments.ids),
            ]
        )

    @api.model
    def _health_activity_anchor(self, company):
        """Where the weekly to-do of ``company`` hangs: its order management
        department, else a department its stages rely on."""
        return (
            company.order_management_department_id
            or (
                self.env["order.governance.stage"]
                .search([("company_id", "=", company.id)])
                .responsible_department_id[:1]
            )
        )

    @api.model
    def _health_activity_note(self, errors):
        items = Markup("").join(
            Markup("<li>%s</li>") % finding["message"] for finding in errors[:20]
        )
        more = len(errors) - 20
        env = self.env
        return (
            Markup("<p>%s</p><ul>%s</ul>")
            % (env._("The governance health check finds these errors:"), items)
            + (Markup("<p>%s</p>") % env._("… and %s more.", more) if more > 0 else "")
            + Markup('<p><a href="/odoo/governance-health">%s</a></p>')
            % env._("Open the Health Check")
        )

    @api.model
    def _finding(self, code, severity, message, record):
        return {
            "code": code,
            "severity": severity,
            "message": message,
            "res_model": record._name,
            "res_id": record.id,
        }

    @api.model
    def _check_stages(self, stages, rules, companies):
        return [
            self._finding(
                "stage_no_responsible",
                "error",
                _(
                    "Stage %s has no responsible department: orders entering it "
                    "have nobody to execute them.",
                    stage.name,
                ),
                stage,
            )
            for stage in stages
            if not stage.is_final
            and not stage.is_cancel
            and not stage.responsible_department_id
        ]

    @api.model
    def _check_departments(self, stages, rules, companies):
        working = stages.filtered(lambda s: not s.is_final and not s.is_cancel)
        relied_on = (
            working.responsible_department_id
            | working.accountable_department_id
            | rules.responsible_department_id
        )
        findings = []
        for department in relied_on.sorted("complete_name"):
            if not department.manager_id.user_id.active:
                findings.append(
                    self._finding(
                        "department_no_manager",
                        "error",
                        _(
                            "%s has no manager with a user: its orders go to a parent "
                            "department's manager, its escalations skip it.",
                            department.complete_name,
                        ),
                        department,
                    )
                )
            if not department._governance_member_users():
                findings.append(
                    self._finding(
                        "department_unstaffed",
                        "error",
                        _(
                            "%s has no employee linked to an active user: nobody in "
                            "it can take its orders.",
                            department.complete_name,
                        ),
                        department,
                    )
                )
        return findings

    @api.model
    def _check_norms_acknowledged(self, stages, rules, companies):
        """Every stage with published norms: who of its executing departments has
        not acknowledged the version in force (one query for the acks)."""
        published = stages.filtered("norms_version")
        acks = self.env["order.governance.norm.ack"]._read_group(
            [("stage_id", "in", published.ids)],
            ["stage_id", "version"],
            ["user_id:array_agg"],
        )
        read_by = {(stage.id, version): set(ids) for stage, version, ids in acks}
        findings = []
        for stage in published:
            readers = stage._governance_norms_readers()
            done = read_by.get((stage.id, stage.norms_version), set())
            unread = readers.filtered(lambda u, d=done: u.id not in d)
            if unread:
                findings.append(
                    self._finding(
                        "norms_not_acknowledged",
                        "warning",
                        _(
                            "%(count)s of %(total)s people of the executing "
                            "departments of stage %(stage)s have not acknowledged "
                            "version %(version)s of its operating norms: %(people)s.",
                            count=len(unread),
                            total=len(readers),
                            stage=stage.name,
                            version=stage.norms_version,
                            people=", ".join(unread.mapped("name")),
                        ),
                        stage,
                    )
                )
        return findings

    @api.model
    def _check_rule_users(self, stages, rules, companies):
        findings = []
        for rule in rules.filtered(lambda r: r.assignment == "user"):
            user = rule.user_id.with_context(active_test=False)
            members = rule.responsible_department_id._governance_member_users()
            if not user.active or user not in members:
                findings.append(
                    self._finding(
                        "rule_user_inactive",
                        "error",
                        _(
                            "Rule %(rule)s gives its orders to %(user)s, who is "
                            "archived or no longer in %(department)s.",
                            rule=rule.name,
                            user=user.name or _("nobody"),
                            department=rule.responsible_department_id.name,
                        ),
                        rule,
                    )
                )
        return findings

    @api.model
    def _check_shadowed_rules(self, stages, rules, companies):
        """A rule that can never win: an earlier rule of (at least) its stages and
        company matches every order it matches, on the domain (a plain subset of
        its terms) or on today's open orders."""
        Order = self.env["sale.order"]
        open_domain = [
            ("governance_stage_id", "!=", False),
            ("governance_stage_id.is_final", "=", False),
            ("governance_stage_id.is_cancel", "=", False),
        ]
        matched = {}

        def open_matches(rule):
            if rule.id not in matched:
                scope = [("company_id", "in", (rule.company_id or companies).ids)]
                domain = expression.AND([open_domain, scope, rule._get_domain()])
                matched[rule.id] = set(Order.search(domain).ids)
            return matched[rule.id]

        findings = []
        ordered = rules.sorted(lambda r: (r.sequence, r.id))
        for index, rule in enumerate(ordered):
            for earlier in ordered[:index]:
                if earlier.company_id and earlier.company_id != rule.company_id:
                    continue
                if earlier.stage_ids and (
                    not rule.stage_ids or rule.stage_ids - earlier.stage_ids
                ):
                    continue
                terms, earlier_terms = rule._get_domain(), earlier._get_domain()
                # a plain AND of conditions (no | nor !): compare the conditions
                plain = all(isinstance(t, list | tuple) for t in terms + earlier_terms)
                own = [list(t) for t in terms]
                superset = plain and all(list(t) in own for t in earlier_terms)
                mine = None if superset else open_matches(rule)
                if superset or (mine and mine <= open_matches(earlier)):
                    findings.append(
                        self._finding(
                            "rule_shadowed",
                            "warning",
                            _(
                                "Rule %(rule)s never wins: the earlier rule "
                                "%(earlier)s matches every order it matches.",
                                rule=rule.name,
                                earlier=earlier.name,
                            ),
                            rule,
                        )
                    )
                    break
        return findings

    @api.model
    def _check_unused_rules(self, stages, rules, companies):
        since = fields.Datetime.now() - timedelta(days=90)
        findings = []
        for rule in rules:
            domain = [("date_order", ">=", since), *rule._get_domain()]
            if rule.company_id:
                domain.append(("company_id", "=", rule.company_id.id))
            if not self.env["sale.order"].search_count(domain, limit=1):
                findings.append(
                    self._finding(
                        "rule_unused",
                        "warning",
                        _(
                            "Rule %s matched none of the orders of the last 90 days.",
                            rule.name,
                        ),
                        rule,
                    )
                )
        return findings

    @api.model
    def _check_sla_calendars(self, stages, rules, companies):
        findings = []
        for stage in stages.filtered(lambda s: s.sla_hours and not s.calendar_id):
            uncovered = (stage.company_id or companies).filtered(
                lambda c: not c.resource_calendar_id
            )
            if uncovered:
                findings.append(
                    self._finding(
                        "sla_without_calendar",
                        "error",
                        _(
                            "Stage %(stage)s has an SLA but %(companies)s has no "
                            "working hours to count it in: set the stage's or the "
                            "company's working hours.",
                            stage=stage.name,
                            companies=", ".join(uncovered.mapped("name")),
                        ),
                        stage,
                    )
                )
        return findings

    @api.model
    def _check_companies(self, companies):
        return [
            self._finding(
                "no_order_management_department",
                "error",
                _(
                    "%s has no order management department: set it in Sales "
                    "settings; orders without an owning department fall back to it.",
                    company.name,
                ),
                company,
            )
            for company in companies
            if not company.order_management_department_id
        ]

    @api.model
    def _check_users(self, companies):
        group = self.env.ref("order_governance.group_governance_user")
        users = self.env["res.users"].search(
            [
                ("groups_id", "in", group.ids),
                ("share", "=", False),
                ("company_id", "in", companies.ids),
            ]
        )
        employees = self.env["hr.employee"].search([("user_id", "in", users.ids)])
        staffed = {(e.user_id.id, e.company_id.id) for e in employees}
        return [
            self._finding(
                "user_without_employee",
                "warning",
                _(
                    "%(user)s is in an Order Governance group but has no employee "
                    "in %(company)s: no department, so no orders of his own.",
                    user=user.name,
                    company=user.company_id.name,
                ),
                user,
            )
            for user in users.sorted("name")
            if (user.id, user.company_id.id) not in staffed
        ]
