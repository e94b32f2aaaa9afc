from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, RedirectWarning, UserError
from odoo.tests import tagged

from .common import OrderGovernanceCase

# 2026-11-20 is a Friday; the calendar works 8-12 and 13-17 UTC, Monday to Friday.
FRIDAY = datetime(2026, 11, 20)
MONDAY = datetime(2026, 11, 23)
TUESDAY = datetime(2026, 11, 24)
WEDNESDAY = datetime(2026, 11, 25)


def at(day, hour, minute=0):
    return day.replace(hour=hour, minute=minute)


class SlaCase(OrderGovernanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.env["resource.calendar"].create(
            {"name": "Office hours (UTC)", "tz": "UTC", "company_id": cls.company.id}
        )
        cls.company.resource_calendar_id = cls.calendar
        cls.stage_production.sla_hours = 8

    def enter_production(self, when, **order_values):
        with freeze_time(when):
            order = self.create_order(**order_values)
            self.put_in(order, self.stage_production)
        return order

    def watch(self, when):
        with freeze_time(when):
            self.env["order.governance.sla.watch"]._cron_watch_sla()
            self.env.invalidate_all()


@tagged("post_install", "-at_install")
class TestSlaClock(SlaCase):
    def test_deadline_over_the_weekend(self):
        """Friday 16:00 + 8 working hours lands on Monday 16:00."""
        order = self.enter_production(at(FRIDAY, 16))
        self.assertEqual(order.stage_deadline, at(MONDAY, 16))
        self.assertEqual(self.open_logs(order).deadline, at(MONDAY, 16))
        self.assertEqual(order.sla_status, "on_track")

    def test_deadline_skips_public_holiday(self):
        """A public holiday of the calendar does not count."""
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Holiday",
                "calendar_id": self.calendar.id,
                "date_from": at(MONDAY, 0),
                "date_to": at(MONDAY, 23, 59),
            }
        )
        order = self.enter_production(at(FRIDAY, 16))
        self.assertEqual(order.stage_deadline, at(TUESDAY, 16))

    def test_deadline_over_night(self):
        """Tuesday 15:00 + 4 working hours lands on Wednesday 10:00."""
        self.stage_production.sla_hours = 4
        order = self.enter_production(at(TUESDAY, 15))
        self.assertEqual(order.stage_deadline, at(WEDNESDAY, 10))

    def test_stage_calendar_overrides_company(self):
        """A stage may name its own calendar (here: every hour counts)."""
        nights = self.env["resource.calendar"].create(
            {"name": "Always", "tz": "UTC", "attendance_ids": [Command.clear()]}
        )
        nights.attendance_ids = [
            Command.create(
                {
                    "name": f"Day {day}",
                    "dayofweek": str(day),
                    "hour_from": 0,
                    "hour_to": 24,
                    "day_period": "morning",
                }
            )
            for day in range(7)
        ]
        self.stage_production.calendar_id = nights
        order = self.enter_production(at(FRIDAY, 16))
        expected = at(FRIDAY, 0).replace(day=21)  # 8 hours later, in the night
        self.assertAlmostEqual(
            order.stage_deadline, expected, delta=timedelta(seconds=1)
        )

    def test_no_sla(self):
        """A stage without SLA sets no deadline and the status 'none'."""
        self.stage_production.sla_hours = 0
        order = self.enter_production(at(FRIDAY, 16))
        self.assertFalse(order.stage_deadline)
        self.assertEqual(order.sla_status, "none")

    def test_status_at_threshold_and_deadline(self):
        """On track, at risk from 80 % of the SLA, breached at the deadline."""
        self.stage_production.sla_hours = 10  # 80 %: 8 h, Monday 17:00
        order = self.enter_production(at(MONDAY, 8))
        self.assertEqual(order.stage_deadline, at(TUESDAY, 10))
        self.watch(at(MONDAY, 16, 59))
        self.assertEqual(order.sla_status, "on_track")
        self.watch(at(MONDAY, 17))
        self.assertEqual(order.sla_status, "at_risk")
        self.watch(at(TUESDAY, 10))
        self.assertEqual(order.sla_status, "breached")

    def test_status_follows_the_clock_moved_by_a_hold(self):
        """An order on hold keeps its status; after the resume, the status follows
        the moved moments (at risk from Tuesday 9:24, breached at 11:00)."""
        reason = self.env.ref("order_governance.hold_reason_customer")
        order = self.enter_production(at(MONDAY, 8))  # deadline Monday 17:00
        with freeze_time(at(MONDAY, 10)):
            order.with_user(self.prod_manager).governance_hold(reason)
        self.watch(at(MONDAY, 17, 30))
        self.assertEqual(order.sla_status, "on_track")
        with freeze_time(at(MONDAY, 14)):
            order.with_user(self.prod_manager).governance_resume()
        for when, status in (
            (at(TUESDAY, 9), "on_track"),
            (at(TUESDAY, 9, 30), "at_risk"),
            (at(TUESDAY, 11), "breached"),
        ):
            self.watch(when)
            self.assertEqual(order.sla_status, status, when)

    def test_threshold_from_settings(self):
        """The at-risk share is set per company in Settings."""
        self.company.governance_at_risk_percent = 50  # 4 h: Monday 12:00
        order = self.enter_production(at(MONDAY, 8))
        self.watch(at(MONDAY, 12))
        self.assertEqual(order.sla_status, "at_risk")

    def test_hours_stored_on_leaving(self):
        """Leaving stores working and calendar hours and whether the SLA was met."""
        order = self.enter_production(at(FRIDAY, 16))
        with freeze_time(at(MONDAY, 17)):
            order.action_governance_next()
        log = order.stage_log_ids.filtered(
            lambda x: x.stage_id == self.stage_production
        )
        self.assertAlmostEqual(log.duration_hours, 9.0)
        self.assertAlmostEqual(log.elapsed_hours, 73.0)
        self.assertTrue(log.sla_breached)


@tagged("post_install", "-at_install")
class TestHold(SlaCase):
    def test_hold_moves_deadline_and_is_not_counted(self):
        """A hold stops the clock: the deadline moves by the paused working hours
        and they do not count in the working hours of the stay."""
        reason = self.env.ref("order_governance.hold_reason_customer")
        order = self.enter_production(at(MONDAY, 8))  # deadline Monday 17:00
        with freeze_time(at(MONDAY, 10)):
            order.with_user(self.prod_manager).governance_hold(reason, "No drawing")
        self.assertTrue(order.governance_on_hold)
        with freeze_time(at(MONDAY, 14)):
            order.with_user(self.prod_manager).governance_resume()
        log = self.open_logs(order)
        self.assertAlmostEqual(log.paused_hours, 3.0)  # 10-12 and 13-14
        self.assertEqual(log.deadline, at(TUESDAY, 11))
        self.assertEqual(order.stage_deadline, at(TUESDAY, 11))
        hold = order.governance_hold_ids
        self.assertEqual((hold.reason_id, hold.note), (reason, "No drawing"))
        with freeze_time(at(TUESDAY, 10)):
            order.action_governance_next()
        self.assertAlmostEqual(log.duration_hours, 7.0)  # 10 working hours - 3
        self.assertFalse(log.sla_breached)

    def test_hold_rights(self):
        """Whoever may press Next may hold (the responsible department's staff
        too); executors of other departments may not."""
        reason = self.env.ref("order_governance.hold_reason_customer")
        order = self.enter_production(at(MONDAY, 8))
        self.assertEqual(order.responsible_user_id, self.prod_manager)
        self.assertFalse(order.with_user(self.log_worker).governance_can_hold)
        with self.assertRaises(AccessError):
            order.with_user(self.log_worker).governance_hold(reason)
        self.assertFalse(order.governance_on_hold)
        worker = order.with_user(self.prod_worker1)
        self.assertTrue(worker.governance_can_move)
        self.assertTrue(worker.governance_can_hold)
        worker.governance_hold(reason)
        self.assertTrue(order.governance_on_hold)
        order.with_user(self.officer).governance_resume()
        order.with_user(self.officer).governance_hold(reason)
        with self.assertRaises(UserError):
            order.governance_hold(reason)

    def test_next_on_a_held_order_asks_to_resume_first(self):
        """Next Stage on a held order is refused with the Resume button; resumed,
        the hold's time is recorded and Next moves it on."""
        reason = self.env.ref("order_governance.hold_reason_customer")
        order = self.enter_production(at(MONDAY, 8))
        with freeze_time(at(MONDAY, 10)):
            order.with_user(self.officer).governance_hold(reason)
        with freeze_time(at(MONDAY, 14)):
            with self.assertRaises(RedirectWarning) as caught:
                order.with_user(self.prod_worker1).action_governance_next()
            message, action_id, button, context = caught.exception.args
            self.assertIn(order.name, message)
            self.assertIn(reason.name, message)
            self.assertEqual(
                action_id,
                self.env.ref("order_governance.sale_order_action_governance_resume").id,
            )
            self.assertEqual(context["active_ids"], order.ids)
            self.assertEqual(order.governance_stage_id, self.stage_production)
            self.assertTrue(order.governance_on_hold)
            # the dialog's button, as the executor
            action = self.env.ref(
                "order_governance.sale_order_action_governance_resume"
            ).with_user(self.prod_worker1)
            action.with_context(
                active_model="sale.order", active_ids=order.ids, active_id=order.id
            ).run()
        self.assertFalse(order.governance_on_hold)
        self.assertEqual(order.governance_hold_ids.date_end, at(MONDAY, 14))
        self.assertEqual(order.governance_hold_ids.paused_hours, 3)  # 12-13 is lunch
        with freeze_time(at(MONDAY, 15)):
            order.with_user(self.prod_worker1).action_governance_next()
        self.assertEqual(order.governance_stage_id, self.stage_shipping)

    def test_forced_move_of_a_held_order_ends_its_hold(self):
        """An officer's forced move of a held order ends the hold."""
        reason = self.env.ref("order_governance.hold_reason_customer")
        order = self.enter_production(at(MONDAY, 8))
        with freeze_time(at(MONDAY, 10)):
            order.with_user(self.officer).governance_hold(reason)
        with freeze_time(at(MONDAY, 14)):
            order.with_user(self.officer).governance_move(
                self.stage_shipping, reason="customer called", force=True
            )
        self.assertEqual(order.governance_stage_id, self.stage_shipping)
        self.assertFalse(order.governance_on_hold)
        self.assertEqual(order.governance_hold_ids.date_end, at(MONDAY, 14))

    def test_on_hold_not_escalated(self):
        """An order on hold is not escalated."""
        reason = self.env.ref("order_governance.hold_reason_customer")
        order = self.enter_production(at(MONDAY, 8))
        with freeze_time(at(MONDAY, 9)):
            order.governance_hold(reason)
        self.watch(at(WEDNESDAY, 9))
        self.assertEqual(self.open_logs(order).escalation_level, 0)
