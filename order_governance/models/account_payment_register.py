from odoo import models


class AccountPaymentRegister(models.TransientModel):
    _inherit = "account.payment.register"

    def _create_payments(self):
        """Odoo reconciles the payments of a batch one invoice at a time: the orders
        they pay raise ``paid`` once, at the end, all together."""
        payments = super(
            AccountPaymentRegister, self.with_context(governance_defer_paid=True)
        )._create_payments()
        orders = self.line_ids.move_id._governance_sale_orders()
        if orders:
            orders._governance_raise_execution_events(documents=self.line_ids.move_id)
        return payments
