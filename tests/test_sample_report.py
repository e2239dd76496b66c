"""The bundled sample, computed: overdue invoices in Relances, deliberate mistakes in Contrôles."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from builders.sample_data import mistake_rows
from treso_xl import contract
from treso_xl.core.aging import BUCKETS
from treso_xl.layout.balance_agee import HEADERS as AGING_HEADERS
from treso_xl.layout.relances import HEADERS as RELANCES_HEADERS
from treso_xl.refresh import compute, read
from treso_xl.workbooks import sample_path


@pytest.fixture(scope="module")
def report():
    return compute(read(sample_path()))


def _layout(report, name):
    return next(layout for layout in report.layouts if layout.name == name)


def test_seriously_overdue_invoices_are_at_formal_notice(report):
    ref = report.ledger.params.date_reference
    positions = report.positions
    unpaid = positions.loc[positions["reste_du"] > 0]
    days_late = (pd.Timestamp(ref) - unpaid["echeance_calculee"]).dt.days
    serious = unpaid.loc[(days_late > 60) & (unpaid["date"] <= pd.Timestamp(ref))]
    assert len(serious) == 2
    by_number = {r.facture: r for r in report.reminders}
    for number in serious["facture"]:
        reminder = by_number[number]
        assert reminder.niveau == "J+30"
        assert reminder.texte.subject.startswith("Mise en demeure")
        if reminder.type_client == "Professionnel":
            assert reminder.indemnite == 40.0 and reminder.penalites > 0
        else:
            assert reminder.indemnite == 0.0 and reminder.penalites == 0.0


def test_every_deliberate_mistake_is_in_controles(report):
    found = {(f.feuille, f.ligne) for f in report.findings}
    for sheet, row, what in mistake_rows():
        assert (sheet, row) in found, f"{sheet} ligne {row} ({what}) absent de Contrôles"


def test_generated_tabs_carry_the_fixed_labels(report):
    names = [layout.name for layout in report.layouts]
    for tab in (
        contract.TAB_PREVISIONNEL,
        contract.TAB_BALANCE_AGEE,
        contract.TAB_RELANCES,
        contract.TAB_CONTROLES,
    ):
        assert tab in names
    aging_tab = _layout(report, contract.TAB_BALANCE_AGEE)
    header_row = next(r for (r, c), cell in aging_tab.cells.items() if cell.value == "Client")
    assert (
        [aging_tab.value(header_row, c) for c in range(1, 8)]
        == ["Client", *BUCKETS, "Total"]
        == list(AGING_HEADERS[:7])
    )
    last = aging_tab.max_row
    assert aging_tab.value(last, 1) == "Total"
    assert aging_tab.value(last, 7) == pytest.approx(report.aging.total["Total"])
    relances_tab = _layout(report, contract.TAB_RELANCES)
    header_row = next(
        r for (r, c), cell in relances_tab.cells.items() if cell.value == "N° facture"
    )
    headers = [relances_tab.value(header_row, c) for c in range(1, len(RELANCES_HEADERS) + 1)]
    for label in (
        "N° facture",
        "Client",
        "Échéance",
        "Reste dû",
        "Jours de retard",
        "Niveau",
        "Prochaine action",
        "Pénalités",
        "Indemnité forfaitaire",
        "Texte",
    ):
        assert label in headers
    levels = [
        relances_tab.value(header_row + 1 + i, headers.index("Niveau") + 1)
        for i in range(len(report.reminders))
    ]
    assert levels == [r.niveau for r in report.reminders]


def test_prevu_plan_has_predicted_row_and_memo(report):
    tab = _layout(report, contract.TAB_PREVISIONNEL)
    labels = {cell.value for (r, c), cell in tab.cells.items() if c == 1}
    for label in (
        contract.LABEL_OPENING,
        contract.LABEL_TOTAL_IN,
        contract.LABEL_TOTAL_OUT,
        contract.LABEL_NET,
        contract.LABEL_CLOSING,
        contract.LABEL_LOW,
        contract.LABEL_OVERDUE_MEMO,
    ):
        assert label in labels
    assert report.plan.overdue_memo.sum() == pytest.approx(
        report.aging.total[list(BUCKETS[1:])].sum()
    )


def test_sample_dips_under_threshold_in_january_2027_only(report):
    plan = report.plan
    assert [m for m in plan.months if plan.below[m]] == [dt.date(2027, 1, 1)]
    # URSSAF estimates flow into the plan on their deadlines
    assert "Cotisations URSSAF (estimées)" in plan.disbursements.index
