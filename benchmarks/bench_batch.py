"""Batch: 300 copies of the sample refreshed by `treso-xl batch`, against a pool of reads.

The floor is the same pool shape doing the least possible work: `jobs` worker processes that
each import python-calamine and read every sheet of every copy (no pandas, no writing). The
batch itself runs as a user would run it (`treso-xl batch FOLDER --jobs N`, a fresh process),
timed from the outside, start to exit. Copies are made afresh before each run.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

TARGET_SECONDS = 60.0
QUIET = dict(os.environ, TRESO_XL_PROGRESS_DELAY="3600")
QUIET.pop("PYTHONDONTWRITEBYTECODE", None)  # a user's install has its bytecode cached


def _read_all(path: str) -> int:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(path)
    cells = sum(len(book.get_sheet_by_name(name).to_python()) for name in book.sheet_names)
    book.close()
    return cells


def _children_cpu() -> float:
    try:
        import resource
    except ImportError:  # Windows
        return float("nan")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def calamine_floor(paths: list[Path], jobs: int) -> tuple[float, float]:
    """Wall and CPU seconds for `jobs` fresh worker processes to read every sheet of every
    file."""
    start, cpu = time.perf_counter(), _children_cpu()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(_read_all, [str(p) for p in paths], chunksize=4))
    return time.perf_counter() - start, _children_cpu() - cpu


def copies(count: int, folder: Path) -> list[Path]:
    """`count` copies of the bundled sample in a new, empty `folder`."""
    from treso_xl.workbooks import sample_path

    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    sample = sample_path()
    paths = [folder / f"client_{i:03d}.xlsx" for i in range(1, count + 1)]
    for path in paths:
        shutil.copy(sample, path)
    return paths


def _treso_xl() -> list[str]:
    script = Path(sys.executable).with_name("treso-xl")
    return [str(script)] if script.exists() else [sys.executable, "-m", "treso_xl"]


def batch(folder: Path, jobs: int) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (its workers included) and exit status of
    `treso-xl batch folder --jobs jobs`."""
    start, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(
        [*_treso_xl(), "batch", str(folder), "--jobs", str(jobs)],
        env=QUIET,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start, _children_cpu() - cpu, done.returncode


def _load() -> str:
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except (AttributeError, OSError):
        return "?"


def main(argv: list[str] | None = None) -> int:
    """Command line; the exit status is 0 whatever the verdict."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=300, help="copies of the sample (300)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (2)")
    parser.add_argument("--runs", type=int, default=1, help="runs of each measurement (1)")
    args = parser.parse_args(argv)
    print("treso-xl batch benchmark")
    print(
        f"  {platform.python_implementation()} {platform.python_version()} on {platform.system()}"
        f" {platform.machine()}, {os.cpu_count()} CPU, load average {_load()} at start"
    )
    print(f"  {args.count} copies of the sample, {args.jobs} worker processes, best of {args.runs}")
    from bench_cold_start import compile_package

    compile_package()
    floors, times = [], []
    with tempfile.TemporaryDirectory(prefix="treso_batch_") as tmp:
        folder = Path(tmp) / "clients"
        for _ in range(args.runs):
            paths = copies(args.count, folder)
            floors.append(calamine_floor(paths, args.jobs))
            seconds, cpu, status = batch(folder, args.jobs)
            if status != 0:
                print(f"  treso-xl batch exited with status {status}")
            times.append((seconds, cpu))
    floor, floor_cpu = min(floors)
    best, cpu = min(times)
    print(f"  {'':<40} {'wall':>8} {'CPU':>8}")
    print(f"  {'floor: calamine reads in the same pool':<40} {floor:7.2f} s {floor_cpu:7.2f} s")
    print(
        f"  {'treso-xl batch --jobs ' + str(args.jobs):<40} {best:7.2f} s {cpu:7.2f} s   "
        f"({best / floor:.1f}x the floor; CPU {cpu / args.count * 1000:.0f} ms per workbook, "
        f"{cpu / args.jobs:.1f} s of wall on {args.jobs} idle cores)"
    )
    verdict = "PASS" if best < TARGET_SECONDS else "FAIL"
    print(f"  {verdict}  {args.count} workbooks in {best:.1f} s (target < {TARGET_SECONDS:g} s)")
    print(f"  load average {_load()} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
