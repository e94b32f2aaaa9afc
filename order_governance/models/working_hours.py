"""Working-hour arithmetic of the SLAs, in one place.

Odoo stores naive UTC datetimes; a working calendar wants aware ones.
"""

from bisect import bisect_left, bisect_right
from datetime import timedelta

import pytz

from odoo import _
from odoo.exceptions import UserError


def utc(value):
    """A naive UTC datetime as stored by Odoo, made aware for calendar arithmetic."""
    return pytz.utc.localize(value)


def plan(calendar, start, hours):
    """``start`` plus ``hours`` working hours of ``calendar`` (public holidays
    included); every hour counts without a calendar."""
    if not calendar:
        return start + timedelta(hours=hours)
    result = calendar.plan_hours(hours, start, compute_leaves=True)
    if not result:
        # plan_hours gives up (returns False) when it finds no working time in
        # the year ahead: say so now rather than fail later on a False deadline
        raise UserError(
            _(
                "The working calendar %(calendar)s has no working time to plan "
                "%(hours)s hours from %(start)s: give it working hours, or choose "
                "another calendar for the stage.",
                calendar=calendar.display_name,
                hours=hours,
                start=start,
            )
        )
    return result


def hours_between(calendar, start, end):
    """Working hours of ``calendar`` between two naive UTC datetimes."""
    if not calendar:
        return (end - start).total_seconds() / 3600
    intervals = calendar._work_intervals_batch(utc(start), utc(end))[False]
    return sum((stop - begin).total_seconds() for begin, stop, _m in intervals) / 3600


def hours_of_periods(calendar, periods):
    """``{key: working hours}`` for ``{key: (start, end)}`` periods sharing
    ``calendar``: one look-up of the calendar's work intervals for them all."""
    if not periods:
        return {}
    if not calendar:
        return {
            key: (end - start).total_seconds() / 3600
            for key, (start, end) in periods.items()
        }
    first = utc(min(start for start, _end in periods.values()))
    last = utc(max(end for _start, end in periods.values()))
    intervals = calendar._work_intervals_batch(first, last)[False]
    result = {}
    for key, (start, end) in periods.items():
        start, end = utc(start), utc(end)
        seconds = sum(
            (min(stop, end) - max(begin, start)).total_seconds()
            for begin, stop, _meta in intervals
            if begin < end and stop > start
        )
        result[key] = seconds / 3600
    return result


class Timeline:
    """The working time of one calendar from ``start`` on, read once and walked in
    memory: a batch plans thousands of spans from the same moment on without a
    look-up of the calendar (and its public holidays) each, as ``plan`` would."""

    # as resource.calendar.plan_hours: 100 fortnights at most, then no date
    MAX_DAYS = 1400

    def __init__(self, calendar, start):
        self.calendar = calendar
        self.start = utc(start)
        self.end = self.start
        self.begins = []  # interval starts, aware, ascending
        self.stops = []
        self.cumulative = []  # working hours from ``start`` to each interval's stop
        self.days = 0

    def _extend(self):
        days = max(self.days, 28)  # doubles the window each time
        until = self.end + timedelta(days=days)
        intervals = self.calendar._work_intervals_batch(self.end, until)[False]
        total = self.cumulative[-1] if self.cumulative else 0.0
        for begin, stop, _meta in intervals:
            total += (stop - begin).total_seconds() / 3600
            self.begins.append(begin)
            self.stops.append(stop)
            self.cumulative.append(total)
        self.end = until
        self.days += days

    def _worked_until(self, moment):
        """Working hours from the timeline's start to ``moment`` (aware)."""
        while self.end < moment and self.days < self.MAX_DAYS:
            self._extend()
        index = bisect_right(self.begins, moment) - 1
        if index < 0:
            return 0.0
        stop = self.stops[index]
        within = (min(moment, stop) - self.begins[index]).total_seconds() / 3600
        return (
            self.cumulative[index]
            - (stop - self.begins[index]).total_seconds() / 3600
            + within
        )

    def hours_between(self, start, end):
        """Working hours between two naive UTC datetimes, not before the
        timeline's start."""
        if not self.calendar:
            return (end - start).total_seconds() / 3600
        return self._worked_until(utc(end)) - self._worked_until(utc(start))

    def plan(self, start, hours):
        """``start`` (naive UTC, not before the timeline's start) plus ``hours``
        working hours, naive UTC; None when the calendar has no such time ahead."""
        if not self.calendar:
            return start + timedelta(hours=hours)
        if hours <= 0:
            return start
        target = self._worked_until(utc(start)) + hours
        while (not self.cumulative or self.cumulative[-1] < target) and (
            self.days < self.MAX_DAYS
        ):
            self._extend()
        index = bisect_left(self.cumulative, target)
        if index >= len(self.cumulative):
            return None
        # the target falls in this interval: its stop less the hours left over
        over = self.cumulative[index] - target
        moment = self.stops[index] - timedelta(hours=over)
        return moment.astimezone(pytz.utc).replace(tzinfo=None)
