"""Benchmark of `treso-xl importer`: a 20 000-line CSV statement, then an overlapping one.

Each measurement runs in a fresh Python process (imports not timed), best of --runs:
- `import1`: the first statement into the sample workbook (Banque and Règles bancaires created);
- `import2`: a second statement of the same size whose first half overlaps the first, into the
  workbook the first import wrote (half the lines already present, half appended);
- `calamine`: python-calamine reading every sheet of the workbook each import wrote.

    python benchmarks/bench_bank_import.py [--lines 20000] [--runs 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FIRST_DAY = dt.date(2025, 1, 1)
LABELS = (
    ("CB CARREFOUR CITY {n}", (-90, -3)),
    ("PRLV SEPA URSSAF IDF", (-900, -150)),
    ("VIR SEPA CLIENT {client} FACT 2025-{n}", (150, 4_000)),
    ("CB SNCF INTERNET", (-180, -20)),
    ("FRAIS TENUE DE COMPTE", (-12, -5)),
    ("PRLV LOYER BUREAU", (-650, -400)),
    ("CB AMAZON EU SARL", (-250, -8)),
    ("PRLV ADOBE SYSTEMS", (-90, -60)),
    ("VIR INSTANTANE {client}", (50, 900)),
)
CLIENTS = ("DURAND", "ATELIER DUBOIS", "MAISON LEROY", "STUDIO NUAGE", "LIBRAIRIE DU PORT")


def statement_lines(count: int, start: int, seed: int = 7) -> list[str]:
    """`count` CSV lines from the `start`-th operation of one deterministic account history
    (about 30 operations a day), oldest first: the same index gives the same line."""
    lines = []
    for index in range(start, start + count):
        rng = random.Random(seed * 1_000_003 + index)
        day = FIRST_DAY + dt.timedelta(days=index // 30)
        label, (low, high) = LABELS[rng.randrange(len(LABELS))]
        text = label.format(n=rng.randint(1, 999), client=CLIENTS[rng.randrange(len(CLIENTS))])
        cents = rng.randint(low * 100, high * 100)
        amount = f"{cents / 100:.2f}".replace(".", ",")
        lines.append(f"{day:%d/%m/%Y};{text};{amount}")
    return lines


def write_statement(path: Path, count: int, start: int) -> Path:
    body = "\r\n".join(["Date;Libellé;Montant", *statement_lines(count, start)]) + "\r\n"
    path.write_bytes(body.encode("cp1252"))
    return path


def _child(kind: str, workbook: Path, statement: Path, output: Path) -> dict[str, float]:
    """Import what `kind` needs, then time the operation alone."""
    if kind == "import":
        import treso_xl.bank.formats.csv_bank  # imported lazily by the import: not timed
        import treso_xl.reading.workbook
        import treso_xl.render.files  # noqa: F401
        from treso_xl.bank.importer import import_files

        shutil.copy(workbook, output)

        def run() -> None:
            result = import_files(output, [statement])
            print(json.dumps({"added": result.added, "already": result.already}))

    elif kind == "calamine":
        from python_calamine import CalamineWorkbook

        def run() -> None:
            book = CalamineWorkbook.from_path(str(workbook))
            for name in book.sheet_names:
                book.get_sheet_by_name(name).to_python()
            book.close()

    else:
        raise SystemExit(f"unknown measurement {kind!r}")
    start = time.perf_counter()
    run()
    return {"seconds": time.perf_counter() - start}


def measure(kind: str, workbook: Path, statement: Path, output: Path) -> tuple[float, dict]:
    """One measurement in a fresh process: (seconds, what the import printed)."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", kind]
    done = subprocess.run(
        [*command, str(workbook), str(statement), str(output)],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = done.stdout.strip().splitlines()
    counts = json.loads(lines[0]) if len(lines) > 1 else {}
    return json.loads(lines[-1])["seconds"], counts


def best(runs: int, *args: Path | str) -> tuple[float, dict]:
    results = [measure(*args) for _ in range(runs)]  # type: ignore[arg-type]
    return min(r[0] for r in results), results[0][1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, workbook, statement, output = args.child
        print(json.dumps(_child(kind, Path(workbook), Path(statement), Path(output))))
        return 0

    from treso_xl.workbooks import sample_path

    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        work = Path(folder)
        lines = args.lines
        first = write_statement(work / "releve_1.csv", lines, 0)
        second = write_statement(work / "releve_2.csv", lines, lines // 2)  # half overlaps
        book = work / "classeur.xlsx"
        shutil.copy(sample_path(), book)
        once = work / "classeur_1.xlsx"
        t1, c1 = best(args.runs, "import", book, first, once)
        t_read1, _ = best(args.runs, "calamine", once, first, work / "unused")
        twice = work / "classeur_2.xlsx"
        t2, c2 = best(args.runs, "import", once, second, twice)
        t_read2, _ = best(args.runs, "calamine", twice, second, work / "unused")
        size = once.stat().st_size / 1024
        print(f"Relevés CSV de {lines} lignes, classeur d'exemple ; meilleur de {args.runs}.")
        print(f"{'mesure':<44}{'import':>10}{'calamine':>10}{'rapport':>9}")
        rows = (
            (f"1er relevé ({c1.get('added')} ajoutées)", t1, t_read1),
            (
                f"2e relevé ({c2.get('added')} ajoutées, {c2.get('already')} déjà là)",
                t2,
                t_read2,
            ),
        )
        for name, seconds, read in rows:
            print(f"{name:<44}{seconds:>9.2f}s{read:>9.2f}s{seconds / read:>8.1f}x")
        print(f"Classeur après le 1er import : {size:.0f} Kio ; calamine lit le classeur écrit.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
