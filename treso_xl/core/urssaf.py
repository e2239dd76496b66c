"""URSSAF contributions estimated from collected turnover: periods, rates, due dates, payments."""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pandas as pd

from treso_xl import contract
from treso_xl.contract import normalize_label
from treso_xl.core.calendar import add_months, month_start, public_holidays
from treso_xl.core.checks import AVERTISSEMENT, CONSEIL, ERREUR, Finding
from treso_xl.core.flows import IN, OUT, planned_flows
from treso_xl.core.records import Ledger, Params
from treso_xl.core.recurrence import expand_recurrences
from treso_xl.french import MONTHS, day, euros, month_name, quote
from treso_xl.rules.lookup import Rule, RuleNotCovered, rule

MENSUELLE = "Mensuelle"
CIPAV = "Profession libérale CIPAV"
TRIMESTRIELLE = "Trimestrielle"

# The plan's row for the estimates, and the `source` of their flows.
CATEGORY_ESTIMATE = "Cotisations URSSAF (estimées)"
SOURCE_ESTIMATE = "URSSAF"

# Statut of a declaration (the words the URSSAF tab shows).
ESTIME = "estimé"  # computed from the receipts and the rules file
SAISI = "saisi"  # the user typed the payment (Statut Prévu): the typed amount is kept
PAYE = "payé"  # the user typed the payment as Réalisé
NON_CALCULE = "non calculé"  # a rate is missing from the rules file and nothing was typed

# A typed URSSAF payment belongs to a declaration when dated from the period's last day to
# PAYMENT_GRACE_DAYS days after its deadline (see `match_payment`).
PAYMENT_GRACE_DAYS = 15

_NOT_TURNOVER = frozenset(normalize_label(c) for c in contract.NOT_TURNOVER)
_CENT = Decimal("0.01")
_RATE_STEP = Decimal("0.001")  # reduced (ACRE) rates are published to a tenth of a percent
_ONE_DAY = dt.timedelta(days=1)
DATE_DEBUT = quote("Date de début d'activité")


# --- Turnover --------------------------------------------------------------------------------


def is_turnover(categories: pd.Series) -> pd.Series:
    """True for receipts that are turnover: any Catégorie but Apport, Emprunt, Remboursement,
    Virement interne, Subvention (matched like headers: case, accents, spaces ignored)."""
    return _folded_test(categories, lambda folded: folded not in _NOT_TURNOVER)


def turnover_receipts(flows: pd.DataFrame, until: dt.date | None = None) -> pd.DataFrame:
    """The receipts of a flow frame that are turnover (chiffre d'affaires encaissé), sorted by
    date, up to `until` inclusive. Invoice payments and expected invoice rests are turnover."""
    receipts = _all_turnover_receipts(flows)
    if until is not None:
        dates = receipts["date"].to_numpy(dtype="datetime64[ns]")
        last = pd.Timestamp(until).to_datetime64()
        receipts = receipts.iloc[: int(np.searchsorted(dates, last, side="right"))]
    return receipts.copy(deep=False)  # the caller's own: pandas copies on write


_last_turnover: tuple[weakref.ref[pd.DataFrame], pd.DataFrame] | None = None


def _all_turnover_receipts(flows: pd.DataFrame) -> pd.DataFrame:
    """`turnover_receipts` of every date, sorted by date; the last frame's answer is kept, as
    the plan's receipts are asked for four times (flow frames are never changed in place)."""
    global _last_turnover
    if _last_turnover is not None and _last_turnover[0]() is flows:
        return _last_turnover[1]
    dates = pd.to_datetime(flows["date"]).dt.normalize()
    wanted = (flows["sens"] == IN) & dates.notna() & is_turnover(flows["categorie"])
    receipts = flows.loc[wanted].copy()  # one selection of the rows, every test made
    receipts["date"] = dates[wanted]
    receipts["montant"] = receipts["montant"].astype("float64")
    if receipts["date"].is_monotonic_increasing:  # the plan's flows come sorted by date
        receipts = receipts.reset_index(drop=True)
    else:
        receipts = receipts.sort_values("date", kind="stable", ignore_index=True)
    _last_turnover = (weakref.ref(flows), receipts)
    return receipts


# --- Calendar --------------------------------------------------------------------------------


class _RuleLog:
    """Looks rules up and remembers every entry used, for the tab's note."""

    def __init__(self) -> None:
        self.used: dict[tuple[Any, ...], Rule] = {}
        self._seen: dict[int, Rule] = {}  # entries already noted, by identity (held: ids stay)

    def get(self, table: str, on: dt.date, **match: Any) -> Rule:
        entry = rule(table, on, **match)
        if id(entry) not in self._seen:  # rule() hands out the same entry again and again
            self._seen[id(entry)] = entry
            key = (entry.table, entry.start, entry.end, tuple(sorted(entry.values.items())))
            self.used.setdefault(key, entry)
        return entry

    def get_or_none(self, table: str, on: dt.date, **match: Any) -> Rule | None:
        try:
            return self.get(table, on, **match)
        except RuleNotCovered:
            return None


def quarter_start(day_: dt.date) -> dt.date:
    """First day of the calendar quarter holding `day_`."""
    return dt.date(day_.year, 3 * ((day_.month - 1) // 3) + 1, 1)


def period_bounds(day_: dt.date, periodicite: str) -> tuple[dt.date, dt.date]:
    """First and last day of the declaration period (month or quarter) holding `day_`."""
    if periodicite == MENSUELLE:
        start, months = month_start(day_), 1
    else:
        start, months = quarter_start(day_), 3
    return start, add_months(start, months) - _ONE_DAY


def _due_date(period_end: dt.date, periodicite: str, log: _RuleLog) -> dt.date:
    if periodicite == MENSUELLE:
        months = log.get("echeance_mensuelle", period_end)["mois_suivants"]
        return add_months(month_start(period_end), months + 1) - _ONE_DAY
    entry = log.get("echeances_trimestrielles", period_end)
    quarter = (period_end.month - 1) // 3 + 1
    month, day_of_month = (int(part) for part in entry[f"t{quarter}"].split("-"))
    due = dt.date(period_end.year, month, day_of_month)
    return due if due > period_end else dt.date(period_end.year + 1, month, day_of_month)


def legal_due_date(period_end: dt.date, periodicite: str) -> dt.date:
    """The deadline as the law states it for the period ending on `period_end`: monthly, the last
    day of the next month; quarterly, 30/04, 31/07, 31/10 and 31/01 (rules file)."""
    return _due_date(period_end, periodicite, _RuleLog())


def is_working_day(day_: dt.date) -> bool:
    """Monday to Friday and not a French public holiday (Code du travail L3133-1)."""
    return day_.weekday() < 5 and day_ not in public_holidays(day_.year)


def next_working_day(day_: dt.date) -> dt.date:
    """`day_` itself when a working day, else the next working day."""
    while not is_working_day(day_):
        day_ += _ONE_DAY
    return day_


# --- Declaration periods ---------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """One declaration: the receipts from `debut` to `fin`, due on `echeance` (legal date)."""

    debut: dt.date
    fin: dt.date
    libelle: str
    echeance: dt.date
    premiere: bool = False  # the first declaration after the start of activity


def _ordinal(quarter: int) -> str:
    return "1er" if quarter == 1 else f"{quarter}e"


def period_label(start: dt.date, periodicite: str) -> str:
    """« janvier 2026 » or « 1er trimestre 2026 »."""
    if periodicite == MENSUELLE:
        return month_name(start)
    return f"{_ordinal((start.month - 1) // 3 + 1)} trimestre {start.year}"


def _de(word: str) -> str:
    return f"d'{word}" if word[0] in "aeiouyhâéèêàôAEIOUYH" else f"de {word}"


def _group_label(spans: list[tuple[dt.date, dt.date]], periodicite: str) -> str:
    first, last = spans[0][0], spans[-1][0]
    if len(spans) == 1:
        text = period_label(first, periodicite)
    elif periodicite == MENSUELLE:
        head = MONTHS[first.month - 1] if first.year == last.year else month_name(first)
        text = f"{_de(head)} à {month_name(last)}"
    elif len(spans) == 2 and first.year == last.year:
        quarter = (first.month - 1) // 3 + 1
        text = f"{_ordinal(quarter)} et {quarter + 1}e trimestres {first.year}"
    else:
        text = f"du {period_label(first, periodicite)} au {period_label(last, periodicite)}"
    return f"{text} (1re déclaration)"


def first_declaration_end(debut_activite: dt.date, periodicite: str, entry: Rule) -> dt.date:
    """Last day covered by the first declaration (service-public F23257). Monthly: the end of
    the month holding the last day of the first `mois` months of activity, counted from the
    start date (6 March 2024: 5 June, so March to June, due 31 July 2024). Quarterly: the end
    of the quarter after the starting quarter (`trimestres` quarters in all)."""
    if periodicite == MENSUELLE:
        last_day = add_months(debut_activite, int(entry["mois"])) - _ONE_DAY
        return period_bounds(last_day, periodicite)[1]
    opening = period_bounds(debut_activite, periodicite)[0]
    return add_months(opening, 3 * int(entry["trimestres"])) - _ONE_DAY


def declaration_periods(
    start: dt.date,
    until: dt.date,
    periodicite: str,
    debut_activite: dt.date | None = None,
    log: _RuleLog | None = None,
) -> list[Period]:
    """The declarations from the period holding `start` to the one holding `until`.

    First declaration (service-public F23257): when `debut_activite` is known, the periods up to
    `first_declaration_end` make one declaration, due at the deadline of the last of them;
    periods before the start of activity (receipts typed earlier) join it too.
    """
    log = log or _RuleLog()
    spans: list[tuple[dt.date, dt.date]] = []
    first, last = period_bounds(start, periodicite)
    while first <= until:
        spans.append((first, last))
        first, last = period_bounds(last + _ONE_DAY, periodicite)

    group: list[tuple[dt.date, dt.date]] = []
    group_end = None
    if debut_activite is not None and spans:
        entry = log.get_or_none("premiere_declaration", debut_activite)
        if entry is not None:
            group_end = first_declaration_end(debut_activite, periodicite, entry)
            group = [span for span in spans if span[0] <= group_end]

    periods: list[Period] = []
    if group and group_end is not None:
        periods.append(
            Period(
                debut=group[0][0],
                fin=group[-1][1],
                libelle=_group_label(group, periodicite),
                echeance=_due_date(group_end, periodicite, log),
                premiere=True,
            )
        )
    for first, last in spans[len(group) :]:
        periods.append(
            Period(
                debut=first,
                fin=last,
                libelle=period_label(first, periodicite),
                echeance=_due_date(last, periodicite, log),
            )
        )
    return periods


# --- Typed URSSAF payments -------------------------------------------------------------------


def typed_urssaf_payments(decaissements: pd.DataFrame, until: dt.date) -> pd.DataFrame:
    """Décaissements occurrences (recurrences expanded up to `until`) paid to URSSAF: those whose
    Catégorie or Libellé contains « URSSAF » (case and accents ignored)."""
    columns = ["date", "montant", "statut", "ligne", "libelle"]
    if decaissements.empty:
        return pd.DataFrame(columns=columns)
    named = _mentions(decaissements["categorie"], "urssaf") | _mentions(
        decaissements["libelle"], "urssaf"
    )
    dec = expand_recurrences(decaissements.loc[named], until)  # row by row: filter first
    found = dec.loc[dec["date"].notna() & dec["montant"].notna(), columns]
    return found.sort_values(["date", "ligne"], kind="stable", ignore_index=True)


def _mentions(values: pd.Series, word: str) -> pd.Series:
    """True where the folded text (`normalize_label`) contains `word`."""
    return _folded_test(values, lambda folded: word in folded)


def _folded_test(values: pd.Series, test: Callable[[str], bool]) -> pd.Series:
    """`test` of each text folded like a header (empty for a missing value), computed once per
    distinct text."""
    codes, distinct = pd.factorize(values.fillna("").astype(str))
    results = np.array([test(normalize_label(text)) for text in distinct.tolist()], dtype=bool)
    return pd.Series(results[codes], index=values.index, dtype=bool)


def payment_window(period: Period) -> tuple[dt.date, dt.date]:
    """Dates of a typed payment that settles `period`: from its last day to 15 days after its
    deadline, both included."""
    return period.fin, period.echeance + dt.timedelta(days=PAYMENT_GRACE_DAYS)


def match_payment(paid_on: dt.date, periods: list[Period]) -> int | None:
    """Index of the declaration a payment dated `paid_on` settles, None when it fits none.

    Among the declarations whose payment window holds the date, the payment is on time for the
    earliest one whose deadline (moved to the next working day) is not passed; when it is late for
    all of them, it settles the latest one already due. Monthly windows overlap: a payment on
    10 February settles January (due at the end of February), not December (due 31 January).
    """
    candidates = []
    for i, period in enumerate(periods):
        first, last = payment_window(period)
        if first <= paid_on <= last:
            candidates.append(i)
    if not candidates:
        return None
    on_time = [i for i in candidates if paid_on <= next_working_day(periods[i].echeance)]
    if on_time:
        return min(on_time, key=lambda i: periods[i].echeance)
    return max(candidates, key=lambda i: periods[i].echeance)


# --- The schedule ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Declaration:
    """One row of the URSSAF tab. Amounts in euros to the cent; None when not computed."""

    periode: str
    debut: dt.date
    fin: dt.date
    encaissements: float  # turnover collected in the period
    sociales: float | None  # social contributions at the full rate
    acre: float | None  # ACRE reduction of the social contributions: zero or negative
    formation: float | None  # contribution à la formation professionnelle (CFP)
    chambre: float | None  # taxe pour frais de chambre consulaire
    versement_liberatoire: float | None
    estimation: float | None  # sociales + acre + formation + chambre + versement_liberatoire
    echeance: dt.date  # the deadline as the law states it
    echeance_ouvree: dt.date  # the same, moved to the next working day
    statut: str  # ESTIME, SAISI, PAYE or NON_CALCULE
    cotisations: float | None  # what is paid: the typed amount if any, else the estimation
    paiement: dt.date  # the typed payment's (last) date, else `echeance_ouvree`
    saisi: float | None = None  # total of the typed URSSAF payments for the period
    lignes_saisies: tuple[int, ...] = ()  # their rows in Décaissements
    premiere: bool = False
    erreur: str = ""  # why the estimation is missing

    @property
    def taux(self) -> float | None:
        """Effective total rate: cotisations / encaissements."""
        if self.cotisations is None or self.encaissements <= 0:
            return None
        return self.cotisations / self.encaissements


@dataclass(frozen=True)
class AcreWindow:
    """Receipts dated from `debut` to `fin` get the social rate reduced by `reduction`."""

    debut: dt.date
    fin: dt.date
    reduction: float


@dataclass(frozen=True)
class UrssafSchedule:
    """Every declaration from the first receipt (or the start of activity) to the horizon."""

    activite: str
    periodicite: str
    versement_liberatoire: bool
    acre: AcreWindow | None
    date_solde: dt.date
    until: dt.date  # receipts after this day (the horizon's end) are not counted
    declarations: tuple[Declaration, ...]
    regles: tuple[Rule, ...]  # every entry of the rules file used
    findings: list[Finding]
    # turnover receipts with their declaration (`declaration`) and rates
    receipts: pd.DataFrame = field(repr=False, compare=False)
    vat: tuple[dt.date, float] | None = None  # receipts from that day counted before VAT

    @property
    def uncertain_rules(self) -> list[Rule]:
        return [r for r in self.regles if r.uncertain]

    @property
    def total_encaissements(self) -> float:
        return _sum(d.encaissements for d in self.declarations)

    @property
    def total_cotisations(self) -> float:
        return _sum(d.cotisations or 0.0 for d in self.declarations)


def _dec(value: float) -> Decimal:
    return Decimal(repr(float(value)))


def _round(value: Decimal) -> float:
    return float(value.quantize(_CENT, rounding=ROUND_HALF_UP))


def _cents(values: Iterable[float]) -> np.ndarray:
    """Amounts in whole cents (amounts are typed to the cent)."""
    array = np.asarray(values if hasattr(values, "__array__") else list(values), dtype="float64")
    return np.round(array * 100).astype(np.int64)


def _sum(values: Iterable[float]) -> float:
    """Exact sum of amounts to the cent."""
    return _round(Decimal(int(_cents(values).sum())) / 100)


def _part(bases: Iterable[float], rates: Iterable[float]) -> float:
    """Σ base × rate, exact (bases summed per distinct rate in cents), rounded once to the cent
    (half up). A row without a rate (NaN) counts for nothing."""
    cents = _cents(bases)
    rate = np.asarray(rates, dtype="float64")
    known = ~np.isnan(rate)
    if not known.all():
        cents, rate = cents[known], rate[known]
    distinct, which = np.unique(rate, return_inverse=True)  # sorted, as a groupby would
    by_rate = np.zeros(len(distinct), dtype=np.int64)
    np.add.at(by_rate, which, cents)
    pairs = zip(distinct.tolist(), by_rate.tolist(), strict=True)
    total = sum((Decimal(int(c)) * _dec(r) for r, c in pairs), Decimal(0))
    return _round(total / 100)


def reduced_rate(rate: float, reduction: float) -> float:
    """The ACRE rate: `rate` less `reduction`, to a tenth of a percent, half up (12,3 % → 6,2 %)."""
    value = _dec(rate) * (1 - _dec(reduction))
    return float(value.quantize(_RATE_STEP, rounding=ROUND_HALF_UP))


def acre_rate(
    social: float,
    reduction: float,
    on: dt.date,
    activite: str,
    debut_activite: dt.date | None,
    log: _RuleLog | None = None,
) -> float:
    """The social rate under ACRE for a receipt of `on`. CIPAV professions whose activity was
    created from 1 April 2020 have a fixed reduced rate by date (rules file [[acre_cipav]]:
    13,9 % from 07/2024, 13,4 % from 01/2026, as URSSAF's simulator); any other case, the full
    rate less `reduction` (`reduced_rate`). `debut_activite` None: the creation date is assumed
    to satisfy the CIPAV condition (an ACRE receipt after March 2021 always does)."""
    if activite == CIPAV:
        entry = (log or _RuleLog()).get_or_none("acre_cipav", on)
        if entry is not None and (
            debut_activite is None or debut_activite >= entry["creation_depuis"]
        ):
            return float(entry["taux"])
    return reduced_rate(social, reduction)


def _schedule_start(receipts: pd.DataFrame, params: Params) -> dt.date:
    """First receipt, or the start of activity when earlier and not older than 1 January of the
    year before the opening balance; with neither, the day after the opening balance."""
    candidates = []
    if not receipts.empty:
        candidates.append(receipts["date"].min().date())
    history = dt.date(params.date_solde.year - 1, 1, 1)
    if params.debut_activite is not None and params.debut_activite >= history:
        candidates.append(params.debut_activite)
    return min(candidates) if candidates else params.date_solde + _ONE_DAY


def _acre_window(
    params: Params, receipts: pd.DataFrame, log: _RuleLog, findings: list[Finding]
) -> AcreWindow | None:
    if not params.acre:
        return None
    start = params.debut_activite
    if start is None:
        findings.append(
            Finding(
                AVERTISSEMENT,
                contract.PARAMETRES_SHEET,
                None,
                f"ACRE à {quote('Oui')} sans date de début d'activité : la réduction de "
                "cotisations n'est pas appliquée.",
                f"Indiquez la {DATE_DEBUT} dans Paramètres : l'ACRE réduit les cotisations "
                "sociales du trimestre civil de début et des trois trimestres suivants. Sans "
                "elle, les cotisations sont estimées au taux plein.",
                "acre_sans_date",
            )
        )
        return None
    first = quarter_start(start)
    try:
        entry = log.get("acre", start)
    except RuleNotCovered as exc:
        late = add_months(first, 12) - _ONE_DAY
        dates = receipts["date"]
        if ((dates >= pd.Timestamp(first)) & (dates <= pd.Timestamp(late))).any():
            findings.append(
                Finding(
                    AVERTISSEMENT,
                    contract.PARAMETRES_SHEET,
                    None,
                    f"ACRE non appliquée : {exc}",
                    "Vérifiez la date de début d'activité ; si elle est juste, les cotisations "
                    "de la première année sont estimées au taux plein, donc surestimées.",
                    "acre_regle_inconnue",
                )
            )
        return None
    quarters = 1 + int(entry["trimestres_suivants"])
    return AcreWindow(first, add_months(first, 3 * quarters) - _ONE_DAY, float(entry["reduction"]))


def _rate_receipts(
    receipts: pd.DataFrame, params: Params, acre: AcreWindow | None, log: _RuleLog
) -> pd.DataFrame:
    """Each receipt with the rates in force on its date, the part of its amount above the
    chamber-tax threshold of its calendar year, and `manque` (why a rate is missing)."""
    activite = params.activite
    rates: dict[dt.date, dict[str, Any]] = {}
    for stamp in receipts["date"].unique():
        on = pd.Timestamp(stamp).date()
        row: dict[str, Any] = {"manque": ""}
        try:
            social = float(log.get("cotisations", on, activite=activite)["taux"])
            row["t_soc"] = social
            in_acre = acre is not None and acre.debut <= on <= acre.fin
            row["t_soc_net"] = (
                acre_rate(social, acre.reduction, on, activite, params.debut_activite, log)
                if acre is not None and in_acre
                else social
            )
            row["t_cfp"] = float(log.get("formation", on, activite=activite)["taux"])
            chamber = log.get("chambre", on, activite=activite)
            row["t_ch"], row["seuil_ch"] = float(chamber["taux"]), float(chamber["seuil"])
            row["t_vl"] = (
                float(log.get("versement_liberatoire", on, activite=activite)["taux"])
                if params.versement_liberatoire
                else 0.0
            )
        except RuleNotCovered as exc:
            row = {"manque": str(exc)}
        rates[on] = row
    # each receipt's day among the distinct days looked up (dates are normalised to midnight)
    days = np.array([np.datetime64(d, "ns") for d in rates], dtype="datetime64[ns]")
    order = np.argsort(days, kind="stable")
    stamps = receipts["date"].to_numpy(dtype="datetime64[ns]")
    position = order[np.searchsorted(days[order], stamps)] if len(days) else np.zeros(0, int)
    rows = list(rates.values())
    added: dict[str, np.ndarray] = {}
    for column in ("t_soc", "t_soc_net", "t_cfp", "t_ch", "seuil_ch", "t_vl"):
        by_day = np.array([row.get(column, float("nan")) for row in rows], dtype="float64")
        added[column] = by_day[position]
    reasons = np.array([row["manque"] for row in rows], dtype=object)
    added["manque"] = reasons[position]

    # chamber tax: only the part of the calendar year's turnover above the threshold (in cents)
    cents = _cents(receipts["montant"].to_numpy(dtype="float64"))
    after = _cumsum_by(cents, stamps.astype("datetime64[Y]").astype(np.int64))
    before = after - cents
    limit = np.round(added["seuil_ch"] * 100)
    above = np.clip(after - limit, 0, None) - np.clip(before - limit, 0, None)
    added["au_dela_seuil"] = np.where(np.isnan(limit), np.nan, above / 100)
    # the receipts' columns then the added ones, as one frame (no concat, no copy)
    columns: dict[str, pd.Series] = dict(receipts.items())
    for name, values in added.items():
        dtype = object if name == "manque" else "float64"
        columns[name] = pd.Series(values, index=receipts.index, dtype=dtype, copy=False)
    return pd.DataFrame(columns, index=receipts.index, copy=False)


def _cumsum_by(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """The running total of `values` within each group, in the rows' order (what
    `Series.groupby(groups).cumsum()` gives, for whole numbers)."""
    if not len(values):
        return values.copy()
    order = np.argsort(groups, kind="stable")
    ordered, keys = values[order], groups[order]
    running = np.cumsum(ordered)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    offset = (running - ordered)[starts]
    group = np.cumsum(np.r_[True, keys[1:] != keys[:-1]]) - 1
    out = np.empty_like(running)
    out[order] = running - offset[group]
    return out


def without_vat(receipts: pd.DataFrame, vat_from: dt.date, rate: float) -> pd.DataFrame:
    """Turnover receipts with the VAT taken out of those dated from `vat_from` (typed tax
    included): amount / (1 + rate), to the cent. URSSAF counts turnover before tax."""
    out = receipts.copy()
    taxed = out["date"] >= pd.Timestamp(vat_from)
    out.loc[taxed, "montant"] = (out.loc[taxed, "montant"] / (1 + rate)).round(2)
    return out


def urssaf_schedule(
    ledger: Ledger,
    flows: pd.DataFrame,
    until: dt.date,
    vat: tuple[dt.date, float] | None = None,
) -> UrssafSchedule:
    """The URSSAF declarations of a ledger, from the receipts the plan applies.

    `flows` are the plan's flows (known flows plus the unpaid invoice rests it expects): their
    turnover receipts up to `until` (the horizon's last day) are the base, period by period, each
    receipt at the rates in force on its own date. A period settled by a typed URSSAF payment in
    Décaissements (see `match_payment`) keeps the typed amount and is not estimated. Findings
    (missing rules, ACRE without a start date, typed payments matching no period) are returned
    with the schedule; nothing raises for a date the rules file does not cover. With `vat`
    (the day VAT is due and its rate, see core/vat.py), receipts from that day count before tax.
    """
    params = ledger.params
    periodicite = params.declaration
    log = _RuleLog()
    findings: list[Finding] = []
    receipts = turnover_receipts(flows, until)
    if vat is not None:
        receipts = without_vat(receipts, *vat)
    start = _schedule_start(receipts, params)
    periods = declaration_periods(start, until, periodicite, params.debut_activite, log)
    acre = _acre_window(params, receipts, log, findings)
    rated = _rate_receipts(receipts, params, acre, log)

    last_window = max((payment_window(p)[1] for p in periods), default=until)
    payments = typed_urssaf_payments(ledger.decaissements, last_window)
    periods = _with_closed_periods(periods, payments, params, until, log)
    matched: dict[int, list[dict[str, Any]]] = {}
    unmatched: list[dict[str, Any]] = []
    for payment in payments.to_dict("records"):
        index = match_payment(pd.Timestamp(payment["date"]).date(), periods)
        if index is None:
            unmatched.append(payment)
        else:
            matched.setdefault(index, []).append(payment)

    # receipts are sorted by date and periods follow each other: each period is a slice
    starts = np.array([np.datetime64(p.debut, "ns") for p in periods], dtype="datetime64[ns]")
    stamps = rated["date"].to_numpy(dtype="datetime64[ns]")
    rated["declaration"] = np.searchsorted(starts, stamps, side="right").astype(np.int64) - 1
    bounds = [*np.searchsorted(stamps, starts, side="left").tolist(), len(rated)]
    columns = {c: rated[c].to_numpy() for c in _DECLARED}
    declarations = []
    for i, period in enumerate(periods):
        own = {c: values[bounds[i] : bounds[i + 1]] for c, values in columns.items()}
        declarations.append(_declaration(period, own, matched.get(i, []), log))

    findings += _missing_rate_findings(declarations, params.date_solde)
    findings += _unmatched_findings(unmatched)
    return UrssafSchedule(
        activite=params.activite,
        periodicite=periodicite,
        versement_liberatoire=params.versement_liberatoire,
        acre=acre,
        date_solde=params.date_solde,
        until=until,
        declarations=tuple(declarations),
        regles=tuple(log.used.values()),
        findings=findings,
        vat=vat,
        receipts=rated,
    )


def _with_closed_periods(
    periods: list[Period],
    payments: pd.DataFrame,
    params: Params,
    until: dt.date,
    log: _RuleLog,
) -> list[Period]:
    """`periods`, extended back to the declaration period holding the opening balance date when
    the schedule starts later (no receipt typed before the balance) and a typed URSSAF payment
    settles one of the added periods: a quarter that ended on the balance date is paid after
    it, and that payment is its own, not a stray one. Not before the start of activity."""
    if payments.empty or not periods:
        return periods
    first = period_bounds(params.date_solde, params.declaration)[0]
    if first >= periods[0].debut:
        return periods
    if params.debut_activite is not None and params.debut_activite > params.date_solde:
        return periods
    extended = declaration_periods(first, until, params.declaration, params.debut_activite, log)
    added = len(extended) - len(periods)
    if added <= 0 or extended[added:] != periods:
        return periods
    indexes = {match_payment(pd.Timestamp(d).date(), extended) for d in payments["date"]}
    if any(i is not None and i < added for i in indexes):
        return extended
    return periods


# the columns of the rated receipts a declaration reads
_DECLARED = ("montant", "manque", "t_soc", "t_soc_net", "t_cfp", "t_ch", "t_vl", "au_dela_seuil")


def _declaration(
    period: Period, own: dict[str, np.ndarray], payments: list[dict[str, Any]], log: _RuleLog
) -> Declaration:
    """One declaration from the columns of its own receipts (`_DECLARED`)."""
    log.get_or_none("report_echeance", period.echeance)
    working = next_working_day(period.echeance)
    turnover = _sum(own["montant"])
    missing = next((m for m in own["manque"] if m), "")
    parts: dict[str, float | None] = dict.fromkeys(
        ("sociales", "acre", "formation", "chambre", "versement_liberatoire", "estimation")
    )
    if not missing:
        full = _part(own["montant"], own["t_soc"])
        net = _part(own["montant"], own["t_soc_net"])
        parts.update(
            sociales=full,
            acre=_round(_dec(net) - _dec(full)),
            formation=_part(own["montant"], own["t_cfp"]),
            chambre=_part(own["au_dela_seuil"], own["t_ch"]),
            versement_liberatoire=_part(own["montant"], own["t_vl"]),
        )
        parts["estimation"] = _sum(
            parts[k] or 0.0
            for k in ("sociales", "acre", "formation", "chambre", "versement_liberatoire")
        )
    if payments:
        typed = _sum(p["montant"] for p in payments)
        statut = PAYE if all(p["statut"] == "Réalisé" for p in payments) else SAISI
        paid_on = max(pd.Timestamp(p["date"]).date() for p in payments)
        cotisations: float | None = typed
        lines = tuple(sorted({int(p["ligne"]) for p in payments}))
    else:
        typed, lines, paid_on = None, (), working
        statut = NON_CALCULE if missing else ESTIME
        cotisations = parts["estimation"]
    return Declaration(
        periode=period.libelle,
        debut=period.debut,
        fin=period.fin,
        encaissements=turnover,
        echeance=period.echeance,
        echeance_ouvree=working,
        statut=statut,
        cotisations=cotisations,
        paiement=paid_on,
        saisi=typed,
        lignes_saisies=lines,
        premiere=period.premiere,
        erreur=missing,
        **parts,
    )


def _missing_rate_findings(declarations: list[Declaration], date_solde: dt.date) -> list[Finding]:
    missing = [d for d in declarations if d.erreur]
    if not missing:
        return []
    in_plan = any(d.statut == NON_CALCULE and d.paiement > date_solde for d in missing)
    count = len(missing)
    span = (
        quote(missing[0].periode)
        if count == 1
        else f"de {quote(missing[0].periode)} à {quote(missing[-1].periode)}"
    )
    noun = "déclaration" if count == 1 else "déclarations"
    return [
        Finding(
            ERREUR if in_plan else AVERTISSEMENT,
            contract.ENCAISSEMENTS.name,
            None,
            f"Cotisations URSSAF non calculées pour {count} {noun} ({span}) : {missing[0].erreur}",
            f"Ces périodes sont marquées {quote('non calculé')} dans l'onglet URSSAF et "
            "n'entrent pas dans le Prévisionnel. Vérifiez les dates des encaissements ; s'ils "
            "sont anciens et déjà déclarés, saisissez le paiement URSSAF réel dans "
            "Décaissements (catégorie URSSAF), ou ignorez cet avertissement.",
            "urssaf_taux_inconnu",
        )
    ]


def _unmatched_findings(unmatched: list[dict[str, Any]]) -> list[Finding]:
    findings = []
    seen: set[int] = set()
    for payment in unmatched:
        ligne = int(payment["ligne"])
        if ligne in seen:
            continue
        seen.add(ligne)
        findings.append(
            Finding(
                CONSEIL,
                contract.DECAISSEMENTS.name,
                ligne,
                f"Paiement URSSAF {quote(payment['libelle'])} du "
                f"{day(pd.Timestamp(payment['date']).date())} ({euros(payment['montant'])}) "
                "rattaché à aucune période de déclaration.",
                "Un paiement URSSAF remplace l'estimation de la période dont il est daté entre "
                f"le dernier jour et {PAYMENT_GRACE_DAYS} jours après l'échéance. Vérifiez la "
                "date ; s'il s'agit d'une régularisation ou d'une période hors du plan, ce "
                "conseil peut être ignoré.",
                "urssaf_paiement_isole",
            )
        )
    return findings


def estimated_flows(schedule: UrssafSchedule) -> pd.DataFrame:
    """The estimated payments as flows (FLOW_COLUMNS) for `build_plan(extra_flows=...)`: one per
    declaration « estimé » with an amount, on its deadline moved to the next working day, when
    that day is after the opening balance date (earlier ones are in the opening balance)."""
    rows = [
        d
        for d in schedule.declarations
        if d.statut == ESTIME
        and d.cotisations is not None
        and d.cotisations > 0
        and d.paiement > schedule.date_solde
    ]
    return planned_flows(
        [d.paiement for d in rows],
        [float(d.cotisations or 0.0) for d in rows],
        sens=OUT,
        categorie=CATEGORY_ESTIMATE,
        libelle=[f"Cotisations URSSAF estimées, {d.periode}" for d in rows],
        tiers="URSSAF",
        source=SOURCE_ESTIMATE,
    )


def next_payment(schedule: UrssafSchedule, on: dt.date) -> tuple[dt.date, float] | None:
    """The first URSSAF payment still to come on or after `on` (estimated or typed, not already
    paid, amount above zero): its date and amount, for the dashboard."""
    upcoming = [
        d
        for d in schedule.declarations
        if d.statut in (ESTIME, SAISI)
        and d.cotisations is not None
        and d.cotisations > 0
        and d.paiement >= on
    ]
    if not upcoming:
        return None
    first = min(upcoming, key=lambda d: d.paiement)
    return first.paiement, float(first.cotisations or 0.0)
