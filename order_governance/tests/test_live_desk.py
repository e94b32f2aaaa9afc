import json
from datetime import timedelta

from lxml import etree

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..models.order_governance_flow_mixin import DESK_ORDER, LIVE_NOTIFICATION
from .common import OrderGovernanceCase


@tagged("post_install", "-at_install")
class TestLiveDesk(OrderGovernanceCase):
    """The desk puts urgent work first, opens on one's own work and updates
    itself: what an executor needs to find his next order at once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.give_production_to(cls.prod_worker1)

    def _in_production(self, count):
        return self.put_in(self.create_orders(count), self.stage_production)

    def _arch(self, xmlid, view_type):
        Order = self.env["sale.order"]
        return etree.fromstring(
            Order.get_view(self.env.ref(xmlid).id, view_type)["arch"]
        )

    def _last_bus_id(self):
        self.env.flush_all()
        self.env.cr.flush()  # runs the pre-commit hooks that write the bus
        return self.env["bus.bus"].sudo().search([], order="id desc", limit=1).id or 0

    def _announcements_since(self, last_id):
        self._last_bus_id()
        notes = self.env["bus.bus"].sudo().search([("id", ">", last_id)])
        found = []
        for note in notes:
            message = json.loads(note.message)
            if message["type"] == LIVE_NOTIFICATION:
                found.append((json.loads(note.channel), message["payload"]))
        return found

    # ------------------------------------------------------------------
    # Urgent first
    # ------------------------------------------------------------------
    def test_desk_sorts_late_then_at_risk_then_deadline_then_held(self):
        """Breached first (the latest deadline passed first), then at risk, then
        by deadline, orders without a deadline after them, held orders last."""
        late, late_earlier, at_risk, soon, later, no_sla, held = self._in_production(7)
        now = fields.Datetime.now()
        values = [
            (late, "breached", now - timedelta(hours=2)),
            (late_earlier, "breached", now - timedelta(days=2)),
            (at_risk, "at_risk", now + timedelta(hours=1)),
            (soon, "on_track", now + timedelta(hours=5)),
            (later, "on_track", now + timedelta(days=3)),
            (no_sla, "none", False),
            (held, "breached", now - timedelta(days=5)),
        ]
        for order, status, deadline in values:
            order.sudo().write({"sla_status": status, "stage_deadline": deadline})
        held.sudo().write({"governance_on_hold": True})
        kanban = self._arch("order_governance.sale_order_view_kanban", "kanban")
        desk_list = self._arch("order_governance.sale_order_view_list_desk", "list")
        self.assertEqual(kanban.get("default_order"), DESK_ORDER)
        self.assertEqual(desk_list.get("default_order"), DESK_ORDER)
        orders = late | late_earlier | at_risk | soon | later | no_sla | held
        found = self.env["sale.order"].search(
            [("id", "in", orders.ids)], order=DESK_ORDER
        )
        self.assertEqual(
            found.mapped("name"),
            [o.name for o in (late_earlier, late, at_risk, soon, later, no_sla, held)],
        )
        # the order in the column of a finished stage goes after all of them
        self.put_in(soon, self.stage_done)
        self.assertEqual(soon.governance_urgency, "4")

    def test_nobody_writes_his_way_to_the_top(self):
        """The urgency is the engine's: a user cannot write his order first."""
        order = self._in_production(1)
        for user in (self.prod_worker1, self.officer):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                order.with_user(user).write({"governance_urgency": "0"})
        self.assertEqual(order.governance_urgency, "2")

    def test_desk_list_shows_due_label_and_sla(self):
        """The desk's list shows the due label and the SLA status; Sales'
        Quotations list keeps the governance columns hidden until asked for."""
        desk_list = self._arch("order_governance.sale_order_view_list_desk", "list")
        for name in ("governance_due_label", "sla_status", "responsible_user_id"):
            with self.subTest(field=name):
                node = desk_list.xpath(f"//field[@name='{name}']")[0]
                self.assertEqual(node.get("optional"), "show")
        quotations = self._arch("sale.view_quotation_tree", "list")
        for name in (
            "governance_stage_id",
            "responsible_department_id",
            "responsible_user_id",
            "sla_status",
        ):
            with self.subTest(field=name):
                node = quotations.xpath(f"//field[@name='{name}']")[0]
                self.assertEqual(node.get("optional"), "hide")

    def test_final_and_cancel_columns_fold(self):
        """Done and Cancelled columns are folded on the desk."""
        groups = (
            self.env["sale.order"]
            .with_user(self.officer)
            .web_read_group(
                [("company_id", "=", self.company.id)],
                ["governance_stage_id"],
                ["governance_stage_id"],
            )["groups"]
        )
        folded = {
            g["governance_stage_id"][0]: g.get("__fold", False)
            for g in groups
            if g["governance_stage_id"]
        }
        self.assertTrue(folded[self.stage_done.id])
        self.assertTrue(folded[self.stage_cancelled.id])
        self.assertFalse(folded[self.stage_production.id])

    def test_executor_desk_opens_on_the_columns_of_his_work(self):
        """An executor's desk shows the columns his department executes and those
        holding orders he sees, not eight empty columns of others; an officer
        sees every column."""
        self._in_production(1)
        domain = [("governance_my_work", "=", True)]
        Order = self.env["sale.order"]

        def columns(user):
            groups = Order.with_user(user).web_read_group(
                domain, ["governance_stage_id"], ["governance_stage_id"]
            )["groups"]
            return {g["governance_stage_id"][0] for g in groups}

        mine = columns(self.log_worker)
        self.assertIn(self.stage_shipping.id, mine)
        self.assertNotIn(self.stage_production.id, mine)
        self.assertNotIn(self.stage_received.id, mine)
        self.assertIn(self.stage_production.id, columns(self.prod_worker2))
        everything = columns(self.officer)
        self.assertLessEqual(
            {self.stage_received.id, self.stage_shipping.id, self.stage_done.id},
            everything,
        )

    # ------------------------------------------------------------------
    # My Work
    # ------------------------------------------------------------------
    def test_my_work_is_mine_and_my_departments_open_orders(self):
        """My Work: the open orders one is responsible for and those waiting in
        his departments; not other departments', not finished ones."""
        production = self._in_production(2)
        shipping = self.put_in(self.create_order(), self.stage_shipping)
        done = self.put_in(self._in_production(1), self.stage_done)
        Order = self.env["sale.order"]
        domain = [("governance_my_work", "=", True)]
        self.assertEqual(Order.with_user(self.prod_worker2).search(domain), production)
        self.assertEqual(Order.with_user(self.log_worker).search(domain), shipping)
        # the manager of the parent department: his tree's work
        found = Order.with_user(self.ops_manager).search(domain)
        self.assertEqual(found, production)
        self.assertNotIn(done, Order.with_user(self.prod_worker1).search(domain))
        self.assertTrue(production.with_user(self.prod_worker1)[0].governance_my_work)

    def test_orders_app_opens_on_my_work(self):
        """The Orders app's first entry is My Work, filtered on one's work, with
        the desk's search panel counting the orders per urgency."""
        root = self.env.ref("order_governance.order_governance_root_menu")
        first = root.child_id.sorted("sequence")[0]
        action = self.env.ref("order_governance.sale_order_action_my_work")
        self.assertEqual(first.action, action)
        self.assertIn("search_default_my_work", action.context)
        search = self._arch("order_governance.sale_order_view_search_desk", "search")
        panel = search.xpath("//searchpanel/field[@name='governance_urgency']")[0]
        self.assertEqual(panel.get("enable_counters"), "1")
        self.assertEqual(
            action.search_view_id,
            search_view := self.env.ref("order_governance.sale_order_view_search_desk"),
        )
        self.assertEqual(
            self.env.ref(
                "order_governance.sale_order_action_order_desk"
            ).search_view_id,
            search_view,
        )

    def test_phone_has_next_and_hold_in_sight(self):
        """On a phone the header's buttons go to the cog menu: Next Stage, Put on
        Hold and Resume are repeated in the sheet for small screens."""
        form = self._arch("sale.view_order_form", "form")
        bar = form.xpath("//div[hasclass('o_governance_mobile_actions')]")[0]
        self.assertIn("d-md-none", bar.get("class"))
        names = {b.get("name") for b in bar.iter("button")}
        self.assertEqual(
            names,
            {"action_governance_next", "action_governance_hold", "governance_resume"},
        )
        next_button = form.xpath("//header/button[@name='action_governance_next']")[0]
        self.assertIn("governance_on_hold", next_button.get("invisible"))

    # ------------------------------------------------------------------
    # Live
    # ------------------------------------------------------------------
    def test_batch_move_sends_one_notification_per_company(self):
        """A batch move of orders of two companies: one notification for each
        company, with the ids of its orders and nothing else."""
        other = self.env["res.company"].create({"name": "Other Governed Company"})
        department = self.env["hr.department"].create(
            {"name": "Other Sales", "company_id": other.id}
        )
        Stage = self.env["order.governance.stage"]
        first, second = Stage.create(
            [
                {
                    "name": f"Other {name}",
                    "sequence": sequence,
                    "company_id": other.id,
                    "responsible_department_id": department.id,
                }
                for sequence, name in ((10, "In"), (20, "Out"))
            ]
        )
        here = self._in_production(3)
        there = self.env["sale.order"].create(
            [
                {
                    "partner_id": self.partner.id,
                    "company_id": other.id,
                    "order_line": [Command.create({"product_id": self.product.id})],
                }
                for _ in range(2)
            ]
        )
        self.assertEqual(there.governance_stage_id, first)
        last = self._last_bus_id()
        (here | there).sudo().action_governance_next()
        self.assertEqual(there.governance_stage_id, second)
        found = self._announcements_since(last)
        self.assertEqual(len(found), 2)
        by_company = {channel[2]: payload for channel, payload in found}
        self.assertEqual(
            by_company,
            {
                self.company.id: {"model": "sale.order", "ids": sorted(here.ids)},
                other.id: {"model": "sale.order", "ids": sorted(there.ids)},
            },
        )
        for channel, _payload in found:
            self.assertEqual(
                channel[1:], ["res.company", channel[2], "order_governance"]
            )

    def test_hold_resume_and_reassign_are_announced(self):
        """Holds, resumes and reassignments change the desk: each is announced."""
        order = self._in_production(1)
        reason = self.env.ref("order_governance.hold_reason_customer")
        for act in (
            lambda: order.with_user(self.prod_worker1).governance_hold(reason),
            lambda: order.with_user(self.prod_worker1).governance_resume(),
            lambda: order.with_user(self.prod_manager).governance_reassign(
                self.dep_production, self.prod_worker2
            ),
        ):
            last = self._last_bus_id()
            act()
            found = self._announcements_since(last)
            self.assertEqual([p["ids"] for _c, p in found], [order.ids])

    def test_a_note_is_not_announced(self):
        """Writing an order's own fields (a note) does not wake every desk."""
        order = self._in_production(1)
        last = self._last_bus_id()
        order.with_user(self.sales_user).write({"note": "<p>call first</p>"})
        self.assertFalse(self._announcements_since(last))

    # ------------------------------------------------------------------
    # The department's quiet signal
    # ------------------------------------------------------------------
    def test_department_digest_one_todo_per_person_a_day(self):
        """The people of the executing department who are not the named
        responsible get one to-do listing what waits there; run again it is
        updated, not repeated; when nothing waits it is done."""
        orders = self._in_production(3)
        Digest = self.env["order.governance.department.digest"]
        activity_type = self.env.ref(
            "order_governance.mail_activity_type_department_digest"
        )

        def todos(user):
            return self.env["mail.activity"].search(
                [
                    ("activity_type_id", "=", activity_type.id),
                    ("user_id", "=", user.id),
                ]
            )

        Digest._cron_department_digest()
        Digest._cron_department_digest()
        todo = todos(self.prod_worker2)
        self.assertEqual(len(todo), 1)
        self.assertEqual(todo.res_model, "hr.department")
        self.assertEqual(todo.res_id, self.dep_production.id)
        self.assertIn("3", todo.summary)
        for order in orders:
            self.assertIn(order.name, str(todo.note))
        # named for all of them: his own activities tell him already
        self.assertFalse(todos(self.prod_worker1))
        self.assertFalse(todos(self.log_worker))
        self.put_in(orders, self.stage_shipping)
        Digest._cron_department_digest()
        self.assertFalse(todos(self.prod_worker2))
        self.assertTrue(todos(self.log_worker))

    def test_department_digest_can_be_switched_off(self):
        """Settings: a company without the daily to-do gets none."""
        self._in_production(2)
        self.company.governance_department_digest = False
        self.env["order.governance.department.digest"]._cron_department_digest()
        activity_type = self.env.ref(
            "order_governance.mail_activity_type_department_digest"
        )
        self.assertFalse(
            self.env["mail.activity"].search(
                [
                    ("activity_type_id", "=", activity_type.id),
                    ("user_id", "=", self.prod_worker2.id),
                ]
            )
        )
