"""18.0.1.4.0: the customer's order page. The stages and hold reasons of the
default flow are ``noupdate``: give them the names the customer reads unless the
company already set some. Orders already done never get a rating request: only
orders that reach a final stage from now on do."""

from odoo import api

PORTAL_NAMES = {
    "stage_received": "Order received",
    "stage_confirmed": "Order confirmed",
    "stage_production": "We are making your order",
    "stage_shipping": "On its way",
    "stage_done": "Completed",
}
HOLD_TEXTS = {
    "hold_reason_customer": "We are waiting for your reply",
    "hold_reason_payment": "We are waiting for your payment",
}


def migrate(cr, version):
    env = api.Environment(cr, api.SUPERUSER_ID, {})
    for xmlid, name in PORTAL_NAMES.items():
        stage = env.ref(f"order_governance.{xmlid}", raise_if_not_found=False)
        if stage and not stage.portal_name:
            stage.portal_name = name
    for xmlid, text in HOLD_TEXTS.items():
        reason = env.ref(f"order_governance.{xmlid}", raise_if_not_found=False)
        if reason and not reason.portal_text:
            reason.write({"portal_text": text, "tell_customer": True})
