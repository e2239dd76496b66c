"""The reminder routine: which level is due for each late invoice, penalties, the next step."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from treso_xl.core.aging import open_invoices
from treso_xl.core.penalties import (
    PenaltyPeriod,
    penalties_over,
    penalty_periods,
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
    after_notice = due + dt.timedelta(days=30 + FORMAL_NOTICE_DAYS)
    if total <= small_claims_ceiling(on):
        return (
            "Procédure simplifiée de recouvrement des petites créances (commissaire de justice), "
            "ou injonction de payer",
            after_notice,
        )
    court = "tribunal de commerce" if professional else "tribunal judiciaire"
    return f"Injonction de payer auprès du {court}", after_notice


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
    out: list[Reminder] = []
    for row in rows.itertuples(index=False):
        days_late = int(row.jours_retard)
        level = level_for(days_late) or COURTESY
        out.append(_reminder(row, level, days_late, params, figures))
    out.sort(key=lambda r: (-r.jours_retard, r.client, r.facture))
    return out


# the columns of the open invoices a reminder reads
_FIELDS = (
    "facture", "client", "type_client", "email_client", "date", "echeance_calculee", "montant",
    "reste_du", "jours_retard", "lien_paiement", "ligne", "promesses",
)  # fmt: skip


class _Figures:
    """What every reminder of one reference date shares, looked up once: the recovery
    indemnity, the small-claims ceiling, the penalty periods of each due date."""

    def __init__(self, params: Params) -> None:
        self.params = params
        self._indemnity: float | None = None
        self._periods: dict[dt.date, list[PenaltyPeriod]] = {}

    def indemnity(self) -> float:
        if self._indemnity is None:
            self._indemnity = recovery_indemnity(self.params.date_reference)
        return self._indemnity

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


def _reminder(row, level: str, days_late: int, params: Params, figures: _Figures) -> Reminder:
    ref = params.date_reference
    due = row.echeance_calculee.date()
    professional = row.type_client == PROFESSIONAL
    penalties = indemnity = 0.0
    rate: float | None = None
    uncertain = False
    error = ""
    if professional and days_late > 0:
        indemnity = figures.indemnity()
        try:
            periods = figures.periods(due)
            penalties = penalties_over(row.reste_du, periods)
            rate = periods[-1].rate if periods else params.taux_penalites
            uncertain = any(p.uncertain for p in periods)
        except RuleNotCovered as exc:
            error = (
                f"{exc} Indiquez le « Taux de pénalités » dans la feuille Paramètres pour "
                "calculer les pénalités de cette facture."
            )
    total = round(row.reste_du + penalties + indemnity, 2)
    action, when = next_step(level, due, total, professional, ref)
    promises = tuple(getattr(row, "promesses", ()) or ())
    kept = [(d, amount) for d, amount, _ in promises if d.date() >= ref]
    promised: dt.date | None = None
    if kept and sum(amount for _, amount in kept) >= row.reste_du - 0.005:
        promised = kept[-1][0].date()
        action = f"Vérifier le paiement promis le {day(promised)}"
        when = promised
    reminder = Reminder(
        facture=str(row.facture),
        client=str(row.client),
        type_client=str(row.type_client),
        email=str(row.email_client or ""),
        date_facture=row.date.date(),
        echeance=due,
        montant=float(row.montant),
        reste_du=float(row.reste_du),
        jours_retard=max(days_late, 0),
        niveau=level,
        prochaine_action=action,
        date_prochaine_action=when,
        penalites=penalties,
        indemnite=indemnity,
        taux=rate,
        taux_incertain=uncertain,
        lien_paiement=str(row.lien_paiement or ""),
        ligne=int(row.ligne),
        texte=ReminderText("", ""),
        erreur_taux=error,
        promesse=promise_text(promises, ref),
    )
    # the body is written on first use: only the letters printed or drafted need one
    text = lazy_reminder_text(reminder, params, next_action=action, promised=promised)
    # the text is read from the reminder itself: set on this new, not yet shared, instance
    # (what dataclasses.replace would copy field by field, thousands of times)
    object.__setattr__(reminder, "texte", text)
    return reminder
