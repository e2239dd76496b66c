"""The cyclic garbage collector paused while a refresh builds many long-lived objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic collector for the block (or the decorated function), then restore it.

    Reading, computing and writing a large workbook allocate hundreds of thousands of objects
    that all live until the end (rows, cells, findings): each generation-2 pass of the collector
    walks them all again, for nothing (they form no garbage cycles); reference counting still
    frees everything else at once. Nested uses leave the collector as the outermost found it.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
