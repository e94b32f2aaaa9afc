from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import OrderGovernanceCase
from .test_sla import at

# The calendar works 8-12 and 13-17 UTC, Monday to Friday (40 hours a week).
MONDAY = datetime(2026, 11, 23)
TUESDAY = datetime(2026, 11, 24)
WEDNESDAY = datetime(2026, 11, 25)
THURSDAY = datetime(2026, 11, 26)
FRIDAY = datetime(2026, 11, 27)
NOW = MONDAY.replace(hour=12)
MONDAY_MORNING = MONDAY.replace(hour=8)
# Eleven past Production stays: median 16 working hours, 90th percentile 30.
PRODUCTION_HOURS = [12, 13, 14, 15, 15, 16, 20, 25, 28, 30, 40]


class ForecastCase(OrderGovernanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.env["resource.calendar"].create(
            {"name": "Office hours (UTC)", "tz": "UTC", "company_id": cls.company.id}
        )
        cls.company.resource_calendar_id = cls.calendar
        cls.stage_shipping.sla_hours = 8
        cls.history = cls._production_history(PRODUCTION_HOURS)

    @classmethod
    def _production_history(cls, hours_list):
        """Orders that went through Production in October, one per working day,
        each staying there ``hours`` working hours (then waiting in Shipping)."""
        orders = cls.env["sale.order"]
        day = datetime(2026, 10, 5)  # a Monday
        for hours in hours_list:
            start = at(day, 8)
            with freeze_time(start):
                order = cls.create_order()
                order.sudo().governance_move(cls.stage_production, reason="history")
            with freeze_time(
                cls.calendar.plan_hours(hours, start).replace(tzinfo=None)
            ):
                order.sudo().governance_move(cls.stage_shipping)
            orders |= order
            day = (
                day.replace(day=day.day + 1)
                if day.weekday() < 4
                else day.replace(day=day.day + 3)
            )
        return orders

    def order_in_production(
        self, commitment=None, entered=MONDAY_MORNING, confirm=True
    ):
        """An order (confirmed unless not ``confirm``) that entered Production
        at ``entered``."""
        values = {"commitment_date": commitment} if commitment else {}
        with freeze_time(entered):
            order = self.create_order(**values)
            if confirm:
                order.action_confirm()
            self.put_in(order, self.stage_production)
        return order

    def refresh(self, orders, when=NOW):
        with freeze_time(when):
            orders._governance_refresh_forecast()
        orders.invalidate_recordset()


@tagged("post_install", "-at_install")
class TestForecast(ForecastCase):
    def test_history_of_the_stage_and_department(self):
        """Median 16 and p90 30 from eleven stays; Shipping by its SLA; the hours
        spent in the current stage deducted; planned on the 40-hour calendar."""
        self.assertEqual(
            sorted(
                self.history.stage_log_ids.filtered("date_out")
                .filtered(lambda s: s.stage_id == self.stage_production)
                .mapped("duration_hours")
            ),
            PRODUCTION_HOURS,
        )
        order = self.order_in_production()
        with freeze_time(NOW):
            steps = order.governance_forecast()
        production, shipping = steps
        self.assertEqual(production["stage_id"], self.stage_production.id)
        self.assertEqual(production["department_id"], self.dep_production.id)
        self.assertEqual(production["basis"], "history")
        self.assertEqual(production["samples"], 11)
        # 4 working hours spent since Monday 8:00
        self.assertEqual((production["p50_hours"], production["p90_hours"]), (12, 26))
        self.assertEqual(production["expected_out"], "2026-11-24 17:00:00")
        self.assertEqual(shipping["stage_id"], self.stage_shipping.id)
        self.assertEqual(shipping["department_id"], self.dep_logistics.id)
        self.assertEqual(shipping["basis"], "sla")
        self.assertEqual((shipping["p50_hours"], shipping["p90_hours"]), (8, 8))
        self.assertEqual(shipping["expected_out"], "2026-11-25 17:00:00")
        self.refresh(order)
        self.assertEqual(order.governance_forecast_date, at(WEDNESDAY, 17))
        # p90: 26 hours from Monday 12:00 is Thursday 15:00, then 8 hours more
        self.assertEqual(order.governance_forecast_p90_date, at(FRIDAY, 15))

    def test_another_department_uses_the_stage_history(self):
        """Too few stays of the rule's department: the stage's stays in any
        department; without any, the SLA; without SLA, nothing."""
        self.env["order.governance.rule"].create(
            {
                "name": "Production by operations",
                "company_id": self.company.id,
                "stage_ids": [(6, 0, self.stage_production.ids)],
                "responsible_department_id": self.dep_operations.id,
            }
        )
        order = self.order_in_production()
        self.assertEqual(order.responsible_department_id, self.dep_operations)
        with freeze_time(NOW):
            production = order.governance_forecast()[0]
        self.assertEqual(production["basis"], "stage")
        self.assertEqual(production["department_id"], self.dep_operations.id)
        self.assertEqual((production["p50_hours"], production["samples"]), (12, 11))
        self.stage_shipping.sla_hours = 0
        with freeze_time(NOW):
            shipping = order.governance_forecast()[1]
        self.assertEqual((shipping["basis"], shipping["p50_hours"]), ("none", 0))

    def test_history_of_another_company_does_not_count(self):
        """The same stage, shared by two companies: each company's forecast reads
        its own stays only."""
        self.stage_production.company_id = False
        other = self.env["res.company"].create({"name": "Other Company"})
        Log = self.env["order.governance.stage.log"]
        stats = Log.env["sale.order"]._governance_forecast_stats(
            self.company | other, self.stage_production, NOW
        )
        self.assertEqual(
            stats[(self.company.id, self.stage_production.id, None)][2], 11
        )
        self.assertNotIn((other.id, self.stage_production.id, None), stats)

    def test_old_history_is_forgotten(self):
        """Stays that ended more than 180 days ago do not count."""
        order = self.order_in_production(entered=datetime(2027, 6, 7, 8))
        with freeze_time(datetime(2027, 6, 7, 12)):
            production = order.governance_forecast()[0]
        self.assertEqual(production["basis"], "none")

    def test_remaining_never_negative(self):
        """Longer in the stage than nine stays in ten: nothing left, not less."""
        order = self.order_in_production(entered=at(datetime(2026, 11, 19), 8))
        with freeze_time(NOW):  # 20 working hours later: more than the median
            production = order.governance_forecast()[0]
        self.assertEqual((production["p50_hours"], production["p90_hours"]), (0, 10))
        self.assertEqual(production["expected_out"], "2026-11-23 12:00:00")

    def test_applicability(self):
        """A stage that does not apply to the order is not forecast."""
        packing = self.env["order.governance.stage"].create(
            {
                "name": "Packing",
                "sequence": 35,
                "company_id": self.company.id,
                "responsible_department_id": self.dep_logistics.id,
                "sla_hours": 4,
                "applicability_domain": "[('amount_total', '>', 1000)]",
            }
        )
        order = self.order_in_production()
        with freeze_time(NOW):
            stages = [step["stage_id"] for step in order.governance_forecast()]
        self.assertEqual(stages, [self.stage_production.id, self.stage_shipping.id])
        big = self.order_in_production()
        big.order_line.price_unit = 5000
        with freeze_time(NOW):
            stages = [step["stage_id"] for step in big.governance_forecast()]
        self.assertEqual(
            stages, [self.stage_production.id, packing.id, self.stage_shipping.id]
        )

    def test_held_time_not_counted(self):
        """Hours on hold are not hours spent in the stage."""
        order = self.order_in_production()
        reason = self.env["order.governance.hold.reason"].create({"name": "Waiting"})
        with freeze_time(at(MONDAY, 10)):
            order.sudo().governance_hold(reason)
        with freeze_time(NOW):
            production = order.governance_forecast()[0]
        self.assertEqual(production["p50_hours"], 14)  # 2 hours spent, not 4

    def test_done_and_quotations_have_no_forecast(self):
        order = self.order_in_production()
        self.put_in(order, self.stage_done)
        self.assertEqual(order.governance_forecast(), [])
        self.assertFalse(order.governance_forecast_date)

    def test_rpc_one_order_read_access(self):
        order = self.order_in_production()
        with self.assertRaises(UserError):
            (order | self.history[0]).governance_forecast()
        # the logistics clerk does not see an order of Sales in Production
        with self.assertRaises(AccessError):
            order.with_user(self.log_worker).governance_forecast()
        steps = order.with_user(self.prod_worker1).governance_forecast()
        self.assertEqual(len(steps), 2)

    def test_governance_tab_explains(self):
        order = self.order_in_production()
        self.refresh(order)
        with freeze_time(NOW):
            order.invalidate_recordset(["governance_forecast_html"])
            html = str(order.governance_forecast_html)
        self.assertIn("11 past stays in this department", html)
        self.assertIn("The stage&#39;s SLA", html)
        self.assertIn("12:00", html)  # Production's median left, h:mm

    def test_batch_queries(self):
        """The statistics are read once for the batch: 40 orders cost at most two
        queries an order more than 4."""
        small = self.env["sale.order"].concat(
            *(self.order_in_production() for _ in range(4))
        )
        large = self.env["sale.order"].concat(
            *(self.order_in_production() for _ in range(40))
        )
        counts = []
        for orders in (small, large):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            with freeze_time(NOW):
                orders._governance_refresh_forecast()
                self.env.flush_all()
            counts.append(self.env.cr.sql_log_count - before)
        self.assertLessEqual(counts[1], counts[0] + 2 * 36, counts)


@tagged("post_install", "-at_install")
class TestPromise(ForecastCase):
    def test_promise_from_commitment_or_expected_date(self):
        order = self.order_in_production(commitment=at(FRIDAY, 18))
        self.assertEqual(order.governance_promised_date, at(FRIDAY, 18))
        self.assertEqual(order.governance_promise_changes, 0)
        self.product.sale_delay = 3
        with freeze_time(at(MONDAY, 8)):
            other = self.create_order()
            self.assertFalse(other.governance_promised_date)  # a quotation
            other.action_confirm()
        self.assertEqual(other.governance_promised_date, at(THURSDAY, 8))
        # frozen: a later expected date does not move it
        other.order_line.customer_lead = 10
        self.assertEqual(other.expected_date, datetime(2026, 12, 3, 8))
        self.assertEqual(other.governance_promised_date, at(THURSDAY, 8))

    def test_new_commitment_is_a_new_promise(self):
        order = self.order_in_production(commitment=at(FRIDAY, 18))
        # another request (Odoo folds the changes of a record created in the same
        # transaction into its creation)
        self.flush_tracking()
        order.commitment_date = at(THURSDAY, 12)
        self.assertEqual(order.governance_promised_date, at(THURSDAY, 12))
        self.assertEqual(order.governance_promise_changes, 1)
        self.flush_tracking()
        tracked = order.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "governance_promised_date"
        )
        self.assertTrue(tracked)
        # clearing the commitment keeps the promise given
        order.commitment_date = False
        self.assertEqual(order.governance_promised_date, at(THURSDAY, 12))

    def test_promise_is_engine_only(self):
        order = self.order_in_production(commitment=at(FRIDAY, 18))
        for values in (
            {"governance_promised_date": at(FRIDAY, 20)},
            {"governance_promise_status": "on_track"},
            {"governance_forecast_date": at(FRIDAY, 20)},
            {"governance_promise_changes": 0},
        ):
            with self.assertRaises(AccessError):
                order.with_user(self.officer).write(values)
        self.assertEqual(order.governance_promised_date, at(FRIDAY, 18))

    def test_each_status(self):
        quotation = self.order_in_production(confirm=False)
        self.refresh(quotation)
        self.assertEqual(quotation.governance_promise_status, "none")
        self.assertTrue(quotation.governance_forecast_date)
        cases = {
            at(FRIDAY, 18): "on_track",  # p90 Friday 15:00
            at(THURSDAY, 12): "at_risk",  # median Wednesday 17:00
            at(WEDNESDAY, 12): "late",  # median after the promise
            at(MONDAY, 10): "late",  # the promise has passed
        }
        for commitment, status in cases.items():
            order = self.order_in_production(commitment=commitment)
            self.refresh(order)
            self.assertEqual(order.governance_promise_status, status, commitment)

    def test_kept_and_missed(self):
        kept = self.order_in_production(commitment=at(WEDNESDAY, 9))
        missed = self.order_in_production(commitment=at(WEDNESDAY, 9))
        with freeze_time(at(WEDNESDAY, 16)):  # the promise's day, later hour
            self.put_in(kept, self.stage_shipping)
            self.put_in(kept, self.stage_done)
        with freeze_time(at(THURSDAY, 9)):
            self.put_in(missed, self.stage_shipping)
            self.put_in(missed, self.stage_done)
        self.assertEqual(kept.governance_promise_status, "kept")
        self.assertEqual(missed.governance_promise_status, "missed")
        cancelled = self.order_in_production(commitment=at(WEDNESDAY, 9))
        self.put_in(cancelled, self.stage_cancelled)
        self.assertEqual(cancelled.governance_promise_status, "none")

    def alerts(self, order):
        return (
            self.env["mail.activity"]
            .with_context(active_test=False)
            .search(
                [
                    ("res_model", "=", "sale.order"),
                    ("res_id", "=", order.id),
                    (
                        "activity_type_id",
                        "=",
                        self.env.ref("order_governance.mail_activity_type_promise").id,
                    ),
                ]
            )
        )

    def test_owning_department_told_once(self):
        order = self.order_in_production(commitment=at(THURSDAY, 12))
        self.refresh(order)
        self.assertEqual(order.governance_promise_status, "at_risk")
        alert = self.alerts(order)
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.user_id, self.sales_manager)
        self.assertIn("Promise at risk", alert.summary)
        # the next watches say nothing new
        self.refresh(order, at(MONDAY, 13))
        with freeze_time(at(MONDAY, 14)):
            self.env["order.governance.sla.watch"]._refresh_forecasts()
        self.assertEqual(self.alerts(order), alert)
        # worse: the same activity says so
        with freeze_time(NOW):
            order.commitment_date = at(WEDNESDAY, 12)
        self.assertEqual(order.governance_promise_status, "late")
        self.assertEqual(self.alerts(order), alert)
        self.assertIn("Promise late", alert.summary)
        self.assertTrue(alert.active)
        # recovered: closed
        with freeze_time(NOW):
            order.commitment_date = at(FRIDAY, 18)
        self.assertEqual(order.governance_promise_status, "on_track")
        self.assertFalse(alert.active)

    def test_alert_closed_when_done(self):
        order = self.order_in_production(commitment=at(MONDAY, 10))
        self.refresh(order)
        alert = self.alerts(order)
        self.assertTrue(alert.active)
        with freeze_time(at(TUESDAY, 9)):
            self.put_in(order, self.stage_shipping)
            self.put_in(order, self.stage_done)
        self.assertEqual(order.governance_promise_status, "missed")
        self.assertFalse(alert.active)

    def test_sla_watch_sees_the_promise_pass(self):
        """No move, no change: the watch turns an order late when its promise
        passes, before its stage is breached."""
        order = self.order_in_production(commitment=at(FRIDAY, 18))
        self.refresh(order)
        self.assertEqual(order.governance_promise_status, "on_track")
        with freeze_time(at(THURSDAY, 9)):
            self.env["order.governance.sla.watch"]._cron_watch_sla()
        order.invalidate_recordset()
        self.assertEqual(order.governance_promise_status, "on_track")
        # Friday 9:00: 33 hours in Production, more than nine stays in ten; with
        # Shipping's 8 hours, Monday 9:00 at best
        with freeze_time(at(FRIDAY, 9)):
            self.env["order.governance.sla.watch"]._cron_watch_sla()
        order.invalidate_recordset()
        self.assertEqual(order.governance_promise_status, "late")
        self.assertEqual(order.governance_forecast_date, datetime(2026, 11, 30, 9))
        # the department that must act sees it in Fulfillment Issues
        issues = (
            self.env["order.governance.fulfillment.issue"]
            .with_user(self.sales_manager)
            .search([("order_id", "=", order.id)])
        )
        self.assertEqual(issues.mapped("issue_type"), ["promise_late"])
        self.assertEqual(issues.department_id, self.dep_sales)
        self.assertEqual(order.sla_status, "none")  # Production has no SLA here
