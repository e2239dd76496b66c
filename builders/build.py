"""Write the bundled workbooks (empty template and graphic designer sample) from the contract."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import math
import re
import textwrap
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from builders import sample_data
from treso_xl.contract import (
    DATA_SHEETS,
    DECAISSEMENTS,
    ENCAISSEMENTS,
    FACTURES,
    FOURNISSEURS,
    GENERATED_TABS,
    HORIZON_MAX,
    HORIZON_MIN,
    LABEL_CLOSING,
    LABEL_LOW,
    LABEL_OVERDUE_MEMO,
    MODES_PAIEMENT,
    NOT_TURNOVER,
    PARAMETRES_SHEET,
    PROJETS,
    SETTINGS,
    STOCK,
    TAB_BALANCE_AGEE,
    TAB_BFR,
    TAB_CONTROLES,
    TAB_COURRIERS,
    TAB_DEPENSES,
    TAB_PREVISIONNEL,
    TAB_RELANCES,
    TAB_TABLEAU_DE_BORD,
    TAB_URSSAF,
    Column,
    Kind,
    Setting,
    Sheet,
)
from treso_xl.french import quote

TEMPLATE_FILE = "modele_tresorerie.xlsx"
SAMPLE_FILE = "exemple_graphiste.xlsx"
GUIDE_SHEET = "Mode d'emploi"
SETTINGS_HEADERS = ("Paramètre", "Valeur", "Aide")
SHEET_ORDER: tuple[str, ...] = (GUIDE_SHEET, PARAMETRES_SHEET, *(s.name for s in DATA_SHEETS))

FORMATTED_ROWS = 500  # data rows prepared (formats, drop-down lists) under each header
FIXED_TIME = dt.datetime(2026, 11, 20, 8, 0, 0)  # document properties and zip entry times

EURO = '#,##0.00 "€"'
DATE = "dd/mm/yyyy"
PERCENT = "0.00 %"
INTEGER = "0"
QUANTITY = "#,##0"
TEXT = "@"

# Amount-kind columns that count things rather than euros.
QUANTITY_FIELDS = {(STOCK.name, "quantite"), (STOCK.name, "ventes_90j")}
# Free-text columns offered a drop-down of usual values, other values allowed.
CFE_SETTING = "CFE de l'an dernier"
SUGGESTED_LISTS: dict[tuple[str, str], tuple[str, ...]] = {
    (FACTURES.name, "mode_paiement"): MODES_PAIEMENT,
    (ENCAISSEMENTS.name, "mode_paiement"): MODES_PAIEMENT,
    (DECAISSEMENTS.name, "mode_paiement"): MODES_PAIEMENT,
}

FONT_NAME = "Calibri"
HEADER_FONT = Font(name=FONT_NAME, size=11, bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", start_color="1F4E79", end_color="1F4E79")
HEADER_ALIGN = Alignment(vertical="center", wrap_text=True)
INPUT_FILL = PatternFill("solid", start_color="FFF2CC", end_color="FFF2CC")
THIN_BOTTOM = Border(bottom=Side(style="thin", color="1F4E79"))
WRAP_TOP = Alignment(wrap_text=True, vertical="top")


# --------------------------------------------------------------------------------------------
# Number formats and drop-down lists
# --------------------------------------------------------------------------------------------


def column_format(sheet: Sheet, column: Column) -> str | None:
    """The number format of a data column, from its kind."""
    if (sheet.name, column.field) in QUANTITY_FIELDS:
        return QUANTITY
    return _kind_format(column.kind)


def _kind_format(kind: Kind) -> str | None:
    return {
        Kind.DATE: DATE,
        Kind.AMOUNT: EURO,
        Kind.RATE: PERCENT,
        Kind.INTEGER: INTEGER,
        Kind.TEXT: TEXT,
        Kind.EMAIL: TEXT,
        Kind.URL: TEXT,
    }.get(kind)


def _list_formula(choices: Iterable[str]) -> str:
    return '"' + ",".join(choices) + '"'


def choice_validation(
    name: str, choices: tuple[str, ...], default: object = None
) -> DataValidation:
    """A strict drop-down list with French prompt and error messages."""
    prompt = "Choisissez dans la liste : " + ", ".join(choices) + "."
    if default is not None:
        prompt += f" Vide = {default}."
    return DataValidation(
        type="list",
        formula1=_list_formula(choices),
        allow_blank=True,
        showInputMessage=True,
        showErrorMessage=True,
        errorStyle="stop",
        promptTitle=name[:32],
        prompt=prompt[:255],
        errorTitle="Valeur non reconnue",
        error=(f"« {name} » accepte uniquement : " + ", ".join(choices) + ".")[:255],
    )


def suggestion_validation(name: str, choices: tuple[str, ...]) -> DataValidation:
    """A drop-down list of usual values that still accepts any other value."""
    return DataValidation(
        type="list",
        formula1=_list_formula(choices),
        allow_blank=True,
        showInputMessage=True,
        showErrorMessage=False,
        errorStyle="information",
        promptTitle=name[:32],
        prompt="Choisissez dans la liste ou saisissez un autre mode de paiement.",
    )


# --------------------------------------------------------------------------------------------
# Sheets
# --------------------------------------------------------------------------------------------


def _style_header(ws: Worksheet, widths: Iterable[float]) -> None:
    """Bold white on blue, wrapped, tall enough for the longest header; frozen."""
    lines = 1
    for col, width in enumerate(widths, start=1):
        cell = ws.cell(row=1, column=col)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGN
        lines = max(lines, len(textwrap.wrap(str(cell.value), max(4, int(width) - 3))))
    ws.row_dimensions[1].height = max(30, 15 * lines + 3)
    ws.freeze_panes = "A2"


def _landscape(ws: Worksheet) -> None:
    """Print on landscape pages one sheet wide, repeating the header row."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"


def write_data_sheet(ws: Worksheet, sheet: Sheet, rows: list[Mapping[str, object]]) -> None:
    """One input sheet: styled header, formats and drop-downs on the prepared rows, the data."""
    fields = {c.field for c in sheet.columns}
    last_row = max(FORMATTED_ROWS, len(rows)) + 1
    for col_idx, column in enumerate(sheet.columns, start=1):
        ws.cell(row=1, column=col_idx, value=column.name)
        letter = get_column_letter(col_idx)
        ws.column_dimensions[letter].width = column.width
        fmt = column_format(sheet, column)
        if fmt:
            for row in range(2, last_row + 1):
                ws.cell(row=row, column=col_idx).number_format = fmt
        cells = f"{letter}2:{letter}{last_row}"
        if column.choices:
            dv = choice_validation(column.name, column.choices, column.default)
        elif (sheet.name, column.field) in SUGGESTED_LISTS:
            dv = suggestion_validation(column.name, SUGGESTED_LISTS[(sheet.name, column.field)])
        else:
            continue
        dv.add(cells)
        ws.add_data_validation(dv)
    _style_header(ws, [c.width for c in sheet.columns])
    _landscape(ws)
    for row_idx, row in enumerate(rows, start=2):
        unknown = set(row) - fields
        if unknown:
            raise ValueError(f"{sheet.name}: unknown fields {sorted(unknown)}")
        for col_idx, column in enumerate(sheet.columns, start=1):
            value = row.get(column.field)
            if value is not None and value != "":
                ws.cell(row=row_idx, column=col_idx, value=value)


def _setting_format(setting: Setting) -> str | None:
    return _kind_format(setting.kind)


def write_settings_sheet(ws: Worksheet, values: Mapping[str, object] | None) -> None:
    """Paramètres: one row per setting, its value (template value when `values` is None), help."""
    if values is not None:
        unknown = set(values) - {s.field for s in SETTINGS}
        if unknown:
            raise ValueError(f"Paramètres: unknown fields {sorted(unknown)}")
    for col_idx, header in enumerate(SETTINGS_HEADERS, start=1):
        ws.cell(row=1, column=col_idx, value=header)
    widths = (32, 36, 80)
    for width, letter in zip(widths, "ABC", strict=True):
        ws.column_dimensions[letter].width = width
    _style_header(ws, widths)
    _landscape(ws)
    for row_idx, setting in enumerate(SETTINGS, start=2):
        name = ws.cell(row=row_idx, column=1, value=setting.name)
        name.font = Font(name=FONT_NAME, size=11, bold=setting.required)
        value = setting.template_value if values is None else values.get(setting.field)
        cell = ws.cell(row=row_idx, column=2, value=value)
        cell.fill = INPUT_FILL
        cell.alignment = Alignment(horizontal="left")
        fmt = _setting_format(setting)
        if fmt:
            cell.number_format = fmt
        help_text = ws.cell(row=row_idx, column=3, value=setting.help)
        help_text.alignment = WRAP_TOP
        if setting.choices:
            dv = choice_validation(setting.name, setting.choices, setting.default)
            dv.add(f"B{row_idx}")
            ws.add_data_validation(dv)
        elif setting.field == "horizon":
            dv = DataValidation(
                type="whole",
                operator="between",
                formula1=str(HORIZON_MIN),
                formula2=str(HORIZON_MAX),
                allow_blank=True,
                showInputMessage=True,
                showErrorMessage=True,
                promptTitle=setting.name,
                prompt=f"Nombre de mois du plan, de {HORIZON_MIN} à {HORIZON_MAX}.",
                errorTitle="Valeur non reconnue",
                error=f"L'horizon est un nombre entier de mois, de {HORIZON_MIN} à {HORIZON_MAX}.",
            )
            dv.add(f"B{row_idx}")
            ws.add_data_validation(dv)


# --------------------------------------------------------------------------------------------
# Mode d'emploi
# --------------------------------------------------------------------------------------------

TITLE, HEADING, PARA, BULLET = "title", "heading", "para", "bullet"

GUIDE_WIDTH = 110  # column width of the guide text


def _names(items: Iterable[str]) -> str:
    return ", ".join(items)


def guide_lines(sample: bool = False) -> list[tuple[str, str]]:
    """The French user guide, as (style, text) lines."""
    lines: list[tuple[str, str]] = [
        (TITLE, "Plan de trésorerie — mode d'emploi"),
        (
            PARA,
            "Ce classeur suit et prévoit la trésorerie d'une micro-entreprise : encaissements, "
            "décaissements, factures clients, factures fournisseurs, stock et projets. Vous "
            "saisissez vos données dans les onglets de saisie ; le complément treso-xl calcule "
            "le plan de trésorerie, le BFR, la balance âgée, les relances et les cotisations "
            "URSSAF, et les écrit dans des onglets de résultats.",
        ),
    ]
    if sample:
        lines += [
            (HEADING, "Ce classeur est un exemple"),
            (
                PARA,
                "Atelier Lune Graphique est une graphiste fictive (entreprise individuelle, "
                "prestations de services BNC, déclaration URSSAF trimestrielle). Le solde "
                "initial est celui du 02/11/2026 et la date de référence est fixée au "
                "20/11/2026 : les résultats restent les mêmes quel que soit le jour où vous "
                "actualisez. Quelques erreurs ont été glissées volontairement dans les "
                f"données : actualisez le classeur puis ouvrez l'onglet {TAB_CONTROLES} pour "
                "les découvrir. Les noms, SIREN, adresses électroniques et IBAN sont inventés.",
            ),
        ]
    lines += [
        (HEADING, "1. Les onglets de saisie"),
        (
            BULLET,
            f"{PARAMETRES_SHEET} : le nom de l'entreprise, son SIREN, l'activité (qui fixe le "
            "taux des cotisations), le rythme de déclaration URSSAF, le solde bancaire de départ "
            "et sa date, la date de référence, l'horizon du plan en mois et le seuil d'alerte. "
            "Saisissez les valeurs dans la colonne Valeur (cases jaunes) sans modifier la colonne "
            "Paramètre ; les paramètres en gras sont obligatoires et la colonne Aide explique "
            "chaque ligne.",
        ),
        (
            BULLET,
            f"{ENCAISSEMENTS.name} : les rentrées d'argent qui ne sont pas des paiements de "
            "factures (ventes au comptoir, apport personnel, remboursement…) et les prévisions "
            "de ventes des mois à venir. Statut Prévu pour ce qui est attendu, Réalisé pour ce "
            "qui est arrivé sur le compte. Mode de paiement et Référence (facultatifs) "
            "complètent le livre des recettes.",
        ),
        (
            BULLET,
            f"{DECAISSEMENTS.name} : les sorties d'argent, ponctuelles ou récurrentes "
            "(abonnements, loyer, assurance, URSSAF, impôts, matériel…). La Catégorie est libre "
            "et sert de ligne dans le prévisionnel. N° facture (facultatif) : le N° d'une "
            f"facture de l'onglet {FOURNISSEURS.name} que cette ligne paie. Mode de paiement et "
            "Référence (facultatifs) complètent le registre des achats.",
        ),
        (
            BULLET,
            f"{FACTURES.name} : une ligne par facture client, avec sa date, le client, le "
            "montant, les conditions de paiement et, une fois réglée, la date et le montant du "
            "paiement. C'est le registre des créances : il alimente le plan, la balance âgée et "
            "les relances.",
        ),
        (
            BULLET,
            f"{FOURNISSEURS.name} (facultatif) : les factures de vos fournisseurs, avec leur "
            "échéance et leur date de paiement. Celles qui restent à payer sont des dettes : le "
            "plan les paie à leur échéance (vide : 30 jours après la date de la facture), ou à "
            "la date de référence si l'échéance est déjà passée ; une facture payée sort à sa "
            "date de paiement.",
        ),
        (
            BULLET,
            f"{STOCK.name} (facultatif) : les marchandises détenues pour la vente, leur quantité, "
            "leur coût unitaire, la date de la dernière vente, la quantité vendue sur les 90 "
            "derniers jours et le délai de réapprovisionnement du fournisseur.",
        ),
        (
            BULLET,
            f"{PROJETS.name} (facultatif) : les missions facturées par étapes. L'Échéancier "
            "donne la part facturée au démarrage, en cours de route et à la livraison, par "
            "exemple 30/40/30 ou 30/70 ; les étapes sont réparties régulièrement entre Début et "
            "Livraison. Une étape est attendue dans le plan tant qu'aucune facture dont le "
            "libellé ou le numéro cite le projet n'existe pour elle.",
        ),
        (HEADING, "2. Comment saisir"),
        (
            BULLET,
            "Les montants sont en euros et toujours positifs : une dépense de 120 € se saisit "
            f"120 dans {DECAISSEMENTS.name}, jamais -120. Les montants écrits en texte "
            "(« 1 234,50 € ») sont acceptés.",
        ),
        (BULLET, "Les dates se saisissent au format jj/mm/aaaa."),
        (
            BULLET,
            "Gardez la ligne d'en-tête telle quelle : les noms de colonnes sont reconnus sans "
            "tenir compte des majuscules ni des accents, mais ils doivent être présents. Les "
            "listes déroulantes proposent les seules valeurs admises (Statut, Récurrence, Type "
            "de client) ; le Mode de paiement propose les modes usuels et accepte les autres.",
        ),
        (
            BULLET,
            "Une ligne entièrement vide est ignorée. Vous pouvez ajouter vos propres colonnes à "
            "droite des tableaux et vos propres onglets : ils ne sont jamais modifiés.",
        ),
        (
            BULLET,
            "Si une valeur est illisible (date impossible, montant en lettres…), l'actualisation "
            "s'arrête avec un message en français qui cite l'onglet, la ligne, la colonne et la "
            "valeur fautive, et rien n'est écrit dans le classeur.",
        ),
        (HEADING, "3. Les règles qui gardent des chiffres justes"),
        (
            BULLET,
            "Solde initial : saisissez le solde de votre compte bancaire à une date donnée (Date "
            "du solde initial). Les mouvements datés de ce jour ou d'avant sont déjà compris "
            "dans ce solde : ils servent d'historique (balance âgée, délais de paiement, URSSAF) "
            "mais ne sont pas ajoutés une seconde fois. Le plan n'applique que les mouvements "
            "datés après.",
        ),
        (
            BULLET,
            "Pas de double comptage : le paiement d'une facture vient de l'onglet "
            f"{FACTURES.name} (attendu à l'échéance tant qu'elle est impayée, à la date de "
            "paiement une fois réglée). Ne le saisissez pas en plus dans "
            f"{ENCAISSEMENTS.name}. Si vous le faites quand même, indiquez le N° facture : la "
            "ligne est alors reconnue comme le paiement de cette facture et n'est pas comptée "
            "deux fois. De même, une ligne de Décaissements qui cite le N° d'une facture "
            f"{FOURNISSEURS.name} en est le paiement.",
        ),
        (
            BULLET,
            f"Promesse de paiement : le client vous dit {quote('je vous paie le 5')} ? "
            "Saisissez dans "
            f"{ENCAISSEMENTS.name} une ligne Prévu à cette date, avec le montant promis et le "
            "N° facture : le plan attend ce montant ce jour-là au lieu de l'échéance, l'onglet "
            f"{TAB_RELANCES} affiche la promesse, et une promesse non tenue est signalée dans "
            f"{TAB_CONTROLES}.",
        ),
        (
            BULLET,
            "Récurrences : une dépense récurrente se saisit une seule fois, à la date de sa "
            "première occurrence, avec la Récurrence Mensuelle, Trimestrielle ou Annuelle. "
            "Chaque occurrence tombe le même jour du mois que la première, ou le dernier jour "
            "d'un mois plus court (31 janvier en mensuel : 28 février, 31 mars, 30 avril…). "
            "Renseignez Fin pour arrêter un abonnement résilié.",
        ),
        (
            BULLET,
            "Échéance d'une facture : c'est la date saisie dans la colonne Échéance ; si elle "
            "est vide, elle est calculée à partir des Conditions de paiement (« À réception », "
            "« 30 jours », « 45 jours fin de mois », « 60 jours date de facture »…). Sans "
            "conditions, le délai légal s'applique : 30 jours après la date de la facture. Entre "
            "professionnels, le délai convenu ne peut dépasser 60 jours après la date de la "
            "facture, ou 45 jours fin de mois.",
        ),
        (
            BULLET,
            "Factures en retard : une facture impayée dont l'échéance est dépassée à la Date de "
            "référence n'est pas comptée dans le solde prévu, car on ne peut pas compter sur "
            f"cet argent. Elle apparaît sur la ligne « {LABEL_OVERDUE_MEMO} » de l'onglet "
            f"{TAB_PREVISIONNEL} et dans l'onglet {TAB_RELANCES}.",
        ),
        (
            BULLET,
            "Paiement partiel : saisissez la somme reçue dans Montant payé, avec sa Date de "
            "paiement ; le reste demeure dû et continue d'être suivi. Sans date, la somme est "
            "comptée comme reçue avant le solde initial, et l'onglet "
            f"{TAB_CONTROLES} vous demande la date.",
        ),
        (
            BULLET,
            "Statut : une ligne Réalisé datée dans le futur ou une ligne Prévu datée dans le "
            f"passé est signalée dans l'onglet {TAB_CONTROLES}. Pensez à passer en Réalisé ce qui "
            "est arrivé et à redater ou supprimer ce qui n'arrivera pas.",
        ),
        (
            BULLET,
            "Chiffre d'affaires : toutes les rentrées en font partie, paiements de factures "
            f"compris, sauf les catégories {_names(NOT_TURNOVER)}. C'est la base des cotisations "
            "URSSAF et des seuils du régime.",
        ),
        (
            BULLET,
            "Cotisations URSSAF : elles sont estimées à partir des encaissements et placées aux "
            "dates limites de déclaration. Une période pour laquelle vous avez saisi un "
            f"paiement de Catégorie URSSAF dans {DECAISSEMENTS.name} n'est pas estimée une "
            "seconde fois.",
        ),
        (
            BULLET,
            "CFE (cotisation foncière des entreprises) : due chaque 15 décembre, sauf la "
            "première année d'activité et si le chiffre d'affaires d'il y a deux ans ne dépasse "
            "pas 5 000 €. Le plan l'estime au montant de la ligne "
            f"{quote(CFE_SETTING)} de "
            f"{PARAMETRES_SHEET}, sauf si vous avez saisi ce paiement dans "
            f"{DECAISSEMENTS.name} (libellé ou catégorie {quote('CFE')}).",
        ),
        (HEADING, "4. Les onglets calculés"),
        (
            PARA,
            f"Les onglets {_names(GENERATED_TABS)} sont réécrits entièrement à chaque "
            "actualisation. N'y saisissez rien : vos modifications seraient perdues. Pour vos "
            "propres calculs, créez un autre onglet qui y fait référence. Les onglets de saisie "
            "ne sont jamais modifiés par l'actualisation.",
        ),
        (
            BULLET,
            f"{TAB_TABLEAU_DE_BORD} : les chiffres clés (solde du jour, solde dans 3 mois, mois "
            "le plus bas, retards clients, délai moyen de paiement, BFR, prochaines échéances) "
            "et des graphiques.",
        ),
        (
            BULLET,
            f"{TAB_PREVISIONNEL} : une colonne par mois de l'horizon, les encaissements et "
            f"décaissements par catégorie, le {LABEL_CLOSING.lower()} et le "
            f"{LABEL_LOW.lower()} ; les mois qui passent sous le seuil d'alerte sont surlignés.",
        ),
        (
            BULLET,
            f"{TAB_BFR} : créances clients, stock, dettes fournisseurs, besoin en fonds de "
            "roulement, délais moyens (clients, fournisseurs, stock) et la trésorerie que "
            "libère chaque levier (acompte, délai fournisseur, stock dormant) ; le besoin de "
            "financement et ce que coûterait un crédit de trésorerie ; la facturation par étapes "
            "des projets comparée à une seule facture.",
        ),
        (
            BULLET,
            f"{TAB_DEPENSES} : les charges récurrentes et leur coût annuel, la répartition des "
            "dépenses sur 12 mois, les hausses de prix, les frais évitables déjà payés, et pour "
            "le stock le point de commande de chaque article. Votre rémunération, les virements "
            "vers vos comptes personnels et les remboursements d'emprunt n'y sont pas comptés : "
            "ce ne sont pas des charges à réduire.",
        ),
        (
            BULLET,
            f"{TAB_BALANCE_AGEE} : par client, ce qui n'est pas encore échu et ce qui est en "
            "retard de 1 à 30, 31 à 60, 61 à 90 et plus de 90 jours.",
        ),
        (
            BULLET,
            f"{TAB_RELANCES} : chaque facture en retard, le niveau de relance (J+1 aimable, "
            "J+15 ferme, J+30 mise en demeure), la prochaine action, les pénalités et "
            "l'indemnité forfaitaire de 40 € dues par les professionnels, et un lien vers le "
            "courrier.",
        ),
        (
            BULLET,
            f"{TAB_COURRIERS} : le courrier prêt à envoyer de chaque facture relancée (e-mail "
            "ou lettre recommandée de mise en demeure), complet, une ligne par ligne de texte.",
        ),
        (
            BULLET,
            f"{TAB_URSSAF} : par période de déclaration, le chiffre d'affaires encaissé, le taux, "
            "les cotisations et la date limite.",
        ),
        (
            BULLET,
            f"{TAB_CONTROLES} : toutes les anomalies relevées dans les données, une par ligne "
            "(un même problème sur plusieurs lignes n'en fait qu'une, qui les liste), avec "
            "l'onglet, la ligne et un conseil.",
        ),
        (HEADING, "5. Actualiser"),
        (
            BULLET,
            "Dans Excel : onglet « Trésorerie » du ruban, bouton Actualiser. Enregistrez "
            "ensuite le classeur.",
        ),
        (
            BULLET,
            "En ligne de commande, classeur fermé : treso-xl refresh classeur.xlsx "
            "(remplacez classeur.xlsx par le nom de votre fichier).",
        ),
        (
            BULLET,
            "Actualisez après chaque saisie importante, et au moins une fois par semaine : la "
            "balance âgée et les relances dépendent de la date du jour (ou de la Date de "
            "référence si vous l'avez saisie).",
        ),
    ]
    return lines


def _line_height(text: str, font_size: float) -> float:
    chars_per_line = GUIDE_WIDTH * 1.05 * 11 / font_size
    n_lines = sum(max(1, math.ceil(len(part) / chars_per_line)) for part in text.split("\n"))
    return round(n_lines * font_size * 1.4 + 4, 1)


def write_guide(ws: Worksheet, sample: bool = False) -> None:
    """The Mode d'emploi sheet: wrapped French text in one wide column."""
    ws.column_dimensions["A"].width = 2
    ws.column_dimensions["B"].width = GUIDE_WIDTH
    ws.sheet_view.showGridLines = False
    row = 2
    for style, text in guide_lines(sample):
        if style == HEADING:
            row += 1  # blank line before a heading
        cell = ws.cell(row=row, column=2, value=("•  " + text) if style == BULLET else text)
        size = {TITLE: 16, HEADING: 12}.get(style, 11)
        cell.font = Font(
            name=FONT_NAME,
            bold=style in (TITLE, HEADING),
            size=size,
            color="1F4E79" if style in (TITLE, HEADING) else None,
        )
        cell.alignment = Alignment(
            wrap_text=True, vertical="top", indent=1 if style == BULLET else 0
        )
        if style == HEADING:
            cell.border = THIN_BOTTOM
        ws.row_dimensions[row].height = _line_height(cell.value, size)
        row += 1
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


# --------------------------------------------------------------------------------------------
# Workbooks
# --------------------------------------------------------------------------------------------


def _new_workbook(title: str) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    for name in SHEET_ORDER:
        wb.create_sheet(name)
    props = wb.properties
    props.creator = "treso-xl"
    props.lastModifiedBy = "treso-xl"
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    props.title = title
    props.language = "fr-FR"
    wb.active = 0
    return wb


def _fill(wb: Workbook, sample: bool) -> None:
    write_guide(wb[GUIDE_SHEET], sample=sample)
    write_settings_sheet(wb[PARAMETRES_SHEET], sample_data.settings() if sample else None)
    rows = sample_data.sample_rows() if sample else {}
    for sheet in DATA_SHEETS:
        write_data_sheet(wb[sheet.name], sheet, rows.get(sheet.name, []))


_MODIFIED = re.compile(rb"<dcterms:modified([^>]*)>[^<]*</dcterms:modified>")


def _save_reproducibly(wb: Workbook, path: Path) -> None:
    """Save, then rewrite the zip with fixed entry times and a fixed modification date."""
    buffer = io.BytesIO()
    wb.save(buffer)
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _MODIFIED.sub(
                    lambda m: (
                        b"<dcterms:modified" + m.group(1) + b">" + stamp + b"</dcterms:modified>"
                    ),
                    data,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            dst.writestr(entry, data)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())


def build_template(path: str | Path) -> Path:
    """Write the empty template workbook to `path`."""
    path = Path(path)
    wb = _new_workbook("Plan de trésorerie — modèle")
    _fill(wb, sample=False)
    _save_reproducibly(wb, path)
    return path


def build_sample(path: str | Path) -> Path:
    """Write the sample workbook (Atelier Lune Graphique) to `path`."""
    path = Path(path)
    wb = _new_workbook("Plan de trésorerie — exemple Atelier Lune Graphique")
    _fill(wb, sample=True)
    _save_reproducibly(wb, path)
    return path


def default_output_dir() -> Path:
    """workbook_templates/ at the root of the source tree."""
    return Path(__file__).resolve().parents[1] / "workbook_templates"


def main(argv: list[str] | None = None) -> int:
    """Write both workbooks into workbook_templates/ (or the directory given)."""
    parser = argparse.ArgumentParser(description="Rebuild the bundled workbooks.")
    parser.add_argument("output_dir", nargs="?", type=Path, default=default_output_dir())
    args = parser.parse_args(argv)
    for builder, name in ((build_template, TEMPLATE_FILE), (build_sample, SAMPLE_FILE)):
        print(builder(args.output_dir / name))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
