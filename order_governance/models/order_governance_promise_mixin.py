from odoo import _, api, fields, models

PROMISE_STATUSES = [
    ("none", "No Promise"),
    ("on_track", "On Track"),
    ("at_risk", "Promise at Risk"),
    ("late", "Promise Late"),
    ("kept", "Kept"),
    ("missed", "Missed"),
]
# Statuses that tell the owning department's manager (one activity per order,
# closed when the order recovers or ends).
ALERT_STATUSES = ("at_risk", "late")
# Written by the engine only (added to the flow's governed fields).
PROMISE_FIELDS = (
    "governance_promised_date",
    "governance_promise_changes",
    "governance_forecast_date",
    "governance_forecast_p90_date",
    "governance_promise_status",
)


class OrderGovernancePromiseMixin(models.AbstractModel):
    """The customer's promise and the completion forecast of an order: the date
    promised, how often it changed, the median and 90th percentile completion
    forecast from the history of its stages, and whether the promise holds.
    ``sale.order`` inherits it."""

    _name = "order.governance.promise.mixin"
    _description = "Order Governance Promise and Forecast"

    governance_promised_date = fields.Datetime(
        string="Promised Date",
        copy=False,
        readonly=True,
        tracking=True,
        index=True,
        help="The delivery date given to the customer (the order's commitment "
        "date), else the date Odoo expected when the order was confirmed, frozen "
        "then. A new commitment date is a new promise.",
    )
    governance_promise_changes = fields.Integer(
        string="Promise Changes",
        copy=False,
        readonly=True,
        help="How many times the promised date changed after the first promise.",
    )
    governance_forecast_date = fields.Datetime(
        string="Forecast Completion",
        copy=False,
        readonly=True,
        help="When the order should be done, by the median duration of the stages "
        "ahead in its own history (half of such orders finish earlier).",
    )
    governance_forecast_p90_date = fields.Datetime(
        string="Forecast Completion (90%)",
        copy=False,
        readonly=True,
        help="When nine orders in ten like this one are done, by the 90th "
        "percentile of the stages ahead.",
    )
    governance_promise_status = fields.Selection(
        selection=PROMISE_STATUSES,
        string="Promise",
        default="none",
        required=True,
        copy=False,
        readonly=True,
        index=True,
        help="On Track: nine orders in ten like this one finish by the promise. "
        "At Risk: the median does, the 90th percentile does not. Late: the median "
        "finishes after the promise, or the promise passed. Kept or Missed once the "
        "order is done.",
    )

    # ------------------------------------------------------------------
    # The promise
    # ------------------------------------------------------------------
    def _governance_set_first_promise(self):
        """Freeze the promise of confirmed orders that have none yet: the
        commitment date, else the date Odoo expects now (at confirmation)."""
        values = {}
        for order in self.filtered(lambda o: not o.governance_promised_date):
            promise = order.commitment_date or order.expected_date
            if promise:
                values.setdefault(promise, []).append(order.id)
        engine = self._governance_engine()
        for promise, ids in values.items():
            engine.browse(ids).write({"governance_promised_date": promise})
        return self.browse([i for ids in values.values() for i in ids])

    def _governance_promise_changed(self):
        """A new commitment date of a confirmed order is a new promise (counted);
        clearing it keeps the promise the customer was given."""
        changed = self.filtered(
            lambda o: o.state == "sale"
            and o.commitment_date
            and o.governance_promised_date
            and o.commitment_date != o.governance_promised_date
        )
        for order in changed:
            order._governance_engine().write(
                {
                    "governance_promised_date": order.commitment_date,
                    "governance_promise_changes": order.governance_promise_changes
                    + 1,
                }
            )
        first = self.filtered(lambda o: o.state == "sale")._governance_set_first_promise()
        return changed | first

    @api.model
    def _governance_promise_label(self, status):
        return dict(self._fields["governance_promise_status"]._description_selection(
            self.env
        )).get(status, _("No Promise"))

    # ------------------------------------------------------------------
    # The forecast
    # ------------------------------------------------------------------
    def _governance_refresh_forecast(self):
        """Refresh the forecast and the promise status of the orders of ``self``
        in batch (see ``governance_forecast``)."""
        return True
