"""Sheet identity: only the tool's own tabs are rewritten, input sheets are matched exactly enough.

A generated tab is one the tool wrote under that exact name (it carries a hidden sheet-scoped
marker); a user's sheet bearing a generated tab's name stops the refresh before anything is
written, on the command line (exit 2) and in Excel (an alert, no sheet cleared).
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import posixpath
import zipfile
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest
import xlwings_standin as standin
from click.testing import CliRunner
from lxml import etree
from workbook_factory import good_sheets, write_workbook

from treso_xl.cli.main import cli
from treso_xl.contract import GENERATED_TABS, TAB_CONTROLES, TAB_PREVISIONNEL
from treso_xl.excel import ribbon
from treso_xl.excel.read_xlwings import read_ledger_from_book
from treso_xl.reading.problems import InputError
from treso_xl.refresh import read, refresh_file
from treso_xl.render.package import generated_tab_names
from treso_xl.render.safe_write import backup_path
from treso_xl.tab_identity import MARKER, SheetConflictError, marker_text

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
TODAY = dt.date(2026, 3, 1)
NOTES = [["Mes notes à moi"], ["ne pas effacer"], [1234.5]]


def run(*args: str):
    return CliRunner().invoke(cli, list(args), prog_name="treso-xl")


def refresh(path: Path):
    return run("refresh", str(path), "--date-reference", "01/03/2026")


def workbook(tmp_path: Path, extra: dict[str, list], name: str = "classeur.xlsx") -> Path:
    """The factory's valid workbook plus the user's sheets `extra` (none marked as the tool's)."""
    sheets = good_sheets()
    del sheets["Prévisionnel"]  # a stale tab of a previous refresh: not wanted here
    sheets.update(copy.deepcopy(extra))
    return write_workbook(tmp_path / name, sheets, tool_tabs=())


def _part_of(folder: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(folder, target))


def sheet_parts(data: bytes) -> dict[str, str]:
    """Sheet name -> its worksheet part."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        wb = etree.fromstring(z.read("xl/workbook.xml"))
        rels = etree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    return {
        s.get("name"): _part_of("xl", targets[s.get(f"{{{REL}}}id")])
        for s in wb.iter(f"{{{MAIN}}}sheet")
    }


def closure(data: bytes, part: str) -> dict[str, bytes]:
    """A part and every part it reaches through relationships, with their bytes."""
    found: dict[str, bytes] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = set(z.namelist())
        stack = [part]
        while stack:
            name = stack.pop()
            if name in found or name not in names:
                continue
            found[name] = z.read(name)
            folder, base = posixpath.split(name)
            rels = posixpath.join(folder, "_rels", base + ".rels")
            if rels in names:
                found[rels] = z.read(rels)
                for rel in etree.fromstring(found[rels]):
                    if rel.get("TargetMode") != "External":
                        stack.append(_part_of(folder, rel.get("Target")))
    return found


def sheet_closure(path: Path, sheet: str) -> dict[str, bytes]:
    data = path.read_bytes()
    return closure(data, sheet_parts(data)[sheet])


def markers(data: bytes) -> dict[str, str | None]:
    """Sheet name -> the tab name its marker holds."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        wb = etree.fromstring(z.read("xl/workbook.xml"))
    names = [s.get("name") for s in wb.iter(f"{{{MAIN}}}sheet")]
    return {
        names[int(el.get("localSheetId"))]: marker_text(el.text)
        for el in wb.iter(f"{{{MAIN}}}definedName")
        if el.get("name") == MARKER
    }


def edit_workbook_xml(path: Path, edit) -> None:
    """Rewrite xl/workbook.xml of the file with `edit(text) -> text`, other entries as they are."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/workbook.xml":
                data = edit(data.decode()).encode()
            dst.writestr(info, data)
    path.write_bytes(buffer.getvalue())


def rename_sheet(path: Path, old: str, new: str) -> None:
    """What renaming a tab changes in the file: the sheet's name (the marker stays as it was)."""
    edit_workbook_xml(
        path, lambda text: text.replace(f"name={quoteattr(old)}", f"name={quoteattr(new)}")
    )


# --- file path: a user's sheet named like a generated tab ----------------------------------------


@pytest.mark.parametrize("name", ["Relances", "Dépenses", "CONTRÔLES", "relances"])
def test_a_users_sheet_named_like_a_tab_stops_the_refresh(tmp_path: Path, name: str) -> None:
    path = workbook(tmp_path, {name: NOTES})
    before = path.read_bytes()
    result = refresh(path)
    assert result.exit_code == 2, result.output
    assert f"«\u00a0{name}\u00a0»" in result.output
    assert "Renommez-la" in result.output and "Rien n'a été modifié" in result.output
    assert "Traceback" not in result.output
    assert path.read_bytes() == before
    assert not backup_path(path).exists()


def test_the_refusal_keeps_an_existing_backup_and_names_every_sheet(tmp_path: Path) -> None:
    path = workbook(tmp_path, {"Relances": NOTES, "URSSAF": NOTES})
    before = path.read_bytes()
    backup_path(path).write_bytes(b"la sauvegarde d'avant")
    result = refresh(path)
    assert result.exit_code == 2
    assert "«\u00a0Relances\u00a0»" in result.output and "«\u00a0URSSAF\u00a0»" in result.output
    assert path.read_bytes() == before
    assert backup_path(path).read_bytes() == b"la sauvegarde d'avant"


def test_conflict_is_told_before_a_sheet_is_written_to_another_file(tmp_path: Path) -> None:
    path = workbook(tmp_path, {"Contrôles": NOTES})
    output = tmp_path / "sortie.xlsx"
    result = run("refresh", str(path), "-o", str(output), "--date-reference", "01/03/2026")
    assert result.exit_code == 2 and "Contrôles" in result.output
    assert not output.exists()


@pytest.mark.parametrize("name", ["Tableau de bord (2025)", "Controles", " Relances"])
def test_a_near_name_is_the_users_and_survives_two_refreshes(tmp_path: Path, name: str) -> None:
    path = workbook(tmp_path, {name: NOTES})
    original = sheet_closure(path, name)
    assert refresh(path).exit_code == 0
    assert refresh(path).exit_code == 0
    assert sheet_closure(path, name) == original
    names = list(sheet_parts(path.read_bytes()))
    assert name in names and all(tab in names for tab in GENERATED_TABS)
    assert name not in generated_tab_names(path.read_bytes())


def test_a_renamed_tab_becomes_the_users_and_survives_byte_for_byte(tmp_path: Path) -> None:
    path = workbook(tmp_path, {})
    assert refresh(path).exit_code == 0
    assert markers(path.read_bytes())[TAB_PREVISIONNEL] == TAB_PREVISIONNEL
    snapshot = "Prévisionnel (mars 2026)"
    rename_sheet(path, TAB_PREVISIONNEL, snapshot)
    kept = sheet_closure(path, snapshot)
    assert refresh(path).exit_code == 0
    first = path.read_bytes()
    assert refresh(path).exit_code == 0
    assert path.read_bytes() == first  # the next refresh changes nothing
    assert sheet_closure(path, snapshot) == kept
    names = list(sheet_parts(first))
    assert names.index(snapshot) < names.index(TAB_PREVISIONNEL)  # a fresh tab, appended
    assert markers(first)[snapshot] == TAB_PREVISIONNEL  # the old marker no longer matches
    assert markers(first)[TAB_PREVISIONNEL] == TAB_PREVISIONNEL


def test_a_users_sheet_recreated_under_a_tabs_name_is_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path, {})
    assert refresh(path).exit_code == 0
    rename_sheet(path, "Relances", "Relances de janvier")
    rename_sheet(path, "Notes", "Relances")  # the user's notes now bear the tab's name
    before = path.read_bytes()
    result = refresh(path)
    assert result.exit_code == 2 and "«\u00a0Relances\u00a0»" in result.output
    assert path.read_bytes() == before


def test_second_refresh_replaces_the_tools_tabs_in_place(tmp_path: Path) -> None:
    path = workbook(tmp_path, {"Mes notes": NOTES})
    assert refresh(path).exit_code == 0
    first = path.read_bytes()
    assert set(generated_tab_names(first)) == set(GENERATED_TABS)
    assert refresh(path).exit_code == 0
    assert path.read_bytes() == first


# --- migration: tabs written before the marker existed --------------------------------------------


def _strip_markers(text: str) -> str:
    root = etree.fromstring(text.encode())
    for el in list(root.iter(f"{{{MAIN}}}definedName")):
        if el.get("name") == MARKER:
            el.getparent().remove(el)
    return etree.tostring(root, encoding="unicode")


def test_tabs_of_the_previous_version_are_recognised_by_their_part_names(tmp_path: Path) -> None:
    path = workbook(tmp_path, {})
    assert refresh(path).exit_code == 0
    edit_workbook_xml(path, _strip_markers)  # as the version before the marker left it
    legacy = path.read_bytes()
    assert markers(legacy) == {}
    assert set(generated_tab_names(legacy)) == set(GENERATED_TABS)
    assert refresh(path).exit_code == 0
    after = path.read_bytes()
    assert list(sheet_parts(after)) == list(sheet_parts(legacy))  # replaced in place, no copy
    assert markers(after) == {tab: tab for tab in GENERATED_TABS}


def test_an_old_tab_renamed_or_re_saved_is_not_taken_for_the_tools(tmp_path: Path) -> None:
    path = workbook(tmp_path, {})
    assert refresh(path).exit_code == 0
    edit_workbook_xml(path, _strip_markers)
    # renamed by the user: its part is still treso_relances.xml, but the name is not the tool's
    rename_sheet(path, "Relances", "RELANCES")
    before = path.read_bytes()
    result = refresh(path)
    assert result.exit_code == 2 and "«\u00a0RELANCES\u00a0»" in result.output
    assert "supprimer" in result.output
    assert path.read_bytes() == before


def _resaved_legacy(tmp_path: Path) -> Path:
    """A workbook whose tabs an older version wrote (no marker), then re-saved under other part
    names (as Excel and LibreOffice do): the tool cannot tell them from the user's sheets."""
    path = workbook(tmp_path, {"Notes": NOTES})
    assert refresh(path).exit_code == 0
    edit_workbook_xml(path, _strip_markers)
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            name = info.filename.replace("treso_", "resaved_")
            if name.endswith(".rels") or name in ("xl/workbook.xml", "[Content_Types].xml"):
                data = data.replace(b"treso_", b"resaved_")
            dst.writestr(name, data)
    path.write_bytes(buffer.getvalue())
    assert generated_tab_names(path.read_bytes()) == []
    return path


def test_old_tabs_re_saved_are_refused_with_the_confirmation_to_give(tmp_path: Path) -> None:
    path = _resaved_legacy(tmp_path)
    before, backup = path.read_bytes(), backup_path(path).read_bytes()
    result = refresh(path)
    assert result.exit_code == 2
    assert path.read_bytes() == before and backup_path(path).read_bytes() == backup
    for tab in GENERATED_TABS:
        assert f'--remplacer-onglet "{tab}"' in result.output
    assert "classeur.bak.xlsx" in result.output


def test_confirmed_old_tabs_are_replaced_and_marked(tmp_path: Path) -> None:
    path = _resaved_legacy(tmp_path)
    before = path.read_bytes()
    notes = sheet_closure(path, "Notes")
    options = [arg for tab in GENERATED_TABS for arg in ("--remplacer-onglet", tab)]
    partial = run("refresh", str(path), "--date-reference", "01/03/2026", *options[:2])
    assert partial.exit_code == 2 and path.read_bytes() == before  # the others still block
    result = run("refresh", str(path), "--date-reference", "01/03/2026", *options)
    assert result.exit_code == 0, result.output
    after = path.read_bytes()
    assert list(sheet_parts(after)) == list(sheet_parts(before))  # replaced in place
    assert markers(after) == {tab: tab for tab in GENERATED_TABS}
    assert sheet_closure(path, "Notes") == notes
    assert backup_path(path).read_bytes() == before
    assert refresh(path).exit_code == 0  # from now on they are the tool's


def test_only_a_tab_name_may_be_confirmed(tmp_path: Path) -> None:
    path = workbook(tmp_path, {"Notes": NOTES})
    before = path.read_bytes()
    result = run("refresh", str(path), "--remplacer-onglet", "Notes")
    assert result.exit_code == 2 and "« Notes »" in result.output
    assert path.read_bytes() == before


def test_a_confirmation_does_not_cover_a_sheet_named_otherwise(tmp_path: Path) -> None:
    path = workbook(tmp_path, {"RELANCES": NOTES})
    before = path.read_bytes()
    result = run("refresh", str(path), "--remplacer-onglet", "Relances")
    assert result.exit_code == 2 and "« RELANCES »" in result.output
    assert path.read_bytes() == before


def test_check_warns_that_a_refresh_would_stop(tmp_path: Path) -> None:
    path = workbook(tmp_path, {"Relances": NOTES})
    result = run("check", str(path), "--date-reference", "01/03/2026")
    assert "l'actualisation s'arrêtera" in result.output
    assert "« Relances »" in result.output
    clean = run("check", str(workbook(tmp_path, {"Notes": NOTES}, "autre.xlsx")))
    assert "l'actualisation s'arrêtera" not in clean.output


# --- input sheets --------------------------------------------------------------------------


def _factures_archive() -> list:
    header = good_sheets()["Factures"][0]
    row = [None] * len(header)
    return [header, ["A-1", dt.datetime(2024, 1, 5), "Ancien", 10, *row[4:]]]


def _archive_first(tmp_path: Path) -> Path:
    sheets = good_sheets()
    del sheets["Prévisionnel"]
    ordered = {}
    for name, rows in sheets.items():
        if name == "Factures":
            ordered["Factures (2024)"] = _factures_archive()
        ordered[name] = rows
    return write_workbook(tmp_path / "archive.xlsx", ordered, tool_tabs=())


def test_an_archive_before_the_input_sheet_is_not_read(tmp_path: Path) -> None:
    path = _archive_first(tmp_path)
    ledger = read(path, TODAY)
    assert list(ledger.factures["client"]) == ["Durand", "Martin"]
    original = sheet_closure(path, "Factures (2024)")
    assert refresh(path).exit_code == 0
    assert sheet_closure(path, "Factures (2024)") == original
    # the Excel path reads the same sheet
    book = standin.open_book(path)
    assert list(read_ledger_from_book(book, TODAY).factures["client"]) == ["Durand", "Martin"]


@pytest.mark.parametrize("other", ["FACTURÉS", " factures "])
def test_two_sheets_matching_one_input_sheet_are_an_error(tmp_path: Path, other: str) -> None:
    path = workbook(tmp_path, {other: _factures_archive()})
    before = path.read_bytes()
    result = refresh(path)
    assert result.exit_code == 1, result.output
    text = result.output
    assert "«\u00a0Factures\u00a0»" in text and f"«\u00a0{other}\u00a0»" in text
    assert path.read_bytes() == before and not backup_path(path).exists()
    with pytest.raises(InputError) as error:
        read_ledger_from_book(standin.open_book(path), TODAY)
    assert any(other in str(p) and "Factures" in str(p) for p in error.value.problems)


def test_factures_archive_is_not_an_input_sheet(tmp_path: Path) -> None:
    path = workbook(tmp_path, {"Factures archive": _factures_archive()})
    assert list(read(path, TODAY).factures["client"]) == ["Durand", "Martin"]


# --- the Excel path (stand-in) --------------------------------------------------------------------


def _state(book: standin.Book) -> list:
    return copy.deepcopy(
        [(s.name, s.cells, s.formats, vars(s).get("names")) for s in standin.book_data(book).sheets]
    )


@pytest.mark.parametrize("name", ["Relances", "Dépenses", "CONTRÔLES", "relances"])
def test_excel_refuses_and_clears_nothing(tmp_path: Path, name: str) -> None:
    book = standin.open_book(workbook(tmp_path, {name: NOTES}))
    before = _state(book)
    assert ribbon.actualiser(book, TODAY) is None
    assert _state(book) == before  # no sheet cleared, none added, not even Contrôles
    (alert,) = standin.alerts(book)
    assert alert["mode"] == "critical"
    assert f"«\u00a0{name}\u00a0»" in alert["prompt"] and "Renommez-la" in alert["prompt"]


def test_excel_checks_do_not_clear_a_users_controles_sheet(tmp_path: Path) -> None:
    book = standin.open_book(workbook(tmp_path, {"Contrôles": NOTES}))
    before = _state(book)
    assert ribbon.verifier(book, TODAY) is None
    assert _state(book) == before
    # bad data: the problems cannot go to Contrôles, the alert says the first one
    sheets = good_sheets()
    del sheets["Prévisionnel"]
    sheets["Factures"].append(["F-X", "pas une date", "Client", 10])
    sheets["Contrôles"] = NOTES
    book = standin.open_book(write_workbook(tmp_path / "faux.xlsx", sheets, tool_tabs=()))
    before = _state(book)
    assert ribbon.actualiser(book, TODAY) is None
    assert _state(book) == before
    assert "pas une date" in standin.alerts(book)[-1]["prompt"]


@pytest.mark.parametrize("name", ["Tableau de bord (2025)", "Controles"])
def test_excel_leaves_a_near_name_alone(tmp_path: Path, name: str) -> None:
    book = standin.open_book(workbook(tmp_path, {name: NOTES}))
    before = copy.deepcopy(standin.sheet_data(book, name))
    assert ribbon.actualiser(book, TODAY) is not None
    assert standin.sheet_data(book, name) == before
    assert all(tab in book.sheet_names for tab in GENERATED_TABS)


def test_excel_renamed_tab_is_left_alone_and_a_fresh_one_written(tmp_path: Path) -> None:
    book = standin.open_book(workbook(tmp_path, {}))
    assert ribbon.actualiser(book, TODAY) is not None
    book.sheets[TAB_PREVISIONNEL].name = "Prévisionnel (mars 2026)"
    kept = copy.deepcopy(standin.sheet_data(book, "Prévisionnel (mars 2026)"))
    assert ribbon.actualiser(book, TODAY) is not None
    assert standin.sheet_data(book, "Prévisionnel (mars 2026)") == kept
    assert book.sheet_names[-1] == TAB_PREVISIONNEL
    count = len(book.sheet_names)
    assert ribbon.actualiser(book, TODAY) is not None
    assert len(book.sheet_names) == count


def test_excel_two_candidate_input_sheets_are_refused(tmp_path: Path) -> None:
    book = standin.open_book(workbook(tmp_path, {"FACTURÉS": _factures_archive()}))
    assert ribbon.actualiser(book, TODAY) is None
    assert "FACTURÉS" in str(standin.sheet_data(book, TAB_CONTROLES).grid())
    assert standin.alerts(book)[-1]["mode"] == "critical"


def test_command_line_then_excel_then_command_line_recognise_the_tabs(tmp_path: Path) -> None:
    path = workbook(tmp_path, {})
    assert refresh(path).exit_code == 0
    names = list(sheet_parts(path.read_bytes()))
    book = standin.open_book(path)
    assert ribbon.actualiser(book, TODAY) is not None
    assert book.sheet_names == names
    assert not any(a["mode"] == "critical" for a in standin.alerts(book))
    # saved by Excel (parts renamed sheet1.xml…), refreshed again on the command line
    saved = tmp_path / "enregistre.xlsx"
    book.save(saved)
    assert not any("treso_" in part for part in sheet_parts(saved.read_bytes()).values())
    assert refresh(saved).exit_code == 0
    assert list(sheet_parts(saved.read_bytes())) == names


def test_excel_first_then_command_line(tmp_path: Path) -> None:
    book = standin.open_book(workbook(tmp_path, {"Mes notes": NOTES}))
    assert ribbon.actualiser(book, TODAY) is not None
    marked = {name: [n.refers_to for n in book.sheets[name].names] for name in GENERATED_TABS}
    assert marked == {tab: [f'="{tab}"'] for tab in GENERATED_TABS}
    saved = tmp_path / "depuis_excel.xlsx"
    book.save(saved)
    names = list(sheet_parts(saved.read_bytes()))
    assert refresh(saved).exit_code == 0
    assert list(sheet_parts(saved.read_bytes())) == names


def test_the_conflict_error_is_a_file_error_naming_the_way_out() -> None:
    error = SheetConflictError([("RELANCES", "Relances")])
    assert "«\u00a0Relances (mes notes)\u00a0»" in str(error)
    assert "version précédente" in str(error)


# --- LibreOffice keeps the marker ---------------------------------------------------------------


@pytest.mark.slow
def test_the_marker_survives_a_libreoffice_save(tmp_path: Path) -> None:
    from libreoffice import convert

    path = workbook(tmp_path, {"Mes notes": NOTES})
    assert refresh(path).exit_code == 0
    rename_sheet(path, TAB_PREVISIONNEL, "Prévisionnel (mars 2026)")
    (saved,) = convert(path, "xlsx", tmp_path / "lo")
    data = saved.read_bytes()
    assert not any("treso_" in part for part in sheet_parts(data).values())
    found = markers(data)
    assert {tab: found[tab] for tab in GENERATED_TABS if tab != TAB_PREVISIONNEL} == {
        tab: tab for tab in GENERATED_TABS if tab != TAB_PREVISIONNEL
    }
    assert found["Prévisionnel (mars 2026)"] == TAB_PREVISIONNEL  # renamed: no longer matches
    kept = sheet_closure(saved, "Prévisionnel (mars 2026)")
    names = list(sheet_parts(data))
    assert refresh(saved).exit_code == 0
    after = saved.read_bytes()
    assert list(sheet_parts(after)) == [*names, TAB_PREVISIONNEL]
    assert sheet_closure(saved, "Prévisionnel (mars 2026)") == kept
    assert refresh_file(saved, today=TODAY)  # and once more, still recognised
    assert list(sheet_parts(saved.read_bytes())) == [*names, TAB_PREVISIONNEL]


# --- the accountant's export ---------------------------------------------------------------------


def test_the_export_tells_the_users_sheets_from_the_tools_tabs(tmp_path: Path) -> None:
    from treso_xl.export.workbook import export_workbook, read_input_sheets

    path = workbook(tmp_path, {"Tableau de bord (2025)": NOTES, "relances": NOTES})
    assert read_input_sheets(path).omitted == ("Notes", "Tableau de bord (2025)", "relances")
    path = workbook(tmp_path, {"Tableau de bord (2025)": NOTES}, name="rafraichi.xlsx")
    assert refresh(path).exit_code == 0
    # the tool's tabs are laid out afresh, not listed
    assert read_input_sheets(path).omitted == ("Notes", "Tableau de bord (2025)")
    # and their markers do not travel into the accountant's copy
    result = export_workbook(path, tmp_path / "export.xlsx", today=TODAY)
    with zipfile.ZipFile(result.path) as archive:
        assert MARKER.encode() not in archive.read("xl/workbook.xml")
