"""Shortcuts of the compute (issue 16: remembered answers, fast paths) give the plain answers."""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from treso_xl.contract import _fold
from treso_xl.core.aging import open_invoices
from treso_xl.core.flow_order import FLOW_ORDER, sort_by_date_and_line, sort_flows
from treso_xl.core.flows import combine, expected_invoice_receipts
from treso_xl.core.money import cents
from treso_xl.core.plan import _by_category
from treso_xl.core.recurrence import expand_recurrences, occurrences
from treso_xl.core.urssaf import is_turnover, turnover_receipts


def _turnover_plain(flows: pd.DataFrame, until: dt.date | None) -> pd.DataFrame:
    """The former implementation: every test made on each call."""
    dates = pd.to_datetime(flows["date"]).dt.normalize()
    wanted = (flows["sens"] == "encaissement") & dates.notna() & is_turnover(flows["categorie"])
    if until is not None:
        wanted &= dates <= pd.Timestamp(until)
    receipts = flows.loc[wanted].copy()
    receipts["date"] = dates[wanted]
    receipts["montant"] = receipts["montant"].astype("float64")
    return receipts.sort_values("date", kind="stable", ignore_index=True)


def _flows(shift: int) -> pd.DataFrame:
    days = [dt.datetime(2026, 1, 1, 9) + dt.timedelta(days=(7 * i + shift) % 40) for i in range(30)]
    return pd.DataFrame(
        {
            "date": days,
            "sens": ["encaissement" if i % 3 else "décaissement" for i in range(30)],
            "libelle": [f"ligne {i}" for i in range(30)],
            "categorie": ["Apport" if i % 5 == 0 else "Ventes" for i in range(30)],
            "montant": [float(10 * i + shift) for i in range(30)],
            "ligne": list(range(2, 32)),
        }
    )


@pytest.mark.parametrize(
    "until", [None, dt.date(2026, 1, 1), dt.date(2026, 1, 20), dt.date(2027, 1, 1)]
)
def test_turnover_receipts_as_the_plain_selection(until):
    for shift in (0, 3, 0):  # the same frame again, another one, a third one
        flows = _flows(shift)
        for _ in range(2):  # the second call uses the remembered selection
            got = turnover_receipts(flows, until)
            pd.testing.assert_frame_equal(got, _turnover_plain(flows, until))
            got.loc[:, "montant"] = -1.0  # the caller's copy: changing it changes nothing after


def test_turnover_receipts_of_a_sorted_frame_and_of_an_empty_one():
    flows = _flows(0).sort_values("date", kind="stable", ignore_index=True)
    pd.testing.assert_frame_equal(
        turnover_receipts(flows, dt.date(2026, 1, 25)), _turnover_plain(flows, dt.date(2026, 1, 25))
    )
    empty = flows.iloc[:0]
    assert turnover_receipts(empty, dt.date(2026, 1, 25)).empty


def _fold_plain(text: str) -> str:
    """The former fold, without the shortcut for ASCII texts."""
    s = text.strip()
    if s.endswith(")") and "(" in s:
        head = s[: s.rindex("(")].rstrip()
        if head:
            s = head
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.replace("’", "'").replace("º", "°")
    return " ".join(s.lower().split())


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aZ9 -()_\t\n°’ºéÉ'.ﬁ\u0301")), max_size=20))
def test_fold_as_the_plain_fold(text):
    assert _fold.__wrapped__(text) == _fold_plain(text)


def test_fold_of_every_ascii_character():
    for code in range(128):
        text = f" A{chr(code)}b "
        assert _fold.__wrapped__(text) == _fold_plain(text)


ROW = st.tuples(
    st.one_of(st.none(), st.integers(0, 5)),  # day offset, None: no date
    st.sampled_from([0, 0, 0, 7]),  # hours: 7 makes dates that are not whole days
    st.sampled_from(["encaissement", "décaissement", None, "autre"]),
    st.one_of(st.none(), st.integers(-2, 3), st.just(2**45)),  # ligne: negative, huge
)


@settings(max_examples=300, deadline=None)
@given(st.lists(ROW, max_size=30), st.sampled_from(["object", "str"]))
def test_sort_flows_as_pandas_with_times_negative_and_huge_rows(rows, text_dtype):
    start = pd.Timestamp("2026-01-01")
    frame = pd.DataFrame(
        {
            "date": pd.Series(
                [
                    start + pd.Timedelta(days=d, hours=h) if d is not None else pd.NaT
                    for d, h, _, _ in rows
                ],
                dtype="datetime64[ns]",
            ),
            "sens": pd.Series([s for _, _, s, _ in rows], dtype=text_dtype),
            "ligne": pd.array([line for *_, line in rows], dtype="Int64"),
            "position": range(len(rows)),
        }
    )
    expected = frame.sort_values(FLOW_ORDER, kind="stable", ignore_index=True)
    pd.testing.assert_frame_equal(sort_flows(frame), expected)


@settings(max_examples=300, deadline=None)
@given(st.lists(ROW, max_size=30), st.sampled_from(["int64", "Int64", "float64"]))
def test_sort_by_date_and_line_as_pandas_index_kept(rows, line_dtype):
    start = pd.Timestamp("2026-01-01")
    lines = [line for *_, line in rows]
    if line_dtype == "int64":
        lines = [0 if line is None else line for line in lines]
    frame = pd.DataFrame(
        {
            "date": pd.Series(
                [
                    start + pd.Timedelta(days=d, hours=h) if d is not None else pd.NaT
                    for d, h, _, _ in rows
                ],
                dtype="datetime64[ns]",
            ),
            "ligne": pd.array(lines, dtype=line_dtype),
            "position": range(len(rows)),
        },
        index=[3 * i + 1 for i in range(len(rows))],
    )
    expected = frame.sort_values(["date", "ligne"], kind="stable")
    pd.testing.assert_frame_equal(sort_by_date_and_line(frame), expected)


def _flow_part(rows: list[tuple], tag: float) -> pd.DataFrame:
    start = pd.Timestamp("2026-01-01")
    return pd.DataFrame(
        {
            "date": pd.Series(
                [start + pd.Timedelta(days=d) if d is not None else pd.NaT for d, _, _, _ in rows],
                dtype="datetime64[ns]",
            ),
            "sens": pd.Series([s for _, _, s, _ in rows], dtype="str"),
            "ligne": pd.array([line for *_, line in rows], dtype="Int64"),
            "montant": [tag + i for i in range(len(rows))],
        }
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(ROW, max_size=12), st.lists(ROW, max_size=12), st.lists(ROW, max_size=12))
def test_combine_in_one_stack_as_in_two(first, second, third):
    """build_plan stacks the known flows, the extra ones and each view's rests at once."""
    a, b, c = _flow_part(first, 0.0), _flow_part(second, 100.0), _flow_part(third, 200.0)
    pd.testing.assert_frame_equal(combine(a, b, c), combine(combine(a, b), c))


def _cents_plain(value: float) -> float:
    """The former rounding, through Decimal every time."""
    number = float(value)
    if not math.isfinite(number) or abs(number) >= float(2**52):
        return number
    return float(Decimal(repr(number)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@settings(max_examples=1000, deadline=None)
@given(
    st.one_of(
        st.floats(allow_nan=False),
        st.integers(-(10**9), 10**9).map(lambda n: n / 100),
        st.integers(-(10**9), 10**9).map(lambda n: n / 1000),
        st.sampled_from([0.0, -0.0, 1e-7, -1e-7, 2.675, 1e16, 0.1 + 0.2, 5e-324]),
    )
)
def test_cents_as_the_plain_rounding(value):
    got, expected = cents(value), _cents_plain(value)
    assert got == expected and math.copysign(1, got) == math.copysign(1, expected)


def _by_category_pivot(flows: pd.DataFrame, months: list[dt.date]) -> pd.DataFrame:
    """The former table: a pivot table reindexed."""
    month = flows["date"].to_numpy(dtype="datetime64[ns]").astype("datetime64[M]")
    table = flows.assign(mois=month).pivot_table(
        index="categorie", columns="mois", values="montant", aggfunc="sum", sort=False
    )
    table.columns = [stamp.date() for stamp in pd.to_datetime(table.columns)]
    order = list(pd.unique(flows["categorie"]))
    return table.reindex(index=order, columns=months).fillna(0.0).round(2)


CATEGORY_ROW = st.tuples(
    st.one_of(st.none(), st.integers(-40, 200)),  # day offset from 2026-01-01, None: no date
    st.sampled_from(["Ventes", "Loyer", "ventes", None]),
    st.one_of(st.none(), st.integers(-(10**6), 10**6).map(lambda n: n / 100)),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(CATEGORY_ROW, min_size=1, max_size=30), st.integers(0, 3))
def test_plan_table_by_category_as_the_pivot_table(rows, first_month):
    start = pd.Timestamp("2026-01-01")
    flows = pd.DataFrame(
        {
            "date": pd.Series(
                [start + pd.Timedelta(days=d) if d is not None else pd.NaT for d, _, _ in rows],
                dtype="datetime64[ns]",
            ),
            "categorie": pd.Series([c for _, c, _ in rows], dtype="str"),
            "montant": pd.Series([m for _, _, m in rows], dtype="float64"),
        }
    )
    months = [dt.date(2026, m, 1) for m in range(1 + first_month, 6)]
    pd.testing.assert_frame_equal(_by_category(flows, months), _by_category_pivot(flows, months))


RECURRING_ROW = st.tuples(
    st.dates(dt.date(2023, 1, 1), dt.date(2027, 12, 31)),
    st.sampled_from(["Mensuelle", "Trimestrielle", "Annuelle", "Aucune"]),
    st.one_of(st.none(), st.dates(dt.date(2023, 1, 1), dt.date(2028, 12, 31))),
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(RECURRING_ROW, min_size=1, max_size=8),
    st.dates(dt.date(2024, 1, 1), dt.date(2028, 2, 29)),
)
def test_expand_recurrences_gives_the_occurrences_of_each_row(rows, until):
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime([first for first, _, _ in rows]),
            "recurrence": [kind for _, kind, _ in rows],
            "fin": pd.to_datetime([end for _, _, end in rows]),
            "ligne": range(2, 2 + len(rows)),
        }
    )
    got = expand_recurrences(frame, until)
    expected = sorted(
        (pd.Timestamp(day), line)
        for (first, kind, end), line in zip(rows, frame["ligne"], strict=True)
        for day in (occurrences(first, kind, until, end) if kind != "Aucune" else [first])
    )
    assert list(zip(got["date"], got["ligne"], strict=True)) == expected


def test_open_invoices_remembered_only_for_the_same_positions_and_date():
    positions = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-01-10", "2026-02-10", "2026-05-01"]),
            "echeance_calculee": pd.to_datetime(["2026-02-10", "2026-03-10", "2026-06-01"]),
            "reste_du": [100.0, 0.0, 50.0],
        }
    )
    first = open_invoices(positions, dt.date(2026, 4, 1))
    assert first["jours_retard"].tolist() == [50]
    first.loc[:, "reste_du"] = -1.0  # the caller's copy
    again = open_invoices(positions, dt.date(2026, 4, 1))
    assert again["reste_du"].tolist() == [100.0]
    assert open_invoices(positions, dt.date(2026, 6, 5))["jours_retard"].tolist() == [115, 4]
    other = positions.assign(reste_du=[0.0, 0.0, 50.0])
    assert open_invoices(other, dt.date(2026, 6, 5))["reste_du"].tolist() == [50.0]


def test_contractual_receipts_remembered_only_for_the_same_positions_and_dates():
    positions = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-01-10", "2026-02-10"]),
            "echeance_calculee": pd.to_datetime(["2026-02-10", "2026-07-10"]),
            "reste_du": [100.0, 80.0],
            "client": ["A", "B"],
        }
    )
    solde, ref = dt.date(2026, 1, 1), dt.date(2026, 4, 1)
    expected, overdue = expected_invoice_receipts(positions, solde, ref)
    assert (expected["reste_du"].tolist(), overdue["reste_du"].tolist()) == ([80.0], [100.0])
    expected.loc[:, "reste_du"] = -1.0  # the caller's copy
    assert expected_invoice_receipts(positions, solde, ref)[0]["reste_du"].tolist() == [80.0]
    later = expected_invoice_receipts(positions, solde, dt.date(2026, 8, 1))
    assert later[0].empty and later[1]["reste_du"].tolist() == [100.0, 80.0]
    other = positions.assign(reste_du=[100.0, 0.0])
    assert expected_invoice_receipts(other, solde, ref)[0].empty
    habits = pd.Series({"A": 0, "B": 30})
    assert expected_invoice_receipts(positions, solde, ref, habits)[0][
        "date_attendue"
    ].tolist() == [pd.Timestamp("2026-08-09")]
