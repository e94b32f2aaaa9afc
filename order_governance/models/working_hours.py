"""Working-hour arithmetic of the SLAs, in one place.

Odoo stores naive UTC datetimes; a working calendar wants aware ones.
"""

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
