from datetime import date, datetime, time

import pytz
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# Periods the reports can compare with the one before (bottlenecks) and turn
# into datetimes in any time zone: bounded, so that no date arithmetic overflows.
EARLIEST_DAY = date(1970, 1, 1)
LATEST_DAY = date(2999, 12, 31)
LONGEST_PERIOD_DAYS = 366 * 10


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
        for record in self:
            problem = record._governance_period_problem()
            if problem:
                raise ValidationError(problem)

    def _governance_period_problem(self):
        """Why the chosen period cannot be reported on (a sentence), or None."""
        self.ensure_one()
        if not self.date_from or not self.date_to:
            return _("Choose the first and the last day of the period.")
        if self.date_from > self.date_to:
            return _(
                "The period ends (%(date_to)s) before it starts (%(date_from)s).",
                date_to=self.date_to,
                date_from=self.date_from,
            )
        if self.date_from < EARLIEST_DAY or self.date_to > LATEST_DAY:
            return _(
                "Choose a period between %(earliest)s and %(latest)s.",
                earliest=EARLIEST_DAY,
                latest=LATEST_DAY,
            )
        if (self.date_to - self.date_from).days >= LONGEST_PERIOD_DAYS:
            return _("A period lasts ten years at most.")
        return None

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
