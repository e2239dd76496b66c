"""Client invoices: due dates, payments (Factures or linked Encaissements), what remains due."""

from __future__ import annotations

import pandas as pd

from treso_xl.contract import normalize_label
from treso_xl.core.terms import parse_terms


def invoice_key(series: pd.Series) -> pd.Series:
    """Invoice numbers folded for matching ("f2026-001" matches "F2026-001 ").

    Each distinct number is folded once.
    """
    text = series.fillna("").astype(str)
    distinct = text.unique()
    if len(distinct) == len(text):  # nothing to share (an empty column, or all numbers distinct)
        return text.map(normalize_label)
    return text.map({value: normalize_label(value) for value in distinct})


def due_dates(factures: pd.DataFrame) -> pd.DataFrame:
    """`echeance_calculee` (typed Échéance, else from the conditions) and `termes` per invoice."""
    out = pd.DataFrame(index=factures.index)
    terms = {text: parse_terms(text) for text in factures["conditions"].unique()}
    out["termes"] = factures["conditions"].map(terms)
    computed = [
        pd.NaT if pd.isna(day) else pd.Timestamp(t.due_date(day.date()))
        for day, t in zip(factures["date"], out["termes"], strict=True)
    ]
    computed = pd.Series(computed, index=factures.index, dtype="datetime64[ns]")
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
    linked = linked_receipts(factures, encaissements)
    unpaid_numbers = set(invoice_key(factures.loc[factures["date_paiement"].isna(), "facture"]))
    number_to_index = _first_index_by_number(factures)
    rows = linked.loc[
        (linked["statut"] == "Réalisé") & invoice_key(linked["facture"]).isin(unpaid_numbers)
    ]
    from_receipts = pd.DataFrame(
        {
            "invoice": invoice_key(rows["facture"]).map(number_to_index).to_numpy(),
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


def linked_receipts(factures: pd.DataFrame, encaissements: pd.DataFrame) -> pd.DataFrame:
    """Encaissements rows whose N° facture names an existing invoice."""
    numbers = set(invoice_key(factures["facture"])) - {""}
    return encaissements.loc[invoice_key(encaissements["facture"]).isin(numbers)]


def _first_index_by_number(factures: pd.DataFrame) -> dict[str, object]:
    keys = invoice_key(factures["facture"])
    mapping: dict[str, object] = {}
    for idx, key in zip(factures.index, keys, strict=True):
        mapping.setdefault(key, idx)
    return mapping


def invoice_positions(factures: pd.DataFrame, encaissements: pd.DataFrame) -> pd.DataFrame:
    """Per invoice: due date, terms, amount paid, last payment date and what remains due.

    Columns added to the Factures frame: `echeance_calculee`, `termes`, `paye`,
    `derniere_date_paiement`, `reste_du` (never negative).
    """
    out = factures.copy()
    dues = due_dates(factures)
    out["echeance_calculee"] = dues["echeance_calculee"]
    out["termes"] = dues["termes"]
    payments = invoice_payments(factures, encaissements)
    grouped = payments.groupby("invoice")
    out["paye"] = grouped["montant"].sum().reindex(out.index).fillna(0.0)
    out["derniere_date_paiement"] = grouped["date"].max().reindex(out.index)
    out["reste_du"] = (out["montant"] - out["paye"]).clip(lower=0.0).round(2)
    return out
