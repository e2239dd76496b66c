"""The refresh job, shared by every front end: read the workbook, compute, lay out the tabs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from treso_xl.core.plan import CashPlan, build_plan
from treso_xl.core.records import Ledger
from treso_xl.layout.model import SheetLayout
from treso_xl.layout.previsionnel import previsionnel_layout


@dataclass(frozen=True)
class Report:
    """Everything computed from one ledger, and the generated tabs describing it."""

    ledger: Ledger
    plan: CashPlan
    layouts: list[SheetLayout]


def compute(ledger: Ledger) -> Report:
    """Run the engine on a validated ledger and lay out every generated tab."""
    plan = build_plan(ledger)
    params = ledger.params
    layouts = [previsionnel_layout(plan, params.entreprise, params.date_reference)]
    return Report(ledger=ledger, plan=plan, layouts=layouts)


def read(path: Path, today: dt.date | None = None) -> Ledger:
    """Read and validate a workbook (raises the reader's InputError with every problem)."""
    from treso_xl.reading.workbook import read_ledger

    return read_ledger(path, today=today)


def refresh_file(
    source: Path, output: Path | None = None, today: dt.date | None = None
) -> tuple[Report, Path]:
    """Refresh a workbook file: generated tabs replaced, everything else kept byte for byte."""
    from treso_xl.render.files import write_tabs

    report = compute(read(source, today))
    written = write_tabs(source, report.layouts, output)
    return report, written
