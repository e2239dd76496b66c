"""The workbook contract (shared/spec/classeur.md) as data: sheets, columns, closed lists, tabs."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

import numpy as np
import pandas as pd

from treso_xl import fold_cache


def normalize_label(text: object) -> str:
    """Fold a header or a closed-list value: no case, accents, surrounding spaces, trailing unit.

    "  Montant (€) " -> "montant"; "Échéance" -> "echeance"; "N° facture" -> "n° facture".
    """
    return _fold(text if isinstance(text, str) else str(text or ""))


@lru_cache(maxsize=200_000)
def _fold(text: str) -> str:
    s = text.strip()
    # a trailing unit such as "(€)", "(jours)", "(%)"
    if s.endswith(")") and "(" in s:
        head = s[: s.rindex("(")].rstrip()
        if head:
            s = head
    if s.isascii():  # nothing to decompose nor drop: the usual invoice number or label
        return " ".join(s.lower().split())
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.replace("’", "'").replace("º", "°")
    return " ".join(s.lower().split())


# In texts joined by NUL: what makes `_fold` more than `lower` for some ASCII text (white space
# other than single inner spaces, a trailing ")" that may close a unit). Plain substring searches:
# a regular expression with alternatives scans far slower.
_NOT_PLAIN = (
    "\t", "\n", "\x0b", "\x0c", "\r", "\x1c", "\x1d", "\x1e", "\x1f",
    "  ", "\x00 ", " \x00", ")\x00",
)  # fmt: skip


def _fold_all(texts: list[str]) -> list[str]:
    """`_fold` of each text; plain ASCII texts (invoice numbers) lowered in one C call."""
    if texts:
        joined = "\x00".join(texts)
        if (
            joined.isascii()
            and joined.count("\x00") == len(texts) - 1  # no text holds a NUL
            and not joined.startswith(" ")
            and not joined.endswith((" ", ")"))
            and not any(odd in joined for odd in _NOT_PLAIN)
        ):
            return joined.lower().split("\x00")
    return list(map(_fold, texts))


def normalize_sheet_name(text: str) -> str:
    """Fold an input sheet's name: no case, no accents, no surrounding spaces, nothing dropped.

    "  FACTURÉS " -> "factures"; "Factures (2024)" stays another sheet: "factures (2024)".
    """
    s = unicodedata.normalize("NFKD", text.strip())
    return "".join(ch for ch in s if not unicodedata.combining(ch)).casefold()


def normalize_series(values: pd.Series) -> pd.Series:
    """`normalize_label` over a whole column, computed once per distinct value ("" if empty),
    and once per column of the reader's frames (`fold_cache`)."""
    folded = fold_cache.cached(values)
    if folded is None:
        texts = values.fillna("").astype(str)
        codes, distinct = pd.factorize(texts)
        folded = np.array(_fold_all(distinct.tolist()), dtype=object)
        folded = folded[codes]
        fold_cache.store(values, folded)
    return pd.Series(folded, index=values.index, name=values.name, dtype=object, copy=True)


class Kind(Enum):
    """What a column holds, which decides how its cells are parsed."""

    TEXT = "texte"
    DATE = "date"
    AMOUNT = "montant"  # euros, >= 0 for optional amounts, > 0 where required
    CHOICE = "liste"
    INTEGER = "entier"
    RATE = "taux"  # percentage, "12,15 %" or 0.1215
    EMAIL = "email"
    URL = "url"


@dataclass(frozen=True)
class Column:
    """One column of an input sheet."""

    name: str
    field: str  # identifier of the column in the frames the reader returns
    kind: Kind
    required: bool = False
    choices: tuple[str, ...] = ()
    default: object = None
    positive: bool = False  # amount must be > 0 (else >= 0)
    signed: bool = False  # amount may be negative (Banque's Montant: debits < 0)
    width: float = 14.0  # template column width

    @property
    def key(self) -> str:
        return normalize_label(self.name)


@dataclass(frozen=True)
class Sheet:
    """One input sheet: its name, columns and whether a workbook may leave it out."""

    name: str
    columns: tuple[Column, ...]
    optional: bool = False

    @property
    def key(self) -> str:
        return normalize_label(self.name)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.key == normalize_label(name):
                return col
        raise KeyError(name)


STATUT = ("Prévu", "Réalisé")
RECURRENCE = ("Aucune", "Mensuelle", "Trimestrielle", "Annuelle")
ACTIVITES = (
    "Vente de marchandises",
    "Prestations de services BIC",
    "Prestations de services BNC",
    "Profession libérale CIPAV",
)
TYPE_CLIENT = ("Professionnel", "Particulier")
DECLARATION = ("Mensuelle", "Trimestrielle")
OUI_NON = ("Oui", "Non")
MODES_PAIEMENT = ("Virement", "Carte / lien de paiement", "Chèque", "Espèces", "Prélèvement")
# Catégories that are not turnover (contract: "Rules that keep figures honest").
NOT_TURNOVER = ("Apport", "Emprunt", "Remboursement", "Virement interne", "Subvention")

ENCAISSEMENTS = Sheet(
    "Encaissements",
    (
        Column("Date", "date", Kind.DATE, required=True, width=12),
        Column("Libellé", "libelle", Kind.TEXT, required=True, width=34),
        Column("Client", "client", Kind.TEXT, width=22),
        Column("Montant", "montant", Kind.AMOUNT, required=True, positive=True, width=13),
        Column("Catégorie", "categorie", Kind.TEXT, width=16),
        Column("Statut", "statut", Kind.CHOICE, choices=STATUT, default="Prévu", width=10),
        Column("N° facture", "facture", Kind.TEXT, width=13),
        Column("Mode de paiement", "mode_paiement", Kind.TEXT, width=18),
        Column("Référence", "reference", Kind.TEXT, width=16),
    ),
)

DECAISSEMENTS = Sheet(
    "Décaissements",
    (
        Column("Date", "date", Kind.DATE, required=True, width=12),
        Column("Libellé", "libelle", Kind.TEXT, required=True, width=34),
        Column("Fournisseur", "fournisseur", Kind.TEXT, width=22),
        Column("Montant", "montant", Kind.AMOUNT, required=True, positive=True, width=13),
        Column("Catégorie", "categorie", Kind.TEXT, width=16),
        Column(
            "Récurrence", "recurrence", Kind.CHOICE, choices=RECURRENCE, default="Aucune", width=14
        ),
        Column("Fin", "fin", Kind.DATE, width=12),
        Column("Statut", "statut", Kind.CHOICE, choices=STATUT, default="Prévu", width=10),
        Column("N° facture", "facture", Kind.TEXT, width=13),
        Column("Mode de paiement", "mode_paiement", Kind.TEXT, width=18),
        Column("Référence", "reference", Kind.TEXT, width=16),
    ),
)

FACTURES = Sheet(
    "Factures",
    (
        Column("N° facture", "facture", Kind.TEXT, required=True, width=13),
        Column("Date", "date", Kind.DATE, required=True, width=12),
        Column("Client", "client", Kind.TEXT, required=True, width=22),
        Column(
            "Type de client",
            "type_client",
            Kind.CHOICE,
            choices=TYPE_CLIENT,
            default="Professionnel",
            width=15,
        ),
        Column("SIREN client", "siren_client", Kind.TEXT, width=12),
        Column("Email client", "email_client", Kind.EMAIL, width=26),
        Column("Libellé", "libelle", Kind.TEXT, width=34),
        Column("Montant", "montant", Kind.AMOUNT, required=True, positive=True, width=13),
        Column("Conditions de paiement", "conditions", Kind.TEXT, width=22),
        Column("Échéance", "echeance", Kind.DATE, width=12),
        Column("Date de paiement", "date_paiement", Kind.DATE, width=13),
        Column("Montant payé", "montant_paye", Kind.AMOUNT, width=13),
        Column("Mode de paiement", "mode_paiement", Kind.TEXT, width=20),
        Column("Lien de paiement", "lien_paiement", Kind.URL, width=30),
    ),
)

FOURNISSEURS = Sheet(
    "Fournisseurs",
    (
        Column("N°", "numero", Kind.TEXT, width=12),
        Column("Date", "date", Kind.DATE, required=True, width=12),
        Column("Fournisseur", "fournisseur", Kind.TEXT, required=True, width=22),
        Column("Montant", "montant", Kind.AMOUNT, required=True, positive=True, width=13),
        Column("Échéance", "echeance", Kind.DATE, width=12),
        Column("Date de paiement", "date_paiement", Kind.DATE, width=13),
    ),
    optional=True,
)

STOCK = Sheet(
    "Stock",
    (
        Column("Article", "article", Kind.TEXT, required=True, width=28),
        Column("Quantité", "quantite", Kind.AMOUNT, required=True, width=10),
        Column("Coût unitaire", "cout_unitaire", Kind.AMOUNT, required=True, width=13),
        Column("Dernière vente", "derniere_vente", Kind.DATE, width=13),
        Column("Ventes 90 jours", "ventes_90j", Kind.AMOUNT, width=13),
        Column("Délai fournisseur (jours)", "delai_fournisseur", Kind.INTEGER, width=14),
    ),
    optional=True,
)

PROJETS = Sheet(
    "Projets",
    (
        Column("Projet", "projet", Kind.TEXT, required=True, width=24),
        Column("Client", "client", Kind.TEXT, required=True, width=22),
        Column(
            "Montant total", "montant_total", Kind.AMOUNT, required=True, positive=True, width=14
        ),
        Column("Début", "debut", Kind.DATE, required=True, width=12),
        Column("Livraison", "livraison", Kind.DATE, required=True, width=12),
        Column("Échéancier", "echeancier", Kind.TEXT, width=12),
        Column("Conditions de paiement", "conditions", Kind.TEXT, width=22),
    ),
    optional=True,
)

# Statuts du rapprochement a user may type in Banque (empty: the engine decides).
STATUTS_RAPPROCHEMENT = ("Automatique", "Manuel", "Ignoré")

# Bank lines, created by `treso-xl importer` and then only appended to; the refresh never
# writes into it. Montant is signed (credit > 0, debit < 0). Réf. banque holds the operation id
# the import dedupes on (the bank's own id, else a hash). Catégorie and Facture are the user's.
BANQUE = Sheet(
    "Banque",
    (
        Column("Date", "date", Kind.DATE, required=True, width=12),
        Column("Libellé", "libelle", Kind.TEXT, required=True, width=44),
        Column("Montant", "montant", Kind.AMOUNT, required=True, signed=True, width=13),
        Column("Réf. banque", "ref_banque", Kind.TEXT, width=22),
        Column("Compte", "compte", Kind.TEXT, width=30),
        Column("Catégorie", "categorie", Kind.TEXT, width=16),
        Column("Facture", "facture", Kind.TEXT, width=13),
        Column(
            "Statut du rapprochement",
            "statut_rapprochement",
            Kind.CHOICE,
            choices=STATUTS_RAPPROCHEMENT,
            default="Automatique",
            width=16,
        ),
        Column("Solde après opération", "solde", Kind.AMOUNT, signed=True, width=14),
    ),
    optional=True,
)

DATA_SHEETS: tuple[Sheet, ...] = (
    ENCAISSEMENTS,
    DECAISSEMENTS,
    FACTURES,
    FOURNISSEURS,
    STOCK,
    PROJETS,
)
# Input sheets the accountant's export copies as values: the data sheets and the bank lines.
EXPORTED_SHEETS: tuple[Sheet, ...] = (*DATA_SHEETS, BANQUE)

PARAMETRES_SHEET = "Paramètres"


@dataclass(frozen=True)
class Setting:
    """One row of the Paramètres sheet."""

    name: str
    field: str  # attribute of Params
    kind: Kind
    required: bool = False
    choices: tuple[str, ...] = ()
    default: object = None
    signed: bool = False  # an amount that may be negative
    template_value: object = None  # what the empty template shows
    help: str = ""

    @property
    def key(self) -> str:
        return normalize_label(self.name)


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "Entreprise", "entreprise", Kind.TEXT, required=True, help="Nom commercial de l'entreprise"
    ),
    Setting(
        "SIREN", "siren", Kind.TEXT, help="9 chiffres (obligatoire pour l'export au comptable)"
    ),
    Setting(
        "Activité",
        "activite",
        Kind.CHOICE,
        required=True,
        choices=ACTIVITES,
        help="Détermine le taux des cotisations URSSAF",
    ),
    Setting(
        "Déclaration URSSAF",
        "declaration",
        Kind.CHOICE,
        choices=DECLARATION,
        default="Mensuelle",
        template_value="Mensuelle",
        help="Mensuelle ou Trimestrielle",
    ),
    Setting(
        "Versement libératoire",
        "versement_liberatoire",
        Kind.CHOICE,
        choices=OUI_NON,
        default="Non",
        template_value="Non",
        help="Option pour le versement libératoire de l'impôt",
    ),
    Setting(
        "ACRE",
        "acre",
        Kind.CHOICE,
        choices=OUI_NON,
        default="Non",
        template_value="Non",
        help="Aide à la création : réduction la première année",
    ),
    Setting(
        "Date de début d'activité",
        "debut_activite",
        Kind.DATE,
        help="Date de création de l'entreprise",
    ),
    Setting(
        "Solde initial",
        "solde_initial",
        Kind.AMOUNT,
        required=True,
        signed=True,
        help="Solde du compte bancaire à la date ci-dessous (peut être négatif)",
    ),
    Setting(
        "Date du solde initial",
        "date_solde",
        Kind.DATE,
        required=True,
        help="Les mouvements jusqu'à cette date sont déjà dans le solde",
    ),
    Setting(
        "Date de référence",
        "date_reference",
        Kind.DATE,
        help="« Aujourd’hui » pour la balance âgée et les relances ; vide = jour du calcul",
    ),
    Setting(
        "Horizon (mois)",
        "horizon",
        Kind.INTEGER,
        default=12,
        template_value=12,
        help="Nombre de mois du plan, de 1 à 36",
    ),
    Setting(
        "Seuil d'alerte",
        "seuil",
        Kind.AMOUNT,
        default=0.0,
        template_value=0,
        signed=True,
        help="Solde en dessous duquel un mois est signalé",
    ),
    Setting(
        "Taux de pénalités",
        "taux_penalites",
        Kind.RATE,
        help="Taux annuel des pénalités de retard ; vide = taux BCE + 10 points",
    ),
    Setting(
        "Email du comptable",
        "email_comptable",
        Kind.EMAIL,
        help="Adresse à laquelle l'export est envoyé",
    ),
    Setting(
        "Taux du crédit de trésorerie",
        "taux_credit",
        Kind.RATE,
        help="Taux annuel d'un crédit court terme proposé ; vide = besoin affiché sans coût",
    ),
    Setting(
        "Rappel avant échéance (jours)",
        "rappel_jours",
        Kind.INTEGER,
        help="Jours avant l'échéance pour un rappel courtois ; vide = aucun",
    ),
    Setting(
        "IBAN",
        "iban",
        Kind.TEXT,
        help="Compte sur lequel les clients paient, cité dans les relances",
    ),
    Setting("Adresse", "adresse", Kind.TEXT, help="Adresse postale, pour la mise en demeure"),
    Setting(
        "CFE de l'an dernier",
        "cfe_an_dernier",
        Kind.AMOUNT,
        help="Montant de la cotisation foncière des entreprises payée l'an dernier ; sert "
        "d'estimation pour le 15 décembre",
    ),
    Setting(
        "TVA",
        "tva",
        Kind.CHOICE,
        choices=OUI_NON,
        default="Non",
        template_value="Non",
        help="Oui une fois la franchise en base perdue : la TVA due est prévue dans le plan",
    ),
    Setting(
        "Taux de TVA",
        "taux_tva",
        Kind.RATE,
        help="Taux de TVA de vos ventes, si TVA = Oui ; vide = 20 %",
    ),
)

# Generated tabs, in the order they are appended to the workbook.
TAB_PREVISIONNEL = "Prévisionnel"
TAB_BFR = "BFR"
TAB_DEPENSES = "Dépenses"
TAB_BALANCE_AGEE = "Balance âgée"
TAB_RELANCES = "Relances"
TAB_COURRIERS = "Courriers"  # the reminders' letters, linked from Relances' Texte column
TAB_URSSAF = "URSSAF"
TAB_TABLEAU_DE_BORD = "Tableau de bord"
TAB_CONTROLES = "Contrôles"
TAB_RAPPROCHEMENT = "Rapprochement"  # bank lines matched, ambiguous, unmatched (Banque present)
GENERATED_TABS: tuple[str, ...] = (
    TAB_TABLEAU_DE_BORD,
    TAB_PREVISIONNEL,
    TAB_BFR,
    TAB_DEPENSES,
    TAB_BALANCE_AGEE,
    TAB_RELANCES,
    TAB_COURRIERS,
    TAB_URSSAF,
    TAB_CONTROLES,
)

# Every tab the tool may write: the fixed ones, and Rapprochement when Banque has lines.
TOOL_TABS: tuple[str, ...] = (*GENERATED_TABS, TAB_RAPPROCHEMENT)

# Fixed row labels of the Prévisionnel tab.
LABEL_OPENING = "Solde d'ouverture"
LABEL_TOTAL_IN = "Total encaissements"
LABEL_TOTAL_OUT = "Total décaissements"
LABEL_NET = "Flux net"
LABEL_CLOSING = "Solde de clôture"
LABEL_LOW = "Point bas du mois"
LABEL_OVERDUE_MEMO = "Retards clients à encaisser"

HORIZON_MIN, HORIZON_MAX = 1, 36
