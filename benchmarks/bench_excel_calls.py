"""Calls the Excel macros make on the in-memory stand-in: the sample, then 10× its data rows.

Counted for both desktop engines of xlwings: Windows, where one range may hold several areas
("A1:B2,D4"), and macOS, where it may not, so formats go on one rectangle at a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from unittest import mock

import openpyxl

from treso_xl.excel import render_xlwings, ribbon
from treso_xl.workbooks import sample_path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the xlwings stand-in
import xlwings_standin as standin

SCALED_SHEETS = ("Encaissements", "Décaissements", "Factures")
INVOICE_COLUMN = {"Factures": 1, "Encaissements": 7}  # "N° facture", 1-based
CALLS_PER_TAB = 80  # budget of a full refresh on Windows: this many calls per generated tab
ENGINES = {"Windows": "win32", "macOS": "darwin"}  # engine -> the sys.platform it runs on
MAX_GROWTH = 0.05  # 10× the rows: same count within 5 %

# Which part of the work each member belongs to, for the breakdown.
GROUPS = (
    ("read", ("Sheet.used_range", "Range.address", "Range.value", "Range.raw_value")),
    ("values", ("Range.value=", "Range.raw_value=")),
    (
        "formats",
        (
            "Range.font",
            "Font.set",
            "Range.color=",
            "Range.number_format=",
            "Range.horizontal_alignment=",
            "Range.vertical_alignment=",
            "Range.wrap_text=",
            "Range.borders",
            "Borders.set",
        ),
    ),
    ("sizes", ("Range.column_width=", "Range.row_height=", "Range.merge", "RangeRows.autofit")),
    ("charts", ("Chart", "Charts", "ChartAxis", "ChartLegend", "ChartSeries")),
    ("ranges", ("Sheet.range",)),
    ("xlwings conversion", ("Range.sheet", "Sheet.book", "Book.app", "Range.resize")),
)


def scale_workbook(source: Path, factor: int, target: Path) -> Path:
    """A copy of `source` whose Encaissements, Décaissements and Factures hold `factor` times
    their data rows: every row repeated, invoice numbers suffixed so that they stay unique (and
    the receipts that pay an invoice still name it)."""
    book = openpyxl.load_workbook(source)
    for name in SCALED_SHEETS:
        sheet = book[name]
        rows = [
            list(row)
            for row in sheet.iter_rows(min_row=2, values_only=True)
            if any(value not in (None, "") for value in row)
        ]
        invoice = INVOICE_COLUMN.get(name)
        number = 2
        for copy in range(factor):
            for row in rows:
                values = list(row)
                if copy and invoice and values[invoice - 1]:
                    values[invoice - 1] = f"{values[invoice - 1]}-{copy}"
                for col, value in enumerate(values, start=1):
                    sheet.cell(row=number, column=col, value=value)
                number += 1
    book.save(target)
    return target


def data_rows(path: Path) -> int:
    """Rows with a value in the scaled sheets, headers excluded."""
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return sum(
            sum(1 for row in book[name].iter_rows(min_row=2, values_only=True) if any(row))
            for name in SCALED_SHEETS
        )
    finally:
        book.close()


def budget(path: Path) -> int:
    """The most calls a full refresh of `path` may make: CALLS_PER_TAB per generated tab."""
    from treso_xl.refresh import compute, read

    return CALLS_PER_TAB * len(compute(read(path)).layouts)


def count(
    path: Path, macro: str, folder: Path, engine: str = "Windows"
) -> tuple[Counter[str], Counter[str], float]:
    """Run one macro on a stand-in loaded with `path`: (calls, internal calls, seconds)."""
    platform_ = ENGINES[engine]
    book = standin.open_book(path, platform=platform_)
    started = time.perf_counter()
    with mock.patch.object(render_xlwings, "engine_platform", lambda: platform_):
        if macro == "relances":
            ribbon.relances(book, folder=folder)
        else:
            ribbon.MACROS[macro](book)
    elapsed = time.perf_counter() - started
    alerts = standin.alerts(book)
    if alerts and alerts[-1]["mode"] == "critical":
        raise RuntimeError(alerts[-1]["prompt"])
    return standin.call_counts(book), standin.internal_counts(book), elapsed


def group_of(member: str) -> str:
    for name, prefixes in GROUPS:
        for prefix in prefixes:
            if member == prefix or member.startswith(prefix + "."):
                return name
    return "other"


def breakdown(calls: Counter[str]) -> Counter[str]:
    out: Counter[str] = Counter()
    for member, n in calls.items():
        out[group_of(member)] += n
    return out


def per_tab(path: Path) -> list[tuple[str, dict[str, int]]]:
    """Calls to write each generated tab of `path`'s refresh into an empty sheet, per engine."""
    from treso_xl.refresh import compute, read

    rows = []
    for layout in compute(read(path)).layouts:
        counts = {}
        for engine, platform_ in ENGINES.items():
            book = standin.new_book({"Feuil1": [[None]]}, platform=platform_)
            sheet = book.sheets.add(layout.name)
            before = sum(standin.call_counts(book).values())
            render_xlwings.render_sheet(sheet, layout, several=platform_ != "darwin")
            counts[engine] = sum(standin.call_counts(book).values()) - before
        rows.append((layout.name, counts))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--factor", type=int, default=10, help="row multiplier (default 10)")
    args = parser.parse_args()

    print("treso-xl: calls of the Excel macros on the in-memory stand-in")
    print(f"  CPython {platform.python_version()} on {platform.system()}, {dt.date.today()}")
    print("  a call = one property read or write, or one method call, on xlwings' API;")
    print("  'xlwings' = the part made by xlwings' own conversion code, included in 'calls'\n")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sample = sample_path()
        scaled = scale_workbook(sample, args.factor, folder / f"exemple_x{args.factor}.xlsx")
        sizes = {path: data_rows(path) for path in (sample, scaled)}
        totals: dict[tuple[str, str, Path], int] = {}
        print(
            f"{'engine':<8} {'macro':<11} {'workbook':<13} {'rows':>5} {'calls':>6} "
            f"{'xlwings':>8} {'seconds':>8}  breakdown"
        )
        for engine in ENGINES:
            for macro in ("actualiser", "verifier", "relances"):
                for path in (sample, scaled):
                    calls, internal, seconds = count(path, macro, folder / macro, engine)
                    total = sum(calls.values())
                    totals[(engine, macro, path)] = total
                    detail = ", ".join(f"{k} {v}" for k, v in breakdown(calls).most_common())
                    label = "sample" if path == sample else f"sample ×{args.factor}"
                    print(
                        f"{engine:<8} {macro:<11} {label:<13} {sizes[path]:>5} {total:>6} "
                        f"{sum(internal.values()):>8} {seconds:>8.2f}  {detail}"
                    )
        print("\nactualiser, calls per generated tab (sample, each written into an empty sheet):")
        print(f"  {'tab':<18} " + " ".join(f"{engine:>8}" for engine in ENGINES))
        for name, counts in per_tab(sample):
            print(f"  {name:<18} " + " ".join(f"{counts[engine]:>8}" for engine in ENGINES))
        print()
        ok = True
        for engine in ENGINES:
            for macro in ("actualiser", "verifier", "relances"):
                small = totals[(engine, macro, sample)]
                large = totals[(engine, macro, scaled)]
                growth = (large - small) / small
                verdict = "PASS" if abs(growth) <= MAX_GROWTH else "FAIL"
                ok &= verdict == "PASS"
                print(
                    f"{engine} {macro}: {small} -> {large} calls "
                    f"({growth:+.1%}, limit ±5 %): {verdict}"
                )
        refresh, limit = totals[("Windows", "actualiser", sample)], budget(sample)
        verdict = "PASS" if refresh <= limit else "FAIL"
        ok &= verdict == "PASS"
        print(f"Windows actualiser on the sample: {refresh} calls (budget {limit}): {verdict}")
        mac = totals[("macOS", "actualiser", sample)]
        print(f"macOS actualiser on the sample: {mac} calls (reported, no budget: see README.md)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
