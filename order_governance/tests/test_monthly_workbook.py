import base64
import io

from freezegun import freeze_time
from openpyxl import load_workbook

from odoo.tests import tagged

from .common import OrderGovernanceCase


@tagged("post_install", "-at_install")
class TestMonthlyWorkbook(OrderGovernanceCase):
    def mails(self):
        return self.env["mail.mail"].search(
            [("subject", "like", "Order governance KPIs")]
        )

    def send(self):
        before = self.mails()
        with freeze_time("2026-11-02 06:00:00"):
            self.env["order.governance.kpi.export"]._cron_send_monthly_workbook()
        return self.mails() - before

    def departments_in(self, mail):
        data = base64.b64decode(mail.attachment_ids.datas)
        sheet = load_workbook(io.BytesIO(data))["Transitions"]
        return {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}

    def test_off_by_default(self):
        """Without the Settings switch, no e-mail is sent."""
        self.assertFalse(self.send())

    def test_sent_to_officers_and_managers(self):
        """Switched on: last month's workbook goes to officers and managers, each
        built with the recipient's access: a manager gets his departments only."""
        with freeze_time("2026-10-15 09:00:00"):
            self.put_in(self.create_order(), self.stage_production)
            self.put_in(self.create_order(), self.stage_shipping)
        self.env.flush_all()
        self.company.governance_monthly_workbook = True
        mails = self.send()
        by_partner = {mail.recipient_ids: mail for mail in mails}
        for user in (
            self.officer,
            self.prod_manager,
            self.ops_manager,
            self.sales_manager,
        ):
            self.assertIn(user.partner_id, by_partner)
        self.assertNotIn(self.prod_worker1.partner_id, mails.recipient_ids)
        mail = by_partner[self.prod_manager.partner_id]
        self.assertEqual(
            mail.attachment_ids.name, "order-governance-kpi-2026-10-01-2026-10-31.xlsx"
        )
        self.assertEqual(self.departments_in(mail), {"Operations / Production"})
        self.assertIn(
            "Logistics", self.departments_in(by_partner[self.officer.partner_id])
        )

    def test_period_in_the_recipients_time_zone(self):
        """The cron runs at 05:00 UTC on the 1st: a recipient in Los Angeles (still
        the last evening of the month there) gets that month, from his midnight."""
        self.prod_manager.tz = "America/Los_Angeles"
        with freeze_time("2026-10-31 23:00:00"):  # 16:00 in Los Angeles, October
            self.put_in(self.create_order(), self.stage_production)
        with freeze_time("2026-11-01 03:00:00"):  # 20:00 in Los Angeles, October 31
            self.put_in(self.create_order(), self.stage_production)
        with freeze_time("2026-11-01 08:00:00"):  # 01:00 in Los Angeles, November
            self.put_in(self.create_order(), self.stage_production)
        self.env.flush_all()
        self.company.governance_monthly_workbook = True
        before = self.mails()
        with freeze_time("2026-11-01 05:00:00"):
            self.env["order.governance.kpi.export"]._cron_send_monthly_workbook()
        mail = (self.mails() - before).filtered(
            lambda m: m.recipient_ids == self.prod_manager.partner_id
        )
        self.assertEqual(
            mail.attachment_ids.name, "order-governance-kpi-2026-10-01-2026-10-31.xlsx"
        )
        data = base64.b64decode(mail.attachment_ids.datas)
        sheet = load_workbook(io.BytesIO(data))["Transitions"]
        entries = [row for row in sheet.iter_rows(min_row=2, values_only=True)]
        # the two stays entered in October, Los Angeles time; not November's
        self.assertEqual(len(entries), 2)
