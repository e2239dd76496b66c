"""Calendar arithmetic on plain dates: month steps with end-of-month clamping, month bounds,
French public holidays."""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from functools import cache


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


def easter(year: int) -> dt.date:
    """Easter Sunday of the Gregorian calendar (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


FIXED_HOLIDAYS = ((1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25))
_FIRST_COMPUTED, _LAST_COMPUTED = 1982, 2100  # 8 May a holiday from 1982; the package: to 2100


@cache
def public_holidays(year: int) -> frozenset[dt.date]:
    """Metropolitan France's public holidays of `year`, as `holidays.France` gives them.

    Computed here (fixed days, Easter Monday, Ascension, Whit Monday — not a holiday from 2005
    to 2007, the first years of the journée de solidarité) because the holidays package imports
    every country of the world on first use (about 0.1 s); it is still used outside 1982–2100.
    """
    if not _FIRST_COMPUTED <= year <= _LAST_COMPUTED:
        import holidays

        return frozenset(holidays.France(years=year))
    days = {dt.date(year, month, day) for month, day in FIXED_HOLIDAYS}
    sunday = easter(year)
    days |= {sunday + dt.timedelta(days=1), sunday + dt.timedelta(days=39)}
    if not 2005 <= year <= 2007:
        days.add(sunday + dt.timedelta(days=50))
    return frozenset(days)
