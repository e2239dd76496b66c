"""Calls of the Excel path on the stand-in: a bounded number, the same for 10× the data rows."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from treso_xl.workbooks import sample_path

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_excel_calls.py"


def _bench_module():
    spec = importlib.util.spec_from_file_location("bench_excel_calls", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench():
    return _bench_module()


@pytest.fixture(scope="module")
def scaled(bench, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("x10")
    return bench.scale_workbook(sample_path(), 10, folder / "exemple_x10.xlsx")


def test_the_scaled_workbook_has_ten_times_the_rows(bench, scaled) -> None:
    assert bench.data_rows(scaled) == 10 * bench.data_rows(sample_path())


@pytest.mark.parametrize("engine", ["Windows", "macOS"])
@pytest.mark.parametrize("macro", ["actualiser", "verifier", "relances"])
def test_calls_do_not_grow_with_the_rows(bench, scaled, macro, engine, tmp_path) -> None:
    small, _, _ = bench.count(sample_path(), macro, tmp_path / "a", engine)
    large, _, _ = bench.count(scaled, macro, tmp_path / "b", engine)
    ratio = sum(large.values()) / sum(small.values())
    assert abs(ratio - 1) <= bench.MAX_GROWTH, (sum(small.values()), sum(large.values()))
    # one bulk read per contract sheet, one bulk write per tab, whatever the rows
    assert large["Range.value"] == small["Range.value"] <= 7
    assert large["Range.value="] == small["Range.value="]


def test_a_refresh_stays_within_its_budget(bench, tmp_path) -> None:
    calls, internal, _ = bench.count(sample_path(), "actualiser", tmp_path)
    assert sum(calls.values()) <= bench.budget(sample_path())
    assert sum(internal.values()) < sum(calls.values()) / 5


def test_several_areas_save_calls_on_windows(bench, tmp_path) -> None:
    windows, _, _ = bench.count(sample_path(), "actualiser", tmp_path / "w", "Windows")
    macos, _, _ = bench.count(sample_path(), "actualiser", tmp_path / "m", "macOS")
    assert sum(windows.values()) < 0.7 * sum(macos.values())
    # the same formats are written, through fewer ranges: every kind of format is still there
    assert {k for k in windows if k.endswith("=")} == {k for k in macos if k.endswith("=")}
