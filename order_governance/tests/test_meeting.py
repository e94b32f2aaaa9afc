import re
from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import GROUP_MANAGER
from .test_sla import FRIDAY, MONDAY, TUESDAY, WEDNESDAY, SlaCase, at

SATURDAY = FRIDAY + timedelta(days=8)  # 2026-11-28, after MONDAY's week
NEXT_MONDAY = MONDAY + timedelta(days=7)


@tagged("post_install", "-at_install")
class TestCoordinationMeeting(SlaCase):
    """A hand-built fortnight. Production (SLA 8 h):
    - LATE enters Monday 08:00, is due 17:00 and escalated on Tuesday 17:00;
    - HELD enters Monday 09:00 and is put on hold at 10:00 (customer);
    - BACK enters Monday 08:00 and is sent back to Confirmed at 10:00;
    - LOOSE enters Monday 11:00 and is left without a responsible person.
    A meeting on Monday 09:00 decided on LATE and HELD. The next meeting is on
    Wednesday 12:00; the agenda is read on Wednesday 10:00, for Production and
    Order Management."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Event = cls.env["calendar.event"]
        with freeze_time(at(MONDAY, 8)):
            cls.late, cls.back = cls.create_orders(2)
            (cls.late | cls.back).sudo().governance_move(cls.stage_production)
        with freeze_time(at(MONDAY, 9)):
            cls.held = cls.create_order()
            cls.held.sudo().governance_move(cls.stage_production)
            cls.last_meeting = Event.create(
                {
                    "name": "Last coordination",
                    "start": at(MONDAY, 9),
                    "stop": at(MONDAY, 10),
                    "governance_company_id": cls.company.id,
                    "governance_department_ids": [(6, 0, cls.dep_production.ids)],
                }
            )
        with freeze_time(at(MONDAY, 9, 30)):
            Decision = cls.env["order.governance.decision"].with_user(cls.officer)
            Decision.create(
                [
                    {
                        "event_id": cls.last_meeting.id,
                        "order_id": cls.late.id,
                        "note": "Production works overtime on it",
                    },
                    {
                        "event_id": cls.last_meeting.id,
                        "order_id": cls.held.id,
                        "note": "Sales calls the customer",
                    },
                ]
            )
        with freeze_time(at(MONDAY, 10)):
            cls.held.sudo().governance_hold(
                cls.env.ref("order_governance.hold_reason_customer"),
                "Waiting for the drawing",
            )
            cls.back.sudo().governance_move(cls.stage_confirmed, reason="Wrong spec")
        with freeze_time(at(MONDAY, 11)):
            cls.loose = cls.create_order()
            cls.loose.sudo().governance_move(cls.stage_production)
            cls.loose.sudo()._governance_apply_reassign(
                cls.dep_production, cls.env["res.users"]
            )
        for when in (at(MONDAY, 17), at(TUESDAY, 17)):
            with freeze_time(when):
                cls.env["order.governance.sla.watch"]._cron_watch_sla()
        cls.env.flush_all()
        cls.departments = cls.dep_production | cls.dep_omc

    def agenda(self, user, start=None, end=None):
        Meeting = self.env["order.governance.meeting"].with_user(user)
        with freeze_time(at(WEDNESDAY, 10)):
            return Meeting._governance_agenda(
                self.company,
                self.departments,
                start or at(MONDAY, 9),
                end or at(WEDNESDAY, 10),
            )

    def names(self, section, topic):
        return [row["order"] for row in section[topic]]

    def test_agenda_lists_exactly_the_facts_per_department(self):
        production, omc = self.agenda(self.officer)
        self.assertEqual(production["department"], self.dep_production)
        self.assertEqual(self.names(production, "overdue"), [self.late, self.loose])
        self.assertEqual(production["overdue"][0]["who"], self.prod_manager.name)
        self.assertEqual(production["overdue"][0]["late"], "1 day")
        self.assertEqual(production["overdue"][1]["who"], "Unassigned")
        self.assertEqual(self.names(production, "on_hold"), [self.held])
        hold = production["on_hold"][0]
        self.assertEqual(
            (hold["reason"], hold["since"], hold["note"]),
            ("Waiting for the customer", at(MONDAY, 10), "Waiting for the drawing"),
        )
        self.assertEqual(self.names(production, "unassigned"), [self.loose])
        self.assertEqual(self.names(production, "escalations"), [self.late])
        self.assertTrue(production["escalations"][0]["open"])
        self.assertEqual(self.names(production, "rework"), [])
        self.assertEqual(
            [
                (row["order"], row["note"], row["status"])
                for row in production["decisions"]
            ],
            [
                (self.late, "Production works overtime on it", "Still late"),
                (self.held, "Sales calls the customer", "On hold"),
            ],
        )
        self.assertEqual(production["bottleneck"]["stage"], self.stage_production)
        self.assertEqual(production["bottleneck"]["order_hours"], 2.0)  # BACK's

        self.assertEqual(omc["department"], self.dep_omc)
        self.assertEqual(self.names(omc, "rework"), [self.back])
        rework = omc["rework"][0]
        self.assertEqual(
            (rework["from_stage"], rework["to_stage"], rework["reason"]),
            ("Production", "Confirmed", "Wrong spec"),
        )
        for topic in ("overdue", "on_hold", "unassigned", "escalations", "decisions"):
            self.assertEqual(omc[topic], [], topic)

    def test_period_bounds_rework_escalations_and_decisions(self):
        production, omc = self.agenda(self.officer, start=at(TUESDAY, 18))
        self.assertEqual(omc["rework"], [])
        self.assertEqual(production["escalations"], [])
        self.assertEqual(production["decisions"], [])
        # what is true now stays on the agenda
        self.assertEqual(self.names(production, "overdue"), [self.late, self.loose])

    def test_managers_get_their_departments_executors_nothing(self):
        [production] = self.agenda(self.ops_manager)  # Production is below Operations
        self.assertEqual(production["department"], self.dep_production)
        log_manager = self._person(
            "log_boss", GROUP_MANAGER, self.dep_logistics, manages=True
        )
        self.assertEqual(self.agenda(log_manager), [])
        with self.assertRaises(AccessError):
            self.agenda(self.prod_worker1)

    def schedule(self, **values):
        with freeze_time(at(WEDNESDAY, 10)):
            form = Form(self.env["order.governance.meeting"].with_user(self.officer))
            self.assertEqual(form.date_from, at(MONDAY, 9))  # since the last meeting
            form.department_ids.clear()
            for department in self.departments:
                form.department_ids.add(department)
            form.start = at(WEDNESDAY, 12)
            for name, value in values.items():
                setattr(form, name, value)
            self.assertIn(self.late.name, form.agenda_html)
            meeting = form.save()
            action = meeting.action_schedule()
        return self.env["calendar.event"].browse(action["res_id"])

    def test_schedule_creates_the_event_and_mails_each_attendee_his_agenda(self):
        event = self.schedule(recurrency=True, rrule_type="weekly")
        self.assertEqual(event.governance_company_id, self.company)
        self.assertEqual(event.governance_department_ids, self.departments)
        self.assertEqual(event.governance_period_start, at(MONDAY, 9))
        self.assertEqual(event.user_id, self.officer)
        self.assertEqual(
            (event.start, event.stop), (at(WEDNESDAY, 12), at(WEDNESDAY, 13))
        )
        self.assertTrue(event.recurrency)
        self.assertEqual(event.recurrence_id.rrule_type, "weekly")
        # the departments' managers and the officers; not Operations' manager
        attendees = event.partner_ids
        self.assertIn(self.prod_manager.partner_id, attendees)
        self.assertIn(self.officer.partner_id, attendees)
        self.assertNotIn(self.ops_manager.partner_id, attendees)
        # the description is for every attendee: counts, no order; a row for
        # every department (Production: 2 overdue, 1 on hold, 0 reworked, ...)
        rows = re.sub(r"\s+", "", str(event.description))
        self.assertIn(
            "<td>Operations/Production</td><td>2</td><td>1</td><td>0</td>"
            "<td>1</td><td>1</td><td>2</td><td>Production</td>",
            rows,
        )
        self.assertIn("<td>OrderManagement</td><td>0</td><td>0</td><td>1</td>", rows)
        self.assertNotIn(self.late.name, event.description)

        mails = self.env["mail.mail"].search(
            [("subject", "like", "Agenda: Order coordination meeting")]
        )
        by_partner = {mail.recipient_ids: mail for mail in mails}
        self.assertEqual(
            set(by_partner),
            {self.prod_manager.partner_id, self.officer.partner_id} | set(by_partner),
        )
        officer_agenda = by_partner[self.officer.partner_id].attachment_ids.raw.decode()
        self.assertIn(self.late.name, officer_agenda)
        self.assertIn("Wrong spec", officer_agenda)  # Order Management's rework
        self.assertIn("Sales calls the customer", officer_agenda)
        manager_agenda = by_partner[
            self.prod_manager.partner_id
        ].attachment_ids.raw.decode()
        self.assertIn(self.late.name, manager_agenda)
        self.assertNotIn("Wrong spec", manager_agenda)  # not his department

    def test_print_agenda_renders_as_the_reader(self):
        event = self.schedule()
        with freeze_time(at(WEDNESDAY, 11)):
            action = event.with_user(self.prod_manager).action_governance_print_agenda()
            self.assertEqual(
                action["report_name"], "order_governance.report_governance_agenda"
            )
            html, _kind = (
                self.env["ir.actions.report"]
                .with_user(self.prod_manager)
                ._render_qweb_html(action["report_name"], event.ids)
            )
        html = html.decode()
        self.assertIn("Operations / Production", html)
        self.assertNotIn("Order Management</h3>", html)
        self.assertIn("Production works overtime on it", html)
        self.assertIn("Still late", html)

    def test_decision_is_a_note_on_the_order_and_shows_next_time(self):
        event = self.schedule()
        with freeze_time(at(WEDNESDAY, 13)):
            decision = (
                self.env["order.governance.decision"]
                .with_user(self.officer)
                .create(
                    {
                        "event_id": event.id,
                        "order_id": self.loose.id,
                        "note": "Paula takes it",
                    }
                )
            )
        self.assertEqual(decision.user_id, self.officer)
        note = self.loose.message_ids[0]
        self.assertIn("Decision: Paula takes it", note.body)
        self.assertIn(
            f'data-oe-model="calendar.event" data-oe-id="{event.id}"', note.body
        )
        with freeze_time(at(WEDNESDAY, 14)):
            production, _omc = (
                self.env["order.governance.meeting"]
                .with_user(self.officer)
                ._governance_agenda(
                    self.company, self.departments, at(WEDNESDAY, 12), at(WEDNESDAY, 14)
                )
            )
        self.assertEqual(
            [(row["order"], row["status"]) for row in production["decisions"]],
            [(self.loose, "Still late")],
        )

    def test_decision_dialog_offers_the_agenda_orders_only(self):
        """Recording a decision: a dialog with a title, the meeting set by the
        context, and an order picked among the agenda's, no creation."""
        event = self.schedule()
        action = event.with_user(self.officer).action_governance_record_decision()
        self.assertEqual(action["name"], "Record a Decision")
        self.assertEqual(action["target"], "new")
        self.assertEqual(action["context"], {"default_event_id": event.id})
        Decision = self.env["order.governance.decision"].with_user(self.officer)
        arch = Decision.get_view(action["views"][0][0], "form")["arch"]
        self.assertIn("domain=\"[('id', 'in', agenda_order_ids)]\"", arch)
        self.assertIn("'no_create': True", arch)
        self.assertNotIn('name="company_id"', arch)
        self.assertIn('<field name="event_id" invisible="1"', arch)
        with freeze_time(at(WEDNESDAY, 11)):
            form = Form(
                Decision.with_context(**action["context"]), view=action["views"][0][0]
            )
            self.assertEqual(
                set(form.agenda_order_ids.ids),
                set((self.late | self.held | self.loose | self.back).ids),
            )
            form.order_id = self.loose
            form.note = "Paula takes it"
            decision = form.save()
        self.assertEqual(decision.event_id, event)
        self.assertEqual(decision.company_id, self.company)

    def test_bad_decisions_are_refused(self):
        Decision = self.env["order.governance.decision"].with_user(self.officer)
        with self.assertRaises(ValidationError):
            Decision.create(
                {
                    "event_id": self.last_meeting.id,
                    "order_id": self.late.id,
                    "note": "  ",
                }
            )
        plain = self.env["calendar.event"].create(
            {"name": "Lunch", "start": at(MONDAY, 12), "stop": at(MONDAY, 13)}
        )
        with self.assertRaises(ValidationError):
            Decision.create(
                {"event_id": plain.id, "order_id": self.late.id, "note": "x"}
            )
        other = self.env["res.company"].create({"name": "Elsewhere"})
        foreign = self.env["sale.order"].create(
            {"partner_id": self.partner.id, "company_id": other.id}
        )
        with self.assertRaises(ValidationError):
            Decision.sudo().create(
                {"event_id": self.last_meeting.id, "order_id": foreign.id, "note": "x"}
            )
        with self.assertRaises(AccessError):
            self.env["order.governance.decision"].with_user(self.prod_manager).create(
                {
                    "event_id": self.last_meeting.id,
                    "order_id": self.late.id,
                    "note": "x",
                }
            )
        self.assertEqual(len(self.last_meeting.governance_decision_ids), 2)

    def test_scheduling_checks_its_input(self):
        Meeting = self.env["order.governance.meeting"].with_user(self.officer)
        with self.assertRaises(UserError):
            Meeting.create(
                {"department_ids": [(6, 0, [])], "start": at(WEDNESDAY, 12)}
            ).action_schedule()
        with self.assertRaises(UserError):
            Meeting.create(
                {
                    "department_ids": [(6, 0, self.departments.ids)],
                    "date_from": at(WEDNESDAY, 13),
                    "start": at(WEDNESDAY, 12),
                }
            ).action_schedule()
        other = self.env["res.company"].create({"name": "Elsewhere"})
        foreign = self.env["hr.department"].create(
            {"name": "Far", "company_id": other.id}
        )
        with self.assertRaises(ValidationError):
            Meeting.create(
                {"department_ids": [(6, 0, foreign.ids)], "start": at(WEDNESDAY, 12)}
            )
        with self.assertRaises(ValidationError):
            Meeting.create({"start": at(WEDNESDAY, 12), "duration": 0})
        with self.assertRaises(AccessError):
            self.env["order.governance.meeting"].with_user(self.prod_manager).create({})
        self.assertFalse(
            self.env["calendar.event"].search(
                [
                    ("governance_company_id", "=", self.company.id),
                    ("id", "!=", self.last_meeting.id),
                ]
            )
        )

    def test_occurrences_look_back_on_the_meeting_before(self):
        event = self.schedule(recurrency=True, rrule_type="weekly")
        following = event.recurrence_id.calendar_event_ids.filtered(
            lambda e: e.start == event.start + timedelta(days=7)
        )
        self.assertTrue(following)
        self.assertFalse(following.governance_period_start)
        self.assertEqual(following.governance_department_ids, self.departments)
        self.assertEqual(following._governance_period()[0], event.start)

    def test_only_officers_make_or_change_a_coordination_meeting(self):
        Event = self.env["calendar.event"].with_user(self.prod_manager)
        with self.assertRaises(AccessError):
            Event.create(
                {
                    "name": "Fake",
                    "start": at(TUESDAY, 9),
                    "stop": at(TUESDAY, 10),
                    "governance_company_id": self.company.id,
                }
            )
        # invited (a non-attendee may not change the meeting at all)
        self.last_meeting.partner_ids |= self.prod_manager.partner_id
        meeting = self.last_meeting.with_user(self.prod_manager)
        with self.assertRaises(AccessError):
            meeting.governance_period_start = at(TUESDAY, 9)
        with self.assertRaises(AccessError):
            meeting.governance_department_ids = self.dep_logistics
        # an attendee may move it; the unchanged values Calendar writes pass
        meeting.write(
            {
                "start": at(MONDAY, 9, 30),
                "stop": at(MONDAY, 10, 30),
                "governance_company_id": self.company.id,
            }
        )
        self.assertEqual(meeting.governance_department_ids, self.dep_production)

    def test_an_attendee_may_move_a_recurrent_meeting(self):
        event = self.schedule(recurrency=True, rrule_type="weekly")
        count = len(event.recurrence_id.calendar_event_ids)
        event.with_user(self.prod_manager).write(
            {
                "recurrence_update": "all_events",
                "start": at(WEDNESDAY, 14),
                "stop": at(WEDNESDAY, 15),
            }
        )
        events = self.env["calendar.event"].search(
            [
                ("governance_company_id", "=", self.company.id),
                ("start", ">=", at(WEDNESDAY, 0)),
            ]
        )
        self.assertEqual(len(events), count)
        self.assertEqual({e.start.hour for e in events}, {14})

    def test_executor_over_rpc_is_refused(self):
        """An executor invited to the meeting: he may open it, not read an
        agenda, record a decision or change what it covers; odd context keys
        change nothing."""
        worker = self.prod_worker1
        self.last_meeting.partner_ids |= worker.partner_id
        event = self.last_meeting.with_user(worker).with_context(
            tz="Mars/Olympus", active_test=False
        )
        action = event.action_governance_print_agenda()  # the report action only
        with self.assertRaises(AccessError):
            self.env["ir.actions.report"].with_user(worker)._render_qweb_html(
                action["report_name"], event.ids
            )
        with self.assertRaises(AccessError):
            event.write({"governance_department_ids": [(6, 0, self.dep_logistics.ids)]})
        with self.assertRaises(AccessError):
            self.env["order.governance.decision"].with_user(worker).create(
                {"event_id": event.id, "order_id": self.late.id, "note": "mine"}
            )
        with self.assertRaises(AccessError):
            self.env["order.governance.bottleneck"].with_user(worker).create({})
        self.assertEqual(
            self.last_meeting.governance_department_ids, self.dep_production
        )
        self.assertEqual(len(self.last_meeting.governance_decision_ids), 2)
        # an officer's odd time zone falls back to UTC in the agenda
        production, _omc = (
            self.env["order.governance.meeting"]
            .with_user(self.officer)
            .with_context(tz="Mars/Olympus")
            ._governance_agenda(
                self.company, self.departments, at(MONDAY, 9), at(WEDNESDAY, 10)
            )
        )
        self.assertEqual(production["department"], self.dep_production)


@tagged("post_install", "-at_install")
class TestMeetingSlot(SlaCase):
    """The default time of a coordination meeting: the first slot from the next
    working day where the organiser works and every attendee is at work and
    free. The company calendar works 8-12 and 13-17 UTC, Monday to Friday."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["hr.employee"].search(
            [("company_id", "=", cls.company.id)]
        ).resource_calendar_id = cls.calendar
        (cls.officer | cls.prod_manager | cls.sales_manager).tz = "UTC"

    def meeting(self, **values):
        Meeting = self.env["order.governance.meeting"].with_user(self.officer)
        return Meeting.create(
            {"department_ids": [(6, 0, self.dep_production.ids)], **values}
        )

    def busy(self, user, start, stop, **values):
        return self.env["calendar.event"].create(
            {
                "name": "Busy",
                "start": start,
                "stop": stop,
                "partner_ids": [(6, 0, user.partner_id.ids)],
                **values,
            }
        )

    def test_on_a_saturday_the_default_is_monday_within_working_hours(self):
        """Not Sunday 08:00: Monday at the start of the working day."""
        with freeze_time(at(SATURDAY, 10)):
            meeting = self.meeting()
        self.assertEqual(meeting.start, at(NEXT_MONDAY, 8))
        self.assertFalse(meeting.slot_warning)
        with freeze_time(at(SATURDAY, 10)):
            form = Form(self.env["order.governance.meeting"].with_user(self.officer))
            self.assertEqual(form.start, at(NEXT_MONDAY, 8))

    def test_the_organiser_time_zone_and_hours_count(self):
        """Working hours are the organiser's employee's calendar, in his zone."""
        brussels = self.env["resource.calendar"].create(
            {"name": "Brussels office", "tz": "Europe/Brussels"}
        )
        self.officer.employee_ids.resource_calendar_id = brussels
        self.officer.tz = "Europe/Brussels"
        with freeze_time(at(SATURDAY, 10)):
            meeting = self.meeting()
        # 08:00 in Brussels (UTC+1) is 07:00 UTC: before the others' hours;
        # 08:00 UTC is 09:00 in Brussels
        self.assertEqual(meeting.start, at(NEXT_MONDAY, 8))

    def test_a_busy_attendee_pushes_the_slot(self):
        """The first slot where every attendee is free; declined and free-shown
        events do not count; time off does."""
        self.busy(self.prod_manager, at(NEXT_MONDAY, 8), at(NEXT_MONDAY, 10))
        self.busy(
            self.officer, at(NEXT_MONDAY, 10), at(NEXT_MONDAY, 11), show_as="free"
        )
        with freeze_time(at(SATURDAY, 10)):
            self.assertEqual(self.meeting().start, at(NEXT_MONDAY, 10))
            self.assertEqual(
                self.meeting(duration=2.5).start, at(NEXT_MONDAY, 13)
            )  # 10-12 is too short, lunch is off
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Time off",
                "calendar_id": self.calendar.id,
                "resource_id": self.prod_manager.employee_ids.resource_id.id,
                "date_from": at(NEXT_MONDAY, 0),
                "date_to": at(NEXT_MONDAY, 23, 59),
            }
        )
        with freeze_time(at(SATURDAY, 10)):
            self.assertEqual(
                self.meeting().start, at(NEXT_MONDAY + timedelta(days=1), 8)
            )

    def test_no_common_slot_keeps_the_first_working_slot_and_warns(self):
        """Nobody free in the days searched: the first working slot, and a
        warning saying so."""
        self.busy(
            self.prod_manager,
            at(NEXT_MONDAY, 0),
            at(NEXT_MONDAY + timedelta(days=30), 0),
        )
        with freeze_time(at(SATURDAY, 10)):
            meeting = self.meeting()
        self.assertEqual(meeting.start, at(NEXT_MONDAY, 8))
        self.assertIn("No slot", meeting.slot_warning)

    def test_the_slot_search_costs_the_same_for_2_or_7_attendees(self):
        """One search of the attendees' events, not one per attendee or slot."""
        users = self.env["res.users"]
        for login in ("a", "b", "c", "d", "e"):
            users |= self._person(f"slot_{login}", GROUP_MANAGER, self.dep_sales)
        everybody = users | self.prod_manager | self.sales_manager
        for user in everybody:
            self.busy(user, at(NEXT_MONDAY, 8), at(NEXT_MONDAY, 9))

        def queries(attendees):
            with freeze_time(at(SATURDAY, 10)):
                meeting = self.meeting(start=at(NEXT_MONDAY, 15))
                meeting.attendee_ids = attendees
                self.env.invalidate_all()
                before = self.env.cr.sql_log_count
                start, _warning = meeting._governance_default_slot()
                self.assertEqual(start, at(NEXT_MONDAY, 9))
                return self.env.cr.sql_log_count - before

        self.assertEqual(len(everybody), 7)
        queries(everybody)  # the registry's caches warm up
        two = queries(everybody[:2])
        seven = queries(everybody)
        self.assertEqual(two, seven)
        self.assertLessEqual(seven, 20)
