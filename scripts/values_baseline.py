"""Snapshot every generated cell value of refreshed workbooks, to compare code versions.

    python scripts/values_baseline.py --code ../base-fb32ca2 --out tests/data/values_baseline

refreshes the bundled sample and a generated 20 000-row workbook with the treso_xl package found
in --code (default: this checkout) and writes one gzip JSON per workbook: for each generated tab,
its cells as [row, column, type, value] (typed so that a date written as a number shows), plus a
digest of the input sheets so that a test can tell the input itself did not change. Page footers
(which carry the day of the refresh) are not cells and are not read. The snapshot is read back
with python-calamine, as a user's other tools would see the file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_TODAY = dt.date(2026, 6, 15)  # used only when Paramètres gives no date de référence
LARGE_ROWS = 20_000


def cell(value: object) -> list[object] | None:
    """A cell as [type, value] in JSON terms, None for an empty one."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return ["b", value]
    if isinstance(value, int | float):
        return ["n", float(value)]
    if isinstance(value, dt.datetime):
        return ["d", value.isoformat()]
    if isinstance(value, dt.date):
        return ["d", value.isoformat()]
    if isinstance(value, dt.time | dt.timedelta):
        return ["t", str(value)]
    return ["s", str(value)]


def sheet_cells(rows: list[list[object]]) -> list[list[object]]:
    """The non-empty cells of a sheet as [row, column, type, value] (0-based)."""
    cells = []
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            typed = cell(value)
            if typed is not None:
                cells.append([r, c, *typed])
    return cells


def snapshot(path: Path, generated: tuple[str, ...]) -> dict[str, object]:
    """Every generated tab's cells, and a digest of every other sheet's cells, of `path`."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    tabs: dict[str, list[list[object]]] = {}
    digest = hashlib.sha256()
    for name in book.sheet_names:
        cells = sheet_cells(book.get_sheet_by_name(name).to_python(skip_empty_area=False))
        if name in generated:
            tabs[name] = cells
        else:
            digest.update(json.dumps([name, cells], ensure_ascii=False).encode())
    return {"inputs": digest.hexdigest(), "tabs": tabs}


def input_digest(path: Path) -> str:
    """The digest of a workbook's sheets before refresh (all of them are the user's)."""
    return snapshot(path, ())["inputs"]  # type: ignore[return-value]


def large_workbook(folder: Path, rows: int = LARGE_ROWS) -> Path:
    """The benchmark's generated workbook of `rows` flow rows (same seed, same book)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from bench_refresh import generate_workbook
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return generate_workbook(rows, folder)


def refreshed_snapshot(source: Path, folder: Path) -> dict[str, object]:
    """Refresh `source` into `folder` with the treso_xl on sys.path; snapshot the result."""
    from treso_xl.contract import GENERATED_TABS
    from treso_xl.refresh import refresh_file

    output = folder / f"{source.stem}.refreshed.xlsx"
    refresh_file(source, output, REFERENCE_TODAY)
    data = snapshot(output, tuple(GENERATED_TABS))
    data["source_inputs"] = input_digest(source)
    return data


def sources(folder: Path) -> dict[str, Path]:
    """The workbooks snapshotted: the bundled sample and the large generated one."""
    from treso_xl.workbooks import sample_path

    return {"sample": sample_path(), "large": large_workbook(folder)}


def write(data: dict[str, object], path: Path) -> None:
    """A compact gzip JSON, the same bytes for the same data (no timestamp in the header)."""
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    path.write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))


def read(path: Path) -> dict[str, object]:
    """A snapshot written by `write`."""
    return json.loads(gzip.decompress(path.read_bytes()))


def main(argv: list[str] | None = None) -> int:
    """Write tests/data/values_baseline/{sample,large}.json.gz from the code in --code."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose treso_xl to use")
    parser.add_argument("--out", type=Path, default=ROOT / "tests" / "data" / "values_baseline")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(args.code.resolve()))
    import treso_xl

    print(f"treso_xl from {Path(treso_xl.__file__).parent}")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, source in sources(Path(tmp)).items():
            data = refreshed_snapshot(source, Path(tmp))
            target = args.out / f"{name}.json.gz"
            write(data, target)
            tabs = data["tabs"]
            sizes = ", ".join(f"{tab} {len(cells)}" for tab, cells in tabs.items())  # type: ignore[union-attr]
            print(f"{target} ({target.stat().st_size // 1024} KiB): {sizes}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
