from datetime import datetime, time

import pytz
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class OrderGovernancePeriodMixin(models.AbstractModel):
    """A period of whole days in the user's time zone (the KPI workbook, the
    bottleneck dashboard): its bounds as stored datetimes, the same as the
    reports' date filters."""

    _name = "order.governance.period.mixin"
    _description = "Order Governance Period"

    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True)

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for record in self.filtered(lambda r: r.date_from > r.date_to):
            raise ValidationError(
                _(
                    "The period ends (%(date_to)s) before it starts (%(date_from)s).",
                    date_to=record.date_to,
                    date_from=record.date_from,
                )
            )

    def _period(self):
        """(start, end) of the chosen days, as stored datetimes."""
        self.ensure_one()
        return (
            self._utc_midnight(self.date_from),
            self._utc_midnight(self.date_to + relativedelta(days=1)),
        )

    def _utc_midnight(self, day):
        """The start of ``day`` in the user's time zone, as stored (naive UTC): the
        same bounds as the reports' date filters, and the workbook shows local
        times."""
        tz = pytz.timezone(self._tz_name())
        local = tz.localize(datetime.combine(day, time.min))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    def _tz_name(self):
        """The user's time zone (context first); UTC when it is unknown, as an
        RPC context may carry any string."""
        name = self.env.context.get("tz") or self.env.user.tz
        return name if name in pytz.all_timezones_set else "UTC"
