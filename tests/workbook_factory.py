"""Build small user workbooks with openpyxl for the tests: a dict of sheet name to rows of cells."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import openpyxl
from openpyxl.workbook.defined_name import DefinedName

from treso_xl.contract import GENERATED_TABS
from treso_xl.tab_identity import MARKER, marker_formula

Rows = list[list[object]]


def write_workbook(
    path: Path, sheets: dict[str, Rows], tool_tabs: Iterable[str] | None = None
) -> Path:
    """Write `sheets` to `path`: rows[i][j] goes to Excel row i + 1, column j + 1; None is empty.

    The sheets named in `tool_tabs` are tabs a previous refresh wrote: they carry the tool's
    marker (treso_xl/tab_identity.py). By default, the sheets named exactly like a generated tab;
    pass () to make every sheet the user's.
    """
    if tool_tabs is None:
        tool_tabs = [name for name in sheets if name in GENERATED_TABS]
    marked = set(tool_tabs)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        if name in marked:
            sheet.defined_names[MARKER] = DefinedName(
                MARKER, attr_text=marker_formula(name), hidden=True
            )
        for i, row in enumerate(rows, start=1):
            for j, value in enumerate(row, start=1):
                if value is not None:
                    cell = sheet.cell(row=i, column=j, value=value)
                    if isinstance(value, dt.datetime | dt.date):
                        cell.number_format = "dd/mm/yyyy"
    book.save(path)
    return path


def good_sheets() -> dict[str, Rows]:
    """A valid workbook with the usual user habits.

    Headers not on row 1, tables not in column A, headers in other case / without accents / with a
    unit, blank rows in the middle, user columns and sheets, text amounts and text dates.
    """
    sheets: dict[str, Rows] = {
        "Paramètres": [
            [],
            ["PARAMETRE", "valeur", "Mes notes"],
            ["Entreprise", "  Atelier Dupont  "],
            ["SIREN", "732 829 320"],
            ["activite", "prestations de services bnc"],
            ["Déclaration URSSAF", "trimestrielle"],
            ["ACRE", "oui"],
            ["Solde initial", "-1 250,50 €"],
            [],
            ["Date du solde initial", dt.datetime(2026, 1, 1)],
            ["Horizon (mois)", 18],
            ["Taux de pénalités", "12,15 %"],
            ["IBAN", "FR76 3000 6000 0112 3456 7890 189"],
            ["Email du comptable", "compta@cabinet.fr"],
            ["Ma ligne à moi", "n'importe quoi"],
        ],
        "Encaissements": [
            [],
            [],
            [],
            [None, "DATE", "libelle", "Client", "Montant (€)", "Commentaire", "statut"],
            [None, dt.datetime(2026, 1, 15), "Vente site", "Durand", 1200, "à relancer", "réalisé"],
            [None, "05/02/2026", "Acompte", None, "1 234,50 €", None, None],
            [],
            [None, None, None, None, None, "une note seule"],
            [None, "2026-03-10", "Apport", None, 500.25, None, "Prévu"],
        ],
        "decaissements": [
            ["Date", "Libellé", "Fournisseur", "Montant", "Catégorie", "Récurrence", "Fin"],
            [dt.datetime(2026, 1, 31), "Loyer", "SCI", 650, "Loyer", "mensuelle", "31/12/2026"],
            [dt.datetime(2026, 2, 10), "Écran", None, "249.90", "Matériel", None, None],
        ],
        "Factures": [
            [
                "N° facture",
                "Date",
                "Client",
                "Montant",
                "Échéance",
                "Date de paiement",
                "Montant payé",
                "Email client",
                "Lien de paiement",
                "SIREN client",
            ],
            [
                1023,
                dt.datetime(2026, 1, 5),
                "Durand",
                1500,
                None,
                None,
                None,
                "durand@exemple.fr",
                "www.paypal.me/dupont",
                732829320,
            ],
            [
                "F-1024",
                "10/01/2026",
                "Martin",
                800,
                "09/02/2026",
                "12/02/2026",
                300,
                None,
                None,
                None,
            ],
        ],
        "Fournisseurs": [
            ["N°", "Date", "Fournisseur", "Montant"],
            ["A-1", dt.datetime(2026, 1, 3), "Grossiste", 420],
        ],
        "Prévisionnel": [["Solde d'ouverture", "#REF!", "douze"]],
        "Notes": [["Montant", "Date"], ["douze", "31/02/2026"]],
    }
    return copy.deepcopy(sheets)
