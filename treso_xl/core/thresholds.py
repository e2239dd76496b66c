"""Each calendar year's turnover against the VAT franchise thresholds and the micro ceiling."""

from __future__ import annotations

import datetime as dt
import weakref
from dataclasses import dataclass

import numpy as np
import pandas as pd

from treso_xl import contract
from treso_xl.core.checks import AVERTISSEMENT, CONSEIL, ERREUR, Finding
from treso_xl.core.dashboard import Threshold
from treso_xl.core.records import Ledger
from treso_xl.core.urssaf import turnover_receipts
from treso_xl.french import day, euros, percent, quote
from treso_xl.rules.lookup import Rule, rule_or_none

WARNING_SHARE = 0.80  # a threshold is approached from 80 % of it
VENTE = "vente"
SERVICES = "services"
_FEUILLE = contract.ENCAISSEMENTS.name
MENTION_293B = quote("TVA non applicable, art. 293 B du CGI")


def threshold_category(activite: str) -> str:
    """« vente » for Vente de marchandises, « services » for every other activity."""
    return VENTE if activite == "Vente de marchandises" else SERVICES


@dataclass(frozen=True)
class YearTurnover:
    """The turnover of one calendar year, collected and expected, up to `jusqu_au`."""

    annee: int
    chiffre_affaires: float
    jusqu_au: dt.date
    prevu: bool  # includes receipts still expected after the reference date
    receipts: pd.DataFrame  # date, montant, cumul (sorted by date)

    def crossing(self, amount: float) -> dt.date | None:
        """The day the year's running turnover first goes above `amount`."""
        above = self.receipts.loc[self.receipts["cumul"] > amount + 0.004, "date"]
        return None if above.empty else above.iloc[0].date()


def yearly_turnover(
    receipts: pd.DataFrame, until: dt.date, date_reference: dt.date
) -> dict[int, YearTurnover]:
    """Turnover receipts (see `turnover_receipts`) summed by calendar year, up to `until`."""
    out: dict[int, YearTurnover] = {}
    if receipts.empty:
        return out
    wanted = (receipts["date"] <= pd.Timestamp(until)).to_numpy(dtype=bool)
    kept = receipts.loc[wanted, ["date", "montant"]]
    # what a groupby by calendar year gives, from numpy positions (each year's rows in order)
    stamps = kept["date"].to_numpy()
    years = pd.DatetimeIndex(stamps).year.to_numpy()
    expected = stamps > pd.Timestamp(date_reference).to_datetime64()
    if "statut" in receipts:
        expected |= (receipts["statut"] == "Prévu").to_numpy(dtype=bool)[wanted]
    for year in np.unique(years).tolist():
        rows = np.flatnonzero(years == year)
        frame = kept.iloc[rows].reset_index(drop=True)
        frame["cumul"] = frame["montant"].cumsum().round(2)
        out[year] = YearTurnover(
            annee=year,
            chiffre_affaires=round(float(frame["montant"].sum()), 2),
            jusqu_au=min(until, dt.date(year, 12, 31)),
            prevu=bool(expected[rows].any()),
            receipts=frame,
        )
    return out


_Years = dict[int, YearTurnover]
_last_years: tuple[weakref.ref[pd.DataFrame], dt.date, dt.date, _Years] | None = None


def _plan_years(
    flows: pd.DataFrame, until: dt.date, date_reference: dt.date
) -> dict[int, YearTurnover]:
    """`yearly_turnover` of the turnover receipts of `flows`; the last answer is kept, as the
    dashboard and the findings both ask it of the plan's flows (never changed in place; the
    years are only read)."""
    global _last_years
    last = _last_years
    if last is not None and last[0]() is flows and last[1:3] == (until, date_reference):
        return dict(last[3])
    years = yearly_turnover(turnover_receipts(flows, until), until, date_reference)
    _last_years = (weakref.ref(flows), until, date_reference, years)
    return dict(years)


@dataclass(frozen=True)
class VatStart:
    """The day VAT becomes due after the franchise is lost, and why (French clause)."""

    date: dt.date
    motif: str


def vat_due_from(
    activite: str, receipts: pd.DataFrame, until: dt.date, date_reference: dt.date
) -> VatStart | None:
    """The first day VAT is due by the franchise thresholds (impots.gouv; rules file): the day
    the year's turnover passes the upper threshold, or 1 January after a year above the base
    threshold; None when neither happens up to `until`. `receipts` as `turnover_receipts`."""
    return _vat_start(activite, yearly_turnover(receipts, until, date_reference))


def _vat_start(activite: str, years: dict[int, YearTurnover]) -> VatStart | None:
    """`vat_due_from` of the years' turnover."""
    category = threshold_category(activite)
    found: list[VatStart] = []
    for annee, year in years.items():
        entry = rule_or_none("franchise_tva", dt.date(annee, 1, 1), categorie=category)
        if entry is None:
            continue
        upper, base = float(entry["seuil_majore"]), float(entry["seuil"])
        crossed = year.crossing(upper)
        if crossed is not None:
            found.append(
                VatStart(crossed, f"seuil majoré de {euros(upper, 0)} dépassé le {day(crossed)}")
            )
        if year.crossing(base) is not None:
            found.append(
                VatStart(
                    dt.date(annee + 1, 1, 1),
                    f"chiffre d'affaires {annee} au-delà du seuil de {euros(base, 0)}",
                )
            )
    return min(found, key=lambda start: start.date, default=None)


def ledger_thresholds(ledger: Ledger, flows: pd.DataFrame, until: dt.date) -> list[Threshold]:
    """`dashboard_thresholds` for a ledger's reference date, start of activity and the day VAT
    becomes due by the turnover of `flows` up to `until` (the plan's receipts)."""
    params = ledger.params
    vat_from = _vat_start(params.activite, _plan_years(flows, until, params.date_reference))
    return dashboard_thresholds(
        params.activite, params.date_reference, params.debut_activite, vat_from
    )


def year_to_date_turnover(flows: pd.DataFrame, on: dt.date) -> float:
    """Turnover collected from 1 January of `on`'s year to `on` inclusive (receipts dated so
    far, whatever their Statut), for the dashboard."""
    receipts = turnover_receipts(flows, on)
    this_year = receipts.loc[receipts["date"] >= pd.Timestamp(dt.date(on.year, 1, 1))]
    return round(float(this_year["montant"].sum()), 2)


@dataclass(frozen=True)
class Ceiling:
    """The micro ceiling of one calendar year, prorated in the year the activity starts."""

    montant: float  # the amount turnover is compared with
    annuel: float  # the yearly ceiling of the rules file
    jours: int | None  # days of activity in the year when prorated, else None

    @property
    def prorated(self) -> bool:
        return self.jours is not None


def micro_ceiling(entry: Rule, annee: int, debut_activite: dt.date | None) -> Ceiling:
    """The ceiling of `entry` for `annee`: in the year the activity starts, prorated to its days
    of activity over 365 (service-public F37353; rules file [[prorata_plafond]]), to the euro."""
    yearly = float(entry["montant"])
    if debut_activite is None or debut_activite.year != annee:
        return Ceiling(yearly, yearly, None)
    if debut_activite == dt.date(annee, 1, 1):  # a whole year: nothing to prorate
        return Ceiling(yearly, yearly, None)
    prorata = rule_or_none("prorata_plafond", debut_activite)
    if prorata is None:
        return Ceiling(yearly, yearly, None)
    days = (dt.date(annee, 12, 31) - debut_activite).days + 1
    amount = round(yearly * days / int(prorata["jours_annee"]))
    return Ceiling(float(amount), yearly, days)


def dashboard_thresholds(
    activite: str,
    on: dt.date,
    debut_activite: dt.date | None = None,
    vat_from: VatStart | None = None,
) -> list[Threshold]:
    """The thresholds in force for `on`'s year and the activity's category, for the dashboard:
    VAT franchise (base, upper; with `vat_from`, the label says from which day VAT is due) and
    micro ceiling (prorated in the year the activity starts); those the rules file lacks are
    left out."""
    category = threshold_category(activite)
    january = dt.date(on.year, 1, 1)
    out = []
    vat = rule_or_none("franchise_tva", january, categorie=category)
    if vat is not None:
        base = "Seuil de franchise de TVA"
        if vat_from is not None:
            base += f" (TVA due dès le {day(vat_from.date)})"
        out.append(Threshold(base, float(vat["seuil"])))
        out.append(Threshold("Seuil majoré de franchise de TVA", float(vat["seuil_majore"])))
    entry = rule_or_none("plafond_micro", january, categorie=category)
    if entry is not None:
        ceiling = micro_ceiling(entry, on.year, debut_activite)
        label = "Plafond du régime micro"
        if ceiling.prorated:
            label += f" (proratisé, {ceiling.jours} jours d'activité)"
        out.append(Threshold(label, ceiling.montant))
    return out


def _basis(year: YearTurnover, date_reference: dt.date) -> str:
    if year.prevu:
        return f"Chiffre d'affaires {year.annee} encaissé et prévu jusqu'au {day(year.jusqu_au)}"
    return f"Chiffre d'affaires {year.annee} encaissé au {day(min(year.jusqu_au, date_reference))}"


def _crossed(when: dt.date, date_reference: dt.date) -> str:
    return (
        f"dépassement prévu le {day(when)}"
        if when > date_reference
        else f"seuil dépassé le {day(when)}"
    )


def _uncertain(entry: Rule) -> str:
    return f" Chiffre incertain : {entry.note}" if entry.uncertain and entry.note else ""


def _activity_text(category: str) -> str:
    return "vente de marchandises" if category == VENTE else "prestations de services"


def _vat_plan_text(tva: bool) -> str:
    if tva:
        return (
            f"La TVA due est prévue dans le plan ({quote('TVA')} à {quote('Oui')} dans Paramètres)."
        )
    return (
        "Prévoyez les déclarations et les reversements de TVA : indiquez "
        f"{quote('TVA')} à {quote('Oui')} dans Paramètres pour que le plan les compte."
    )


def _vat_findings(
    year: YearTurnover, entry: Rule, category: str, date_reference: dt.date, tva: bool = False
) -> list[Finding]:
    total = year.chiffre_affaires
    base, upper = float(entry["seuil"]), float(entry["seuil_majore"])
    basis = _basis(year, date_reference)
    what = _activity_text(category)
    note = _uncertain(entry)
    if total > upper + 0.004:
        when = year.crossing(upper) or year.jusqu_au
        return [
            Finding(
                # passed: VAT is due now; a forecast is a warning, not an error in the data
                ERREUR if when <= date_reference else AVERTISSEMENT,
                _FEUILLE,
                None,
                f"{basis} : {euros(total)}, au-delà du seuil majoré de la franchise en base de "
                f"TVA ({euros(upper, 0)}, {what}) ; {_crossed(when, date_reference)}.",
                f"La franchise en base de TVA est perdue dès le jour du dépassement "
                f"({day(when)}) : les opérations réalisées à partir de ce jour sont soumises à "
                f"la TVA. Facturez la TVA dès cette date (la mention {MENTION_293B} ne vaut "
                "plus) et demandez votre numéro de TVA intracommunautaire au service des "
                f"impôts des entreprises. {_vat_plan_text(tva)}" + note,
                "tva_seuil_majore_depasse",
            )
        ]
    if total > base + 0.004:
        when = year.crossing(base) or year.jusqu_au
        return [
            Finding(
                AVERTISSEMENT,
                _FEUILLE,
                None,
                f"{basis} : {euros(total)}, au-delà du seuil de la franchise en base de TVA "
                f"({euros(base, 0)}, {what}) ; {_crossed(when, date_reference)}. Marge avant "
                f"le seuil majoré ({euros(upper, 0)}) : {euros(upper - total)}.",
                f"La franchise reste acquise en {year.annee} tant que le seuil majoré n'est pas "
                f"dépassé, mais elle est perdue au 1er janvier {year.annee + 1} : à partir de "
                "cette date, facturez la TVA, demandez votre numéro de TVA intracommunautaire "
                "et revoyez vos prix. Au-delà du seuil majoré, la TVA serait due dès le jour du "
                f"dépassement. {_vat_plan_text(tva)}" + note,
                "tva_seuil_depasse",
            )
        ]
    if total >= WARNING_SHARE * base:
        return [
            Finding(
                AVERTISSEMENT,
                _FEUILLE,
                None,
                f"{basis} : {euros(total)}, soit {percent(total / base, 0)} du seuil de la "
                f"franchise en base de TVA ({euros(base, 0)}, {what}).",
                f"Au-delà de {euros(base, 0)} sur l'année, la franchise en base de TVA est "
                f"perdue au 1er janvier suivant ; au-delà du seuil majoré de "
                f"{euros(upper, 0)}, dès le jour du dépassement. Surveillez vos encaissements "
                "et préparez le passage à la TVA (prix, numéro de TVA intracommunautaire, "
                "factures avec TVA)." + note,
                "tva_seuil_proche",
            )
        ]
    return []


def _ceiling_text(ceiling: Ceiling, what: str) -> str:
    if not ceiling.prorated:
        return f"{euros(ceiling.montant, 0)}, {what}"
    return (
        f"{euros(ceiling.montant, 0)}, {what}, soit {euros(ceiling.annuel, 0)} au prorata de "
        f"{ceiling.jours} jours d'activité l'année du début"
    )


def _ceiling_findings(
    year: YearTurnover,
    entry: Rule,
    category: str,
    date_reference: dt.date,
    previous_above: bool,
    debut_activite: dt.date | None = None,
) -> list[Finding]:
    total = year.chiffre_affaires
    limit = micro_ceiling(entry, year.annee, debut_activite)
    ceiling = limit.montant
    basis = _basis(year, date_reference)
    what = _activity_text(category)
    note = _uncertain(entry)
    if limit.prorated:
        note = (
            " L'année du début d'activité, le plafond est ajusté au prorata du temps "
            "d'exploitation (service-public.fr F37353)." + note
        )
    if total > ceiling + 0.004:
        if previous_above:
            advice = (
                f"Deuxième année civile consécutive au-dessus du plafond : vous sortez du "
                f"régime de la micro-entreprise au 1er janvier {year.annee + 1} (régime réel "
                "d'imposition, cotisations calculées sur le bénéfice). Préparez ce passage "
                "avec un expert-comptable dès maintenant."
            )
        else:
            advice = (
                "Une seule année au-dessus du plafond ne fait pas sortir du régime ; deux "
                "années civiles consécutives, si. Si le chiffre d'affaires "
                f"{year.annee + 1} dépasse aussi le plafond, vous sortirez du régime de la "
                f"micro-entreprise au 1er janvier {year.annee + 2} : anticipez avec un "
                "expert-comptable."
            )
        return [
            Finding(
                AVERTISSEMENT,
                _FEUILLE,
                None,
                f"{basis} : {euros(total)}, au-delà du plafond du régime de la micro-entreprise "
                f"({_ceiling_text(limit, what)}).",
                advice + note,
                "plafond_micro_depasse",
            )
        ]
    if total >= WARNING_SHARE * ceiling:
        return [
            Finding(
                AVERTISSEMENT,
                _FEUILLE,
                None,
                f"{basis} : {euros(total)}, soit {percent(total / ceiling, 0)} du plafond du "
                f"régime de la micro-entreprise ({_ceiling_text(limit, what)}).",
                "Au-delà du plafond deux années civiles consécutives, vous sortez du régime de "
                "la micro-entreprise au 1er janvier suivant. Surveillez vos encaissements et "
                "faites le point avec un expert-comptable si la tendance se confirme." + note,
                "plafond_micro_proche",
            )
        ]
    return []


def threshold_findings(ledger: Ledger, flows: pd.DataFrame, until: dt.date) -> list[Finding]:
    """Findings for each calendar year from the one before the reference date to `until`.

    The year's turnover is every turnover receipt of `flows` (collected, and expected by the
    plan) up to `until`. At 80 % of the VAT franchise base threshold or of the micro ceiling:
    avertissement. Above the base threshold or the ceiling: avertissement; above the upper VAT
    threshold: erreur. The rules' uncertain notes are quoted in the advice.
    """
    params = ledger.params
    reference = params.date_reference
    category = threshold_category(params.activite)
    years = _plan_years(flows, until, reference)
    findings: list[Finding] = []
    unknown: list[int] = []
    for annee in range(reference.year - 1, until.year + 1):
        year = years.get(annee)
        if year is None or year.chiffre_affaires <= 0:
            continue
        january = dt.date(annee, 1, 1)
        vat = rule_or_none("franchise_tva", january, categorie=category)
        ceiling = rule_or_none("plafond_micro", january, categorie=category)
        if vat is None or ceiling is None:
            unknown.append(annee)
        if vat is not None:
            findings += _vat_findings(year, vat, category, reference, params.tva)
        if ceiling is not None:
            previous = years.get(annee - 1)
            previous_rule = rule_or_none(
                "plafond_micro", dt.date(annee - 1, 1, 1), categorie=category
            )
            previous_above = (
                previous is not None
                and previous_rule is not None
                and previous.chiffre_affaires
                > micro_ceiling(previous_rule, annee - 1, params.debut_activite).montant + 0.004
            )
            findings += _ceiling_findings(
                year, ceiling, category, reference, previous_above, params.debut_activite
            )
    if unknown:
        listed = ", ".join(str(y) for y in unknown)
        findings.append(
            Finding(
                CONSEIL,
                _FEUILLE,
                None,
                f"Seuils de franchise de TVA ou plafond du régime micro inconnus du fichier des "
                f"règles pour {listed} : le chiffre d'affaires de ces années n'est pas comparé.",
                "Vérifiez les seuils en vigueur sur impots.gouv.fr et urssaf.fr.",
                "seuils_inconnus",
            )
        )
    return findings
