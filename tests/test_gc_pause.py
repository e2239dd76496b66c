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
