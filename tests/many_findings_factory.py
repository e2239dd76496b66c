"""A ledger where many rows carry the same finding: past forecasts, overdue invoices, duplicates."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from ledger_factory import make_ledger

from treso_xl.core.records import Ledger

REFERENCE = dt.date(2027, 3, 31)  # the books stop at the end of 2026: every forecast is past
FIRST = dt.date(2025, 1, 1)
DAYS = 730
CLIENTS = 60
SERIES = (  # typed monthly charges, typed again and again (one row per month, as users do)
    ("Abonnement Adobe Creative Cloud", "Adobe", "Abonnement", 71.99),
    ("Box internet et forfait mobile", "Orange", "Télécom", 49.99),
    ("Assurance responsabilité civile pro", "MAAF", "Assurance", 38.5),
)
ONE_OFF = (
    ("Papier et encres", "Fournitures Pro", "Fournitures"),
    ("Train pour un rendez-vous client", "SNCF", "Déplacements"),
    ("Impression chez l'imprimeur", "Imprimerie Centrale", "Sous-traitance"),
    ("Repas d'affaires", "", "Frais"),
    ("Majoration de retard URSSAF", "URSSAF", "Cotisations"),
)


def _day(rng: random.Random) -> dt.date:
    return FIRST + dt.timedelta(days=rng.randrange(DAYS))


def many_findings_ledger(rows: int, seed: int = 16) -> Ledger:
    """`rows` flow rows: 40 % invoices (mostly unpaid and overdue, one number in ten used twice,
    some without terms or with 90 days), 35 % receipts forecast in the past, 25 % disbursements
    (a fifth typed monthly charges of three series, the rest one-off and mostly forecast)."""
    rng = random.Random(seed)
    n_invoices = rows * 40 // 100
    n_receipts = rows * 35 // 100
    n_spendings = rows - n_invoices - n_receipts
    factures: list[dict[str, Any]] = []
    for i in range(n_invoices):
        # one number in ten used twice: an error
        number = f"F-{i - 1:06d}" if i and i % 10 == 0 else f"F-{i:06d}"
        client = rng.randrange(CLIENTS)
        day = FIRST + dt.timedelta(days=i * DAYS // max(1, n_invoices))
        paid = rng.random() < 0.3
        factures.append(
            {
                "facture": number,
                "date": day,
                "client": f"Client {client}",
                "type_client": "Professionnel" if client % 5 else "Particulier",
                "email_client": f"compta{client}@example.fr",
                "libelle": "Création graphique",
                "montant": round(rng.uniform(80, 3_000), 2),
                "conditions": "" if i % 7 == 0 else ("90 jours" if i % 13 == 0 else "30 jours"),
                "date_paiement": day + dt.timedelta(days=20) if paid else None,
            }
        )
    encaissements = [
        {
            "date": _day(rng),
            "libelle": "Vente de tirages",
            "montant": round(rng.uniform(15, 400), 2),
            "categorie": "Ventes",
            "statut": "Prévu",
        }
        for _ in range(n_receipts)
    ]
    decaissements: list[dict[str, Any]] = []
    for i in range(n_spendings):
        if i % 5 == 0:
            label, supplier, category, amount = SERIES[(i // 5) % len(SERIES)]
            decaissements.append(
                {
                    "date": _day(rng),
                    "libelle": label,
                    "fournisseur": supplier,
                    "montant": amount,
                    "categorie": category,
                    "recurrence": "Mensuelle",
                    "statut": "Réalisé",
                }
            )
        else:
            label, supplier, category = ONE_OFF[rng.randrange(len(ONE_OFF))]
            day = _day(rng)
            decaissements.append(
                {
                    "date": day,
                    "libelle": label,
                    "fournisseur": supplier,
                    "montant": round(rng.uniform(10, 500), 2),
                    "categorie": category,
                    "statut": "Prévu" if i % 3 else "Réalisé",
                }
            )
    return make_ledger(
        params={
            "entreprise": "Atelier Beaucoup d'Alertes",
            "date_reference": REFERENCE,
            "date_solde": dt.date(2024, 12, 31),
            "solde_initial": 5_000.0,
            "horizon": 12,
        },
        factures=factures,
        encaissements=encaissements,
        decaissements=decaissements,
    )
