"""Spending review at the reference date: recurring charges, shares, price rises, avoidable fees."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from treso_xl.contract import normalize_series
from treso_xl.core.flows import CATEGORY_OTHER_OUT, unify_categories
from treso_xl.core.money import cents
from treso_xl.core.records import Ledger
from treso_xl.core.recurrence import expand_recurrences
from treso_xl.french import euros, percent

MONTHLY, QUARTERLY, YEARLY = "Mensuelle", "Trimestrielle", "Annuelle"
PERIODS_PER_YEAR: dict[str, int] = {MONTHLY: 12, QUARTERLY: 4, YEARLY: 1}
# Detected frequencies: (frequency, nominal days between two payments, tolerance in days).
INTERVALS: tuple[tuple[str, int, int], ...] = (
    (MONTHLY, 30, 5),
    (QUARTERLY, 91, 10),
    (YEARLY, 365, 20),
)
MIN_OCCURRENCES = 3  # payments needed before a series counts as a recurring charge
ACTIVE_PERIODS = 2  # a detected series whose last payment is older than this many periods stopped
YEAR_DAYS = 365
YEAR_TOLERANCE_DAYS = 45  # the "year before" payment is within this many days of date − 365
ORIGINE_SAISIE = "saisie"
ORIGINE_DETECTEE = "détectée"
REALISE = "Réalisé"
AUCUNE = "Aucune"
SeriesKey = tuple[str, str]  # (folded Fournisseur, label key): one series of payments

# --- Advice on charges worth comparing (matched on the folded label and category) ------------

ADVICE_INSURANCE = (
    "Comparez votre assurance chaque année, à garanties égales, et faites jouer la concurrence "
    "avant la date d'échéance du contrat (vérifiez le préavis de résiliation)."
)
ADVICE_TELECOM = (
    "Comparez les offres téléphone et internet : demandez à votre opérateur une offre "
    "équivalente moins chère, ou changez d'opérateur (vérifiez la fin d'engagement)."
)
ADVICE_BANK = (
    "Comparez avec une banque en ligne pour professionnels : tenue de compte, carte et "
    "virements y coûtent souvent moins cher ; à défaut, renégociez vos frais avec votre "
    "conseiller."
)
_ADVICE: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"\bassurances?\b|\bmutuelles?\b|\bprevoyance\b|\brc pro\b"
            r"|\bresponsabilite civile\b|\bmultirisques?\b"
        ),
        ADVICE_INSURANCE,
    ),
    (
        re.compile(
            r"\btelephon\w*|\binternet\b|\bmobiles?\b|\bbox\b|\bfibre\b|\btelecoms?\b"
            r"|\btelecommunications?\b|\bforfait mobile\b"
        ),
        ADVICE_TELECOM,
    ),
    (
        re.compile(
            # "banque" alone only in the category: "Banque d'images" is no bank
            r"\|[^|]*\bbanques?\b|\bbancaires?\b|\btenue de compte\b|\bcotisation carte\b"
            r"|\bcarte bancaire\b"
        ),
        ADVICE_BANK,
    ),
)

# --- Avoidable costs: (motif, pattern, advice) -------------------------------------------------

MOTIF_LATE = "Pénalité ou majoration de retard"
MOTIF_BANK = "Frais d'incident bancaire"
MOTIF_REMINDER = "Frais de relance"
ADVICE_LATE = (
    "Payez avant la date limite (les échéances URSSAF sont dans l'onglet URSSAF) ; en cas de "
    "difficulté, demandez un délai avant l'échéance. Vous pouvez aussi demander la remise "
    "gracieuse des majorations."
)
ADVICE_INCIDENT = (
    "Gardez une marge sur le compte ou négociez une autorisation de découvert, et demandez à "
    "votre banque de rembourser ces frais (geste commercial)."
)
ADVICE_REMINDER = (
    "Payez vos fournisseurs à l'échéance, ou négociez un délai plus long avant qu'elle tombe : "
    "une relance coûte des frais."
)
_AVOIDABLE: tuple[tuple[str, str, str], ...] = (
    (
        MOTIF_LATE,
        r"\bmajorations?\b|\bpenalites?\b|\binterets? de retard\b",
        ADVICE_LATE,
    ),
    (
        MOTIF_BANK,
        r"\bfrais de rejets?\b|\brejets? de prelevement|\bcommissions? d.?intervention"
        r"|\bagios\b|\bincidents?\b|\blettres? d.?information",
        ADVICE_INCIDENT,
    ),
    (MOTIF_REMINDER, r"\bfrais de relances?\b", ADVICE_REMINDER),
)

# --- Money out that is no expense: the owner's pay, transfers to oneself, loans repaid ---------

# Matched on the folded "label | category"; these rows stay out of the whole review.
_NOT_EXPENSE = re.compile(
    r"\bremunerations?\b|\bcompte (?:perso|personnel|epargne|joint)\b"
    r"|\bvirements? internes?\b|\bprelevements? (?:personnels?|de l'exploitant|prive)"
    r"|\bremboursements? (?:d'|de l'|de |du |des )?(?:emprunts?|prets?|credits?)\b"
    r"|\bech(?:eance)?s? (?:d'|de l'|de |du )?(?:emprunts?|prets?|credits?)\b"
    r"|\|[^|]*\b(?:emprunts?|prets?|epargne|apports?)\b|\blivret\b"
)
NOT_EXPENSE_NOTE = (
    "Non comptés comme dépenses : {total} sur 12 mois de rémunération, virements vers vos "
    "comptes personnels, mouvements internes et remboursements d'emprunt ({count}) ; ce ne sont "
    "pas des charges à réduire."
)


def not_expense(texts: pd.Series) -> pd.Series:
    """True for folded "label | category" texts naming the owner's pay, a transfer to oneself or
    between accounts, or a loan repaid: money out that is no cost of the business."""
    codes, distinct = pd.factorize(texts.fillna("").astype(str))
    hits = np.array([_NOT_EXPENSE.search(text) is not None for text in distinct], dtype=bool)
    return pd.Series(hits[codes] if len(codes) else np.zeros(0, dtype=bool), index=texts.index)


# --- Label keys: "Abonnement Adobe mars 2026" and "Abonnement Adobe avril 2026" are one series ---

_MONTH_WORDS = frozenset(
    {
        "janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre",
        "octobre", "novembre", "decembre",
        "jan", "janv", "fev", "fevr", "avr", "juil", "sep", "sept", "oct", "nov", "dec",
    }
)  # fmt: skip
_FILLER_WORDS = frozenset({"de", "du", "des", "d", "l", "le", "la", "les", "au", "aux", "mois"})
_TOKEN_SPLIT = re.compile(r"[^\w']+")


@lru_cache(maxsize=200_000)
def _key_of_folded(folded: str) -> str:
    tokens = []
    for raw in _TOKEN_SPLIT.split(folded):
        token = raw.strip("'")
        if "'" in token:  # d'avril -> avril, l'assurance -> assurance
            token = token.rsplit("'", 1)[1]
        if not token or any(ch.isdigit() for ch in token):
            continue
        if token in _MONTH_WORDS or token in _FILLER_WORDS:
            continue
        tokens.append(token)
    return " ".join(tokens) or folded


def label_key(values: pd.Series) -> pd.Series:
    """Labels folded (no case, accents, digits, dates, month names, filler words), per value.

    "Abonnement Adobe mars 2026" and "abonnement adobe d'avril 2026" both give "abonnement adobe";
    a label made only of digits keeps its folded spelling.
    """
    folded = normalize_series(values)
    mapping = {text: _key_of_folded(text) for text in folded.unique()}
    return folded.map(mapping)


def charge_advice(text: str) -> str:
    """The one-line French advice for a folded "label | category" text, "" when none applies.

    Insurance, phone and internet, bank fees: matched on words of the label or the category
    ("banque" alone on the category only).
    """
    for pattern, advice in _ADVICE:
        if pattern.search(text):
            return advice
    return ""


def avoidable_motif(texts: pd.Series) -> pd.Series:
    """Motif of each folded "label | category" text that names an avoidable cost, else ""
    (each distinct text searched once, the first motif of the list winning)."""
    distinct = pd.unique(texts.to_numpy())
    mapping = {}
    for value in distinct.tolist():
        text = _text(value)
        mapping[text] = next((name for name, found in _AVOIDABLE_SEARCH if found(text)), "")
    return pd.Series(texts.map(mapping).to_numpy(dtype=object), index=texts.index, dtype="object")


_AVOIDABLE_SEARCH = tuple((name, re.compile(pattern).search) for name, pattern, _ in _AVOIDABLE)
_AVOIDABLE_ADVICE = {name: advice for name, _, advice in _AVOIDABLE}


# --- Results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecurringCharge:
    """One recurring charge, typed with a Récurrence or detected among realised payments."""

    fournisseur: str
    libelle: str
    categorie: str
    frequence: str  # "Mensuelle" | "Trimestrielle" | "Annuelle"
    montant: float  # typed amount, or the last amount paid for a detected series
    cout_annuel: float  # montant × payments per year
    origine: str  # "saisie" | "détectée"
    conseil: str  # one-line French advice, "" when none
    ligne: int  # Décaissements row (the typed row, or the last payment of the series)
    occurrences: int  # payments found (1 for a typed row)
    dernier_paiement: dt.date | None  # last payment of a detected series, None when typed
    hausse: float | None = None  # rise over a year as a fraction (0.1 = +10 %), None when none
    evitable: bool = False  # its label or category names an avoidable cost

    @property
    def signalee(self) -> bool:
        """Worth a look: an advice applies or its price rose."""
        return bool(self.conseil) or self.hausse is not None


@dataclass(frozen=True)
class CategoryShare:
    """One category's disbursements over the 12 months and its share of the total."""

    categorie: str
    montant: float
    part: float  # fraction of the 12-month total


@dataclass(frozen=True)
class PriceRise:
    """A series paid more than about a year before."""

    fournisseur: str
    libelle: str
    date_avant: dt.date
    montant_avant: float
    date: dt.date
    montant: float
    hausse: float  # euros per payment
    hausse_pct: float  # fraction: 0.125 = +12,5 %
    cout_annuel: float  # yearly cost of the matching recurring charge, else its 12-month total
    surcout_annuel: float  # what the rise costs over a year
    recurrente: bool  # a recurring charge of the list has the same series
    conseil: str
    ligne: int
    evitable: bool = False


@dataclass(frozen=True)
class AvoidableCost:
    """A realised payment that need not have been made (penalty, bank incident, reminder)."""

    date: dt.date
    fournisseur: str
    libelle: str
    categorie: str
    montant: float
    motif: str
    conseil: str
    ligne: int


@dataclass(frozen=True)
class SpendingReview:
    """The spending part of the Dépenses tab at `date_reference`.

    The 12 months are the days after the reference date minus one year, up to the reference
    date. Amounts are euros rounded to the cent.
    """

    date_reference: dt.date
    debut: dt.date  # first day of the 12-month window
    charges: tuple[RecurringCharge, ...]  # ranked by yearly cost, highest first
    repartition: tuple[CategoryShare, ...]  # highest amount first
    total_12m: float
    hausses: tuple[PriceRise, ...]  # highest yearly extra cost first
    evitables: tuple[AvoidableCost, ...]  # by date
    total_evitables: float
    cout_signale_charges: float  # yearly cost of the flagged charges and price-rise series
    notes: tuple[str, ...] = field(default=())

    @property
    def cout_charges_annuel(self) -> float:
        """Yearly cost of every recurring charge."""
        return cents(sum(c.cout_annuel for c in self.charges))

    @property
    def total_flagged_per_year(self) -> float:
        """Yearly cost of the flagged lines plus the avoidable costs paid over 12 months."""
        return cents(self.cout_signale_charges + self.total_evitables)


# --- Engine ----------------------------------------------------------------------------------


def _prepared(decaissements: pd.DataFrame) -> pd.DataFrame:
    """Décaissements with the series keys, unified category and folded "label | category"."""
    frame = decaissements.reset_index(drop=True).copy()
    folded = normalize_series(decaissements["fournisseur"])  # the reader's column: folded once
    frame["skey"] = pd.Series(folded.to_numpy(), index=frame.index, dtype=object)
    # Labels and categories repeat: each computed once per distinct value, or pair of values.
    labels, categories = _distinct(frame["libelle"]), _distinct(frame["categorie"])
    frame["lkey"] = _spread(label_key(labels.values), labels.codes)
    unified = unify_categories(categories.values, CATEGORY_OTHER_OUT).to_numpy(dtype=object)
    frame["cat"] = _spread(unified, categories.codes)
    folded_labels = normalize_series(labels.values).to_numpy(dtype=object)
    folded_categories = normalize_series(categories.values).to_numpy(dtype=object)
    width = max(len(categories.values), 1)  # pairs packed in one integer, same order
    packed, pair_codes = np.unique(
        labels.codes.astype(np.int64) * width + categories.codes, return_inverse=True
    )
    texts = np.array(
        [
            folded_labels[label] + " | " + folded_categories[category]
            for label, category in zip(
                (packed // width).tolist(), (packed % width).tolist(), strict=True
            )
        ],
        dtype=object,
    )
    frame["texte"] = texts[pair_codes.reshape(-1)] if len(frame) else pd.Series(dtype=object)
    return frame


@dataclass(frozen=True)
class _Distinct:
    values: pd.Series  # each distinct value once, in order of first appearance
    codes: np.ndarray  # position of each row's value in `values`


def _distinct(column: pd.Series) -> _Distinct:
    """The distinct values of a column (NaN and None kept as one value) and each row's code."""
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    return _Distinct(pd.Series(uniques, dtype="object"), codes)


def _spread(values: pd.Series | np.ndarray, codes: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=object)[codes]


def _text(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _typed_charges(frame: pd.DataFrame, ref: pd.Timestamp) -> pd.DataFrame:
    """Rows typed with a Récurrence and not ended before the reference date."""
    recurring = frame["recurrence"].isin(list(PERIODS_PER_YEAR))
    running = frame["fin"].isna() | (frame["fin"] >= ref)
    typed = frame.loc[recurring & running].copy()
    typed["frequence"] = typed["recurrence"]
    typed["occurrences"] = 1
    typed["dernier"] = pd.NaT
    typed["origine"] = ORIGINE_SAISIE
    return typed


def _detected_charges(frame: pd.DataFrame, ref: pd.Timestamp) -> pd.DataFrame:
    """Last payment of each regular series among realised rows without Récurrence.

    A series is one normalized Fournisseur and label key; it needs MIN_OCCURRENCES payments,
    a median gap between consecutive payments within a frequency's tolerance, and a last payment
    no older than ACTIVE_PERIODS nominal periods. (Rows put in series order by one lexsort of
    the keys' sorted codes, as a stable sort by Fournisseur, label key, date and row.)
    """
    mask = (frame["recurrence"] == AUCUNE) & (frame["statut"] == REALISE) & (frame["date"] <= ref)
    rows = np.flatnonzero(mask.to_numpy(dtype=bool))
    ligne = frame["ligne"]
    if not len(rows) or ligne.dtype != np.int64:
        return _detected_by_frames(frame, ref)
    supplier = pd.factorize(frame["skey"].to_numpy(dtype=object)[rows], sort=True)[0]
    label = pd.factorize(frame["lkey"].to_numpy(dtype=object)[rows], sort=True)[0]
    dates = frame["date"].to_numpy(dtype="datetime64[ns]")[rows]
    if (supplier < 0).any() or (label < 0).any():  # a missing key: as pandas places it
        return _detected_by_frames(frame, ref)
    order = np.lexsort((ligne.to_numpy()[rows], dates, label, supplier))
    supplier, label, dates = supplier[order], label[order], dates[order]
    starts = np.ones(len(order), dtype=bool)
    starts[1:] = (supplier[1:] != supplier[:-1]) | (label[1:] != label[:-1])
    group = np.cumsum(starts) - 1
    gaps = np.full(len(order), np.nan)
    gaps[1:] = (np.diff(dates) // np.timedelta64(1, "D")).astype("float64")
    gaps[starts] = np.nan
    count = np.bincount(group)
    median = pd.Series(gaps).groupby(group).median().to_numpy(dtype="float64")
    ends = np.ones(len(order), dtype=bool)
    ends[:-1] = starts[1:]
    last = frame.take(rows[order][ends])
    last["occurrences"] = count
    return _still_paid(last, median, ref)


def _still_paid(last: pd.DataFrame, gap: np.ndarray, ref: pd.Timestamp) -> pd.DataFrame:
    """The series' last payments (`occurrences` counted, `gap` their median days apart) whose
    rhythm is a known one and that are still paid at `ref`, with their frequency."""
    nominal = np.full(len(last), np.nan)
    frequence = np.full(len(last), "", dtype=object)
    for name, days, tolerance in INTERVALS:
        hit = np.abs(gap - days) <= tolerance
        frequence = np.where(hit, name, frequence)
        nominal = np.where(hit, days, nominal)
    age = (ref - last["date"]).dt.days.to_numpy()
    keep = (
        (last["occurrences"].to_numpy() >= MIN_OCCURRENCES)
        & (frequence != "")
        & (age <= ACTIVE_PERIODS * np.nan_to_num(nominal))
    )
    last["frequence"] = frequence
    last["dernier"] = last["date"]
    last["origine"] = ORIGINE_DETECTEE
    return last.loc[keep]


def _detected_by_frames(frame: pd.DataFrame, ref: pd.Timestamp) -> pd.DataFrame:
    """`_detected_charges` by frame operations (sort, groupby): no row, or rows not int64."""
    mask = (frame["recurrence"] == AUCUNE) & (frame["statut"] == REALISE) & (frame["date"] <= ref)
    paid = frame.loc[mask].sort_values(["skey", "lkey", "date", "ligne"], kind="stable")
    if paid.empty:
        return paid.assign(frequence="", occurrences=0, dernier=pd.NaT, origine=ORIGINE_DETECTEE)
    group = paid.groupby(["skey", "lkey"], sort=False).ngroup()
    gaps = paid["date"].diff().dt.days.where(group.eq(group.shift()))
    stats = pd.DataFrame({"group": group, "gap": gaps}).groupby("group")["gap"]
    count, median = stats.size(), stats.median()
    last = paid.loc[~group.duplicated(keep="last")].copy()
    last_group = group.loc[last.index]
    last["occurrences"] = last_group.map(count).to_numpy()
    gap = last_group.map(median).to_numpy(dtype="float64")
    return _still_paid(last, gap, ref)


def _series_keys(frame: pd.DataFrame) -> list[SeriesKey]:
    return list(zip(frame["skey"], frame["lkey"], strict=True))


def _history(frame: pd.DataFrame, ref: dt.date) -> pd.DataFrame:
    """Every disbursement dated on or before the reference date, recurrences expanded."""
    expanded = expand_recurrences(frame, ref).reset_index(drop=True)
    return expanded.loc[expanded["date"] <= pd.Timestamp(ref)]


def _price_rises(
    history: pd.DataFrame, start: pd.Timestamp, charges: dict[SeriesKey, RecurringCharge]
) -> list[tuple[SeriesKey, PriceRise]]:
    """(series key, rise) of the series whose last payment (in the 12 months) is higher than the
    payment closest to one year before it (within YEAR_TOLERANCE_DAYS), highest extra first."""
    if history.empty:
        return []
    found = _rise_rows(history, start)
    if found is False:
        found = _rise_rows_by_frames(history, start)
    return [] if found is None or found is False else _rises(*found, charges)


_RiseRows = tuple[pd.DataFrame, pd.DataFrame, np.ndarray, np.ndarray]


def _rise_rows(history: pd.DataFrame, start: pd.Timestamp) -> _RiseRows | bool | None:
    """(last payment, payment a year before, 12-month total, 12-month count) of each risen
    series, in series order, by one lexsort of sorted key codes and numpy (as
    `_rise_rows_by_frames`); None when nothing rose, False when the rows need the frame code."""
    ligne, amount = history["ligne"], history["montant"]
    if ligne.dtype != np.int64 or amount.dtype != np.float64 or amount.isna().any():
        return False
    supplier = pd.factorize(history["skey"].to_numpy(dtype=object), sort=True)[0]
    label = pd.factorize(history["lkey"].to_numpy(dtype=object), sort=True)[0]
    dates = history["date"].to_numpy(dtype="datetime64[ns]")
    if (supplier < 0).any() or (label < 0).any() or np.isnat(dates).any():
        return False
    order = np.lexsort((ligne.to_numpy(), dates, label, supplier))
    supplier, label, dates = supplier[order], label[order], dates[order]
    amounts = amount.to_numpy()[order]
    starts = np.ones(len(order), dtype=bool)
    starts[1:] = (supplier[1:] != supplier[:-1]) | (label[1:] != label[:-1])
    group = np.cumsum(starts) - 1
    ends = np.ones(len(order), dtype=bool)
    ends[:-1] = starts[1:]
    last_at = np.flatnonzero(ends)  # sorted position of each group's last payment
    last_date = dates[last_at][group]
    year = np.timedelta64(YEAR_DAYS, "D")
    distance = np.abs(dates - (last_date - year)) // np.timedelta64(1, "D")
    near = np.flatnonzero((distance <= YEAR_TOLERANCE_DAYS) & (last_date > start.to_datetime64()))
    if not len(near):
        return None
    closest = near[np.lexsort((dates[near], distance[near], group[near]))]
    first = np.ones(len(closest), dtype=bool)
    first[1:] = group[closest][1:] != group[closest][:-1]
    closest = closest[first]  # one per group, in group order
    groups = group[closest]
    risen = amounts[last_at][groups] - amounts[closest] >= 0.005
    closest, groups = closest[risen], groups[risen]
    if not len(closest):
        return None
    in_window = dates > start.to_datetime64()
    window_total = pd.Series(amounts[in_window]).groupby(group[in_window])
    totals = window_total.sum().reindex(groups, fill_value=0.0).to_numpy()
    counts = window_total.size().reindex(groups, fill_value=0).to_numpy()
    latest = history.take(order[last_at][groups])
    before = history.take(order[closest])
    return latest, before, totals, counts


def _rise_rows_by_frames(history: pd.DataFrame, start: pd.Timestamp) -> _RiseRows | None:
    """`_rise_rows` by frame operations (sort, groupby, transform)."""
    hist = history.sort_values(["skey", "lkey", "date", "ligne"], kind="stable")
    group = hist.groupby(["skey", "lkey"], sort=False).ngroup()
    by_group = hist.groupby(group, sort=False)
    last_date = by_group["date"].transform("last")
    last_amount = by_group["montant"].transform("last")
    distance = (hist["date"] - (last_date - pd.Timedelta(days=YEAR_DAYS))).abs().dt.days
    near = (distance <= YEAR_TOLERANCE_DAYS) & (last_date > start)
    if not near.any():
        return None
    before = (
        hist.loc[near]
        .assign(group=group[near], distance=distance[near])
        .sort_values(["group", "distance", "date"], kind="stable")
        .drop_duplicates("group")
    )
    delta = last_amount.loc[before.index] - before["montant"]
    before = before.loc[delta >= 0.005]
    if before.empty:
        return None
    in_window = hist["date"] > start
    window_total = hist.loc[in_window].groupby(group[in_window])["montant"]
    groups = group.loc[before.index].to_numpy()
    totals = window_total.sum().reindex(groups, fill_value=0.0).to_numpy()
    counts = window_total.size().reindex(groups, fill_value=0).to_numpy()
    last_rows = hist.loc[~group.duplicated(keep="last")]
    latest = last_rows.set_axis(group.loc[last_rows.index].to_numpy()).loc[groups]
    return latest, before, totals, counts


def _rises(
    latest: pd.DataFrame,
    before: pd.DataFrame,
    totals: np.ndarray,
    counts: np.ndarray,
    charges: dict[SeriesKey, RecurringCharge],
) -> list[tuple[SeriesKey, PriceRise]]:
    """The price rises of the series found by `_rise_rows`, highest extra first."""
    motifs = avoidable_motif(latest["texte"])
    rises = []
    for (
        fournisseur,
        libelle,
        skey,
        lkey,
        date,
        montant,
        ligne,
        motif,
        previous_date,
        previous,
        total,
        count,
    ) in zip(
        latest["fournisseur"],
        latest["libelle"],
        latest["skey"],
        latest["lkey"],
        latest["date"],
        latest["montant"],
        latest["ligne"],
        motifs,
        before["date"],
        before["montant"],
        totals,
        counts,
        strict=True,
    ):
        amount = float(montant)
        extra = amount - float(previous)
        key = (str(skey), str(lkey))
        charge = charges.get(key)
        if charge is not None:
            yearly = charge.cout_annuel
            extra_year = cents(extra * PERIODS_PER_YEAR[charge.frequence])
        else:
            yearly = cents(float(total))
            extra_year = cents(extra * int(count))
        pct = extra / float(previous)
        rise = PriceRise(
            fournisseur=_text(fournisseur),
            libelle=_text(libelle),
            date_avant=previous_date.date(),
            montant_avant=cents(float(previous)),
            date=date.date(),
            montant=cents(amount),
            hausse=cents(extra),
            hausse_pct=pct,
            cout_annuel=yearly,
            surcout_annuel=extra_year,
            recurrente=charge is not None,
            conseil=(
                f"Demandez la raison de cette hausse de {percent(pct, 1)} et comparez avec "
                f"d'autres fournisseurs : elle coûte {euros(extra_year)} de plus par an."
            ),
            ligne=int(ligne),
            evitable=bool(motif),
        )
        rises.append((key, rise))
    rises.sort(key=lambda kr: (-kr[1].surcout_annuel, -kr[1].cout_annuel, kr[0]))
    return rises


def _charges(
    typed: pd.DataFrame, detected: pd.DataFrame
) -> list[tuple[SeriesKey, RecurringCharge]]:
    """(series key, charge) of the typed charges and of the detected series not already typed."""
    typed_keys = set(_series_keys(typed))
    fresh = [key not in typed_keys for key in _series_keys(detected)]
    detected = detected.loc[fresh]
    both = pd.concat([typed, detected]) if not detected.empty else typed
    if both.empty:
        return []
    motifs = avoidable_motif(both["texte"])
    advice = {text: charge_advice(str(text)) for text in pd.unique(both["texte"].to_numpy())}
    charges = []
    day_of: dict[object, dt.date | None] = {}  # each distinct last payment converted once
    for (
        key,
        fournisseur,
        libelle,
        cat,
        frequence,
        montant,
        origine,
        texte,
        ligne,
        n,
        last,
        motif,
    ) in zip(
        _series_keys(both),
        both["fournisseur"].tolist(),
        both["libelle"].tolist(),
        both["cat"].tolist(),
        both["frequence"].tolist(),
        both["montant"].tolist(),
        both["origine"].tolist(),
        both["texte"].tolist(),
        both["ligne"].tolist(),
        both["occurrences"].tolist(),
        both["dernier"].tolist(),
        motifs.tolist(),
        strict=True,
    ):
        amount = cents(float(montant))
        charge = RecurringCharge(
            fournisseur=_text(fournisseur),
            libelle=_text(libelle),
            categorie=_text(cat),
            frequence=str(frequence),
            montant=amount,
            cout_annuel=cents(amount * PERIODS_PER_YEAR[str(frequence)]),
            origine=str(origine),
            conseil=advice[texte],
            ligne=int(ligne),
            occurrences=int(n),
            dernier_paiement=_day(last, day_of),
            evitable=bool(motif),
        )
        charges.append((key, charge))
    return charges


def _day(last: object, known: dict[object, dt.date | None]) -> dt.date | None:
    """`None if pd.isna(last) else pd.Timestamp(last).date()`, remembered in `known` (equal
    values give the same day)."""
    try:
        return known[last]
    except KeyError:
        day = known[last] = None if pd.isna(last) else pd.Timestamp(last).date()
        return day


def _with_rise(charge: RecurringCharge, hausse: float) -> RecurringCharge:
    """`dataclasses.replace(charge, hausse=hausse)` without its per-field checks."""
    return RecurringCharge(**{**charge.__dict__, "hausse": hausse})


def _ranked(charges: list[RecurringCharge]) -> list[RecurringCharge]:
    return sorted(
        charges,
        key=lambda c: (-c.cout_annuel, c.fournisseur.lower(), c.libelle.lower(), c.ligne),
    )


def _shares(window: pd.DataFrame) -> tuple[list[CategoryShare], float]:
    if window.empty:
        return [], 0.0
    sums = window.groupby("cat", sort=False)["montant"].sum()
    total = float(sums.sum())
    order = sorted(sums.items(), key=lambda item: (-item[1], str(item[0]).lower()))
    shares = [
        CategoryShare(str(cat), cents(float(amount)), float(amount) / total if total else 0.0)
        for cat, amount in order
    ]
    return shares, cents(total)


def _avoidable(window: pd.DataFrame) -> list[AvoidableCost]:
    paid = window.loc[window["statut"] == REALISE]
    motifs = avoidable_motif(paid["texte"])
    hits = paid.loc[motifs != ""].assign(motif=motifs[motifs != ""])
    hits = hits.sort_values(["date", "ligne"], kind="stable")
    return [
        AvoidableCost(
            date=date.date(),
            fournisseur=_text(fournisseur),
            libelle=_text(libelle),
            categorie=_text(cat),
            montant=cents(float(montant)),
            motif=str(motif),
            conseil=_AVOIDABLE_ADVICE[str(motif)],
            ligne=int(ligne),
        )
        for date, fournisseur, libelle, cat, montant, motif, ligne in zip(
            hits["date"],
            hits["fournisseur"],
            hits["libelle"],
            hits["cat"],
            hits["montant"],
            hits["motif"],
            hits["ligne"],
            strict=True,
        )
    ]


def spending_review(ledger: Ledger) -> SpendingReview:
    """Recurring charges, category shares, price rises and avoidable costs at the reference date.

    - Recurring charges: Décaissements rows with a Récurrence and no Fin before the reference
      date (yearly cost = Montant × 12, 4 or 1), and series detected among `Réalisé` rows without
      Récurrence: same normalized Fournisseur and label (digits, dates and month names ignored),
      at least 3 payments, median gap 30 ± 5 days (monthly), 91 ± 10 (quarterly) or 365 ± 20
      (yearly), last payment no older than two periods; yearly cost = last amount × payments per
      year. A detected series already typed is not listed twice.
    - Category shares: every disbursement (recurrences expanded) dated in the 12 months.
    - Price rises: per series, the last payment (in the 12 months) against the payment closest to
      365 days before it, within 45 days, when higher.
    - Not expenses, left out of everything above (a note gives their 12-month total): rows
      whose label or category names the owner's pay (Rémunération), a transfer to a personal,
      savings or internal account, or a loan repaid (`not_expense`).
    - Avoidable costs: `Réalisé` payments of the 12 months whose label or category names a
      penalty, a late-payment increase, a bank incident or a reminder fee.
    - Flagged yearly cost: the charges with an advice or a price rise, and the price-rise series
      that are no recurring charge (their 12-month total), avoidable ones excepted since they
      are counted with the avoidable costs.
    """
    ref = ledger.params.date_reference
    ts = pd.Timestamp(ref)
    start = ts - pd.DateOffset(years=1)
    frame = _prepared(ledger.decaissements)
    own = not_expense(frame["texte"])
    set_aside = _history(frame.loc[own], ref) if own.any() else frame.iloc[0:0]  # (none: note)
    set_aside = set_aside.loc[set_aside["date"] > start]
    frame = frame.loc[~own]
    keyed = _charges(_typed_charges(frame, ts), _detected_charges(frame, ts))
    by_key: dict[SeriesKey, RecurringCharge] = {}
    for key, charge in keyed:
        by_key.setdefault(key, charge)
    history = _history(frame, ref)
    keyed_rises = _price_rises(history, start, by_key)
    rises = [rise for _, rise in keyed_rises]
    risen = {key: rise.hausse_pct for key, rise in keyed_rises if rise.recurrente}
    charges = _ranked([_with_rise(c, risen[key]) if key in risen else c for key, c in keyed])
    window = history.loc[history["date"] > start]
    shares, total = _shares(window)
    avoidable = _avoidable(window)
    flagged = sum(c.cout_annuel for c in charges if c.signalee and not c.evitable)
    flagged += sum(r.cout_annuel for r in rises if not r.recurrente and not r.evitable)
    notes = []
    if not set_aside.empty:
        count = len(set_aside)
        notes.append(
            NOT_EXPENSE_NOTE.format(
                total=euros(cents(float(set_aside["montant"].sum()))),
                count=f"{count} paiement{'s' if count > 1 else ''}",
            )
        )
    if frame.empty and not own.any():
        notes.append("Aucun décaissement saisi : rien à analyser.")
    elif window.empty:
        notes.append("Aucun décaissement daté des 12 derniers mois.")
    return SpendingReview(
        date_reference=ref,
        debut=(start + pd.Timedelta(days=1)).date(),
        charges=tuple(charges),
        repartition=tuple(shares),
        total_12m=total,
        hausses=tuple(rises),
        evitables=tuple(avoidable),
        total_evitables=cents(sum(a.montant for a in avoidable)),
        cout_signale_charges=cents(flagged),
        notes=tuple(notes),
    )
