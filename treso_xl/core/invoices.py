"""Client invoices: due dates, payments (Factures or linked Encaissements), what remains due."""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np
import pandas as pd

from treso_xl.contract import normalize_series
from treso_xl.core.terms import due_date_array, parse_terms


def invoice_key(series: pd.Series) -> pd.Series:
    """Invoice numbers folded for matching ("f2026-001" matches "F2026-001 ")."""
    return normalize_series(series)


def due_dates(factures: pd.DataFrame) -> pd.DataFrame:
    """`echeance_calculee` (typed Échéance, else from the conditions) and `termes` per invoice:
    each distinct wording parsed once, every due date computed in one pass (`due_date_array`)."""
    out = pd.DataFrame(index=factures.index)
    if factures.empty:
        return _due_dates_by_wording(factures)
    codes, wordings = pd.factorize(factures["conditions"], use_na_sentinel=False)
    parsed = [parse_terms(text) for text in wordings.tolist()]
    terms = np.empty(len(parsed), dtype=object)
    terms[:] = parsed
    out["termes"] = pd.Series(terms[codes], index=factures.index, dtype=object)
    days = np.array([t.days for t in parsed], dtype=np.int64)[codes]
    kind = np.array([t.kind for t in parsed], dtype=np.int64)[codes]
    on_day = np.array([t.on_day or 0 for t in parsed], dtype=np.int64)[codes]
    computed = due_date_array(factures["date"].to_numpy(dtype="datetime64[ns]"), days, kind, on_day)
    typed = factures["echeance"]
    out["echeance_calculee"] = typed.where(typed.notna(), pd.Series(computed, index=typed.index))
    return out


def _due_dates_by_wording(factures: pd.DataFrame) -> pd.DataFrame:
    """`due_dates` one wording at a time, through `PaymentTerms.due_dates` (the reference)."""
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
    named = named_invoices(factures, encaissements)
    paying = (encaissements["statut"] == "Réalisé").to_numpy(dtype=bool) & named.unpaid
    rows = encaissements.loc[paying]
    from_receipts = pd.DataFrame(
        {
            "invoice": named.invoice(paying, factures, encaissements),
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


@dataclass(frozen=True)
class NamedInvoices:
    """What each Encaissements row's N° facture names in Factures (numbers folded)."""

    first: np.ndarray  # position in Factures of the first invoice of that number, -1: none
    unpaid: np.ndarray  # some invoice of that number has no Date de paiement

    def invoice(
        self,
        rows: np.ndarray,
        factures: pd.DataFrame,
        encaissements: pd.DataFrame,
        numbered: bool = False,
    ) -> np.ndarray:
        """Index in Factures of the invoice each of the `rows` (mask) names (all name one).
        With no row, the empty array the former mapping gave: through a dict of the first
        invoice of each number (`numbered`: of each number but "")."""
        if not rows.any():  # (one invoice in the dict gives its dtype, as all of them did)
            keys = invoice_key(encaissements["facture"])[rows]
            fact_keys = invoice_key(factures["facture"])
            numbers = fact_keys.to_numpy(dtype=object)
            at = np.flatnonzero(numbers != "" if numbered else np.ones(len(numbers), bool))[:1]
            mapping = dict(zip(numbers[at], factures.index[at], strict=True))
            return keys.map(mapping).to_numpy()
        return factures.index.to_numpy()[self.first[rows]]


_last_named: tuple[weakref.ref[pd.DataFrame], weakref.ref[pd.DataFrame], NamedInvoices] | None
_last_named = None


def named_invoices(factures: pd.DataFrame, encaissements: pd.DataFrame) -> NamedInvoices:
    """`NamedInvoices` of the Encaissements rows, from one factorization of both columns of
    folded numbers; the last answer is kept (the payments, the promises and the flows ask it of
    the same frames, never changed in place)."""
    global _last_named
    last = _last_named
    if last is not None and last[0]() is factures and last[1]() is encaissements:
        return last[2]
    fact_keys = invoice_key(factures["facture"]).to_numpy(dtype=object)
    enc_keys = invoice_key(encaissements["facture"]).to_numpy(dtype=object)
    codes, numbers = pd.factorize(np.concatenate([fact_keys, enc_keys]))
    fact_codes, enc_codes = codes[: len(fact_keys)], codes[len(fact_keys) :]
    first = np.full(len(numbers), -1, dtype=np.int64)
    present, at = np.unique(fact_codes, return_index=True)
    first[present] = at
    unpaid = np.zeros(len(numbers), dtype=bool)
    unpaid[fact_codes[factures["date_paiement"].isna().to_numpy(dtype=bool)]] = True
    empty = np.flatnonzero(np.asarray(numbers, dtype=object) == "")
    first[empty], unpaid[empty] = -1, False
    named = NamedInvoices(first[enc_codes], unpaid[enc_codes])
    named.first.flags.writeable = named.unpaid.flags.writeable = False  # shared: read only
    _last_named = (weakref.ref(factures), weakref.ref(encaissements), named)
    return named


def _first_invoice(
    keys: pd.Series, fact_keys: pd.Series, first: pd.Series, index: pd.Index
) -> np.ndarray:
    """Index in Factures of the invoice each key names (`first`: the first row of each number;
    every key is one of them), as mapping each key through a dict of those rows gave it."""
    firsts = first.to_numpy()
    if keys.empty:  # the dtype the mapping gave
        return keys.map(dict(zip(fact_keys[firsts], index[firsts], strict=True))).to_numpy()
    where = pd.Index(fact_keys[firsts].to_numpy()).get_indexer(keys.to_numpy())
    return index[firsts].to_numpy()[where]


def invoice_promises(factures: pd.DataFrame, encaissements: pd.DataFrame) -> pd.DataFrame:
    """The clients' promises to pay: `Prévu` Encaissements rows whose N° facture names an
    invoice (the first of that number). Columns invoice (index of factures), date, montant,
    ligne (Encaissements row), in date order."""
    named = named_invoices(factures, encaissements)
    promised = (
        (encaissements["statut"] == "Prévu").to_numpy(dtype=bool)
        & (named.first >= 0)
        & encaissements["date"].notna().to_numpy(dtype=bool)
        & encaissements["montant"].notna().to_numpy(dtype=bool)
    )
    rows = encaissements.loc[promised]
    frame = pd.DataFrame(
        {
            "invoice": named.invoice(promised, factures, encaissements, numbered=True),
            "date": rows["date"].to_numpy(),
            "montant": rows["montant"].to_numpy(dtype="float64"),
            "ligne": rows["ligne"].to_numpy(),
        }
    )
    return frame.sort_values(["date", "ligne"], kind="stable", ignore_index=True)


def invoice_positions(
    factures: pd.DataFrame, encaissements: pd.DataFrame, payments: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per invoice: due date, terms, amount paid, last payment date and what remains due.

    Columns added to the Factures frame: `echeance_calculee`, `termes`, `paye`,
    `derniere_date_paiement`, `reste_du` (never negative), `paye_sans_date` (a Montant payé
    typed without Date de paiement: received on or before the opening balance, counted as paid)
    and `promesses` (tuple of (date, montant, Encaissements row) of the client's promises, see
    `invoice_promises`).
    """
    out = factures.copy()
    dues = due_dates(factures)
    out["echeance_calculee"] = dues["echeance_calculee"]
    out["termes"] = dues["termes"]
    if payments is None:
        payments = invoice_payments(factures, encaissements)
    grouped = payments.groupby("invoice")
    undated = factures["montant_paye"].where(factures["date_paiement"].isna()).fillna(0.0)
    out["paye_sans_date"] = undated.astype("float64")
    out["paye"] = grouped["montant"].sum().reindex(out.index).fillna(0.0) + out["paye_sans_date"]
    out["derniere_date_paiement"] = grouped["date"].max().reindex(out.index)
    out["reste_du"] = (out["montant"] - out["paye"]).clip(lower=0.0).round(2)
    promises = invoice_promises(factures, encaissements)
    by_invoice: dict[object, list[tuple[pd.Timestamp, float, int]]] = {}
    for invoice, when, amount, ligne in promises.itertuples(index=False, name=None):
        by_invoice.setdefault(invoice, []).append((pd.Timestamp(when), float(amount), int(ligne)))
    kept = {invoice: tuple(items) for invoice, items in by_invoice.items()}
    out["promesses"] = pd.Series(
        [kept.get(i, ()) for i in out.index.tolist()], index=out.index, dtype=object
    )
    return out
