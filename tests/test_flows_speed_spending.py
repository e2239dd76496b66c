"""The spending review's charges built as before the speed work: the old code is kept here."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from tests.test_flows_speed import _ledgers
from treso_xl.core import spending
from treso_xl.core.money import cents
from treso_xl.core.spending import (
    PERIODS_PER_YEAR,
    RecurringCharge,
    _series_keys,
    _text,
    avoidable_motif,
    charge_advice,
)


def _old_charges(typed: pd.DataFrame, detected: pd.DataFrame):  # spending._charges before
    typed_keys = set(_series_keys(typed))
    fresh = [key not in typed_keys for key in _series_keys(detected)]
    detected = detected.loc[fresh]
    both = pd.concat([typed, detected]) if not detected.empty else typed
    if both.empty:
        return []
    motifs = avoidable_motif(both["texte"])
    advice = {text: charge_advice(str(text)) for text in pd.unique(both["texte"].to_numpy())}
    charges = []
    for (
        key,
        fournisseur,
        libelle,
        cat,
        frequence,
        montant,
        origine,
        texte,
        ligne,
        n,
        last,
        motif,
    ) in zip(
        _series_keys(both),
        both["fournisseur"].tolist(),
        both["libelle"].tolist(),
        both["cat"].tolist(),
        both["frequence"].tolist(),
        both["montant"].tolist(),
        both["origine"].tolist(),
        both["texte"].tolist(),
        both["ligne"].tolist(),
        both["occurrences"].tolist(),
        both["dernier"].tolist(),
        motifs.tolist(),
        strict=True,
    ):
        amount = cents(float(montant))
        charge = RecurringCharge(
            fournisseur=_text(fournisseur),
            libelle=_text(libelle),
            categorie=_text(cat),
            frequence=str(frequence),
            montant=amount,
            cout_annuel=cents(amount * PERIODS_PER_YEAR[str(frequence)]),
            origine=str(origine),
            conseil=advice[texte],
            ligne=int(ligne),
            occurrences=int(n),
            dernier_paiement=None if pd.isna(last) else pd.Timestamp(last).date(),
            evitable=bool(motif),
        )
        charges.append((key, charge))
    return charges


def _old_with_rise(charge: RecurringCharge, hausse: float) -> RecurringCharge:
    return dataclasses.replace(charge, hausse=hausse)


def _rise_ledger():
    """A monthly rent paid more from January (a recurring charge with a price rise)."""
    from tests.test_spending import ADOBE, _dec, _ledger

    rows = [
        _dec(
            pd.Timestamp(2025, 5, 5) + pd.DateOffset(months=i),
            "Loyer atelier",
            "SCI Dupont",
            500.0 if i < 8 else 550.0,
            "Loyer",
        )
        for i in range(14)
    ]
    return _ledger([*({**r, "date": r["date"].date()} for r in rows), *ADOBE])


def test_spending_review_as_with_the_former_charges(monkeypatch) -> None:
    ledgers = [*_ledgers(), _rise_ledger()]
    fast = [spending.spending_review(ledger) for ledger in ledgers]
    monkeypatch.setattr(spending, "_charges", _old_charges)
    monkeypatch.setattr(spending, "_with_rise", _old_with_rise)
    former = [spending.spending_review(ledger) for ledger in ledgers]
    assert fast == former
    for new, old in zip(fast, former, strict=True):  # same values, same types
        for a, b in zip(new.charges, old.charges, strict=True):
            assert [type(v) for v in vars(a).values()] == [type(v) for v in vars(b).values()]
    assert any(c.hausse is not None for review in fast for c in review.charges)
    assert any(c.dernier_paiement is not None for review in fast for c in review.charges)


@pytest.mark.parametrize(
    "values",
    [
        [pd.NaT, None, float("nan"), np.nan, pd.Timestamp("2026-03-01"), pd.NaT],
        [pd.Timestamp("2026-03-01 23:59"), pd.Timestamp("2026-03-01"), dt.datetime(2026, 3, 1)],
        [np.datetime64("2026-02-28"), pd.Timestamp("2026-02-28"), dt.date(2026, 2, 28)],
        list(pd.Series(pd.to_datetime(["2026-01-05", None, "2026-01-05"])).tolist()),
    ],
)
def test_day_as_converting_each_value(values) -> None:
    known: dict = {}
    got = [spending._day(v, known) for v in values]
    assert got == [None if pd.isna(v) else pd.Timestamp(v).date() for v in values]
    assert all(g is None or type(g) is dt.date for g in got)


def test_with_rise_as_replace() -> None:
    charge = _old_charges_sample()
    assert spending._with_rise(charge, 0.125) == dataclasses.replace(charge, hausse=0.125)
    assert charge.hausse is None  # the charge itself is left as it was


def _old_charges_sample() -> RecurringCharge:
    return RecurringCharge("F", "L", "C", "Mensuelle", 10.0, 120.0, "saisie", "", 3, 1, None)
