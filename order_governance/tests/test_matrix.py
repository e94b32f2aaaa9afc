from freezegun import freeze_time

from odoo import Command
from odoo.tests import Form, tagged

from .common import OrderGovernanceCase


@tagged("post_install", "-at_install")
class TestResponsibilityMatrix(OrderGovernanceCase):
    """Departments by stages, R / A / C / I, and the rules that route elsewhere."""

    def matrix(self):
        return self.env["order.governance.matrix"].create(
            {"company_id": self.company.id}
        )

    def cells(self, data, department):
        row = next(
            r for r in data["rows"] if r["department"] == department.complete_name
        )
        return {
            stage["name"]: cell
            for stage, cell in zip(data["stages"], row["cells"], strict=True)
        }

    def test_letters_and_rule_markers(self):
        self.stage_production.informed_department_ids = self.dep_sales
        self.stage_shipping.consulted_department_ids = self.dep_production
        self.env["order.governance.rule"].create(
            {
                "name": "Heavy goods: Production ships them",
                "company_id": self.company.id,
                "responsible_department_id": self.dep_production.id,
                "stage_ids": [Command.set(self.stage_shipping.ids)],
            }
        )
        data = self.matrix()._matrix_data()
        self.assertEqual(
            [s["name"] for s in data["stages"]],
            ["Received", "Confirmed", "Production", "Shipping", "Done"],
        )
        omc = self.cells(data, self.dep_omc)
        self.assertEqual(omc["Received"]["letters"], "A")
        self.assertEqual(omc["Confirmed"]["letters"], "RA")
        sales = self.cells(data, self.dep_sales)
        self.assertEqual(sales["Received"]["letters"], "R")
        self.assertEqual(sales["Production"]["letters"], "I")
        production = self.cells(data, self.dep_production)
        self.assertEqual(production["Production"]["letters"], "R")
        self.assertEqual(production["Shipping"]["letters"], "C")
        self.assertEqual(
            production["Shipping"]["rule"], "Heavy goods: Production ships them"
        )
        self.assertFalse(production["Production"]["rule"])  # its own stage: no marker

    def test_page_and_printout(self):
        matrix = self.matrix()
        self.assertIn("Order Management", str(matrix.matrix_html))
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "order_governance.report_responsibility_matrix", matrix.ids
        )
        self.assertIn(b"Responsibility Matrix", html)
        self.assertIn(b"Logistics", html)
        # a company whose document layout is set prints at once (Odoo asks for the
        # layout first otherwise)
        self.company.external_report_layout_id = self.env.ref(
            "web.external_layout_standard"
        )
        self.assertEqual(matrix.action_print()["type"], "ir.actions.report")

    def test_the_page_is_titled(self):
        """The menu opens "Responsibility Matrix", not a new record."""
        action = self.env.ref("order_governance.order_governance_matrix_action")
        self.assertEqual(action.name, "Responsibility Matrix")
        self.assert_titled_page("order.governance.matrix", "Responsibility Matrix")

    def test_printout_names_the_company_and_the_date(self):
        """The PDF says whose matrix it is and when it was printed (the
        reader's time zone and language); its cells are padded."""
        self.officer.tz = "Asia/Tokyo"
        self.env["res.lang"]._activate_lang("fr_FR")
        self.officer.lang = "fr_FR"
        matrix = self.matrix()
        with freeze_time("2026-11-23 20:30:00"):  # Tuesday 05:30 in Tokyo
            html, _kind = (
                self.env["ir.actions.report"]
                .with_user(self.officer)
                .with_context(lang="fr_FR")
                ._render_qweb_html(
                    "order_governance.report_responsibility_matrix", matrix.ids
                )
            )
        html = html.decode()
        self.assertIn("Governed Company", html)
        self.assertIn("24 nov. 2026", html)
        self.assertIn("05:30", html)
        self.assertIn('style="padding: 4px 8px;"', html)

    def test_the_page_of_a_single_company_user(self):
        """Without the multi-company group the visible company field is left out
        of the form: the page still shows the user's company's matrix."""
        self.assertFalse(self.prod_manager.has_group("base.group_multi_company"))
        page = Form(self.env["order.governance.matrix"].with_user(self.prod_manager))
        self.assertIn("Operations / Production", str(page.matrix_html))
