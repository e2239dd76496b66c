"""How each client really pays: typical delay after the due date, and delays by payment method."""

from __future__ import annotations

import weakref

import numpy as np
import pandas as pd

MIN_PAID_INVOICES = 2  # fewer paid invoices: no habit, the due date is used


# the columns `paid_invoices` reads
_PAYMENT_DATES = ("reste_du", "derniere_date_paiement", "echeance_calculee", "date")


def paid_invoices(positions: pd.DataFrame) -> pd.DataFrame:
    """Fully paid invoices with `retard` (days from due date to last payment, may be negative)
    and `delai` (days from invoice date to last payment)."""
    paid = positions.loc[
        (positions["reste_du"] <= 0.004) & positions["derniere_date_paiement"].notna()
    ].copy()
    paid["retard"] = (paid["derniere_date_paiement"] - paid["echeance_calculee"]).dt.days
    paid["delai"] = (paid["derniere_date_paiement"] - paid["date"]).dt.days
    return paid


_last_habits: tuple[weakref.ref[pd.DataFrame], pd.DataFrame] | None = None


def client_habits(positions: pd.DataFrame) -> pd.DataFrame:
    """Per client: paid invoices counted, median and mean delay after the due date (days).

    `habitude` is the median delay rounded to the day when the client has at least two paid
    invoices, else <NA> (the due date is then used). The last answer is kept (the plan and the
    Relances tab ask it of the same positions, never changed in place); each caller its copy.
    """
    global _last_habits
    if _last_habits is None or _last_habits[0]() is not positions:
        _last_habits = (weakref.ref(positions), _client_habits(positions))
    return _last_habits[1].copy()


def _client_habits(positions: pd.DataFrame) -> pd.DataFrame:
    paid = paid_invoices(positions[[*_PAYMENT_DATES, "client"]])
    if paid.empty:
        return pd.DataFrame(
            {
                "factures_payees": pd.Series(dtype="int64"),
                "retard_median": pd.Series(dtype="float64"),
                "retard_moyen": pd.Series(dtype="float64"),
                "habitude": pd.Series(dtype="Int64"),
            }
        )
    grouped = paid.groupby("client", sort=True)["retard"]
    table = pd.DataFrame(
        {
            "factures_payees": grouped.size(),
            "retard_median": grouped.median(),
            "retard_moyen": grouped.mean().round(1),
        }
    )
    habit = table["retard_median"].round().astype("Int64")
    table["habitude"] = habit.where(table["factures_payees"] >= MIN_PAID_INVOICES)
    return table


def delays_by_payment_method(positions: pd.DataFrame) -> pd.DataFrame:
    """Per Mode de paiement: paid invoices, mean days from invoice to payment and mean delay
    after the due date, slowest first. An empty mode is shown as « (non renseigné) »."""
    paid = paid_invoices(positions[[*_PAYMENT_DATES, "mode_paiement"]])
    texts = paid["mode_paiement"].fillna("").astype(str)
    codes, distinct = pd.factorize(texts)  # each distinct wording stripped once
    shown = np.array([t.strip() or "(non renseigné)" for t in distinct.tolist()], dtype=object)
    paid["mode"] = pd.Series(shown[codes], index=paid.index, dtype=texts.dtype)
    grouped = paid.groupby("mode", sort=True)
    table = pd.DataFrame(
        {
            "factures": grouped.size(),
            "delai_moyen": grouped["delai"].mean().round(1),
            "retard_moyen": grouped["retard"].mean().round(1),
        }
    )
    return table.sort_values("delai_moyen", ascending=False, kind="stable")
