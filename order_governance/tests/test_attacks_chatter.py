"""Attacks on the audit trail of the chatter and on the coordination meetings, from
a user's side with RPC-shaped arguments: each is refused and writes nothing; what
users legitimately do in the chatter and with their meetings still works."""

from datetime import datetime

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException

from odoo.addons.mail.tools.discuss import Store

from .common import OrderGovernanceCase


class ChatterCase(OrderGovernanceCase):
    """Two orders moved from Production to Shipping by their salesperson (the
    person responsible for Production): each has a handoff message, with its
    tracking values, that the salesperson wrote (he is its author)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.handoff = cls.env.ref("order_governance.mt_governance_handoff")
        cls.note = cls.env.ref("mail.mt_note")
        cls.stage_field = cls.env["ir.model.fields"]._get(
            "sale.order", "governance_stage_id"
        )
        cls.rep = cls.sales_user
        cls.admin = cls.env.ref("base.user_admin")
        cls.admin.company_ids |= cls.company
        cls.give_production_to(cls.rep)
        orders = cls.create_orders(2)
        orders.sudo().governance_move(cls.stage_production, reason="test set-up")
        cls._flush()
        orders.with_user(cls.rep).action_governance_next()
        cls._flush()
        cls.order, cls.other_order = orders
        cls.message = cls._handoff_of(cls.order)
        cls.other_message = cls._handoff_of(cls.other_order)

    @classmethod
    def _flush(cls):
        cls.env.flush_all()
        cls.env.cr.flush()
        cls.env.invalidate_all()

    @classmethod
    def _handoff_of(cls, order):
        return cls.env["mail.message"].search(
            [
                ("model", "=", "sale.order"),
                ("res_id", "=", order.id),
                ("subtype_id", "=", cls.handoff.id),
            ],
            order="id desc",
            limit=1,
        )

    def fake_line(self, new="Done"):
        return {
            "field_id": self.stage_field.id,
            "old_value_char": "Production",
            "new_value_char": new,
        }

    def chatter(self):
        """What the chatter of both orders shows: each message with what it
        says, and every tracking line with its message."""
        self.env.flush_all()
        self.env.invalidate_all()
        messages = self.env["mail.message"].search(
            [
                ("model", "=", "sale.order"),
                ("res_id", "in", (self.order | self.other_order).ids),
            ]
        )
        return {
            "messages": sorted(
                (
                    m.id,
                    m.res_id,
                    m.model,
                    str(m.body),
                    m.subtype_id.id,
                    m.author_id.id,
                    m.message_type,
                )
                for m in messages
            ),
            "tracking": sorted(
                (t.id, t.mail_message_id.id, t.old_value_char, t.new_value_char)
                for t in self.env["mail.tracking.value"].search([])
            ),
        }


@tagged("post_install", "-at_install")
class TestChatterAttacks(ChatterCase):
    def test_set_up_is_a_real_handoff_by_the_rep(self):
        """The attacks below are on the rep's own handoff message (he is its
        author, so Odoo's rules of mail.message let him write it)."""
        self.assertEqual(self.message.author_id, self.rep.partner_id)
        self.assertIn(
            "Shipping", self.message.tracking_value_ids.mapped("new_value_char")
        )
        self.assertEqual(self.order.governance_stage_id, self.stage_shipping)

    def test_rpc_create_of_a_handoff_with_tracking_values(self):
        """mail.message.create over RPC cannot write a handoff that never
        happened, tracking lines included."""
        before = self.chatter()
        with self.assertRaises(AccessError):
            self.env["mail.message"].with_user(self.rep).create(
                {
                    "model": "sale.order",
                    "res_id": self.order.id,
                    "message_type": "notification",
                    "subtype_id": self.handoff.id,
                    "body": "Moved to Done",
                    "tracking_value_ids": [[0, 0, self.fake_line()]],
                }
            )
        # the same lines under an ordinary note
        with self.assertRaises(AccessError):
            self.env["mail.message"].with_user(self.rep).create(
                {
                    "model": "sale.order",
                    "res_id": self.order.id,
                    "message_type": "comment",
                    "subtype_id": self.note.id,
                    "body": "Note",
                    "tracking_value_ids": [[0, 0, self.fake_line()]],
                }
            )
        self.assertEqual(self.chatter(), before)

    def test_rpc_create_with_the_handoff_subtype(self):
        """The handoff subtype alone (the e-mail of a handoff to its followers)
        is refused too, however the id is given."""
        before = self.chatter()
        Message = self.env["mail.message"].with_user(self.rep)
        values = {
            "model": "sale.order",
            "res_id": self.order.id,
            "message_type": "notification",
            "body": "Stage: Production → Done",
        }
        for subtype in (self.handoff.id, str(self.handoff.id)):
            with self.subTest(subtype=subtype), self.assertRaises(AccessError):
                Message.create(dict(values, subtype_id=subtype))
        with self.assertRaises(AccessError):
            Message.with_context(default_subtype_id=self.handoff.id).create(values)
        self.assertEqual(self.chatter(), before)

    def test_message_notify_with_tracking_values_or_the_handoff_subtype(self):
        """message_notify (public) passes its extra arguments to the message:
        neither tracking values nor the handoff subtype."""
        before = self.chatter()
        order = self.order.with_user(self.rep)
        with self.assertRaises(AccessError):
            order.message_notify(
                body="Moved to Done",
                partner_ids=[self.officer.partner_id.id],
                tracking_value_ids=[[0, 0, self.fake_line()]],
            )
        with self.assertRaises(AccessError):
            order.message_notify(
                body="Moved to Done",
                partner_ids=[self.officer.partner_id.id],
                subtype_id=self.handoff.id,
            )
        self.assertEqual(self.chatter(), before)

    def test_moving_a_tracking_line_off_another_handoff(self):
        """Nobody takes another order's tracking line (or edits it) through a
        message of his own: not the rep (Odoo hides the field from him), not an
        administrator (who may write the field)."""
        note = self.order.with_user(self.rep).message_post(
            body="My note", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        line = self.other_message.tracking_value_ids[:1]
        before = self.chatter()
        commands = (
            [[4, line.id]],
            [[6, 0, line.ids]],
            [[1, line.id, {"new_value_char": "Done"}]],
            [[0, 0, self.fake_line()]],
        )
        for user in (self.rep, self.admin):
            for command in commands:
                with (
                    self.subTest(user=user.login, command=command),
                    self.assertRaises(AccessError),
                ):
                    self.env["mail.message"].with_user(user).browse(note.ids).write(
                        {"tracking_value_ids": command}
                    )
        self.assertEqual(self.chatter(), before)
        self.assertEqual(line.mail_message_id, self.other_message)

    def test_editing_a_handoff_message(self):
        """Neither its author nor an administrator changes what a handoff message
        shows, field by field."""
        before = self.chatter()
        probes = {
            "body": "<p>Moved to Done</p>",
            "subtype_id": self.note.id,
            "author_id": self.officer.partner_id.id,
            "message_type": "comment",
            "model": "res.partner",
            "res_id": self.other_order.id,
            "tracking_value_ids": [[5, 0, 0]],
            "attachment_ids": [[0, 0, {"name": "proof.txt", "raw": b"x"}]],
        }
        for user in (self.rep, self.admin):
            message = self.env["mail.message"].with_user(user).browse(self.message.ids)
            for fname, value in probes.items():
                with (
                    self.subTest(user=user.login, field=fname),
                    self.assertRaises(AccessError),
                ):
                    message.write({fname: value})
        self.assertEqual(self.chatter(), before)

    def test_editing_any_message_with_tracking_values(self):
        """Not only handoffs: a message that shows field changes (here Odoo's log
        of a change, with its note subtype) is not edited nor deleted either."""
        log = self.order._message_log(
            body="Journal item updated",
            tracking_value_ids=[Command.create(self.fake_line("Shipping"))],
        )
        before = self.chatter()
        message = self.env["mail.message"].with_user(self.rep).browse(log.ids)
        with self.assertRaises(AccessError):
            message.write({"body": "<p>Nothing changed</p>"})
        with self.assertRaises(AccessError):
            message.unlink()
        self.assertEqual(self.chatter(), before)

    def test_deleting_a_handoff_message(self):
        """Neither its author nor an administrator deletes a handoff message."""
        before = self.chatter()
        for user in (self.rep, self.admin):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["mail.message"].with_user(user).browse(
                    self.message.ids
                ).unlink()
        self.assertEqual(self.chatter(), before)

    def test_chatter_edit_of_a_handoff(self):
        """The chatter's edit and delete (``_message_update_content``): refused
        by Odoo's check, and below it by the message's own guard."""
        before = self.chatter()
        order = self.order.with_user(self.rep)
        message = self.message.with_user(self.rep)
        with self.assertRaises(UserError):
            order._message_update_content(message, body="")
        for body in ("<p>Moved to Done</p>", ""):
            with self.subTest(body=body), self.assertRaises(AccessError):
                order._message_update_content(message, body=body, strict=False)
        self.assertEqual(self.chatter(), before)

    def test_making_a_note_a_handoff(self):
        """A user's own note cannot be turned into a handoff message."""
        note = self.order.with_user(self.rep).message_post(
            body="Moved to Done", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        before = self.chatter()
        with self.assertRaises(AccessError):
            self.env["mail.message"].with_user(self.rep).browse(note.ids).write(
                {"subtype_id": self.handoff.id}
            )
        self.assertEqual(self.chatter(), before)

    def test_tracking_lines_are_written_by_odoo_only(self):
        """mail.tracking.value is an administrator's model in Odoo: not even an
        administrator creates, edits or deletes a line."""
        line = self.message.tracking_value_ids
        before = self.chatter()
        Tracking = self.env["mail.tracking.value"].with_user(self.admin)
        with self.assertRaises(AccessError):
            Tracking.create([dict(self.fake_line(), mail_message_id=self.message.id)])
        with self.assertRaises(AccessError):
            Tracking.browse(line.ids).write({"new_value_char": "Done"})
        with self.assertRaises(AccessError):
            Tracking.browse(line.ids).write({"mail_message_id": self.other_message.id})
        with self.assertRaises(AccessError):
            Tracking.browse(line.ids).write({"field_info": {"desc": "Stage"}})
        with self.assertRaises(AccessError):
            Tracking.browse(line.ids).unlink()
        self.assertEqual(self.chatter(), before)


@tagged("post_install", "-at_install")
class TestChatterStillWorks(ChatterCase):
    def test_a_move_shows_its_handoff_with_tracking_values(self):
        """A real move writes its handoff message with its tracking values, which
        the user reads as before."""
        self.assertEqual(self.message.subtype_id, self.handoff)
        self.assertIn("Moved to Shipping by", str(self.message.body))
        stored = Store(
            self.message.with_user(self.rep), for_current_user=True
        ).get_result()
        [data] = stored["mail.message"]
        self.assertIn(
            "Shipping",
            [value["newValue"]["value"] for value in data["trackingValues"]],
        )

    def test_user_posts_edits_and_deletes_his_comment(self):
        """Ordinary notes and messages, and the chatter's edit and delete of a
        user's own comment."""
        order = self.order.with_user(self.rep)
        note = order.message_post(body="A note", subtype_xmlid="mail.mt_note")
        self.assertEqual(note.subtype_id, self.note)
        comment = order.message_post(
            body="A comment", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        order._message_update_content(comment, body="Edited")
        self.assertIn("Edited", str(comment.body))
        order._message_update_content(comment, body="", attachment_ids=[])
        self.assertTrue(comment._filter_empty())  # what the chatter hides
        # Odoo's log of a change made by the user (an invoice line's, say):
        # written as superuser, with its tracking values
        log = order._message_log(
            body="Journal item updated",
            tracking_value_ids=[Command.create(self.fake_line("Shipping"))],
        )
        self.assertEqual(log.tracking_value_ids.new_value_char, "Shipping")

    def test_user_stars_reacts_and_reads_a_handoff(self):
        """Starring (either side of the relation), reactions and marking as read
        change nothing the handoff shows: they work."""
        message = self.message.with_user(self.rep)
        message.toggle_message_starred()
        self.assertTrue(message.starred)
        message.toggle_message_starred()
        message.write({"starred_partner_ids": [[4, self.rep.partner_id.id]]})
        self.assertTrue(message.starred)
        # the reaction route reacts as superuser, after its own access check
        message.sudo()._message_reaction(
            "👍", "add", self.rep.partner_id, self.env["mail.guest"]
        )
        self.assertEqual(self.message.reaction_ids.content, "👍")
        # the rep's inbox entry for the handoff, marked as read
        inbox = self.env["mail.notification"].create(
            {
                "mail_message_id": self.message.id,
                "res_partner_id": self.rep.partner_id.id,
                "notification_type": "inbox",
                "is_read": False,
            }
        )
        message.set_message_done()
        self.assertTrue(inbox.is_read)

    def test_deleting_a_quotation_deletes_its_chatter(self):
        """Deleting a fresh quotation (a Sales administrator may) still takes its
        messages with it, those that show field changes included (Odoo does it
        as superuser)."""
        quotation = self.create_order()
        log = quotation._message_log(
            body="Changed", tracking_value_ids=[Command.create(self.fake_line())]
        )
        quotation.with_user(self.admin).unlink()
        self.assertFalse(log.exists())

    def test_deleting_a_tracked_custom_field_keeps_its_label(self):
        """An administrator who deletes a tracked custom field: Odoo writes the
        field's label on its tracking lines, as before."""
        field = self.env["ir.model.fields"].create(
            {
                "name": "x_governance_probe",
                "field_description": "Probe",
                "model_id": self.env["ir.model"]._get_id("sale.order"),
                "ttype": "char",
                "tracking": 1,
            }
        )
        log = self.order._message_log(
            body="Probe",
            tracking_value_ids=[
                Command.create(
                    {
                        "field_id": field.id,
                        "old_value_char": "a",
                        "new_value_char": "b",
                    }
                )
            ],
        )
        field.with_user(self.admin).unlink()
        self.assertEqual(log.tracking_value_ids.field_info["desc"], "Probe")

    def test_superuser_flows_pass(self):
        """Odoo's own flows that write messages as superuser (a merge moving a
        record's messages, say) keep their rights; only the engine writes the
        handoff subtype."""
        log = self.order._message_log(
            body="Changed", tracking_value_ids=[Command.create(self.fake_line())]
        )
        log.sudo().write({"res_id": self.other_order.id})
        self.assertEqual(log.res_id, self.other_order.id)
        with self.assertRaises(AccessError):
            self.order.sudo().message_post(body="Moved", subtype_id=self.handoff.id)


@tagged("post_install", "-at_install")
class TestChatterRoutes(HttpCase, ChatterCase):
    """The chatter's own routes, which post and edit as superuser."""

    def route(self, route, params):
        return self.make_jsonrpc_request(route, params)

    def test_chatter_post_with_the_handoff_subtype(self):
        """The chatter's post route takes a subtype and posts as superuser: not
        the handoff's."""
        self.authenticate(self.rep.login, self.rep.login)
        before = self.chatter()
        with self.assertRaisesRegex(JsonRpcException, "AccessError"):
            self.route(
                "/mail/message/post",
                {
                    "thread_model": "sale.order",
                    "thread_id": self.order.id,
                    "post_data": {
                        "body": "Stage: Production → Done",
                        "message_type": "notification",
                        "subtype_xmlid": "order_governance.mt_governance_handoff",
                    },
                },
            )
        self.assertEqual(self.chatter(), before)

    def test_chatter_post_edit_and_delete_of_a_comment(self):
        """Through the same routes, a user posts, edits and deletes his own
        comment; the handoff stays."""
        self.authenticate(self.rep.login, self.rep.login)
        self.route(
            "/mail/message/post",
            {
                "thread_model": "sale.order",
                "thread_id": self.order.id,
                "post_data": {
                    "body": "Hello",
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_comment",
                },
            },
        )
        comment = self.env["mail.message"].search(
            [("model", "=", "sale.order"), ("res_id", "=", self.order.id)],
            order="id desc",
            limit=1,
        )
        self.assertIn("Hello", str(comment.body))
        for body in ("Hello again", ""):
            self.route(
                "/mail/message/update_content",
                {"message_id": comment.id, "body": body, "attachment_ids": []},
            )
        comment.invalidate_recordset()
        self.assertTrue(comment._filter_empty())
        with self.assertRaisesRegex(JsonRpcException, "UserError"):
            self.route(
                "/mail/message/update_content",
                {"message_id": self.message.id, "body": "", "attachment_ids": []},
            )
        self.assertTrue(self.message.exists().tracking_value_ids)


MEETING_START = datetime(2026, 11, 23, 9)


@tagged("post_install", "-at_install")
class TestMeetingAttacks(OrderGovernanceCase):
    """A coordination meeting that recorded decisions (the officer's, with the
    production manager), and one without (the production manager's)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.admin.company_ids |= cls.company
        cls.order = cls.create_order()
        Event = cls.env["calendar.event"]
        common = {
            "start": MEETING_START,
            "stop": MEETING_START.replace(hour=10),
            "governance_company_id": cls.company.id,
            "governance_department_ids": [Command.set(cls.dep_production.ids)],
        }
        cls.decided = Event.create(
            dict(
                common,
                name="Decided meeting",
                user_id=cls.officer.id,
                partner_ids=[
                    Command.set((cls.officer | cls.prod_manager).partner_id.ids)
                ],
            )
        )
        cls.bare = Event.create(
            dict(
                common,
                name="Meeting without decisions",
                user_id=cls.prod_manager.id,
                partner_ids=[
                    Command.set((cls.prod_manager | cls.prod_worker1).partner_id.ids)
                ],
            )
        )
        cls.decision = (
            cls.env["order.governance.decision"]
            .with_user(cls.officer)
            .create(
                {
                    "event_id": cls.decided.id,
                    "order_id": cls.order.id,
                    "note": "Production works overtime on it",
                }
            )
        )

    def state(self):
        self.env.flush_all()
        self.env.invalidate_all()
        events = (self.decided | self.bare).with_context(active_test=False).exists()
        decisions = self.env["order.governance.decision"].search([])
        return (
            sorted((e.id, e.name, e.start, e.active) for e in events),
            sorted((d.id, d.event_id.id, d.order_id.id, d.note) for d in decisions),
        )

    def test_non_attendee_cannot_delete_a_meeting(self):
        """A sales rep who is neither organizer nor attendee deletes no
        coordination meeting, with or without decisions."""
        before = self.state()
        for event in (self.bare, self.decided):
            with self.subTest(event=event.name), self.assertRaises(AccessError):
                self.env["calendar.event"].with_user(self.sales_user).browse(
                    event.ids
                ).unlink()
        self.assertEqual(self.state(), before)

    def test_non_attendee_cannot_edit_a_meeting(self):
        """Nor does he rename, move or archive it."""
        before = self.state()
        probes = (
            {"name": "Cancelled"},
            {"start": "2026-11-24 09:00:00", "stop": "2026-11-24 10:00:00"},
            {"active": False},
            {"partner_ids": [[4, self.sales_user.partner_id.id]]},
        )
        for vals in probes:
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                self.env["calendar.event"].with_user(self.sales_user).browse(
                    self.bare.ids
                ).write(vals)
        self.assertEqual(self.state(), before)

    def test_meeting_with_decisions_cannot_be_deleted_even_by_an_admin(self):
        """Decisions outlive their meeting: the administrator, the organizer and
        the superuser get a clear error, and everything stays."""
        before = self.state()
        for event in (
            self.decided.with_user(self.admin),
            self.decided.with_user(self.officer),
            self.decided,
        ):
            with self.assertRaisesRegex(UserError, "has recorded decisions"):
                event.unlink()
        self.assertEqual(self.state(), before)

    def test_decisions_are_append_only(self):
        """Not even an administrator edits or deletes a decision, directly or
        through the meeting's form."""
        before = self.state()
        Decision = self.env["order.governance.decision"].with_user(self.admin)
        decision = Decision.browse(self.decision.ids)
        with self.assertRaises(AccessError):
            decision.write({"note": "Nothing was decided"})
        with self.assertRaises(AccessError):
            decision.write({"event_id": self.bare.id})
        with self.assertRaises(AccessError):
            decision.unlink()
        event = self.decided.with_user(self.admin)
        for command in (
            [[1, self.decision.id, {"note": "Nothing was decided"}]],
            [[2, self.decision.id]],
        ):
            with self.subTest(command=command), self.assertRaises(AccessError):
                event.write({"governance_decision_ids": command})
        with self.assertRaises(AccessError):
            self.env["order.governance.decision"].with_user(self.officer).browse(
                self.decision.ids
            ).write({"note": "Nothing was decided"})
        self.assertEqual(self.state(), before)

    def test_organizer_and_attendees_keep_their_meeting(self):
        """The organizer (not an officer) deletes his meeting without decisions;
        an attendee moves one; officers record decisions as before."""
        self.bare.with_user(self.prod_worker1).write(
            {"start": "2026-11-23 11:00:00", "stop": "2026-11-23 12:00:00"}
        )
        self.decided.with_user(self.prod_manager).write({"name": "Moved meeting"})
        self.env["order.governance.decision"].with_user(self.officer).create(
            {"event_id": self.decided.id, "order_id": self.order.id, "note": "More"}
        )
        self.assertEqual(len(self.decided.governance_decision_ids), 2)
        self.bare.with_user(self.prod_manager).unlink()
        self.assertFalse(self.bare.exists())

    def test_calendar_archives_an_occurrence_it_drops(self):
        """Calendar deletes the occurrences a recurrence no longer has with
        ``archive_on_error``: one with decisions is archived instead."""
        self.decided.with_user(self.prod_manager).with_context(
            archive_on_error=True
        ).unlink()
        self.assertTrue(self.decided.exists())
        self.assertFalse(self.decided.active)
        self.assertTrue(self.decision.exists())
