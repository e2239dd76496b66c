"""The Contrôles engine: everything in the typed data that is wrong, doubtful or costs cash."""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from treso_xl import contract
from treso_xl.contract import normalize_label
from treso_xl.core.calendar import month_end
from treso_xl.core.invoices import invoice_key, invoice_positions
from treso_xl.core.records import Ledger
from treso_xl.core.terms import LEGAL_MAX_DAYS, LEGAL_MAX_EOM_DAYS, parse_terms
from treso_xl.french import day, euros, quote

Gravite = Literal["erreur", "avertissement", "conseil"]

ERREUR: Gravite = "erreur"
AVERTISSEMENT: Gravite = "avertissement"
CONSEIL: Gravite = "conseil"
GRAVITES: tuple[Gravite, ...] = (ERREUR, AVERTISSEMENT, CONSEIL)

FEUILLE_ENCAISSEMENTS = contract.ENCAISSEMENTS.name
FEUILLE_DECAISSEMENTS = contract.DECAISSEMENTS.name
FEUILLE_FACTURES = contract.FACTURES.name

# Sheets in the order of the workbook: findings are listed in this order within a gravité.
_SHEET_ORDER = (contract.PARAMETRES_SHEET, *(sheet.name for sheet in contract.DATA_SHEETS))

NBSP = "\u00a0"
_CENT = 0.005  # amounts closer than half a cent are equal
_MAX_LISTED = 5  # a gap of more missing numbers is shown as a range

# Wordings that say nothing of what was sold (compared after _fold).
_VAGUE = re.compile(
    r"(?:prestations?(?: (?:de|des|du) services?)?|services?|divers|travaux|honoraires?"
    r"|factures?|prestations? diverses?)"
)


@dataclass(frozen=True)
class Finding:
    """One line of the Contrôles tab.

    `ligne` is the row number as Excel shows it, None for a remark about a whole sheet. `code` is
    a short stable identifier of the check (for tests and for filtering), never shown.
    """

    gravite: Gravite
    feuille: str
    ligne: int | None
    constat: str
    conseil: str
    code: str


def run_checks(ledger: Ledger, positions: pd.DataFrame | None = None) -> list[Finding]:
    """Every check on the ledger, sorted by gravité (erreur first), then sheet, then row.

    `positions` is `invoice_positions(ledger.factures, ledger.encaissements)`, computed when not
    given. Sheets come in workbook order (Encaissements, Décaissements, Factures, …); a remark
    about a whole sheet (no row) comes before its rows.
    """
    if positions is None:
        positions = invoice_positions(ledger.factures, ledger.encaissements)
    reference = ledger.params.date_reference
    findings: list[Finding] = []
    findings += _invoice_numbers(ledger.factures)
    findings += _client_identity(ledger.factures)
    findings += _vague_wordings(ledger.factures)
    findings += _payment_terms(ledger.factures, positions)
    findings += _payments(ledger.factures, ledger.encaissements, positions)
    findings += _payment_links(ledger.factures)
    findings += _statuses(ledger.encaissements, FEUILLE_ENCAISSEMENTS, reference)
    findings += _statuses(ledger.decaissements, FEUILLE_DECAISSEMENTS, reference)
    findings += _linked_receipts(ledger.factures, ledger.encaissements, positions)
    return sort_findings(findings)


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Gravité (erreur, avertissement, conseil), then sheet in workbook order, then row."""

    def key(finding: Finding) -> tuple[int, int, str, int]:
        sheet = (
            _SHEET_ORDER.index(finding.feuille)
            if finding.feuille in _SHEET_ORDER
            else len(_SHEET_ORDER)
        )
        row = -1 if finding.ligne is None else finding.ligne
        return GRAVITES.index(finding.gravite), sheet, finding.feuille, row

    return sorted(findings, key=key)


def count_by_gravite(findings: list[Finding]) -> dict[Gravite, int]:
    """How many findings of each gravité, every gravité present (possibly 0)."""
    counts: dict[Gravite, int] = dict.fromkeys(GRAVITES, 0)
    for finding in findings:
        counts[finding.gravite] += 1
    return counts


# --- French rendering ------------------------------------------------------------------------


def _date(value: Any) -> str:
    return day(pd.Timestamp(value))


def _rows_text(rows: list[int]) -> str:
    """Rows in French: "ligne 3", "lignes 3 et 5", "lignes 3, 5 et 9"."""
    rows = sorted(set(rows))
    if len(rows) == 1:
        return f"ligne {rows[0]}"
    head = ", ".join(str(r) for r in rows[:-1])
    return f"lignes {head} et {rows[-1]}"


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count <= 1 else (plural or word + 's')}"


def _fold(text: object) -> str:
    """Lower case, no accents, punctuation as spaces, single spaces."""
    s = normalize_label(text)
    s = re.sub(r"[^\w]+", " ", s)
    return " ".join(s.split())


def _records(frame: pd.DataFrame) -> Iterator[tuple[Any, dict[str, Any]]]:
    yield from zip(frame.index, frame.to_dict("records"), strict=True)


def _is_set(value: object) -> bool:
    return value is not None and not pd.isna(value)


def _text(value: object) -> str:
    return "" if not _is_set(value) else str(value).strip()


# --- Factures: numbering ---------------------------------------------------------------------

_NUMBER = re.compile(r"(.*?)(\d+)(\D*)")


@dataclass(frozen=True)
class _Numbered:
    prefix: str
    digits: str
    suffix: str
    value: int
    ligne: int
    date: Any
    facture: str


def _invoice_numbers(factures: pd.DataFrame) -> list[Finding]:
    findings: list[Finding] = []
    keys = invoice_key(factures["facture"])
    rows_by_key: dict[str, list[int]] = {}
    for key, ligne in zip(keys, factures["ligne"], strict=True):
        if key:
            rows_by_key.setdefault(key, []).append(int(ligne))

    series: dict[tuple[str, str], list[_Numbered]] = {}
    for _, row in _records(factures):
        number = _text(row["facture"])
        ligne = int(row["ligne"])
        if not number:
            findings.append(
                Finding(
                    ERREUR,
                    FEUILLE_FACTURES,
                    ligne,
                    "Facture sans numéro.",
                    "Chaque facture doit porter un numéro unique, pris dans une série continue "
                    "et chronologique : saisissez le numéro figurant sur la facture.",
                    "facture_sans_numero",
                )
            )
            continue
        others = [r for r in rows_by_key[normalize_label(number)] if r != ligne]
        if others:
            findings.append(
                Finding(
                    ERREUR,
                    FEUILLE_FACTURES,
                    ligne,
                    f"Le numéro de facture {quote(number)} est aussi utilisé {_rows_text(others)}.",
                    "Un numéro de facture est unique : s'il s'agit d'une saisie en double, "
                    "supprimez l'une des lignes ; sinon corrigez le numéro d'après la facture "
                    "émise. Tant que le doublon reste, seule la première ligne reçoit les "
                    "encaissements liés.",
                    "facture_doublon",
                )
            )
        match = _NUMBER.fullmatch(number)
        if match:
            prefix, digits, suffix = match.groups()
            item = _Numbered(prefix, digits, suffix, int(digits), ligne, row["date"], number)
            series.setdefault((normalize_label(prefix), normalize_label(suffix)), []).append(item)

    for items in series.values():
        findings += _series_findings(items)
    return findings


def _series_name(item: _Numbered) -> str:
    if not item.prefix and not item.suffix:
        return "sans préfixe"
    if not item.suffix:
        return item.prefix
    return f"{item.prefix}…{item.suffix}"


def _series_findings(items: list[_Numbered]) -> list[Finding]:
    findings: list[Finding] = []
    first_by_value: dict[int, _Numbered] = {}
    for item in sorted(items, key=lambda i: (i.value, i.ligne)):
        first_by_value.setdefault(item.value, item)
    ordered = list(first_by_value.values())
    padded = [i.digits for i in ordered if len(i.digits) > 1 and i.digits.startswith("0")]
    width = min(len(d) for d in padded) if padded else 0
    name = _series_name(ordered[0])

    def shown(value: int) -> str:
        return str(value).zfill(width)

    for previous, current in itertools.pairwise(ordered):
        missing = current.value - previous.value - 1
        if missing > 0:
            if missing <= _MAX_LISTED:
                listed = ", ".join(shown(v) for v in range(previous.value + 1, current.value))
            else:
                listed = (
                    f"{shown(previous.value + 1)} à {shown(current.value - 1)} ({missing} numéros)"
                )
            label = "Numéros absents" if missing > 1 else "Numéro absent"
            findings.append(
                Finding(
                    AVERTISSEMENT,
                    FEUILLE_FACTURES,
                    current.ligne,
                    f"{label} dans la série {name} : {listed} (entre {quote(previous.facture)}, "
                    f"ligne {previous.ligne}, et {quote(current.facture)}, "
                    f"ligne {current.ligne}).",
                    "La numérotation des factures doit être continue et chronologique : si ces "
                    "numéros ont été émis, saisissez les factures correspondantes ; une facture "
                    "annulée garde son numéro et s'annule par un avoir, elle ne se supprime pas.",
                    "numeros_absents",
                )
            )
        if (
            _is_set(previous.date)
            and _is_set(current.date)
            and pd.Timestamp(current.date) < pd.Timestamp(previous.date)
        ):
            findings.append(
                Finding(
                    AVERTISSEMENT,
                    FEUILLE_FACTURES,
                    current.ligne,
                    f"La facture {quote(current.facture)} est datée du {_date(current.date)}, "
                    f"avant la facture précédente {quote(previous.facture)} "
                    f"({_date(previous.date)}, ligne {previous.ligne}).",
                    "Les numéros de facture doivent suivre l'ordre chronologique : vérifiez la "
                    "date des deux factures ; une facture n'est jamais antidatée.",
                    "numero_non_chronologique",
                )
            )
    return findings


# --- Factures: client identity ---------------------------------------------------------------


def _client_identity(factures: pd.DataFrame) -> list[Finding]:
    findings: list[Finding] = []
    pro = factures.loc[factures["type_client"] == "Professionnel"]
    missing_siren: dict[str, list[int]] = {}
    missing_email: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    known_siren: dict[str, str] = {}
    known_email: dict[str, str] = {}
    for _, row in _records(pro):
        client = _text(row["client"])
        key = normalize_label(client)
        names.setdefault(key, client)
        ligne = int(row["ligne"])
        siren = _text(row["siren_client"])
        if not siren:
            missing_siren.setdefault(key, []).append(ligne)
        elif stdnum_siren.is_valid(siren):
            known_siren.setdefault(key, siren)
        else:
            findings.append(_invalid_siren(client, siren, ligne))
        email = _text(row["email_client"])
        if email:
            known_email.setdefault(key, email)
        else:
            missing_email.setdefault(key, []).append(ligne)

    for key, rows in missing_siren.items():
        client = quote(names[key]) if names[key] else "sans nom"
        hint = (
            f" Il figure déjà sur une autre facture de ce client : {known_siren[key]}."
            if key in known_siren
            else ""
        )
        findings.append(
            Finding(
                CONSEIL,
                FEUILLE_FACTURES,
                min(rows),
                f"SIREN client vide pour le client professionnel {client} ({_rows_text(rows)}).",
                "Le SIREN du client sera une mention obligatoire des factures à partir du "
                "1er septembre 2027 (facturation électronique) ; il permet aussi de vérifier le "
                "client sur annuaire-entreprises.data.gouv.fr avant de lui faire crédit." + hint,
                "siren_client_manquant",
            )
        )
    for key, rows in missing_email.items():
        client = quote(names[key]) if names[key] else "sans nom"
        hint = (
            f" Une autre facture de ce client en porte une : {known_email[key]}."
            if key in known_email
            else ""
        )
        findings.append(
            Finding(
                CONSEIL,
                FEUILLE_FACTURES,
                min(rows),
                f"Email client vide pour le client professionnel {client} ({_rows_text(rows)}).",
                "Sans adresse e-mail, les relances ne peuvent pas être envoyées dès l'échéance "
                "dépassée : demandez l'adresse du service comptable du client." + hint,
                "email_client_manquant",
            )
        )
    return findings


def _invalid_siren(client: str, siren: str, ligne: int) -> Finding:
    digits = re.sub(r"[\s.]", "", siren)
    if digits.isdigit() and len(digits) == 14 and stdnum_siret.is_valid(digits):
        advice = (
            f"C'est un numéro SIRET (14 chiffres) : le SIREN en est les 9 premiers chiffres, "
            f"{digits[:9]}."
        )
    elif digits.isdigit() and len(digits) != 9:
        advice = (
            f"Un SIREN compte 9 chiffres ({len(digits)} saisis) : recopiez-le depuis un "
            "document du client ou annuaire-entreprises.data.gouv.fr."
        )
    else:
        advice = (
            "La clé de contrôle du numéro ne correspond pas (chiffre mal recopié ?) : "
            "vérifiez-le sur annuaire-entreprises.data.gouv.fr."
        )
    shown = quote(client) if client else "sans nom"
    return Finding(
        AVERTISSEMENT,
        FEUILLE_FACTURES,
        ligne,
        f"SIREN client {quote(siren)} invalide pour le client {shown}.",
        advice,
        "siren_client_invalide",
    )


# --- Factures: wording -----------------------------------------------------------------------


def _vague_wordings(factures: pd.DataFrame) -> list[Finding]:
    findings: list[Finding] = []
    advice = (
        "Décrivez précisément ce qui a été vendu (nature, quantité, prix unitaire, période) : "
        "c'est une mention obligatoire, et une facture claire est payée plus vite."
    )
    for _, row in _records(factures):
        libelle = _text(row["libelle"])
        ligne = int(row["ligne"])
        number = quote(_text(row["facture"]))
        if not libelle:
            findings.append(
                Finding(
                    AVERTISSEMENT,
                    FEUILLE_FACTURES,
                    ligne,
                    f"Libellé vide pour la facture {number}.",
                    advice,
                    "libelle_vide",
                )
            )
        elif _VAGUE.fullmatch(_fold(libelle)):
            findings.append(
                Finding(
                    AVERTISSEMENT,
                    FEUILLE_FACTURES,
                    ligne,
                    f"Libellé trop vague pour la facture {number} : {quote(libelle)}.",
                    advice,
                    "libelle_vague",
                )
            )
    return findings


# --- Factures: payment terms -----------------------------------------------------------------


def _latest_legal_due(invoice_date: dt.date) -> dt.date:
    """The latest due date allowed between professionals under any accepted reading."""
    return max(
        invoice_date + dt.timedelta(days=LEGAL_MAX_DAYS),
        month_end(invoice_date + dt.timedelta(days=LEGAL_MAX_EOM_DAYS)),
        month_end(invoice_date) + dt.timedelta(days=LEGAL_MAX_EOM_DAYS),
    )


def _payment_terms(factures: pd.DataFrame, positions: pd.DataFrame) -> list[Finding]:
    findings: list[Finding] = []
    for index, row in _records(factures):
        ligne = int(row["ligne"])
        number = quote(_text(row["facture"]))
        wording = _text(row["conditions"])
        terms = positions.at[index, "termes"] if "termes" in positions else parse_terms(wording)
        typed_due = _is_set(row["echeance"])
        pro = row["type_client"] == "Professionnel"
        if terms.empty:
            if not typed_due:
                findings.append(
                    Finding(
                        AVERTISSEMENT,
                        FEUILLE_FACTURES,
                        ligne,
                        f"Conditions de paiement vides pour la facture {number} : le délai "
                        "légal par défaut de 30 jours après la date de facture est utilisé.",
                        "Indiquez les conditions de paiement sur chaque facture (par exemple "
                        f"{quote('À réception')} ou {quote('30 jours')}) : un délai écrit est "
                        "un délai tenu, et c'est une mention obligatoire.",
                        "conditions_vides",
                    )
                )
            continue
        if not terms.known:
            used = (
                f"l'échéance saisie ({_date(row['echeance'])}) est utilisée"
                if typed_due
                else "le délai de 30 jours après la date de facture est utilisé"
            )
            findings.append(
                Finding(
                    AVERTISSEMENT,
                    FEUILLE_FACTURES,
                    ligne,
                    f"Conditions de paiement non reconnues pour la facture {number} : "
                    f"{quote(wording)} ; {used}.",
                    f"Employez une formule usuelle : {quote('À réception')}, "
                    f"{quote('30 jours')}, {quote('45 jours fin de mois')}, "
                    f"{quote('60 jours')} ; le client sait alors sans ambiguïté "
                    "quand payer.",
                    "conditions_inconnues",
                )
            )
            continue
        if terms.beyond_legal_maximum:
            if pro:
                findings.append(
                    Finding(
                        ERREUR,
                        FEUILLE_FACTURES,
                        ligne,
                        f"Conditions de paiement {quote(wording)} au-delà du délai légal pour "
                        f"la facture {number} à un professionnel.",
                        "Entre professionnels, le délai de paiement ne peut dépasser 60 jours "
                        "après la date de facture, ou 45 jours fin de mois (Code de commerce, "
                        "art. L441-10) : ramenez-le à 30 jours, votre trésorerie y gagne.",
                        "conditions_hors_delai_legal",
                    )
                )
            else:
                findings.append(
                    Finding(
                        CONSEIL,
                        FEUILLE_FACTURES,
                        ligne,
                        f"Conditions de paiement {quote(wording)} très longues pour la "
                        f"facture {number} à un particulier.",
                        "Un délai long retarde votre encaissement : demandez plutôt un paiement "
                        "à réception, ou un acompte à la commande.",
                        "conditions_hors_delai_legal",
                    )
                )
            continue
        if pro and typed_due and _is_set(row["date"]):
            invoice_date = pd.Timestamp(row["date"]).date()
            due = pd.Timestamp(row["echeance"]).date()
            latest = _latest_legal_due(invoice_date)
            if due > latest:
                findings.append(
                    Finding(
                        AVERTISSEMENT,
                        FEUILLE_FACTURES,
                        ligne,
                        f"Échéance {_date(due)} de la facture {number} à "
                        f"{(due - invoice_date).days} jours de la date de facture "
                        f"({_date(invoice_date)}), au-delà du délai légal entre professionnels "
                        f"(au plus tard le {_date(latest)}).",
                        "Entre professionnels, le délai de paiement ne peut dépasser 60 jours "
                        "après la date de facture, ou 45 jours fin de mois (Code de commerce, "
                        "art. L441-10) : vérifiez l'échéance ; s'il s'agit d'un report accordé "
                        "après coup, gardez-en une trace écrite.",
                        "echeance_hors_delai_legal",
                    )
                )
    return findings


# --- Factures: payments ----------------------------------------------------------------------


def _payments(
    factures: pd.DataFrame, encaissements: pd.DataFrame, positions: pd.DataFrame
) -> list[Finding]:
    findings: list[Finding] = []
    keys = invoice_key(encaissements["facture"])
    for index, row in _records(factures):
        ligne = int(row["ligne"])
        number = _text(row["facture"])
        amount = row["montant"]
        paid_on = row["date_paiement"]
        if _is_set(paid_on) and _is_set(row["date"]) and paid_on < row["date"]:
            findings.append(
                Finding(
                    AVERTISSEMENT,
                    FEUILLE_FACTURES,
                    ligne,
                    f"Date de paiement {_date(paid_on)} antérieure à la date de la facture "
                    f"{quote(number)} ({_date(row['date'])}).",
                    "Vérifiez les deux dates. Un paiement reçu avant la facture est un acompte : "
                    "il appelle une facture d'acompte datée du jour du paiement.",
                    "paiement_avant_facture",
                )
            )
        if not _is_set(amount):
            continue
        typed_paid = row["montant_paye"]
        if _is_set(typed_paid) and typed_paid > amount + _CENT:
            findings.append(
                Finding(
                    ERREUR,
                    FEUILLE_FACTURES,
                    ligne,
                    f"Montant payé {euros(typed_paid)} supérieur au montant de la facture "
                    f"{quote(number)} ({euros(amount)}) : trop-perçu de "
                    f"{euros(typed_paid - amount)}.",
                    "Vérifiez le montant saisi ; si le client a vraiment trop payé, remboursez-le "
                    "ou émettez un avoir du trop-perçu.",
                    "trop_percu",
                )
            )
            continue
        paid = positions.at[index, "paye"] if "paye" in positions else 0.0
        if not _is_set(paid_on) and paid > amount + _CENT:
            key = normalize_label(number)
            rows = encaissements.loc[
                (keys == key) & (encaissements["statut"] == "Réalisé"), "ligne"
            ].astype(int)
            findings.append(
                Finding(
                    ERREUR,
                    FEUILLE_FACTURES,
                    ligne,
                    f"Les encaissements liés à la facture {quote(number)} (Encaissements, "
                    f"{_rows_text(list(rows))}) totalisent {euros(paid)}, plus que son montant "
                    f"({euros(amount)}) : trop-perçu de {euros(paid - amount)}.",
                    "Vérifiez les montants et les numéros de facture des encaissements (un "
                    "paiement saisi deux fois ?) ; si le client a vraiment trop payé, "
                    "remboursez-le ou émettez un avoir.",
                    "trop_percu",
                )
            )
    return findings


def _payment_links(factures: pd.DataFrame) -> list[Finding]:
    findings: list[Finding] = []
    for _, row in _records(factures):
        link = _text(row["lien_paiement"])
        if link and not re.fullmatch(r"(?i)https?://\S+", link):
            findings.append(
                Finding(
                    AVERTISSEMENT,
                    FEUILLE_FACTURES,
                    int(row["ligne"]),
                    f"Lien de paiement {quote(link)} invalide pour la facture "
                    f"{quote(_text(row['facture']))} : il ne commence pas par https://.",
                    "Copiez le lien complet fourni par votre banque ou votre solution de "
                    "paiement (https://…) : un lien cliquable dans la relance fait payer plus "
                    "vite.",
                    "lien_paiement_invalide",
                )
            )
    return findings


# --- Encaissements and Décaissements ---------------------------------------------------------


def _statuses(frame: pd.DataFrame, feuille: str, reference: dt.date) -> list[Finding]:
    findings: list[Finding] = []
    today = pd.Timestamp(reference)
    recurring = "recurrence" in frame
    for _, row in _records(frame):
        day = row["date"]
        if not _is_set(day):
            continue
        ligne = int(row["ligne"])
        libelle = quote(_text(row["libelle"]))
        if row["statut"] == "Réalisé" and day > today:
            findings.append(
                Finding(
                    AVERTISSEMENT,
                    feuille,
                    ligne,
                    f"{quote('Réalisé')} en date future : {libelle} daté du {_date(day)}, "
                    f"après la date de référence ({_date(reference)}).",
                    "Un mouvement réalisé a déjà eu lieu : corrigez la date, ou passez le "
                    f"statut à {quote('Prévu')} s'il reste à venir.",
                    "realise_futur",
                )
            )
        elif row["statut"] == "Prévu" and day < today:
            if recurring and row["recurrence"] not in ("Aucune", "", None):
                continue  # the first date of a series may be past: the series goes on
            findings.append(
                Finding(
                    AVERTISSEMENT,
                    feuille,
                    ligne,
                    f"{quote('Prévu')} en date passée : {libelle} daté du {_date(day)}, "
                    f"avant la date de référence ({_date(reference)}).",
                    "Mettez la ligne à jour : a-t-elle été payée ? Si oui, passez le statut à "
                    f"{quote('Réalisé')} avec la date réelle ; sinon reportez la date au jour "
                    "attendu.",
                    "prevu_passe",
                )
            )
    return findings


def _linked_receipts(
    factures: pd.DataFrame, encaissements: pd.DataFrame, positions: pd.DataFrame
) -> list[Finding]:
    findings: list[Finding] = []
    keys = invoice_key(factures["facture"])
    invoice_by_key: dict[str, Any] = {}
    for index, key in zip(factures.index, keys, strict=True):
        if key:
            invoice_by_key.setdefault(key, index)
    spelled = {key: _text(factures.at[i, "facture"]) for key, i in invoice_by_key.items()}
    for _, row in _records(encaissements):
        number = _text(row["facture"])
        if not number:
            continue
        ligne = int(row["ligne"])
        key = normalize_label(number)
        if key not in invoice_by_key:
            close = difflib.get_close_matches(key, list(invoice_by_key), n=1, cutoff=0.8)
            hint = f"Vouliez-vous dire {quote(spelled[close[0]])} ? " if close else ""
            findings.append(
                Finding(
                    AVERTISSEMENT,
                    FEUILLE_ENCAISSEMENTS,
                    ligne,
                    f"N° facture {quote(number)} introuvable dans Factures : la ligne est "
                    "comptée comme un encaissement ordinaire.",
                    hint + "Corrigez le numéro, ou saisissez la facture dans Factures ; sinon le "
                    "paiement risque d'être compté deux fois (ici et dans Factures).",
                    "facture_inconnue",
                )
            )
            continue
        index = invoice_by_key[key]
        invoice = factures.loc[index]
        amount = row["montant"]
        if not _is_set(amount):
            continue
        if row["statut"] == "Prévu":
            rest = float(positions.at[index, "reste_du"]) if "reste_du" in positions else 0.0
            if abs(amount - rest) > _CENT:
                state = "déjà soldée" if rest <= _CENT else f"dont le reste dû est {euros(rest)}"
                findings.append(
                    Finding(
                        CONSEIL,
                        FEUILLE_ENCAISSEMENTS,
                        ligne,
                        f"Montant prévu {euros(amount)} pour la facture "
                        f"{quote(spelled[key])}, {state}.",
                        "Le plan retient le reste dû de la facture à son échéance, pas cette "
                        "ligne : corrigez le montant, ou supprimez la ligne si la facture est "
                        "payée.",
                        "encaissement_montant_different",
                    )
                )
        elif _is_set(invoice["date_paiement"]):
            recorded = invoice["montant_paye"]
            recorded = recorded if _is_set(recorded) else invoice["montant"]
            if _is_set(recorded) and abs(amount - recorded) > _CENT:
                findings.append(
                    Finding(
                        CONSEIL,
                        FEUILLE_ENCAISSEMENTS,
                        ligne,
                        f"Encaissement de {euros(amount)} pour la facture "
                        f"{quote(spelled[key])}, alors que Factures (ligne "
                        f"{int(invoice['ligne'])}) indique un paiement de {euros(recorded)} "
                        f"le {_date(invoice['date_paiement'])}.",
                        "Seul le paiement saisi dans Factures est compté : harmonisez les deux "
                        "montants, ou videz la date de paiement dans Factures pour que les "
                        "encaissements liés fassent foi.",
                        "encaissement_montant_different",
                    )
                )
    return findings
