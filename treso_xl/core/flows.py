"""All dated money movements of a ledger, with the double-counting rule applied."""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Sequence

import numpy as np
import pandas as pd

from treso_xl.contract import normalize_label
from treso_xl.core.flow_order import sort_flows
from treso_xl.core.invoices import invoice_payments, invoice_positions, named_invoices
from treso_xl.core.payables import bill_flows, naming_rows
from treso_xl.core.reconcile import BANK_ROW_OFFSET, reconcile
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


def planned_flows(
    dates: Sequence[dt.date],
    amounts: Sequence[float],
    *,
    sens: str | Sequence[str],
    categorie: str | Sequence[str],
    libelle: str | Sequence[str],
    tiers: str,
    source: str,
) -> pd.DataFrame:
    """Flows the engine plans itself (URSSAF, CFE and VAT estimates, worksheet functions), as
    FLOW_COLUMNS: status Prévu, tied to no row of the workbook; any length, zero included."""
    return pd.DataFrame(
        {
            "date": pd.to_datetime(list(dates)).astype("datetime64[ns]"),
            "montant": pd.Series(list(amounts), dtype="float64"),
            "sens": sens,
            "categorie": categorie,
            "libelle": libelle,
            "tiers": tiers,
            "statut": "Prévu",
            "source": source,
            "ligne": pd.array([pd.NA] * len(amounts), dtype="Int64"),
            "facture": "",
        },
        columns=FLOW_COLUMNS,
    )


def _frame(**columns: object) -> pd.DataFrame:
    frame = pd.DataFrame(columns)
    if frame.empty:
        return pd.DataFrame(columns=FLOW_COLUMNS)
    return frame if list(columns) == FLOW_COLUMNS else frame[FLOW_COLUMNS]


def unify_categories(categories: pd.Series, fallback: str) -> pd.Series:
    """Categories matched like headers ("abonnement" is "Abonnement"), first spelling kept
    (each distinct text stripped and folded once, in order of first appearance)."""
    codes, distinct = pd.factorize(categories.fillna("").astype(str))
    cleaned = [text.strip() or fallback for text in distinct.tolist()]
    spelling: dict[str, str] = {}
    chosen = np.array([spelling.setdefault(normalize_label(t), t) for t in cleaned], dtype=object)
    dtype = "str" if len(codes) else object  # as Series.map gave it
    return pd.Series(chosen[codes], index=categories.index, name=categories.name, dtype=dtype)


_last_contractual: tuple[weakref.ref[pd.DataFrame], dt.date, dt.date, tuple] | None = None


def expected_invoice_receipts(
    positions: pd.DataFrame,
    date_solde: dt.date,
    date_reference: dt.date,
    habits: pd.Series | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`_expected_invoice_receipts`; the contractual view (`habits` None) of the last positions
    and dates is kept, as the flows and the plan both ask it (positions are never changed in
    place); each caller gets its own copies."""
    global _last_contractual
    if habits is not None:
        return _expected_invoice_receipts(positions, date_solde, date_reference, habits)
    last = _last_contractual
    if last is None or last[0]() is not positions or last[1:3] != (date_solde, date_reference):
        found = _expected_invoice_receipts(positions, date_solde, date_reference)
        last = _last_contractual = (weakref.ref(positions), date_solde, date_reference, found)
    expected, overdue = last[3]
    return expected.copy(), overdue.copy()


def _expected_invoice_receipts(
    positions: pd.DataFrame,
    date_solde: dt.date,
    date_reference: dt.date,
    habits: pd.Series | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Unpaid rests of invoices split in (expected, overdue), with `date_attendue`.

    Contractual view (`habits` None): expected on the due date; a rest whose due date is before
    the reference date (or on or before the opening balance date) is overdue: it cannot be
    counted on and goes to the memo row. Predicted view (`habits`: days late per client): expected
    on the due date plus the client's habit; a rest already later than its client's habit is
    overdue there too. A client's promise to pay still to come places that much of the rest on
    its date in both views (`split_promises`).
    """
    open_ = positions.loc[positions["reste_du"] > 0.004].copy()
    ref = pd.Timestamp(date_reference)
    solde = pd.Timestamp(date_solde)
    promised, open_ = split_promises(open_, ref, solde)
    due = open_["echeance_calculee"]
    if habits is None:
        when = due
        overdue = (due < ref) | (due <= solde)
    else:
        delay = open_["client"].map(habits).astype("Float64").fillna(0).astype("int64")
        when = due + pd.to_timedelta(delay, unit="D")
        not_yet_due = due >= ref
        when = when.where(~not_yet_due | (when >= ref), ref)
        overdue = (~not_yet_due & (when <= ref)) | (when <= solde)
    open_["date_attendue"] = when
    expected = open_.loc[~overdue]
    if not promised.empty:
        expected = pd.concat([promised, expected])
    return expected, open_.loc[overdue]


def kept_promise(when: pd.Timestamp, ref: pd.Timestamp, solde: pd.Timestamp) -> bool:
    """A promise still to come: dated on or after the reference date and after the opening
    balance date (an earlier one passed unpaid, or is history)."""
    return when >= ref and when > solde


def split_promises(
    open_: pd.DataFrame, ref: pd.Timestamp, solde: pd.Timestamp
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(promised parts, open rests less those parts) of the open invoices.

    Each promise still to come (`kept_promise`), in date order, takes that much of the unpaid
    rest (never more) on its own date, `date_attendue`, in every view; what no promise covers
    keeps the invoice's own rule. A promise whose date passed unpaid is ignored here (Contrôles
    flags it).
    """
    if "promesses" not in open_ or not open_["promesses"].map(bool).any():
        return open_.iloc[0:0].assign(date_attendue=pd.NaT), open_
    rest = open_["reste_du"].astype("float64").copy()
    parts: list[tuple[object, pd.Timestamp, float]] = []
    for index, promises in open_["promesses"].items():
        for when, amount, _ligne in promises:
            if not kept_promise(when, ref, solde):
                continue
            part = round(min(amount, rest[index]), 2)
            if part <= 0.004:
                continue
            rest[index] = round(rest[index] - part, 2)
            parts.append((index, when, part))
    promised = open_.loc[[index for index, _, _ in parts]].copy()
    promised["reste_du"] = [part for _, _, part in parts]
    promised["date_attendue"] = pd.to_datetime([when for _, when, _ in parts])
    left = open_.assign(reste_du=rest)
    return promised, left.loc[left["reste_du"] > 0.004]


def invoice_rest_flows(expected: pd.DataFrame) -> pd.DataFrame:
    """Flows of the unpaid invoice rests still expected, on their `date_attendue`."""
    return _frame(
        date=expected["date_attendue"],
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


def known_flows(
    ledger: Ledger, until: dt.date, payments: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Every receipt and disbursement the user typed, from history up to `until`.

    Encaissements rows (except those naming an invoice: they are its payments), invoice payments,
    Décaissements with recurrences expanded (except those naming a supplier bill paid on its own
    Date de paiement) and the supplier bills (`payables.bill_flows`); not the unpaid invoice
    rests, which depend on the view (see `expected_invoice_receipts`). The opening-balance rule
    is the plan's. The bank lines of a ledger not yet reconciled are reconciled first
    (`core.reconcile`); flows standing for a bank line have source « Banque » and its row.
    """
    if not ledger.banque.empty:
        ledger, payments = reconcile(ledger).ledger, None
    enc = ledger.encaissements
    own = enc.loc[named_invoices(ledger.factures, enc).first < 0]  # rows naming no invoice
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
    if payments is None:
        payments = invoice_payments(ledger.factures, ledger.encaissements)
    invoices = ledger.factures.loc[payments["invoice"]]
    paid = _frame(
        date=payments["date"].to_numpy(),
        montant=payments["montant"].to_numpy(),
        sens=IN,
        categorie=CATEGORY_INVOICES,
        libelle=invoices["libelle"].to_numpy(),
        tiers=invoices["client"].to_numpy(),
        statut="Réalisé",
        source=payments["source"].to_numpy(),
        ligne=payments["ligne"].to_numpy(),
        facture=invoices["facture"].to_numpy(),
    )
    # a row naming a bill that has its own Date de paiement is that payment, already counted
    named = naming_rows(ledger)
    has_date = ledger.fournisseurs["date_paiement"].notna()
    settled = pd.Series(False, index=named.index)
    bill = named.notna()
    settled[bill] = has_date.reindex(named[bill].astype("int64")).to_numpy(dtype=bool)
    dec = expand_recurrences(ledger.decaissements.loc[~settled], until)
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
        facture=dec["facture"] if "facture" in dec else "",
    )
    bills = bill_flows(ledger)
    bills = bills.loc[bills["date"] <= pd.Timestamp(until)]
    return _bank_sources(combine(receipts, paid, disbursements, bills[FLOW_COLUMNS]))


def _bank_sources(flows: pd.DataFrame) -> pd.DataFrame:
    """Flows of the rows standing for bank lines point at the Banque sheet and its row."""
    if flows.empty:
        return flows
    lignes = pd.to_numeric(flows["ligne"], errors="coerce")
    bank = (lignes >= BANK_ROW_OFFSET).fillna(False).to_numpy(dtype=bool)
    if not bank.any():
        return flows
    flows = flows.copy()
    flows.loc[bank, "source"] = "Banque"
    shifted = flows["ligne"].where(~bank, lignes - BANK_ROW_OFFSET)
    flows["ligne"] = shifted.astype(flows["ligne"].dtype)
    return flows


def combine(*frames: pd.DataFrame) -> pd.DataFrame:
    """Flow frames stacked and sorted by date."""
    parts = [f for f in frames if not f.empty]
    if not parts:
        return pd.DataFrame(columns=FLOW_COLUMNS).astype(
            {"date": "datetime64[ns]", "montant": "float64"}
        )
    flows = pd.concat(parts, ignore_index=True)
    flows["date"] = pd.to_datetime(flows["date"])
    flows["montant"] = flows["montant"].astype("float64")
    return sort_flows(flows)  # as sort_values(["date", "sens", "ligne"], kind="stable")


def build_flows(
    ledger: Ledger,
    until: dt.date,
    positions: pd.DataFrame | None = None,
    habits: pd.Series | None = None,
    known: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Known flows (`known` when already built) plus the unpaid invoice rests expected in the
    contractual view (or, with `habits`, the predicted view)."""
    if not ledger.banque.empty:
        ledger, positions, known = reconcile(ledger).ledger, None, None
    params = ledger.params
    if positions is None:
        positions = invoice_positions(ledger.factures, ledger.encaissements)
    expected, _ = expected_invoice_receipts(
        positions, params.date_solde, params.date_reference, habits
    )
    if known is None:
        known = known_flows(ledger, until)
    return combine(known, invoice_rest_flows(expected))
