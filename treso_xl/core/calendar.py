"""Calendar arithmetic on plain dates: month steps with end-of-month clamping, month bounds."""

from __future__ import annotations

import calendar as _calendar
import datetime as dt


def last_day(year: int, month: int) -> int:
    """Number of days in a month."""
    return _calendar.monthrange(year, month)[1]


def month_start(day: dt.date) -> dt.date:
    """First day of the month holding `day`."""
    return dt.date(day.year, day.month, 1)


def month_end(day: dt.date) -> dt.date:
    """Last day of the month holding `day`."""
    return dt.date(day.year, day.month, last_day(day.year, day.month))


def add_months(day: dt.date, months: int, anchor_day: int | None = None) -> dt.date:
    """`day` moved by whole months, on `anchor_day` (default: day's own) or the month's last day.

    add_months(31 Jan, 1) is 28 (or 29) February; add_months(28 Feb, 1, anchor_day=31) is 31 March.
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    wanted = day.day if anchor_day is None else anchor_day
    return dt.date(year, month, min(wanted, last_day(year, month)))


def month_starts(first: dt.date, count: int) -> list[dt.date]:
    """`count` consecutive first-of-month dates starting at the month of `first`."""
    start = month_start(first)
    return [add_months(start, i) for i in range(count)]
