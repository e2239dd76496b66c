"""The collector is paused during read, compute and write, and restored afterwards."""

from __future__ import annotations

import gc

import pytest

from treso_xl import refresh
from treso_xl.gc_pause import paused_gc
from treso_xl.render import sheet_xml


def test_paused_then_restored_even_on_error():
    assert gc.isenabled()

    @paused_gc()
    def inside() -> bool:
        with paused_gc():  # nested: the outer one restores
            pass
        return gc.isenabled()

    assert inside() is False and gc.isenabled()
    with pytest.raises(ValueError), paused_gc():
        raise ValueError
    assert gc.isenabled()


def test_a_disabled_collector_stays_disabled():
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_refresh_phases_run_with_the_collector_paused():
    for phase in (refresh.read, refresh.compute, sheet_xml.write_layouts):
        assert hasattr(phase, "__wrapped__"), phase


def test_a_command_line_refresh_runs_no_collection_in_its_imports_nor_its_work(tmp_path):
    """In a fresh process, the engine's imports (pandas, the render path) and the whole refresh
    run without one pass of the cyclic collector (it costs a cold start tens of milliseconds).

    The passes that follow the pause (the collector catching up once restored) are allowed.
    """
    import subprocess
    import sys

    script = (
        "import gc, sys, traceback\n"
        "from pathlib import Path\n"
        "from treso_xl.cli.main import _run_refresh\n"
        "from treso_xl.workbooks import sample_path\n"
        "sample = sample_path()\n"
        "inside = []\n"
        "def watch(phase, info):\n"
        "    names = {frame.name for frame in traceback.extract_stack()}\n"
        "    if phase == 'start' and names & {'_load_unlocked', 'refresh_file'}:\n"
        "        inside.append(sorted(names))\n"
        "gc.callbacks.append(watch)\n"
        f"_run_refresh(sample, Path({str(tmp_path / 'out.xlsx')!r}))\n"
        "assert 'pandas' in sys.modules and 'treso_xl.render.sheet_xml' in sys.modules\n"
        "print(len(inside), inside[:1])\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "0 []"
    assert (tmp_path / "out.xlsx").stat().st_size > 0
