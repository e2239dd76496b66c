"""Layouts rendered to .xlsx, the busy/read-only checks and the atomic write with backup."""

from __future__ import annotations

import datetime as dt
import io
import os
import stat
from pathlib import Path

import openpyxl
import pytest
from helpers_xlsx import MAIN, entry_names, generated_layouts, parts, user_workbook, xml
from python_calamine import CalamineWorkbook

from treso_xl.errors import FileError, TresoError
from treso_xl.layout.model import DATE, EURO, Chart, Series, SheetLayout, Style
from treso_xl.render import safe_write
from treso_xl.render.files import write_tabs
from treso_xl.render.package import read_tab_names
from treso_xl.render.safe_write import (
    WorkbookBusyError,
    WorkbookWriteError,
    backup_path,
    check_writable,
    write_atomically,
)
from treso_xl.render.xlsx_layout import DATETIME, render_layouts

C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
TRICKY_TEXTS = ["=SUM(A1)", "+33 6 12 34 56 78", "-5", "@x", "=1+1", " =espace"]


def _load(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _styled_layout() -> SheetLayout:
    layout = SheetLayout("Prévisionnel")
    header = Style(
        bold=True,
        italic=True,
        size=13,
        font_color="FFFFFF",
        fill="1F4E78",
        align="center",
        valign="top",
        wrap=True,
        border_bottom=True,
        border_top=True,
    )
    layout.put_row(1, 1, ["Libellé", "Janvier", "Février"], header)
    layout.put(2, 1, "Ventes", Style(indent=2))
    layout.put(2, 2, 1234.5, Style(number_format=EURO, align="right"))
    layout.put(2, 3, 42, Style(number_format="0"))
    layout.put(3, 1, dt.date(2024, 3, 31))
    layout.put(3, 2, dt.datetime(2024, 3, 31, 14, 30))
    layout.put(3, 3, True)
    layout.put(4, 1, float("nan"))
    layout.put(4, 2, None, Style(fill="FFC7CE"))
    layout.column_widths = {1: 32.5, 2: 14}
    layout.row_heights = {1: 30}
    layout.freeze = (2, 2)
    layout.merges = [(5, 1, 5, 3)]
    layout.put(5, 1, "Fusion")
    layout.tab_color = "C00000"
    return layout


def test_styles_number_formats_and_geometry_land_in_the_sheet() -> None:
    wb = _load(render_layouts([_styled_layout()]))
    ws = wb["Prévisionnel"]

    head = ws["B1"]
    assert head.value == "Janvier"
    assert head.font.b and head.font.i and head.font.sz == 13
    assert head.font.color.rgb == "FFFFFFFF"
    assert head.fill.fill_type == "solid" and head.fill.fgColor.rgb == "FF1F4E78"
    assert head.alignment.horizontal == "center" and head.alignment.vertical == "top"
    assert head.alignment.wrap_text
    assert head.border.bottom.style == "thin" and head.border.top.style == "thin"
    assert ws["A2"].alignment.indent == 2 and not ws["A2"].font.b

    assert ws["B2"].value == 1234.5 and ws["B2"].number_format == EURO
    assert ws["C2"].value == 42 and ws["C2"].number_format == "0"
    # dates get a date format when the style has none
    assert ws["A3"].value == dt.datetime(2024, 3, 31) and ws["A3"].number_format == DATE
    assert ws["B3"].value == dt.datetime(2024, 3, 31, 14, 30)
    assert ws["B3"].number_format == DATETIME
    assert ws["C3"].value is True and ws["C3"].data_type == "b"
    assert ws["A4"].value is None  # NaN is left empty
    assert ws["B4"].fill.fgColor.rgb == "FFFFC7CE"

    assert ws.column_dimensions["A"].width == 32.5
    # widened from 14 to show « 31/03/2024 14:30 » whole (treso_xl/layout/page.py)
    assert ws.column_dimensions["B"].width == 18
    assert ws.row_dimensions[1].height == 30
    assert ws.freeze_panes == "B2"
    assert [str(r) for r in ws.merged_cells.ranges] == ["A5:C5"]
    assert ws.sheet_properties.tabColor.rgb == "FFC00000"


def test_only_the_layouts_in_their_order() -> None:
    data = render_layouts([SheetLayout("Contrôles"), SheetLayout("BFR"), SheetLayout("URSSAF")])
    assert read_tab_names(data) == ["Contrôles", "BFR", "URSSAF"]
    assert _load(data).sheetnames == ["Contrôles", "BFR", "URSSAF"]


def test_text_that_looks_like_a_formula_stays_text() -> None:
    layout = SheetLayout("Relances")
    layout.put_row(1, 1, TRICKY_TEXTS)
    data = render_layouts([layout])

    sheet = xml(parts(data)["xl/worksheets/sheet1.xml"])
    assert not list(sheet.iter(f"{{{MAIN}}}f"))
    cells = list(sheet.iter(f"{{{MAIN}}}c"))
    assert [c.get("t") for c in cells] == ["inlineStr"] * len(TRICKY_TEXTS)
    assert ["".join(c.itertext()) for c in cells] == TRICKY_TEXTS

    ws = _load(data)["Relances"]
    assert [c.value for c in ws[1]] == TRICKY_TEXTS
    assert {c.data_type for c in ws[1]} == {"s"}
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("Relances")
    assert rows.to_python()[0] == TRICKY_TEXTS


def test_control_characters_are_dropped_and_long_text_is_cut() -> None:
    layout = SheetLayout("Contrôles")
    layout.put(1, 1, "a\x01b\x1fc")
    layout.put(2, 1, "x" * 40000)
    ws = _load(render_layouts([layout]))["Contrôles"]
    assert ws["A1"].value == "abc"
    assert len(ws["A2"].value) == 32767


def _chart_layout(kind: str) -> SheetLayout:
    layout = SheetLayout("Tableau de bord")
    for i in range(4):
        layout.put(3 + i, 1, dt.date(2024, i + 1, 1))
        layout.put(3 + i, 2, 100.0 * i)
        layout.put(3 + i, 3, 50.0 * i)
    layout.charts.append(
        Chart(
            kind=kind,
            title="Encaissements",
            anchor="E4",
            categories=(3, 1, 6, 1),
            series=(
                Series("Ventes", (3, 2, 6, 2), "2E75B6"),
                Series("Autres", (3, 3, 6, 3), "ED7D31"),
            ),
            width_cm=20,
            height_cm=10,
            y_title="Euros",
            number_format='#,##0 "€"',
        )
    )
    return layout


@pytest.mark.parametrize(
    ("kind", "plot", "grouping"),
    [
        ("line", "lineChart", "standard"),
        ("bar", "barChart", "clustered"),
        ("stacked_bar", "barChart", "stacked"),
    ],
)
def test_a_chart_layout_produces_a_native_chart(kind: str, plot: str, grouping: str) -> None:
    data = render_layouts([_chart_layout(kind)])
    names = entry_names(data)
    assert "xl/charts/chart1.xml" in names and "xl/drawings/drawing1.xml" in names
    chart = xml(parts(data)["xl/charts/chart1.xml"])

    plots = list(chart.iter(f"{{{C}}}{plot}"))
    assert len(plots) == 1
    assert plots[0].find(f"{{{C}}}grouping").get("val") == grouping
    overlap = plots[0].find(f"{{{C}}}overlap")
    if kind == "stacked_bar":
        assert overlap.get("val") == "100"
    formulas = [f.text for f in chart.iter(f"{{{C}}}f")]
    assert "'Tableau de bord'!$B$3:$B$6" in formulas
    assert "'Tableau de bord'!$C$3:$C$6" in formulas
    assert "'Tableau de bord'!$A$3:$A$6" in formulas
    colours = [c.get("val") for c in chart.iter(f"{{{A}}}srgbClr")]
    assert "2E75B6" in colours and "ED7D31" in colours
    series_names = [v.text for v in chart.iter(f"{{{C}}}v")]
    assert series_names[:2] == ["Ventes", "Autres"]
    texts = "".join(t.text for t in chart.iter(f"{{{A}}}t"))
    assert "Encaissements" in texts and "Euros" in texts
    assert [d.get("val") for d in chart.iter(f"{{{C}}}delete")] == ["0", "0"]
    assert [n.get("formatCode") for n in chart.iter(f"{{{C}}}numFmt")] == ['#,##0 "€"']

    drawing = xml(parts(data)["xl/drawings/drawing1.xml"])
    anchor = drawing.find(f"{{{XDR}}}oneCellAnchor")
    start = anchor.find(f"{{{XDR}}}from")
    assert start.find(f"{{{XDR}}}col").text == "4" and start.find(f"{{{XDR}}}row").text == "3"
    ext = anchor.find(f"{{{XDR}}}ext")
    assert int(ext.get("cx")) == 20 * 360000 and int(ext.get("cy")) == 10 * 360000


def test_unknown_chart_kind_and_value_type_are_refused() -> None:
    layout = _chart_layout("line")
    layout.charts[0] = Chart("pie", "x", "A1", (1, 1, 1, 1), ())
    with pytest.raises(ValueError, match="pie"):
        render_layouts([layout])
    other = SheetLayout("BFR")
    other.put(1, 1, object())  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        render_layouts([other])


# ---------------------------------------------------------------------------------------------
# check_writable


def test_writable_file_passes(tmp_path: Path) -> None:
    book = tmp_path / "classeur.xlsx"
    book.write_bytes(b"x")
    check_writable(book)
    check_writable(tmp_path / "nouveau.xlsx")  # a new output file in a writable folder


def test_excel_lock_file_is_reported_in_french(tmp_path: Path) -> None:
    book = tmp_path / "classeur.xlsx"
    book.write_bytes(b"x")
    (tmp_path / "~$classeur.xlsx").write_bytes(b"")
    with pytest.raises(WorkbookBusyError) as info:
        check_writable(book)
    message = str(info.value)
    assert message.startswith(
        "Le classeur « classeur.xlsx » est ouvert dans Excel (fichier de verrou ~$classeur.xlsx)."
        " Fermez-le puis relancez l'actualisation ; rien n'a été modifié."
    )
    assert isinstance(info.value, FileError) and info.value.path == book


def test_excel_short_lock_name_is_found(tmp_path: Path) -> None:
    book = tmp_path / "classeur.xlsx"
    book.write_bytes(b"x")
    (tmp_path / "~$asseur.xlsx").write_bytes(b"")
    with pytest.raises(WorkbookBusyError, match="ouvert dans Excel"):
        check_writable(book)


def test_libreoffice_lock_file_is_reported(tmp_path: Path) -> None:
    book = tmp_path / "Trésorerie 2024.xlsx"
    book.write_bytes(b"x")
    (tmp_path / ".~lock.Trésorerie 2024.xlsx#").write_text("user")
    with pytest.raises(WorkbookBusyError) as info:
        check_writable(book)
    assert "« Trésorerie 2024.xlsx » est ouvert dans LibreOffice" in str(info.value)
    assert ".~lock.Trésorerie 2024.xlsx#" in str(info.value)
    assert str(info.value).count("rien n'a été modifié") == 1


def test_read_only_file_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book = tmp_path / "classeur.xlsx"
    book.write_bytes(b"x")
    real_access = os.access

    def access(path: object, mode: int) -> bool:
        if Path(path) == book and mode == os.W_OK:
            return False
        return real_access(path, mode)

    monkeypatch.setattr(safe_write.os, "access", access)
    with pytest.raises(WorkbookBusyError) as info:
        check_writable(book)
    assert (
        str(info.value)
        == "Le classeur « classeur.xlsx » est en lecture seule ; rien n'a été modifié."
    )


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root ignores file permissions"
)
def test_read_only_file_by_permissions(tmp_path: Path) -> None:
    book = tmp_path / "classeur.xlsx"
    book.write_bytes(b"x")
    book.chmod(stat.S_IRUSR)
    with pytest.raises(WorkbookBusyError, match="lecture seule"):
        check_writable(book)


def test_read_only_folder_and_missing_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(WorkbookBusyError, match="n'existe pas"):
        check_writable(tmp_path / "absent" / "classeur.xlsx")
    real_access = os.access
    monkeypatch.setattr(
        safe_write.os,
        "access",
        lambda p, mode: False if Path(p) == tmp_path else real_access(p, mode),
    )
    with pytest.raises(WorkbookBusyError) as info:
        check_writable(tmp_path / "classeur.xlsx")
    assert "lecture seule" in str(info.value) and "classeur.xlsx" in str(info.value)


# ---------------------------------------------------------------------------------------------
# write_atomically


def test_backup_names() -> None:
    assert backup_path(Path("/d/classeur.xlsx")) == Path("/d/classeur.bak.xlsx")
    assert backup_path(Path("x.xlsm")) == Path("x.bak.xlsm")
    assert backup_path(Path("a.b.xlsx")) == Path("a.b.bak.xlsx")


def test_write_atomically_replaces_and_keeps_a_backup(tmp_path: Path) -> None:
    book = tmp_path / "classeur.xlsx"
    book.write_bytes(b"ancien")
    book.chmod(0o640)
    saved = write_atomically(book, b"nouveau")
    assert saved == tmp_path / "classeur.bak.xlsx"
    assert book.read_bytes() == b"nouveau" and saved.read_bytes() == b"ancien"
    assert stat.S_IMODE(book.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["classeur.bak.xlsx", "classeur.xlsx"]


def test_write_atomically_new_file_and_no_backup(tmp_path: Path) -> None:
    book = tmp_path / "x.xlsm"
    assert write_atomically(book, b"un") is None
    assert write_atomically(book, b"deux", backup=False) is None
    assert book.read_bytes() == b"deux"
    assert [p.name for p in tmp_path.iterdir()] == ["x.xlsm"]


def test_failed_rename_leaves_the_original_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = tmp_path / "classeur.xlsx"
    book.write_bytes(b"original")

    def failing_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(safe_write.os, "replace", failing_replace)
    with pytest.raises(WorkbookWriteError) as info:
        write_atomically(book, b"nouveau contenu")
    # The backup is renamed first: its failure stops everything, in French.
    assert "copie de sauvegarde «\u00a0classeur.bak.xlsx\u00a0» (disque plein)" in str(info.value)
    assert "Rien n'a été modifié" in str(info.value)
    assert book.read_bytes() == b"original"
    # no temporary file left behind
    assert sorted(p.name for p in tmp_path.iterdir()) == ["classeur.xlsx"]
    with pytest.raises(WorkbookWriteError) as info:
        write_atomically(book, b"nouveau contenu", backup=False)
    assert str(info.value) == (
        "Impossible d'enregistrer le classeur «\u00a0classeur.xlsx\u00a0» (disque plein). "
        "Rien n'a été modifié."
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["classeur.xlsx"]


def test_failed_backup_stops_before_touching_the_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = tmp_path / "classeur.xlsx"
    book.write_bytes(b"original")

    def locked_copy(*args: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(safe_write.shutil, "copyfileobj", locked_copy)
    shown = "«\u00a0classeur\\.bak\\.xlsx\u00a0»"
    with pytest.raises(WorkbookWriteError, match=f"copie de sauvegarde {shown}"):
        write_atomically(book, b"nouveau")
    assert book.read_bytes() == b"original"
    assert [p.name for p in tmp_path.iterdir()] == ["classeur.xlsx"]


def test_permission_error_on_rename_is_a_busy_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = tmp_path / "classeur.xlsx"
    book.write_bytes(b"original")

    def locked(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(safe_write.os, "replace", locked)
    with pytest.raises(WorkbookBusyError, match="ouvert dans une autre application"):
        write_atomically(book, b"nouveau", backup=False)
    assert book.read_bytes() == b"original"
    assert [p.name for p in tmp_path.iterdir()] == ["classeur.xlsx"]


# ---------------------------------------------------------------------------------------------
# write_tabs


@pytest.mark.filterwarnings("ignore:.*extension is not supported:UserWarning")
def test_write_tabs_in_place_keeps_a_backup(tmp_path: Path) -> None:
    book = tmp_path / "classeur.xlsx"
    original = user_workbook()
    book.write_bytes(original)
    written = write_tabs(book, generated_layouts())
    assert written == book
    assert (tmp_path / "classeur.bak.xlsx").read_bytes() == original
    assert read_tab_names(book.read_bytes()) == ["Données", "Notes", "BFR", "Tableau de bord"]
    ws = openpyxl.load_workbook(book)["BFR"]
    assert ws["A2"].value == "Créances clients" and ws["B2"].value == 1234.5


def test_write_tabs_to_another_file(tmp_path: Path) -> None:
    book = tmp_path / "classeur.xlsx"
    original = user_workbook()
    book.write_bytes(original)
    out = tmp_path / "sortie.xlsx"
    assert write_tabs(book, generated_layouts(), out) == out
    assert book.read_bytes() == original
    assert not (tmp_path / "sortie.bak.xlsx").exists()
    assert read_tab_names(out.read_bytes()) == ["Données", "Notes", "BFR", "Tableau de bord"]
    first = out.read_bytes()
    write_tabs(book, generated_layouts(), out)
    assert (tmp_path / "sortie.bak.xlsx").read_bytes() == first


def test_write_tabs_refuses_an_open_workbook(tmp_path: Path) -> None:
    book = tmp_path / "classeur.xlsx"
    original = user_workbook()
    book.write_bytes(original)
    (tmp_path / "~$classeur.xlsx").write_bytes(b"")
    with pytest.raises(WorkbookBusyError):
        write_tabs(book, generated_layouts())
    assert book.read_bytes() == original
    assert not (tmp_path / "classeur.bak.xlsx").exists()


def test_write_tabs_errors_in_french(tmp_path: Path) -> None:
    with pytest.raises(TresoError, match=r"« absent\.xlsx » est introuvable"):
        write_tabs(tmp_path / "absent.xlsx", generated_layouts())
    book = tmp_path / "macro.xlsm"
    book.write_bytes(b"x")
    with pytest.raises(TresoError, match="même extension"):
        write_tabs(book, generated_layouts(), tmp_path / "macro.xlsx")
    bad = tmp_path / "faux.xlsx"
    bad.write_bytes(b"ceci n'est pas un zip")
    with pytest.raises(TresoError, match=r"pas un classeur \.xlsx ou \.xlsm lisible"):
        write_tabs(bad, generated_layouts())
    assert bad.read_bytes() == b"ceci n'est pas un zip"
