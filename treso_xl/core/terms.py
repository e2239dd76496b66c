"""Payment terms typed in French ("30 jours fin de mois", "À réception", …) as due dates."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from treso_xl.contract import normalize_label
from treso_xl.core.calendar import add_months, month_end

LEGAL_DEFAULT_DAYS = 30  # Code de commerce L441-10: no agreed term, 30 days
LEGAL_MAX_DAYS = 60  # maximum agreed term from the invoice date
LEGAL_MAX_EOM_DAYS = 45  # maximum when the contract says "45 jours fin de mois"


@dataclass(frozen=True)
class PaymentTerms:
    """A parsed wording.

    `end_of_month` is "" (date + days), "after" (date + days, then end of that month: the
    reading of "45 jours fin de mois" used here) or "before" (end of the invoice month, then +
    days: "fin de mois 45 jours"). `on_day` moves the result to that day of the following month
    ("30 jours fin de mois le 10"). `known` is False when the wording was not understood: the
    legal default of 30 days is used and Contrôles says so.
    """

    days: int
    end_of_month: str = ""
    on_day: int | None = None
    known: bool = True
    empty: bool = False

    def due_date(self, invoice_date: dt.date) -> dt.date:
        """The due date for an invoice dated `invoice_date`."""
        if self.end_of_month == "before":
            due = month_end(invoice_date) + dt.timedelta(days=self.days)
        elif self.end_of_month == "after":
            due = month_end(invoice_date + dt.timedelta(days=self.days))
        else:
            due = invoice_date + dt.timedelta(days=self.days)
        if self.on_day is not None:
            due = add_months(due.replace(day=1), 1, anchor_day=self.on_day)
        return due

    def due_dates(self, invoice_dates: pd.Series) -> pd.Series:
        """`due_date` over a column of invoice dates (NaT stays NaT)."""
        dates = pd.to_datetime(invoice_dates)
        if self.end_of_month == "before":
            due = dates + pd.offsets.MonthEnd(0) + pd.to_timedelta(self.days, unit="D")
        elif self.end_of_month == "after":
            due = dates + pd.to_timedelta(self.days, unit="D") + pd.offsets.MonthEnd(0)
        else:
            due = dates + pd.to_timedelta(self.days, unit="D")
        if self.on_day is not None:
            first_next = due - pd.to_timedelta(due.dt.day - 1, unit="D") + pd.DateOffset(months=1)
            last = first_next + pd.offsets.MonthEnd(0)
            day = last.dt.day.clip(upper=self.on_day)
            due = first_next + pd.to_timedelta(day - 1, unit="D")
        return due.astype("datetime64[ns]")

    @property
    def kind(self) -> int:
        """`end_of_month` as a code for `due_date_array`: 0 "", 1 "after", 2 "before"."""
        return {"": 0, "after": 1, "before": 2}[self.end_of_month]

    @property
    def beyond_legal_maximum(self) -> bool:
        """True when the agreed term exceeds 60 days, or 45 days end of month."""
        if self.end_of_month:
            return self.days > LEGAL_MAX_EOM_DAYS or (
                self.days == LEGAL_MAX_EOM_DAYS and self.on_day is not None
            )
        return self.days > LEGAL_MAX_DAYS

    def describe(self) -> str:
        """French wording of how the due date is computed."""
        if self.empty:
            return "pas de conditions : 30 jours après la date de facture (délai légal par défaut)"
        if not self.known:
            return "conditions non reconnues : 30 jours après la date de facture"
        if self.days == 0 and not self.end_of_month:
            text = "à réception de la facture"
        elif self.end_of_month == "before":
            text = f"fin du mois de facture, puis {self.days} jours"
        elif self.end_of_month == "after":
            text = (
                f"{self.days} jours après la date de facture, puis fin de ce mois"
                if self.days
                else "fin du mois de facture"
            )
        else:
            text = f"{self.days} jours après la date de facture"
        if self.on_day is not None:
            text += f", puis le {self.on_day} du mois suivant"
        return text


_DAY = np.timedelta64(1, "D")


def _month_end_days(days: np.ndarray) -> np.ndarray:
    """Last day of the month of each datetime64[D] (NaT stays NaT)."""
    return (days.astype("datetime64[M]") + 1).astype("datetime64[D]") - _DAY


def due_date_array(
    dates: np.ndarray, days: np.ndarray, kind: np.ndarray, on_day: np.ndarray
) -> np.ndarray:
    """`PaymentTerms.due_dates` row by row with each row's own terms, on numpy arrays:
    `dates` datetime64[ns], `days` the terms' days, `kind` their `PaymentTerms.kind`, `on_day`
    their `on_day` (0 for None). Time of day kept, NaT stays NaT; datetime64[ns] out."""
    dates = np.asarray(dates, dtype="datetime64[ns]")
    whole = dates.astype("datetime64[D]")
    time_of_day = dates - whole.astype("datetime64[ns]")
    shift = np.asarray(days, dtype=np.int64) * _DAY
    due = np.where(
        kind == 2,
        _month_end_days(whole) + shift,
        np.where(kind == 1, _month_end_days(whole + shift), whole + shift),
    )
    moved = on_day > 0
    if moved.any():
        first_next = (due.astype("datetime64[M]") + 1).astype("datetime64[D]")
        length = (_month_end_days(first_next) - first_next).astype(np.int64) + 1
        day = np.minimum(length, on_day)
        due = np.where(moved, first_next + (day - 1) * _DAY, due)
    return due.astype("datetime64[ns]") + time_of_day


_IMMEDIATE = (
    "a reception",
    "des reception",
    "reception de facture",
    "reception de la facture",
    "comptant",
    "paiement comptant",
    "immediat",
    "paiement immediat",
    "a la livraison",
    "paiement a la livraison",
    "a la commande",
    "0 jour",
    "0 jours",
)
_DAYS = r"(\d{1,3})\s*(?:jours?|j)\b"
_EOM = r"(?:fin\s+de\s+mois|fdm)"
_ON_DAY = r"(?:\s+le\s+(\d{1,2}))?"
_NOISE = re.compile(
    r"\b(?:net|nets|date\s+de\s+(?:la\s+)?facture|a\s+compter\s+de\s+la\s+date\s+de\s+facture"
    r"|a\s+date\s+de\s+facture|apres\s+facture|date\s+facture|de\s+facture|par\s+virement"
    r"|paiement|payable|reglement|a|sous|delai|de)\b"
)


def _clean(text: str) -> str:
    s = normalize_label(text).replace("’", "'")
    s = re.sub(r"[.,;:!]", " ", s)
    return " ".join(s.split())


def parse_terms(text: object) -> PaymentTerms:
    """Parse a French payment-terms wording; never raises."""
    raw = "" if text is None else str(text)
    s = _clean(raw)
    if not s or s in {"nan", "none"}:
        return PaymentTerms(LEGAL_DEFAULT_DAYS, known=False, empty=True)
    if s in _IMMEDIATE or any(
        s.startswith(w) for w in ("a reception", "comptant", "paiement comptant")
    ):
        return PaymentTerms(0)
    # "fin de mois 45 jours" / "fin de mois + 45 jours": end of the invoice month first
    m = re.fullmatch(rf"{_EOM}\s*(?:\+|plus)?\s*{_DAYS}{_ON_DAY}(?:\s+.*)?", s)
    if m:
        return PaymentTerms(int(m.group(1)), "before", _day(m.group(2)))
    # "45 jours fin de mois", "30 j fdm le 10", "net 30 jours fin de mois"
    m = re.search(rf"{_DAYS}\s*(?:net\s+)?{_EOM}{_ON_DAY}", s)
    if m:
        return PaymentTerms(int(m.group(1)), "after", _day(m.group(2)))
    # "fin de mois" alone, "fin de mois le 10"
    m = re.fullmatch(rf"(?:paiement\s+)?(?:a\s+)?{_EOM}{_ON_DAY}", s)
    if m:
        return PaymentTerms(0, "after", _day(m.group(1)))
    # "30 jours", "30 j net", "net 30", "60 jours date de facture", "à 45 jours"
    rest = _NOISE.sub(" ", s)
    rest = " ".join(rest.split())
    m = re.fullmatch(r"(\d{1,3})\s*(?:jours?|j)?", rest)
    if m:
        return PaymentTerms(int(m.group(1)))
    return PaymentTerms(LEGAL_DEFAULT_DAYS, known=False)


def _day(group: str | None) -> int | None:
    if group is None:
        return None
    day = int(group)
    return day if 1 <= day <= 31 else None
