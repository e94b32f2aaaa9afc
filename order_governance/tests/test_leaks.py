import base64
from datetime import date, datetime
from urllib.parse import urlparse

from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import OrderGovernanceCase

ORDER_RECORDS = (
    "order.governance.stage.log",
    "order.governance.hold",
    "order.governance.check.line",
)


def web_spec(node, model_name, models):
    """The ``web_read`` specification the web client builds for the fields of a
    view: display names of many2one, the sub-view's fields of x2many."""
    spec = {}
    model_fields = models[model_name]["fields"]
    for field_node in _fields_of(node):
        name = field_node.get("name")
        info = model_fields.get(name, {})
        if info.get("type") == "many2one":
            spec[name] = {"fields": {"display_name": {}}}
        elif info.get("type") in ("one2many", "many2many"):
            subview = next(
                (child for child in field_node if child.tag in ("list", "kanban")),
                None,
            )
            spec[name] = {
                "fields": web_spec(subview, info["relation"], models)
                if subview is not None
                else {"display_name": {}}
            }
        else:
            spec[name] = {}
    return spec


def _fields_of(node):
    """The <field> nodes of ``node``, not those of a sub-view."""
    for child in node:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "field":
            yield child
        else:
            yield from _fields_of(child)


@tagged("post_install", "-at_install")
class TestLeaks(OrderGovernanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # In Production, prod_one is the responsible person (and of its stay).
        cls.give_production_to(cls.prod_worker1)
        cls.env["order.governance.check"].create(
            {
                "stage_id": cls.stage_production.id,
                "name": "Drawing approved",
                "required": False,
            }
        )
        cls.reason = cls.env.ref("order_governance.hold_reason_customer")

    def in_production(self, user=None):
        """An order of ``user`` in Production, with its stays, check line and hold."""
        order = self.put_in(self.create_order(user=user), self.stage_production)
        order.sudo().governance_hold(self.reason, "Waiting for the drawing")
        self.assertTrue(order.governance_check_line_ids)
        self.assertTrue(order.governance_hold_ids)
        return order

    def records_of(self, orders):
        return {
            "order.governance.stage.log": orders.stage_log_ids,
            "order.governance.hold": orders.governance_hold_ids,
            "order.governance.check.line": orders.stage_log_ids.check_line_ids,
        }

    def assert_hidden(self, user, records):
        """``user`` finds none of ``records`` and may not read them."""
        for model, recs in records.items():
            with self.subTest(user=user.login, model=model):
                self.assertTrue(recs)
                found = self.env[model].with_user(user).search([("id", "in", recs.ids)])
                self.assertFalse(found)
                with self.assertRaises(AccessError):
                    recs.with_user(user).read(["order_id"])

    def assert_visible(self, user, records):
        for model, recs in records.items():
            with self.subTest(user=user.login, model=model):
                found = self.env[model].with_user(user).search([("id", "in", recs.ids)])
                self.assertEqual(found, recs)
                recs.with_user(user).read(["order_id"])

    def test_order_records_hidden_with_their_order(self):
        """Stays, holds and check lines: visible exactly when the order is."""
        order = self.in_production()
        self.assertFalse(
            self.env["sale.order"]
            .with_user(self.log_worker)
            .search([("id", "=", order.id)])
        )
        self.assert_hidden(self.log_worker, self.records_of(order))
        self.assert_visible(self.prod_worker2, self.records_of(order))

    def test_stays_leave_sight_after_handoff(self):
        """An executor reads an order's stays no longer once it left his department."""
        order = self.in_production()
        records = self.records_of(order)
        self.assertEqual(self.open_logs(order).user_id, self.prod_worker1)
        self.assert_visible(self.prod_worker1, records)
        order.with_user(self.prod_worker1).governance_resume()  # held orders stay
        order.with_user(self.prod_worker1).with_context(
            governance_expected_stage_id=self.stage_production.id
        ).action_governance_next()
        self.assertEqual(order.governance_stage_id, self.stage_shipping)
        self.assertFalse(
            self.env["sale.order"]
            .with_user(self.prod_worker1)
            .search([("id", "=", order.id)])
        )
        self.assert_hidden(self.prod_worker1, self.records_of(order))

    def test_salesman_reads_his_own_orders_records_only(self):
        """Odoo's personal tier: a salesman reads the records of his own orders."""
        own = self.in_production(user=self.salesman)
        other = self.in_production()
        self.assert_visible(self.salesman, self.records_of(own))
        self.assert_hidden(self.salesman, self.records_of(other))
        for model in ORDER_RECORDS:
            with self.subTest(model=model):
                found = self.env[model].with_user(self.salesman).search([])
                self.assertEqual(found.order_id, own)

    def test_checks_of_another_company_hidden(self):
        """Exit criteria definitions: shared stages and the user's companies only."""
        other_company = self.env["res.company"].create({"name": "Other Company"})
        Stage = self.env["order.governance.stage"]
        foreign = self.env["order.governance.check"].create(
            {
                "stage_id": Stage.create(
                    {"name": "Foreign", "company_id": other_company.id}
                ).id,
                "name": "Foreign check",
            }
        )
        shared = self.env["order.governance.check"].create(
            {"stage_id": Stage.create({"name": "Shared"}).id, "name": "Shared check"}
        )
        Check = self.env["order.governance.check"].with_user(self.salesman)
        self.assertEqual(
            Check.search([("name", "in", ["Foreign check", "Shared check"])]), shared
        )
        with self.assertRaises(AccessError):
            foreign.with_user(self.salesman).read(["name"])

    def test_billing_and_auditor_users_open_the_order(self):
        """Users who read orders without the sales groups load every order view."""
        order = self.in_production()
        users = {
            group: self.company_user(
                f"og_{group.split('.')[1]}", f"base.group_user,{group}"
            )
            for group in (
                "account.group_account_invoice",
                "account.group_account_readonly",
            )
        }
        desk = self.env.ref("order_governance.sale_order_action_order_desk")
        for group, user in users.items():
            with self.subTest(group=group):
                Order = self.env["sale.order"].with_user(user)
                Form(order.with_user(user))
                views = Order.get_views(
                    [
                        *((view.view_id.id, view.view_mode) for view in desk.view_ids),
                        (desk.search_view_id.id, "search"),
                    ]
                )
                for view_type in ("form", "list", "kanban"):
                    arch = etree.fromstring(views["views"][view_type]["arch"])
                    spec = web_spec(arch, "sale.order", views["models"])
                    self.assertNotIn("stage_log_ids", spec)
                    order.with_user(user).web_read(spec)
                    Order.web_search_read([("id", "=", order.id)], spec)
                groups = Order.web_read_group(
                    [("id", "=", order.id)], [], ["governance_stage_id"]
                )["groups"]
                self.assertIn(
                    self.stage_production.id,
                    [
                        group["governance_stage_id"][0]
                        for group in groups
                        if group["governance_stage_id"]
                    ],
                )

    def test_next_stage_button_carries_the_stage_seen(self):
        """Every Next Stage button sends the stage the user saw, for stale clicks."""
        desk = self.env.ref("order_governance.sale_order_action_order_desk")
        views = (
            self.env["sale.order"]
            .with_user(self.prod_worker1)
            .get_views([(view.view_id.id, view.view_mode) for view in desk.view_ids])
        )
        buttons = [
            button
            for view in views["views"].values()
            for button in etree.fromstring(view["arch"]).xpath(
                "//button[@name='action_governance_next']"
            )
        ]
        self.assertTrue(buttons)
        for button in buttons:
            context = safe_eval(
                button.get("context") or "{}", {"governance_stage_id": 42}
            )
            self.assertEqual(context.get("governance_expected_stage_id"), 42)

    def test_kpi_workbook_is_private(self):
        """The downloaded workbook: only the manager who made it reads or finds it."""
        self.put_in(self.create_order(), self.stage_production)
        today = fields.Datetime.now().date()
        wizard = (
            self.env["order.governance.kpi.export"]
            .with_user(self.sales_manager)
            .create({"date_from": today, "date_to": today})
        )
        action = wizard.action_export()
        attachment_id = int(urlparse(action["url"]).path.rsplit("/", 1)[1])
        Attachment = self.env["ir.attachment"]
        attachment = Attachment.browse(attachment_id)
        self.assertEqual(attachment.create_uid, self.sales_manager)
        self.assertFalse(attachment.res_model or attachment.res_id)
        mine = attachment.with_user(self.sales_manager)
        self.assertTrue(base64.b64decode(mine.datas))
        self.assertEqual(
            Attachment.with_user(self.sales_manager).search(
                [("id", "=", attachment_id)]
            ),
            attachment,
        )
        other = self.prod_manager
        with self.assertRaises(AccessError):
            attachment.with_user(other).read(["datas"])
        self.assertFalse(
            Attachment.with_user(other).search([("id", "=", attachment_id)])
        )
        self.assertFalse(
            Attachment.with_user(other).search([("name", "=", attachment.name)])
        )

    def test_unknown_time_zone_falls_back_to_utc(self):
        """A time zone pytz does not know (RPC context) means UTC, not a crash."""
        self.put_in(self.create_order(), self.stage_production)
        today = fields.Datetime.now().date()  # UTC, the fallback
        wizard = (
            self.env["order.governance.kpi.export"]
            .with_user(self.officer)
            .with_context(tz="Mars/Olympus")
            .create({"date_from": today, "date_to": today})
        )
        self.assertEqual(
            wizard._utc_midnight(date(2026, 11, 23)), datetime(2026, 11, 23)
        )
        self.assertTrue(wizard._workbook_bytes())
        self.assertTrue(wizard.action_export()["url"])
