from odoo import models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def _reconcile_plan(self, reconciliation_plan):
        """Every reconciliation (a registered payment, a batch of them, a bank
        statement line matched to invoices) ends here: the orders whose invoices
        it pays may raise ``paid``, all of them at once."""
        res = super()._reconcile_plan(reconciliation_plan)
        if self.env.context.get("governance_defer_paid"):
            return res  # the payment wizard raises the event for the whole batch
        lines = self.browse()
        todo = list(reconciliation_plan)
        while todo:
            item = todo.pop()
            if isinstance(item, models.BaseModel):
                lines |= item
            else:
                todo.extend(item)
        orders = lines.move_id._governance_sale_orders()
        if orders:
            orders._governance_raise_execution_events(documents=lines.move_id)
        return res
