"""The faster compute paths (issue 16) give what the plain ones gave."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from ledger_factory import make_ledger

from treso_xl import fold_cache
from treso_xl.contract import normalize_label, normalize_series
from treso_xl.core.aging import bucket_of, buckets_of
from treso_xl.core.cfe import _typed_years
from treso_xl.core.flows import unify_categories
from treso_xl.core.urssaf import _cents, _dec, _part, _round
from treso_xl.reading.values import EMPTY, TEXT, Cells, _slow_code
from treso_xl.refresh import read
from treso_xl.workbooks import sample_path


def test_buckets_of_is_bucket_of_row_by_row():
    days = pd.Series(range(-400, 400), index=range(1000, 1800))
    buckets = buckets_of(days)
    assert buckets.tolist() == [bucket_of(d) for d in days]
    assert buckets.index.equals(days.index)
    empty = pd.Series([], dtype="int64")
    assert buckets_of(empty).dtype == empty.map(bucket_of).dtype


def _part_by_groupby(bases, rates) -> float:
    """The former implementation: a DataFrame and a groupby per call."""
    frame = pd.DataFrame({"cents": _cents(bases), "rate": np.asarray(rates, dtype="float64")})
    by_rate = frame.groupby("rate", sort=True)["cents"].sum()
    total = sum((Decimal(int(c)) * _dec(r) for r, c in by_rate.items()), Decimal(0))
    return _round(total / 100)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 10_000_000).map(lambda cents: cents / 100),
            st.sampled_from([0.123, 0.212, 0.246, 0.0, 0.001, 0.0044, float("nan")]),
        ),
        max_size=60,
    )
)
def test_part_sums_per_rate_as_the_groupby_did(rows):
    bases = [base for base, _ in rows]
    rates = [rate for _, rate in rows]
    assert _part(bases, rates) == _part_by_groupby(bases, rates)


def test_reader_columns_are_folded_once_and_results_stay_independent():
    ledger = read(sample_path())
    numbers = ledger.factures["facture"]
    first = normalize_series(numbers)
    assert fold_cache.cached(numbers) is not None  # a column of the reader: kept
    assert first.tolist() == [normalize_label(n) for n in numbers]
    first.iloc[0] = "changed"  # a caller changing its result changes nobody else's
    again = normalize_series(ledger.factures["facture"])
    assert again.tolist() == [normalize_label(n) for n in numbers]
    assert again.index.equals(numbers.index) and again.name == numbers.name


def test_frames_built_elsewhere_are_folded_afresh():
    frame = pd.DataFrame({"facture": pd.Series([" F-1", "f-2 "], dtype="str")})
    assert normalize_series(frame["facture"]).tolist() == ["f-1", "f-2"]
    frame.loc[0, "facture"] = "G-9"  # changed in place: not a reader's frame, not cached
    assert fold_cache.cached(frame["facture"]) is None
    assert normalize_series(frame["facture"]).tolist() == ["g-9", "f-2"]


_CELL_VALUES = [
    None, "", "  ", float("nan"), pd.NA, pd.NaT, 1.5, 2, True, "abc", " x ",
    dt.date(2026, 1, 2), dt.datetime(2026, 1, 2, 3), pd.Timestamp("2026-01-01"), dt.time(3, 4),
    Decimal("1.5"),
]  # fmt: skip


def _code_of(value: object) -> int:
    """The type code of one cell as Cells documents it, cell by cell."""
    if isinstance(value, str):
        return EMPTY if not value.strip() else TEXT
    if value is None or value is pd.NA or value is pd.NaT:
        return EMPTY
    if isinstance(value, float) and np.isnan(value):
        return EMPTY
    return _slow_code(value)


def _check_cells(values: list[object]) -> None:
    cells = Cells(pd.Series(values, dtype=object))
    assert cells.codes.tolist() == [_code_of(v) for v in values]
    assert cells.texts().tolist() == [v.strip() for v in values if _code_of(v) == TEXT]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(range(len(_CELL_VALUES))), max_size=30))
def test_cells_codes_and_texts_are_those_of_each_cell(picks):
    _check_cells([_CELL_VALUES[i] for i in picks])


def test_long_columns_of_repeated_or_distinct_texts():
    repeated = [" Atelier ", "Studio", "", "  ", None, "Cabinet  "] * 800
    _check_cells(repeated)  # stripped once per distinct text
    _check_cells([f" F-{i} " for i in range(5000)])  # one by one
    _check_cells([dt.date(2026, 1, 1 + i % 28) if i % 3 else "" for i in range(3000)])


def _unify_row_by_row(categories: pd.Series, fallback: str) -> pd.Series:
    """The former unify_categories: every row stripped, distinct spellings folded."""
    cleaned = categories.fillna("").astype(str).str.strip()
    cleaned = cleaned.where(cleaned != "", fallback)
    spelling: dict[str, str] = {}
    chosen: dict[str, str] = {}
    for text in cleaned.unique():
        chosen[text] = spelling.setdefault(normalize_label(text), text)
    return cleaned.map(chosen)


_CATEGORIES = ["Abonnement", " abonnement", "ABONNEMENT ", "", "  ", None, "Loyer", "Éd", "ed"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_CATEGORIES), max_size=20), st.sampled_from(["object", "str"]))
def test_unify_categories_as_row_by_row(values, dtype):
    categories = pd.Series(values, dtype=object, name="categorie")
    if dtype == "str":
        categories = categories.astype("str")
    expected = _unify_row_by_row(categories, "Autres")
    pd.testing.assert_series_equal(unify_categories(categories, "Autres"), expected)


def test_cfe_typed_years_expand_only_the_rows_naming_it():
    rows = [
        {"date": dt.date(2025, 12, 10), "libelle": "CFE", "montant": 200.0, "categorie": "Impôts",
         "recurrence": "Annuelle"},
        {"date": dt.date(2026, 1, 5), "libelle": "Loyer", "montant": 500.0, "categorie": "Loyer",
         "recurrence": "Mensuelle"},
        {"date": dt.date(2026, 3, 1), "libelle": "Acompte", "montant": 90.0,
         "categorie": "Cotisation foncière des entreprises"},
        {"date": None, "libelle": "CFE", "montant": 10.0, "categorie": "Impôts"},
    ]  # fmt: skip
    ledger = make_ledger({"date_solde": dt.date(2025, 11, 30)}, decaissements=rows)
    assert _typed_years(ledger, dt.date(2027, 12, 31)) == {2025, 2026, 2027}
    assert _typed_years(ledger, dt.date(2025, 12, 31)) == {2025, 2026}  # one-off rows stay
    assert _typed_years(ledger, dt.date(2024, 12, 31)) == {2026}
