"""French public holidays computed without the holidays package, checked against it."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import holidays

from treso_xl.core.calendar import easter, public_holidays


def test_easter_on_known_years() -> None:
    assert easter(2024) == dt.date(2024, 3, 31)
    assert easter(2025) == dt.date(2025, 4, 20)
    assert easter(2026) == dt.date(2026, 4, 5)
    assert easter(2038) == dt.date(2038, 4, 25)  # the latest possible
    assert easter(2285) == dt.date(2285, 3, 22)  # the earliest possible


def test_same_days_as_the_holidays_package() -> None:
    for year in range(1950, 2101):
        assert public_holidays(year) == frozenset(holidays.France(years=year)), year


def test_whit_monday_left_out_from_2005_to_2007() -> None:
    assert dt.date(2006, 6, 5) not in public_holidays(2006)
    assert dt.date(2026, 5, 25) in public_holidays(2026)


def test_no_country_of_the_world_imported() -> None:
    code = (
        "import sys; from treso_xl.core.calendar import public_holidays; public_holidays(2026); "
        "print(sum(name.startswith('holidays') for name in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"
