from odoo.tests import tagged

from .common import OrderGovernanceCase


@tagged("post_install", "-at_install")
class TestMonthlyWorkbook(OrderGovernanceCase):
    def mails(self):
        return self.env["mail.mail"].search(
            [("subject", "like", "Order governance KPIs")]
        )

    def test_off_by_default(self):
        """Without the Settings switch, no e-mail is sent."""
        before = self.mails()
        self.env["order.governance.kpi.export"]._cron_send_monthly_workbook()
        self.assertEqual(self.mails(), before)

    def test_sent_to_officers_and_managers(self):
        """Switched on: last month's workbook goes to officers and managers."""
        self.company.governance_monthly_workbook = True
        before = self.mails()
        self.env["order.governance.kpi.export"]._cron_send_monthly_workbook()
        mail = self.mails() - before
        self.assertEqual(len(mail), 1)
        partners = mail.recipient_ids
        for user in (
            self.officer,
            self.prod_manager,
            self.ops_manager,
            self.sales_manager,
        ):
            self.assertIn(user.partner_id, partners)
        self.assertNotIn(self.prod_worker1.partner_id, partners)
        self.assertRegex(mail.attachment_ids.name, r"^order-governance-kpi-.*\.xlsx$")
