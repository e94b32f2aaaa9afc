from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_kpi_report import KpiCase
from .test_sla import MONDAY, TUESDAY, WEDNESDAY, at


@tagged("post_install", "-at_install")
class TestDigest(KpiCase):
    def digest(self, user=None):
        digest = self.env["digest.digest"].create(
            {"name": "Weekly", "company_id": self.company.id}
        )
        if user:
            digest = digest.with_user(user)
        return digest.with_context(
            start_datetime=at(MONDAY, 0), end_datetime=at(WEDNESDAY, 0)
        )

    def test_kpi_values(self):
        """On-time %, breached stays, completed orders and average lead time."""
        with freeze_time(at(MONDAY, 8)):
            done = self.put_in(self.create_order(), self.stage_production)
        with freeze_time(at(TUESDAY, 9)):
            done.governance_move(self.stage_done)  # 9 working hours, breached
        self.env.flush_all()
        digest = self.digest()
        # A on time, B and the done order breached, C on time
        self.assertAlmostEqual(digest.kpi_governance_on_time_value, 50.0)
        self.assertEqual(digest.kpi_governance_breached_value, 2)
        self.assertEqual(digest.kpi_governance_completed_value, 1)
        self.assertAlmostEqual(digest.kpi_governance_lead_time_value, 9.0)

    def test_only_for_managers(self):
        """Executors' digests skip the governance figures."""
        with self.assertRaises(AccessError):
            self.digest(self.prod_worker1).kpi_governance_on_time_value  # noqa: B018
