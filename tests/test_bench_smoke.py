"""Smoke test of benchmarks/bench_refresh.py: its generated workbook refreshes (no timing)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from python_calamine import CalamineWorkbook

from treso_xl.contract import TAB_PREVISIONNEL
from treso_xl.refresh import refresh_file

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_refresh.py"


def _bench_module():
    spec = importlib.util.spec_from_file_location("bench_refresh", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_generated_workbook_refreshes(tmp_path: Path) -> None:
    bench = _bench_module()
    source = bench.generate_workbook(200, tmp_path)
    report, written = refresh_file(source, tmp_path / "rafraichi.xlsx")

    ledger = report.ledger
    assert (len(ledger.factures), len(ledger.encaissements), len(ledger.decaissements)) == (
        bench.split_rows(200)
    )
    assert (ledger.decaissements["recurrence"] != "Aucune").any()
    book = CalamineWorkbook.from_path(str(written))
    assert TAB_PREVISIONNEL in book.sheet_names
    assert book.get_sheet_by_name(TAB_PREVISIONNEL).to_python()


def test_constats_shape_has_many_same_findings(tmp_path: Path) -> None:
    bench = _bench_module()
    flux, _ = refresh_file(bench.generate_workbook(400, tmp_path), tmp_path / "a.xlsx")
    source = bench.generate_workbook(400, tmp_path, shape=bench.CONSTATS)
    assert source.name == "constats_400.xlsx"
    constats, _ = refresh_file(source, tmp_path / "b.xlsx")
    assert len(constats.findings) > 5 * max(1, len(flux.findings))
    assert len(constats.plan.overdue) > len(flux.plan.overdue)
