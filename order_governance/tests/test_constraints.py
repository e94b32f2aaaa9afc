from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import OrderGovernanceCase


@tagged("post_install", "-at_install")
class TestBadInput(OrderGovernanceCase):
    def rule_values(self, **values):
        return {
            "name": "Bad",
            "company_id": self.company.id,
            "responsible_department_id": self.dep_production.id,
            **values,
        }

    def assert_refused(self, model, values, message):
        count = self.env[model].with_context(active_test=False).search_count([])
        with self.assertRaises(ValidationError) as caught:
            self.env[model].create(values)
        self.assertIn(message, str(caught.exception))
        self.assertEqual(
            self.env[model].with_context(active_test=False).search_count([]), count
        )

    def test_invalid_rule_domain(self):
        """A rule domain that is not valid on sale orders is refused on save."""
        self.assert_refused(
            "order.governance.rule",
            self.rule_values(domain="[('no_such_field', '=', 1)]"),
            "domain of rule Bad is not valid",
        )
        self.assert_refused(
            "order.governance.rule",
            self.rule_values(domain="[('name', '=',"),
            "domain of rule Bad is not valid",
        )

    def test_user_rule_without_user(self):
        """A 'given user' rule must name the user."""
        self.assert_refused(
            "order.governance.rule",
            self.rule_values(assignment="user"),
            "choose that user",
        )

    def test_negative_sla(self):
        """SLA hours cannot be negative."""
        self.assert_refused(
            "order.governance.stage",
            {"name": "Bad", "company_id": self.company.id, "sla_hours": -1},
            "cannot be negative",
        )

    def test_final_and_cancel(self):
        """A stage is final or cancel, not both."""
        self.assert_refused(
            "order.governance.stage",
            {"name": "Bad", "is_final": True, "is_cancel": True},
            "both final and cancel",
        )

    def test_department_of_other_company(self):
        """A company's stage cannot name another company's department."""
        other = self.env["res.company"].create({"name": "Elsewhere"})
        department = self.env["hr.department"].create(
            {"name": "Far", "company_id": other.id}
        )
        self.assert_refused(
            "order.governance.stage",
            {
                "name": "Bad",
                "company_id": self.company.id,
                "responsible_department_id": department.id,
            },
            "departments of another company",
        )
