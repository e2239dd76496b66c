"""The stand-in's classes against xlwings' own: same members, signatures, settable properties.

Also: every member the stand-in offers is one both desktop engines implement (the `self.impl`
attributes the real member uses exist in `xlwings/_xlwindows.py` and `xlwings/_xlmac.py`, read as
source since neither imports on Linux), so that what the macros do on the stand-in is possible in
Excel on Windows and on macOS.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from pathlib import Path

import pytest
import xlwings
import xlwings.main as real
import xlwings_standin as standin

CLASSES = [
    standin.App,
    standin.Book,
    standin.Sheets,
    standin.Sheet,
    standin.Range,
    standin.RangeRows,
    standin.Font,
    standin.Borders,
    standin.Charts,
    standin.Chart,
    standin.ChartAxis,
    standin.ChartLegend,
    standin.ChartSeriesCollection,
    standin.ChartSeries,
    standin.Names,
    standin.Name,
]
XLWINGS_DIR = Path(xlwings.__file__).resolve().parent
# xlwings' front class -> the engine class holding its `impl` (same name but for these).
IMPL_CLASS = {"RangeRows": "Range"}


def public_members(cls: type) -> list[str]:
    names = []
    for name in vars(cls):
        if name.startswith("_") and name not in standin.PUBLIC_DUNDERS:
            continue
        names.append(name)
    return sorted(names)


def _signature(function: object) -> list[tuple[str, object, object]]:
    sig = inspect.signature(function)  # follows __wrapped__: the counted wrappers are invisible
    return [(p.name, p.kind, p.default) for p in sig.parameters.values()]


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_every_member_exists_in_xlwings_with_the_same_shape(cls: type) -> None:
    original = getattr(real, cls.__name__)
    members = public_members(cls)
    assert members, cls
    for name in members:
        mine = inspect.getattr_static(cls, name)
        theirs = inspect.getattr_static(original, name, None)
        if theirs is None:  # inherited by the real class (Collection, Ranges)
            theirs = next(
                (vars(base)[name] for base in original.__mro__ if name in vars(base)), None
            )
        assert theirs is not None, f"{cls.__name__}.{name} does not exist in xlwings"
        if isinstance(theirs, property):
            assert isinstance(mine, property), f"{cls.__name__}.{name} must be a property"
            assert (mine.fset is None) == (theirs.fset is None), (
                f"{cls.__name__}.{name}: settable in xlwings: {theirs.fset is not None}"
            )
        else:
            assert not isinstance(mine, property), f"{cls.__name__}.{name} must be a method"
            assert _signature(mine) == _signature(theirs), f"{cls.__name__}.{name}"


def _classes(path: Path) -> dict[str, set[str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    classes: dict[str, set[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            names = set()
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    names.add(item.name)
                elif isinstance(item, ast.Assign):
                    names |= {t.id for t in item.targets if isinstance(t, ast.Name)}
            for sub in ast.walk(node):  # instance attributes: self.sheet = sheet
                if isinstance(sub, ast.Attribute) and isinstance(sub.ctx, ast.Store):
                    if isinstance(sub.value, ast.Name) and sub.value.id == "self":
                        names.add(sub.attr)
            classes[node.name] = names
    return classes


def _impl_attributes(function: object) -> set[str]:
    """Attributes read or written on `self.impl` / `self._impl` in `function`'s body."""
    source = textwrap.dedent(inspect.getsource(function))
    found = set()
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr in ("impl", "_impl")
            and isinstance(node.value.value, ast.Name)
            and node.value.value.id == "self"
            and not node.attr.startswith("__")
        ):
            found.add(node.attr)
    return found


ENGINES = {name: _classes(XLWINGS_DIR / f"{name}.py") for name in ("_xlwindows", "_xlmac")}


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_every_member_is_implemented_by_both_desktop_engines(cls: type) -> None:
    original = getattr(real, cls.__name__)
    engine_class = IMPL_CLASS.get(cls.__name__, cls.__name__)
    for name in public_members(cls):
        theirs = inspect.getattr_static(original, name, None)
        if theirs is None:
            continue  # inherited from Collection: iterates or calls the engine's collection
        functions = [theirs.fget, theirs.fset] if isinstance(theirs, property) else [theirs]
        needed = set()
        for function in filter(None, functions):
            needed |= _impl_attributes(function)
        for engine, classes in ENGINES.items():
            offered = classes.get(engine_class, set())
            missing = needed - offered
            assert not missing, f"{cls.__name__}.{name} needs {missing} missing in {engine}"


def test_members_the_desktop_engines_lack_are_not_offered() -> None:
    # Frozen panes and indents exist in xlwings' API but not in its Windows and macOS engines:
    # the renderer must not rely on them, so the stand-in does not offer them.
    assert "freeze_panes" not in ENGINES["_xlwindows"]["Sheet"]
    assert "adjust_indent" not in ENGINES["_xlwindows"]["Range"]
    assert not hasattr(standin.Sheet, "freeze_panes")
    assert not hasattr(standin.Range, "adjust_indent")


def test_values_go_through_xlwings_conversion() -> None:
    import datetime as dt

    book = standin.new_book({"S": [[None]]})
    sheet = book.sheets["S"]
    sheet.range((1, 1)).value = [[1, "'=A1", dt.date(2026, 1, 31)], [None, 2.5, True]]
    assert sheet.range((1, 1), (2, 3)).value == [
        [1.0, "=A1", dt.datetime(2026, 1, 31)],
        [None, 2.5, True],
    ]
    # xlwings' options work: dates as date, 2-D for one cell, numbers as int
    assert sheet.range((1, 3)).options(dates=dt.date).value == dt.date(2026, 1, 31)
    assert sheet.range((1, 1)).options(ndim=2, numbers=int).value == [[1]]
    # a text typed into a cell is parsed by Excel: only the apostrophe keeps it a text
    sheet.range((3, 1)).value = [["-5", "=SUM(A1)", "31/01/2026", "'-5"]]
    cells = standin.sheet_data(book, "S").cells
    assert cells[(3, 1)] == -5.0
    assert cells[(3, 2)] == standin.Formula("=SUM(A1)")
    assert cells[(3, 3)] == dt.datetime(2026, 1, 31)
    assert cells[(3, 4)] == "-5"


def test_calls_are_counted_per_member() -> None:
    book = standin.new_book({"S": [[1, 2]]})
    sheet = book.sheets["S"]
    rng = sheet.range((1, 1), (1, 2))
    rng.color = "#FF0000"
    rng.font.set(bold=True)
    counts = standin.call_counts(book)
    assert counts["Book.sheets"] == 1
    assert counts["Sheets.__getitem__"] == 1
    assert counts["Sheet.range"] == 1
    assert counts["Range.color="] == 1
    assert counts["Range.font"] == 1
    assert counts["Font.set"] == 1
    assert "Range.options" not in counts  # pure Python in xlwings: not a call to Excel


def test_several_areas_on_windows_only() -> None:
    """Windows hands "A1:B2,D4" to Worksheet.Range; macOS's engine would keep "A1" only."""
    xlmac = (XLWINGS_DIR / "_xlmac.py").read_text(encoding="utf-8")
    assert 'address1 = arg1.split(":")[0]' in xlmac  # why macOS is refused below
    xlwin = (XLWINGS_DIR / "_xlwindows.py").read_text(encoding="utf-8")
    assert "xl1 = self.xl.Range(arg1)" in xlwin

    book = standin.new_book({"S": [[None]]})
    sheet = book.sheets["S"]
    rng = sheet.range("A1:B2,D4,C6:C7")
    assert rng.address == "$A$1:$B$2,$D$4,$C$6:$C$7"
    rng.color = "#FFC7CE"
    rng.font.set(bold=True)
    rng.column_width = 20
    rng.row_height = 30
    data = standin.sheet_data(book, "S")
    painted = {(1, 1), (1, 2), (2, 1), (2, 2), (4, 4), (6, 3), (7, 3)}
    assert {key for key, f in data.formats.items() if f.get("fill") == "FFC7CE"} == painted
    assert {key for key, f in data.formats.items() if f.get("bold")} == painted
    assert data.column_widths == {1: 20.0, 2: 20.0, 3: 20.0, 4: 20.0}
    assert data.row_heights == {r: 30.0 for r in (1, 2, 4, 6, 7)}
    with pytest.raises(ValueError, match="several areas"):
        rng.merge()
    with pytest.raises(ValueError, match="several areas"):
        rng.borders.set("edge_top", line_style="continuous")
    with pytest.raises(ValueError, match="several areas"):
        rng.raw_value = 1
    with pytest.raises(ValueError, match="255"):
        sheet.range(",".join(f"A{row}" for row in range(1, 80)))

    mac = standin.new_book({"S": [[None]]}, platform="darwin").sheets["S"]
    assert mac.range("A1:B2").address == "$A$1:$B$2"
    with pytest.raises(ValueError, match="macOS"):
        mac.range("A1:B2,D4")
