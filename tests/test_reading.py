"""Reading the user's workbook: parsers, tables, Paramètres, and the French problem messages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from workbook_factory import Rows, good_sheets, write_workbook

from treso_xl.contract import ENCAISSEMENTS, STOCK, Kind
from treso_xl.errors import DataError, FileError
from treso_xl.reading.problems import InputError, Problem, UnreadableWorkbookError, format_value
from treso_xl.reading.tables import find_sheet, grid_from_rows, read_table
from treso_xl.reading.values import (
    explain,
    parse_amounts,
    parse_choices,
    parse_dates,
    parse_emails,
    parse_integers,
    parse_rates,
    parse_texts,
    parse_urls,
)
from treso_xl.reading.workbook import read_ledger

TODAY = dt.date(2026, 1, 20)


def plain(text: str) -> str:
    """Messages use no-break spaces inside « »; compare with ordinary spaces."""
    return text.replace("\u00a0", " ")


def read(tmp_path: Path, sheets: dict[str, Rows]):
    return read_ledger(write_workbook(tmp_path / "classeur.xlsx", sheets), today=TODAY)


def problems_of(tmp_path: Path, sheets: dict[str, Rows]) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        read(tmp_path, sheets)
    assert caught.value.problems, "an InputError must list its problems"
    return caught.value.problems


def column_index(rows: Rows, header: str) -> int:
    """Position of `header` in the first non-empty row (exact text)."""
    top = next(row for row in rows if any(cell is not None for cell in row))
    return top.index(header)


def set_cell(sheets: dict[str, Rows], sheet: str, excel_row: int, header: str, value: object):
    rows = sheets[sheet]
    j = column_index(rows, header)
    row = rows[excel_row - 1]
    row.extend([None] * (j + 1 - len(row)))
    row[j] = value


def set_param(sheets: dict[str, Rows], name: str, value: object) -> int:
    """Set (or add) a Paramètres row; returns its Excel row."""
    rows = sheets["Paramètres"]
    for i, row in enumerate(rows, start=1):
        if row and row[0] == name:
            row[1:2] = [value]
            return i
    rows.append([name, value])
    return len(rows)


def drop_param(sheets: dict[str, Rows], name: str) -> None:
    sheets["Paramètres"] = [row for row in sheets["Paramètres"] if not row or row[0] != name]


# --- a good workbook ----------------------------------------------------------------------------


def test_good_workbook_params(tmp_path: Path) -> None:
    params = read(tmp_path, good_sheets()).params
    assert params.entreprise == "Atelier Dupont"
    assert params.siren == "732829320"
    assert params.activite == "Prestations de services BNC"
    assert params.declaration == "Trimestrielle"
    assert params.acre is True
    assert params.versement_liberatoire is False  # default "Non"
    assert params.solde_initial == -1250.50
    assert params.date_solde == dt.date(2026, 1, 1)
    assert params.date_reference == TODAY  # empty: the `today` argument
    assert params.horizon == 18
    assert params.seuil == 0.0
    assert params.taux_penalites == pytest.approx(0.1215)
    assert params.taux_credit is None
    assert params.rappel_jours is None
    assert params.iban == "FR76 3000 6000 0112 3456 7890 189"
    assert params.email_comptable == "compta@cabinet.fr"


def test_date_reference_defaults_to_the_day_of_the_refresh(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "c.xlsx", good_sheets())
    assert read_ledger(path).params.date_reference == dt.date.today()


def test_date_reference_typed_wins_over_today(tmp_path: Path) -> None:
    sheets = good_sheets()
    set_param(sheets, "Date de référence", "15/03/2026")
    assert read(tmp_path, sheets).params.date_reference == dt.date(2026, 3, 15)


def test_good_workbook_frames(tmp_path: Path) -> None:
    ledger = read(tmp_path, good_sheets())
    enc = ledger.encaissements
    assert list(enc.columns) == [col.field for col in ENCAISSEMENTS.columns] + ["ligne"]
    # header on Excel row 4 (three empty rows above), a blank row 7 and a row holding only a
    # user note (row 8) in between: the rows keep Excel's numbers
    assert enc["ligne"].tolist() == [5, 6, 9]
    assert enc["date"].tolist() == [
        pd.Timestamp(2026, 1, 15),
        pd.Timestamp(2026, 2, 5),
        pd.Timestamp(2026, 3, 10),
    ]
    assert enc["montant"].tolist() == [1200.0, 1234.50, 500.25]
    assert enc["statut"].tolist() == ["Réalisé", "Prévu", "Prévu"]  # canonical, default
    assert enc["client"].tolist() == ["Durand", "", ""]
    assert enc["facture"].tolist() == ["", "", ""]  # column absent from the sheet
    assert "Commentaire" not in enc.columns and "commentaire" not in enc.columns

    assert enc["date"].dtype == "datetime64[ns]"
    assert enc["montant"].dtype == "float64"
    assert enc["ligne"].dtype == "int64"
    assert pd.api.types.is_string_dtype(enc["libelle"])

    dec = ledger.decaissements
    assert dec["recurrence"].tolist() == ["Mensuelle", "Aucune"]
    assert dec["fin"].iloc[0] == pd.Timestamp(2026, 12, 31)
    assert pd.isna(dec["fin"].iloc[1])
    assert dec["montant"].tolist() == [650.0, 249.90]
    assert dec["libelle"].iloc[1] == "Écran"

    fac = ledger.factures
    assert fac["facture"].tolist() == ["1023", "F-1024"]  # a number typed as invoice number
    assert fac["siren_client"].iloc[0] == "732829320"
    assert fac["type_client"].tolist() == ["Professionnel", "Professionnel"]
    assert fac["lien_paiement"].iloc[0] == "https://www.paypal.me/dupont"
    assert fac["echeance"].iloc[1] == pd.Timestamp(2026, 2, 9)
    assert fac["montant_paye"].iloc[1] == 300.0
    assert np.isnan(fac["montant_paye"].iloc[0])
    assert fac["ligne"].tolist() == [2, 3]

    assert ledger.fournisseurs["fournisseur"].tolist() == ["Grossiste"]
    assert ledger.missing_sheets == ("Stock", "Projets")
    assert ledger.stock.empty and ledger.projets.empty
    assert ledger.stock["delai_fournisseur"].dtype == "Int64"
    assert ledger.projets["debut"].dtype == "datetime64[ns]"
    assert "ligne" in ledger.projets.columns


def test_optional_sheets_when_present(tmp_path: Path) -> None:
    sheets = good_sheets()
    sheets["STOCK"] = [
        ["Article", "Quantité", "Coût unitaire (€)", "Délai fournisseur (jours)"],
        ["Bougie", 12, "3,50", 15],
    ]
    sheets["Projets"] = [
        ["Projet", "Client", "Montant total", "Début", "Livraison", "Échéancier"],
        ["Site web", "Durand", 6000, "01/02/2026", "30/04/2026", "30/40/30"],
    ]
    ledger = read(tmp_path, sheets)
    assert ledger.missing_sheets == ()
    assert ledger.stock["cout_unitaire"].tolist() == [3.5]
    assert ledger.stock["delai_fournisseur"].tolist() == [15]
    assert ledger.stock["delai_fournisseur"].dtype == "Int64"
    assert ledger.projets["echeancier"].tolist() == ["30/40/30"]
    assert ledger.projets["livraison"].tolist() == [pd.Timestamp(2026, 4, 30)]


def test_warnings_are_not_errors(tmp_path: Path) -> None:
    """Duplicate invoice numbers, a bad client SIREN, odd statuses: Contrôles' business."""
    sheets = good_sheets()
    set_cell(sheets, "Factures", 3, "N° facture", 1023)
    set_cell(sheets, "Factures", 3, "SIREN client", "123456789")
    set_cell(sheets, "Encaissements", 9, "statut", "Réalisé")  # in the future
    set_cell(sheets, "Encaissements", 9, "DATE", dt.datetime(2030, 1, 1))
    ledger = read(tmp_path, sheets)
    assert ledger.factures["facture"].tolist() == ["1023", "1023"]


def test_generated_tabs_and_user_sheets_are_not_read(tmp_path: Path) -> None:
    sheets = good_sheets()
    sheets["Contrôles"] = [["Montant", "Date"], ["n'importe quoi", "32/13/2026"]]
    read(tmp_path, sheets)  # "Notes" and "Prévisionnel" hold bad values too: no InputError


# --- one bad input at a time --------------------------------------------------------------------

Mutation = Callable[[dict[str, Rows]], None]

CASES: list[tuple[str, Mutation, str, int | None, str | None, str]] = [
    (
        "text amount",
        lambda s: set_cell(s, "Encaissements", 6, "Montant (€)", "douze euros"),
        "Encaissements",
        6,
        "Montant (€)",
        "« douze euros » n'est pas un montant (exemple : 1 234,50).",
    ),
    (
        "impossible date",
        lambda s: set_cell(s, "Factures", 3, "Date", "31/02/2026"),
        "Factures",
        3,
        "Date",
        "« 31/02/2026 » n'est pas une date valide (exemple : 31/01/2026).",
    ),
    (
        "impossible iso date",
        lambda s: set_cell(s, "Encaissements", 9, "DATE", "2026-13-01"),
        "Encaissements",
        9,
        "DATE",
        "« 2026-13-01 » n'est pas une date valide",
    ),
    (
        "number in a date column",
        lambda s: set_cell(s, "Factures", 2, "Échéance", 46000),
        "Factures",
        2,
        "Échéance",
        "« 46000 » n'est pas une date",
    ),
    (
        "unknown statut",
        lambda s: set_cell(s, "Encaissements", 5, "statut", "Payé"),
        "Encaissements",
        5,
        "statut",
        "« Payé » ne fait pas partie des valeurs possibles : Prévu, Réalisé.",
    ),
    (
        "unknown recurrence",
        lambda s: set_cell(s, "decaissements", 2, "Récurrence", "Hebdomadaire"),
        "decaissements",
        2,
        "Récurrence",
        "« Hebdomadaire » ne fait pas partie des valeurs possibles : "
        "Aucune, Mensuelle, Trimestrielle, Annuelle.",
    ),
    (
        "negative amount",
        lambda s: set_cell(s, "decaissements", 3, "Montant", -249.9),
        "decaissements",
        3,
        "Montant",
        "« -249,9 » : le montant doit être positif. Un remboursement reçu (d'un fournisseur, "
        "par exemple) est un encaissement : saisissez-le dans la feuille « Encaissements », "
        "montant 249,9",
    ),
    (
        "zero amount",
        lambda s: set_cell(s, "Factures", 2, "Montant", 0),
        "Factures",
        2,
        "Montant",
        "« 0 » : le montant doit être supérieur à zéro.",
    ),
    (
        "empty required cell",
        lambda s: set_cell(s, "Factures", 2, "Client", "   "),
        "Factures",
        2,
        "Client",
        "la cellule est vide alors que cette colonne est obligatoire.",
    ),
    (
        "bad email",
        lambda s: set_cell(s, "Factures", 2, "Email client", "durand.exemple.fr"),
        "Factures",
        2,
        "Email client",
        "« durand.exemple.fr » n'est pas une adresse e-mail valide",
    ),
    (
        "bad link",
        lambda s: set_cell(s, "Factures", 2, "Lien de paiement", "paypal dupont"),
        "Factures",
        2,
        "Lien de paiement",
        "« paypal dupont » n'est pas un lien valide",
    ),
    (
        "missing required column",
        lambda s: set_cell(s, "Factures", 1, "Client", "Nom du client"),
        "Factures",
        1,
        "Client",
        "cette colonne obligatoire est absente de la ligne d'en-tête ; ajoutez-la.",
    ),
    (
        "missing required sheet",
        lambda s: s.pop("Factures"),
        "Factures",
        None,
        None,
        "cette feuille obligatoire est introuvable dans le classeur",
    ),
    (
        "missing Paramètres sheet",
        lambda s: s.pop("Paramètres"),
        "Paramètres",
        None,
        None,
        "cette feuille obligatoire est introuvable dans le classeur",
    ),
    (
        "Fin before Date",
        lambda s: set_cell(s, "decaissements", 2, "Fin", "01/01/2026"),
        "decaissements",
        2,
        "Fin",
        "« 01/01/2026 » : la fin de la récurrence est antérieure à la date du premier "
        "décaissement (31/01/2026)",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "sheet", "row", "column", "message"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_one_bad_input(
    tmp_path: Path,
    mutate: Mutation,
    sheet: str,
    row: int | None,
    column: str | None,
    message: str,
) -> None:
    sheets = good_sheets()
    mutate(sheets)
    problems = problems_of(tmp_path, sheets)
    assert len(problems) == 1, [str(p) for p in problems]
    problem = problems[0]
    assert (problem.sheet, problem.row, problem.column) == (sheet, row, column)
    assert message in plain(problem.message)
    text = plain(str(problem))
    assert text.startswith(f"Feuille « {sheet} »")
    if row is not None:
        assert f", ligne {row}, " in text or text.endswith(f"ligne {row}")


SETTING_CASES: list[tuple[str, str, object, str]] = [
    ("horizon 0", "Horizon (mois)", 0, "« 0 » : l'horizon doit être compris entre 1 et 36 mois."),
    ("horizon 37", "Horizon (mois)", 37, "« 37 » : l'horizon doit être compris entre 1 et 36"),
    ("horizon 2,5", "Horizon (mois)", 2.5, "« 2,5 » n'est pas un nombre entier."),
    ("siren key", "SIREN", "732829321", "la clé de contrôle ne correspond pas"),
    ("siren length", "SIREN", 12345, "« 12345 » n'est pas un SIREN valide : il doit compter 9"),
    ("iban", "IBAN", "FR76 3000 6000 0112 3456 7890 188", "n'est pas un IBAN valide"),
    ("activite", "activite", "Artisan", "ne fait pas partie des valeurs possibles : Vente de"),
    ("solde", "Solde initial", "beaucoup", "« beaucoup » n'est pas un montant"),
    ("empty required", "Solde initial", None, "ce paramètre est obligatoire ; la valeur est vide."),
    ("date", "Date du solde initial", "2026-02-30", "« 2026-02-30 » n'est pas une date valide"),
    ("rate", "Taux de pénalités", "150 %", "le taux doit être compris entre 0 % et 100 %"),
    ("email", "Email du comptable", "compta@", "n'est pas une adresse e-mail valide"),
    ("negative days", "Rappel avant échéance (jours)", -3, "doit être positif ou nul"),
]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [case[1:] for case in SETTING_CASES],
    ids=[case[0] for case in SETTING_CASES],
)
def test_one_bad_setting(tmp_path: Path, name: str, value: object, message: str) -> None:
    sheets = good_sheets()
    row = set_param(sheets, name, value)
    problems = problems_of(tmp_path, sheets)
    assert len(problems) == 1, [str(p) for p in problems]
    problem = problems[0]
    assert (problem.sheet, problem.row, problem.column) == ("Paramètres", row, "Valeur")
    assert message in plain(problem.message)
    assert plain(str(problem)).startswith(f"Feuille « Paramètres », ligne {row}, paramètre « ")


def test_missing_required_setting(tmp_path: Path) -> None:
    sheets = good_sheets()
    drop_param(sheets, "Entreprise")
    (problem,) = problems_of(tmp_path, sheets)
    assert (problem.sheet, problem.row, problem.setting) == ("Paramètres", None, "Entreprise")
    assert plain(str(problem)) == (
        "Feuille « Paramètres », paramètre « Entreprise » : ce paramètre obligatoire est absent ; "
        "ajoutez une ligne « Entreprise » avec sa valeur."
    )


def test_settings_defaults_and_unknown_rows(tmp_path: Path) -> None:
    sheets = good_sheets()
    for name in ("Déclaration URSSAF", "ACRE", "Horizon (mois)", "Taux de pénalités", "IBAN"):
        drop_param(sheets, name)
    set_param(sheets, "Une clé à moi", 12345)
    set_param(sheets, "Seuil d'alerte", "-500")
    set_param(sheets, "Taux du crédit de trésorerie", 8)
    set_param(sheets, "Versement libératoire", True)  # VRAI in Excel
    params = read(tmp_path, sheets).params
    assert params.declaration == "Mensuelle"
    assert params.acre is False
    assert params.versement_liberatoire is True
    assert params.horizon == 12
    assert params.seuil == -500.0
    assert params.taux_penalites is None
    assert params.taux_credit == pytest.approx(0.08)
    assert params.iban == ""


def test_parametres_needs_both_columns(tmp_path: Path) -> None:
    sheets = good_sheets()
    sheets["Paramètres"][1][1] = "Montant"  # the "valeur" header
    (problem,) = problems_of(tmp_path, sheets)
    assert (problem.sheet, problem.row, problem.column) == ("Paramètres", 2, "Valeur")
    assert "absente de la ligne d'en-tête" in problem.message


def test_bad_integer_in_stock(tmp_path: Path) -> None:
    sheets = good_sheets()
    sheets["Stock"] = [
        [],
        ["Article", "Quantité", "Coût unitaire", "Délai fournisseur"],
        ["Bougie", 12, 3.5, "2,5"],
        ["Savon", -1, 2, -4],
    ]
    problems = problems_of(tmp_path, sheets)
    assert [(p.row, p.column) for p in problems] == [
        (3, "Délai fournisseur"),
        (4, "Quantité"),
        (4, "Délai fournisseur"),
    ]
    assert plain(problems[0].message) == "« 2,5 » n'est pas un nombre entier."
    assert plain(problems[2].message) == "« -4 » : le nombre doit être positif ou nul."


def test_duplicate_setting_is_a_problem(tmp_path: Path) -> None:
    sheets = good_sheets()
    sheets["Paramètres"].append(["horizon", 6])
    (problem,) = problems_of(tmp_path, sheets)
    assert problem.setting == "Horizon (mois)"
    assert problem.row == len(sheets["Paramètres"])
    assert "déjà donné ligne 11" in problem.message


# --- everything at once, located exactly ----------------------------------------------------------


def test_all_problems_reported_at_once(tmp_path: Path) -> None:
    sheets = good_sheets()
    set_param(sheets, "Horizon (mois)", 37)
    set_cell(sheets, "Encaissements", 6, "Montant (€)", "douze euros")
    set_cell(sheets, "Encaissements", 5, "statut", "Payé")
    set_cell(sheets, "decaissements", 3, "Montant", -249.9)
    set_cell(sheets, "Factures", 3, "Date", "31/02/2026")
    set_cell(sheets, "Factures", 2, "Client", None)
    with pytest.raises(InputError) as caught:
        read(tmp_path, sheets)
    lines = plain(str(caught.value)).splitlines()
    assert lines == [
        "Feuille « Paramètres », ligne 11, paramètre « Horizon (mois) » : "
        "« 37 » : l'horizon doit être compris entre 1 et 36 mois.",
        "Feuille « Encaissements », ligne 5, colonne « statut » : "
        "« Payé » ne fait pas partie des valeurs possibles : Prévu, Réalisé.",
        "Feuille « Encaissements », ligne 6, colonne « Montant (€) » : "
        "« douze euros » n'est pas un montant (exemple : 1 234,50).",
        "Feuille « decaissements », ligne 3, colonne « Montant » : "
        "« -249,9 » : le montant doit être positif. Un remboursement reçu (d'un fournisseur, "
        "par exemple) est un encaissement : saisissez-le dans la feuille « Encaissements », "
        "montant 249,9 ; une dépense se saisit ici sans signe moins (249,9).",
        "Feuille « Factures », ligne 2, colonne « Client » : "
        "la cellule est vide alors que cette colonne est obligatoire.",
        "Feuille « Factures », ligne 3, colonne « Date » : "
        "« 31/02/2026 » n'est pas une date valide (exemple : 31/01/2026).",
    ]
    values = [p.value for p in caught.value.problems]
    assert values == [37, "Payé", "douze euros", -249.9, None, "31/02/2026"]


def test_row_in_message_is_the_excel_row(tmp_path: Path) -> None:
    sheets = good_sheets()
    sheets["Encaissements"] += [[], [], [None, "15/04/2026", "Vente", None, "quinze", None, None]]
    path = write_workbook(tmp_path / "c.xlsx", sheets)
    with pytest.raises(InputError) as caught:
        read_ledger(path, TODAY)
    (problem,) = caught.value.problems
    sheet = openpyxl.load_workbook(path)["Encaissements"]
    (cell,) = [c for row in sheet.iter_rows() for c in row if c.value == "quinze"]
    assert problem.row == cell.row == 12
    assert problem.column == sheet.cell(row=4, column=cell.column).value == "Montant (€)"


def test_not_an_xlsx_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.xlsx"
    path.write_text("ceci n'est pas un classeur", encoding="utf-8")
    with pytest.raises(UnreadableWorkbookError) as caught:
        read_ledger(path, TODAY)
    problem = caught.value.problem
    assert isinstance(caught.value, FileError) and not isinstance(caught.value, DataError)
    assert problem.sheet is None and problem.row is None
    assert plain(str(caught.value)) == (
        "Le fichier « notes.xlsx » n'est pas un classeur Excel lisible ; "
        "enregistrez-le au format « Classeur Excel (*.xlsx) »."
    )


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UnreadableWorkbookError, match="introuvable"):
        read_ledger(tmp_path / "absent.xlsx", TODAY)


# --- tables -------------------------------------------------------------------------------------


def test_find_sheet_ignores_case_accents_spaces() -> None:
    names = ["Tableau de bord", " DECAISSEMENTS ", "paramètres"]
    assert find_sheet(names, "Décaissements") == " DECAISSEMENTS "
    assert find_sheet(names, "Paramètres") == "paramètres"
    assert find_sheet(names, "Factures") is None


def test_read_table_from_grid_rows_and_headers() -> None:
    rows = [
        [None, None, None, None],
        [None, "  MONTANT (€) ", "libellé", "date"],
        [None, "12", "a", "01/02/2026"],
        [None, None, None, "   "],
        [None, 3.5, "b", dt.date(2026, 2, 3)],
    ]
    table = read_table(ENCAISSEMENTS, grid_from_rows(rows), "encaissements")
    assert table.problems == []
    assert table.frame["ligne"].tolist() == [3, 5]
    assert table.frame["montant"].tolist() == [12.0, 3.5]
    assert table.headers["montant"] == "MONTANT (€)"


def test_read_table_empty_sheet_has_no_rows() -> None:
    table = read_table(STOCK, grid_from_rows([]))
    assert table.problems == [] and table.frame.empty


# --- parsers ------------------------------------------------------------------------------------


def raw(*values: object) -> pd.Series:
    return pd.Series(list(values), dtype=object)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (1234.5, 1234.5),
        (12, 12.0),
        ("1 234,50 €", 1234.5),
        ("1234.5", 1234.5),
        ("1\u00a0234,50", 1234.5),
        ("1\u202f234,50", 1234.5),
        ("1.234,50", 1234.5),
        ("1,234.50", 1234.5),
        ("12,5", 12.5),
        ("€ 45", 45.0),
        ("45€", 45.0),
        ("  7 EUR ", 7.0),
    ],
)
def test_parse_amounts_good(cell: object, expected: float) -> None:
    values, bad = parse_amounts(raw(cell), positive=True)
    assert values.iloc[0] == expected and not bad.iloc[0]


@pytest.mark.parametrize(
    "cell", ["douze", "12,3,4", "1e999", "12 34", "1 2345,00", True, dt.date(2026, 1, 1), "--3"]
)
def test_parse_amounts_bad(cell: object) -> None:
    values, bad = parse_amounts(raw(cell))
    assert bad.iloc[0]
    assert np.isnan(values.iloc[0])


def test_parse_amounts_signs_and_empties() -> None:
    cells = raw(-5, "-1 250,50", 0, None, np.nan, "", "   ")
    values, bad = parse_amounts(cells, signed=True)
    assert values.iloc[:3].tolist() == [-5.0, -1250.5, 0.0]
    assert values.iloc[3:].isna().all()
    assert not bad.any()
    assert parse_amounts(cells)[1].tolist() == [True, True] + [False] * 5
    assert parse_amounts(cells, positive=True)[1].tolist() == [True, True, True] + [False] * 4
    assert parse_amounts(cells, positive=True)[0].iloc[0] == -5.0  # kept for the message


@given(
    st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from([" ", "\u00a0", "\u202f"]),
    st.sampled_from(["", " €", "\u00a0€", "€"]),
)
def test_parse_amounts_reads_french_formatting(amount, separator: str, suffix: str) -> None:
    text = f"{amount:,.2f}".replace(",", separator).replace(".", ",") + suffix
    values, bad = parse_amounts(raw(text))
    assert not bad.iloc[0], text
    assert values.iloc[0] == float(f"{amount:.2f}")


def test_parse_dates() -> None:
    cells = raw(
        dt.datetime(2026, 1, 5, 14, 30),
        dt.date(2026, 1, 6),
        "07/01/2026",
        "8/1/2026",
        "09-01-2026",
        "10.01.2026",
        "2026-01-11",
        None,
        "",
    )
    values, bad = parse_dates(cells)
    assert values.dtype == "datetime64[ns]"
    expected = [pd.Timestamp(2026, 1, day) for day in range(5, 12)]
    assert values.iloc[:7].tolist() == expected
    assert values.iloc[7:].isna().all()
    assert not bad.any()


@pytest.mark.parametrize(
    "cell",
    [
        "31/02/2026",
        "2026-13-01",
        "32/01/2026",
        46000,
        46000.0,
        "demain",
        "05/01-2026",
        dt.time(12, 0),
        True,
        "01/01/0202",
    ],
)
def test_parse_dates_bad(cell: object) -> None:
    values, bad = parse_dates(raw(cell))
    assert bad.iloc[0] and pd.isna(values.iloc[0])


def test_parse_choices() -> None:
    values, bad = parse_choices(
        raw("réalisé", " PREVU ", None, "Payé", 3), ("Prévu", "Réalisé"), "Prévu"
    )
    assert values.tolist() == ["Réalisé", "Prévu", "Prévu", "", ""]
    assert bad.tolist() == [False, False, False, True, True]


def test_parse_integers() -> None:
    values, bad = parse_integers(raw(12, 12.0, "12", 2.5, "douze", None, True, -3))
    assert values.dtype == "Int64"
    assert values.iloc[:3].tolist() == [12, 12, 12]
    assert bad.tolist() == [False, False, False, True, True, False, True, True]
    assert values.iloc[7] == -3  # kept for the message
    assert not parse_integers(raw(-3), signed=True)[1].iloc[0]


def test_parse_rates() -> None:
    values, bad = parse_rates(raw("12,15 %", "12.15%", 0.1215, 12.15, "0,5 %", "abc", -1, 150))
    assert values.iloc[:4].tolist() == pytest.approx([0.1215] * 4)
    assert values.iloc[4] == pytest.approx(0.005)
    assert bad.tolist() == [False] * 5 + [True] * 3


def test_parse_texts() -> None:
    values, bad = parse_texts(raw("  a b  ", 732829320.0, 12.5, dt.date(2026, 1, 2), None, 7))
    assert values.tolist() == ["a b", "732829320", "12,5", "02/01/2026", "", "7"]
    assert not bad.any()


def test_parse_emails_and_urls() -> None:
    emails, bad = parse_emails(raw("a@b.fr", "a.b@c.co.uk", "a@b", "a b@c.fr", None))
    assert emails.tolist() == ["a@b.fr", "a.b@c.co.uk", "", "", ""]
    assert bad.tolist() == [False, False, True, True, False]
    urls, bad = parse_urls(raw("https://pay.me/x", "www.pay.me/x", "pay.me", None))
    assert urls.tolist() == ["https://pay.me/x", "https://www.pay.me/x", "", ""]
    assert bad.tolist() == [False, False, True, False]


def test_parsers_accept_pandas_typed_series() -> None:
    values, bad = parse_amounts(pd.Series([1.5, np.nan, 3.0]))
    assert values.iloc[[0, 2]].tolist() == [1.5, 3.0] and not bad.any()
    dates, bad = parse_dates(pd.Series(pd.to_datetime(["2026-01-05", None])))
    assert dates.iloc[0] == pd.Timestamp(2026, 1, 5) and pd.isna(dates.iloc[1]) and not bad.any()
    texts, bad = parse_texts(pd.Series(["a", None], dtype="str"))
    assert texts.tolist() == ["a", ""] and not bad.any()


def test_parsers_keep_the_index() -> None:
    cells = pd.Series(["12", None], index=[14, 15], dtype=object)
    for parse in (parse_amounts, parse_dates, parse_integers, parse_rates, parse_texts):
        values, bad = parse(cells)
        assert values.index.tolist() == [14, 15] and bad.index.tolist() == [14, 15]


# --- messages -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (12.0, "12"),
        (1234.5, "1234,5"),
        (dt.datetime(2026, 2, 1), "01/02/2026"),
        (dt.date(2026, 2, 1), "01/02/2026"),
        (pd.Timestamp(2026, 2, 1), "01/02/2026"),
        (True, "VRAI"),
        ("  douze ", "douze"),
        (None, ""),
    ],
)
def test_format_value(value: object, shown: str) -> None:
    assert format_value(value) == shown


def test_problem_line_example() -> None:
    message = explain(Kind.AMOUNT, "douze euros", np.nan, positive=True)
    problem = Problem("Factures", 14, "Montant", "douze euros", message)
    assert plain(str(problem)) == (
        "Feuille « Factures », ligne 14, colonne « Montant » : "
        "« douze euros » n'est pas un montant (exemple : 1 234,50)."
    )
    assert "\u00a0»" in str(problem)  # French typography


def test_input_error_lists_one_problem_per_line() -> None:
    problems = [
        Problem("Factures", 2, "Date", "x", "a."),
        Problem("Factures", 3, "Date", "y", "b."),
    ]
    error = InputError(problems)
    assert str(error).splitlines() == [str(p) for p in problems]
    assert error.problems == problems
