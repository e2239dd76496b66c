"""Folded texts (normalize_label) of the reader's text columns, computed once per column.

The reader registers the text columns of the frames it hands to the engine; the first
`contract.normalize_series` of such a column stores its folded values, the next ones (invoice
numbers are folded by the payments, the positions, the flows and the checks) reuse them. Only
columns the reader registered are cached: those frames are never changed in place, while a frame
built elsewhere (tests, derived frames) is always folded afresh. An entry goes with its column.
"""

from __future__ import annotations

import weakref

import numpy as np
import pandas as pd

_folded: dict[int, np.ndarray | None] = {}  # id of a registered column's array -> its fold


def register(frame: pd.DataFrame) -> None:
    """Cache the folds of the text columns of `frame`, a frame the reader returns."""
    for name in frame.columns:
        array = frame[name].array
        if not isinstance(array.dtype, pd.StringDtype):
            continue
        key = id(array)
        if key not in _folded:
            _folded[key] = None
            weakref.finalize(array, _folded.pop, key, None)


def cached(values: pd.Series) -> np.ndarray | None:
    """The folded values stored for this very column, None when not known."""
    return _folded.get(id(values.array))


def store(values: pd.Series, folded: np.ndarray) -> None:
    """Keep `folded` for `values` when it is a registered column (else nothing)."""
    key = id(values.array)
    if key in _folded:
        _folded[key] = folded
