"""The reminder routine: which level is due for each late invoice, penalties, the next step."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from treso_xl.core.aging import open_invoices
from treso_xl.core.penalties import (
    PenaltyPeriod,
    cents_of,
    penalties_over_many,
    penalty_periods,
    penalty_sums,
    recovery_indemnity,
)
from treso_xl.core.records import Params
from treso_xl.core.reminder_texts import ReminderText, lazy_reminder_text
from treso_xl.french import day, euros
from treso_xl.rules.lookup import RuleNotCovered, rule

COURTESY = "Avant échéance"
LEVELS = ((30, "J+30"), (15, "J+15"), (1, "J+1"))
FORMAL_NOTICE_DAYS = 8  # payment deadline given in the formal notice
PROFESSIONAL = "Professionnel"


@dataclass(frozen=True)
class Reminder:
    """One reminder due at the reference date."""

    facture: str
    client: str
    type_client: str
    email: str
    date_facture: dt.date
    echeance: dt.date
    montant: float
    reste_du: float
    jours_retard: int
    niveau: str  # COURTESY, "J+1", "J+15" or "J+30"
    prochaine_action: str
    date_prochaine_action: dt.date
    penalites: float
    indemnite: float
    taux: float | None  # yearly penalty rate used (None: no penalties, consumer)
    taux_incertain: bool
    lien_paiement: str
    ligne: int
    texte: ReminderText
    erreur_taux: str = ""  # French message when the rate could not be found
    promesse: str = ""  # the client's promises to pay: « 500,00 € le 15/12/2026 », "" when none

    @property
    def total_du(self) -> float:
        return round(self.reste_du + self.penalites + self.indemnite, 2)


def level_for(days_late: int) -> str | None:
    """Reminder level reached after `days_late` days past due (None before J+1)."""
    for threshold, label in LEVELS:
        if days_late >= threshold:
            return label
    return None


def small_claims_ceiling(on: dt.date) -> float:
    """Ceiling of the simplified small-claims procedure (5 000 €)."""
    return float(rule("petites_creances", on)["plafond"])


def next_step(
    level: str, due: dt.date, total: float, professional: bool, on: dt.date
) -> tuple[str, dt.date]:
    """French wording and date of the step after `level`."""
    if level == COURTESY:
        return "Vérifier le paiement le jour de l'échéance", due
    if level == "J+1":
        return "Relance ferme par e-mail et appel (J+15)", due + dt.timedelta(days=15)
    if level == "J+15":
        return "Mise en demeure par lettre recommandée (J+30)", due + dt.timedelta(days=30)
    after_notice = due + _AFTER_NOTICE
    if total <= small_claims_ceiling(on):
        return SMALL_CLAIMS, after_notice
    return (COURT_PRO if professional else COURT_PRIVATE), after_notice


LATEST = LEVELS[0][1]  # the level after which the next step is the court
_AFTER_NOTICE = dt.timedelta(days=30 + FORMAL_NOTICE_DAYS)
SMALL_CLAIMS = (
    "Procédure simplifiée de recouvrement des petites créances (commissaire de justice), "
    "ou injonction de payer"
)
COURT_PRO = "Injonction de payer auprès du tribunal de commerce"
COURT_PRIVATE = "Injonction de payer auprès du tribunal judiciaire"


PREPARE_FOR_COURT = (
    "À préparer : la facture, le devis ou bon de commande signé, la preuve de livraison ou de "
    "réalisation, la mise en demeure et son accusé de réception, le décompte des sommes dues."
)


def reminders(positions: pd.DataFrame, params: Params) -> list[Reminder]:
    """Every reminder due at the reference date, most late first.

    An invoice appears once, at the highest level reached (levels already passed are not
    proposed again); paid invoices never appear. With `Rappel avant échéance (jours)`, invoices
    due within that many days get a courtesy notice.
    """
    ref = params.date_reference
    rows = open_invoices(positions, ref)
    late = rows["jours_retard"].to_numpy(dtype="int64")
    wanted = late >= LEVELS[-1][0]
    if params.rappel_jours is not None:
        wanted |= -late <= params.rappel_jours
    rows = rows.loc[wanted, [c for c in _FIELDS if c in rows]]
    figures = _Figures(params)
    # whole columns as Python values once (what itertuples gave row by row)
    columns = [_values(rows[c]) if c in rows else [()] * len(rows) for c in _FIELDS]
    charged = _charges(columns, rows, params, figures)
    out: list[Reminder] = []
    for values, charge in zip(zip(*columns, strict=True), charged, strict=True):
        days_late = int(values[_LATE])
        level = level_for(days_late) or COURTESY
        out.append(_reminder(values, level, days_late, params, figures, charge))
    out.sort(key=lambda r: (-r.jours_retard, r.client, r.facture))
    return out


# penalties, rate, rate uncertain, error of one reminder (None: no penalties, no indemnity)
_Charge = tuple[float, float | None, bool, str] | None


def _charges(
    columns: list[list], rows: pd.DataFrame, params: Params, figures: _Figures
) -> list[_Charge]:
    """The penalties of every late invoice to a professional, computed per due date over the
    whole column of rests (the periods are those of the due date)."""
    types, dues, lates = (
        columns[_FIELDS.index(c)] for c in ("type_client", "echeance_calculee", "jours_retard")
    )
    rests = rows["reste_du"].to_numpy(dtype="float64")
    by_due: dict[dt.date, list[int]] = {}
    for i, (kind, due, late) in enumerate(zip(types, dues, lates, strict=True)):
        if kind == PROFESSIONAL and late > 0:
            by_due.setdefault(due, []).append(i)
    out: list[_Charge] = [None] * len(rests)
    summed: list[np.ndarray] = []
    pending: list[tuple[list[int], float | None, bool]] = []
    for due, which in by_due.items():
        try:
            periods = figures.periods(due)
        except RuleNotCovered as exc:
            error = (
                f"{exc} Indiquez le « Taux de pénalités » dans la feuille Paramètres pour "
                "calculer les pénalités de cette facture."
            )
            for i in which:
                out[i] = (0.0, None, False, error)
            continue
        rate = periods[-1].rate if periods else params.taux_penalites
        uncertain = any(p.uncertain for p in periods)
        if not periods:
            amounts = penalties_over_many(rests[which], periods)
            for i, amount in zip(which, amounts, strict=True):
                out[i] = (amount, rate, uncertain, "")
            continue
        # the sums now, rounded to the cent below in one call (cents_of works value by value)
        summed.append(penalty_sums(rests[which], periods))
        pending.append((which, rate, uncertain))
    if pending:
        amounts = iter(cents_of(np.concatenate(summed)))
        for which, rate, uncertain in pending:
            for i in which:
                out[i] = (next(amounts), rate, uncertain, "")
    return out


def _values(column: pd.Series) -> list:
    """A column's values as itertuples gives them: a Timestamp column as datetime.date (the only
    use made of it), every other one as Python objects."""
    if column.dtype.kind == "M":
        days = column.to_numpy()
        if isinstance(column.dtype, np.dtype) and not np.isnat(days).any():
            return days.astype("datetime64[D]").tolist()  # datetime.date, as .dt.date gives
        return list(column.dt.date)
    return column.to_numpy(dtype=object).tolist()


# the columns of the open invoices a reminder reads
_FIELDS = (
    "facture", "client", "type_client", "email_client", "date", "echeance_calculee", "montant",
    "reste_du", "jours_retard", "lien_paiement", "ligne", "promesses",
)  # fmt: skip
_LATE = _FIELDS.index("jours_retard")


class _Figures:
    """What every reminder of one reference date shares, looked up once: the recovery
    indemnity, the small-claims ceiling, the penalty periods of each due date."""

    def __init__(self, params: Params) -> None:
        self.params = params
        self._indemnity: float | None = None
        self._ceiling: float | None = None
        self._periods: dict[dt.date, list[PenaltyPeriod]] = {}

    def indemnity(self) -> float:
        if self._indemnity is None:
            self._indemnity = recovery_indemnity(self.params.date_reference)
        return self._indemnity

    def ceiling(self) -> float:
        if self._ceiling is None:
            self._ceiling = small_claims_ceiling(self.params.date_reference)
        return self._ceiling

    def periods(self, due: dt.date) -> list[PenaltyPeriod]:
        """`penalty_periods` up to the reference date (RuleNotCovered raised every time)."""
        if due not in self._periods:
            ref, rate = self.params.date_reference, self.params.taux_penalites
            self._periods[due] = penalty_periods(due, ref, rate)
        return self._periods[due]


def promise_text(promises: tuple[tuple[pd.Timestamp, float, int], ...], on: dt.date) -> str:
    """The client's promises to pay in French, one per line; a past one is « non tenue »."""
    lines = []
    for when, amount, _ in promises:
        text = f"{euros(amount)} le {day(when.date())}"
        lines.append(text + (" (non tenue)" if when.date() < on else ""))
    return "\n".join(lines)


def _reminder(
    values: tuple,
    level: str,
    days_late: int,
    params: Params,
    figures: _Figures,
    charge: _Charge,
) -> Reminder:
    (
        facture, client, type_client, email, issued, due, montant, reste_du, _, link, ligne,
        promises,
    ) = values  # fmt: skip
    ref = params.date_reference
    professional = type_client == PROFESSIONAL
    penalties = indemnity = 0.0
    rate: float | None = None
    uncertain = False
    error = ""
    if charge is not None:  # a professional, late
        indemnity = figures.indemnity()
        penalties, rate, uncertain, error = charge
    total = round(reste_du + penalties + indemnity, 2)
    if level == LATEST:  # next_step, the small-claims ceiling looked up once
        after_notice = due + _AFTER_NOTICE
        if total <= figures.ceiling():
            action, when = SMALL_CLAIMS, after_notice
        else:
            action, when = (COURT_PRO if professional else COURT_PRIVATE), after_notice
    else:
        action, when = next_step(level, due, total, professional, ref)
    promises = tuple(promises or ())
    promised: dt.date | None = None
    if promises:
        kept = [(d, amount) for d, amount, _ in promises if d.date() >= ref]
        if kept and sum(amount for _, amount in kept) >= reste_du - 0.005:
            promised = kept[-1][0].date()
            action = f"Vérifier le paiement promis le {day(promised)}"
            when = promised
    # every field set, as Reminder(...) would, without a frozen __setattr__ call per field
    reminder = object.__new__(Reminder)
    reminder.__dict__.update(
        facture=str(facture),
        client=str(client),
        type_client=str(type_client),
        email=str(email or ""),
        date_facture=issued,
        echeance=due,
        montant=float(montant),
        reste_du=float(reste_du),
        jours_retard=max(days_late, 0),
        niveau=level,
        prochaine_action=action,
        date_prochaine_action=when,
        penalites=penalties,
        indemnite=indemnity,
        taux=rate,
        taux_incertain=uncertain,
        lien_paiement=str(link or ""),
        ligne=int(ligne),
        texte=None,  # set below, once the reminder exists
        erreur_taux=error,
        promesse=promise_text(promises, ref) if promises else "",
    )
    # the body is written on first use: only the letters printed or drafted need one
    text = lazy_reminder_text(reminder, params, next_action=action, promised=promised)
    # the text is read from the reminder itself: set on this new, not yet shared, instance
    # (what dataclasses.replace would copy field by field, thousands of times)
    reminder.__dict__["texte"] = text
    return reminder
