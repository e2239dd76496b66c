"""Client invoices: due dates, payments (Factures or linked Encaissements), what remains due."""

from __future__ import annotations

import pandas as pd

from treso_xl.contract import normalize_series
from treso_xl.core.terms import parse_terms


def invoice_key(series: pd.Series) -> pd.Series:
    """Invoice numbers folded for matching ("f2026-001" matches "F2026-001 ")."""
    return normalize_series(series)


def due_dates(factures: pd.DataFrame) -> pd.DataFrame:
    """`echeance_calculee` (typed Échéance, else from the conditions) and `termes` per invoice."""
    out = pd.DataFrame(index=factures.index)
    terms = {text: parse_terms(text) for text in factures["conditions"].unique()}
    out["termes"] = factures["conditions"].map(terms)
    computed = pd.Series(pd.NaT, index=factures.index, dtype="datetime64[ns]")
    for text, parsed in terms.items():
        rows = factures["conditions"] == text if text == text else factures["conditions"].isna()
        computed.loc[rows] = parsed.due_dates(factures.loc[rows, "date"])
    out["echeance_calculee"] = factures["echeance"].where(factures["echeance"].notna(), computed)
    return out


def invoice_payments(factures: pd.DataFrame, encaissements: pd.DataFrame) -> pd.DataFrame:
    """Every payment received on an invoice: columns invoice (index of factures), date, montant,
    source, ligne.

    A payment typed in Factures (Date de paiement, Montant payé or the whole amount) is the
    invoice's own record. An invoice without a Date de paiement is paid by the `Réalisé`
    Encaissements rows whose N° facture names it (contract: such a row is the invoice's payment,
    never a second receipt).
    """
    own = factures.loc[factures["date_paiement"].notna()]
    paid = pd.DataFrame(
        {
            "invoice": own.index,
            "date": own["date_paiement"].to_numpy(),
            "montant": own["montant_paye"].fillna(own["montant"]).to_numpy(),
            "source": "Factures",
            "ligne": own["ligne"].to_numpy(),
        }
    )
    fact_keys = invoice_key(factures["facture"])
    enc_keys = invoice_key(encaissements["facture"])
    unpaid_numbers = set(fact_keys[factures["date_paiement"].isna()]) - {""}
    first = ~fact_keys.duplicated()
    number_to_index = dict(zip(fact_keys[first], factures.index[first.to_numpy()], strict=True))
    paying = (encaissements["statut"] == "Réalisé") & enc_keys.isin(unpaid_numbers)
    rows = encaissements.loc[paying]
    from_receipts = pd.DataFrame(
        {
            "invoice": enc_keys[paying].map(number_to_index).to_numpy(),
            "date": rows["date"].to_numpy(),
            "montant": rows["montant"].to_numpy(),
            "source": "Encaissements",
            "ligne": rows["ligne"].to_numpy(),
        }
    )
    frames = [f for f in (paid, from_receipts) if not f.empty]
    if not frames:
        return paid.astype({"date": "datetime64[ns]", "montant": "float64"})
    return pd.concat(frames, ignore_index=True)


def invoice_positions(
    factures: pd.DataFrame, encaissements: pd.DataFrame, payments: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per invoice: due date, terms, amount paid, last payment date and what remains due.

    Columns added to the Factures frame: `echeance_calculee`, `termes`, `paye`,
    `derniere_date_paiement`, `reste_du` (never negative).
    """
    out = factures.copy()
    dues = due_dates(factures)
    out["echeance_calculee"] = dues["echeance_calculee"]
    out["termes"] = dues["termes"]
    if payments is None:
        payments = invoice_payments(factures, encaissements)
    grouped = payments.groupby("invoice")
    out["paye"] = grouped["montant"].sum().reindex(out.index).fillna(0.0)
    out["derniere_date_paiement"] = grouped["date"].max().reindex(out.index)
    out["reste_du"] = (out["montant"] - out["paye"]).clip(lower=0.0).round(2)
    return out
