"""The registers a micro-entrepreneur keeps (livre des recettes, registre des achats), pure."""

# Mentions (reference/regles-fr.md, "Registers a micro-entrepreneur keeps", checked against the
# usual French guides): the livre des recettes lists, in the order cash came in, the date, the
# client, the nature of the sale, the amount, the payment method and the invoice reference; a
# sales activity also keeps the registre des achats: date, supplier, amount, payment method and
# the reference of the supporting document. Both are built here from the ledger, the
# double-counting rule applied (`known_flows`).

from __future__ import annotations

import datetime as dt
from collections import defaultdict, deque
from dataclasses import dataclass

import pandas as pd

from treso_xl.contract import ACTIVITES, normalize_label
from treso_xl.core.calendar import add_months
from treso_xl.core.flows import IN, OUT, known_flows
from treso_xl.core.invoices import invoice_key
from treso_xl.core.money import cents
from treso_xl.core.payables import SOURCE_BILLS
from treso_xl.core.records import Ledger
from treso_xl.core.urssaf import is_turnover
from treso_xl.french import day

REALISE = "Réalisé"
SALES_ACTIVITY = ACTIVITES[0]  # "Vente de marchandises"

# Disbursement categories that are not purchases (taxes, social contributions, the owner's pay,
# loans and transfers), matched like headers; they stay out of the registre des achats.
NOT_PURCHASES: tuple[str, ...] = (
    "URSSAF",
    "Cotisations",
    "Impôts",
    "Impôt",
    "Taxes",
    "CFE",
    "Rémunération",
    "Prélèvement personnel",
    "Emprunt",
    "Remboursement d'emprunt",
    "Virement interne",
)
_NOT_PURCHASES = frozenset(normalize_label(c) for c in NOT_PURCHASES)

# Columns of the register frames (the tab headers are in `treso_xl.export.layouts`).
RECETTES_COLUMNS = ["date", "client", "nature", "montant", "mode", "reference", "origine"]
ACHATS_COLUMNS = [
    "date",
    "fournisseur",
    "nature",
    "categorie",
    "montant",
    "mode",
    "reference",
    "origine",
]


class PeriodError(ValueError):
    """The period asked for is not usable; the message is French."""


@dataclass(frozen=True)
class Period:
    """The days the registers cover, both ends included."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise PeriodError(
                f"la période commence le {day(self.start)}, après sa fin le {day(self.end)}."
            )

    @property
    def label(self) -> str:
        """« du 01/01/2026 au 20/11/2026 »."""
        return f"du {day(self.start)} au {day(self.end)}"

    def months(self) -> list[dt.date]:
        """First day of every month the period touches, in order."""
        first = self.start.replace(day=1)
        months = []
        while first <= self.end:
            months.append(first)
            first = add_months(first, 1)
        return months


def resolve_period(
    date_reference: dt.date, start: dt.date | None = None, end: dt.date | None = None
) -> Period:
    """The registers' period: by default from 1 January of the reference year to the reference
    date. The end may not pass the reference date: later cash is not collected yet."""
    end = end or date_reference
    if end > date_reference:
        raise PeriodError(
            f"la fin de la période ({day(end)}) est postérieure à la date de référence "
            f"({day(date_reference)}) : les encaissements après cette date ne sont pas encore "
            "réalisés."
        )
    start = start or dt.date(end.year, 1, 1)
    return Period(start, end)


def purchase_register_required(activite: str) -> bool:
    """A sales activity keeps a registre des achats too."""
    return normalize_label(activite) == normalize_label(SALES_ACTIVITY)


def _realised(flows: pd.DataFrame, sens: str, period: Period) -> pd.DataFrame:
    dates = pd.to_datetime(flows["date"])
    keep = (
        (flows["sens"] == sens)
        & (flows["statut"] == REALISE)
        & (dates >= pd.Timestamp(period.start))
        & (dates <= pd.Timestamp(period.end))
    )
    return flows.loc[keep]


def _origin(source: pd.Series, ligne: pd.Series) -> list[str]:
    return [f"{s}, ligne {int(n)}" for s, n in zip(source, ligne, strict=True)]


def livre_des_recettes(ledger: Ledger, period: Period) -> pd.DataFrame:
    """Receipts collected in `period`, in date order: invoice payments (from Factures, or the
    Encaissements rows naming the invoice) and `Réalisé` Encaissements without an invoice;
    not the receipts that are not turnover (Apport, Emprunt, Remboursement, …).

    Columns: date (Timestamp), client, nature, montant, mode (the Encaissements row's Mode de
    paiement, else the invoice's), reference (invoice number, else the row's Référence), origine
    (sheet, row).
    """
    flows = known_flows(ledger, period.end)
    receipts = _realised(flows, IN, period)
    receipts = receipts.loc[is_turnover(receipts["categorie"])]
    factures = ledger.factures
    modes: dict[str, str] = {}
    for key, mode in zip(invoice_key(factures["facture"]), factures["mode_paiement"], strict=True):
        if key:
            modes.setdefault(key, str(mode or ""))
    keys = invoice_key(receipts["facture"])
    row_mode, row_reference = _typed_columns(
        ledger.encaissements, "Encaissements", receipts["source"], receipts["ligne"]
    )
    invoice_modes = [modes.get(k, "") for k in keys]
    numbers = receipts["facture"].fillna("").astype(str)
    references = pd.Series(
        [n or r for n, r in zip(numbers, row_reference, strict=True)],
        index=receipts.index,
        dtype=object,
    )
    natures = [
        str(label) if str(label or "").strip() else (f"Facture {ref}" if ref else "")
        for label, ref in zip(receipts["libelle"], references, strict=True)
    ]
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(receipts["date"]).dt.normalize().to_numpy(),
            "client": receipts["tiers"].fillna("").astype(str).to_numpy(),
            "nature": natures,
            "montant": [cents(v) for v in receipts["montant"]],
            "mode": [m or i for m, i in zip(row_mode, invoice_modes, strict=True)],
            "reference": references.to_numpy(),
            "origine": _origin(receipts["source"], receipts["ligne"]),
        },
        columns=RECETTES_COLUMNS,
    )
    return _chronological(frame)


def registre_des_achats(ledger: Ledger, period: Period) -> pd.DataFrame:
    """Purchases paid in `period`, in date order: `Réalisé` Décaissements (recurrences expanded)
    whose Catégorie is not in `NOT_PURCHASES`, and the Fournisseurs bills paid in the period
    (once: see `payables.bill_flows`).

    `reference`: the row's Référence, else the bill its N° facture names, else the N° of the
    Fournisseurs bill with the same supplier, the same amount and a Date de paiement on the
    same day (each bill used once), else empty; for a bill, its N°. `mode`: the row's Mode de
    paiement; for a bill, the Mode de paiement of a Décaissements row naming it, else empty.
    """
    flows = known_flows(ledger, period.end)
    paid = _realised(flows, OUT, period)
    folded = paid["categorie"].fillna("").astype(str).map(normalize_label)
    paid = paid.loc[~folded.isin(_NOT_PURCHASES)]
    bills = _paid_bills(ledger.fournisseurs)
    row_mode, row_reference = _typed_columns(
        ledger.decaissements, "Décaissements", paid["source"], paid["ligne"]
    )
    bill_modes = _bill_modes(ledger)
    references, modes = [], []
    for when, supplier, amount, number, source, mode, typed in zip(
        paid["date"],
        paid["tiers"],
        paid["montant"],
        paid["facture"].fillna("").astype(str),
        paid["source"],
        row_mode,
        row_reference,
        strict=True,
    ):
        if source == SOURCE_BILLS:
            references.append(number)
            modes.append(bill_modes.get(normalize_label(number), ""))
            continue
        queue = bills.get(_bill_key(when, supplier, amount))
        matched = queue.popleft() if queue else ""
        references.append(typed or number or matched)
        modes.append(mode)
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(paid["date"]).dt.normalize().to_numpy(),
            "fournisseur": paid["tiers"].fillna("").astype(str).to_numpy(),
            "nature": paid["libelle"].fillna("").astype(str).to_numpy(),
            "categorie": paid["categorie"].fillna("").astype(str).to_numpy(),
            "montant": [cents(v) for v in paid["montant"]],
            "mode": modes,
            "reference": references,
            "origine": _origin(paid["source"], paid["ligne"]),
        },
        columns=ACHATS_COLUMNS,
    )
    return _chronological(frame)


def _typed_columns(
    frame: pd.DataFrame, sheet: str, sources: pd.Series, lignes: pd.Series
) -> tuple[list[str], list[str]]:
    """Mode de paiement and Référence typed on the `sheet` row of each flow ("" elsewhere)."""
    by_row: dict[int, tuple[str, str]] = {}
    if "mode_paiement" in frame and "reference" in frame:
        for ligne, mode, reference in zip(
            frame["ligne"], frame["mode_paiement"], frame["reference"], strict=True
        ):
            by_row[int(ligne)] = (_clean(mode), _clean(reference))
    modes, references = [], []
    for source, ligne in zip(sources, lignes, strict=True):
        typed = by_row.get(int(ligne), ("", "")) if source == sheet else ("", "")
        modes.append(typed[0])
        references.append(typed[1])
    return modes, references


def _clean(value: object) -> str:
    return (
        ""
        if value is None or (not isinstance(value, str) and pd.isna(value))
        else str(value).strip()
    )


def _bill_modes(ledger: Ledger) -> dict[str, str]:
    """Folded bill number -> the Mode de paiement of the first Décaissements row naming it."""
    dec = ledger.decaissements
    modes: dict[str, str] = {}
    if "facture" not in dec or "mode_paiement" not in dec:
        return modes
    for number, mode in zip(dec["facture"], dec["mode_paiement"], strict=True):
        key, text = normalize_label(_clean(number)), _clean(mode)
        if key and text:
            modes.setdefault(key, text)
    return modes


def _bill_key(when: object, supplier: object, amount: object) -> tuple[dt.date, str, int]:
    return (
        pd.Timestamp(when).date(),
        normalize_label(supplier),
        round(float(amount) * 100),
    )


def _paid_bills(fournisseurs: pd.DataFrame) -> dict[tuple[dt.date, str, int], deque[str]]:
    bills: dict[tuple[dt.date, str, int], deque[str]] = defaultdict(deque)
    paid = fournisseurs.loc[fournisseurs["date_paiement"].notna() & fournisseurs["montant"].notna()]
    for when, supplier, amount, number in zip(
        paid["date_paiement"], paid["fournisseur"], paid["montant"], paid["numero"], strict=True
    ):
        if str(number or "").strip():
            bills[_bill_key(when, supplier, amount)].append(str(number).strip())
    return bills


def _chronological(frame: pd.DataFrame) -> pd.DataFrame:
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
    frame["montant"] = frame["montant"].astype("float64")
    return frame.sort_values("date", kind="stable", ignore_index=True)


def monthly_totals(register: pd.DataFrame, period: Period) -> pd.Series:
    """The register's amounts summed by month (first day of the month), every month of the
    period listed, months without a line at 0."""
    months = period.months()
    if register.empty:
        return pd.Series([0.0] * len(months), index=months, dtype="float64")
    by_month = register.groupby(register["date"].dt.to_period("M"))["montant"].sum()
    values = [cents(float(by_month.get(pd.Period(m, freq="M"), 0.0))) for m in months]
    return pd.Series(values, index=months, dtype="float64")


def register_total(register: pd.DataFrame) -> float:
    """The register's amounts summed, to the cent."""
    return cents(float(register["montant"].sum())) if not register.empty else 0.0
