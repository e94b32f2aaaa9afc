from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    """The demo shows the product: late and at-risk orders, rework, a hold and
    escalations, with deadlines that follow the back-dated stays."""

    def setUp(self):
        super().setUp()
        if not self.env.ref("order_governance.demo_order_01", raise_if_not_found=False):
            self.skipTest("installed without demo data")
        self.orders = self.env["sale.order"].browse(
            self.env.ref(f"order_governance.demo_order_{n:02d}").id
            for n in range(1, 25)
        )

    def test_every_sla_status_shows(self):
        statuses = set(self.orders.mapped("sla_status"))
        self.assertLessEqual({"on_track", "at_risk", "breached"}, statuses)

    def test_deadlines_follow_the_backdated_entries(self):
        Stay = self.env["order.governance.stage.log"]
        for stay in self.orders.stage_log_ids.filtered("deadline"):
            self.assertEqual(
                stay.deadline,
                Stay._sla_dates(stay.stage_id, stay.company_id, stay.date_in)[0],
            )
        closed = self.orders.stage_log_ids.filtered(lambda s: s.date_out and s.deadline)
        self.assertTrue(closed.filtered("sla_breached"), "every stay on time")
        self.assertTrue(closed.filtered(lambda s: not s.sla_breached))

    def test_rework_hold_and_escalations(self):
        self.assertTrue(self.orders.filtered("rework_count"))
        self.assertTrue(self.orders.filtered("governance_on_hold"))
        open_stays = self.orders.stage_log_ids.filtered(lambda s: not s.date_out)
        self.assertTrue(open_stays.filtered(lambda s: s.escalation_level >= 2))
        escalations = self.env["mail.message"].search_count(
            [
                ("model", "=", "sale.order"),
                ("res_id", "in", self.orders.ids),
                ("body", "ilike", "please decide"),
            ]
        )
        self.assertTrue(escalations)

    def test_no_person_has_two_activities_on_an_order(self):
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "sale.order"), ("governance_log_id", "!=", False)]
        )
        pairs = [(a.res_id, a.user_id.id) for a in activities]
        self.assertEqual(len(pairs), len(set(pairs)))

    def test_a_service_order_passes_over_shipping(self):
        """The demo's Shipping applies to goods: a service order goes from
        Production to Invoicing & Collection."""
        service = self.env["product.product"].create(
            {"name": "Installation", "type": "service", "list_price": 50}
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.env.ref("base.res_partner_2").id,
                "order_line": [(0, 0, {"product_id": service.id})],
            }
        )
        production = self.env.ref("order_governance.stage_production")
        order.governance_move(production, reason="demo check")
        order.governance_check_line_ids.filtered(
            lambda line: not line.automatic and not line.done
        ).action_tick()
        order.action_governance_next()
        self.assertEqual(
            order.governance_stage_id, self.env.ref("order_governance.stage_invoicing")
        )

    def test_the_demo_company_is_healthy(self):
        """The demo is configured right: the health check finds nothing to fix
        (an administrator breaks a rule himself to see a finding)."""
        company = self.orders.company_id
        admin = self.env.ref("base.user_admin")
        findings = (
            self.env["order.governance.stage"]
            .with_user(admin)
            .with_company(company)
            .with_context(allowed_company_ids=company.ids)
            .governance_health_findings()
        )
        self.assertEqual(findings, [])

    def test_next_coordination_meeting_reviews_last_weeks_decisions(self):
        """Last week's meeting decided on two late orders; the next agenda, as
        the demo officer prepares it, lists them with how they stand now."""
        last = self.env.ref("order_governance.demo_meeting_last_week")
        self.assertEqual(len(last.governance_decision_ids), 2)
        officer = self.env.ref("order_governance.user_omc_manager")
        self.assertIn(officer.partner_id, last.partner_ids)
        meeting = (
            self.env["order.governance.meeting"]
            .with_user(officer)
            .with_company(last.governance_company_id)
            .create({})
        )
        self.assertEqual(meeting.date_from, last.start)
        # the departments the stages give work to, as last time
        self.assertEqual(meeting.department_ids, last.governance_department_ids)
        agenda = meeting._governance_agenda(
            meeting.company_id, meeting.department_ids, meeting.date_from, meeting.start
        )
        decided = [row["order"] for section in agenda for row in section["decisions"]]
        self.assertEqual(
            sorted(decided, key=lambda o: o.id),
            sorted(last.governance_decision_ids.order_id, key=lambda o: o.id),
        )
        self.assertTrue(any(section["overdue"] for section in agenda))

    def test_promises_kept_missed_at_risk_and_late(self):
        """The demo shows every promise status, a changed promise, and forecasts
        made from the history of the stages."""
        statuses = set(self.orders.mapped("governance_promise_status"))
        self.assertLessEqual(
            {"kept", "missed", "at_risk", "late", "on_track"}, statuses
        )
        self.assertTrue(self.orders.filtered("governance_promise_changes"))
        working = self.orders.filtered("governance_forecast_date")
        bases = {
            step["basis"] for order in working for step in order.governance_forecast()
        }
        self.assertIn("history", bases)
        # the owning departments were told of the promises at risk or late
        alerted = self.env["mail.activity"].search(
            [
                ("res_model", "=", "sale.order"),
                ("res_id", "in", self.orders.ids),
                (
                    "activity_type_id",
                    "=",
                    self.env.ref("order_governance.mail_activity_type_promise").id,
                ),
            ]
        )
        self.assertEqual(
            set(alerted.mapped("res_id")),
            set(
                self.orders.filtered(
                    lambda o: o.governance_promise_status in ("at_risk", "late")
                ).ids
            ),
        )

    def test_customers_rated_their_completed_orders(self):
        """The completed demo orders were rated by their customers, one of them
        dissatisfied: his owning department's manager has a call back to make;
        the working orders show their steps to the customer."""
        ratings = self.env["rating.rating"].search(
            [
                ("res_model", "=", "sale.order"),
                ("res_id", "in", self.orders.ids),
                ("consumed", "=", True),
            ]
        )
        done = self.orders.filtered(lambda o: o.governance_stage_id.is_final)
        self.assertTrue(done)
        self.assertEqual(set(ratings.mapped("res_id")), set(done.ids))
        self.assertLessEqual({1.0, 3.0, 5.0}, set(ratings.mapped("rating")))
        dissatisfied = ratings.filtered(lambda r: r.rating == 1)
        call_back = self.env["mail.activity"].search(
            [
                ("res_model", "=", "sale.order"),
                ("res_id", "in", dissatisfied.mapped("res_id")),
                (
                    "activity_type_id",
                    "=",
                    self.env.ref("order_governance.mail_activity_type_dissatisfied").id,
                ),
            ]
        )
        self.assertEqual(len(call_back), len(dissatisfied))
        working = self.orders.filtered(
            lambda o: o.state == "sale" and not o.governance_stage_id.is_final
        )
        progress = working[0]._governance_portal_progress()
        self.assertTrue(any(step["current"] for step in progress["steps"]))
        self.assertTrue(progress["expected"])
