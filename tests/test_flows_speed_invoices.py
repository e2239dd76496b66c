"""Invoices matched to their payments and promises as before the speed work (old code kept)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from treso_xl.core.invoices import (
    _first_invoice,
    invoice_key,
    invoice_payments,
    invoice_promises,
    named_invoices,
)


def _old_invoice_payments(factures: pd.DataFrame, encaissements: pd.DataFrame) -> pd.DataFrame:
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
    paying = (encaissements["statut"] == "Réalisé") & enc_keys.isin(unpaid_numbers)
    rows = encaissements.loc[paying]
    from_receipts = pd.DataFrame(
        {
            "invoice": _first_invoice(enc_keys[paying], fact_keys, first, factures.index),
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


def _old_invoice_promises(factures: pd.DataFrame, encaissements: pd.DataFrame) -> pd.DataFrame:
    """The clients' promises to pay: `Prévu` Encaissements rows whose N° facture names an
    invoice (the first of that number). Columns invoice (index of factures), date, montant,
    ligne (Encaissements row), in date order."""
    fact_keys = invoice_key(factures["facture"])
    first = (fact_keys != "") & ~fact_keys.duplicated()
    enc_keys = invoice_key(encaissements["facture"])
    promised = (
        (encaissements["statut"] == "Prévu")
        & enc_keys.isin(fact_keys[first].to_numpy())
        & encaissements["date"].notna()
        & encaissements["montant"].notna()
    )
    rows = encaissements.loc[promised]
    frame = pd.DataFrame(
        {
            "invoice": _first_invoice(enc_keys[promised], fact_keys, first, factures.index),
            "date": rows["date"].to_numpy(),
            "montant": rows["montant"].to_numpy(dtype="float64"),
            "ligne": rows["ligne"].to_numpy(),
        }
    )
    return frame.sort_values(["date", "ligne"], kind="stable", ignore_index=True)


_D0 = dt.date(2026, 1, 1)
_day = st.one_of(st.none(), st.integers(0, 90).map(lambda n: _D0 + dt.timedelta(days=n)))
_number = st.sampled_from(["", "F1", "f1 ", "F2", "F3", "F-4", "x"])


@st.composite
def books(draw: st.DrawFn):
    from tests.ledger_factory import make_ledger

    factures = [
        {
            "facture": draw(_number),
            "date": draw(_day),
            "client": draw(st.sampled_from(["A", "B"])),
            "libelle": "x",
            "montant": draw(st.sampled_from([100.0, 250.5])),
            "date_paiement": draw(_day),
            "montant_paye": draw(st.one_of(st.none(), st.just(40.0))),
        }
        for _ in range(draw(st.integers(0, 6)))
    ]
    encaissements = [
        {
            "date": draw(_day),
            "libelle": "y",
            "client": "A",
            "montant": draw(st.one_of(st.none(), st.sampled_from([10.0, 100.0]))),
            "statut": draw(st.sampled_from(["Réalisé", "Prévu"])),
            "facture": draw(_number),
        }
        for _ in range(draw(st.integers(0, 6)))
    ]
    ledger = make_ledger(factures=factures, encaissements=encaissements)
    fact, enc = ledger.factures, ledger.encaissements
    if draw(st.booleans()):
        fact = fact.set_axis([10 * i + 5 for i in range(len(fact))])
    if draw(st.booleans()):
        enc = enc.iloc[::-1]
    return fact, enc


@settings(max_examples=300, deadline=None)
@given(books())
def test_payments_and_promises_as_before(book) -> None:
    factures, encaissements = book
    pd.testing.assert_frame_equal(
        invoice_payments(factures, encaissements), _old_invoice_payments(factures, encaissements)
    )
    pd.testing.assert_frame_equal(
        invoice_promises(factures, encaissements), _old_invoice_promises(factures, encaissements)
    )
    linked = invoice_key(encaissements["facture"]).isin(
        set(invoice_key(factures["facture"])) - {""}
    )  # the rows the flows leave to the invoices
    assert np.array_equal(named_invoices(factures, encaissements).first >= 0, linked.to_numpy())


def test_named_invoices_kept_per_frames() -> None:
    from tests.ledger_factory import make_ledger

    ledger = make_ledger(
        factures=[{"facture": "F1", "date": _D0, "client": "A", "libelle": "x", "montant": 1.0}],
        encaissements=[
            {"date": _D0, "libelle": "y", "montant": 1.0, "statut": "Réalisé", "facture": "f1"}
        ],
    )
    first = named_invoices(ledger.factures, ledger.encaissements)
    assert first is named_invoices(ledger.factures, ledger.encaissements)
    assert first.first.tolist() == [0] and not first.first.flags.writeable
    other = named_invoices(ledger.factures.copy(), ledger.encaissements)
    assert other is not first and other.first.tolist() == [0]
