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
    keys = [
        lines,  # NaN (no row) sorts last
        _last_when_missing(sens.astype(np.int64), sens < 0),
        _last_when_missing(stamps.view("int64"), np.isnat(stamps)),
    ]
    return np.lexsort(keys)


def _sens_codes(sens: pd.Series) -> np.ndarray:
    """Codes in the order of the texts (-1 for a missing value): a plain comparison when the
    column holds only the two directions, which is the usual case."""
    texts = sens.to_numpy(dtype=object, na_value=None)
    first, second = sorted((IN, OUT))
    low = texts == first
    high = texts == second
    if (low | high).all():
        return high.astype(np.int64)
    codes, _ = pd.factorize(sens, sort=True)
    return codes


def sort_flows(flows: pd.DataFrame) -> pd.DataFrame:
    """`flows.sort_values(FLOW_ORDER, kind="stable", ignore_index=True)`, without the cost of
    turning each key into a categorical on large frames."""
    order = flow_order(flows)
    if order is None:
        return flows.sort_values(FLOW_ORDER, kind="stable", ignore_index=True)
    if (order == np.arange(len(order))).all():
        return flows.reset_index(drop=True)
    return flows.take(order).reset_index(drop=True)
