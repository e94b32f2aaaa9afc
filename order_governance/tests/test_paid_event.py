from odoo.exceptions import RedirectWarning
from odoo.tests import tagged

from .common import OrderGovernanceCase


@tagged("post_install", "-at_install")
class TestPaidEvent(OrderGovernanceCase):
    """Invoicing & Collection ends when the customer has paid: a real payment
    registered by a billing user moves the order into Done."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["account.chart.template"].try_loading(
            "generic_coa", company=cls.company, install_demo=False
        )
        cls.stage_invoicing = cls.env["order.governance.stage"].create(
            {
                "name": "Invoicing",
                "sequence": 50,
                "company_id": cls.company.id,
                "sale_event": "invoiced",
                "responsible_department_id": cls.dep_omc.id,
            }
        )
        cls.stage_done.sale_event = "paid"
        cls.product.invoice_policy = "order"
        cls.accountant = cls.company_user(
            "og_accountant", "base.group_user,account.group_account_invoice"
        )

    def invoiced_order(self):
        order = self.create_order()
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertEqual(order.governance_stage_id, self.stage_invoicing)
        return order, invoice

    def pay(self, invoices, amount=None, user=None):
        wizard = (
            self.env["account.payment.register"]
            .with_user(user or self.accountant)
            .with_context(active_model="account.move", active_ids=invoices.ids)
            .create({"group_payment": False, **({"amount": amount} if amount else {})})
        )
        return wizard._create_payments()

    def test_a_registered_payment_moves_the_order_to_done(self):
        order, invoice = self.invoiced_order()
        self.pay(invoice)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(order.governance_stage_id, self.stage_done)
        stay = order.stage_log_ids.sorted("id")[-1]
        self.assertEqual(stay.moved_by_id, self.accountant)
        self.assertFalse(stay.is_rework)

    def test_the_billing_users_payment_asks_the_customer_to_rate(self):
        """A billing user with no sales rights registers the payment that ends
        the order: its customer gets his rating request all the same."""
        self.company.governance_rating_request = True
        self.partner.email = "customer@example.com"
        order, invoice = self.invoiced_order()
        self.pay(invoice)
        self.assertEqual(order.governance_stage_id, self.stage_done)
        self.assertTrue(order.governance_rating_requested)
        rating = self.env["rating.rating"].search(
            [("res_model", "=", "sale.order"), ("res_id", "=", order.id)]
        )
        self.assertEqual(rating.partner_id, self.partner)
        self.assertFalse(rating.consumed)

    def test_a_partial_payment_does_not_move_it(self):
        order, invoice = self.invoiced_order()
        self.pay(invoice, amount=invoice.amount_total / 2)
        self.assertEqual(invoice.payment_state, "partial")
        self.assertEqual(order.governance_stage_id, self.stage_invoicing)

    def test_a_reversed_invoice_does_not_count(self):
        order, invoice = self.invoiced_order()
        invoice._reverse_moves(cancel=True)
        self.assertEqual(invoice.payment_state, "reversed")
        # the credit note took the invoice back: not paid, and not moved back either
        self.assertEqual(order.governance_stage_id, self.stage_invoicing)
        self.assertNotIn(order, order._governance_paid_orders())
        second = order._create_invoices()
        second.action_post()
        self.pay(second)
        self.assertEqual(order.governance_stage_id, self.stage_done)

    def test_a_batch_of_payments_raises_paid_once_for_all_orders(self):
        pairs = [self.invoiced_order() for _ in range(6)]
        orders = self.env["sale.order"].concat(*(order for order, _ in pairs))
        invoices = self.env["account.move"].concat(*(inv for _, inv in pairs))
        SaleOrder = type(self.env["sale.order"])
        raise_events = SaleOrder._governance_raise_execution_events
        calls = []

        def counting(records, **kwargs):
            calls.append(len(records))
            return raise_events(records, **kwargs)

        from unittest.mock import patch

        with patch.object(SaleOrder, "_governance_raise_execution_events", counting):
            self.pay(invoices)
        self.assertEqual(calls, [6])
        self.assertEqual(set(orders.mapped("governance_stage_id")), {self.stage_done})

    def test_paid_check_names_the_unpaid_invoice(self):
        self.stage_done.sale_event = False
        self.env["order.governance.check"].create(
            {
                "stage_id": self.stage_invoicing.id,
                "name": "Customer paid",
                "execution_check": "paid",
            }
        )
        order, invoice = self.invoiced_order()
        with self.assertRaisesRegex(RedirectWarning, f"Customer paid.*{invoice.name}"):
            order.with_user(self.officer).action_governance_next()
        self.pay(invoice)
        self.env.invalidate_all()
        self.assertTrue(order.governance_check_line_ids.is_met)
        order.with_user(self.officer).action_governance_next()
        self.assertEqual(order.governance_stage_id, self.stage_done)

    def test_execution_panel_shows_invoice_and_payment(self):
        order, invoice = self.invoiced_order()
        payment = self.pay(invoice)
        order.invalidate_recordset()
        html = str(order.with_user(self.officer).governance_execution_html)
        self.assertIn(invoice.name, html)
        self.assertIn(payment.name, html)
        self.assertIn("Payments", html)
