"""The direction codes of the flow order as before the speed work: the old code is kept here."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from treso_xl.core.flow_order import IN, OUT, _sens_codes


def _old_sens_codes(sens: pd.Series) -> np.ndarray:  # flow_order._sens_codes before
    texts = np.asarray(sens.array, dtype=object)
    first, second = sorted((IN, OUT))
    low = texts == first
    high = texts == second
    if (low | high).all():
        return high.astype(np.int64)
    codes, _ = pd.factorize(sens, sort=True)
    return codes


_values = st.sampled_from([IN, OUT, IN, OUT, "", "autre", None, "Encaissement"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_values, max_size=30), st.sampled_from(["str", "object"]))
def test_sens_codes_as_before(values, dtype) -> None:
    sens = pd.Series(values, dtype=dtype)
    got, old = _sens_codes(sens), _old_sens_codes(sens)
    assert got.dtype == old.dtype
    np.testing.assert_array_equal(got, old)


def test_sens_codes_of_the_two_directions_and_of_others() -> None:
    np.testing.assert_array_equal(_sens_codes(pd.Series([IN, OUT, IN], dtype="str")), [1, 0, 1])
    mixed = pd.Series([IN, "autre", OUT, None], dtype="str")
    np.testing.assert_array_equal(_sens_codes(mixed), _old_sens_codes(mixed))
    assert _sens_codes(pd.Series([], dtype="str")).tolist() == []
