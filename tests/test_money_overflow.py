"""Huge numbers a typing error gives never crash the engine: cents(), Stock, the whole refresh."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from ledger_factory import make_ledger

from treso_xl.core.checks import ERREUR
from treso_xl.core.money import cents, whole_days
from treso_xl.core.stock_review import stock_findings, stock_review
from treso_xl.refresh import compute

HUGE = 9.99e14  # the largest number the reader takes in one cell is under 1e15


def test_cents_keeps_rounding_and_takes_huge_and_odd_values() -> None:
    assert cents(2.675) == 2.68 and cents(-2.675) == -2.68 and cents(0.005) == 0.01
    assert cents(HUGE * HUGE) == HUGE * HUGE
    assert cents(1e300) == 1e300
    assert cents(2.0**52 + 1) == 2.0**52 + 1
    assert cents(123456789012.345) == 123456789012.35
    assert math.isnan(cents(float("nan")))
    assert cents(float("inf")) == float("inf")


def test_whole_days_takes_huge_values() -> None:
    assert whole_days(22.5) == 23 and whole_days(-22.5) == -23
    assert whole_days(1e30) == int(1e30)
    with pytest.raises(ValueError):
        whole_days(float("nan"))


def _stock_line(**fields: object) -> dict[str, object]:
    line: dict[str, object] = {
        "article": "Papier",
        "quantite": 10.0,
        "cout_unitaire": 2.5,
        "derniere_vente": dt.date(2026, 1, 20),
        "ventes_90j": 30.0,
        "delai_fournisseur": 9,
    }
    line.update(fields)
    return line


@pytest.mark.parametrize(
    "fields",
    [
        {"quantite": HUGE, "cout_unitaire": HUGE},  # the product overflowed Decimal
        {"quantite": HUGE},  # 2.5e15 €
        {"ventes_90j": HUGE, "delai_fournisseur": 10**9},  # reorder point past int64
    ],
)
def test_huge_stock_line_is_an_error_of_controles_not_a_crash(fields: dict[str, object]) -> None:
    ledger = make_ledger(
        params={"date_reference": dt.date(2026, 2, 1)},
        stock=[_stock_line(), _stock_line(article="Encre", **fields)],
    )
    review = stock_review(ledger)
    findings = [f for f in stock_findings(review) if f.code == "stock_invraisemblable"]
    assert [(f.gravite, f.feuille, f.ligne) for f in findings] == [(ERREUR, "Stock", 3)]
    assert "« Encre »" in findings[0].constat.replace("\u00a0", " ")
    report = compute(ledger)  # every tab, the BFR and Dépenses included
    assert any(f.code == "stock_invraisemblable" for f in report.findings)


def test_ordinary_stock_has_no_such_error() -> None:
    ledger = make_ledger(
        params={"date_reference": dt.date(2026, 2, 1)},
        stock=[_stock_line(quantite=2000.0, cout_unitaire=4000.0)],  # 8 M€: large, possible
    )
    assert not [f for f in stock_findings(stock_review(ledger)) if f.gravite == ERREUR]
