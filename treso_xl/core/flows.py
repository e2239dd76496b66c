"""All dated money movements of a ledger, with the double-counting rule applied."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from treso_xl.contract import normalize_label
from treso_xl.core.invoices import invoice_key, invoice_payments, invoice_positions
from treso_xl.core.records import Ledger
from treso_xl.core.recurrence import expand_recurrences

IN = "encaissement"
OUT = "décaissement"
CATEGORY_INVOICES = "Factures clients"
CATEGORY_OTHER_IN = "Autres encaissements"
CATEGORY_OTHER_OUT = "Autres décaissements"

FLOW_COLUMNS = [
    "date",
    "montant",
    "sens",
    "categorie",
    "libelle",
    "tiers",
    "statut",
    "source",
    "ligne",
    "facture",
]


def _frame(**columns: object) -> pd.DataFrame:
    frame = pd.DataFrame(columns)
    return frame[FLOW_COLUMNS] if not frame.empty else pd.DataFrame(columns=FLOW_COLUMNS)


def unify_categories(categories: pd.Series, fallback: str) -> pd.Series:
    """Categories matched like headers ("abonnement" is "Abonnement"), first spelling kept."""
    cleaned = categories.fillna("").astype(str).str.strip()
    cleaned = cleaned.where(cleaned != "", fallback)
    spelling: dict[str, str] = {}
    for text in cleaned.unique():
        spelling.setdefault(normalize_label(text), text)
    return cleaned.map(lambda text: spelling[normalize_label(text)])


def expected_invoice_receipts(
    positions: pd.DataFrame, date_solde: dt.date, date_reference: dt.date
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Unpaid rests of invoices split in (expected on their due date, overdue).

    An unpaid rest whose due date is before the reference date (or on or before the opening
    balance date) is overdue: it cannot be counted on and goes to the memo row.
    """
    open_ = positions.loc[positions["reste_du"] > 0.004]
    due = open_["echeance_calculee"]
    overdue_mask = (due < pd.Timestamp(date_reference)) | (due <= pd.Timestamp(date_solde))
    return open_.loc[~overdue_mask], open_.loc[overdue_mask]


def build_flows(
    ledger: Ledger, until: dt.date, positions: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Every receipt and disbursement with its date, from history up to `until`.

    Receipts: Encaissements rows (except those naming an invoice), invoice payments, and the
    unpaid rests of invoices on their due date when not overdue. Disbursements: Décaissements
    with recurrences expanded. The opening-balance rule is applied by the plan, not here.
    """
    params = ledger.params
    if positions is None:
        positions = invoice_positions(ledger.factures, ledger.encaissements)
    enc = ledger.encaissements
    linked = invoice_key(enc["facture"]).isin(set(invoice_key(ledger.factures["facture"])) - {""})
    own = enc.loc[~linked]
    receipts = _frame(
        date=own["date"],
        montant=own["montant"],
        sens=IN,
        categorie=unify_categories(own["categorie"], CATEGORY_OTHER_IN),
        libelle=own["libelle"],
        tiers=own["client"],
        statut=own["statut"],
        source="Encaissements",
        ligne=own["ligne"],
        facture=own["facture"],
    )
    payments = invoice_payments(ledger.factures, ledger.encaissements)
    fact = ledger.factures
    paid = _frame(
        date=payments["date"].to_numpy(),
        montant=payments["montant"].to_numpy(),
        sens=IN,
        categorie=CATEGORY_INVOICES,
        libelle=fact.loc[payments["invoice"], "libelle"].to_numpy(),
        tiers=fact.loc[payments["invoice"], "client"].to_numpy(),
        statut="Réalisé",
        source=payments["source"].to_numpy(),
        ligne=payments["ligne"].to_numpy(),
        facture=fact.loc[payments["invoice"], "facture"].to_numpy(),
    )
    expected, _ = expected_invoice_receipts(positions, params.date_solde, params.date_reference)
    to_come = _frame(
        date=expected["echeance_calculee"],
        montant=expected["reste_du"],
        sens=IN,
        categorie=CATEGORY_INVOICES,
        libelle=expected["libelle"],
        tiers=expected["client"],
        statut="Prévu",
        source="Factures",
        ligne=expected["ligne"],
        facture=expected["facture"],
    )
    dec = expand_recurrences(ledger.decaissements, until)
    disbursements = _frame(
        date=dec["date"],
        montant=dec["montant"],
        sens=OUT,
        categorie=unify_categories(dec["categorie"], CATEGORY_OTHER_OUT),
        libelle=dec["libelle"],
        tiers=dec["fournisseur"],
        statut=dec["statut"],
        source="Décaissements",
        ligne=dec["ligne"],
        facture="",
    )
    parts = [f for f in (receipts, paid, to_come, disbursements) if not f.empty]
    if not parts:
        return pd.DataFrame(columns=FLOW_COLUMNS).astype(
            {"date": "datetime64[ns]", "montant": "float64"}
        )
    flows = pd.concat(parts, ignore_index=True)
    flows["date"] = pd.to_datetime(flows["date"])
    flows["montant"] = flows["montant"].astype("float64")
    return flows.sort_values(["date", "sens", "ligne"], kind="stable", ignore_index=True)
