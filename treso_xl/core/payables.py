"""Supplier bills (Fournisseurs): due dates, payments (own date or Décaissements rows), flows."""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd

from treso_xl.contract import normalize_series
from treso_xl.core.checks import AVERTISSEMENT, Finding
from treso_xl.core.money import cents
from treso_xl.core.records import Ledger
from treso_xl.french import day, euros, quote

BILL_TERMS_DAYS = 30  # contract: an empty Échéance is 30 days after the bill's date
CATEGORY_BILLS = "Factures fournisseurs"
SOURCE_BILLS = "Fournisseurs"
_CENT = 0.005

BILL_COLUMNS = [
    "numero",
    "fournisseur",
    "montant",
    "date",
    "echeance_calculee",
    "date_paiement",
    "paye_decaissements",  # Σ Montant of the Décaissements rows naming the bill
    "reste_du",  # unpaid bills only: Montant − paye_decaissements, never negative
    "date_prevue",  # the day the plan pays the rest (NaT when nothing is left to pay)
    "en_retard",  # unpaid and past due on the reference date
    "ligne",
]


def bill_keys(numbers: pd.Series) -> pd.Series:
    """Bill numbers folded for matching, as invoice numbers are ("" when empty)."""
    return normalize_series(numbers)


_T = TypeVar("_T", pd.Series, pd.DataFrame)
_last: dict[str, tuple[tuple[weakref.ref[pd.DataFrame], ...], tuple, pd.Series | pd.DataFrame]] = {}


def _kept(name: str, ledger: Ledger, dates: tuple, compute: Callable[[Ledger], _T]) -> _T:
    """`compute(ledger)`, the last answer kept per function: the flows, the plan, the checks
    and the working capital ask it of the same Fournisseurs and Décaissements frames (which are
    never changed in place) and dates; each caller gets its own copy."""
    frames = (ledger.fournisseurs, ledger.decaissements)
    last = _last.get(name)
    fresh = last is not None and last[1] == dates
    if not (fresh and all(r() is f for r, f in zip(last[0], frames, strict=True))):
        last = _last[name] = (tuple(weakref.ref(f) for f in frames), dates, compute(ledger))
    return last[2].copy()


def naming_rows(ledger: Ledger) -> pd.Series:
    """For each Décaissements row, the index of the Fournisseurs bill its N° facture names (the
    first bill of that number), else NaN."""
    return _kept("naming_rows", ledger, (), _naming_rows)


def _naming_rows(ledger: Ledger) -> pd.Series:
    bills = ledger.fournisseurs
    keys = bill_keys(bills["numero"])
    first = (keys != "") & ~keys.duplicated()
    index_of = dict(zip(keys[first], bills.index[first.to_numpy()], strict=True))
    dec = ledger.decaissements
    if "facture" not in dec or not index_of:
        return pd.Series(pd.NA, index=dec.index, dtype="Int64")
    return bill_keys(dec["facture"]).map(index_of).astype("Int64")


def _matches_typed_payment(bills: pd.DataFrame, dec: pd.DataFrame) -> pd.Series:
    """Paid bills that a Décaissements row not naming any bill already records: same supplier,
    same amount, dated on the bill's Date de paiement."""
    if dec.empty or bills.empty:
        return pd.Series(False, index=bills.index)
    typed = set(
        zip(
            dec["date"],
            normalize_series(dec["fournisseur"]),
            (dec["montant"].fillna(0) * 100).round().astype("int64"),
            strict=True,
        )
    )
    keys = zip(
        bills["date_paiement"],
        normalize_series(bills["fournisseur"]),
        (bills["montant"].fillna(0) * 100).round().astype("int64"),
        strict=True,
    )
    return pd.Series([key in typed for key in keys], index=bills.index, dtype=bool)


def bill_positions(ledger: Ledger) -> pd.DataFrame:
    """Per bill of Fournisseurs (same index): due date, what Décaissements rows paid, what the
    plan still pays and when.

    An unpaid bill (no Date de paiement) is paid on its due date (Échéance, else 30 days after
    its date), less what the Décaissements rows naming it pay (those rows are its payment). A
    rest already past due on the reference date is still owed: the plan pays it on the reference
    date (never on or before the opening balance date: the money has not left the bank yet).
    """
    dates = (ledger.params.date_reference, ledger.params.date_solde)
    return _kept("bill_positions", ledger, dates, _bill_positions)


def _bill_positions(ledger: Ledger) -> pd.DataFrame:
    params = ledger.params
    bills = ledger.fournisseurs
    out = pd.DataFrame(index=bills.index)
    out["numero"] = bills["numero"]
    out["fournisseur"] = bills["fournisseur"]
    out["montant"] = bills["montant"]
    out["date"] = bills["date"]
    terms = bills["date"] + pd.Timedelta(days=BILL_TERMS_DAYS)
    out["echeance_calculee"] = bills["echeance"].where(bills["echeance"].notna(), terms)
    out["date_paiement"] = bills["date_paiement"]
    named = naming_rows(ledger)
    dec = ledger.decaissements
    paid = dec.loc[named.notna(), "montant"].groupby(named[named.notna()]).sum()
    out["paye_decaissements"] = paid.reindex(out.index).fillna(0.0).astype("float64")
    unpaid = bills["date_paiement"].isna()
    rest = (bills["montant"].fillna(0.0) - out["paye_decaissements"]).clip(lower=0.0).round(2)
    out["reste_du"] = rest.where(unpaid, 0.0)
    ref = pd.Timestamp(params.date_reference)
    after_opening = pd.Timestamp(params.date_solde) + pd.Timedelta(days=1)
    due = out["echeance_calculee"]
    when = due.where(due >= ref, ref)
    when = when.where(when >= after_opening, after_opening)
    owed = out["reste_du"] > _CENT
    out["date_prevue"] = when.where(owed)
    out["en_retard"] = owed & (due < ref)
    out["ligne"] = bills["ligne"]
    return out[BILL_COLUMNS]


def bill_flows(ledger: Ledger, positions: pd.DataFrame | None = None) -> pd.DataFrame:
    """The bills as flows (same columns as `flows.FLOW_COLUMNS`): a paid bill on its Date de
    paiement (`Réalisé`), unless a Décaissements row naming no bill already records that payment
    (same supplier, amount and day); an unpaid bill's rest on `date_prevue` (`Prévu`)."""
    if positions is None:
        positions = bill_positions(ledger)
    bills = ledger.fournisseurs
    paid = bills["date_paiement"].notna() & bills["montant"].notna()
    if paid.any():  # only the rows dated on a payment day can record it
        dec = ledger.decaissements
        free = naming_rows(ledger).isna() & dec["date"].isin(bills.loc[paid, "date_paiement"])
        paid &= ~_matches_typed_payment(bills, dec.loc[free])
    paid = paid.to_numpy(dtype=bool)
    owed = (positions["reste_du"] > _CENT).to_numpy(dtype=bool)
    rows = np.concatenate([np.flatnonzero(paid), np.flatnonzero(owed)])  # paid first, by row
    numbers = bills["numero"].fillna("").astype(str).array.take(rows)
    who = bills["fournisseur"].fillna("").astype(str).array.take(rows)
    labels = pd.Series(
        [
            f"Facture {n} — {w}" if n else f"Facture fournisseur — {w}"
            for n, w in zip(numbers.tolist(), who.tolist(), strict=True)
        ],
        dtype=object,
    )
    frame = pd.DataFrame(
        {
            "date": np.concatenate(
                [
                    bills["date_paiement"].to_numpy(dtype="datetime64[ns]")[paid],
                    positions["date_prevue"].to_numpy(dtype="datetime64[ns]")[owed],
                ]
            ),
            "montant": np.concatenate(
                [
                    bills["montant"].to_numpy(dtype="float64")[paid],
                    positions["reste_du"].to_numpy(dtype="float64")[owed],
                ]
            ),
            "statut": ["Réalisé"] * int(paid.sum()) + ["Prévu"] * int(owed.sum()),
            "libelle": labels,
            "tiers": _taken(bills["fournisseur"], rows),
            "ligne": _taken(bills["ligne"], rows),
            "facture": pd.Series(numbers, dtype=numbers.dtype),
        }
    )
    frame["sens"] = "décaissement"
    frame["categorie"] = CATEGORY_BILLS
    frame["source"] = SOURCE_BILLS
    return frame


def _taken(column: pd.Series, rows: np.ndarray) -> pd.Series:
    """The values of `column` at positions `rows`, its dtype kept, indexed from 0."""
    return pd.Series(column.array.take(rows), dtype=column.dtype)


def payables_on(ledger: Ledger, on: dt.date) -> float:
    """Dettes fournisseurs on `on`: bills dated on or before it without a Date de paiement, less
    the `Réalisé` Décaissements rows naming them dated on or before it."""
    bills = ledger.fournisseurs
    ts = pd.Timestamp(on)
    unpaid = (bills["date"] <= ts) & bills["date_paiement"].isna()
    named = naming_rows(ledger)
    dec = ledger.decaissements
    done = named.notna() & (dec["statut"] == "Réalisé") & (dec["date"] <= ts)
    paid = dec.loc[done, "montant"].groupby(named[done]).sum().reindex(bills.index).fillna(0.0)
    rest = (bills["montant"].fillna(0.0) - paid).clip(lower=0.0)
    return cents(float(rest[unpaid].sum()))


def bill_findings(ledger: Ledger, positions: pd.DataFrame | None = None) -> list[Finding]:
    """Contrôles lines: unpaid bills past due (paid by the plan on the reference date) and
    Décaissements rows naming a bill that Fournisseurs does not hold."""
    if positions is None:
        positions = bill_positions(ledger)
    findings: list[Finding] = []
    late = positions.loc[positions["en_retard"]]
    for row in late.itertuples(index=False):
        number = f" {quote(row.numero)}" if row.numero else ""
        findings.append(
            Finding(
                AVERTISSEMENT,
                SOURCE_BILLS,
                int(row.ligne),
                f"Facture fournisseur{number} ({row.fournisseur}, {euros(row.reste_du)}) échue "
                f"le {day(row.echeance_calculee.date())} et non payée : le plan la paie le "
                f"{day(row.date_prevue.date())}.",
                f"Si elle est déjà réglée, indiquez sa {quote('Date de paiement')} ; sinon "
                "réglez-la ou convenez d'un délai avec le fournisseur (un retard coûte des "
                "pénalités).",
                "facture_fournisseur_echue",
            )
        )
    dec = ledger.decaissements
    if "facture" in dec:
        typed = dec["facture"].fillna("").astype(str).str.strip()
        unknown = (typed != "") & naming_rows(ledger).isna()
        for ligne, number in zip(dec.loc[unknown, "ligne"], typed[unknown], strict=True):
            findings.append(
                Finding(
                    AVERTISSEMENT,
                    "Décaissements",
                    int(ligne),
                    f"N° facture {quote(number)} introuvable dans Fournisseurs : la ligne est "
                    "comptée comme un décaissement ordinaire.",
                    "Corrigez le numéro, ou saisissez la facture dans Fournisseurs ; sinon le "
                    "paiement risque d'être compté deux fois (ici et dans Fournisseurs).",
                    "facture_fournisseur_inconnue",
                )
            )
    return findings
