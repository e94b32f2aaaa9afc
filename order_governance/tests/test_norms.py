import importlib.util
from pathlib import Path

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.modules.module import get_module_path
from odoo.tests import tagged

from .common import GROUP_ADMIN, GROUP_USER, OrderGovernanceCase


@tagged("post_install", "-at_install")
class TestNorms(OrderGovernanceCase):
    """Operating norms: published versions, reading, acknowledgement, routing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls._person("norms_admin", GROUP_ADMIN, cls.dep_omc)
        cls.stage = cls.stage_production
        cls.reading_type = cls.env.ref("order_governance.mail_activity_type_read_norms")
        # a rule of the stage names Logistics: its people execute the stage too
        cls.env["order.governance.rule"].create(
            {
                "name": "Production: urgent ones to Logistics",
                "company_id": cls.company.id,
                "stage_ids": [Command.set(cls.stage.ids)],
                "responsible_department_id": cls.dep_logistics.id,
                "domain": "[('client_order_ref', '=', 'URGENT')]",
                "assignment": "manager",
            }
        )
        cls.production_people = cls.prod_manager | cls.prod_worker1 | cls.prod_worker2
        cls.readers = cls.production_people | cls.log_worker

    def reading_activities(self, stage=None):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "order.governance.stage"),
                ("res_id", "=", (stage or self.stage).id),
                ("activity_type_id", "=", self.reading_type.id),
            ]
        )

    def acks(self, user, stage=None):
        return (
            self.env["order.governance.norm.ack"]
            .sudo()
            .search(
                [("stage_id", "=", (stage or self.stage).id), ("user_id", "=", user.id)]
            )
        )

    def publish(self, stage=None):
        (stage or self.stage).with_user(self.admin).action_publish_norms()

    def test_stage_with_norms_starts_at_version_one(self):
        """A stage created with norms is at version 1, its text kept, nobody asked
        to read; a stage without norms has no version until it gets some."""
        self.assertEqual(self.stage.norms_version, 1)
        self.assertEqual(self.stage.norms_version_ids.mapped("version"), [1])
        self.assertIn("Build it well", str(self.stage.norms_version_ids.norms))
        self.assertFalse(self.reading_activities())
        self.assertEqual(self.stage_shipping.norms_version, 0)
        self.stage_shipping.norms = "<p>Pack it.</p>"
        self.assertEqual(self.stage_shipping.norms_version, 1)
        self.assertFalse(self.reading_activities(self.stage_shipping))

    def test_editing_does_not_change_version(self):
        """Editing the text after publication keeps the version in force; publishing
        makes the next one and keeps each version's text."""
        self.stage.norms = "<p>Build it better.</p>"
        self.assertEqual(self.stage.norms_version, 1)
        self.publish()
        self.assertEqual(self.stage.norms_version, 2)
        texts = {v.version: str(v.norms) for v in self.stage.norms_version_ids}
        self.assertIn("Build it well", texts[1])
        self.assertIn("Build it better", texts[2])
        self.assertEqual(self.stage.norms_version_ids[0].user_id, self.admin)

    def test_publish_asks_each_person_once_in_his_language(self):
        """Publishing gives one reading activity to each person of the stage's and
        the rules' executing departments, in his language; the next publication
        replaces the open ones."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.stage.update_field_translations("name", {"zh_CN": "生产"})
        self.prod_worker2.lang = "zh_CN"
        self.publish()
        activities = self.reading_activities()
        self.assertEqual(activities.user_id, self.readers)
        self.assertEqual(len(activities), len(self.readers))
        by_user = {a.user_id: a for a in activities}
        self.assertIn("生产", by_user[self.prod_worker2].summary)
        self.assertIn("Production", by_user[self.prod_worker1].summary)
        self.assertIn("(version 2)", by_user[self.prod_worker1].summary)
        self.publish()
        again = self.reading_activities()
        self.assertEqual(len(again), len(self.readers))
        self.assertFalse(activities.exists())
        self.assertIn("(version 3)", again[0].summary)

    def test_only_administrators_publish(self):
        """Executors, managers and officers cannot publish (RPC included)."""
        for user in (self.prod_worker1, self.prod_manager, self.officer):
            with self.assertRaises(AccessError):
                self.stage.with_user(user).action_publish_norms()
        self.assertEqual(self.stage.norms_version, 1)
        with self.assertRaises(UserError):  # nothing to publish
            self.publish(self.stage_shipping)

    def test_acknowledge(self):
        """The executor acknowledges the version in force himself: one ack, his
        activity done; twice makes no duplicate."""
        self.publish()
        activity = self.reading_activities().filtered(
            lambda a: a.user_id == self.prod_worker1
        )
        stage = self.stage.with_user(self.prod_worker1)
        self.assertTrue(stage.norms_to_read)
        stage.action_acknowledge_norms()
        ack = self.acks(self.prod_worker1)
        self.assertEqual((ack.version, ack.user_id), (2, self.prod_worker1))
        self.assertFalse(activity.active)  # done, kept
        self.assertTrue(activity.date_done)
        self.assertEqual(len(self.reading_activities()), len(self.readers) - 1)
        stage.invalidate_recordset(["norms_to_read"])
        self.assertFalse(stage.norms_to_read)
        stage.action_acknowledge_norms()
        self.assertEqual(len(self.acks(self.prod_worker1)), 1)
        # a new version must be read again
        self.publish()
        stage.invalidate_recordset(["norms_to_read"])
        self.assertTrue(stage.norms_to_read)

    def test_mark_done_acknowledges(self):
        """Marking one's own reading activity done acknowledges; marking someone
        else's does not acknowledge for him."""
        self.publish()
        mine, theirs = (
            self.reading_activities().filtered(lambda a, u=user: a.user_id == u)
            for user in (self.prod_worker1, self.prod_worker2)
        )
        mine.with_user(self.prod_worker1).action_feedback()
        self.assertEqual(self.acks(self.prod_worker1).version, 2)
        theirs.sudo().action_feedback()
        self.assertFalse(self.acks(self.prod_worker2))

    def test_nobody_acknowledges_for_someone_else(self):
        """The ack is always the caller's: no argument, context or sudo names
        another person."""
        stage = self.stage.with_user(self.prod_worker1)
        with self.assertRaises(TypeError):
            stage.action_acknowledge_norms(self.prod_worker2.id)
        stage.with_context(uid=self.prod_worker2.id).action_acknowledge_norms()
        stage.sudo().action_acknowledge_norms()
        self.assertEqual(self.acks(self.prod_worker1).version, 1)
        self.assertFalse(self.acks(self.prod_worker2))

    def test_acks_are_never_edited(self):
        """Users (officers included) cannot create, write or delete acks; an
        executor sees his own, a manager his people's, an officer all."""
        for user in self.production_people | self.log_worker:
            self.stage.with_user(user).action_acknowledge_norms()
        ack = self.acks(self.prod_worker1)
        Ack = self.env["order.governance.norm.ack"]
        for user in (self.prod_worker1, self.prod_manager, self.officer, self.admin):
            with self.assertRaises(AccessError):
                ack.with_user(user).write({"version": 7})
            with self.assertRaises(AccessError):
                ack.with_user(user).unlink()
            with self.assertRaises(AccessError):
                Ack.with_user(user).create(
                    {"stage_id": self.stage.id, "version": 1, "user_id": user.id}
                )
        mine = [("stage_id", "=", self.stage.id)]  # demo data has acks of its own
        seen = Ack.with_user(self.prod_worker1).search(mine).user_id
        self.assertEqual(seen, self.prod_worker1)
        seen = Ack.with_user(self.prod_manager).search(mine).user_id
        self.assertEqual(seen, self.production_people)
        seen = Ack.with_user(self.officer).search(mine).user_id
        self.assertEqual(seen, self.readers)

    def test_acknowledge_from_the_order(self):
        """The order's norms panel: version in force, I Have Read the Norms while
        the reader has not acknowledged it."""
        order = self.put_in(self.create_order(), self.stage)
        mine = order.with_user(self.prod_worker1)
        self.assertEqual(mine.governance_norms_version, 1)
        self.assertTrue(mine.governance_norms_to_read)
        mine.action_governance_acknowledge_norms()
        self.assertEqual(self.acks(self.prod_worker1).version, 1)
        mine.invalidate_recordset(["governance_norms_to_read"])
        self.assertFalse(mine.governance_norms_to_read)
        self.assertTrue(order.with_user(self.prod_worker2).governance_norms_to_read)

    def test_training_material_in_note(self):
        """The reading activity's note links the stage's documents and URLs; the
        order's panel shows them."""
        Attachment = self.env["ir.attachment"]
        url = Attachment.create(
            {"name": "Welding video", "type": "url", "url": "https://example.com/weld"}
        )
        manual = Attachment.with_user(self.admin).create(
            {"name": "Manual.pdf", "raw": b"%PDF-1.4 manual"}
        )
        self.stage.with_user(self.admin).norms_document_ids = [
            Command.set((url | manual).ids)
        ]
        self.assertEqual(
            (manual.res_model, manual.res_id), (self.stage._name, self.stage.id)
        )
        manual.with_user(self.prod_worker1).read(["name"])  # his to open
        self.publish()
        note = str(self.reading_activities()[0].note)
        self.assertIn("https://example.com/weld", note)
        self.assertIn(f"/web/content/{manual.id}", note)
        order = self.put_in(self.create_order(), self.stage)
        html = str(order.with_user(self.prod_worker1).governance_norms_documents_html)
        self.assertIn("Welding video", html)

    def make_rule(self, assignment):
        return self.env["order.governance.rule"].create(
            {
                "name": f"Production: {assignment}",
                "sequence": 1,
                "company_id": self.company.id,
                "stage_ids": [Command.set(self.stage.ids)],
                "responsible_department_id": self.dep_production.id,
                "assignment": assignment,
            }
        )

    def test_round_robin_passes_over_unread(self):
        """Round robin deals only to those who read the version in force; the
        preview and the stay's routing note name who was passed over."""
        self.make_rule("round_robin")
        self.stage.require_norms_ack = True
        for user in (self.prod_manager, self.prod_worker1):
            self.stage.with_user(user).action_acknowledge_norms()
        orders = self.put_in(self.create_orders(4), self.stage)
        self.assertEqual(
            set(orders.mapped("responsible_user_id")),
            {self.prod_manager, self.prod_worker1},
        )
        note = self.open_logs(orders[0]).routing_note
        self.assertIn(
            f"passed over (has not read the norms v1): {self.prod_worker2.name}", note
        )
        order = self.create_order()
        rows = order.governance_route_preview()
        row = next(r for r in rows if r["stage_id"] == self.stage.id)
        self.assertIn("has not read the norms v1", row["reason"])
        self.assertNotEqual(row["user_id"], self.prod_worker2.id)

    def test_least_loaded_passes_over_unread(self):
        """Least loaded never picks someone who has not read the norms, however
        free he is."""
        self.make_rule("least_loaded")
        self.stage.require_norms_ack = True
        self.stage.with_user(self.prod_worker2).action_acknowledge_norms()
        orders = self.put_in(self.create_orders(3), self.stage)
        self.assertEqual(orders.responsible_user_id, self.prod_worker2)
        # once not required, everyone takes orders again
        self.stage.require_norms_ack = False
        more = self.put_in(self.create_orders(2), self.stage)
        self.assertNotIn(self.prod_worker2, more.responsible_user_id)

    def test_nobody_read_manager_takes_it(self):
        """When nobody of the department has read the version in force, its
        manager takes the order, and the routing says why."""
        self.make_rule("round_robin")
        self.stage.require_norms_ack = True
        self.stage.with_user(self.prod_worker1).action_acknowledge_norms()
        self.publish()  # version 2: nobody has read it
        order = self.put_in(self.create_order(), self.stage)
        self.assertEqual(order.responsible_user_id, self.prod_manager)
        self.assertIn(
            "nobody has read the norms v2", self.open_logs(order).routing_note
        )

    def test_health_finding(self):
        """Stages with published norms that someone has not acknowledged are a
        warning, gone once everyone of the executing departments did."""

        def finding():
            return [
                f
                for f in self.env["order.governance.stage"]
                .with_user(self.officer)
                .governance_health_findings()
                if f["code"] == "norms_not_acknowledged"
                and f["res_id"] == self.stage.id
            ]

        found = finding()
        self.assertEqual(len(found), 1)
        self.assertEqual(found[0]["severity"], "warning")
        self.assertIn("4 of 4", found[0]["message"])
        for user in self.readers:
            self.stage.with_user(user).action_acknowledge_norms()
        self.assertFalse(finding())
        self.publish()
        self.assertIn("4 of 4", finding()[0]["message"])

    def test_other_company_stage(self):
        """A stage of another company is invisible and cannot be acknowledged."""
        other = self.env["res.company"].create({"name": "Other Company"})
        stage = self.env["order.governance.stage"].create(
            {"name": "Elsewhere", "company_id": other.id, "norms": "<p>Theirs.</p>"}
        )
        self.assertEqual(stage.norms_version, 1)
        Stage = self.env["order.governance.stage"].with_user(self.prod_worker1)
        self.assertFalse(Stage.search([("id", "=", stage.id)]))
        with self.assertRaises(AccessError):
            stage.with_user(self.prod_worker1).action_acknowledge_norms()
        self.assertFalse(self.acks(self.prod_worker1, stage))
        versions = self.env["order.governance.norms.version"].with_user(
            self.prod_worker1
        )
        self.assertFalse(versions.search([("stage_id", "=", stage.id)]))

    def test_plain_user_cannot_publish_by_rpc_group(self):
        """A governance user made of the user group only is refused too."""
        self.assertTrue(self.prod_worker1.has_group(GROUP_USER))
        with self.assertRaises(AccessError):
            self.stage.with_user(self.prod_worker1).action_publish_norms()

    def test_forms(self):
        """The stage form has Publish Norms for administrators, the version in
        force, the history and who has read; a salesman opens it without them. The
        order form has I Have Read the Norms."""
        Stage = self.env["order.governance.stage"]
        arch = Stage.with_user(self.admin).get_view(view_type="form")["arch"]
        for name in (
            "action_publish_norms",
            "action_view_norm_acks",
            "norms_version_ids",
            "norms_document_ids",
            "require_norms_ack",
        ):
            self.assertIn(name, arch)
        arch = Stage.with_user(self.prod_worker1).get_view(view_type="form")["arch"]
        self.assertNotIn("action_publish_norms", arch)
        salesman = Stage.with_user(self.salesman)
        arch = salesman.get_view(view_type="form")["arch"]
        self.assertNotIn("norms_version_ids", arch)
        self.stage.with_user(self.salesman).read(["norms_version", "norms_to_read"])
        arch = self.env["sale.order"].get_view(view_type="form")["arch"]
        self.assertIn("action_governance_acknowledge_norms", arch)
        action = self.stage.with_user(self.admin).action_view_norm_acks()
        self.assertEqual(action["domain"], [("stage_id", "=", self.stage.id)])

    def test_migration_starts_version_one(self):
        """The 18.0.1.5.0 migration gives stages with norms version 1, their text
        kept, and asks nobody to read them."""
        stage = self.env["order.governance.stage"].create(
            {"name": "Old stage", "company_id": self.company.id}
        )
        self.env.flush_all()
        # as a database before the version: norms written, no version
        self.env.cr.execute(
            "UPDATE order_governance_stage SET norms = %s WHERE id = %s",
            ['{"en_US": "<p>Old norms.</p>"}', stage.id],
        )
        self.env.invalidate_all()
        path = Path(get_module_path("order_governance"))
        spec = importlib.util.spec_from_file_location(
            "og_post_migrate", path / "migrations/18.0.1.5.0/post-migrate.py"
        )
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.migrate(self.env.cr, "18.0.1.4.0")
        self.env.invalidate_all()
        self.assertEqual(stage.norms_version, 1)
        self.assertIn("Old norms", str(stage.norms_version_ids.norms))
        self.assertFalse(self.reading_activities(stage))
        self.assertEqual(self.stage.norms_version, 1)  # already started: unchanged
