"""The built add-ins: ribbon valid against Microsoft's schema, callbacks present in the VBA, every
Python target importable, settings sheet active and filled; install commands on Linux."""

from __future__ import annotations

import importlib
import os
import re
import warnings
import zipfile
from pathlib import Path

import pytest
import xlwings
from click.testing import CliRunner
from lxml import etree

from treso_xl.cli.addin import register
from treso_xl.cli.main import cli
from treso_xl.excel import addin_build, addin_install, ribbon
from treso_xl.excel.addin_build import BUTTONS, build_addins

with warnings.catch_warnings():  # oletools 0.60 uses pyparsing names deprecated since 3.0
    warnings.simplefilter("ignore")
    from oletools.olevba import VBA_Parser

SCHEMAS = Path(__file__).resolve().parents[2] / "shared" / "schemas"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
WIN_PYTHON = r"C:\Users\Léa\treso\.venv\Scripts\python.exe"
MAC_PYTHON = "/Users/lea/treso/.venv/bin/python"
BAS = Path(addin_build.__file__).resolve().parent / "vba" / "TresoRuban.bas"


@pytest.fixture(scope="module")
def addins(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("addins")
    return build_addins(folder, WIN_PYTHON, MAC_PYTHON)


def _schema(name: str) -> etree.XMLSchema:
    if not (SCHEMAS / name).is_file():
        if os.environ.get("CI") == "true":  # CI lays shared/ beside the clone: it must be there
            pytest.fail(f"{SCHEMAS / name} est introuvable alors que CI=true")
        pytest.skip(f"{SCHEMAS / name} is not available")
    return etree.XMLSchema(file=str(SCHEMAS / name))


def _vba_procedures(path: Path) -> dict[str, set[str]]:
    """Module name -> Sub and Function names of the file's VBA project (read with oletools)."""
    parser = VBA_Parser(str(path))
    try:
        procedures: dict[str, set[str]] = {}
        for _, _, module, code in parser.extract_macros():
            name = module.rsplit(".", 1)[0]
            found = re.findall(
                r"^\s*(?:Public\s+|Private\s+)?(?:Sub|Function)\s+(\w+)", code, re.MULTILINE
            )
            procedures.setdefault(name, set()).update(found)
        return procedures
    finally:
        parser.close()


def _vba_code(path: Path, module: str) -> str:
    parser = VBA_Parser(str(path))
    try:
        for _, _, name, code in parser.extract_macros():
            if name.rsplit(".", 1)[0] == module:
                return code
    finally:
        parser.close()
    raise KeyError(module)


def _settings(path: Path) -> dict[str, object]:
    with zipfile.ZipFile(path) as z:
        strings = [
            "".join(si.itertext())
            for si in etree.fromstring(z.read("xl/sharedStrings.xml")).iter(f"{MAIN}si")
        ]
        sheet = etree.fromstring(z.read("xl/worksheets/sheet1.xml"))
    values: dict[str, object] = {}
    for row in sheet.iter(f"{MAIN}row"):
        cells = {}
        for cell in row.iter(f"{MAIN}c"):
            kind, v = cell.get("t"), cell.find(f"{MAIN}v")
            if kind == "s":
                cells[cell.get("r")[0]] = strings[int(v.text)]
            elif kind == "inlineStr":
                cells[cell.get("r")[0]] = "".join(cell.itertext())
            elif kind == "b":
                cells[cell.get("r")[0]] = v.text == "1"
        if "A" in cells:
            values[cells["A"]] = cells.get("B")
    return values


def test_one_add_in_per_button_named_after_its_module(addins) -> None:
    assert [p.name for p in addins] == [f"treso_xl.excel.ruban.{b.key}.xlam" for b in BUTTONS]
    assert [b.label for b in BUTTONS] == [
        "Actualiser",
        "Vérifier",
        "Relances",
        "Envoyer au comptable",
        "Importer un relevé",
    ]


def test_ribbons_are_valid_against_microsofts_schema(addins) -> None:
    schema = _schema("customui14.xsd")
    for path in addins:
        with zipfile.ZipFile(path) as z:
            assert "customUI/customUI.xml" not in z.namelist()
            rels = etree.fromstring(z.read("_rels/.rels"))
            ui = [r for r in rels if r.get("Type").endswith("/ui/extensibility")]
            assert [(r.get("Type"), r.get("Target")) for r in ui] == [
                (addin_build.UI_RELATIONSHIP, "customUI/customUI14.xml")
            ]
            document = etree.fromstring(z.read("customUI/customUI14.xml"))
        assert schema.validate(document), (path.name, schema.error_log)


def test_one_shared_tab_with_french_labels_and_office_icons(addins) -> None:
    ns = {"ui": addin_build.CUSTOMUI_NS}
    labels = []
    for path, button in zip(addins, BUTTONS, strict=True):
        with zipfile.ZipFile(path) as z:
            document = etree.fromstring(z.read("customUI/customUI14.xml"))
        (tab,) = document.findall(".//ui:tab", ns)
        assert (tab.get("idQ"), tab.get("label")) == ("treso:tresorerie", "Trésorerie")
        assert document.nsmap["treso"] == addin_build.SHARED_NS
        (group,) = tab.findall("ui:group", ns)
        assert group.get("idQ") == f"treso:{button.group}"
        (node,) = group.findall("ui:button", ns)
        assert node.get("label") == button.label
        assert node.get("imageMso") and node.get("screentip") and node.get("supertip")
        labels.append(node.get("label"))
    assert len(set(labels)) == len(BUTTONS)


def test_every_callback_exists_in_the_files_vba(addins) -> None:
    ns = {"ui": addin_build.CUSTOMUI_NS}
    for path in addins:
        procedures = _vba_procedures(path)
        with zipfile.ZipFile(path) as z:
            document = etree.fromstring(z.read("customUI/customUI14.xml"))
        actions = {node.get("onAction") for node in document.iterfind(".//ui:button", ns)}
        assert actions
        for action in actions:
            module, procedure = action.split(".")
            assert procedure in procedures.get(module, set()), (path.name, action)


def test_the_callback_imports_the_module_named_like_the_file(addins) -> None:
    code = _vba_code(addins[0], "RibbonMyAddin")
    assert "mymodule = Left(ThisWorkbook.Name" in code
    assert 'RunPython "import " & mymodule & ";" & mymodule & ".main()"' in code
    for path, button in zip(addins, BUTTONS, strict=True):
        module_name = path.name[: path.name.rindex(".")]  # what the VBA computes
        module = importlib.import_module(module_name)
        assert callable(module.main)
        assert button.macro in ribbon.MACROS
        assert callable(ribbon.MACROS[button.macro])


def test_vba_is_xlwings_own_and_pins_its_version(addins) -> None:
    template = addin_build.template_path().read_bytes()
    with zipfile.ZipFile(addin_build.template_path()) as z:
        original = z.read("xl/vbaProject.bin")
    assert template
    for path in addins:
        with zipfile.ZipFile(path) as z:
            assert z.read("xl/vbaProject.bin") == original
    code = _vba_code(addins[0], "xlwings")
    assert f"'Version: {xlwings.__version__}" in code
    assert f"xlwings64-{xlwings.__version__}.dll" in code
    pyproject = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text()
    assert f'"xlwings=={xlwings.__version__}"' in pyproject


def test_settings_sheet_is_active_and_filled(addins) -> None:
    code = _vba_code(addins[0], "xlwings")
    project = re.search(r'PROJECT_NAME As String = "(\w+)"', code)
    assert project is not None
    for path, button in zip(addins, BUTTONS, strict=True):
        with zipfile.ZipFile(path) as z:
            workbook = etree.fromstring(z.read("xl/workbook.xml"))
        names = [sheet.get("name") for sheet in workbook.iter(f"{MAIN}sheet")]
        assert names == [f"{project[1]}.conf"]  # the sheet the VBA reads: GetConfigFromSheet
        settings = _settings(path)
        assert settings["Interpreter_Win"] == WIN_PYTHON
        assert settings["Interpreter_Mac"] == MAC_PYTHON
        assert settings["ADD_WORKBOOK_TO_PYTHONPATH"] == "false"
        expected_udfs = "treso_xl.excel.udfs" if button is BUTTONS[0] else None
        assert settings["UDF Modules"] == expected_udfs
        keys = list(settings)
        assert keys.index("ADD_WORKBOOK_TO_PYTHONPATH") == len(keys) - 1  # contiguous in A


def test_the_current_interpreter_is_the_default() -> None:
    import sys

    assert addin_build.current_interpreters("win32") == (sys.executable, "")
    assert addin_build.current_interpreters("darwin") == ("", sys.executable)
    assert addin_build.current_interpreters("linux") == ("", "")


def test_add_ins_open_as_packages(addins) -> None:
    for path in addins:
        with zipfile.ZipFile(path) as z:
            assert z.testzip() is None
            for name in z.namelist():
                if name.endswith((".xml", ".rels")):
                    etree.fromstring(z.read(name))  # well-formed


def test_the_template_pairs_its_namespace_with_the_newer_relationship() -> None:
    # The fact behind customUI14.xml: xlwings' template declares the 2006/01 namespace under the
    # 2007 relationship type (Excel tolerates it); the schemas pair them differently.
    with zipfile.ZipFile(addin_build.template_path()) as z:
        rels = z.read("_rels/.rels").decode()
        ui = z.read("customUI/customUI.xml")
    assert addin_build.UI_RELATIONSHIP in rels
    document = etree.fromstring(ui)
    assert document.tag == "{http://schemas.microsoft.com/office/2006/01/customui}customUI"
    assert _schema("customUI.xsd").validate(document)


def test_single_add_in_variant_is_consistent() -> None:
    xml = addin_build.SINGLE_CUSTOMUI.read_bytes()
    assert xml == addin_build.customui_xml(BUTTONS, single=True)  # regenerated, not edited
    document = etree.fromstring(xml)
    assert _schema("customui14.xsd").validate(document)
    ns = {"ui": addin_build.CUSTOMUI_NS}
    buttons = document.findall(".//ui:button", ns)
    assert {b.get("onAction") for b in buttons} == {"TresoRuban.Dispatch"}
    assert [b.get("tag") for b in buttons] == [b.macro for b in BUTTONS]
    code = BAS.read_bytes()
    assert code.isascii()  # the VBA editor imports .bas files in the ANSI code page
    text = code.decode()
    assert 'Attribute VB_Name = "TresoRuban"' in text
    assert re.search(r"^Public Sub Dispatch\(control As IRibbonControl\)", text, re.MULTILINE)
    cases = re.search(r'Case ("[a-z_]+"(?:, "[a-z_]+")*)', text)
    assert cases is not None
    assert re.findall(r'"([a-z_]+)"', cases[1]) == list(ribbon.MACROS)
    assert "treso_xl.excel.ribbon.run(" in text


def test_cli_build_writes_the_add_ins(tmp_path: Path) -> None:
    register(cli)
    result = CliRunner().invoke(
        cli, ["addin", "build", str(tmp_path), "--python-windows", WIN_PYTHON]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(b.file_name for b in BUTTONS)
    assert f"Python sous Windows : {WIN_PYTHON}" in result.output


@pytest.mark.parametrize("command", ["install", "remove", "status"])
def test_install_commands_explain_linux_in_french(command: str, monkeypatch) -> None:
    monkeypatch.setattr(addin_install.sys, "platform", "linux")
    register(cli)
    result = CliRunner().invoke(cli, ["addin", command])
    assert result.exit_code == 2
    assert "Excel ne fonctionne pas sous Linux" in result.output
    assert "Traceback" not in result.output


def test_install_goes_through_xlwings_own_logic(tmp_path: Path, monkeypatch) -> None:
    from xlwings import cli as xlwings_cli

    startup = tmp_path / "XLSTART"
    startup.mkdir()
    copied = []

    def fake_install(source: str, global_location: bool = False) -> None:
        print("Successfully installed the xlwings add-in!")  # English, kept out of sight
        copied.append(Path(source).name)
        (startup / Path(source).name).write_bytes(Path(source).read_bytes())

    def fake_remove(name: str, global_install: bool = False) -> None:
        (startup / name).unlink()

    monkeypatch.setattr(addin_install.sys, "platform", "win32")
    monkeypatch.setattr(xlwings_cli, "get_addin_dir", lambda global_location=False: startup)
    monkeypatch.setattr(xlwings_cli, "_addin_install", fake_install)
    monkeypatch.setattr(xlwings_cli, "_addin_remove", fake_remove)
    register(cli)
    runner = CliRunner()
    result = runner.invoke(cli, ["addin", "install"])
    assert result.exit_code == 0, result.output
    assert copied == [b.file_name for b in BUTTONS]
    assert "Successfully" not in result.output
    assert "l'onglet « Trésorerie » apparaît" in result.output
    status = runner.invoke(cli, ["addin", "status"])
    assert status.output.count(": installé") == len(BUTTONS)
    removed = runner.invoke(cli, ["addin", "remove"])
    assert removed.exit_code == 0, removed.output
    assert not list(startup.iterdir())


def test_only_open_source_xlwings_is_used() -> None:
    # xlwings PRO, Server, Reader and the remote engines are PolyForm-Noncommercial: not for a
    # business. Nothing here imports them or switches xlwings to its server mode.
    folder = Path(addin_build.__file__).resolve().parent
    sources = [*folder.rglob("*.py"), *folder.rglob("*.bas")]
    sources.append(folder.parent / "cli" / "addin.py")
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for banned in ("xlwings.pro", "xlwings.server", "XLWINGS_ON_SERVER", "LICENSE_KEY"):
            assert banned not in text, (path, banned)
