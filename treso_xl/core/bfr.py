"""Working capital (BFR) at the reference date: receivables, stock, payables, ratios, levers."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from treso_xl import contract
from treso_xl.core.aging import dso_days, open_invoices
from treso_xl.core.money import cents, whole_days
from treso_xl.core.payables import payables_on
from treso_xl.core.records import Ledger
from treso_xl.french import day, euros, percent, quote

DEPOSIT_RATE = 0.30  # share of an order asked as a deposit
SUPPLIER_TARGET_DAYS = 60  # supplier terms to negotiate (legal maximum, C. com. L441-10)
DORMANT_DAYS = 90  # an article with no sale for longer than this is dormant stock
DAYS_PER_YEAR = 365
MAX_LISTED_ARTICLES = 10

DEPOSIT = "deposit"
SUPPLIER_TERMS = "supplier_terms"
DORMANT_STOCK = "dormant_stock"


@dataclass(frozen=True)
class Lever:
    """One way to free cash, with the user's own figures."""

    key: str  # DEPOSIT | SUPPLIER_TERMS | DORMANT_STOCK
    levier: str  # « Encaisser plus vite », …
    action: str
    situation: str  # the user's figures (DSO, délai moyen, stock dormant…)
    montant: float  # cash it would free, euros, never negative
    calcul: str  # how `montant` was obtained, in French


@dataclass(frozen=True)
class WorkingCapital:
    """The BFR tab's figures at `date_reference`.

    Amounts in euros rounded to the cent; days rounded to the day (halves away from zero, except
    DSO which is `treso_xl.core.aging.dso_days`). A ratio is None when its denominator is zero;
    `raisons` then says why, in French, under the keys "bfr_jours", "dso", "dpo", "dio".
    """

    date_reference: dt.date
    creances: float
    stocks: float
    dettes: float
    bfr: float
    ventes_12m: float  # amounts invoiced in the 12 months to the reference date
    achats_12m: float  # supplier bills dated in the 12 months to the reference date
    cout_ventes_annuel: float  # Σ Ventes 90 jours × Coût unitaire × 365 / 90
    bfr_jours: int | None
    dso: int | None
    dpo: int | None
    dio: int | None
    raisons: Mapping[str, str]
    non_echu: float  # open invoices not yet due (the Balance âgée's « Non échu »)
    projets_a_facturer: float  # ongoing projects' total minus what is already invoiced
    delai_fournisseurs: int | None  # average days from bill to payment, paid bills of 12 months
    stock_dormant: float
    articles_dormants: tuple[str, ...]
    levers: tuple[Lever, ...]
    notes: tuple[str, ...] = field(default=())  # French notes on missing optional sheets
    feuilles_absentes: tuple[str, ...] = field(default=())  # contract names, e.g. "Stock"

    @property
    def total_levers(self) -> float:
        """Cash the three levers would free together."""
        return cents(sum(lever.montant for lever in self.levers))


def _days_word(count: int) -> str:
    return f"{count} jour" if abs(count) <= 1 else f"{count} jours"


def _fold(text: object) -> str:
    """Lower case, no accents, single spaces: for matching a project name inside a label."""
    s = unicodedata.normalize("NFKD", str(text or ""))
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return " ".join(s.lower().split())


def _last_12_months(dates: pd.Series, date_reference: dt.date) -> pd.Series:
    """Dates in the 12 months ending on the reference date (same window as `dso_days`)."""
    end = pd.Timestamp(date_reference)
    start = end - pd.DateOffset(years=1)
    return (dates > start) & (dates <= end)


def window_start(date_reference: dt.date) -> dt.date:
    """First day of the 12-month window ending on the reference date."""
    start = pd.Timestamp(date_reference) - pd.DateOffset(years=1)
    return (start + pd.Timedelta(days=1)).date()


def projects_to_invoice(
    projets: pd.DataFrame, positions: pd.DataFrame, date_reference: dt.date
) -> float:
    """Ongoing projects (Livraison after the reference date): Montant total minus the amounts of
    the invoices issued on or before the reference date whose Libellé or N° facture contains the
    project's name (accents and case ignored; an invoice naming several projects goes to the
    longest name). Never negative per project."""
    ref = pd.Timestamp(date_reference)
    ongoing = projets.loc[projets["livraison"] > ref]
    if ongoing.empty:
        return 0.0
    names = {idx: _fold(name) for idx, name in ongoing["projet"].items()}
    invoiced = dict.fromkeys(names, 0.0)
    issued = positions.loc[positions["date"] <= ref]
    folded: dict[tuple[type, object], str] = {}  # each distinct text folded once

    def fold(value: object) -> str:
        key = (value.__class__, value)  # 1, 1.0 and True fold apart
        try:
            text = folded.get(key)
        except TypeError:  # not hashable: folded each time
            return _fold(value)
        if text is None:
            text = folded[key] = _fold(value)
        return text

    for libelle, numero, montant in zip(
        issued["libelle"], issued["facture"], issued["montant"], strict=True
    ):
        text = f"{fold(libelle)} | {fold(numero)}"
        matches = [idx for idx, name in names.items() if name and name in text]
        if matches:
            best = max(matches, key=lambda idx: len(names[idx]))
            invoiced[best] += float(montant)
    rest = sum(
        max(0.0, float(total) - invoiced[idx]) for idx, total in ongoing["montant_total"].items()
    )
    return cents(rest)


def dormant_mask(stock: pd.DataFrame, date_reference: dt.date) -> pd.Series:
    """Articles with no sale in the last 90 days: Dernière vente empty or before the reference
    date minus 90 days, or Ventes 90 jours = 0."""
    limit = pd.Timestamp(date_reference) - pd.Timedelta(days=DORMANT_DAYS)
    last = stock["derniere_vente"]
    return last.isna() | (last < limit) | (stock["ventes_90j"] == 0)


def _stock_values(stock: pd.DataFrame) -> pd.Series:
    return stock["quantite"].fillna(0.0) * stock["cout_unitaire"].fillna(0.0)


def working_capital(ledger: Ledger, positions: pd.DataFrame) -> WorkingCapital:
    """The working capital and its levers at Params.date_reference.

    - Créances clients: what remains due on invoices issued on or before the reference date
      (the Balance âgée's total).
    - Stocks: Σ Quantité × Coût unitaire (Stock sheet).
    - Dettes fournisseurs: Σ Montant of Fournisseurs rows dated on or before the reference date
      without a Date de paiement, less the `Réalisé` Décaissements rows naming them
      (`payables_on`).
    - BFR = créances + stocks − dettes; BFR en jours = BFR / ventes facturées 12 mois × 365.
    - DSO = créances / ventes facturées 12 mois × 365 (`dso_days`).
    - DPO = dettes / achats 12 mois × 365 (supplier bills dated in the 12 months).
    - DIO = stocks / coût annuel des ventes × 365, where the annual cost of goods sold is
      Σ Ventes 90 jours × Coût unitaire × 365 / 90.
    - Deposit lever: 30 % × (open invoices not yet due + ongoing projects not yet invoiced).
    - Supplier-terms lever: (60 − average payment delay of the paid bills dated in the
      12 months) × achats 12 mois / 365, never negative.
    - Dormant-stock lever: stock value of the articles with no sale in 90 days.

    The 12 months are the days after the reference date minus one year, up to the reference
    date. A missing optional sheet counts as empty and adds a French note.
    """
    params = ledger.params
    ref = params.date_reference
    missing = {contract.normalize_label(name) for name in ledger.missing_sheets}
    stock_missing = contract.STOCK.key in missing
    suppliers_missing = contract.FOURNISSEURS.key in missing
    projects_missing = contract.PROJETS.key in missing
    raisons: dict[str, str] = {}

    # Receivables and sales.
    open_rows = open_invoices(positions, ref)
    creances = cents(float(open_rows["reste_du"].sum()))
    non_echu = cents(float(open_rows.loc[open_rows["jours_retard"] <= 0, "reste_du"].sum()))
    ventes = cents(float(positions.loc[_last_12_months(positions["date"], ref), "montant"].sum()))
    dso = dso_days(positions, ref)
    if dso is None:
        raisons["dso"] = "aucune facture émise sur les 12 derniers mois"

    # Stock.
    stock = ledger.stock
    values = _stock_values(stock)
    stocks = cents(float(values.sum()))
    sold_cost = float((stock["ventes_90j"].fillna(0.0) * stock["cout_unitaire"].fillna(0.0)).sum())
    cogs = cents(sold_cost * DAYS_PER_YEAR / DORMANT_DAYS)
    dormant = dormant_mask(stock, ref) & (values > 0)
    stock_dormant = cents(float(values[dormant].sum()))
    articles = tuple(str(name) for name in stock.loc[dormant, "article"])
    dio = None
    if sold_cost > 0:
        dio = whole_days(stocks * DORMANT_DAYS / sold_cost)  # = stocks / cogs × 365
    elif stock_missing:
        raisons["dio"] = f"feuille {quote('Stock')} absente"
    elif stock.empty:
        raisons["dio"] = f"aucun article dans la feuille {quote('Stock')}"
    else:
        raisons["dio"] = "aucune vente sur 90 jours dans la feuille " + quote("Stock")

    # Payables and purchases.
    bills = ledger.fournisseurs
    dettes = payables_on(ledger, ref)
    recent = _last_12_months(bills["date"], ref)
    achats = cents(float(bills.loc[recent, "montant"].sum()))
    dpo = None
    if achats > 0:
        dpo = whole_days(dettes / achats * DAYS_PER_YEAR)
    elif suppliers_missing:
        raisons["dpo"] = f"feuille {quote('Fournisseurs')} absente"
    else:
        raisons["dpo"] = "aucune facture fournisseur datée des 12 derniers mois"
    paid = bills.loc[recent & bills["date_paiement"].notna()]
    delai = None
    if not paid.empty:
        delai = whole_days(float((paid["date_paiement"] - paid["date"]).dt.days.mean()))

    bfr = cents(creances + stocks - dettes)
    bfr_jours = None
    if ventes > 0:
        bfr_jours = whole_days(bfr / ventes * DAYS_PER_YEAR)
    else:
        raisons["bfr_jours"] = "aucune facture émise sur les 12 derniers mois"

    projets = projects_to_invoice(ledger.projets, positions, ref)
    levers = (
        _deposit_lever(dso, creances, non_echu, projets, projects_missing),
        _supplier_lever(dpo, delai, achats, suppliers_missing),
        _dormant_lever(ref, dio, stock_dormant, articles, stock_missing),
    )
    notes = []
    if suppliers_missing:
        notes.append(
            f"Feuille {quote('Fournisseurs')} absente : dettes fournisseurs comptées à 0\u00a0€, "
            f"DPO et levier {quote('Payer plus tard')} non calculés. Ajoutez-la pour suivre "
            "vos factures fournisseurs."
        )
    if stock_missing:
        notes.append(
            f"Feuille {quote('Stock')} absente : stocks comptés à 0\u00a0€, DIO et levier "
            f"{quote('Stocker moins')} non calculés. Ajoutez-la si vous vendez des marchandises."
        )
    if projects_missing:
        notes.append(
            f"Feuille {quote('Projets')} absente : l'acompte est calculé sur les seules "
            "factures non échues."
        )
    return WorkingCapital(
        date_reference=ref,
        creances=creances,
        stocks=stocks,
        dettes=dettes,
        bfr=bfr,
        ventes_12m=ventes,
        achats_12m=achats,
        cout_ventes_annuel=cogs,
        bfr_jours=bfr_jours,
        dso=dso,
        dpo=dpo,
        dio=dio,
        raisons=raisons,
        non_echu=non_echu,
        projets_a_facturer=projets,
        delai_fournisseurs=delai,
        stock_dormant=stock_dormant,
        articles_dormants=articles,
        levers=levers,
        notes=tuple(notes),
        feuilles_absentes=tuple(
            sheet.name
            for sheet in (contract.FOURNISSEURS, contract.STOCK, contract.PROJETS)
            if sheet.key in missing
        ),
    )


def _ratio_text(name: str, value: int | None) -> str:
    return f"{name} : {_days_word(value)}" if value is not None else f"{name} : non calculable"


def _deposit_lever(
    dso: int | None,
    creances: float,
    non_echu: float,
    projets: float,
    projects_missing: bool,
) -> Lever:
    base = cents(non_echu + projets)
    amount = cents(DEPOSIT_RATE * base)
    situation = f"{_ratio_text('DSO', dso)} ; créances clients : {euros(creances)}"
    situation += f", dont {euros(non_echu)} non échues"
    if projets:
        situation += f" ; projets en cours restant à facturer : {euros(projets)}"
    rate = percent(DEPOSIT_RATE, 0)
    if base:
        parts = f"factures non échues {euros(non_echu)}"
        if not projects_missing:
            parts += f" + projets en cours restant à facturer {euros(projets)}"
        calcul = (
            f"{rate} × ({parts}) = {euros(amount)}, encaissés à la commande plutôt qu'à l'échéance."
        )
    else:
        calcul = "Aucune facture non échue ni projet en cours : rien à avancer."
    return Lever(
        key=DEPOSIT,
        levier="Encaisser plus vite",
        action=(
            f"Demander un acompte de {rate} à la commande ; relancer à J+1, J+15 et J+30 ; "
            "joindre un lien de paiement à chaque facture."
        ),
        situation=situation,
        montant=amount,
        calcul=calcul,
    )


def _supplier_lever(
    dpo: int | None, delai: int | None, achats: float, suppliers_missing: bool
) -> Lever:
    target = SUPPLIER_TARGET_DAYS
    situation = _ratio_text("DPO", dpo)
    amount = 0.0
    if suppliers_missing:
        situation += f" ; feuille {quote('Fournisseurs')} absente"
        calcul = f"Non calculé : feuille {quote('Fournisseurs')} absente."
    elif delai is None:
        situation += " ; délai moyen de paiement actuel inconnu"
        calcul = (
            "Non calculé : aucune facture fournisseur datée des 12 derniers mois n'a de date "
            "de paiement."
        )
    elif delai >= target:
        situation += (
            f" ; délai moyen de paiement actuel : {_days_word(delai)}, "
            f"déjà à {target} jours ou plus"
        )
        calcul = f"Vos fournisseurs sont déjà payés à {target} jours ou plus : rien à gagner."
    else:
        daily = achats / DAYS_PER_YEAR
        amount = cents((target - delai) * daily)
        situation += f" ; délai moyen de paiement actuel : {_days_word(delai)}"
        calcul = (
            f"({target} − {delai}) jours × achats moyens par jour ({euros(achats)} ÷ "
            f"{DAYS_PER_YEAR} = {euros(cents(daily))}) = {euros(amount)} qui restent plus "
            "longtemps en caisse."
        )
    return Lever(
        key=SUPPLIER_TERMS,
        levier="Payer plus tard",
        action=(
            f"Négocier un paiement à {target} jours date de facture avec vos fournisseurs "
            "(plafond légal, C. com. L441-10)."
        ),
        situation=situation,
        montant=amount,
        calcul=calcul,
    )


def _dormant_lever(
    ref: dt.date,
    dio: int | None,
    stock_dormant: float,
    articles: tuple[str, ...],
    stock_missing: bool,
) -> Lever:
    situation = _ratio_text("DIO", dio)
    limit = ref - dt.timedelta(days=DORMANT_DAYS)
    if stock_missing:
        situation += f" ; feuille {quote('Stock')} absente"
        calcul = f"Non calculé : feuille {quote('Stock')} absente."
    else:
        count = len(articles)
        situation += (
            f" ; stock dormant : {euros(stock_dormant)} ({count} article{'s' if count > 1 else ''})"
        )
        calcul = (
            "Valeur (Quantité × Coût unitaire) des articles sans vente depuis plus de "
            f"{DORMANT_DAYS} jours (Dernière vente avant le {day(limit)} ou vide, ou Ventes "
            f"90 jours = 0) : {euros(stock_dormant)}"
        )
        if articles:
            shown = ", ".join(articles[:MAX_LISTED_ARTICLES])
            more = len(articles) - MAX_LISTED_ARTICLES
            if more > 0:
                shown += f" et {more} autre{'s' if more > 1 else ''}"
            calcul += f" ({shown})"
        calcul += "."
    return Lever(
        key=DORMANT_STOCK,
        levier="Stocker moins",
        action=(
            "Ne pas recommander (commander à nouveau) les articles dormants ; "
            "les écouler si possible."
        ),
        situation=situation,
        montant=stock_dormant if not stock_missing else 0.0,
        calcul=calcul,
    )


def financing_gap_levers(result: WorkingCapital) -> dict[str, float]:
    """Cash each lever frees, by key: deposit, supplier_terms, dormant_stock."""
    return {lever.key: lever.montant for lever in result.levers}
