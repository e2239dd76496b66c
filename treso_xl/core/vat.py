"""VAT once the franchise is lost (Paramètres « TVA » = Oui): the simplified regime's payments."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

import pandas as pd

from treso_xl import contract
from treso_xl.contract import normalize_series
from treso_xl.core.checks import AVERTISSEMENT, CONSEIL, Finding
from treso_xl.core.flows import IN, OUT, planned_flows
from treso_xl.core.records import Ledger
from treso_xl.core.thresholds import vat_due_from
from treso_xl.core.urssaf import is_turnover, next_working_day
from treso_xl.french import day, euros, percent, quote
from treso_xl.rules.lookup import Rule, rule

CATEGORY_VAT = "TVA (estimée)"
SOURCE_VAT = "TVA"
ACOMPTE = "acompte"
SOLDE = "solde"

# Money out that bears no deductible VAT, matched on the folded "label | category": social
# contributions, taxes, insurance, bank fees, pay, loans and transfers, VAT itself.
_NO_VAT = re.compile(
    r"\burssaf\b|\bimpots?\b|\btaxes?\b|\btva\b|\bcfe\b|\bassurances?\b|\bbanques?\b"
    r"|\bfrais bancaires?\b|\bsalaires?\b|\bremunerations?\b|\bemprunts?\b|\bprets?\b"
    r"|\bvirements? internes?\b|\bremboursements?\b|\bapports?\b|\bprelevements? personnels?\b"
    r"|\bamendes?\b|\bcotisations?\b"
)
_TYPED_VAT = re.compile(r"\btva\b")
TYPED_GRACE_DAYS = 15  # a typed VAT payment settles a deadline from the 1st of its month to here


@dataclass(frozen=True)
class VatPayment:
    """One VAT payment of the simplified regime: an instalment or the annual balance."""

    nature: str  # ACOMPTE or SOLDE
    annee: int  # the VAT year it pays
    echeance: dt.date  # legal deadline
    paiement: dt.date  # the deadline moved to the next working day
    montant: float
    libelle: str
    saisi: bool = False  # a typed TVA décaissement stands for it: not planned again


@dataclass(frozen=True)
class VatYear:
    """VAT of one calendar year from the day it is due."""

    annee: int
    collectee: float
    deductible: float

    @property
    def due(self) -> float:
        return round(self.collectee - self.deductible, 2)


@dataclass(frozen=True)
class VatSchedule:
    """VAT due from `debut` at `taux` on receipts and purchases, and the payments it makes."""

    debut: dt.date
    motif: str  # why VAT is due from that day (French clause)
    taux: float
    date_solde: dt.date
    until: dt.date  # the horizon's last day: later payments are out of the plan
    years: tuple[VatYear, ...]
    payments: tuple[VatPayment, ...]
    regles: tuple[Rule, ...]
    credits: tuple[tuple[int, float], ...] = ()  # (year, VAT credit) when instalments exceed
    findings: list[Finding] = field(default_factory=list)


def _vat_part(amounts: pd.Series, rate: float) -> float:
    """The VAT inside amounts typed tax included: amount × rate / (1 + rate), to the cent."""
    return round(float(amounts.sum()) * rate / (1 + rate), 2)


def annual_return_deadline(year: int) -> dt.date:
    """The CA12 deadline for `year`'s VAT: the second working day after 1 May of `year` + 1
    (CGI ann. II art. 242 sexies): 5 May 2026 for 2025."""
    day_ = dt.date(year + 1, 5, 1)
    count = 0
    while count < 2:
        day_ += dt.timedelta(days=1)
        if next_working_day(day_) == day_:
            count += 1
    return day_


def _texts(frame: pd.DataFrame) -> pd.Series:
    return normalize_series(frame["libelle"]) + " | " + normalize_series(frame["categorie"])


def _start(ledger: Ledger, flows: pd.DataFrame, until: dt.date) -> tuple[dt.date, str]:
    params = ledger.params
    receipts = flows.loc[(flows["sens"] == IN) & flows["date"].notna()]
    receipts = receipts.loc[is_turnover(receipts["categorie"])].copy()
    receipts["date"] = pd.to_datetime(receipts["date"]).dt.normalize()
    receipts = receipts.sort_values("date", kind="stable", ignore_index=True)
    legal = vat_due_from(params.activite, receipts, until, params.date_reference)
    if legal is not None:
        return legal.date, legal.motif
    first = dt.date((params.date_solde + dt.timedelta(days=1)).year, 1, 1)
    if params.debut_activite is not None and params.debut_activite > first:
        first = params.debut_activite
    return first, (
        f"{quote('TVA')} à {quote('Oui')} dans Paramètres, sans dépassement de seuil dans les "
        f"données : TVA comptée depuis le {day(first)}"
    )


def vat_schedule(ledger: Ledger, flows: pd.DataFrame, until: dt.date) -> VatSchedule | None:
    """VAT payments of the simplified regime, None unless Paramètres « TVA » is Oui.

    From the day VAT is due (`vat_due_from`, else 1 January of the plan's first year, or the
    start of activity when later), receipts that are turnover carry VAT at « Taux de TVA »
    (typed amounts are tax included) and purchases bearing VAT give it back. Each year's VAT is
    paid in two instalments of the previous year's (July 55 %, December 40 %; none in the first
    year or under 1 000 €) and the balance with the annual return in May of the next year.
    """
    params = ledger.params
    if not params.tva:
        return None
    debut, motif = _start(ledger, flows, until)
    regime = rule("tva_regime_simplifie", debut)
    default_rate = rule("tva_taux", debut)
    rate = float(params.taux_tva) if params.taux_tva is not None else float(default_rate["taux"])
    dated = flows.loc[flows["date"].notna()].copy()
    dated["date"] = pd.to_datetime(dated["date"]).dt.normalize()
    dated = dated.loc[
        (dated["date"] >= pd.Timestamp(debut)) & (dated["date"] <= pd.Timestamp(until))
    ]
    sales = dated.loc[(dated["sens"] == IN) & is_turnover(dated["categorie"])]
    spent = dated.loc[dated["sens"] == OUT]
    spent = spent.loc[~_texts(spent).str.contains(_NO_VAT)] if not spent.empty else spent

    years = []
    for annee in range(debut.year, until.year + 1):
        in_year = sales["date"].dt.year == annee
        out_year = spent["date"].dt.year == annee
        years.append(
            VatYear(
                annee,
                _vat_part(sales.loc[in_year, "montant"], rate),
                _vat_part(spent.loc[out_year, "montant"], rate),
            )
        )

    payments: list[VatPayment] = []
    credits: list[tuple[int, float]] = []
    by_year = {y.annee: y for y in years}
    for year in years:
        previous = by_year.get(year.annee - 1)
        instalments = 0.0
        if previous is not None and previous.due >= float(regime["dispense"]):
            for month, share in ((7, "acompte_juillet"), (12, "acompte_decembre")):
                amount = round(previous.due * float(regime[share]), 2)
                deadline = dt.date(year.annee, month, int(regime["jour_acompte"]))
                month_word = "juillet" if month == 7 else "décembre"
                payments.append(
                    VatPayment(
                        ACOMPTE,
                        year.annee,
                        deadline,
                        next_working_day(deadline),
                        amount,
                        f"TVA {year.annee}, acompte de {month_word} "
                        f"({percent(float(regime[share]), 0)} de la TVA {previous.annee})",
                    )
                )
                instalments += amount
        balance = round(year.due - instalments, 2)
        if balance < 0:
            credits.append((year.annee, -balance))
        if balance > 0:
            deadline = annual_return_deadline(year.annee)
            payments.append(
                VatPayment(
                    SOLDE,
                    year.annee,
                    deadline,
                    deadline,
                    balance,
                    f"TVA {year.annee}, solde avec la déclaration annuelle CA12",
                )
            )
    payments = _typed(payments, ledger)
    schedule = VatSchedule(
        debut=debut,
        motif=motif,
        taux=rate,
        date_solde=params.date_solde,
        until=until,
        years=tuple(years),
        payments=tuple(payments),
        regles=(regime, default_rate),
        credits=tuple(credits),
    )
    schedule.findings.extend(_findings(schedule, regime))
    return schedule


def _typed(payments: list[VatPayment], ledger: Ledger) -> list[VatPayment]:
    """Payments a typed TVA décaissement stands for (dated from the 1st of the deadline's month
    to 15 days after it) are marked `saisi`: the typed row is the payment."""
    dec = ledger.decaissements
    if dec.empty:
        return payments
    typed = dec.loc[dec["date"].notna() & _texts(dec).str.contains(_TYPED_VAT), "date"]
    days = [pd.Timestamp(d).date() for d in typed]
    out = []
    for payment in payments:
        first = payment.echeance.replace(day=1)
        last = payment.echeance + dt.timedelta(days=TYPED_GRACE_DAYS)
        hit = any(first <= d <= last for d in days)
        out.append(replace(payment, saisi=hit))
    return out


def _planned(payment: VatPayment, schedule: VatSchedule) -> bool:
    """A payment the plan makes: after the opening balance, within the horizon, not typed."""
    return not payment.saisi and schedule.date_solde < payment.paiement <= schedule.until


def _findings(schedule: VatSchedule, regime: Rule) -> list[Finding]:
    planned = [p for p in schedule.payments if _planned(p, schedule)]
    listed = "; ".join(f"{p.libelle} : {euros(p.montant)} le {day(p.paiement)}" for p in planned)
    constat = (
        f"TVA due depuis le {day(schedule.debut)} ({schedule.motif}), au taux de "
        f"{percent(schedule.taux)} : "
        + (
            f"paiements prévus dans le plan : {listed}."
            if planned
            else "aucun paiement dans le plan."
        )
    )
    advice = (
        "Régime simplifié : deux acomptes (juillet 55 %, décembre 40 % de la TVA de l'année "
        "précédente) et le solde avec la déclaration annuelle CA12 début mai. Montants estimés "
        "sur vos encaissements (saisis TTC) et vos dépenses soumises à TVA ; saisissez vos "
        f"paiements réels dans Décaissements (catégorie {quote('TVA')}) pour remplacer "
        f"l'estimation. {regime.note}"
    )
    findings = [Finding(CONSEIL, contract.PARAMETRES_SHEET, None, constat, advice, "tva_prevue")]
    for annee, credit in schedule.credits:
        findings.append(
            Finding(
                AVERTISSEMENT,
                contract.PARAMETRES_SHEET,
                None,
                f"Crédit de TVA estimé pour {annee} : {euros(credit)} (acomptes supérieurs à la "
                "TVA due de l'année).",
                "Un crédit de TVA s'impute sur les acomptes suivants ou se rembourse sur "
                "demande : il n'est pas compté comme un encaissement dans le plan.",
                "tva_credit",
            )
        )
    return findings


def vat_flows(schedule: VatSchedule | None) -> pd.DataFrame:
    """The planned VAT payments as flows (FLOW_COLUMNS) for `build_plan(extra_flows=...)`: those
    after the opening balance date, within the horizon, that no typed TVA row stands for."""
    rows = [p for p in schedule.payments if _planned(p, schedule)] if schedule is not None else []
    return planned_flows(
        [p.paiement for p in rows],
        [p.montant for p in rows],
        sens=OUT,
        categorie=CATEGORY_VAT,
        libelle=[p.libelle for p in rows],
        tiers="Service des impôts des entreprises",
        source=SOURCE_VAT,
    )
