"""Property: user sheets named near a generated or input tab are refused, or kept byte for byte."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_refresh_properties import workbooks
from test_sheet_identity import closure, sheet_parts
from workbook_factory import write_workbook

from treso_xl.contract import GENERATED_TABS, normalize_sheet_name
from treso_xl.reading.problems import InputError
from treso_xl.refresh import compute, read, refresh_file
from treso_xl.render.safe_write import backup_path
from treso_xl.tab_identity import SheetConflictError, sheet_key

INPUTS = ("Paramètres", "Encaissements", "Décaissements", "Factures")  # those the strategy writes
NOTES = [["Mes notes"], ["ne pas effacer"], [42.0]]


def _no_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


CHANGES = (
    lambda s: s,
    str.upper,
    str.lower,
    str.swapcase,
    _no_accents,
    lambda s: " " + s,
    lambda s: s + " ",
    lambda s: s + " (2025)",
    lambda s: s + "2",
    lambda s: s + " 2",
    lambda s: s + " archive",
    lambda s: unicodedata.normalize("NFD", s),
)


@st.composite
def near_name(draw) -> str:
    name = draw(st.sampled_from((*GENERATED_TABS, *INPUTS)))
    for change in draw(st.lists(st.sampled_from(CHANGES), min_size=1, max_size=2)):
        name = change(name)
    if draw(st.booleans()) and len(name) > 2:
        name = name[: draw(st.integers(2, len(name) - 1))]
    return name


def _valid(name: str) -> bool:
    return (
        0 < len(name) <= 31
        and bool(name.strip())
        and not any(ch in name for ch in "[]:*?/\\")
        and not name.startswith("'")
        and not name.endswith("'")
    )


@st.composite
def with_near_sheets(draw) -> tuple[dict, dict, list[str]]:
    """(workbook without extras, the same with extra user sheets, the extras' names)."""
    base = draw(workbooks())
    taken = {name.casefold() for name in base}
    extras: list[str] = []
    for name in draw(st.lists(near_name(), min_size=1, max_size=3)):
        if _valid(name) and name.casefold() not in taken:  # Excel: unique without case
            taken.add(name.casefold())
            extras.append(name)
    if not extras:
        extras = ["Relances (2025)"]
    items = list(base.items())
    for name in extras:
        items.insert(draw(st.integers(0, len(items))), (name, NOTES))
    return base, dict(items), extras


def _plan_frames(plan) -> list[pd.DataFrame | pd.Series]:
    return [plan.receipts, plan.disbursements, plan.opening, plan.closing, plan.low, plan.below]


def check(folder: Path, drawn: tuple[dict, dict, list[str]]) -> None:
    base, sheets, extras = drawn
    path = write_workbook(folder / "c.xlsx", sheets, tool_tabs=())
    before = path.read_bytes()
    ambiguous = any(
        normalize_sheet_name(x) == normalize_sheet_name(i) for x in extras for i in INPUTS
    )
    conflict = any(sheet_key(x) == sheet_key(tab) for x in extras for tab in GENERATED_TABS)
    if ambiguous or conflict:
        with pytest.raises(InputError if ambiguous else SheetConflictError) as error:
            refresh_file(path)
        named = [x for x in extras if x in str(error.value)]
        assert named, str(error.value)
        assert path.read_bytes() == before and not backup_path(path).exists()
        return

    kept = {name: closure(before, part) for name, part in sheet_parts(before).items()}
    report, _ = refresh_file(path)
    first = path.read_bytes()
    refresh_file(path)
    second = path.read_bytes()
    assert second == first
    for name in extras:
        assert closure(second, sheet_parts(second)[name]) == kept[name], name
    with zipfile.ZipFile(io.BytesIO(second)) as archive:
        assert archive.testzip() is None
    names = list(sheet_parts(second))
    assert all(tab in names for tab in GENERATED_TABS)
    assert len(names) == len(sheets) + len(GENERATED_TABS)

    alone = write_workbook(folder / "sans.xlsx", base, tool_tabs=())
    expected = compute(read(alone)).plan
    assert expected.months == report.plan.months
    for mine, theirs in zip(_plan_frames(report.plan), _plan_frames(expected), strict=True):
        if isinstance(mine, pd.DataFrame):
            pd.testing.assert_frame_equal(mine, theirs)
        else:
            pd.testing.assert_series_equal(mine, theirs)


@settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(drawn=with_near_sheets())
def test_near_names_are_refused_or_left_byte_for_byte(tmp_path_factory, drawn) -> None:
    check(tmp_path_factory.mktemp("near"), drawn)


@pytest.mark.slow
@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(drawn=with_near_sheets())
def test_near_names_many_examples(tmp_path_factory, drawn) -> None:
    check(tmp_path_factory.mktemp("near"), drawn)
