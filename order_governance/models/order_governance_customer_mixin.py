import pytz
from markupsafe import Markup

from odoo import _, fields, models
from odoo.exceptions import AccessError
from odoo.tools import format_date

from odoo.addons.rating.models import rating_data

# Written by the engine only (added to the flow's governed fields).
CUSTOMER_FIELDS = ("governance_rating_requested",)


class OrderGovernanceCustomerMixin(models.AbstractModel):
    """What the customer of a governed order sees and says: the steps of his
    order on its portal page and his rating when it is done."""

    _name = "order.governance.customer.mixin"
    _inherit = ["rating.mixin"]
    _description = "Governed Order: the Customer's Side"

    governance_rating_requested = fields.Boolean(
        string="Rating Requested",
        copy=False,
        readonly=True,
        help="The customer was asked to rate this order when it was completed "
        "(once per order, whatever happens later).",
    )

    # ------------------------------------------------------------------
    # The portal page
    # ------------------------------------------------------------------
    def _governance_portal_progress(self):
        """What the customer's order page shows of the governed flow, in the
        language of ``self.env``: ``{"steps": [{"name", "done", "current"}],
        "expected": text or False, "completed": text or False, "hold": text or
        False}``; None for an order whose progress is not shown (a quotation, a
        cancelled order, an order out of the flow). Nothing internal: stages
        without a name for the customer, departments, people, notes."""
        self.ensure_one()
        stage = self.governance_stage_id
        if self.state != "sale" or not stage or stage.is_cancel:
            return None
        steps = self._governance_portal_steps()
        if not steps:
            return None
        values = {"steps": steps, "expected": False, "completed": False, "hold": False}
        if stage.is_final:
            values["completed"] = self._governance_portal_date(self.stage_entered_at)
        else:
            values["expected"] = self._governance_portal_date(
                self.governance_forecast_date or self.governance_promised_date
            )
        if self.governance_on_hold:
            hold = self.governance_hold_ids.filtered(lambda h: not h.date_end)[:1]
            if hold.reason_id.tell_customer:
                values["hold"] = hold.reason_id.portal_text
        return values

    def _governance_portal_path(self):
        """The stages of the order's flow, in order, up to the final stage it is
        heading to: the stages that apply to it, never a cancel stage."""
        current = self.governance_stage_id
        applies = self._governance_applicability()
        path = []
        for stage in self._governance_stages_of(self.company_id):
            if stage.is_cancel or (stage != current and not applies(stage, self)):
                continue
            ahead = (stage.sequence, stage.id) >= (current.sequence, current.id)
            if stage.is_final and not ahead:
                continue  # an end the order did not stop at
            path.append(stage)
            if stage.is_final:
                break
        return path

    def _governance_portal_steps(self):
        """The steps with a name for the customer. A stage without one counts in
        the step shown before it; consecutive stages of the same name are one
        step."""
        current = self.governance_stage_id
        steps = []
        reached = True
        for stage in self._governance_portal_path():
            here = stage == current
            name = stage.portal_name
            if here and not name and steps:
                steps[-1].update(current=True, done=False)
            if name:
                if steps and steps[-1]["name"] == name:
                    steps[-1]["current"] = steps[-1]["current"] or here
                    steps[-1]["done"] = steps[-1]["done"] and reached and not here
                else:
                    steps.append(
                        {"name": name, "done": reached and not here, "current": here}
                    )
            if here:
                reached = False
        if current.is_final and steps:
            for step in steps:
                step["done"] = True
            steps[-1]["current"] = True
        return steps

    def _governance_portal_date(self, moment):
        """The day of ``moment`` (naive UTC) for the customer: in his time zone
        (the visitor's, else the customer's, else where the company works) and
        in the page's language."""
        if not moment:
            return False
        tz_name = (
            self.env.context.get("tz")
            or self.partner_id.tz
            or self.company_id.resource_calendar_id.tz
            or "UTC"
        )
        try:
            tz = pytz.timezone(tz_name)
        except pytz.UnknownTimeZoneError:
            tz = pytz.utc
        return format_date(self.env, pytz.utc.localize(moment).astimezone(tz).date())

    # ------------------------------------------------------------------
    # The rating
    # ------------------------------------------------------------------
    def _governance_request_ratings(self, stage):
        """Ask the customers of the orders of ``self`` that have just entered
        ``stage`` to rate them, if it is a final stage and their company asks:
        once per order (a rework loop ends in the final stage again), never for a
        cancellation, never to nobody."""
        if not stage.is_final or stage.is_cancel:
            return
        template = self.env.ref(
            "order_governance.mail_template_rating_request", raise_if_not_found=False
        )
        if not template:
            return
        orders = self.filtered(
            lambda o: o.company_id.governance_rating_request
            and not o.governance_rating_requested
            and o.state == "sale"
            and o.partner_id.email
        )
        if not orders:
            return
        # first: the mover may not see the order any more, and a second request
        # must not follow even if the mail fails
        orders._governance_engine().write({"governance_rating_requested": True})
        for order in orders.sudo():
            order.rating_send_request(
                template, lang=order.partner_id.lang, force_send=False
            )

    def rating_apply(
        self,
        rate,
        token=None,
        rating=None,
        feedback=None,
        subtype_xmlid=None,
        notify_delay_send=False,
    ):
        """The customer's answer, from the rating page (which runs as superuser
        once it checked the token): a user cannot rate an order in his place
        through RPC. A dissatisfied customer gets a call back from the owning
        department's manager."""
        if not self.env.su:
            raise AccessError(_("Only the customer rates his order, from his e-mail."))
        rating = super().rating_apply(
            rate,
            token=token,
            rating=rating,
            feedback=feedback,
            subtype_xmlid=subtype_xmlid,
            notify_delay_send=notify_delay_send,
        )
        if rating.rating <= rating_data.RATING_LIMIT_MIN:
            self._governance_tell_dissatisfied(rating)
        return rating

    def _governance_tell_dissatisfied(self, rating):
        """One activity for the owning department's manager (else the order
        management department's), with the customer's words, in his language."""
        self.ensure_one()
        activity_type = self.env.ref(
            "order_governance.mail_activity_type_dissatisfied",
            raise_if_not_found=False,
        )
        manager = self._governance_promise_manager()
        if not activity_type or not manager:
            return
        order = self.with_context(lang=manager.lang or self.env.lang)
        feedback = rating.feedback or order.env._("(no comment)")
        note = Markup("<p>%s</p><blockquote>%s</blockquote>") % (
            order.env._(
                "%(customer)s is dissatisfied with %(order)s. His words:",
                customer=rating.partner_id.display_name,
                order=order.name,
            ),
            feedback,
        )
        Activity = self.env["mail.activity"].sudo()
        # the customer may send his answer again: the same call back, his last words
        open_activity = Activity.search(
            [
                ("res_model", "=", self._name),
                ("res_id", "=", self.id),
                ("activity_type_id", "=", activity_type.id),
            ],
            limit=1,
        )
        if open_activity:
            open_activity.note = note
            return
        Activity.with_context(mail_activity_quick_update=True).create(
            {
                "res_model_id": self.env["ir.model"]._get_id(self._name),
                "res_id": self.id,
                "activity_type_id": activity_type.id,
                "user_id": manager.id,
                "date_deadline": fields.Date.context_today(order),
                "summary": order.env._("Dissatisfied customer: call him back"),
                "note": note,
            }
        )
