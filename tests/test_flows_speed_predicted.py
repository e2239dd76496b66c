"""The predicted view of the plan built from its balance columns only gives the former plan."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_flows_speed_plan import (
    _many_ledger,
    _old_build_plan,
    _sample_ledger,
    assert_same_plan,
)
from treso_xl.core.flows import FLOW_COLUMNS, known_flows
from treso_xl.core.invoices import invoice_positions
from treso_xl.core.plan import _balance_columns, build_plan, horizon_end


def _extra(ledger, with_extra_column: bool) -> pd.DataFrame:
    """Flows added to both views (as the URSSAF, CFE and VAT estimates are), some outside the
    horizon, one with a missing date, same-day ties with the known flows."""
    start = pd.Timestamp(ledger.params.date_solde)
    dates = [start + pd.Timedelta(days=n) for n in (-3, 0, 1, 1, 15, 45, 400)] + [pd.NaT]
    n = len(dates)
    frame = pd.DataFrame(
        {
            "date": pd.Series(dates, dtype="datetime64[ns]"),
            "montant": [120.5, 33.33, 0.1, 0.2, 1e6, 250.0, 9.99, 5.0],
            "sens": ["décaissement", "encaissement"] * (n // 2),
            "categorie": ["URSSAF", "Ventes", "CFE", "URSSAF", "TVA", "Loyer", "URSSAF", "CFE"],
            "libelle": [f"estimation {i}" for i in range(n)],
            "tiers": ["URSSAF"] * n,
            "statut": ["Prévu"] * n,
            "source": ["Estimation"] * n,
            "ligne": pd.array([pd.NA, 3, pd.NA, 2, pd.NA, 5, pd.NA, pd.NA], dtype="Int64"),
            "facture": [""] * n,
        },
        columns=FLOW_COLUMNS,
    )
    if with_extra_column:
        frame["note"] = "x"
    return frame


@pytest.mark.parametrize("make", [_sample_ledger, _many_ledger])
@pytest.mark.parametrize("with_extra_column", [False, True])
def test_build_plan_with_extra_flows_as_before(make, with_extra_column) -> None:
    ledger = make()
    end = horizon_end(ledger.params.date_solde, ledger.params.horizon)
    positions = invoice_positions(ledger.factures, ledger.encaissements)
    known = known_flows(ledger, end)
    extra = _extra(ledger, with_extra_column)
    assert_same_plan(
        build_plan(ledger, extra, positions=positions, known=known),
        _old_build_plan(ledger, extra, positions=positions, known=known),
    )
    assert_same_plan(build_plan(ledger, extra.iloc[:0]), _old_build_plan(ledger, extra.iloc[:0]))


def test_balance_columns_keep_the_sort_keys_and_amounts() -> None:
    frame = _extra(_sample_ledger(), with_extra_column=True)
    kept = _balance_columns(frame)
    assert list(kept.columns) == ["date", "montant", "sens", "categorie", "ligne"]
    pd.testing.assert_frame_equal(kept, frame[list(kept.columns)])
    assert _balance_columns(frame.drop(columns="categorie")).columns.tolist() == [
        "date",
        "montant",
        "sens",
        "ligne",
    ]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.booleans(), max_size=12), st.integers(0, 3))
def test_rows_as_the_boolean_selection(wanted, shift) -> None:
    from treso_xl.core.plan import _rows

    index = (
        pd.RangeIndex(len(wanted)) if shift == 0 else pd.Index(range(shift, shift + len(wanted)))
    )
    frame = pd.DataFrame({"a": range(len(wanted)), "b": [str(i) for i in range(len(wanted))]})
    frame.index = index
    mask = pd.Series(wanted, index=index, dtype=bool)
    pd.testing.assert_frame_equal(_rows(frame, mask), frame.loc[mask])  # former code
