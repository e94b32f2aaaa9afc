"""The customer rates his completed order: one request when it reaches a final
stage, his answer from the e-mail's link recorded on the order, a call back when
he is dissatisfied."""

from lxml import html

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common import OrderGovernanceCase


@tagged("post_install", "-at_install")
class TestCustomerRating(HttpCase, OrderGovernanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.governance_rating_request = True
        cls.partner.email = "customer@example.com"
        cls.template = cls.env.ref("order_governance.mail_template_rating_request")
        cls.order = cls.create_order()
        cls.order.action_confirm()
        cls.order.owner_department_id = cls.dep_sales

    def _requests(self, order):
        return self.env["mail.message"].search(
            [
                ("model", "=", "sale.order"),
                ("res_id", "=", order.id),
                ("partner_ids", "in", order.partner_id.ids),
                ("subject", "ilike", "how did we do"),
            ]
        )

    def _ratings(self, order):
        return self.env["rating.rating"].search(
            [("res_model", "=", "sale.order"), ("res_id", "=", order.id)]
        )

    def _complete(self, order=None):
        order = order or self.order
        self.put_in(order, self.stage_done)
        return order

    def test_one_request_when_the_order_is_done(self):
        self.put_in(self.order, self.stage_shipping)
        self.assertFalse(self._requests(self.order), "not before the end")
        self._complete()
        request = self._requests(self.order)
        self.assertEqual(len(request), 1)
        self.assertTrue(self.order.governance_rating_requested)
        rating = self._ratings(self.order)
        self.assertEqual(len(rating), 1)
        self.assertFalse(rating.consumed)
        self.assertIn(f"/rate/{rating.access_token}/5", request.body)
        mail = self.env["mail.mail"].search([("mail_message_id", "=", request.id)])
        self.assertEqual(mail.recipient_ids, self.partner)

    def test_never_twice_after_a_rework_loop(self):
        self._complete()
        self.order.sudo().governance_move(self.stage_shipping, reason="damaged")
        self.assertEqual(self.order.rework_count, 1)
        self._complete()
        self.assertEqual(len(self._requests(self.order)), 1)
        self.assertEqual(len(self._ratings(self.order)), 1)

    def test_never_for_cancelled_orders(self):
        self.order.sudo()._action_cancel()
        self.assertEqual(self.order.governance_stage_id, self.stage_cancelled)
        self.assertFalse(self._requests(self.order))
        self.assertFalse(self.order.governance_rating_requested)

    def test_only_where_the_company_asks_and_to_someone(self):
        self.company.governance_rating_request = False
        self._complete()
        self.assertFalse(self._requests(self.order))
        self.company.governance_rating_request = True
        silent = self.env["res.partner"].create({"name": "No E-mail Ltd"})
        order = self.create_order(partner_id=silent.id)
        order.action_confirm()
        self._complete(order)
        self.assertFalse(self._ratings(order))

    def test_the_flag_is_the_engines(self):
        order = self.order.with_user(self.officer)
        with self.assertRaises(AccessError):
            order.write({"governance_rating_requested": True})
        self.assertFalse(self.order.governance_rating_requested)

    def _rate_from_email(self, rating, rate, feedback, answered=False):
        """The customer's clicks: the smiley's link (GET, the form), then its
        submit button (POST with the form's CSRF token)."""
        response = self.url_open(f"/rate/{rating.access_token}/{rate}")
        self.assertEqual(response.status_code, 200)
        form = html.fromstring(response.content).xpath(
            "//form[contains(@action, 'submit_feedback')]"
        )[0]
        csrf = form.xpath(".//input[@name='csrf_token']/@value")[0]
        rating.invalidate_recordset()
        self.assertEqual(rating.consumed, answered, "opening the link is no answer")
        response = self.url_open(
            form.get("action"),
            data={"rate": rate, "feedback": feedback, "csrf_token": csrf},
        )
        self.assertEqual(response.status_code, 200)
        rating.invalidate_recordset()
        return response

    def test_the_customers_answer_is_recorded(self):
        self._complete()
        rating = self._ratings(self.order)
        self._rate_from_email(rating, 5, "Right on time, thank you")
        self.assertTrue(rating.consumed)
        self.assertEqual(rating.rating, 5)
        self.assertEqual(rating.partner_id, self.partner)
        self.assertEqual(rating.feedback, "Right on time, thank you")
        self.assertEqual(rating.message_id.model, "sale.order")
        self.assertEqual(rating.message_id.res_id, self.order.id)
        self.assertEqual(self.order.rating_last_value, 5)
        dissatisfied = self.env.ref("order_governance.mail_activity_type_dissatisfied")
        self.assertFalse(
            self.order.activity_ids.filtered(
                lambda a: a.activity_type_id == dissatisfied
            )
        )

    def test_a_post_without_csrf_token_is_refused(self):
        self._complete()
        rating = self._ratings(self.order)
        response = self.url_open(
            f"/rate/{rating.access_token}/submit_feedback",
            data={"rate": 1, "feedback": "forged"},
        )
        self.assertEqual(response.status_code, 400)
        rating.invalidate_recordset()
        self.assertFalse(rating.consumed)

    def test_a_dissatisfied_customer_gets_a_call_back(self):
        self._complete()
        rating = self._ratings(self.order)
        self._rate_from_email(rating, 1, "Two weeks late & nobody called")
        dissatisfied = self.env.ref("order_governance.mail_activity_type_dissatisfied")
        activity = self.order.activity_ids.filtered(
            lambda a: a.activity_type_id == dissatisfied
        )
        self.assertEqual(activity.user_id, self.sales_manager)
        self.assertIn("Two weeks late &amp; nobody called", activity.note)
        # he says it again: the same call back, with his last words
        self._rate_from_email(rating, 1, "Still waiting for a call", answered=True)
        activity = self.order.activity_ids.filtered(
            lambda a: a.activity_type_id == dissatisfied
        )
        self.assertEqual(len(activity), 1)
        self.assertIn("Still waiting for a call", activity.note)

    def test_nobody_rates_in_the_customers_place(self):
        self._complete()
        rating = self._ratings(self.order)
        for user in (self.sales_user, self.officer):
            order = self.order.with_user(user)
            with self.assertRaises(AccessError):
                order.rating_apply(5, token=rating.access_token)
            with self.assertRaises(AccessError):
                rating.with_user(user).write({"rating": 5, "consumed": True})
            with self.assertRaises(AccessError):
                self.env["rating.rating"].with_user(user).create(
                    {
                        "res_model_id": self.env["ir.model"]._get_id("sale.order"),
                        "res_id": self.order.id,
                        "partner_id": self.partner.id,
                        "rating": 5,
                        "consumed": True,
                    }
                )
        rating.invalidate_recordset()
        self.assertFalse(rating.consumed)
        # other documents' ratings keep Odoo's rights
        other = self.env["rating.rating"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "res_id": self.partner.id,
                "partner_id": self.partner.id,
            }
        )
        other.with_user(self.sales_user).write({"feedback": "fine"})
