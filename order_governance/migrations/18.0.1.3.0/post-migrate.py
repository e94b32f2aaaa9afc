"""18.0.1.3.0: the customer's promise and the completion forecast. Confirmed
orders get the promise they would have had (their commitment date, else the date
Odoo expects for them), without a chatter message; open orders get their
forecast and promise status, without an activity for each one already late (the
Promise Late filter lists them). In batches: a live database may hold many orders."""

from odoo import api

BATCH = 1000


def migrate(cr, version):
    env = api.Environment(cr, api.SUPERUSER_ID, {})
    Order = env["sale.order"]
    ids = Order.search(
        [
            ("state", "=", "sale"),
            ("governance_stage_id", "!=", False),
            ("governance_promised_date", "=", False),
        ],
        order="id",
    ).ids
    for start in range(0, len(ids), BATCH):
        orders = Order.browse(ids[start : start + BATCH])
        orders._governance_set_first_promise(track=False)
        # no activity for every order already late when the version came
        orders._governance_refresh_forecast(tell=False)
        env.flush_all()
        env.invalidate_all()
