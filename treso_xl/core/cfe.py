"""CFE (cotisation foncière des entreprises): the yearly payment of 15 December, as an estimate."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from treso_xl.contract import normalize_series
from treso_xl.core.checks import AVERTISSEMENT, CONSEIL, Finding
from treso_xl.core.flows import IN, OUT, planned_flows
from treso_xl.core.records import Ledger
from treso_xl.core.recurrence import expand_recurrences
from treso_xl.core.urssaf import is_turnover
from treso_xl.french import day, euros, quote
from treso_xl.rules.lookup import rule_or_none

CATEGORY_CFE = "CFE (estimée)"
SOURCE_CFE = "CFE"
SETTING = "CFE de l'an dernier"
DEFAULT_DAY = "12-15"  # 15 December, when the rules file has no entry for the year
# a Décaissements row that pays the CFE (matched on the folded label and category)
_TYPED = re.compile(r"\bcfe\b|cotisation fonciere")

TYPED, ESTIMATED, EXEMPT, UNKNOWN = "saisie", "estimée", "exonérée", "montant inconnu"


@dataclass(frozen=True)
class CfeYear:
    """The CFE of one year of the plan."""

    annee: int
    echeance: dt.date
    statut: str  # TYPED, ESTIMATED, EXEMPT or UNKNOWN
    montant: float | None  # the estimate (ESTIMATED only)
    raison: str  # French, why this status


def _due_date(year: int) -> tuple[dt.date, int | None]:
    """15 December of `year` (the rules file's `jour`) and the turnover exemption ceiling."""
    entry = rule_or_none("cfe", dt.date(year, 12, 15))
    text = str(entry["jour"]) if entry is not None else DEFAULT_DAY
    month, day_ = (int(part) for part in text.split("-"))
    ceiling = entry.values.get("exoneration_ca") if entry is not None else None
    return dt.date(year, month, day_), ceiling


def _typed_years(ledger: Ledger, until: dt.date) -> set[int]:
    """Years in which a Décaissements row (recurrences expanded) pays the CFE."""
    dec = ledger.decaissements
    if dec.empty:
        return set()
    # the pattern never spans the « | » between label and category: each is tested alone,
    # once per distinct folded text
    named = _names_cfe(dec["libelle"]) | _names_cfe(dec["categorie"])
    dec = expand_recurrences(dec.loc[named], until)  # row by row: only the rows naming the CFE
    typed = dec["date"].notna()
    return set(dec.loc[typed, "date"].dt.year.astype(int))


def _names_cfe(values: pd.Series) -> np.ndarray:
    """Where the folded text (`normalize_series`) matches `_TYPED`."""
    codes, distinct = pd.factorize(normalize_series(values))
    found = np.array([_TYPED.search(text) is not None for text in distinct.tolist()], dtype=bool)
    return found[codes]


def _turnover_of(year: int, ledger: Ledger, receipts: pd.DataFrame) -> float | None:
    """Turnover received in `year` when the ledger covers that whole year (its first receipt
    within a month of 1 January, or of the start of activity), else None."""
    flows = receipts.loc[(receipts["sens"] == IN) & receipts["date"].notna()]
    if flows.empty:
        return None
    start = dt.date(year, 1, 1)
    debut = ledger.params.debut_activite
    if debut is not None:
        if debut.year > year:  # no activity in the reference year: not this exemption
            return None
        start = max(start, debut)
    if flows["date"].min() > pd.Timestamp(start) + pd.Timedelta(days=31):
        return None
    dates = flows["date"]
    mask = (dates.dt.year == year) & is_turnover(flows["categorie"])
    return round(float(flows.loc[mask, "montant"].sum()), 2)


def cfe_years(ledger: Ledger, receipts: pd.DataFrame, until: dt.date) -> list[CfeYear]:
    """The CFE due on 15 December of each year of the plan (after the opening balance, up to
    `until`).

    Typed when a Décaissements row of that year names it (CFE, cotisation foncière); exempt in
    the first calendar year of activity and when the turnover of the reference year (two years
    before) is at most the rules file's ceiling (5 000 €, from 2019) and the ledger covers that
    year; else estimated at Paramètres « CFE de l'an dernier », or unknown without it.
    `receipts` are the plan's flows (turnover is read from them).
    """
    params = ledger.params
    typed = _typed_years(ledger, until)
    out: list[CfeYear] = []
    for year in range(params.date_solde.year, until.year + 1):
        due, ceiling = _due_date(year)
        if not params.date_solde < due <= until:
            continue
        if year in typed:
            out.append(CfeYear(year, due, TYPED, None, "saisie dans Décaissements"))
            continue
        debut = params.debut_activite
        if debut is not None and debut.year >= year:
            out.append(CfeYear(year, due, EXEMPT, None, "première année d'activité"))
            continue
        reference = _turnover_of(year - 2, ledger, receipts) if ceiling is not None else None
        if reference is not None and ceiling is not None and reference <= ceiling:
            out.append(
                CfeYear(
                    year,
                    due,
                    EXEMPT,
                    None,
                    f"chiffre d'affaires {year - 2} de {euros(reference)}, au plus "
                    f"{euros(ceiling, 0)}",
                )
            )
            continue
        if params.cfe_an_dernier:
            out.append(
                CfeYear(
                    year,
                    due,
                    ESTIMATED,
                    round(float(params.cfe_an_dernier), 2),
                    f"montant de l'an dernier ({quote(SETTING)})",
                )
            )
        else:
            out.append(CfeYear(year, due, UNKNOWN, None, f"{quote(SETTING)} vide"))
    return out


def cfe_flows(years: list[CfeYear]) -> pd.DataFrame:
    """The estimated CFE payments as flows (FLOW_COLUMNS), for `build_plan(extra_flows=...)`."""
    rows = [y for y in years if y.statut == ESTIMATED and y.montant]
    return planned_flows(
        [y.echeance for y in rows],
        [float(y.montant or 0.0) for y in rows],
        sens=OUT,
        categorie=CATEGORY_CFE,
        libelle=[f"Cotisation foncière des entreprises {y.annee} (estimée)" for y in rows],
        tiers="Impôts",
        source=SOURCE_CFE,
    )


def cfe_findings(years: list[CfeYear]) -> list[Finding]:
    """Contrôles lines: a CFE the plan cannot estimate, and each estimate it made."""
    findings = []
    for y in years:
        if y.statut == UNKNOWN:
            findings.append(
                Finding(
                    AVERTISSEMENT,
                    "Paramètres",
                    None,
                    f"CFE {y.annee} due le {day(y.echeance)} : montant inconnu, le plan ne la "
                    "compte pas.",
                    f"Indiquez dans Paramètres la ligne {quote(SETTING)} (montant de votre "
                    "dernier avis, sur impots.gouv.fr, espace professionnel), ou saisissez le "
                    "paiement dans Décaissements.",
                    "cfe_inconnue",
                )
            )
        elif y.statut == ESTIMATED:
            findings.append(
                Finding(
                    CONSEIL,
                    "Paramètres",
                    None,
                    f"CFE {y.annee} estimée à {euros(y.montant or 0.0)} le {day(y.echeance)} "
                    f"({y.raison}).",
                    "Remplacez l'estimation par le montant de l'avis dès sa parution (en "
                    "novembre, sur impots.gouv.fr) : saisissez-le dans Décaissements.",
                    "cfe_estimee",
                )
            )
    return findings
