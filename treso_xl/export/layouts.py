"""Tabs of the accountant's export: cover sheet, registers, and the input sheets as values."""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from treso_xl import __version__, contract
from treso_xl.contract import PARAMETRES_SHEET, SETTINGS, Column, Kind, Sheet
from treso_xl.core.records import Params
from treso_xl.french import day, euros, percent, quote
from treso_xl.layout import styles
from treso_xl.layout.model import (
    DATE,
    EURO,
    INTEGER,
    MONTH,
    PERCENT,
    CellValue,
    SheetLayout,
    Style,
)
from treso_xl.reading.tables import header_row, match_headers
from treso_xl.rules.lookup import rule_or_none

from .registers import NOT_PURCHASES, Period, monthly_totals, register_total

TAB_SOMMAIRE = "Sommaire"
TAB_RECETTES = "Livre des recettes"
TAB_ACHATS = "Registre des achats"

NO_PURCHASE_REGISTER = (
    "Activité de prestations de services : seul le livre des recettes est obligatoire ; le "
    "registre des achats n'est tenu que pour la vente de marchandises (ou la fourniture de "
    "logement)."
)

TIME = "hh:mm:ss"
DURATION = "[h]:mm:ss"
# Amount columns of the contract that count things, not euros.
NOT_EUROS = frozenset({"quantite", "ventes_90j"})

INPUT_DESCRIPTIONS: dict[str, str] = {
    PARAMETRES_SHEET: (
        "Paramètres de l'entreprise utilisés pour les calculs, avec les valeurs par défaut "
        "appliquées (seuls les paramètres reconnus par treso-xl sont repris)."
    ),
    contract.ENCAISSEMENTS.name: (
        "Saisie : encaissements hors factures et ventes prévues (valeurs de la feuille)."
    ),
    contract.DECAISSEMENTS.name: "Saisie : décaissements, récurrences comprises (valeurs).",
    contract.FACTURES.name: "Saisie : factures clients, échéances et paiements (valeurs).",
    contract.FOURNISSEURS.name: "Saisie : factures fournisseurs (valeurs).",
    contract.STOCK.name: "Saisie : stock de marchandises (valeurs).",
    contract.PROJETS.name: "Saisie : projets facturés par étapes (valeurs).",
    contract.BANQUE.name: "Opérations bancaires importées des relevés (valeurs).",
}
GENERATED_DESCRIPTIONS: dict[str, str] = {
    contract.TAB_TABLEAU_DE_BORD: (
        "Chiffres clés (solde aujourd'hui, dans 1 et 3 mois, point bas, retards clients, DSO, "
        "BFR, prochaines échéances) et graphiques."
    ),
    contract.TAB_PREVISIONNEL: (
        "Plan de trésorerie mensuel : encaissements et décaissements par catégorie, soldes "
        "d'ouverture et de clôture, point bas ; mois sous le seuil d'alerte surlignés."
    ),
    contract.TAB_BFR: (
        "Besoin en fonds de roulement : créances clients, stocks, dettes fournisseurs, DSO, DPO, "
        "DIO et trésorerie libérée par chaque levier."
    ),
    contract.TAB_BALANCE_AGEE: "Créances clients par client et par ancienneté du retard.",
    contract.TAB_RELANCES: (
        "Factures échues : jours de retard, niveau de relance, pénalités, indemnité forfaitaire "
        "et texte de relance."
    ),
    contract.TAB_COURRIERS: "Courriers de relance prêts à envoyer, un par facture relancée.",
    contract.TAB_URSSAF: (
        "Cotisations URSSAF par période de déclaration : chiffre d'affaires encaissé, taux, "
        "cotisations, échéance."
    ),
    contract.TAB_CONTROLES: "Anomalies et points à vérifier dans les données saisies.",
    contract.TAB_RAPPROCHEMENT: (
        "Rapprochement bancaire : opérations rapprochées et pourquoi, cas ambigus, opérations "
        "non rapprochées."
    ),
}

_LABEL = Style(bold=True, valign="top")
_VALUE = Style(valign="top", wrap=True, align="left")
_TOP = Style(valign="top")
_WRAP = Style(valign="top", wrap=True)
_DATE = Style(number_format=DATE, align="center", valign="top")
_MONEY = Style(number_format=EURO, valign="top")
_MONTH = Style(number_format=MONTH, align="left")


@dataclass(frozen=True)
class ExportSummary:
    """The figures the cover sheet and the accountant's e-mail quote."""

    entreprise: str
    siren: str
    activite: str
    date_reference: dt.date
    period: Period
    balance: float | None  # expected bank balance on the reference date
    overdue_total: float  # unpaid invoices past due on the reference date
    overdue_count: int
    receipts_total: float  # livre des recettes, whole period
    purchases_total: float | None  # registre des achats (sales activity), else None
    errors: int  # findings of gravity "erreur" in Contrôles


COVER_WIDTHS = (40.0, 18.0, 74.0)
_CHARS_PER_LINE = (COVER_WIDTHS[1] + COVER_WIDTHS[2]) * 1.05  # Calibri 11, roughly


def _lines(text: str, width: float = _CHARS_PER_LINE) -> int:
    return max(1, math.ceil(len(text) / width))


# --- Registers --------------------------------------------------------------------------------


def _register_layout(
    name: str,
    title: str,
    subtitle: str,
    note: str,
    headers: Sequence[str],
    fields: Sequence[str],
    widths: Sequence[float],
    register: pd.DataFrame,
    period: Period,
    empty_text: str,
    month_header: str,
) -> SheetLayout:
    sheet = SheetLayout(name, tab_color=styles.HEADER_FILL, landscape=True, fit_width=True)
    header_row_ = 5
    sheet.put(1, 1, title, styles.TITLE)
    sheet.put(2, 1, subtitle, styles.SUBTITLE)
    sheet.put(3, 1, note, styles.NOTE.but(wrap=True, valign="top"))
    sheet.merges.append((3, 1, 3, len(headers)))
    sheet.row_heights[3] = 12.0 * _lines(note, sum(widths) * 1.25)
    sheet.put_row(header_row_, 1, list(headers), styles.HEADER)
    amount_col = fields.index("montant") + 1
    nature_width = widths[fields.index("nature")]
    row = header_row_ + 1
    for values in register[list(fields)].itertuples(index=False, name=None):
        for col, (field, value) in enumerate(zip(fields, values, strict=True), start=1):
            if field == "date":
                sheet.put(row, col, pd.Timestamp(value).date(), _DATE)
            elif field == "montant":
                sheet.put(row, col, float(value), _MONEY)
            elif field == "nature":
                sheet.put(row, col, str(value), _WRAP)
                lines = _lines(str(value), nature_width * 1.15)
                if lines > 1:
                    sheet.row_heights[row] = 15.0 * lines
            else:
                sheet.put(row, col, str(value), _TOP)
        row += 1
    if register.empty:
        sheet.put(row, 1, empty_text, styles.NOTE)
        row += 1
    sheet.put(row, 1, "Total de la période", styles.TOTAL_LABEL)
    for col in range(2, len(headers) + 1):
        sheet.put(row, col, None, styles.TOTAL_LABEL)
    sheet.put(row, amount_col, register_total(register), styles.TOTAL_MONEY)

    # Totals per month, to the right of the register.
    first = len(headers) + 2
    sheet.put_row(header_row_, first, ["Mois", month_header, "Cumul"], styles.HEADER)
    totals = monthly_totals(register, period)
    running = 0.0
    line = header_row_ + 1
    for month, amount in totals.items():
        running = round(running + float(amount), 2)
        sheet.put(line, first, month, _MONTH)
        sheet.put(line, first + 1, float(amount), styles.MONEY)
        sheet.put(line, first + 2, running, styles.MONEY)
        line += 1
    sheet.put(line, first, "Total", styles.TOTAL_LABEL)
    sheet.put(line, first + 1, register_total(register), styles.TOTAL_MONEY)
    sheet.put(line, first + 2, None, styles.TOTAL_LABEL)

    for col, width in enumerate(widths, start=1):
        sheet.column_widths[col] = width
    sheet.column_widths[first - 1] = 3
    sheet.column_widths[first] = 14
    sheet.column_widths[first + 1] = 16
    sheet.column_widths[first + 2] = 16
    sheet.row_heights[header_row_] = 32
    sheet.freeze = (header_row_ + 1, 1)
    return sheet


def recettes_layout(register: pd.DataFrame, period: Period, params: Params) -> SheetLayout:
    """The livre des recettes tab: one receipt per row, in date order, totals per month."""
    not_turnover = ", ".join(c.lower() for c in contract.NOT_TURNOVER)
    return _register_layout(
        TAB_RECETTES,
        f"Livre des recettes — {params.entreprise}",
        f"{_identity(params)}Recettes encaissées {period.label}, par ordre chronologique "
        "d'encaissement.",
        "Recettes : paiements des factures (feuille Factures, ou encaissement qui cite la "
        "facture) et encaissements « Réalisé » sans facture ; hors catégories "
        f"{not_turnover}. Mode de règlement et référence : ceux de la ligne d'Encaissements "
        f"(colonnes {quote('Mode de paiement')} et {quote('Référence')}), sinon ceux de la "
        "facture ; vides : à compléter.",
        (
            "Date d'encaissement",
            "Client",
            "Nature de la vente ou de la prestation",
            "Montant",
            "Mode de règlement",
            "Référence (N° facture)",
            "Origine",
        ),
        ("date", "client", "nature", "montant", "mode", "reference", "origine"),
        (15, 28, 56, 14, 22, 18, 22),
        register,
        period,
        "Aucune recette encaissée sur la période.",
        "Recettes du mois",
    )


def achats_layout(register: pd.DataFrame, period: Period, params: Params) -> SheetLayout:
    """The registre des achats tab (sales activity): one purchase per row, totals per month."""
    excluded = ", ".join(NOT_PURCHASES)
    return _register_layout(
        TAB_ACHATS,
        f"Registre des achats — {params.entreprise}",
        f"{_identity(params)}Achats réglés {period.label}, par ordre chronologique de règlement.",
        "Achats : décaissements « Réalisé » de la période, récurrences comprises, hors "
        f"catégories {excluded}, et factures de la feuille Fournisseurs payées sur la période "
        "(une seule fois : une ligne de Décaissements qui cite la facture en est le paiement). "
        f"Mode de règlement et référence : colonnes {quote('Mode de paiement')} et "
        f"{quote('Référence')} de Décaissements, sinon N° de la facture fournisseur citée ou "
        "de même fournisseur, même montant et même date de paiement ; vides : à compléter.",
        (
            "Date de règlement",
            "Fournisseur",
            "Nature de l'achat",
            "Catégorie",
            "Montant",
            "Mode de règlement",
            "Référence de la pièce",
            "Origine",
        ),
        ("date", "fournisseur", "nature", "categorie", "montant", "mode", "reference", "origine"),
        (15, 26, 50, 16, 14, 20, 20, 22),
        register,
        period,
        "Aucun achat réglé sur la période.",
        "Achats du mois",
    )


def _identity(params: Params) -> str:
    return f"SIREN {params.siren}. " if params.siren else ""


# --- Input sheets -----------------------------------------------------------------------------


def _setting_value(setting: contract.Setting, value: Any) -> tuple[CellValue, Style]:
    if value is None or value == "":
        return None, _TOP
    if isinstance(value, bool):
        return ("Oui" if value else "Non"), _TOP
    if setting.kind is Kind.DATE:
        return value, _DATE.but(align="left")
    if setting.kind is Kind.AMOUNT:
        return float(value), _MONEY
    if setting.kind is Kind.RATE:
        return float(value), _TOP.but(number_format="0.00 %")
    if setting.kind is Kind.INTEGER:
        return int(value), _TOP.but(number_format=INTEGER, align="left")
    return str(value), _TOP


def default_rate_text(on: dt.date) -> str:
    """What an empty Taux de pénalités means at `on`: the default rate applied, in French."""
    entry = rule_or_none("taux_penalites", on)
    if entry is None:
        return (
            f"Vide, et taux par défaut inconnu au {day(on)} : pénalités non calculées ; "
            "indiquez un taux."
        )
    text = (
        f"Vide : taux par défaut appliqué, {percent(float(entry['taux']))} au {day(on)} "
        "(taux BCE du semestre + 10 points ; chaque semestre de retard a son taux)."
    )
    if entry.uncertain and entry.note:
        text += f" Incertain : {entry.note}"
    return text


def parametres_layout(params: Params) -> SheetLayout:
    """Paramètres as the engine used them: one row per setting of the contract, nothing else.

    Rows of the user's sheet that are not settings (notes, logins, anything) and its other
    columns are never copied. The two columns keep the contract's shape, so the export can be
    read back by treso-xl; an empty Taux de pénalités therefore stays empty (typed, one rate
    would replace the semester rates), and its help column gives the default rate applied.
    """
    sheet = SheetLayout(PARAMETRES_SHEET, landscape=True, fit_width=True)
    sheet.put_row(1, 1, ["Paramètre", "Valeur", "Aide"], styles.HEADER_LEFT)
    for row, setting in enumerate(SETTINGS, start=2):
        raw = getattr(params, setting.field)
        help_text = setting.help
        if setting.field == "taux_penalites" and raw is None:
            help_text = default_rate_text(params.date_reference)
        value, style = _setting_value(setting, raw)
        sheet.put(row, 1, setting.name, _LABEL)
        sheet.put(row, 2, value, style)
        sheet.put(row, 3, help_text, styles.NOTE.but(valign="top", wrap=True))
    sheet.column_widths.update({1: 30, 2: 36, 3: 70})
    sheet.freeze = (2, 1)
    return sheet


def _column_style(column: Column | None) -> Style:
    if column is None:
        return _TOP
    if column.kind is Kind.DATE:
        return _DATE
    if column.kind is Kind.AMOUNT and column.field not in NOT_EUROS:
        return _MONEY
    if column.kind is Kind.RATE:
        return _TOP.but(number_format=PERCENT)
    return _TOP


def _cell(value: object, column: Column | None) -> tuple[CellValue, Style] | None:
    """A cell read by python-calamine as written to the export; None for an empty cell."""
    if value is None or (isinstance(value, str) and value == ""):
        return None
    style = _column_style(column)
    if isinstance(value, bool | str):
        return value, style
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date(), _DATE
        return value, _TOP  # the renderer gives it a date-and-time format
    if isinstance(value, dt.date):
        return value, _DATE
    if isinstance(value, dt.time):
        seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
        return seconds / 86400, _TOP.but(number_format=TIME)
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400, _TOP.but(number_format=DURATION)
    if isinstance(value, numbers.Integral):
        return int(value), style
    if isinstance(value, numbers.Real):
        number = float(value)
        if not math.isfinite(number):
            return None
        if style.number_format is None and number.is_integer() and abs(number) < 1e15:
            return int(number), style
        return number, style
    return str(value), style


def input_sheet_layout(sheet: Sheet, grid: pd.DataFrame) -> SheetLayout:
    """An input sheet copied as values, cell for cell at the same place (python-calamine gives
    a formula's cached value), dates and euro amounts formatted per the contract's column."""
    layout = SheetLayout(sheet.name, landscape=True, fit_width=True)
    top = header_row(grid)
    columns: dict[object, Column] = {}
    if top is not None:
        found = match_headers(grid.loc[top].items(), sheet.columns)
        by_field = {col.field: col for col in sheet.columns}
        columns = {position: by_field[field] for field, (position, _) in found.items()}
    positions = list(grid.columns)
    for number, values in zip(grid.index, grid.itertuples(index=False, name=None), strict=True):
        row = int(number)
        for position, value in zip(positions, values, strict=True):
            col = int(position) + 1
            below_header = top is not None and row > top
            written = _cell(value, columns.get(position) if below_header else None)
            if written is None:
                continue
            if row == top:
                layout.put(
                    row, col, written[0], styles.HEADER.but(number_format=written[1].number_format)
                )
            else:
                layout.put(row, col, *written)
    for position in positions:
        column = columns.get(position)
        layout.column_widths[int(position) + 1] = column.width if column else 14.0
    if top is not None:
        layout.row_heights[top] = 30
        layout.freeze = (top + 1, 1)
    return layout


# --- Cover sheet ------------------------------------------------------------------------------


def cover_layout(
    summary: ExportSummary,
    tabs: Sequence[tuple[str, str]],
    omitted: Sequence[str],
    source_name: str,
) -> SheetLayout:
    """The `Sommaire` tab: who, when, key figures, what each tab holds, what was left out."""
    sheet = SheetLayout(TAB_SOMMAIRE, tab_color=styles.HEADER_FILL, landscape=True, fit_width=True)
    sheet.put(1, 1, f"Trésorerie — {summary.entreprise}", styles.TITLE)
    sheet.put(
        2,
        1,
        "Classeur préparé pour le comptable : valeurs seules, sans formule, sans macro ni lien "
        "externe.",
        styles.SUBTITLE,
    )
    row = 4
    identity: list[tuple[str, CellValue, Style]] = [
        ("Entreprise", summary.entreprise, _VALUE),
        ("SIREN", summary.siren, _VALUE),
        ("Activité", summary.activite, _VALUE),
        ("Date d'actualisation des calculs", summary.date_reference, _DATE.but(align="left")),
        ("Période des registres", summary.period.label, _VALUE),
        ("Classeur d'origine", source_name, _VALUE),
        ("Préparé avec", f"treso-xl {__version__}", _VALUE),
    ]
    for label, value, style in identity:
        sheet.put(row, 1, label, _LABEL)
        sheet.put(row, 2, value, style.but(wrap=False))
        row += 1

    row += 1
    sheet.put_row(row, 1, ["Chiffres clés", None, None], styles.SECTION)
    row += 1
    figures: list[tuple[str, CellValue, str]] = []
    balance_label = f"Solde bancaire au {day(summary.date_reference)}"
    if summary.balance is None:
        figures.append((balance_label, "non calculable à cette date", ""))
    else:
        figures.append(
            (balance_label, summary.balance, "Prévu : solde initial et mouvements depuis.")
        )
    count = summary.overdue_count
    figures.append(
        (
            "Factures clients échues non payées",
            summary.overdue_total,
            f"{count} facture{'s' if count > 1 else ''} (voir « Balance âgée » et « Relances »).",
        )
    )
    figures.append(("Recettes encaissées", summary.receipts_total, "Voir « Livre des recettes »."))
    if summary.purchases_total is not None:
        figures.append(("Achats réglés", summary.purchases_total, "Voir « Registre des achats »."))
    else:
        figures.append(("Registre des achats", "non tenu", NO_PURCHASE_REGISTER))
    for label, value, detail in figures:
        sheet.put(row, 1, label, _LABEL)
        money = isinstance(value, float)
        sheet.put(row, 2, value, _MONEY.but(bold=True) if money else _VALUE.but(wrap=False))
        if detail:
            sheet.put(row, 3, detail, styles.NOTE.but(valign="top"))
        row += 1
    if summary.errors:
        sheet.put(
            row,
            1,
            f"{summary.errors} erreur{'s' if summary.errors > 1 else ''} dans les données : "
            "voir l'onglet « Contrôles ».",
            styles.ALERT,
        )
        row += 1

    row += 1
    sheet.put_row(row, 1, ["Onglet", "Contenu", None], styles.HEADER_LEFT)
    sheet.merges.append((row, 2, row, 3))
    row += 1
    for name, description in tabs:
        sheet.put(row, 1, name, _LABEL)
        sheet.put(row, 2, description, _WRAP)
        sheet.merges.append((row, 2, row, 3))
        sheet.row_heights[row] = 15.0 * _lines(description)
        row += 1

    row += 1
    if omitted:
        names = ", ".join(f"« {name} »" for name in omitted)
        left_out = (
            f"Feuilles du classeur d'origine non reprises : {names}. Ce sont des feuilles "
            "personnelles (ou le mode d'emploi) : elles ne sont pas transmises."
        )
    else:
        left_out = "Toutes les feuilles de saisie du classeur d'origine sont reprises."
    notes = (
        left_out,
        "Paramètres : seuls les paramètres reconnus par treso-xl sont repris ; les autres lignes "
        "et colonnes de la feuille ne sont pas transmises.",
        "Montants en euros. Les feuilles de saisie reprennent les valeurs des cellules ; une "
        "formule y est remplacée par son dernier résultat calculé.",
    )
    width = sum(COVER_WIDTHS) * 1.2  # notes are in a smaller font
    for text in notes:
        sheet.put(row, 1, text, styles.NOTE.but(wrap=True, valign="top"))
        sheet.merges.append((row, 1, row, 3))
        sheet.row_heights[row] = 13.0 * _lines(text, width)
        row += 1
    for col, col_width in enumerate(COVER_WIDTHS, start=1):
        sheet.column_widths[col] = col_width
    return sheet


def money_text(value: float | None) -> str:
    """An amount for a sentence (« 1 234,50 € »), or « non calculable »."""
    return "non calculable" if value is None else euros(value)
