"""The faster flow, plan and spending code gives exactly what the code it replaced gave."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from treso_xl.core.invoices import _due_dates_by_wording, due_dates

WORDINGS = [
    "",
    "30 jours",
    "45 jours fin de mois",
    "fin de mois 45 jours",
    "30 jours fin de mois le 10",
    "fin de mois le 31",
    "fin de mois + 15 jours le 5",
    "à réception",
    "quand il pourra",
    "60 jours date de facture",
    "fdm le 30",
]

_days = st.one_of(
    st.none(),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2199, 12, 31)),
)


@st.composite
def factures(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(0, 12))
    dates = [draw(_days) for _ in range(n)]
    whole = draw(st.booleans())  # the reader gives midnights; times are kept anyway
    if whole:
        dates = [d if d is None else dt.datetime(d.year, d.month, d.day) for d in dates]
    typed = [draw(st.one_of(st.none(), _days)) for _ in range(n)]
    wordings = [draw(st.sampled_from(WORDINGS)) for _ in range(n)]
    index = pd.RangeIndex(3, 3 + n) if draw(st.booleans()) else pd.Index(range(n))[::-1]
    return pd.DataFrame(
        {
            "date": pd.Series(dates, dtype="datetime64[ns]", index=index),
            "echeance": pd.Series(typed, dtype="datetime64[ns]", index=index),
            "conditions": pd.Series(wordings, dtype="str", index=index),
        }
    )


@settings(max_examples=300, deadline=None)
@given(factures())
def test_due_dates_as_one_wording_at_a_time(frame: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(due_dates(frame), _due_dates_by_wording(frame))


def test_bill_answers_kept_per_frames_and_dates_each_caller_its_copy():
    from dataclasses import replace

    from tests.test_payables import _ledger
    from treso_xl.core import payables

    ledger = _ledger()
    first = payables.bill_positions(ledger)
    pd.testing.assert_frame_equal(first, payables._bill_positions(ledger))
    first.loc[:, "reste_du"] = -1.0  # a caller's change stays its own
    pd.testing.assert_frame_equal(payables.bill_positions(ledger), payables._bill_positions(ledger))
    named = payables.naming_rows(ledger)
    named[:] = pd.NA
    pd.testing.assert_series_equal(payables.naming_rows(ledger), payables._naming_rows(ledger))
    later = replace(ledger, params=replace(ledger.params, date_reference=dt.date(2027, 1, 5)))
    assert payables.bill_positions(later).equals(payables._bill_positions(later))
    assert not payables.bill_positions(later).equals(payables.bill_positions(ledger))
    other = _ledger()  # same content, new frames: computed afresh, same answer
    pd.testing.assert_frame_equal(payables.bill_positions(other), payables._bill_positions(other))
