from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.sale.controllers import portal

# the session was sent once to its customer's language
SESSION_KEY = "governance_customer_lang"


class CustomerPortal(portal.CustomerPortal):
    @http.route()
    def portal_order_page(self, order_id, report_type=None, access_token=None, **kw):
        """A customer who opens his order from an e-mail's link (by its token, not
        logged in) reads it in his own language: the page is opened again under
        that language's address (``/zh_CN/my/orders/...``), as the portal does for
        a visitor whose language it knows. Once per session: a visitor who then
        picks another language keeps it."""
        redirect = self._governance_customer_language(order_id, access_token)
        if redirect:
            return redirect
        return super().portal_order_page(
            order_id, report_type=report_type, access_token=access_token, **kw
        )

    def _governance_customer_language(self, order_id, access_token):
        if (
            not access_token
            or not request.env.user._is_public()
            or request.httprequest.method != "GET"
            # once: the language of a later visit is the visitor's choice (Odoo
            # remembers the language of every visit in a cookie, chosen or not)
            or request.session.get(SESSION_KEY)
        ):
            return None
        try:
            order_sudo = self._document_check_access(
                "sale.order", order_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return None
        Lang = request.env["res.lang"]
        lang = Lang._get_data(code=order_sudo.partner_id.lang or "")
        if not lang or lang.code == request.lang.code:
            return None
        if lang.code not in Lang._get_frontend():
            return None
        url = request.env["ir.http"]._url_lang(request.httprequest.full_path, lang.code)
        request.session[SESSION_KEY] = lang.code
        response = request.redirect(url)
        response.set_cookie("frontend_lang", lang.code)
        return response
