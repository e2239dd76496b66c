"""Layout of the `URSSAF` tab: one row per declaration, contributions by part, deadlines."""

from __future__ import annotations

from treso_xl import contract
from treso_xl.core.records import Params
from treso_xl.core.urssaf import (
    ESTIME,
    MENSUELLE,
    NON_CALCULE,
    PAYE,
    PAYMENT_GRACE_DAYS,
    SAISI,
    Declaration,
    UrssafSchedule,
)
from treso_xl.french import day, euros, percent, quote
from treso_xl.layout import styles
from treso_xl.layout.model import SheetLayout, Style
from treso_xl.rules.lookup import Rule, table_name_fr

RATE = "0.00 %"

# Fixed labels of the contract (Période, Encaissements, Taux, Cotisations, Échéance) and the
# parts of the contributions, in column order.
COL_PERIODE = "Période"
COL_DU = "Du"
COL_AU = "Au"
COL_ENCAISSEMENTS = "Encaissements"
COL_SOCIALES = "Cotisations sociales"
COL_ACRE = "ACRE"
COL_FORMATION = "Formation"
COL_CHAMBRE = "Chambre consulaire"
COL_VL = "Versement libératoire"
COL_ESTIMATION = "Estimation"
COL_COTISATIONS = "Cotisations"
COL_TAUX = "Taux"
COL_ECHEANCE = "Échéance"
COL_PAIEMENT = "Paiement prévu le"
COL_STATUT = "Statut"
HEADERS = (
    COL_PERIODE,
    COL_DU,
    COL_AU,
    COL_ENCAISSEMENTS,
    COL_SOCIALES,
    COL_ACRE,
    COL_FORMATION,
    COL_CHAMBRE,
    COL_VL,
    COL_ESTIMATION,
    COL_COTISATIONS,
    COL_TAUX,
    COL_ECHEANCE,
    COL_PAIEMENT,
    COL_STATUT,
)
WIDTHS = (34.0, 11.0, 11.0, 14.0, 13.0, 11.0, 11.0, 11.0, 12.0, 13.0, 13.0, 9.0, 11.0, 12.0, 12.0)
COLUMN = {label: i for i, label in enumerate(HEADERS, start=1)}
LABEL_TOTAL = "Total"

_STATUS_STYLES: dict[str, Style] = {
    ESTIME: Style(italic=True, align="center"),
    SAISI: styles.WARN.but(align="center"),
    PAYE: styles.GOOD.but(align="center"),
    NON_CALCULE: styles.ALERT.but(align="center"),
}
_PARTS = (
    (COL_SOCIALES, "sociales"),
    (COL_ACRE, "acre"),
    (COL_FORMATION, "formation"),
    (COL_CHAMBRE, "chambre"),
    (COL_VL, "versement_liberatoire"),
    (COL_ESTIMATION, "estimation"),
)


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


UNCERTAIN_TITLE = "À vérifier : ces règles n'ont pas pu être confirmées par un texte officiel."
UNCERTAIN_ADVICE = (
    "En cas de doute, les dates et montants qui font foi sont ceux de votre espace sur "
    "autoentrepreneur.urssaf.fr."
)
# rules whose plain wording says more than the table's name
_PLAIN_RULES = {
    "report_echeance": (
        "Une échéance qui tombe un samedi, un dimanche ou un jour férié est reportée au jour "
        "ouvré suivant : le paiement est prévu ce jour-là."
    ),
}


def plain_rule_text(entry: Rule) -> str:
    """An uncertain rule in short plain French for the user: what it says, and its value."""
    if entry.table in _PLAIN_RULES:
        return _PLAIN_RULES[entry.table]
    text = rule_text(entry)
    return text[: text.index(", en vigueur depuis le ")] + f", depuis le {day(entry.start)}."


def rule_text(entry: Rule) -> str:
    """An uncertain rule in one French sentence: what, value, since when, why, source."""
    what = _capitalized(table_name_fr(entry.table))
    detail = [str(v) for k, v in entry.values.items() if k in ("activite", "categorie")]
    if detail:
        what += f" ({', '.join(detail)})"
    values = entry.values
    if "taux" in values:
        value = f" : {percent(values['taux'], 3)}"
    elif "reduction" in values:
        value = f" : réduction de {percent(values['reduction'], 0)}"
    elif "montant" in values:
        value = f" : {euros(values['montant'], 0)}"
    elif "seuil" in values:
        value = f" : {euros(values['seuil'], 0)}"
    else:
        value = ""
    text = f"{what}{value}, en vigueur depuis le {day(entry.start)}."
    if entry.note:
        text += f" {entry.note}"
    if entry.source:
        text += f" Source : {entry.source}."
    return text


def _notes(schedule: UrssafSchedule) -> list[str]:
    notes = [
        "Méthode : cotisations estimées sur le chiffre d'affaires encaissé, c'est-à-dire tous "
        "les encaissements sauf les catégories Apport, Emprunt, Remboursement, Virement interne "
        "et Subvention (factures payées à leur date de paiement, factures impayées à leur "
        "échéance) ; chaque encaissement est compté au taux en vigueur à sa date. Taxe de "
        "chambre consulaire : sur la part du chiffre d'affaires de l'année civile au-delà du "
        "seuil. Taux : cotisations rapportées aux encaissements.",
        "Échéance : date limite légale de déclaration et de paiement ; le paiement est prévu le "
        "premier jour ouvré suivant quand elle tombe un samedi, un dimanche ou un jour férié.",
        "Une période pour laquelle un paiement URSSAF est saisi dans Décaissements (catégorie "
        f"ou libellé contenant {quote('URSSAF')}, daté entre le dernier jour de la période et "
        f"{PAYMENT_GRACE_DAYS} jours après l'échéance) n'est pas estimée : "
        f"{quote('Cotisations')} reprend le montant saisi (statut {quote('saisi')}, ou "
        f"{quote('payé')} s'il est réalisé) et {quote('Estimation')} le calcul, pour "
        "comparaison.",
        f"Seules les cotisations au statut {quote('estimé')} payables après le "
        f"{day(schedule.date_solde)} (date du solde initial) entrent dans le Prévisionnel, "
        f"ligne {quote('Cotisations URSSAF (estimées)')}. Encaissements comptés jusqu'au "
        f"{day(schedule.until)} (fin de l'horizon) : une période qui dépasse cette date est "
        f"incomplète. Une déclaration à {euros(0, 0)} reste obligatoire.",
    ]
    if schedule.vat is not None:
        since, rate = schedule.vat
        notes.append(
            f"TVA : les encaissements à partir du {day(since)} sont saisis TVA comprise ; le "
            "chiffre d'affaires déclaré à l'Urssaf est hors taxes (montant divisé par "
            f"{f'{1 + rate:.2f}'.replace('.', ',')}, "
            f"TVA à {percent(rate)})."
        )
    for item in schedule.declarations:
        if item.saisi is not None and item.fin <= schedule.date_solde and not item.encaissements:
            lines = ", ".join(str(n) for n in item.lignes_saisies)
            noun = "ligne" if len(item.lignes_saisies) == 1 else "lignes"
            notes.append(
                f"{_capitalized(item.periode)} : période close au plus tard à la date du solde "
                f"initial ({day(schedule.date_solde)}) et payée après ; ses encaissements, "
                "antérieurs au solde, ne sont pas dans le classeur. Le paiement URSSAF saisi "
                f"(Décaissements, {noun} {lines}, {euros(item.saisi)}, le "
                f"{day(item.paiement)}) lui est rattaché et repris tel quel."
            )
    first = next((d for d in schedule.declarations if d.premiere), None)
    if first is not None:
        what = (
            "les trois premiers mois d'activité, comptés depuis la date de début, et la fin du "
            "mois où ils s'achèvent sont déclarés"
            if schedule.periodicite == MENSUELLE
            else "le trimestre de début d'activité et le suivant sont déclarés"
        )
        notes.append(
            f"Première déclaration (ligne {quote(first.periode)}) : {what} ensemble, au plus "
            f"tard le {day(first.echeance)} (service-public.fr F23257)."
        )
    if schedule.acre is not None:
        fixed = [r for r in schedule.regles if r.table == "acre_cipav"]
        how = (
            "taux réduit fixe des professions libérales CIPAV ("
            + ", ".join(f"{percent(r['taux'], 1)} depuis le {day(r.start)}" for r in fixed)
            + ", comme le simulateur de l'Urssaf)"
            if fixed
            else f"taux des cotisations sociales réduit de {percent(schedule.acre.reduction, 0)} "
            "(arrondi au dixième de point)"
        )
        notes.append(
            f"ACRE : {how} pour les encaissements du {day(schedule.acre.debut)} au "
            f"{day(schedule.acre.fin)} ; la colonne {quote('ACRE')} montre la réduction."
        )
    if schedule.versement_liberatoire:
        notes.append(
            "Versement libératoire de l'impôt sur le revenu inclus : l'option suppose un revenu "
            "fiscal de référence du foyer sous la limite de l'année (CGI art. 151-0)."
        )
    return notes


def _acre_text(schedule: UrssafSchedule, params: Params) -> str:
    if schedule.acre is not None:
        return f"oui, du {day(schedule.acre.debut)} au {day(schedule.acre.fin)}"
    if not params.acre:
        return "non"
    if params.debut_activite is None:
        return "oui, non appliquée (date de début d'activité manquante)"
    return (
        "oui, non appliquée (règle de l'ACRE inconnue pour un début d'activité le "
        f"{day(params.debut_activite)})"
    )


def _put_money(sheet: SheetLayout, row: int, label: str, value: float | None, style: Style) -> None:
    sheet.put(row, COLUMN[label], value, style)


def _declaration_row(sheet: SheetLayout, row: int, item: Declaration) -> None:
    if len(item.periode) > WIDTHS[0] - 2:  # a grouped first declaration: wrap its label
        sheet.put(row, COLUMN[COL_PERIODE], item.periode, styles.LABEL.but(wrap=True))
        sheet.row_heights[row] = 30
    else:
        sheet.put(row, COLUMN[COL_PERIODE], item.periode, styles.LABEL)
    sheet.put(row, COLUMN[COL_DU], item.debut, styles.DATE_CELL)
    sheet.put(row, COLUMN[COL_AU], item.fin, styles.DATE_CELL)
    _put_money(sheet, row, COL_ENCAISSEMENTS, item.encaissements, styles.MONEY)
    for label, attribute in _PARTS:
        style = styles.MONEY.but(italic=True) if attribute == "estimation" else styles.MONEY
        _put_money(sheet, row, label, getattr(item, attribute), style)
    cotisations_style = styles.MONEY_BOLD
    if item.statut == NON_CALCULE:
        cotisations_style = styles.alert(cotisations_style)
    _put_money(sheet, row, COL_COTISATIONS, item.cotisations, cotisations_style)
    sheet.put(row, COLUMN[COL_TAUX], item.taux, Style(number_format=RATE))
    sheet.put(row, COLUMN[COL_ECHEANCE], item.echeance, styles.DATE_CELL)
    sheet.put(row, COLUMN[COL_PAIEMENT], item.paiement, styles.DATE_CELL)
    sheet.put(row, COLUMN[COL_STATUT], item.statut, _STATUS_STYLES[item.statut])


def urssaf_layout(schedule: UrssafSchedule, params: Params) -> SheetLayout:
    """The URSSAF declarations as a tab: title, method and uncertain rules, one row per
    declaration, a total row."""
    sheet = SheetLayout(
        contract.TAB_URSSAF, tab_color=styles.GOOD_FONT, landscape=True, fit_width=True
    )
    sheet.put(1, 1, f"Cotisations URSSAF — {params.entreprise}", styles.TITLE)
    options = [
        f"déclaration {schedule.periodicite.lower()}",
        f"versement libératoire : {'oui' if schedule.versement_liberatoire else 'non'}",
        f"ACRE : {_acre_text(schedule, params)}",
    ]
    sheet.put(2, 1, f"Activité : {schedule.activite} ; {' ; '.join(options)}.", styles.SUBTITLE)
    row = 3
    for note in _notes(schedule):
        sheet.put(row, 1, note, styles.NOTE)
        row += 1
    uncertain = schedule.uncertain_rules
    if uncertain:
        sheet.put(row, 1, UNCERTAIN_TITLE, styles.WARN)
        row += 1
        for entry in uncertain:
            sheet.put(row, 1, f"• {plain_rule_text(entry)}", styles.NOTE)
            row += 1
        sheet.put(row, 1, UNCERTAIN_ADVICE, styles.NOTE)
        row += 1
    row += 1

    header_row = row
    for label, col in COLUMN.items():
        sheet.put(header_row, col, label, styles.HEADER_LEFT if col == 1 else styles.HEADER)
    row += 1
    for item in schedule.declarations:
        _declaration_row(sheet, row, item)
        row += 1
    if not schedule.declarations:
        sheet.put(row, 1, "Aucune période de déclaration sur l'horizon.", styles.NOTE)
        row += 1

    items = schedule.declarations
    sheet.put(row, 1, LABEL_TOTAL, styles.TOTAL_LABEL)
    for col in range(2, len(HEADERS) + 1):
        sheet.put(row, col, None, styles.TOTAL_LABEL)
    _put_money(sheet, row, COL_ENCAISSEMENTS, schedule.total_encaissements, styles.TOTAL_MONEY)
    for label, attribute in _PARTS:
        total = round(sum(getattr(d, attribute) or 0.0 for d in items), 2)
        _put_money(sheet, row, label, total, styles.TOTAL_MONEY)
    total_paid = schedule.total_cotisations
    _put_money(sheet, row, COL_COTISATIONS, total_paid, styles.TOTAL_MONEY)
    turnover = schedule.total_encaissements
    sheet.put(
        row,
        COLUMN[COL_TAUX],
        total_paid / turnover if turnover > 0 else None,
        styles.TOTAL_LABEL.but(number_format=RATE),
    )

    for col, width in enumerate(WIDTHS, start=1):
        sheet.column_widths[col] = width
    sheet.row_heights[header_row] = 30
    sheet.freeze = (header_row + 1, 2)
    return sheet
