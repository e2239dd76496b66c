"""The faster flow, plan and spending code gives exactly what the code it replaced gave."""

from __future__ import annotations

import datetime as dt

import numpy as np
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


def _old_bill_flows(ledger, positions=None):  # payables.bill_flows before the speed work
    from treso_xl.core.payables import (
        _CENT,
        CATEGORY_BILLS,
        SOURCE_BILLS,
        _matches_typed_payment,
        bill_positions,
        naming_rows,
    )

    if positions is None:
        positions = bill_positions(ledger)
    bills = ledger.fournisseurs
    paid = bills["date_paiement"].notna() & bills["montant"].notna()
    dec = ledger.decaissements
    free = dec.loc[naming_rows(ledger).isna()]
    paid &= ~_matches_typed_payment(bills, free)
    owed = positions["reste_du"] > _CENT
    numbers = bills["numero"].fillna("").astype(str)
    labels = [
        f"Facture {n} — {who}" if n else f"Facture fournisseur — {who}"
        for n, who in zip(numbers, bills["fournisseur"].fillna("").astype(str), strict=True)
    ]
    labels_s = pd.Series(labels, index=bills.index, dtype=object)
    dates = [bills.loc[paid, "date_paiement"], positions.loc[owed, "date_prevue"]]
    frame = pd.DataFrame(
        {
            "date": pd.concat(dates),
            "montant": pd.concat([bills.loc[paid, "montant"], positions.loc[owed, "reste_du"]]),
            "statut": ["Réalisé"] * int(paid.sum()) + ["Prévu"] * int(owed.sum()),
            "libelle": pd.concat([labels_s[paid], labels_s[owed]]),
            "tiers": pd.concat([bills.loc[paid, "fournisseur"], bills.loc[owed, "fournisseur"]]),
            "ligne": pd.concat([bills.loc[paid, "ligne"], bills.loc[owed, "ligne"]]),
            "facture": pd.concat([numbers[paid], numbers[owed]]),
        }
    )
    frame["sens"] = "décaissement"
    frame["categorie"] = CATEGORY_BILLS
    frame["source"] = SOURCE_BILLS
    return frame.reset_index(drop=True)


_D0 = dt.date(2026, 10, 1)
_day = st.integers(0, 120).map(lambda n: _D0 + dt.timedelta(days=n))
_amount = st.sampled_from([10.0, 90.0, 100.0, 150.5, 200.0, 480.0])
_who = st.sampled_from(["Dumas", "dumas ", "Papeterie", "Imprimerie", ""])
_number = st.sampled_from(["", "F-1", "f-1 ", "F-2", "F-3", "X"])


@st.composite
def bill_ledgers(draw: st.DrawFn):
    from tests.ledger_factory import make_ledger

    bills = [
        {
            "numero": draw(_number),
            "date": draw(_day),
            "fournisseur": draw(_who),
            "montant": draw(_amount),
            "echeance": draw(st.one_of(st.none(), _day)),
            "date_paiement": draw(st.one_of(st.none(), _day)),
        }
        for _ in range(draw(st.integers(0, 6)))
    ]
    dec = [
        {
            "date": draw(_day),
            "libelle": "Paiement",
            "fournisseur": draw(_who),
            "montant": draw(_amount),
            "facture": draw(_number),
            "recurrence": draw(st.sampled_from(["Aucune", "Mensuelle", "Trimestrielle"])),
            "statut": draw(st.sampled_from(["Réalisé", "Prévu"])),
        }
        for _ in range(draw(st.integers(0, 5)))
    ]
    for bill in bills:  # the payment of a paid bill typed again, naming no bill
        if bill["date_paiement"] is not None and draw(st.booleans()):
            dec.append(
                {
                    "date": bill["date_paiement"],
                    "libelle": "Paiement",
                    "fournisseur": bill["fournisseur"],
                    "montant": bill["montant"],
                    "facture": draw(st.sampled_from(["", "X"])),
                }
            )
    params = {"date_solde": dt.date(2026, 11, 30), "date_reference": draw(_day), "horizon": 3}
    return make_ledger(params, decaissements=dec, fournisseurs=bills)


@settings(max_examples=200, deadline=None)
@given(bill_ledgers())
def test_bill_flows_as_before(ledger) -> None:
    from treso_xl.core.payables import bill_flows

    pd.testing.assert_frame_equal(bill_flows(ledger), _old_bill_flows(ledger))


def test_bill_flows_of_the_sample_as_before() -> None:
    from treso_xl.core.payables import bill_flows
    from treso_xl.core.reconcile import reconcile
    from treso_xl.refresh import read
    from treso_xl.workbooks import sample_path

    ledger = reconcile(read(sample_path())).ledger
    assert not ledger.fournisseurs.empty
    pd.testing.assert_frame_equal(bill_flows(ledger), _old_bill_flows(ledger))


_any_day = st.one_of(st.none(), _day, st.dates(dt.date(2024, 1, 1), dt.date(2032, 1, 1)))


@st.composite
def recurring_rows(draw: st.DrawFn) -> pd.DataFrame:
    from tests.ledger_factory import make_ledger

    rows = [
        {
            "date": draw(_any_day),
            "libelle": "x",
            "montant": draw(_amount),
            "recurrence": draw(
                st.sampled_from(["Aucune", "Mensuelle", "Trimestrielle", "Annuelle", "autre"])
            ),
            "fin": draw(_any_day),
        }
        for _ in range(draw(st.integers(0, 7)))
    ]
    frame = make_ledger(decaissements=rows).decaissements
    if draw(st.booleans()):  # rows picked from a larger frame, as the callers do
        frame = frame.iloc[::-1].set_axis([7 * i for i in range(len(frame))])
    if draw(st.booleans()):  # duplicated and missing rows
        lines = [draw(st.one_of(st.none(), st.integers(2, 5))) for _ in range(len(frame))]
        frame = frame.assign(ligne=pd.array(lines, dtype="Int64"))
    if draw(st.booleans()) and len(frame):  # a time of day: sorted by pandas
        frame = frame.assign(date=frame["date"] + pd.Timedelta(hours=3))
    return frame


@settings(max_examples=300, deadline=None)
@given(recurring_rows(), st.dates(dt.date(2025, 6, 1), dt.date(2031, 1, 1)))
def test_expand_recurrences_as_by_parts(frame: pd.DataFrame, until: dt.date) -> None:
    from treso_xl.core.recurrence import _expand_by_parts, expand_recurrences

    pd.testing.assert_frame_equal(expand_recurrences(frame, until), _expand_by_parts(frame, until))


def _old_avoidable_motif(texts: pd.Series) -> pd.Series:  # spending.avoidable_motif before
    from treso_xl.core.spending import _AVOIDABLE

    distinct = pd.Series(pd.unique(texts.to_numpy()), dtype="object").fillna("").astype(str)
    motif = pd.Series("", index=distinct.index, dtype="object")
    for name, pattern, _ in reversed(_AVOIDABLE):  # the first motif of the list wins
        motif = motif.mask(distinct.str.contains(pattern, regex=True), name)
    mapping = dict(zip(distinct, motif, strict=True))
    return pd.Series(texts.map(mapping).to_numpy(dtype=object), index=texts.index, dtype="object")


_WORDS = [
    "majoration", "penalites", "interets de retard", "frais de rejet", "agios", "incident",
    "frais de relance", "lettre d'information", "loyer", "|", " ", "de",
    "commission d intervention",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.lists(st.sampled_from(_WORDS), max_size=4).map(" ".join),
            st.none(),
            st.just(float("nan")),
            st.just(""),
        ),
        max_size=10,
    ),
    st.sampled_from(["object", "str"]),
)
def test_avoidable_motif_as_before(values: list, dtype: str) -> None:
    from treso_xl.core.spending import avoidable_motif

    texts = pd.Series(values, dtype=dtype, index=[3 * i for i in range(len(values))])
    pd.testing.assert_series_equal(avoidable_motif(texts), _old_avoidable_motif(texts))


def test_client_habits_kept_per_positions_each_caller_its_copy():
    from treso_xl.core import habits
    from treso_xl.core.invoices import invoice_positions
    from treso_xl.core.reconcile import reconcile
    from treso_xl.refresh import read
    from treso_xl.workbooks import sample_path

    ledger = reconcile(read(sample_path())).ledger
    positions = invoice_positions(ledger.factures, ledger.encaissements)
    first = habits.client_habits(positions)
    assert first["habitude"].notna().any()
    pd.testing.assert_frame_equal(first, habits._client_habits(positions))
    first.loc[:, "habitude"] = 99
    pd.testing.assert_frame_equal(habits.client_habits(positions), habits._client_habits(positions))
    fewer = positions.iloc[: len(positions) // 2]  # other positions: computed afresh
    pd.testing.assert_frame_equal(habits.client_habits(fewer), habits._client_habits(fewer))


def _old_cents(value: float) -> float:  # money.cents before the speed work
    import math
    from decimal import ROUND_HALF_UP, Decimal

    number = float(value)
    if not math.isfinite(number) or abs(number) >= float(2**52):
        return number
    text = repr(number)
    if "e" not in text and len(text) - text.index(".") <= 3:
        return number
    return float(Decimal(text).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@settings(max_examples=3000, deadline=None)
@given(
    st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(-(10**13), 10**13).map(lambda n: n / 100),
        st.integers(-(10**9), 10**9).map(lambda n: n / 1000),
        st.integers(-(10**6), 10**6).map(lambda n: n / 100 * 12),
        st.floats(-1e-3, 1e-3),
    )
)
def test_cents_as_before(value: float) -> None:
    from treso_xl.core.money import cents

    new, old = cents(value), _old_cents(value)
    assert repr(new) == repr(old)  # same value, same sign of zero, NaN alike


_SUPPLIERS = st.sampled_from(["Adobe", "adobe ", "OVH", "Orange", "", "Zèbre"])
_LABELS = st.sampled_from(
    ["Abonnement Adobe mars 2026", "abonnement adobe d'avril", "Hébergement", "Loyer", "Box"]
)


@st.composite
def spending_rows(draw: st.DrawFn) -> pd.DataFrame:
    """Décaissements made of payment series (monthly, quarterly, yearly, with a few days'
    jitter) and stray rows, as `_prepared` gives them."""
    from tests.ledger_factory import make_ledger
    from treso_xl.core.spending import _prepared

    start = dt.date(2025, 1, 1)
    rows = []
    for _ in range(draw(st.integers(0, 5))):
        supplier, label = draw(_SUPPLIERS), draw(_LABELS)
        period = draw(st.sampled_from([30, 91, 365, 12]))
        first = draw(st.integers(0, 200))
        for k in range(draw(st.integers(1, 6))):
            day = first + k * period + draw(st.integers(-4, 4))
            rows.append(
                {
                    "date": start + dt.timedelta(days=day),
                    "libelle": label,
                    "fournisseur": supplier,
                    "montant": draw(st.sampled_from([9.99, 10.0, 12.5])),
                    "recurrence": draw(st.sampled_from(["Aucune"] * 5 + ["Mensuelle"])),
                    "statut": draw(st.sampled_from(["Réalisé"] * 5 + ["Prévu"])),
                    "categorie": draw(st.sampled_from(["Logiciels", "", "Frais bancaires"])),
                }
            )
    for _ in range(draw(st.integers(0, 4))):
        rows.append(
            {
                "date": draw(st.one_of(st.none(), st.dates(start, dt.date(2026, 6, 1)))),
                "libelle": draw(_LABELS),
                "fournisseur": draw(_SUPPLIERS),
                "montant": 60.0,
                "recurrence": "Aucune",
                "statut": "Réalisé",
            }
        )
    order = draw(st.permutations(range(len(rows))))
    return _prepared(make_ledger(decaissements=[rows[i] for i in order]).decaissements)


def _old_detected_charges(frame: pd.DataFrame, ref: pd.Timestamp) -> pd.DataFrame:
    from treso_xl.core.spending import _detected_by_frames

    return _detected_by_frames(frame, ref)  # the former code, kept as the fallback


@settings(max_examples=300, deadline=None)
@given(spending_rows(), st.integers(200, 560))
def test_detected_charges_as_by_frames(frame: pd.DataFrame, day: int) -> None:
    from treso_xl.core.spending import _detected_charges

    ref = pd.Timestamp(dt.date(2025, 1, 1) + dt.timedelta(days=day))
    new, old = _detected_charges(frame, ref), _old_detected_charges(frame, ref)
    pd.testing.assert_frame_equal(new, old)
    _DETECTED.append(len(old))


_DETECTED: list[int] = []


def test_detected_charges_were_found_in_some_examples() -> None:
    assert not _DETECTED or max(_DETECTED) > 0  # (run after the property test, same session)


_RISEN: list[int] = []


@settings(max_examples=300, deadline=None)
@given(spending_rows(), st.integers(200, 900), st.booleans())
def test_price_rises_as_by_frames(frame: pd.DataFrame, day: int, dearer: bool) -> None:
    from treso_xl.core.spending import _history, _rise_rows, _rise_rows_by_frames, _rises

    if dearer:  # later payments cost more: rises to find
        frame = frame.assign(montant=frame["montant"] + (frame["date"].dt.year - 2024) * 1.5)
    ref = dt.date(2025, 1, 1) + dt.timedelta(days=day)
    start = pd.Timestamp(ref) - pd.DateOffset(years=1)
    history = _history(frame, ref)
    if history.empty:
        return
    new, old = _rise_rows(history, start), _rise_rows_by_frames(history, start)
    assert new is not False
    assert (new is None) == (old is None)
    if old is None:
        return
    _RISEN.append(len(old[0]))
    for a, b in zip(new[:2], old[:2], strict=True):  # the old rows had two helper columns
        b = b[a.columns]
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))
    for a, b in zip(new[2:], old[2:], strict=True):
        np.testing.assert_array_equal(a, b)
        assert a.dtype == b.dtype
    assert _rises(*new, {}) == _rises(*old, {})


def test_price_rises_were_found_in_some_examples() -> None:
    assert not _RISEN or max(_RISEN) > 0


def _ledgers():
    from tests.many_findings_factory import many_findings_ledger
    from treso_xl.refresh import read
    from treso_xl.workbooks import sample_path

    return [read(sample_path()), many_findings_ledger(3000)]


def test_spending_review_as_with_the_former_code(monkeypatch) -> None:
    from treso_xl.core import spending
    from treso_xl.core.recurrence import _expand_by_parts

    fast = [spending.spending_review(ledger) for ledger in _ledgers()]
    monkeypatch.setattr(spending, "_detected_charges", spending._detected_by_frames)
    monkeypatch.setattr(spending, "_rise_rows", lambda history, start: False)
    monkeypatch.setattr(spending, "avoidable_motif", _old_avoidable_motif)
    monkeypatch.setattr(spending, "expand_recurrences", _expand_by_parts)
    monkeypatch.setattr(spending, "cents", _old_cents)
    former = [spending.spending_review(ledger) for ledger in _ledgers()]
    assert fast == former
    assert any(review.charges and review.hausses for review in former)


def _old_prepared(decaissements: pd.DataFrame) -> pd.DataFrame:  # before the speed work
    """Décaissements with the series keys, unified category and folded "label | category"."""
    from treso_xl.contract import normalize_series
    from treso_xl.core.flows import CATEGORY_OTHER_OUT, unify_categories
    from treso_xl.core.spending import _distinct, _spread, label_key

    frame = decaissements.reset_index(drop=True).copy()
    frame["skey"] = normalize_series(frame["fournisseur"])
    # Labels and categories repeat: each computed once per distinct value, or pair of values.
    labels, categories = _distinct(frame["libelle"]), _distinct(frame["categorie"])
    frame["lkey"] = _spread(label_key(labels.values), labels.codes)
    unified = unify_categories(categories.values, CATEGORY_OTHER_OUT).to_numpy(dtype=object)
    frame["cat"] = _spread(unified, categories.codes)
    folded_labels = normalize_series(labels.values).to_numpy(dtype=object)
    folded_categories = normalize_series(categories.values).to_numpy(dtype=object)
    pairs, pair_codes = np.unique(
        np.stack([labels.codes, categories.codes]), axis=1, return_inverse=True
    )
    texts = np.array(
        [
            folded_labels[label] + " | " + folded_categories[category]
            for label, category in pairs.T.tolist()
        ],
        dtype=object,
    )
    frame["texte"] = texts[pair_codes.reshape(-1)] if len(frame) else pd.Series(dtype=object)
    return frame


@settings(max_examples=200, deadline=None)
@given(spending_rows(), st.booleans())
def test_prepared_as_before(prepared: pd.DataFrame, shuffled: bool) -> None:
    from treso_xl.core.spending import _prepared

    rows = prepared.drop(columns=["skey", "lkey", "cat", "texte"])
    if shuffled:
        rows = rows.iloc[::-1]
    pd.testing.assert_frame_equal(_prepared(rows), _old_prepared(rows))


def _old_delays_by_payment_method(positions: pd.DataFrame) -> pd.DataFrame:  # before
    from treso_xl.core.habits import _PAYMENT_DATES, paid_invoices

    paid = paid_invoices(positions[[*_PAYMENT_DATES, "mode_paiement"]])
    mode = paid["mode_paiement"].fillna("").astype(str).str.strip()
    paid["mode"] = mode.where(mode != "", "(non renseigné)")
    grouped = paid.groupby("mode", sort=True)
    table = pd.DataFrame(
        {
            "factures": grouped.size(),
            "delai_moyen": grouped["delai"].mean().round(1),
            "retard_moyen": grouped["retard"].mean().round(1),
        }
    )
    return table.sort_values("delai_moyen", ascending=False, kind="stable")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([0.0, 0.0, 12.5]),
            st.one_of(st.none(), st.integers(0, 90)),
            st.integers(0, 60),
            st.one_of(st.none(), st.sampled_from(["Virement", " virement", "Chèque ", "", "  "])),
        ),
        max_size=12,
    ),
    st.sampled_from(["object", "str"]),
)
def test_delays_by_payment_method_as_before(rows, dtype) -> None:
    from treso_xl.core.habits import delays_by_payment_method

    d0 = pd.Timestamp(2026, 1, 1)
    positions = pd.DataFrame(
        {
            "reste_du": [r[0] for r in rows],
            "derniere_date_paiement": pd.Series(
                [None if r[1] is None else d0 + pd.Timedelta(days=r[1]) for r in rows],
                dtype="datetime64[ns]",
            ),
            "echeance_calculee": pd.Series(
                [d0 + pd.Timedelta(days=r[2]) for r in rows], dtype="datetime64[ns]"
            ),
            "date": pd.Series([d0] * len(rows), dtype="datetime64[ns]"),
            "mode_paiement": pd.Series([r[3] for r in rows], dtype=dtype),
        }
    )
    pd.testing.assert_frame_equal(
        delays_by_payment_method(positions), _old_delays_by_payment_method(positions)
    )
