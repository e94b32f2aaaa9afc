from odoo import _, api, fields, models
from odoo.exceptions import AccessError

LETTERS = (
    ("responsible_department_id", "R"),
    ("accountable_department_id", "A"),
    ("consulted_department_ids", "C"),
    ("informed_department_ids", "I"),
)


class OrderGovernanceMatrix(models.TransientModel):
    """The responsibility matrix: departments by stages, each cell R / A / C / I,
    and a marker where a rule gives the stage to a department other than the
    stage's own. The page the order management department hangs on the wall."""

    _name = "order.governance.matrix"
    _description = "Responsibility Matrix"

    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
    )
    matrix_html = fields.Html(
        string="Matrix", compute="_compute_matrix_html", sanitize=False
    )

    # on a field with a default: a new record's onchange computes it (the
    # client's "New" otherwise)
    @api.depends("company_id")
    @api.depends_context("lang")
    def _compute_display_name(self):
        # the page's title in the breadcrumb, saved or not
        self.display_name = self.env._("Responsibility Matrix")

    @api.constrains("company_id")
    def _check_company_allowed(self):
        for matrix in self:
            if not matrix._governance_company_allowed():
                raise AccessError(_("You do not belong to %s.", matrix.company_id.name))

    def _governance_company_allowed(self):
        """The matrix is read as superuser: only of a company of the user's (a
        client may send any company id)."""
        self.ensure_one()
        # the user's, not the environment's: stored fields compute as superuser
        return self.env.user._governance_in_company(self.company_id._origin)

    @api.depends("company_id")
    def _compute_matrix_html(self):
        for matrix in self:
            if not matrix._governance_company_allowed():
                matrix.matrix_html = False
                continue
            matrix.matrix_html = self.env["ir.qweb"]._render(
                "order_governance.matrix_table", matrix._matrix_data()
            )

    def _matrix_data(self):
        self.ensure_one()
        if not self._governance_company_allowed():
            raise AccessError(_("You do not belong to %s.", self.company_id.name))
        return self._governance_matrix(self.company_id)

    @api.model
    def _governance_matrix(self, company):
        """``{'stages': [...], 'rows': [{'department', 'cells': [{'letters',
        'rule', 'rule_url'}]}], 'company'}`` for ``company``'s flow (read as
        superuser: the matrix is the company's organisation, not anyone's
        orders). The matrix page, its printout and the workbook's RACI sheet."""
        Stage = self.env["order.governance.stage"].sudo().with_context(active_test=True)
        stages = Stage.search(
            [("company_id", "in", [company.id, False]), ("is_cancel", "=", False)]
        )
        rules = (
            self.env["order.governance.rule"]
            .sudo()
            .with_context(active_test=True)
            .search([("company_id", "in", [company.id, False])])
        )
        departments = self.env["hr.department"].sudo()
        for field, _letter in LETTERS:
            departments |= stages[field]
        departments |= rules.responsible_department_id
        rows = []
        for department in departments.sorted("complete_name"):
            cells = []
            for stage in stages:
                letters = "".join(
                    letter for field, letter in LETTERS if department in stage[field]
                )
                rule = rules.filtered(
                    lambda r, s=stage, d=department: r.responsible_department_id == d
                    and d != s.responsible_department_id
                    and (not r.stage_ids or s in r.stage_ids)
                )[:1]
                cells.append(
                    {
                        "letters": letters,
                        "rule": rule.name or "",
                        "rule_url": f"/odoo/order.governance.rule/{rule.id}"
                        if rule
                        else "",
                    }
                )
            rows.append({"department": department.complete_name, "cells": cells})
        return {
            "stages": [
                {"name": s.name, "url": f"/odoo/order.governance.stage/{s.id}"}
                for s in stages
            ],
            "rows": rows,
            "company": company.name,
        }

    def action_print(self):
        self.ensure_one()
        return self.env.ref(
            "order_governance.action_report_responsibility_matrix"
        ).report_action(self)
