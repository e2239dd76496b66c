"""Projects billed in stages (Projets sheet): the stages still to invoice as expected receipts."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from treso_xl import contract
from treso_xl.contract import normalize_label, normalize_series
from treso_xl.core.checks import AVERTISSEMENT, Finding
from treso_xl.core.flows import FLOW_COLUMNS, IN
from treso_xl.core.terms import parse_terms
from treso_xl.french import quote

CATEGORY = "Projets (étapes à facturer)"
_SHARES = re.compile(r"^\s*\d+(?:[.,]\d+)?\s*(?:%\s*)?(?:[/;\-+]\s*\d+(?:[.,]\d+)?\s*%?\s*)*$")


@dataclass(frozen=True)
class Stage:
    """One billing stage of a project."""

    projet: str
    client: str
    numero: int  # 1-based
    part: float  # share of the total, 0.3 for 30 %
    montant: float
    date_facture: dt.date  # when the stage is billed
    date_attendue: dt.date  # when its money is expected (terms applied)
    facturee: bool  # an invoice naming the project exists for this stage
    ligne: int


def parse_schedule(text: object) -> list[float] | None:
    """« 30/40/30 » -> [0.3, 0.4, 0.3]; empty -> [1.0] (all at delivery); None when unreadable
    or when the shares do not add up to 100."""
    raw = "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text)
    if not raw.strip():
        return [1.0]
    if not _SHARES.match(raw):
        return None
    numbers = [float(n.replace(",", ".")) for n in re.findall(r"\d+(?:[.,]\d+)?", raw)]
    if abs(sum(numbers) - 100) > 0.01 or any(n <= 0 for n in numbers):
        return None
    return [n / 100 for n in numbers]


def stage_dates(start: dt.date, delivery: dt.date, count: int) -> list[dt.date]:
    """Billing dates of `count` stages spread evenly from start to delivery (one: delivery)."""
    if count == 1:
        return [delivery]
    span = (delivery - start).days
    return [start + dt.timedelta(days=round(span * i / (count - 1))) for i in range(count)]


def _invoices_naming(projet: str, labels: pd.Series, numbers: pd.Series) -> int:
    key = normalize_label(projet)
    if not key:
        return 0
    return int(
        (labels.str.contains(key, regex=False) | numbers.str.contains(key, regex=False)).sum()
    )


def project_stages(
    ledger_projets: pd.DataFrame, factures: pd.DataFrame, date_reference: dt.date
) -> tuple[list[Stage], list[Finding]]:
    """Every stage of every project, and findings for unreadable schedules.

    The stages already invoiced are the first ones, as many as there are invoices whose Libellé or
    N° facture names the project. A stage not invoiced whose billing date has passed is expected
    as if billed on the reference date.
    """
    stages: list[Stage] = []
    findings: list[Finding] = []
    if ledger_projets.empty:
        return stages, findings
    labels = normalize_series(factures["libelle"])
    numbers = normalize_series(factures["facture"])
    for row in ledger_projets.itertuples(index=False):
        shares = parse_schedule(row.echeancier)
        if shares is None:
            findings.append(
                Finding(
                    AVERTISSEMENT,
                    contract.PROJETS.name,
                    int(row.ligne),
                    f"Échéancier {quote(row.echeancier)} du projet {quote(row.projet)} "
                    "illisible ou dont les parts ne font pas 100 %.",
                    "Écrivez les parts facturées au début, en cours et à la livraison, par exemple "
                    "30/40/30 ; le projet est compté en une facture à la livraison.",
                    "projet_echeancier",
                )
            )
            shares = [1.0]
        start, delivery = row.debut.date(), row.livraison.date()
        if delivery < start:
            start, delivery = delivery, start
        terms = parse_terms(row.conditions)
        invoiced = _invoices_naming(str(row.projet), labels, numbers)
        total = float(row.montant_total)
        amounts = [round(total * share, 2) for share in shares]
        amounts[-1] = round(total - sum(amounts[:-1]), 2)  # cents land on the last stage
        for i, (share, amount, billed) in enumerate(
            zip(shares, amounts, stage_dates(start, delivery, len(shares)), strict=True)
        ):
            bill_on = billed if i < invoiced else max(billed, date_reference)
            stages.append(
                Stage(
                    projet=str(row.projet),
                    client=str(row.client),
                    numero=i + 1,
                    part=share,
                    montant=amount,
                    date_facture=bill_on,
                    date_attendue=terms.due_date(bill_on),
                    facturee=i < invoiced,
                    ligne=int(row.ligne),
                )
            )
    return stages, findings


def stage_flows(stages: list[Stage]) -> pd.DataFrame:
    """The stages not invoiced yet as expected receipts, in the flows' shape."""
    rows = [
        {
            "date": pd.Timestamp(s.date_attendue),
            "montant": s.montant,
            "sens": IN,
            "categorie": CATEGORY,
            "libelle": f"{s.projet} — étape {s.numero} ({round(s.part * 100)} %)",
            "tiers": s.client,
            "statut": "Prévu",
            "source": contract.PROJETS.name,
            "ligne": s.ligne,
            "facture": "",
        }
        for s in stages
        if not s.facturee
    ]
    if not rows:
        return pd.DataFrame(columns=FLOW_COLUMNS).astype(
            {"date": "datetime64[ns]", "montant": "float64"}
        )
    return pd.DataFrame(rows, columns=FLOW_COLUMNS)
