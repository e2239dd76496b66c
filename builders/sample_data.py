"""Data of the bundled sample workbook: a year of Atelier Lune Graphique, a freelance designer."""

# The sample is fictitious and reproducible: every random choice comes from random.Random(SEED),
# the reference date is fixed (20/11/2026) and the opening balance is dated 02/11/2026.
#
# Deliberate mistakes, for the Contrôles tab (none is a blocking error: every value is valid by
# type). Row numbers are those Excel shows in the built workbook (header on row 1):
#   Factures       vague wording "Prestation de services" (Studio Pixel & Papier, 17/03/2026)
#   Factures       vague wording "Divers" (Boulangerie Au Pain Doré, 09/06/2026)
#   Factures       professional client with an invalid SIREN (Librairie Les Mots Passants, every
#                  invoice of that client: the Luhn key is wrong)
#   Factures       empty Conditions de paiement (Studio Respire, 10/02/2026)
#   Factures       a gap in the numbering: F2026-047 does not exist
#   Factures       terms "90 jours", beyond the legal 60 days (Oria Technologies, 27/10/2026)
#   Factures       payment date before the invoice date (Brasserie Le Comptoir, 14/04/2026)
#   Encaissements  a "Réalisé" receipt dated in the future (marché de Noël, 05/12/2026)
#   Décaissements  a "Prévu" disbursement dated in the past (printer repair, 09/11/2026)
# `mistake_rows()` gives the exact sheet and row of each one.
#
# Also by design: two invoices seriously overdue (Agence Hirondelle Communication, due 27/08/2026,
# and the private client Julien Marchetti, due 03/07/2026), one partial payment (Cabinet
# d'architecture Lemoine & Associés), two Encaissements rows naming an invoice (the double counting
# rule).
#
# The plan (opening balance 6 480,35 € on 02/11/2026, threshold 2 000 €) is meant to dip once:
# after a laptop bought in December, January 2027 pays the annual insurance, the invoicing software
# and the bank fees, then on 11/01 the 1 850 € licence for the packaging project of Oria
# Technologies, whose 4 200 € arrive only 60 days later (12/03/2027). The low point, about
# 1 500 € on 14/01/2027, comes before the client payments of the second half of January (Clos des
# Aubiers on 15/01, Éditions du Lièvre on 16/01, Oria on 25/01); every other month stays above
# 3 000 € and October 2027 closes above 6 000 €, URSSAF estimates included (estimated at 25,8 %
# of the quarter's receipts on the declaration deadlines).

from __future__ import annotations

import calendar
import datetime as dt
import random
import re
from dataclasses import dataclass

from treso_xl.contract import (
    ACTIVITES,
    DECAISSEMENTS,
    DECLARATION,
    ENCAISSEMENTS,
    FACTURES,
    FOURNISSEURS,
    MODES_PAIEMENT,
    OUI_NON,
    PROJETS,
    RECURRENCE,
    SETTINGS,
    STATUT,
    STOCK,
    TYPE_CLIENT,
)

SEED = 20261120
OPENING_DATE = dt.date(2026, 11, 2)
REFERENCE_DATE = dt.date(2026, 11, 20)
FIRST_INVOICE_DATE = dt.date(2025, 11, 1)
FIRST_2025_NUMBER = 31  # invoices F2025-001 to F2025-030 were issued before the sample starts
MISSING_NUMBER = "F2026-047"  # deliberate gap in the sequence
LAST_HISTORY_PAYMENT = dt.date(2026, 10, 30)  # the random part of the year is paid by then

PREVU, REALISE = STATUT
AUCUNE, MENSUELLE, TRIMESTRIELLE, ANNUELLE = RECURRENCE
PRO, PARTICULIER = TYPE_CLIENT
VIREMENT, CARTE, CHEQUE, ESPECES, PRELEVEMENT = MODES_PAIEMENT
OUI, NON = OUI_NON

URSSAF_RATE_2025 = 0.246 + 0.002  # BNC services, plus the training contribution (CFP)
URSSAF_RATE_2026 = 0.256 + 0.002
OCTOBER_2025_TURNOVER = 2_870.0  # receipts of October 2025, before the sample's first invoice


# --------------------------------------------------------------------------------------------
# Identifiers
# --------------------------------------------------------------------------------------------


def luhn_ok(digits: str) -> bool:
    """True when a string of digits passes the Luhn check (SIREN, SIRET)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def make_siren(rng: random.Random, prefix: str = "") -> str:
    """A random Luhn-valid SIREN, optionally starting with `prefix` (21… for a commune)."""
    if not prefix:
        prefix = rng.choice("3456789")  # companies; 2… is kept for public bodies
    body = prefix + "".join(str(rng.randint(0, 9)) for _ in range(8 - len(prefix)))
    for key in range(10):
        if luhn_ok(body + str(key)):
            return body + str(key)
    raise AssertionError("unreachable: one key always works")


def break_siren(siren: str) -> str:
    """The same SIREN with a wrong Luhn key."""
    return siren[:8] + str((int(siren[8]) + 1) % 10)


def make_iban(bank: str, branch: str, account: str) -> str:
    """A French IBAN with its RIB key and IBAN check digits, grouped by four."""
    rib_key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
    bban = f"{bank}{branch}{account}{rib_key:02d}"
    check = 98 - int(bban + "152700") % 97  # F=15, R=27, then "00"
    iban = f"FR{check:02d}{bban}"
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def iban_ok(iban: str) -> bool:
    """True when an IBAN passes the ISO 7064 mod-97 check."""
    s = iban.replace(" ", "").upper()
    moved = s[4:] + s[:4]
    return int("".join(str(int(ch, 36)) for ch in moved)) % 97 == 1


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------


def end_of_month(d: dt.date) -> dt.date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def next_weekday(d: dt.date) -> dt.date:
    """`d`, or the following Monday when it falls on a weekend."""
    while d.weekday() >= 5:
        d += dt.timedelta(days=1)
    return d


def due_date(invoice_date: dt.date, terms: str) -> dt.date:
    """Due date from the French wordings used in the sample (end of month + 45 days reading)."""
    t = terms.lower()
    if not t.strip():
        return invoice_date + dt.timedelta(days=30)
    if "réception" in t or "comptant" in t:
        return invoice_date
    days = int(re.search(r"\d+", t).group())
    if "fin de mois" in t:
        return end_of_month(invoice_date) + dt.timedelta(days=days)
    return invoice_date + dt.timedelta(days=days)


# --------------------------------------------------------------------------------------------
# Clients
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Client:
    """A client of the designer and how it usually behaves."""

    name: str
    kind: str
    email: str
    terms: str
    mode: str
    late: tuple[int, int]  # usual payment delay after the due date, in days
    weight: int  # how often it orders in the random part of the year
    jobs: tuple[tuple[str, int, int], ...]  # what it orders: wording, min and max amount
    siren_prefix: str = ""
    bad_siren: bool = False
    link: bool = False  # pays through a payment link
    typed_due: bool = False  # the designer types the due date (public buyer)


CLIENTS: tuple[Client, ...] = (
    Client(
        "Agence Nuage Bleu",
        PRO,
        "compta.nuagebleu@example.fr",
        "45 jours fin de mois",
        VIREMENT,
        (12, 28),
        4,
        (
            ("Déclinaison de visuels pour les réseaux sociaux", 300, 650),
            ("Maquette de brochure 16 pages", 600, 850),
            ("Bannières web pour une campagne", 350, 600),
        ),
    ),
    Client(
        "Studio Pixel & Papier",
        PRO,
        "factures@pixel-papier.example.com",
        "30 jours",
        VIREMENT,
        (0, 4),
        4,
        (
            ("Illustrations pour un site vitrine", 340, 600),
            ("Retouche de visuels pour un catalogue", 200, 380),
            ("Création d'un jeu de pictogrammes", 260, 480),
        ),
    ),
    Client(
        "Agence Hirondelle Communication",
        PRO,
        "administration.hirondelle@example.fr",
        "30 j net",
        VIREMENT,
        (8, 24),
        2,
        (
            ("Affiche événementielle", 260, 460),
            ("Adaptation de charte graphique", 320, 540),
        ),
    ),
    Client(
        "Boulangerie Au Pain Doré",
        PRO,
        "aupaindore@example.fr",
        "À réception",
        CHEQUE,
        (0, 9),
        4,
        (
            ("Carte des produits de saison", 90, 180),
            ("Flyers de promotion", 70, 150),
        ),
    ),
    Client(
        "Cabinet d'architecture Lemoine & Associés",
        PRO,
        "secretariat.lemoine@example.fr",
        "30 jours",
        VIREMENT,
        (0, 6),
        1,
        (
            ("Planches de présentation de concours", 480, 900),
            ("Plaquette de références du cabinet", 380, 700),
        ),
    ),
    Client(
        "Mairie de Saint-Genis-les-Ollières",
        PRO,
        "communication@mairie-sgo.example.fr",
        "30 jours",
        VIREMENT,
        (-3, 0),
        1,
        (
            ("Bulletin municipal — mise en page", 620, 900),
            ("Affiche d'un événement municipal", 300, 460),
        ),
        siren_prefix="21690",
        typed_due=True,
    ),
    Client(
        "Oria Technologies",
        PRO,
        "finance@oria-tech.example.com",
        "60 jours date de facture",
        VIREMENT,
        (4, 18),
        1,
        (
            ("Maquettes d'interface de l'application", 650, 1100),
            ("Mise en forme du pitch deck", 380, 620),
        ),
    ),
    Client(
        "Librairie Les Mots Passants",
        PRO,
        "librairie.motspassants@example.fr",
        "30 jours",
        CHEQUE,
        (0, 10),
        3,
        (
            ("Affiche de rencontre d'auteur", 110, 220),
            ("Marque-pages illustrés", 90, 170),
        ),
        bad_siren=True,
    ),
    Client(
        "Brasserie Le Comptoir",
        PRO,
        "lecomptoir.brasserie@example.fr",
        "À réception",
        CARTE,
        (0, 3),
        3,
        (
            ("Carte et menu de saison", 140, 260),
            ("Ardoises et chevalets de terrasse", 80, 150),
        ),
        link=True,
    ),
    Client(
        "Domaine du Clos des Aubiers",
        PRO,
        "contact.closdesaubiers@example.fr",
        "45 jours fin de mois",
        VIREMENT,
        (0, 8),
        2,
        (
            ("Étiquettes de cuvée", 420, 720),
            ("Plaquette d'œnotourisme", 340, 560),
        ),
    ),
    Client(
        "Studio Respire",
        PRO,
        "bonjour.studiorespire@example.com",
        "30 jours",
        CARTE,
        (0, 5),
        4,
        (
            ("Visuels Instagram du mois", 120, 180),
            ("Planning des cours illustré", 130, 200),
        ),
        link=True,
    ),
    Client(
        "Éditions du Lièvre",
        PRO,
        "fabrication.editionsdulievre@example.fr",
        "60 jours date de facture",
        VIREMENT,
        (0, 7),
        1,
        (
            ("Couverture de roman", 520, 900),
            ("Illustrations intérieures d'un album", 600, 1000),
        ),
    ),
    Client(
        "Camille Roussel",
        PARTICULIER,
        "camille.roussel@example.com",
        "Paiement comptant",
        CARTE,
        (0, 0),
        0,
        (),
        link=True,
    ),
    Client(
        "Julien Marchetti",
        PARTICULIER,
        "julien.marchetti@example.com",
        "À réception",
        CARTE,
        (0, 0),
        0,
        (),
        link=True,
    ),
)

CLIENT = {c.name: c for c in CLIENTS}


# --------------------------------------------------------------------------------------------
# Invoices
# --------------------------------------------------------------------------------------------


@dataclass
class Invoice:
    """One invoice before it is numbered."""

    date: dt.date
    client: str
    libelle: str
    amount: float
    paid_on: dt.date | None = None
    paid_amount: float | None = None  # only for a partial payment
    terms: str | None = None  # None: the client's usual terms
    typed_due: dt.date | None = None
    mode: str | None = None  # None: the client's usual mode
    tag: str = ""  # to find a scripted invoice once numbered
    number: str = ""

    @property
    def conditions(self) -> str:
        return CLIENT[self.client].terms if self.terms is None else self.terms

    @property
    def due(self) -> dt.date:
        return self.typed_due or due_date(self.date, self.conditions)


def _random_invoices(rng: random.Random) -> list[Invoice]:
    """The ordinary business from November 2025 to August 2026, paid as each client usually does."""
    invoices: list[Invoice] = []
    regulars = [c for c in CLIENTS if c.weight]
    weights = [c.weight for c in regulars]
    month = FIRST_INVOICE_DATE
    while month <= dt.date(2026, 8, 1):
        last_day = calendar.monthrange(month.year, month.month)[1]
        for _ in range(rng.randint(6, 8)):
            client = rng.choices(regulars, weights)[0]
            wording, low, high = rng.choice(client.jobs)
            day = next_weekday(month.replace(day=rng.randint(1, last_day - 2)))
            amount = float(round(rng.uniform(low, high) / 10) * 10)
            invoice = Invoice(day, client.name, wording, amount)
            if client.typed_due:
                invoice.typed_due = day + dt.timedelta(days=30)
            paid_on = next_weekday(invoice.due + dt.timedelta(days=rng.randint(*client.late)))
            invoice.paid_on = min(paid_on, LAST_HISTORY_PAYMENT)
            invoices.append(invoice)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return invoices


def _scripted_invoices() -> list[Invoice]:
    """Invoices placed by hand: the deliberate mistakes, the overdue ones and the recent months."""
    d = dt.date
    return [
        # Deliberate mistakes in the history
        Invoice(
            d(2026, 3, 17),
            "Studio Pixel & Papier",
            "Prestation de services",
            540,
            paid_on=d(2026, 4, 16),
            tag="vague1",
        ),
        Invoice(
            d(2026, 6, 9),
            "Boulangerie Au Pain Doré",
            "Divers",
            140,
            paid_on=d(2026, 6, 12),
            tag="vague2",
        ),
        Invoice(
            d(2026, 2, 10),
            "Studio Respire",
            "Visuels Instagram de février",
            180,
            terms="",
            paid_on=d(2026, 3, 6),
            tag="no_terms",
        ),
        Invoice(
            d(2026, 4, 14),
            "Brasserie Le Comptoir",
            "Carte et menu de printemps",
            260,
            paid_on=d(2026, 4, 4),
            tag="paid_before",
        ),
        Invoice(
            d(2025, 12, 8),
            "Camille Roussel",
            "Faire-part de naissance illustrés",
            240,
            paid_on=d(2025, 12, 8),
        ),
        Invoice(
            d(2026, 8, 24),
            "Domaine du Clos des Aubiers",
            "Étiquettes de la cuvée 2025",
            980,
            paid_on=d(2026, 10, 15),
        ),
        # Seriously overdue: a professional (61-90 days) and a private client (over 90 days)
        Invoice(
            d(2026, 7, 3),
            "Julien Marchetti",
            "Portrait de famille illustré (50 × 70 cm)",
            420,
            tag="overdue_private",
        ),
        Invoice(
            d(2026, 7, 28),
            "Agence Hirondelle Communication",
            "Kit de visuels pour le salon Made in Lyon",
            1180,
            tag="overdue_pro",
        ),
        # September 2026
        Invoice(
            d(2026, 9, 3),
            "Agence Nuage Bleu",
            "Déclinaison de visuels pour la rentrée",
            860,
            paid_on=d(2026, 11, 12),
        ),
        Invoice(
            d(2026, 9, 8),
            "Boulangerie Au Pain Doré",
            "Étiquettes de sachets",
            160,
            paid_on=d(2026, 9, 8),
            mode=ESPECES,
        ),
        Invoice(
            d(2026, 9, 14),
            "Mairie de Saint-Genis-les-Ollières",
            "Affiche des Journées du patrimoine",
            520,
            typed_due=d(2026, 10, 14),
            paid_on=d(2026, 10, 12),
        ),
        Invoice(
            d(2026, 9, 21),
            "Studio Respire",
            "Planning des cours de la rentrée",
            220,
            paid_on=d(2026, 10, 16),
        ),
        Invoice(
            d(2026, 9, 22),
            "Studio Pixel & Papier",
            "Illustrations pour un site vitrine",
            1150,
            paid_on=d(2026, 10, 22),
        ),
        Invoice(
            d(2026, 9, 28),
            "Librairie Les Mots Passants",
            "Affiche de la rentrée littéraire",
            240,
            paid_on=d(2026, 10, 26),
        ),
        Invoice(
            d(2026, 9, 29),
            "Mairie de Saint-Genis-les-Ollières",
            "Bulletin municipal d'octobre — mise en page",
            1100,
            typed_due=d(2026, 10, 29),
            paid_on=d(2026, 10, 27),
        ),
        # October 2026
        Invoice(
            d(2026, 10, 2),
            "Boulangerie Au Pain Doré",
            "Flyers de la semaine du goût",
            190,
            paid_on=d(2026, 10, 9),
            tag="double_realise",
        ),
        Invoice(
            d(2026, 10, 5),
            "Cabinet d'architecture Lemoine & Associés",
            "Planches de présentation — concours de l'école de Vaise",
            1240,
            paid_on=d(2026, 11, 6),
            paid_amount=600,
            tag="partial",
        ),
        Invoice(
            d(2026, 10, 12),
            "Brasserie Le Comptoir",
            "Carte d'automne",
            240,
            paid_on=d(2026, 10, 13),
        ),
        Invoice(
            d(2026, 10, 19),
            "Agence Hirondelle Communication",
            "Affiche du festival Lumières d'hiver",
            640,
        ),
        Invoice(
            d(2026, 10, 22),
            "Camille Roussel",
            "Faire-part et menus de mariage",
            380,
            paid_on=d(2026, 10, 22),
        ),
        Invoice(
            d(2026, 10, 27),
            "Oria Technologies",
            "Visuels de la levée de fonds",
            1450,
            terms="90 jours",
            tag="terms90",
        ),
        Invoice(d(2026, 10, 27), "Studio Respire", "Visuels Instagram d'octobre", 180),
        Invoice(
            d(2026, 10, 30), "Agence Nuage Bleu", "Bannières web pour la campagne de Noël", 920
        ),
        # November 2026 (up to the reference date)
        Invoice(
            d(2026, 11, 16),
            "Domaine du Clos des Aubiers",
            "Coffrets de fin d'année — étuis et étiquettes",
            1380,
            terms="60 jours date de facture",
        ),
        Invoice(
            d(2026, 11, 5), "Brasserie Le Comptoir", "Menu des fêtes", 290, paid_on=d(2026, 11, 6)
        ),
        Invoice(
            d(2026, 11, 9),
            "Studio Pixel & Papier",
            "Retouche de visuels pour un catalogue",
            680,
            tag="promise",
        ),
        Invoice(
            d(2026, 11, 12),
            "Mairie de Saint-Genis-les-Ollières",
            "Signalétique du marché de Noël",
            760,
            typed_due=d(2026, 12, 12),
        ),
        Invoice(
            d(2026, 11, 16), "Librairie Les Mots Passants", "Vitrine de Noël — illustrations", 350
        ),
        Invoice(
            d(2026, 11, 17),
            "Éditions du Lièvre",
            "Couverture du roman « La Traversée des saules »",
            1600,
            tag="double_prevu",
        ),
    ]


def invoices() -> list[Invoice]:
    """Every invoice of the sample, numbered in date order with one deliberate gap."""
    rng = random.Random(SEED)
    items = _random_invoices(rng) + _scripted_invoices()
    items.sort(key=lambda inv: (inv.date, inv.client, inv.libelle))
    n2025, n2026 = FIRST_2025_NUMBER, 1
    for inv in items:
        if inv.date.year == 2025:
            inv.number = f"F2025-{n2025:03d}"
            n2025 += 1
        else:
            if f"F2026-{n2026:03d}" == MISSING_NUMBER:
                n2026 += 1
            inv.number = f"F2026-{n2026:03d}"
            n2026 += 1
    return items


def _siren_by_client() -> dict[str, str]:
    rng = random.Random(SEED + 1)
    sirens = {}
    for c in CLIENTS:
        if c.kind != PRO:
            continue
        siren = make_siren(rng, c.siren_prefix)
        sirens[c.name] = break_siren(siren) if c.bad_siren else siren
    return sirens


def _payment_link(number: str) -> str:
    return f"https://paiement.example.com/atelier-lune/{number.lower()}"


def facture_rows(items: list[Invoice] | None = None) -> list[dict[str, object]]:
    """The Factures sheet, keyed by `Column.field`."""
    items = invoices() if items is None else items
    sirens = _siren_by_client()
    rows = []
    for inv in items:
        c = CLIENT[inv.client]
        paid = inv.paid_on is not None
        mode = inv.mode or c.mode
        rows.append(
            {
                "facture": inv.number,
                "date": inv.date,
                "client": inv.client,
                "type_client": c.kind,
                "siren_client": sirens.get(inv.client),
                "email_client": c.email,
                "libelle": inv.libelle,
                "montant": float(inv.amount),
                "conditions": inv.conditions or None,
                "echeance": inv.typed_due,
                "date_paiement": inv.paid_on,
                "montant_paye": float(inv.paid_amount) if inv.paid_amount is not None else None,
                "mode_paiement": mode if paid else None,
                "lien_paiement": _payment_link(inv.number) if c.link else None,
            }
        )
    return rows


# --------------------------------------------------------------------------------------------
# Receipts not tied to an invoice, and forecasts
# --------------------------------------------------------------------------------------------


def _by_tag(items: list[Invoice]) -> dict[str, Invoice]:
    return {inv.tag: inv for inv in items if inv.tag}


_AGENCIES = "Missions pour les agences (prévision)"
_DIRECT = "Travaux pour les clients directs (prévision)"
FORECASTS: tuple[tuple[dt.date, str, float], ...] = (
    (dt.date(2027, 1, 22), _AGENCIES, 1400),
    (dt.date(2027, 1, 27), _DIRECT, 1150),
    (dt.date(2027, 2, 2), _AGENCIES, 2200),
    (dt.date(2027, 2, 24), _DIRECT, 1100),
    (dt.date(2027, 3, 22), _AGENCIES, 2100),
    (dt.date(2027, 3, 26), _DIRECT, 1000),
    (dt.date(2027, 4, 20), _AGENCIES, 1850),
    (dt.date(2027, 4, 27), _DIRECT, 1050),
    (dt.date(2027, 5, 21), _AGENCIES, 1900),
    (dt.date(2027, 5, 22), "Vente de tirages — salon de l'illustration (prévision)", 380),
    (dt.date(2027, 5, 26), _DIRECT, 1000),
    (dt.date(2027, 6, 22), _AGENCIES, 2100),
    (dt.date(2027, 6, 25), _DIRECT, 1100),
    (dt.date(2027, 7, 20), _AGENCIES, 2000),
    (dt.date(2027, 7, 27), _DIRECT, 950),
    (dt.date(2027, 8, 26), _DIRECT, 900),
    (dt.date(2027, 9, 21), _AGENCIES, 2300),
    (dt.date(2027, 9, 27), _DIRECT, 1150),
    (dt.date(2027, 10, 20), _AGENCIES, 2200),
    (dt.date(2027, 10, 26), _DIRECT, 1200),
)


def encaissement_rows(items: list[Invoice] | None = None) -> list[dict[str, object]]:
    """The Encaissements sheet, keyed by `Column.field`."""
    items = invoices() if items is None else items
    tagged = _by_tag(items)
    d = dt.date
    rows: list[dict[str, object]] = []

    def add(
        date, libelle, montant, categorie, statut, client=None, facture=None, mode=None, ref=None
    ):
        rows.append(
            {
                "date": date,
                "libelle": libelle,
                "client": client,
                "montant": float(montant),
                "categorie": categorie,
                "statut": statut,
                "facture": facture,
                "mode_paiement": mode,
                "reference": ref,
            }
        )

    # Realised receipts outside invoices: print sales at markets and online, a personal
    # contribution, an insurance refund.
    rng = random.Random(SEED + 2)
    markets = [
        (d(2025, 11, 29), "Vente de tirages — marché des créateurs de la Croix-Rousse"),
        (d(2025, 12, 13), "Vente de tirages et calendriers — marché de Noël"),
        (d(2026, 4, 11), "Vente de tirages — salon de l'illustration"),
        (d(2026, 6, 20), "Vente de tirages — marché des créateurs de la Croix-Rousse"),
        (d(2026, 10, 24), "Vente de tirages — festival de l'affiche"),
    ]
    for day, wording in markets:
        add(
            day,
            wording,
            round(rng.uniform(140, 420) / 5) * 5,
            "Ventes",
            REALISE,
            mode="Carte",
            ref=f"TPE {day:%d/%m}",
        )
    month = d(2025, 11, 1)
    while month <= d(2026, 9, 1):  # the online shop pays out once a month
        payout = next_weekday(end_of_month(month) - dt.timedelta(days=3))
        add(
            payout,
            "Vente de tirages — boutique en ligne (versement mensuel)",
            round(rng.uniform(35, 110) / 5) * 5,
            "Ventes",
            REALISE,
            mode="Virement",
            ref=f"Versement boutique {payout:%m/%Y}",
        )
        month = (month + dt.timedelta(days=32)).replace(day=1)
    add(
        d(2026, 3, 21),
        "Atelier d'initiation à la linogravure — inscriptions",
        240,
        "Ventes",
        REALISE,
    )
    add(
        d(2026, 9, 26),
        "Atelier d'initiation à la linogravure — inscriptions",
        280,
        "Ventes",
        REALISE,
    )
    add(
        d(2026, 3, 6),
        "Apport personnel (épargne) pour renforcer la trésorerie",
        1500,
        "Apport",
        REALISE,
    )
    add(d(2026, 5, 18), "Remboursement d'un trop-perçu d'assurance", 64, "Remboursement", REALISE)
    # Double counting rule: the designer also typed two invoice payments here, with the number.
    paid = tagged["double_realise"]
    add(
        paid.paid_on,
        f"Chèque de la {paid.client}",
        paid.amount,
        "Ventes",
        REALISE,
        client=paid.client,
        facture=paid.number,
        mode="Chèque",
    )
    expected = tagged["double_prevu"]
    add(
        expected.due,
        f"Virement attendu des {expected.client}",
        expected.amount,
        "Ventes",
        PREVU,
        client=expected.client,
        facture=expected.number,
    )
    # A promise to pay: the client said « je vous paie le 6 janvier » for an invoice due in
    # December; the plan expects it in January.
    promised = tagged["promise"]
    add(
        d(2027, 1, 6),
        f"Paiement promis par {promised.client} (appel du 18/11)",
        promised.amount,
        "Ventes",
        PREVU,
        client=promised.client,
        facture=promised.number,
    )
    # Deliberate mistake: a receipt marked as realised although it is still to come.
    add(
        d(2026, 12, 5),
        "Vente de tirages — marché de Noël de la Croix-Rousse",
        320,
        "Ventes",
        REALISE,
    )
    # Forecasts of the coming months: work not invoiced yet, as cash expected.
    for day, wording, amount in FORECASTS:
        add(day, wording, amount, "Ventes", PREVU)
    add(
        d(2027, 3, 12),
        "Projet packaging 3D — facture à 60 jours",
        4200,
        "Ventes",
        PREVU,
        client="Oria Technologies",
    )
    rows.sort(key=lambda r: r["date"])
    return rows


# --------------------------------------------------------------------------------------------
# Payments out
# --------------------------------------------------------------------------------------------


def _quarter_turnover(items: list[Invoice], enc: list[dict[str, object]]) -> dict[tuple, float]:
    """Receipts by (year, quarter), cash basis, as the URSSAF declarations were made."""
    totals: dict[tuple, float] = {(2025, 4): OCTOBER_2025_TURNOVER}
    for inv in items:
        if inv.paid_on is None:
            continue
        key = (inv.paid_on.year, (inv.paid_on.month - 1) // 3 + 1)
        paid = inv.paid_amount if inv.paid_amount is not None else inv.amount
        totals[key] = totals.get(key, 0.0) + paid
    for row in enc:
        if row["statut"] != REALISE or row["facture"] or row["categorie"] != "Ventes":
            continue
        day = row["date"]
        key = (day.year, (day.month - 1) // 3 + 1)
        totals[key] = totals.get(key, 0.0) + row["montant"]
    return totals


# How each supplier is paid (Mode de paiement of Décaissements; others: Virement).
PAYMENT_MODES: dict[str, str] = {
    "Adobe": "Carte",
    "Orange": "Prélèvement",
    "Shutterstock": "Carte",
    "Facturo": "Carte",
    "Assurances Rhône Pro": "Prélèvement",
    "Banque des Traboules": "Prélèvement",
    "Impôts": "Prélèvement",
    "OVHcloud": "Carte",
    "URSSAF": "Prélèvement",
    "Wacom": "Carte",
    "Apple": "Carte",
    "Maxon": "Carte",
}


def decaissement_rows(
    items: list[Invoice] | None = None, enc: list[dict[str, object]] | None = None
) -> list[dict[str, object]]:
    """The Décaissements sheet, keyed by `Column.field`."""
    items = invoices() if items is None else items
    enc = encaissement_rows(items) if enc is None else enc
    d = dt.date
    rows: list[dict[str, object]] = []

    def add(
        date, libelle, fournisseur, montant, categorie, recurrence, statut, fin=None, bill=None
    ):
        rows.append(
            {
                "date": date,
                "libelle": libelle,
                "fournisseur": fournisseur,
                "montant": float(montant),
                "categorie": categorie,
                "recurrence": recurrence,
                "fin": fin,
                "statut": statut,
                "facture": bill,
                "mode_paiement": PAYMENT_MODES.get(fournisseur or "", "Virement"),
            }
        )

    # Recurring costs, typed once at their first occurrence.
    add(
        d(2025, 11, 5),
        "Abonnement Adobe Creative Cloud",
        "Adobe",
        89.99,
        "Abonnement",
        MENSUELLE,
        REALISE,
    )
    add(
        d(2025, 11, 12),
        "Box internet et forfait mobile",
        "Orange",
        45.99,
        "Télécom",
        MENSUELLE,
        REALISE,
    )
    add(
        d(2025, 12, 1),
        "Poste au coworking La Fabrique",
        "La Fabrique",
        280,
        "Loyer",
        MENSUELLE,
        REALISE,
    )
    add(
        d(2025, 12, 3),
        "Banque d'images (abonnement résilié)",
        "Shutterstock",
        29,
        "Abonnement",
        MENSUELLE,
        REALISE,
        fin=d(2027, 2, 3),
    )
    add(
        d(2025, 11, 28),
        "Virement vers le compte personnel",
        None,
        1500,
        "Rémunération",
        MENSUELLE,
        REALISE,
    )
    add(
        d(2026, 1, 7),
        "Logiciel de facturation (annuel)",
        "Facturo",
        216,
        "Abonnement",
        ANNUELLE,
        REALISE,
    )
    add(
        d(2026, 1, 10),
        "Assurance RC professionnelle et multirisque",
        "Assurances Rhône Pro",
        640,
        "Assurance",
        ANNUELLE,
        REALISE,
    )
    add(
        d(2026, 1, 14),
        "Frais bancaires (forfait annuel)",
        "Banque des Traboules",
        168,
        "Banque",
        ANNUELLE,
        REALISE,
    )
    add(
        d(2025, 12, 15),
        "Cotisation foncière des entreprises (CFE)",
        "Impôts",
        245,
        "Impôts",
        ANNUELLE,
        REALISE,
    )
    add(
        d(2026, 3, 20),
        "Hébergement du portfolio en ligne",
        "OVHcloud",
        96,
        "Abonnement",
        ANNUELLE,
        REALISE,
    )
    add(
        d(2026, 2, 2),
        "Expert-comptable (forfait trimestriel)",
        "Cabinet Berthier",
        150,
        "Honoraires",
        TRIMESTRIELLE,
        REALISE,
    )
    # URSSAF contributions already paid, one row per quarter, from the receipts of the quarter.
    turnover = _quarter_turnover(items, enc)
    for (year, quarter), paid_on in (
        ((2025, 4), d(2026, 1, 30)),
        ((2026, 1), d(2026, 4, 30)),
        ((2026, 2), d(2026, 7, 31)),
        ((2026, 3), d(2026, 10, 30)),
    ):
        rate = URSSAF_RATE_2025 if year == 2025 else URSSAF_RATE_2026
        ordinal = f"{quarter}{'er' if quarter == 1 else 'e'}"
        amount = round(turnover.get((year, quarter), 0.0) * rate)
        add(
            paid_on,
            f"URSSAF — {ordinal} trimestre {year}",
            "URSSAF",
            amount,
            "URSSAF",
            AUCUNE,
            REALISE,
        )
    # One-off purchases.
    add(d(2026, 5, 21), "Tablette graphique à écran", "Wacom", 649, "Matériel", AUCUNE, REALISE)
    add(
        d(2026, 9, 10),
        "Formation motion design (2 jours)",
        "École du Mouvement",
        590,
        "Formation",
        AUCUNE,
        REALISE,
    )
    add(d(2026, 12, 4), "Ordinateur portable MacBook Pro", "Apple", 2649, "Matériel", AUCUNE, PREVU)
    # A supplier bill of Fournisseurs paid ahead of its due date: the row names it (N° facture),
    # so the plan pays it once, on this day.
    add(
        d(2026, 12, 11),
        "Règlement des cadres (facture A-3317)",
        "Atelier Cadre & Verre",
        260,
        "Achats",
        AUCUNE,
        PREVU,
        bill="A-3317",
    )
    # Deliberate mistake: still marked as planned although its date is past.
    add(
        d(2026, 11, 9),
        "Réparation de l'imprimante du bureau",
        "Bureau Services Lyon",
        95,
        "Matériel",
        AUCUNE,
        PREVU,
    )
    # January 2027: the licence bought before the 60-day packaging project for Oria Technologies.
    add(
        d(2027, 1, 11),
        "Licence Cinema 4D et polices (projet 3D)",
        "Maxon",
        1850,
        "Logiciel",
        AUCUNE,
        PREVU,
    )
    add(
        d(2027, 6, 8),
        "Stand au salon de l'illustration",
        "Association Illustr'Lyon",
        320,
        "Marketing",
        AUCUNE,
        PREVU,
    )
    rows.sort(key=lambda r: r["date"])
    return rows


# --------------------------------------------------------------------------------------------
# Suppliers, stock, projects
# --------------------------------------------------------------------------------------------


def fournisseur_rows() -> list[dict[str, object]]:
    """The Fournisseurs sheet: printer and paper bills, the last three unpaid."""
    d = dt.date
    bills = [
        (
            "FA-2026-0412",
            d(2026, 2, 12),
            "Imprimerie Dumas",
            640.00,
            d(2026, 3, 14),
            d(2026, 3, 12),
        ),
        ("PR-2026-0457", d(2026, 5, 4), "Papeterie du Rhône", 185.00, d(2026, 6, 3), d(2026, 6, 1)),
        (
            "FA-2026-1630",
            d(2026, 6, 18),
            "Imprimerie Dumas",
            380.00,
            d(2026, 7, 18),
            d(2026, 7, 16),
        ),
        (
            "FA-2026-2104",
            d(2026, 9, 28),
            "Imprimerie Dumas",
            920.00,
            d(2026, 10, 28),
            d(2026, 10, 28),
        ),
        ("PR-2026-0912", d(2026, 11, 5), "Papeterie du Rhône", 146.40, d(2026, 12, 5), None),
        ("A-3317", d(2026, 11, 13), "Atelier Cadre & Verre", 260.00, d(2026, 12, 13), None),
        (
            "FA-2026-2250",
            d(2026, 11, 16),
            "Imprimerie Dumas",
            118.80,
            d(2026, 12, 16),
            d(2026, 11, 18),
        ),
    ]
    return [
        {
            "numero": n,
            "date": day,
            "fournisseur": who,
            "montant": amount,
            "echeance": due,
            "date_paiement": paid,
        }
        for n, day, who, amount, due, paid in bills
    ]


def stock_rows() -> list[dict[str, object]]:
    """The Stock sheet: prints and calendars she sells; one poster no longer sells."""
    d = dt.date
    items = [
        ("Affiche « Lune rousse » (A2)", 38, 6.50, d(2026, 11, 14), 17, 21),
        ("Tirage d'art « Herbier » (A4)", 64, 3.20, d(2026, 11, 18), 26, 10),
        ("Calendrier illustré 2027", 112, 5.40, d(2026, 11, 17), 31, 15),
        ("Carnet de croquis illustré", 45, 4.80, d(2026, 10, 30), 9, 15),
        ("Affiche « Festival 2025 » (A3)", 55, 4.10, d(2026, 5, 23), 0, 10),
    ]
    return [
        {
            "article": a,
            "quantite": q,
            "cout_unitaire": c,
            "derniere_vente": last,
            "ventes_90j": sold,
            "delai_fournisseur": lead,
        }
        for a, q, c, last, sold, lead in items
    ]


def projet_rows() -> list[dict[str, object]]:
    """The Projets sheet: the town hall's visual identity, billed 30/40/30."""
    return [
        {
            "projet": "Identité visuelle Mairie",
            "client": "Mairie de Saint-Genis-les-Ollières",
            "montant_total": 8400.0,
            "debut": dt.date(2027, 3, 1),
            "livraison": dt.date(2027, 6, 30),
            "echeancier": "30/40/30",
            "conditions": "30 jours",
        }
    ]


# --------------------------------------------------------------------------------------------
# Settings and the whole workbook
# --------------------------------------------------------------------------------------------


def settings() -> dict[str, object]:
    """The Paramètres values, keyed by `Setting.field`."""
    rng = random.Random(SEED + 3)
    values: dict[str, object] = {
        "entreprise": "Atelier Lune Graphique (EI)",
        "siren": make_siren(rng),
        "activite": ACTIVITES[2],
        "declaration": DECLARATION[1],
        "versement_liberatoire": NON,
        "acre": NON,
        "debut_activite": dt.date(2022, 3, 1),
        "solde_initial": 6480.35,
        "date_solde": OPENING_DATE,
        "date_reference": REFERENCE_DATE,
        "horizon": 12,
        "seuil": 2000,
        "taux_penalites": None,
        "email_comptable": "cabinet.berthier@example.fr",
        "taux_credit": 0.065,
        "rappel_jours": 3,
        "iban": make_iban("12345", "67890", f"{rng.randrange(10**10):011d}"),  # fictitious bank
        "adresse": "8 montée des Carmélites, 69001 Lyon",
        "cfe_an_dernier": None,  # the CFE is typed in Décaissements
    }
    for setting in SETTINGS:  # any other setting shows what the empty template shows
        values.setdefault(setting.field, setting.template_value)
    return values


def sample_rows() -> dict[str, list[dict[str, object]]]:
    """Every data sheet of the sample, keyed by sheet name then by `Column.field`."""
    items = invoices()
    enc = encaissement_rows(items)
    return {
        ENCAISSEMENTS.name: enc,
        DECAISSEMENTS.name: decaissement_rows(items, enc),
        FACTURES.name: facture_rows(items),
        FOURNISSEURS.name: fournisseur_rows(),
        STOCK.name: stock_rows(),
        PROJETS.name: projet_rows(),
    }


def mistake_rows() -> list[tuple[str, int, str]]:
    """(sheet, Excel row, what is wrong) for each deliberate mistake, header on row 1."""
    rows = sample_rows()
    found: list[tuple[str, int, str]] = []

    def excel_row(sheet: str, pred) -> list[int]:
        return [i + 2 for i, r in enumerate(rows[sheet]) if pred(r)]

    fac = FACTURES.name
    for r in excel_row(fac, lambda r: r["libelle"] in ("Prestation de services", "Divers")):
        found.append((fac, r, "libellé vague"))
    bad = [c.name for c in CLIENTS if c.bad_siren]
    for r in excel_row(fac, lambda r: r["client"] in bad):
        found.append((fac, r, "SIREN client invalide (clé de Luhn)"))
    for r in excel_row(fac, lambda r: not r["conditions"]):
        found.append((fac, r, "conditions de paiement vides"))
    for r in excel_row(fac, lambda r: r["conditions"] == "90 jours"):
        found.append((fac, r, "délai de 90 jours, au-delà du maximum légal de 60 jours"))
    for r in excel_row(fac, lambda r: r["date_paiement"] and r["date_paiement"] < r["date"]):
        found.append((fac, r, "date de paiement antérieure à la date de facture"))
    numbers = [r["facture"] for r in rows[fac]]
    before = f"F2026-{int(MISSING_NUMBER[-3:]) - 1:03d}"
    found.append((fac, numbers.index(before) + 3, f"numérotation : {MISSING_NUMBER} manque"))
    enc = ENCAISSEMENTS.name
    for r in excel_row(enc, lambda r: r["statut"] == REALISE and r["date"] > REFERENCE_DATE):
        found.append((enc, r, "encaissement « Réalisé » daté dans le futur"))
    dec = DECAISSEMENTS.name
    for r in excel_row(
        dec,
        lambda r: r["statut"] == PREVU and r["recurrence"] == AUCUNE and r["date"] < REFERENCE_DATE,
    ):
        found.append((dec, r, "décaissement « Prévu » daté dans le passé"))
    return found
