"""Stock review at the reference date: reorder points, stock above or below them, dormant items."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from treso_xl import contract
from treso_xl.core.bfr import dormant_mask
from treso_xl.core.checks import CONSEIL, ERREUR, Finding
from treso_xl.core.money import cents
from treso_xl.core.records import Ledger
from treso_xl.french import euros, quote

SALES_DAYS = 90  # Ventes 90 jours covers this many days
LEAD_TIME_COLUMN = contract.STOCK.column("Délai fournisseur (jours)").name
SALES_COLUMN = contract.STOCK.column("Ventes 90 jours").name
_EPSILON = 1e-9  # 30 / 90 × 9 is 3.0000000000000004: not 4 units once rounded up
# A stock line worth more than this is a typing error in a micro-enterprise (whose yearly sales
# are capped some fifty times lower), such as a bar code pasted into Quantité: flagged as an error.
MAX_LINE_VALUE = 10_000_000.0
MAX_UNITS = 1e15  # reorder points are capped here (beyond, no integer type holds them)


@dataclass(frozen=True)
class StockLine:
    """One article of the Stock sheet against its reorder point.

    The reorder point is the stock that covers the sales expected during the supplier's lead
    time: Ventes 90 jours ÷ 90 × Délai fournisseur (jours), rounded up to a whole unit. It is
    None when the lead time is empty, and so are the figures that depend on it.
    """

    article: str
    ligne: int
    quantite: float
    cout_unitaire: float
    valeur: float  # Quantité × Coût unitaire
    derniere_vente: dt.date | None
    ventes_90j: float  # empty counts as 0
    ventes_jour: float  # Ventes 90 jours ÷ 90
    delai: int | None  # Délai fournisseur (jours)
    point_commande: int | None  # units
    ecart: float | None  # Quantité − point de commande (negative: below it)
    valeur_au_dessus: float | None  # max(écart, 0) × Coût unitaire: cash sleeping on the shelf
    valeur_en_dessous: float | None  # max(−écart, 0) × Coût unitaire: sales at risk to reorder
    dormant: bool  # no sale in 90 days (same rule as the BFR tab)


@dataclass(frozen=True)
class StockReview:
    """The stock part of the Dépenses tab at `date_reference` (euros rounded to the cent)."""

    date_reference: dt.date
    lignes: tuple[StockLine, ...]  # in the order of the Stock sheet
    valeur_stock: float
    total_au_dessus: float
    total_en_dessous: float
    valeur_dormante: float
    articles_sous_le_point: int
    articles_dormants: int
    sans_delai: tuple[int, ...]  # Stock rows without a lead time
    feuille_absente: bool = False
    notes: tuple[str, ...] = field(default=())


def reorder_points(stock: pd.DataFrame) -> pd.Series:
    """Ventes 90 jours ÷ 90 × Délai fournisseur (jours), rounded up (nullable Int64, NA without
    a lead time; empty sales count as 0)."""
    sales = stock["ventes_90j"].astype("float64").fillna(0.0).clip(lower=0.0)
    lead = pd.array(stock["delai_fournisseur"], dtype="Float64").to_numpy(
        dtype="float64", na_value=np.nan
    )
    units = np.ceil(sales.to_numpy() * lead / SALES_DAYS - _EPSILON)
    # A typing error (a code pasted into a column) can give more units than an integer holds:
    # capped, and flagged by stock_findings.
    units = np.minimum(units, MAX_UNITS)
    return pd.Series(units, index=stock.index).clip(lower=0.0).astype("Int64")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


def stock_review(ledger: Ledger) -> StockReview:
    """Each article's reorder point, the stock above it (money sleeping on the shelf) or below
    it (sales at risk), and the articles with no sale in 90 days, at Params.date_reference.

    A missing Stock sheet, or articles without `Délai fournisseur (jours)`, give a French note
    instead of figures.
    """
    ref = ledger.params.date_reference
    missing = {contract.normalize_label(name) for name in ledger.missing_sheets}
    stock = ledger.stock.reset_index(drop=True)
    if contract.STOCK.key in missing:
        return StockReview(
            date_reference=ref,
            lignes=(),
            valeur_stock=0.0,
            total_au_dessus=0.0,
            total_en_dessous=0.0,
            valeur_dormante=0.0,
            articles_sous_le_point=0,
            articles_dormants=0,
            sans_delai=(),
            feuille_absente=True,
            notes=(
                f"Feuille {quote(contract.STOCK.name)} absente : pas de point de commande. "
                "Ajoutez-la si vous vendez des marchandises.",
            ),
        )
    quantity = stock["quantite"].astype("float64").fillna(0.0)
    cost = stock["cout_unitaire"].astype("float64").fillna(0.0)
    sales = stock["ventes_90j"].astype("float64").fillna(0.0)
    value = quantity * cost
    point = reorder_points(stock)
    known = point.notna().to_numpy()
    gap = quantity - pd.Series(point.to_numpy(dtype="float64", na_value=np.nan), index=stock.index)
    above = gap.clip(lower=0.0) * cost
    below = (-gap).clip(lower=0.0) * cost
    dormant = dormant_mask(stock, ref).to_numpy(dtype=bool)
    lines = tuple(
        StockLine(
            article=str(article),
            ligne=int(ligne),
            quantite=float(q),
            cout_unitaire=float(c),
            valeur=cents(float(v)),
            derniere_vente=None if pd.isna(last) else pd.Timestamp(last).date(),
            ventes_90j=float(s),
            ventes_jour=float(s) / SALES_DAYS,
            delai=int(lead) if ok else None,
            point_commande=int(p) if ok else None,
            ecart=float(g) if ok else None,
            valeur_au_dessus=cents(float(a)) if ok else None,
            valeur_en_dessous=cents(float(b)) if ok else None,
            dormant=bool(d),
        )
        for article, ligne, q, c, v, last, s, lead, p, g, a, b, ok, d in zip(
            stock["article"],
            stock["ligne"],
            quantity,
            cost,
            value,
            stock["derniere_vente"],
            sales,
            stock["delai_fournisseur"],
            point,
            gap,
            above,
            below,
            known,
            dormant,
            strict=True,
        )
    )
    without = tuple(int(r) for r in stock.loc[~known, "ligne"])
    notes = []
    if stock.empty:
        notes.append(f"Aucun article dans la feuille {quote(contract.STOCK.name)}.")
    elif len(without) == len(stock):
        notes.append(
            f"Colonne {quote(LEAD_TIME_COLUMN)} vide ou absente de la feuille "
            f"{quote(contract.STOCK.name)} : points de commande non calculés. Indiquez pour "
            "chaque article le nombre de jours entre la commande et la livraison."
        )
    elif without:
        notes.append(
            f"{_plural(len(without), 'article')} sans {quote(LEAD_TIME_COLUMN)} : point de "
            "commande non calculé (" + _rows(without) + " de la feuille "
            f"{quote(contract.STOCK.name)})."
        )
    return StockReview(
        date_reference=ref,
        lignes=lines,
        valeur_stock=cents(float(value.sum())),
        total_au_dessus=cents(float(above[known].sum())),
        total_en_dessous=cents(float(below[known].sum())),
        valeur_dormante=cents(float(value[dormant].sum())),
        articles_sous_le_point=int((gap[known] < 0).sum()),
        articles_dormants=int(dormant.sum()),
        sans_delai=without,
        notes=tuple(notes),
    )


def _rows(rows: tuple[int, ...], limit: int = 10) -> str:
    """« ligne 3 », « lignes 3, 5 et 9 », « lignes 3, 5, … et 12 autres »."""
    if len(rows) == 1:
        return f"ligne {rows[0]}"
    if len(rows) > limit:
        shown = ", ".join(str(r) for r in rows[:limit])
        return f"lignes {shown} et {_plural(len(rows) - limit, 'autre')}"
    return "lignes " + ", ".join(str(r) for r in rows[:-1]) + f" et {rows[-1]}"


def implausible_lines(review: StockReview) -> list[Finding]:
    """An error per article whose value (Quantité × Coût unitaire) or reorder point is beyond
    any micro-enterprise's stock: a typing error that would make every stock figure false."""
    findings = []
    for line in review.lignes:
        huge_value = not abs(line.valeur) <= MAX_LINE_VALUE
        huge_point = line.point_commande is not None and line.point_commande >= MAX_UNITS
        if not (huge_value or huge_point):
            continue
        if huge_value:
            constat = (
                f"Valeur de stock invraisemblable pour l'article {quote(line.article)} : "
                f"{_number(line.quantite)} × {euros(line.cout_unitaire)} = "
                f"{euros(line.valeur)}."
            )
        else:
            constat = (
                f"Point de commande invraisemblable pour l'article {quote(line.article)} : "
                f"{quote(SALES_COLUMN)} {_number(line.ventes_90j)}, "
                f"{quote(LEAD_TIME_COLUMN)} {line.delai}."
            )
        findings.append(
            Finding(
                ERREUR,
                contract.STOCK.name,
                line.ligne,
                constat,
                "Vérifiez la quantité, le coût unitaire, les ventes et le délai de cette ligne "
                "(un code-barres ou une référence collé à la place d'un nombre ?) : les "
                "montants du stock, du BFR et des points de commande en dépendent.",
                "stock_invraisemblable",
            )
        )
    return findings


def _number(value: float) -> str:
    return euros(value).removesuffix("\u00a0€").removesuffix(",00")


def stock_findings(review: StockReview) -> list[Finding]:
    """Contrôles: an error per implausible article (see implausible_lines), advice per article
    without a lead time, or one for the whole sheet when no article has one (a sheet that does
    not use the column)."""
    if review.feuille_absente:
        return []
    errors = implausible_lines(review)
    if not review.sans_delai:
        return errors
    return errors + _lead_time_findings(review)


def _lead_time_findings(review: StockReview) -> list[Finding]:
    sheet = contract.STOCK.name
    advice = (
        "Indiquez le nombre de jours entre la commande au fournisseur et la livraison : "
        "l'onglet Dépenses en déduit quand recommander (point de commande)."
    )
    if len(review.sans_delai) == len(review.lignes):
        return [
            Finding(
                CONSEIL,
                sheet,
                None,
                f"Colonne {quote(LEAD_TIME_COLUMN)} vide : aucun point de commande calculé.",
                advice,
                "delai_fournisseur_absent",
            )
        ]
    by_row = {line.ligne: line.article for line in review.lignes}
    return [
        Finding(
            CONSEIL,
            sheet,
            ligne,
            f"{quote(LEAD_TIME_COLUMN)} vide pour l'article {quote(by_row[ligne])} : point de "
            "commande non calculé.",
            advice,
            "delai_fournisseur_absent",
        )
        for ligne in review.sans_delai
    ]
