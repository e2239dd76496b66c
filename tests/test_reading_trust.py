"""Silent misreadings refused: "1.234" (1,234 or 1 234?), two headers for one column, and the
advice for a negative amount that tells where a refund belongs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import xlwings_standin as standin
from workbook_factory import good_sheets, write_workbook

from treso_xl.contract import Kind
from treso_xl.excel.read_xlwings import read_ledger_from_book
from treso_xl.reading.problems import InputError, Problem
from treso_xl.reading.values import explain, parse_amounts, parse_integers, parse_rates
from treso_xl.reading.workbook import read_ledger

TODAY = dt.date(2026, 1, 20)


def plain(text: str) -> str:
    return text.replace("\u00a0", " ")


def problems_of(tmp_path: Path, sheets: dict) -> list[Problem]:
    path = write_workbook(tmp_path / "t.xlsx", sheets)
    with pytest.raises(InputError) as caught:
        read_ledger(path, TODAY)
    return caught.value.problems


# --- "1.234" ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["1.234", "12.345", "999.000", "-1.234", "1.234 €", "€ 1.234"])
def test_dot_and_three_digits_is_ambiguous(text: str) -> None:
    values, bad = parse_amounts(pd.Series([text], dtype=object))
    assert bad.iloc[0]
    assert pd.isna(values.iloc[0])


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1.234,50", 1234.5),
        ("1 234", 1234.0),
        ("1234.5", 1234.5),
        ("1.5", 1.5),
        ("1.23", 1.23),
        ("1,234", 1.234),
        ("0.500", 0.5),
        ("1234.567", 1234.567),
        ("1.234.567", 1234567.0),
        ("1,234.50", 1234.5),
    ],
)
def test_unambiguous_texts_are_still_read(text: str, number: float) -> None:
    values, bad = parse_amounts(pd.Series([text], dtype=object))
    assert not bad.iloc[0]
    assert values.iloc[0] == pytest.approx(number)


def test_integers_and_rates_refuse_the_same_ambiguity() -> None:
    _, bad = parse_integers(pd.Series(["1.234", "1234", "1 234"], dtype=object))
    assert bad.tolist() == [True, False, False]
    values, bad = parse_rates(pd.Series(["12.150 %", "12.15 %", "0.125"], dtype=object))
    assert bad.tolist() == [True, False, False]
    assert values.iloc[2] == pytest.approx(0.125)
    message = plain(explain(Kind.INTEGER, "1.234", None))
    assert message == "« 1.234 » est ambigu : 1,234 ou 1 234 ? Écrivez 1234 ou 1,234."


def test_ambiguous_amount_in_a_workbook_is_an_error(tmp_path: Path) -> None:
    sheets = good_sheets()
    sheets["decaissements"][2][3] = "1.234"  # was "249.90"
    (problem,) = problems_of(tmp_path, sheets)
    assert (problem.sheet, problem.row, problem.column) == ("decaissements", 3, "Montant")
    assert plain(problem.message) == (
        "« 1.234 » est ambigu : 1,234 € ou 1 234 € ? Écrivez 1234 ou 1,234."
    )


def test_ambiguous_setting_is_an_error(tmp_path: Path) -> None:
    sheets = good_sheets()
    for row in sheets["Paramètres"]:
        if row and row[0] == "Solde initial":
            row[1] = "2.500"
    (problem,) = problems_of(tmp_path, sheets)
    assert problem.setting == "Solde initial"
    assert "ambigu" in problem.message


# --- two headers for one column ----------------------------------------------------------------


def test_two_headers_folding_to_one_column_are_an_error(tmp_path: Path) -> None:
    sheets = good_sheets()
    header = sheets["Factures"][0]
    header[3] = "Montant (HT)"
    header.append("Montant (TTC)")
    for row in sheets["Factures"][1:]:
        while len(row) < len(header) - 1:
            row.append(None)
        row.append(row[3] * 1.2)
    (problem,) = problems_of(tmp_path, sheets)
    assert (problem.sheet, problem.row) == ("Factures", 1)
    assert plain(problem.message) == (
        "les en-têtes « Montant (HT) » et « Montant (TTC) » correspondent tous deux à la colonne "
        "« Montant » : treso-xl ne sait pas quelle colonne lire. Renommez ou supprimez l'un d'eux."
    )


def test_two_value_columns_in_parametres_are_an_error(tmp_path: Path) -> None:
    sheets = good_sheets()
    sheets["Paramètres"][1][2] = "Valeur (€)"  # was "Mes notes"
    found = problems_of(tmp_path, sheets)
    assert [(p.row, "« valeur » et « Valeur (€) »" in plain(p.message)) for p in found] == [
        (2, True)
    ]


def test_two_headers_in_excel_are_an_error_too(tmp_path: Path) -> None:
    sheets = good_sheets()
    sheets["Fournisseurs"][0].append("montant")
    path = write_workbook(tmp_path / "x.xlsx", sheets)
    with pytest.raises(InputError) as caught:
        read_ledger_from_book(standin.open_book(path), TODAY)
    (problem,) = caught.value.problems
    assert "« Montant » et « montant »" in plain(problem.message)


# --- a negative amount: where a refund belongs ----------------------------------------------------


@pytest.mark.parametrize(
    ("sheet", "column", "expected", "unwanted"),
    [
        ("Décaissements", "Montant", "est un encaissement", None),
        ("Encaissements", "Montant", "est un décaissement", None),
        ("Factures", "Montant", "Un avoir ne se saisit pas en négatif", "sans signe moins"),
        ("Factures", "Montant payé", "remboursée au client est un décaissement", "sans signe"),
        ("Fournisseurs", "Montant", "reçu du fournisseur est un encaissement", "sans signe"),
    ],
)
def test_negative_amount_advice_depends_on_the_sheet(
    sheet: str, column: str, expected: str, unwanted: str | None
) -> None:
    message = plain(explain(Kind.AMOUNT, -45, -45.0, sheet=sheet, column=column))
    assert message.startswith("« -45 » : ")
    assert expected in message
    if unwanted:
        assert unwanted not in message


def test_refund_typed_negative_in_decaissements_is_sent_to_encaissements(tmp_path: Path) -> None:
    sheets = good_sheets()
    sheets["decaissements"][2][3] = -45
    (problem,) = problems_of(tmp_path, sheets)
    message = plain(problem.message)
    assert "Un remboursement reçu (d'un fournisseur, par exemple) est un encaissement" in message
    assert "feuille « Encaissements », montant 45" in message
