"""The refresh job, shared by every front end: read the workbook, compute, lay out the tabs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from treso_xl.contract import TAB_RAPPROCHEMENT
from treso_xl.core.aging import Aging, aging, dso_days
from treso_xl.core.bfr import WorkingCapital, financing_gap_levers, working_capital
from treso_xl.core.cfe import cfe_findings, cfe_flows, cfe_years
from treso_xl.core.checks import ERREUR, Finding, run_checks, sort_findings
from treso_xl.core.dashboard import KeyFigures, key_figures
from treso_xl.core.financing import (
    FinancingNeed,
    StagedComparison,
    compare_staged_billing,
    financing_need,
)
from treso_xl.core.flows import (
    build_flows,
    combine,
    known_flows,
)
from treso_xl.core.habits import client_habits, delays_by_payment_method
from treso_xl.core.invoices import invoice_payments, invoice_positions
from treso_xl.core.payables import bill_findings
from treso_xl.core.plan import CashPlan, build_plan, horizon_end
from treso_xl.core.projects import project_stages, stage_flows
from treso_xl.core.reconcile import Reconciliation, bank_findings, reconcile
from treso_xl.core.records import Ledger
from treso_xl.core.reminders import Reminder, reminders
from treso_xl.core.spending import SpendingReview, spending_review
from treso_xl.core.stock_review import StockReview, stock_findings, stock_review
from treso_xl.core.thresholds import (
    ledger_thresholds,
    threshold_findings,
    year_to_date_turnover,
)
from treso_xl.core.urssaf import UrssafSchedule, estimated_flows, next_payment, urssaf_schedule
from treso_xl.core.vat import vat_flows, vat_schedule
from treso_xl.gc_pause import paused_gc
from treso_xl.layout.balance_agee import balance_agee_layout
from treso_xl.layout.bfr import bfr_layout
from treso_xl.layout.controles import controles_layout
from treso_xl.layout.courriers import courriers_layout
from treso_xl.layout.depenses import depenses_layout
from treso_xl.layout.financement import add_financing_sections
from treso_xl.layout.model import SheetLayout
from treso_xl.layout.page import set_footers
from treso_xl.layout.previsionnel import previsionnel_layout
from treso_xl.layout.rapprochement import rapprochement_layout
from treso_xl.layout.relances import relances_layout
from treso_xl.layout.tableau_de_bord import tableau_de_bord_layout
from treso_xl.layout.urssaf import urssaf_layout
from treso_xl.progress import phase
from treso_xl.rules.lookup import rule_or_none


@dataclass(frozen=True)
class Report:
    """Everything computed from one ledger, and the generated tabs describing it."""

    ledger: Ledger
    plan: CashPlan
    positions: pd.DataFrame
    aging: Aging
    dso: int | None
    working_capital: WorkingCapital
    urssaf: UrssafSchedule
    financing: FinancingNeed
    staged_billing: list[StagedComparison]
    spending: SpendingReview
    stock: StockReview
    reminders: list[Reminder]
    habits: pd.DataFrame
    findings: list[Finding]
    layouts: list[SheetLayout]
    figures: KeyFigures  # the dashboard's figures (the batch summary's too)
    bank: Reconciliation | None = None  # the Banque lines' reconciliation (None: no lines)


def _rate_note(items: list[Reminder], ledger: Ledger) -> str:
    if ledger.params.taux_penalites is not None:
        return "Taux : celui de la feuille Paramètres."
    entry = rule_or_none("taux_penalites", ledger.params.date_reference)
    if entry is None:
        return "Taux légal inconnu à cette date : indiquez « Taux de pénalités » dans Paramètres."
    note = "Taux par défaut : taux BCE du semestre + 10 points."
    if entry.uncertain or any(i.taux_incertain for i in items):
        note += " " + entry.note
    return note


def _reminder_findings(items: list[Reminder]) -> list[Finding]:
    return [
        Finding(
            ERREUR,
            "Factures",
            i.ligne,
            i.erreur_taux,
            "Sans taux, les pénalités de cette facture ne sont pas calculées.",
            "taux_penalites_inconnu",
        )
        for i in items
        if i.erreur_taux
    ]


@paused_gc()
def compute(ledger: Ledger, tabs_present: Collection[str] = ()) -> Report:
    """Run the engine on a validated ledger and lay out every generated tab.

    `tabs_present`: the tool's tabs the workbook already holds. A Rapprochement tab written
    earlier is rewritten (saying there is no bank line) when Banque has been emptied or removed,
    so that a stale reconciliation never stays in the workbook.

    The bank lines are reconciled first (`core.reconcile`): the engine then works on the
    reconciled ledger, where they are realised rows (`Report.ledger`); the spending review keeps
    the rows as typed (a split recurrence would read as one-off charges).
    """
    bank = reconcile(ledger)
    typed, ledger = ledger, bank.ledger
    params = ledger.params
    phase("Calcul du plan de trésorerie")
    payments = invoice_payments(ledger.factures, ledger.encaissements)
    positions = invoice_positions(ledger.factures, ledger.encaissements, payments)
    end = horizon_end(params.date_solde, params.horizon)
    known = known_flows(ledger, end, payments)
    stages, stage_findings = project_stages(ledger.projets, ledger.factures, params.date_reference)
    staged = stage_flows(stages)
    receipts = combine(build_flows(ledger, end, positions, known=known), staged)  # contractual
    vat = vat_schedule(ledger, receipts, end)
    urssaf = urssaf_schedule(ledger, receipts, end, (vat.debut, vat.taux) if vat else None)
    cfe = cfe_years(ledger, receipts, end)
    plan = build_plan(
        ledger,
        combine(estimated_flows(urssaf), staged, cfe_flows(cfe), vat_flows(vat)),
        positions=positions,
        known=known,
    )
    phase("Relances et contrôles")
    aged = aging(positions, params.date_reference)
    dso = dso_days(positions, params.date_reference)
    habits = client_habits(positions)
    items = reminders(positions, params)
    by_method = delays_by_payment_method(positions)
    spending = spending_review(typed)
    stock = stock_review(ledger)
    findings = sort_findings(
        bank.findings
        + run_checks(ledger, positions)
        + bill_findings(ledger)
        + cfe_findings(cfe)
        + _reminder_findings(items)
        + urssaf.findings
        + (vat.findings if vat else [])
        + threshold_findings(ledger, receipts, end)
        + stage_findings
        + stock_findings(stock)
    )
    findings = sort_findings(bank_findings(findings))
    receivables = float(aged.total["Total"])
    capital = working_capital(ledger, positions)
    need = financing_need(plan, params.taux_credit, financing_gap_levers(capital))
    conditions = dict(zip(ledger.projets["ligne"], ledger.projets["conditions"], strict=True))
    comparisons = compare_staged_billing(plan, stages, conditions)
    figures = key_figures(
        plan,
        params.date_reference,
        receivables,
        dso,
        bfr=capital.bfr,
        next_urssaf=next_payment(urssaf, params.date_reference),
        ytd_turnover=year_to_date_turnover(receipts, params.date_reference),
        thresholds=ledger_thresholds(ledger, receipts, end),
    )
    phase("Mise en page des onglets")
    bfr_tab = bfr_layout(capital, params.date_reference)
    letters_tab, letters = courriers_layout(items, params.date_reference)
    add_financing_sections(bfr_tab, bfr_tab.max_row + 2, need, comparisons)
    layouts = [
        tableau_de_bord_layout(figures, plan, aged, params.entreprise, need),
        previsionnel_layout(
            plan,
            params.entreprise,
            params.date_reference,
            bank.opening.date if bank.opening else None,
        ),
        bfr_tab,
        depenses_layout(spending, stock, params.date_reference),
        balance_agee_layout(aged, params.date_reference, dso),
        relances_layout(
            items, habits, by_method, params.date_reference, _rate_note(items, ledger), letters
        ),
        letters_tab,
        urssaf_layout(urssaf, params),
        controles_layout(findings, params.date_reference),
    ]
    if bank.decisions or TAB_RAPPROCHEMENT in tabs_present:
        layouts.append(rapprochement_layout(bank, params.date_reference))
    set_footers(layouts, params.entreprise, dt.date.today())
    return Report(
        ledger=ledger,
        plan=plan,
        positions=positions,
        aging=aged,
        dso=dso,
        working_capital=capital,
        urssaf=urssaf,
        financing=need,
        staged_billing=comparisons,
        spending=spending,
        stock=stock,
        reminders=items,
        habits=habits,
        findings=findings,
        layouts=layouts,
        bank=bank if bank.decisions else None,
        figures=figures,
    )


def _tool_tabs(source: Path) -> list[str]:
    """The tool's tabs in the workbook file (none when it is not a package it can write into)."""
    from treso_xl.errors import FileError
    from treso_xl.render.files import XLSX, workbook_format
    from treso_xl.render.package import generated_tab_names

    if workbook_format(source) != XLSX:
        return []
    try:
        return generated_tab_names(source.read_bytes())
    except (OSError, FileError):
        return []


@paused_gc()
def read(path: Path, today: dt.date | None = None) -> Ledger:
    """Read and validate a workbook (raises the reader's InputError with every problem)."""
    from treso_xl.reading.workbook import read_ledger

    phase("Lecture du classeur")
    return read_ledger(path, today=today)


@paused_gc()
def refresh_file(
    source: Path,
    output: Path | None = None,
    today: dt.date | None = None,
    replace: Collection[str] = (),
) -> tuple[Report, Path]:
    """Refresh a workbook file: generated tabs replaced, everything else kept byte for byte.

    A file the tool cannot write into (.xls, .xlsb, .ods) is refused in place before anything is
    read; `output` ending in .xlsx then gets a values copy of it with the tabs (see write_tabs).
    `replace`: exact names of the user's sheets confirmed to be tabs of an older version.
    """
    from treso_xl.render.files import check_target, write_tabs

    check_target(source, output)
    report = compute(read(source, today), _tool_tabs(source))
    phase("Écriture du classeur")
    written = write_tabs(source, report.layouts, output, replace)
    return report, written
