"""Value types only Excel's engines give (pywin32's Decimal for Currency) read like the file's."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from treso_xl.contract import Kind
from treso_xl.reading.values import explain, parse


def test_currency_decimals_are_amounts() -> None:
    raw = pd.Series([Decimal("1234.5"), Decimal("0.0100"), 12.0, None], dtype=object)
    values, bad = parse(Kind.AMOUNT, raw)
    assert not bad.any()
    assert values.tolist()[:3] == [1234.5, 0.01, 12.0]


def test_a_column_of_decimals_only() -> None:
    values, bad = parse(Kind.AMOUNT, pd.Series([Decimal("3"), Decimal("4.25")], dtype=object))
    assert not bad.any() and values.tolist() == [3.0, 4.25]


def test_a_negative_decimal_is_explained_like_a_float() -> None:
    raw = pd.Series([Decimal("-10.0000")], dtype=object)
    values, bad = parse(Kind.AMOUNT, raw)
    assert bad.iloc[0]
    message = explain(Kind.AMOUNT, raw.iloc[0], values.iloc[0])
    assert message == explain(Kind.AMOUNT, -10.0, values.iloc[0])
    assert "10" in message and "10.0000" not in message
