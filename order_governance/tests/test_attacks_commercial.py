"""The management/execution boundary on a confirmed order's commercial content:
the logistics clerk (an executor, so a salesman in Odoo's groups) changed a
unit price from 750 to 1. The ``test_attacks_*`` family."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import OrderGovernanceCase


@tagged("post_install", "-at_install")
class TestCommercialTerms(OrderGovernanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner_b = cls.env["res.partner"].create({"name": "Someone Else"})
        cls.terms = cls.env["account.payment.term"].create({"name": "Cash on the nail"})

    def shipping_order(self):
        order = self.create_order()
        order.action_confirm()
        self.put_in(order, self.stage_shipping)
        order.owner_department_id = self.dep_sales
        return order

    def test_executor_cannot_change_prices_nor_lines(self):
        order = self.shipping_order()
        line = order.order_line
        total = order.amount_total
        clerk = self.log_worker
        for values in (
            {"price_unit": 1},
            {"discount": 99},
            {"product_uom_qty": 100},
            {"tax_id": [Command.clear()]},
        ):
            with self.subTest(values=values), self.assertRaises(AccessError):
                line.with_user(clerk).write(values)
        with self.assertRaises(AccessError):
            order.with_user(clerk).write(
                {"order_line": [Command.update(line.id, {"price_unit": 1})]}
            )
        with self.assertRaises(AccessError):
            order.with_user(clerk).write(
                {
                    "order_line": [
                        Command.create(
                            {"product_id": self.product.id, "product_uom_qty": 5}
                        )
                    ]
                }
            )
        order.invalidate_recordset()
        self.assertEqual(order.amount_total, total)
        self.assertEqual(len(order.order_line), 1)

    def test_executor_cannot_change_customer_terms_or_promise(self):
        order = self.shipping_order()
        for values in (
            {"partner_id": self.partner_b.id},
            {"partner_shipping_id": self.partner_b.id},
            {"payment_term_id": self.terms.id},
            {"commitment_date": "2030-01-01 10:00:00"},
        ):
            with self.subTest(values=values), self.assertRaises(AccessError):
                order.with_user(self.log_worker).write(values)
        self.assertEqual(order.partner_id, self.partner)
        self.assertFalse(order.commitment_date)

    def test_owning_department_changes_them_and_the_chatter_says_so(self):
        order = self.shipping_order()
        order.order_line.with_user(self.sales_user).write({"price_unit": 90})
        order.with_user(self.sales_user).write({"payment_term_id": self.terms.id})
        self.assertEqual(order.order_line.price_unit, 90)
        self.flush_tracking()
        bodies = " ".join(order.message_ids.mapped("body"))
        self.assertIn("100.0 → 90.0", bodies)
        self.assertIn("Cash on the nail", bodies)
        self.assertIn(f"Changed by {self.sales_user.name} after confirmation", bodies)

    def test_officer_and_quotations_are_free(self):
        order = self.shipping_order()
        order.order_line.with_user(self.officer).write({"discount": 10})
        self.assertEqual(order.order_line.discount, 10)
        quotation = self.create_order()
        quotation.order_line.with_user(self.sales_user).write({"price_unit": 5})
        self.assertEqual(quotation.order_line.price_unit, 5)

    def test_executor_acts_on_his_stage(self):
        """Checks, holds and his own documents stay his: the guard is on the
        commercial fields only."""
        order = self.shipping_order()
        order.with_user(self.log_worker).write({"client_order_ref": "PO-42"})
        self.assertEqual(order.client_order_ref, "PO-42")
