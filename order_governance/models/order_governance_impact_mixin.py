from collections import defaultdict

from markupsafe import Markup

from odoo import _, models
from odoo.exceptions import AccessError, UserError


class OrderGovernanceImpactMixin(models.AbstractModel):
    """What a change of routing (a rule, a stage's RACI) does to the open orders
    it governs, and applying it as reassignments. Models using it say which
    orders are concerned (``_governance_impact_orders``) and why they change
    hands (``_governance_reroute_reason``)."""

    _name = "order.governance.impact.mixin"
    _description = "Routing Change Impact"

    def governance_impact_preview(self):
        """The open orders whose responsible department or person would change
        if routing ran now as saved: ``{'count': n, 'orders': [{'order_id',
        'from_department_id', 'to_department_id', 'from_user_id',
        'to_user_id'}]}`` (ids). Writes nothing. For officers."""
        changes = self._governance_impact()
        return {
            "count": len(changes),
            "orders": [
                {
                    "order_id": order.id,
                    "from_department_id": order.responsible_department_id.id,
                    "to_department_id": department.id,
                    "from_user_id": order.responsible_user_id.id,
                    "to_user_id": user.id,
                }
                for order, department, user, _note in changes
            ],
        }

    def action_governance_reroute(self):
        """Apply the impact (``_governance_reroute``) and say how many orders
        changed hands in a notification, then reload the page."""
        count = self._governance_reroute()
        return self._governance_reroute_notification(
            count, {"type": "ir.actions.client", "tag": "soft_reload"}
        )

    def _governance_reroute(self):
        """Apply the impact: each order changing hands is reassigned, one
        reassign per new department and person; its chatter says why (one
        tracking message an order) and its open stay keeps routing's note.
        Returns how many orders changed hands."""
        changes = self._governance_impact()
        reason = Markup("<p>%s</p>") % self._governance_reroute_reason()
        groups = defaultdict(lambda: self.env["sale.order"])
        for order, department, user, note in changes:
            groups[department, user, note] |= order
        for (department, user, note), orders in groups.items():
            orders._track_set_log_message(reason)
            # routing's own choice (a parent manager, a deputy): no member check;
            # the new responsible finds the activities in his list, without one
            # "assigned to you" e-mail per order
            orders.with_env(self.env).with_context(
                mail_activity_quick_update=True
            )._governance_apply_reassign(department, user, routing_note=note)
        return len(changes)

    def _governance_reroute_notification(self, count, next_action):
        """The client action telling how many orders were re-routed, then
        ``next_action``."""
        if not count:
            message = self.env._(
                "No open order changed hands: routing already gives each one "
                "its department and person."
            )
        elif count == 1:
            message = self.env._("1 order re-routed.")
        else:
            message = self.env._("%s orders re-routed.", count)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if count else "info",
                "title": self.env._("Re-routing"),
                "message": message,
                "sticky": False,
                "next": next_action,
            },
        }

    def _governance_impact(self):
        """``[(order, department, user, note)]``: the open orders concerned (as
        sudo) whose responsible would change now. Round robin and least loaded
        keep a responsible who is still one of the department's people:
        re-running them would only deal the turns again."""
        if len(self) != 1:
            raise UserError(_("Preview the impact of one change at a time."))
        if not self.env.user._is_governance_officer():
            raise AccessError(
                _("Previewing and applying routing changes is for officers.")
            )
        # the rule or stage itself, with the record rules (another company's is
        # not the officer's, whatever a former read left in the cache)
        self.check_access("read")
        # a rule or stage shared by companies: the officer's companies only
        orders = self._governance_impact_orders().filtered(
            lambda o: o.company_id in self.env.companies
        )
        changes = []
        for stage, stage_orders in orders.grouped("governance_stage_id").items():
            resolution = stage_orders._governance_resolve_batch(stage, preview=True)
            for order in stage_orders:
                target = resolution[order.id]
                department, user = target["department"], target["user"]
                method = target["rule"].assignment or "manager"
                keeps = (
                    method in ("round_robin", "least_loaded")
                    and department == order.responsible_department_id
                    and order.responsible_user_id
                    in department._governance_member_users()
                )
                if keeps:
                    continue
                if (department, user) != (
                    order.responsible_department_id,
                    order.responsible_user_id,
                ):
                    changes.append((order, department, user, target["note"]))
        return changes

    def _governance_impact_orders(self):
        """The open orders (sudo, sorted by id) whose routing this record decides."""
        raise NotImplementedError

    def _governance_reroute_reason(self):
        """One sentence for the chatter of a re-routed order."""
        raise NotImplementedError

    @staticmethod
    def _governance_open_order_domain():
        return [
            ("governance_stage_id", "!=", False),
            ("governance_stage_id.is_final", "=", False),
            ("governance_stage_id.is_cancel", "=", False),
        ]
