"""The customer's order page (/my/orders/<id>): where his order is, in his words
and language, when it should arrive, and nothing internal."""

from datetime import datetime

from lxml import html

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import OrderGovernanceCase

PROGRESS = "o_governance_portal_progress"
CURRENT = "o_governance_portal_current"
EXPECTED = "o_governance_expected_date"


def _with_class(tree, css_class):
    return tree.xpath(f"//*[contains(concat(' ', @class, ' '), ' {css_class} ')]")


@tagged("post_install", "-at_install")
class TestCustomerPortal(HttpCase, OrderGovernanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_received.portal_name = "Order received"
        cls.stage_confirmed.portal_name = "Order confirmed"
        cls.stage_production.portal_name = "We are making your order"
        cls.stage_shipping.name = "Dock 7 loading"  # internal: no portal name
        cls.stage_done.portal_name = "Completed"
        cls.partner.write({"email": "customer@example.com", "tz": "Asia/Shanghai"})
        cls.customer = new_test_user(
            cls.env,
            login="og_portal_customer",
            password="og_portal_customer",
            groups="base.group_portal",
            partner_id=cls.partner.id,
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        other = cls.env["res.partner"].create(
            {"name": "Another Customer", "email": "other@example.com"}
        )
        cls.other_customer = new_test_user(
            cls.env,
            login="og_portal_other",
            password="og_portal_other",
            groups="base.group_portal",
            partner_id=other.id,
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.order = cls.create_order()
        cls.order.action_confirm()
        cls.order.sudo().governance_move(cls.stage_production, reason="set-up")
        cls.forecast = datetime(2026, 12, 20, 18, 0)  # 21 December in Shanghai
        cls.order._governance_engine().write({"governance_forecast_date": cls.forecast})

    def _page(self, order=None, token=True):
        order = order or self.order
        url = f"/my/orders/{order.id}"
        if token:
            url += f"?access_token={order._portal_ensure_token()}"
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        return response, html.fromstring(response.content)

    def _steps(self, tree):
        progress = _with_class(tree, PROGRESS)
        self.assertEqual(len(progress), 1, "one progress list on the page")
        return [
            (
                " ".join(li.text_content().split()),
                CURRENT in li.get("class").split(),
                "o_governance_portal_done" in li.get("class").split(),
            )
            for li in progress[0].iter("li")
        ]

    def test_by_token_shows_the_steps_in_the_customers_words(self):
        _response, tree = self._page()
        self.assertEqual(
            self._steps(tree),
            [
                ("Order received", False, True),
                ("Order confirmed", False, True),
                ("We are making your order", True, False),
                ("Completed", False, False),
            ],
        )
        expected = _with_class(tree, EXPECTED)
        self.assertEqual(len(expected), 1)
        # the day in the customer's time zone, not UTC's
        self.assertEqual(expected[0].text_content().strip(), "12/21/2026")

    def test_nothing_internal(self):
        hold_reason = self.env["order.governance.hold.reason"].create(
            {"name": "Machine broken (internal)"}
        )
        self.order.sudo().governance_hold(hold_reason, note="Operator sick, secret")
        response, tree = self._page()
        section = _with_class(tree, "o_governance_portal")[0]
        text = section.text_content()
        for internal in (
            "Dock 7 loading",
            "Production",
            self.dep_production.name,
            self.dep_omc.name,
            self.order.responsible_user_id.name or "Nobody",
            "Machine broken",
            "secret",
        ):
            self.assertNotIn(internal, text)
        self.assertNotIn(b"Dock 7 loading", response.content)
        self.assertNotIn(b"Operator sick", response.content)
        self.assertFalse(section.xpath("//*[contains(@class, 'alert-warning')]"))

    def test_a_hold_the_company_tells_shows_its_text(self):
        reason = self.env["order.governance.hold.reason"].create(
            {
                "name": "Drawing to approve",
                "tell_customer": True,
                "portal_text": "We are waiting for your approval of the drawing",
            }
        )
        self.order.sudo().governance_hold(reason, note="Ask Mr. Li again")
        response, tree = self._page()
        section = _with_class(tree, "o_governance_portal")[0]
        self.assertIn(
            "We are waiting for your approval of the drawing", section.text_content()
        )
        self.assertNotIn(b"Ask Mr. Li", response.content)

    def test_a_stage_without_portal_name_counts_in_the_step_before(self):
        self.order.sudo().governance_move(self.stage_shipping, reason="set-up")
        _response, tree = self._page()
        self.assertEqual(
            self._steps(tree),
            [
                ("Order received", False, True),
                ("Order confirmed", False, True),
                ("We are making your order", True, False),
                ("Completed", False, False),
            ],
        )

    def test_a_completed_order_ticks_every_step(self):
        self.order.sudo().governance_move(self.stage_done, reason="set-up")
        _response, tree = self._page()
        steps = self._steps(tree)
        self.assertTrue(all(done for _name, _current, done in steps))
        self.assertEqual(steps[-1][:2], ("Completed", True))
        self.assertFalse(_with_class(tree, EXPECTED))
        self.assertIn("Completed on", tree.text_content())

    def test_logged_in_customer(self):
        self.authenticate("og_portal_customer", "og_portal_customer")
        _response, tree = self._page(token=False)
        self.assertEqual(
            self._steps(tree)[2], ("We are making your order", True, False)
        )

    def test_another_customers_order_stays_closed(self):
        self.authenticate("og_portal_other", "og_portal_other")
        response = self.url_open(f"/my/orders/{self.order.id}")
        self.assertNotIn(f"/my/orders/{self.order.id}", response.url)
        self.assertNotIn(PROGRESS.encode(), response.content)
        self.assertNotIn(self.order.name.encode(), response.content)
        # a wrong token is no key either
        self.authenticate(None, None)
        response = self.url_open(f"/my/orders/{self.order.id}?access_token=forged")
        self.assertNotIn(PROGRESS.encode(), response.content)

    def test_quotations_and_cancelled_orders_show_no_progress(self):
        quotation = self.create_order()
        response, _tree = self._page(quotation)
        self.assertNotIn(PROGRESS.encode(), response.content)
        self.order.sudo()._action_cancel()
        response, _tree = self._page()
        self.assertNotIn(PROGRESS.encode(), response.content)

    def test_in_the_customers_language(self):
        """A customer who opens his e-mail's link reads the page in his language:
        the portal names, and the date as his language writes it."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["order_governance"], ["zh_CN"], overwrite=True
        )
        self.partner.lang = "zh_CN"
        self.stage_production.with_context(lang="zh_CN").portal_name = "正在生产"
        # Odoo's portal remembered the language of an earlier visit in a cookie:
        # the e-mail's link still opens in the customer's language
        self.opener.cookies.set("frontend_lang", "en_US")
        response, tree = self._page()
        self.assertIn("/zh_CN/my/orders/", response.url)
        self.assertEqual(self._steps(tree)[2], ("正在生产", True, False))
        self.assertEqual(
            _with_class(tree, EXPECTED)[0].text_content().strip(), "2026年12月21日"
        )
        section = _with_class(tree, "o_governance_portal")[0].text_content()
        self.assertIn("订单进度", section)
        self.assertIn("预计完成日期：", section)
        self.assertNotIn("Where your order is", section)
        # an address with a language is the visitor's choice
        url = f"/en_US/my/orders/{self.order.id}?access_token={self.order.access_token}"
        response = self.url_open(url)
        self.assertNotIn("/zh_CN/", response.url)
        self.assertIn(b"Where your order is", response.content)
