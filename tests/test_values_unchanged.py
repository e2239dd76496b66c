"""Every generated cell keeps its value across the speed work (baseline: commit fb32ca2)."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BASELINE = Path(__file__).parent / "data" / "values_baseline"
# Contrôles, Dépenses, Relances and Courriers are reshaped on purpose this round (grouped
# findings, aggregated spending, a work list); Rapprochement is new. Every other tab must
# hold the same values in the same cells. Neither workbook has a Banque sheet, so the
# Prévisionnel header has no bank sentence either.
COMPARED = ("Tableau de bord", "Prévisionnel", "BFR", "Balance âgée", "URSSAF")


def _script():
    path = ROOT / "scripts" / "values_baseline.py"
    spec = importlib.util.spec_from_file_location("values_baseline", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


values_baseline = _script()


def _same(a: list[object], b: list[object]) -> bool:
    """Two [row, column, type, value] cells alike (numbers to a millionth of a cent)."""
    if a[:3] != b[:3]:
        return False
    if a[2] == "n":
        return math.isclose(a[3], b[3], rel_tol=1e-12, abs_tol=1e-6)
    return a[3] == b[3]


def differences(before: list[list[object]], after: list[list[object]]) -> list[str]:
    """The cells whose value, type or presence changed, as readable lines."""
    old = {(c[0], c[1]): c for c in before}
    new = {(c[0], c[1]): c for c in after}
    lines = []
    for key in sorted(old.keys() | new.keys()):
        a, b = old.get(key), new.get(key)
        if a is None or b is None or not _same(a, b):
            where = f"row {key[0] + 1}, column {key[1] + 1}"
            lines.append(f"{where}: {a and a[2:]} -> {b and b[2:]}")
    return lines


def test_differences_sees_a_changed_cell() -> None:
    before = [[0, 0, "s", "Solde"], [0, 1, "n", 100.0], [1, 1, "d", "2026-06-15"]]
    assert differences(before, before) == []
    assert differences(before, [[0, 0, "s", "Solde"], [0, 1, "n", 100.01], before[2]])
    assert differences(before, [before[0], before[1], [1, 1, "n", 46188.0]])  # date as a number
    assert differences(before, before[:2])  # a cell gone


def _check(name: str, source: Path, tmp_path: Path) -> None:
    baseline = values_baseline.read(BASELINE / f"{name}.json.gz")
    now = values_baseline.refreshed_snapshot(source, tmp_path)
    assert now["source_inputs"] == baseline["source_inputs"], f"the {name} input itself changed"
    failures = []
    for tab in COMPARED:
        assert tab in now["tabs"], f"{tab} missing from the refreshed {name}"
        changed = differences(baseline["tabs"][tab], now["tabs"][tab])
        if changed:
            failures.append(f"{tab}: {len(changed)} cells differ, first: " + "; ".join(changed[:5]))
    assert not failures, "\n".join(failures)


def test_sample_values_unchanged(tmp_path: Path) -> None:
    from treso_xl.workbooks import sample_path

    _check("sample", sample_path(), tmp_path)


@pytest.mark.slow
def test_large_workbook_values_unchanged(tmp_path: Path) -> None:
    _check("large", values_baseline.large_workbook(tmp_path), tmp_path)
