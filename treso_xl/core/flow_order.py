"""Flow frames put in date order by numeric keys, exactly as pandas' stable sort_values would."""

from __future__ import annotations

import numpy as np
import pandas as pd

FLOW_ORDER = ["date", "sens", "ligne"]
IN, OUT = "encaissement", "décaissement"  # as core.flows names them (not imported: a cycle)


def _last_when_missing(values: np.ndarray, missing: np.ndarray) -> np.ndarray:
    """A sort key putting missing values last, as sort_values' na_position (the values given
    are below the largest of their type; floats may be NaN, which numpy sorts last)."""
    if not missing.any():
        return values
    if values.dtype.kind == "f":
        return np.where(missing, np.nan, values)
    return np.where(missing, np.iinfo(values.dtype).max, values)


def flow_order(flows: pd.DataFrame) -> np.ndarray | None:
    """Row positions of `flows` in (date, sens, ligne) order, ties kept in frame order, missing
    values last; None when a key is of a type this does not handle (then sort with pandas)."""
    date, ligne = flows["date"], flows["ligne"]
    if not (pd.api.types.is_datetime64_dtype(date) and pd.api.types.is_numeric_dtype(ligne)):
        return None
    if pd.api.types.is_bool_dtype(ligne):
        return None
    stamps = date.to_numpy()
    lines = ligne.to_numpy(dtype="float64", na_value=np.nan)
    sens = _sens_codes(flows["sens"])
    packed = _packed_order(stamps, sens, lines)
    if packed is not None:
        return packed
    keys = [
        lines,  # NaN (no row) sorts last
        _last_when_missing(sens.astype(np.int64), sens < 0),
        _last_when_missing(stamps.view("int64"), np.isnat(stamps)),
    ]
    return np.lexsort(keys)


_PACKED_LIMIT = 2**62


def _packed_order(stamps: np.ndarray, sens: np.ndarray, lines: np.ndarray) -> np.ndarray | None:
    """The same order from one stable argsort of a packed integer key (day, sens, ligne), when
    the dates are whole days and the rows whole numbers >= 0, the usual case; None otherwise.
    Much faster than three sorts on frames stacked from parts already in order (runs)."""
    nat = np.isnat(stamps)
    days = stamps.astype("datetime64[D]")
    if not ((days == stamps) | nat).all():
        return None
    missing_line = np.isnan(lines)
    present = lines[~missing_line]
    top_line = float(present.max()) if present.size else 0.0
    if present.size and (present.min() < 0 or top_line >= 2**40):
        return None
    if not (present == np.floor(present)).all():
        return None
    ticks = days.view("int64")
    present_days = ticks[~nat]
    first_day = int(present_days.min()) if present_days.size else 0
    span = (int(present_days.max()) - first_day + 2) if present_days.size else 1
    top_sens = int(sens.max()) + 1 if sens.size else 0
    width_sens, width_line = top_sens + 1, int(top_line) + 2
    if span * width_sens * width_line >= _PACKED_LIMIT:
        return None
    day_key = np.where(nat, span - 1, ticks - first_day)
    sens_key = np.where(sens < 0, top_sens, sens).astype(np.int64)
    line_key = np.where(missing_line, top_line + 1, lines).astype(np.int64)
    key = (day_key * width_sens + sens_key) * width_line + line_key
    return np.argsort(key, kind="stable")


def _sens_codes(sens: pd.Series) -> np.ndarray:
    """Codes in the order of the texts (-1 for a missing value): a plain comparison when the
    column holds only the two directions, which is the usual case."""
    texts = np.asarray(sens.array, dtype=object)  # no copy; a missing value equals no text
    first, second = sorted((IN, OUT))
    high = texts == second
    if (texts[~high] == first).all():  # (only the rows not already matched are compared)
        return high.astype(np.int64)
    codes, _ = pd.factorize(sens, sort=True)
    return codes


def sort_by_date_and_line(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame.sort_values(["date", "ligne"], kind="stable")` (index kept), by one packed key
    when the dates are whole days and the rows whole numbers."""
    date, ligne = frame["date"], frame["ligne"]
    numeric = pd.api.types.is_numeric_dtype(ligne) and not pd.api.types.is_bool_dtype(ligne)
    if numeric and pd.api.types.is_datetime64_dtype(date):
        lines = ligne.to_numpy(dtype="float64", na_value=np.nan)
        order = _packed_order(date.to_numpy(), np.zeros(len(frame), dtype=np.int64), lines)
        if order is not None:
            return frame.take(order)
    return frame.sort_values(["date", "ligne"], kind="stable")


def sort_flows(flows: pd.DataFrame) -> pd.DataFrame:
    """`flows.sort_values(FLOW_ORDER, kind="stable", ignore_index=True)`, without the cost of
    turning each key into a categorical on large frames."""
    order = flow_order(flows)
    if order is None:
        return flows.sort_values(FLOW_ORDER, kind="stable", ignore_index=True)
    if (order == np.arange(len(order))).all():
        return flows.reset_index(drop=True)
    return flows.take(order).reset_index(drop=True)
