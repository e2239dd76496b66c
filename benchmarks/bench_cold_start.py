"""Cold start: process start to refreshed sample, --help, the ribbon module, against floors.

Every measurement is a fresh Python process timed from the outside (wall clock, start to exit),
the median of N runs, beside the floors of the same run: `python -c pass` (the interpreter) and
`python -c "import pandas"` (what any computation here must pay). The ribbon's import and one
click's work are also timed inside their process, and a refresh in a process that already
refreshed once shows what a warm process (xlwings' UDF server) would answer.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SAMPLE = 0.8  # seconds, process start to refreshed file
TARGET_RIBBON_IMPORT = 0.4
TARGET_HELP = 0.15

RIBBON_CLICK = """
import json, sys, time
start = time.process_time()
import treso_xl.excel.ribbon as ribbon
imported = time.process_time()
import treso_xl.excel.read_xlwings, treso_xl.excel.render_xlwings, treso_xl.refresh
import treso_xl.layout.controles
engine = time.process_time()
sys.path.insert(0, TESTS)
import xlwings_standin as standin
from treso_xl.workbooks import sample_path
book = standin.open_book(sample_path())
opened = time.process_time()
assert ribbon.actualiser(book) is not None
done = time.process_time()
book = standin.open_book(sample_path())
again = time.process_time()
assert ribbon.actualiser(book) is not None
warm = time.process_time() - again
print(json.dumps({"import": imported - start, "engine": engine - imported,
                  "click": done - opened, "warm": warm}))
"""
# the child finds the xlwings stand-in in the tests folder
TESTS_DIR = str(Path(__file__).resolve().parents[1] / "tests")
RIBBON_CLICK = RIBBON_CLICK.replace("TESTS", repr(TESTS_DIR))

WARM_REFRESH = """
import json, sys, time
from pathlib import Path
from treso_xl.refresh import refresh_file
from treso_xl.workbooks import sample_path
out = Path(sys.argv[1])
refresh_file(sample_path(), out)
start = time.process_time()
refresh_file(sample_path(), out)
print(json.dumps({"warm": time.process_time() - start}))
"""


QUIET = dict(os.environ, TRESO_XL_PROGRESS_DELAY="3600")  # no progress lines in the output
QUIET.pop("PYTHONDONTWRITEBYTECODE", None)  # a user's install has its bytecode cached


def compile_package() -> None:
    """Write the bytecode of treso_xl as an installation does: without it, every module edited
    since the last cached compile is compiled again at each start (0.15 s seen here)."""
    import compileall

    import treso_xl

    compileall.compile_dir(Path(treso_xl.__file__).parent, quiet=1)


def _wall(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, from wait4) of one run of `command`."""
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, env=QUIET)
    if hasattr(os, "wait4"):
        _, status, usage = os.wait4(child.pid, 0)
        code, cpu = os.waitstatus_to_exitcode(status), usage.ru_utime + usage.ru_stime
    else:  # pragma: no cover - Windows: no CPU figure
        code, cpu = child.wait(), float("nan")
    wall = time.perf_counter() - start
    if code != 0:
        raise RuntimeError(f"{command} failed (exit status {code})")
    return wall, cpu


def _json(command: list[str], cwd: Path) -> dict[str, float]:
    done = subprocess.run(command, cwd=cwd, check=True, capture_output=True, text=True, env=QUIET)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _treso_xl() -> list[str]:
    """The installed console script next to this interpreter, else `python -m treso_xl`."""
    script = Path(sys.executable).with_name("treso-xl")
    return [str(script)] if script.exists() else [sys.executable, "-m", "treso_xl"]


def _load() -> str:
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except (AttributeError, OSError):
        return "?"


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def run(runs: int, workdir: Path) -> list[str]:
    """Measure and print; return the PASS/FAIL lines."""
    from treso_xl.workbooks import sample_path

    python = sys.executable
    compile_package()
    sample = workdir / "exemple.xlsx"
    shutil.copy(sample_path(), sample)
    treso = _treso_xl()
    commands = {
        "python -c pass (floor)": [python, "-c", "pass"],
        "python -c 'import pandas' (floor)": [python, "-c", "import pandas"],
        "treso-xl --help": [*treso, "--help"],
        "python -c 'import treso_xl.excel.ribbon'": [python, "-c", "import treso_xl.excel.ribbon"],
        "treso-xl refresh sample -o out.xlsx": [*treso, "refresh", str(sample), "-o", "out.xlsx"],
    }
    print("treso-xl cold-start benchmark")
    print(
        f"  {platform.python_implementation()} {platform.python_version()} on {platform.system()} "
        f"{platform.machine()}, {os.cpu_count()} CPU, load average {_load()} at start"
    )
    print(
        f"  a fresh process each, start to exit: wall time and CPU time (user + system), "
        f"median of {runs} runs"
    )
    print("  (on a loaded machine the CPU time is the steadier figure; the targets use the wall)")
    print()
    walls: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):  # interleaved, so that a burst of load hits every command alike
        for name, command in commands.items():
            wall, cpu = _wall(command, workdir)
            walls[name].append(wall)
            cpus[name].append(cpu)
    print(f"  {'':<42} {'wall':>7}  {'CPU':>7}")
    for name, times in walls.items():
        print(
            f"  {name:<42} {statistics.median(times):6.3f} s {statistics.median(cpus[name]):6.3f} s"
        )
    clicks = [_json([python, "-c", RIBBON_CLICK], workdir) for _ in range(runs)]
    warm = [_json([python, "-c", WARM_REFRESH, "warm.xlsx"], workdir) for _ in range(runs)]
    ribbon_import = statistics.median(c["import"] for c in clicks)
    print()
    print("  inside the process (CPU time of that process):")
    print(f"  {'ribbon module import':<42} {ribbon_import:6.3f} s")
    print(
        f"  {'engine imports a click adds (pandas…)':<42} "
        f"{statistics.median(c['engine'] for c in clicks):6.3f} s"
    )
    print(
        f"  {'Actualiser on the stand-in, first click':<42} "
        f"{statistics.median(c['click'] for c in clicks):6.3f} s (imports done)"
    )
    print(
        f"  {'Actualiser on the stand-in, warm process':<42} "
        f"{statistics.median(c['warm'] for c in clicks):6.3f} s"
    )
    print(
        f"  {'refresh_file(sample), warm process':<42} "
        f"{statistics.median(w['warm'] for w in warm):6.3f} s"
    )
    sample_wall = statistics.median(walls["treso-xl refresh sample -o out.xlsx"])
    sample_cpu = statistics.median(cpus["treso-xl refresh sample -o out.xlsx"])
    help_wall = statistics.median(walls["treso-xl --help"])
    help_cpu = statistics.median(cpus["treso-xl --help"])
    floor = statistics.median(walls["python -c pass (floor)"])
    pandas_floor = statistics.median(walls["python -c 'import pandas' (floor)"])
    print()
    print(
        f"  refresh of the sample = {sample_wall / pandas_floor:.1f}x the pandas floor, "
        f"{sample_wall - pandas_floor:.3f} s above it; --help {help_wall - floor:.3f} s above "
        "the interpreter"
    )
    print()
    verdicts = [
        f"  {_verdict(sample_wall < TARGET_SAMPLE)}  sample refresh, process start to file: "
        f"{sample_wall:.3f} s, CPU {sample_cpu:.3f} s (target < {TARGET_SAMPLE} s)",
        f"  {_verdict(ribbon_import < TARGET_RIBBON_IMPORT)}  ribbon module import: "
        f"{ribbon_import:.3f} s (target < {TARGET_RIBBON_IMPORT} s)",
        f"  {_verdict(help_wall < TARGET_HELP)}  treso-xl --help: {help_wall:.3f} s, CPU "
        f"{help_cpu:.3f} s (target < {TARGET_HELP} s)",
    ]
    print("Targets:")
    for line in verdicts:
        print(line)
    print(f"  load average {_load()} at the end")
    return verdicts


def main(argv: list[str] | None = None) -> int:
    """Command line; the exit status is 0 whatever the verdicts."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="runs of each measurement (7)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="treso_cold_") as folder:
        run(max(1, args.runs), Path(folder))
    return 0


if __name__ == "__main__":
    sys.exit(main())
