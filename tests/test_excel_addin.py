"""The built add-ins: ribbon valid against Microsoft's schema, callbacks present in the VBA, every
Python target importable, settings sheet active and filled; install commands on Linux."""

from __future__ import annotations

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


def test_one_add_in_holds_every_button(addins) -> None:
    assert [p.name for p in addins] == ["treso-xl.xlam"]
    assert [b.label for b in BUTTONS] == [
        "Actualiser",
        "Vérifier",
        "Relances",
        "Envoyer au comptable",
        "Importer un relevé",
        "Diagnostic",
    ]
    assert "importer_releve" in {b.macro for b in BUTTONS}


def _ribbon_parts(path: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(path) as z:
        rels = etree.fromstring(z.read("_rels/.rels"))
        ui = [r for r in rels if r.get("Type").endswith("/ui/extensibility")]
        return {r.get("Type"): etree.fromstring(z.read(r.get("Target"))) for r in ui}


def test_both_ribbon_parts_are_valid_against_microsofts_schemas(addins) -> None:
    parts = _ribbon_parts(addins[0])
    assert set(parts) == {addin_build.UI_2006_RELATIONSHIP, addin_build.UI_RELATIONSHIP}
    old = parts[addin_build.UI_2006_RELATIONSHIP]
    new = parts[addin_build.UI_RELATIONSHIP]
    assert old.tag == f"{{{addin_build.CUSTOMUI_2006_NS}}}customUI"
    assert new.tag == f"{{{addin_build.CUSTOMUI_NS}}}customUI"
    assert _schema("customUI.xsd").validate(old), _schema("customUI.xsd").error_log
    assert _schema("customui14.xsd").validate(new), _schema("customui14.xsd").error_log
    with zipfile.ZipFile(addins[0]) as z:
        assert {"customUI/customUI.xml", "customUI/customUI14.xml"} <= set(z.namelist())


def test_one_tab_with_french_labels_and_office_icons(addins) -> None:
    for namespace, document in _ribbon_parts(addins[0]).items():
        ns = {"ui": document.tag[1:].split("}")[0]}
        tabs = document.findall(".//ui:tab", ns)
        assert [t.get("label") for t in tabs] == ["Trésorerie"], namespace
        buttons = document.findall(".//ui:button", ns)
        assert [b.get("label") for b in buttons] == [b.label for b in BUTTONS]
        assert all(b.get("imageMso") and b.get("supertip") for b in buttons)


def test_every_callback_exists_in_the_vba_under_a_treso_name(addins) -> None:
    procedures = _vba_procedures(addins[0])
    xlwings_modules = {"RibbonMyAddin", "xlwings", "Main", "Config", "Extensions", "Utils"}
    for document in _ribbon_parts(addins[0]).values():
        ns = {"ui": document.tag[1:].split("}")[0]}
        callbacks = [b.get("onAction") for b in document.findall(".//ui:button", ns)]
        assert len(set(callbacks)) == len(BUTTONS)  # one callback per button
        for callback in callbacks:
            module, procedure = callback.split(".")
            assert module.startswith("Treso") and module not in xlwings_modules
            assert procedure.startswith("Treso")
            assert procedure in procedures[module], callback
    assert "RibbonMyAddin" not in procedures  # the callback every quickstart add-in shares


def test_each_callback_runs_its_own_macro_behind_the_guard(addins) -> None:
    code = _vba_code(addins[0], "TresoRuban")
    for button in BUTTONS:
        body = re.search(
            rf"Public Sub {button.procedure}\(control As IRibbonControl\)\r\n(.*?)End Sub",
            code,
            re.S,
        )
        assert body is not None, button.procedure
        if button.files:  # asks for the statements first, several at once, Cancel runs nothing
            assert "If Not TresoReady() Then Exit Sub" in body[1]
            assert "Application.GetOpenFilename(" in body[1] and ", , True)" in body[1]
            assert "If Len(arg) = 0 Then Exit Sub" in body[1]
            assert f'RunPython Replace("{button.python}", "FICHIERS", arg)' in body[1]
            continue
        assert body[1].strip() == f'If TresoReady() Then RunPython "{button.python}"'
        if button.macro != "diagnostic":
            assert button.macro in ribbon.MACROS
    assert "ActiveWorkbook Is Nothing" in code and "ActiveProtectedViewWindow" in code
    assert "#If Not Mac Then" in code  # Protected View does not exist on the Mac
    assert code.isascii()  # accents through ChrW: the code page differs on the Mac
    assert "ChrW(233)" in code and "ChrW(160)" in code  # « é », no-break space


def test_every_module_reads_back_identical(addins) -> None:
    with zipfile.ZipFile(addin_build.template_path()) as z:
        _, modules = addin_build.project_modules(z.read("xl/vbaProject.bin"))
    parser = VBA_Parser(str(addins[0]))
    try:
        read = {name.rsplit(".", 1)[0]: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()
    assert set(read) == {m.name for m in modules}
    for module in modules:
        assert read[module.name] == module.source, module.name
    assert {m.name for m in modules} == {
        "ThisWorkbook",
        "Sheet2",
        "Dictionary",
        "xlwings",
        "TresoRuban",
    }


def test_vba_is_xlwings_own_and_pins_its_version(addins) -> None:
    code = _vba_code(addins[0], "xlwings")
    assert f"'Version: {xlwings.__version__}" in code
    assert f"xlwings64-{xlwings.__version__}.dll" in code
    assert 'PROJECT_NAME As String = "tresoxl"' in code  # not "myaddin", every quickstart's
    with zipfile.ZipFile(addin_build.template_path()) as z:
        template = VBA_Parser("t.xlam", data=z.read("xl/vbaProject.bin"))
    try:
        original = next(c for _, _, n, c in template.extract_macros() if n == "xlwings.bas")
    finally:
        template.close()
    expected = original.replace(
        'PROJECT_NAME As String = "myaddin"', 'PROJECT_NAME As String = "tresoxl"'
    )
    assert code == expected.replace("\r\n", "\n").replace("\n", "\r\n")
    pyproject = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text()
    assert f'"xlwings=={xlwings.__version__}"' in pyproject


def test_settings_sheet_is_active_and_filled(addins) -> None:
    path = addins[0]
    with zipfile.ZipFile(path) as z:
        workbook = etree.fromstring(z.read("xl/workbook.xml"))
    names = [sheet.get("name") for sheet in workbook.iter(f"{MAIN}sheet")]
    assert names == ["tresoxl.conf"]  # the sheet the VBA reads: GetConfigFromSheet
    settings = _settings(path)
    assert settings["Interpreter_Win"] == WIN_PYTHON
    assert settings["Interpreter_Mac"] == MAC_PYTHON
    assert settings["ADD_WORKBOOK_TO_PYTHONPATH"] == "false"
    assert settings["UDF Modules"] == "treso_xl.excel.udfs"
    keys = list(settings)
    assert keys.index("ADD_WORKBOOK_TO_PYTHONPATH") == len(keys) - 1  # contiguous in column A
    assert addin_build.read_settings(path)["Interpreter_Win"] == WIN_PYTHON


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


def test_cli_build_writes_the_add_ins(tmp_path: Path) -> None:
    register(cli)
    result = CliRunner().invoke(
        cli, ["addin", "build", str(tmp_path), "--python-windows", WIN_PYTHON]
    )
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.iterdir()] == ["treso-xl.xlam"]
    assert f"Python sous Windows : {WIN_PYTHON}" in result.output


@pytest.mark.parametrize("command", ["install", "remove", "status"])
def test_install_commands_explain_linux_in_french(command: str, monkeypatch) -> None:
    monkeypatch.setattr(addin_install.sys, "platform", "linux")
    register(cli)
    result = CliRunner().invoke(cli, ["addin", command])
    assert result.exit_code == 2
    assert "Excel ne fonctionne pas sous Linux" in result.output
    assert "Traceback" not in result.output


def _fake_xlwings(monkeypatch, startup: Path, copied: list[str]) -> None:
    from xlwings import cli as xlwings_cli

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


def test_install_goes_through_xlwings_own_logic(tmp_path: Path, monkeypatch) -> None:
    startup = tmp_path / "XLSTART"
    startup.mkdir()
    (startup / "treso_xl.excel.ruban.actualiser.xlam").write_bytes(b"old")  # earlier version
    (startup / "autre.xlam").write_bytes(b"someone else's")
    copied: list[str] = []
    _fake_xlwings(monkeypatch, startup, copied)
    register(cli)
    runner = CliRunner()
    result = runner.invoke(cli, ["addin", "install"])
    assert result.exit_code == 0, result.output
    assert copied == ["treso-xl.xlam"]
    assert sorted(p.name for p in startup.iterdir()) == ["autre.xlam", "treso-xl.xlam"]
    assert "Successfully" not in result.output
    assert "l'onglet « Trésorerie » apparaît" in result.output
    status = runner.invoke(cli, ["addin", "status"])
    assert status.output.count(": installé") == 1
    removed = runner.invoke(cli, ["addin", "remove"])
    assert removed.exit_code == 0, removed.output
    assert [p.name for p in startup.iterdir()] == ["autre.xlam"]


def test_install_says_when_the_copy_did_not_happen(tmp_path: Path, monkeypatch) -> None:
    startup = tmp_path / "XLSTART"
    startup.mkdir()
    _fake_xlwings(monkeypatch, startup, [])
    from xlwings import cli as xlwings_cli

    monkeypatch.setattr(xlwings_cli, "_addin_install", lambda source, g=False: print("Error"))
    register(cli)
    result = CliRunner().invoke(cli, ["addin", "install"])
    assert result.exit_code != 0
    assert "n'a pas été copié" in result.output and "Error" in result.output


def test_install_checks_the_interpreter_it_set(tmp_path: Path, monkeypatch) -> None:
    startup = tmp_path / "XLSTART"
    startup.mkdir()
    _fake_xlwings(monkeypatch, startup, [])
    monkeypatch.setattr(
        addin_build, "current_interpreters", lambda: (str(tmp_path / "absent.exe"), "")
    )
    register(cli)
    result = CliRunner().invoke(cli, ["addin", "install"])
    assert result.exit_code != 0
    assert "absent.exe" in result.output and "introuvable" in result.output


class _FakeApp:
    """Just enough of xlwings' App for import_functions: books, quit."""

    def __init__(self, registered: bool) -> None:
        self.quit_calls = 0
        self.book = _FakeBook(registered)
        self.books = {"treso-xl.xlam": self.book}

    def quit(self) -> None:
        self.quit_calls += 1


class _FakeBook:
    def __init__(self, registered: bool) -> None:
        self.registered = registered
        self.saved = False

    def macro(self, name: str):
        assert name == "ImportPythonUDFsToAddin"
        return lambda: None  # xlwings' VBA swallows its errors: nothing tells

    def save(self) -> None:
        self.saved = True

    @property
    def api(self):
        names = ["xlwings", "TresoRuban"] + (["xlwings_udfs"] if self.registered else [])
        code = "Function TRESO_ECHEANCE(...)\nFunction TRESO_PLAN(...)"

        class Component:
            def __init__(self, name: str) -> None:
                self.Name = name
                self.CodeModule = type(
                    "M", (), {"CountOfLines": 2, "Lines": staticmethod(lambda a, b: code)}
                )()

        class Components:
            Count = len(names)

            def Item(self, key):
                return Component(names[key - 1] if isinstance(key, int) else key)

        return type("Api", (), {"VBProject": type("P", (), {"VBComponents": Components()})()})()


@pytest.mark.parametrize("registered", [True, False])
def test_import_functions_checks_and_quits_the_excel_it_started(
    tmp_path: Path, monkeypatch, registered: bool
) -> None:
    import xlwings as xw

    app = _FakeApp(registered)
    monkeypatch.setattr(addin_install.sys, "platform", "win32")
    monkeypatch.setattr(xw, "apps", type("Apps", (), {"count": 0})())
    monkeypatch.setattr(xw, "App", lambda **kwargs: app)
    path = tmp_path / "treso-xl.xlam"
    if registered:
        addin_install.import_functions(path)
    else:
        with pytest.raises(addin_install.AddinInstallError, match="ne sont pas dans le complément"):
            addin_install.import_functions(path)
    assert app.quit_calls == 1  # the hidden Excel it started is quit either way
    assert app.book.saved


def test_diagnostic_tells_versions_and_settings(addins) -> None:
    register(cli)
    result = CliRunner().invoke(cli, ["addin", "diagnostic", str(addins[0])])
    assert result.exit_code == 0, result.output
    assert f"xlwings : {xlwings.__version__}" in result.output
    assert f"Interpreter_Win : {WIN_PYTHON}" in result.output
    assert "treso_xl.excel.udfs) importable : oui" in result.output
    assert "Traceback" not in result.output


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


def test_a_mac_interpreter_path_with_a_space_goes_through_a_script(tmp_path: Path) -> None:
    # xlwings' AppleScript runs `<interpreter> -B -u -W ignore -c "…"` unquoted
    import subprocess
    import sys

    assert addin_install.mac_interpreter("/Users/lea/treso/bin/python", tmp_path) == (
        "/Users/lea/treso/bin/python"
    )
    spaced = tmp_path / "Léa Martin" / "python"
    spaced.parent.mkdir()
    spaced.symlink_to(sys.executable)
    home = tmp_path / "home"
    wrapper = addin_install.mac_interpreter(str(spaced), home)
    assert wrapper == str(home / ".tresoxl" / "python") and " " not in wrapper
    # the shell command xlwings builds, run for real through the script
    command = f'{wrapper} -B -u -W ignore -c "import sys; print(\'ok\', sys.argv[1:])" "--wb=x"'
    result = subprocess.run(["/bin/sh", "-c", command], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "ok ['--wb=x']"
    with pytest.raises(addin_install.AddinInstallError, match="sans espace"):
        addin_install.mac_interpreter(str(spaced), tmp_path / "mon dossier")
