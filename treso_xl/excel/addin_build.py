"""Build the « Trésorerie » add-in, `treso-xl.xlam`, from xlwings' ribbon template: no Excel needed.

One add-in holds the whole tab: both ribbon parts (`customUI/customUI.xml` in the 2006/01
namespace, under the 2006 relationship type, read by Excel 2007 and by Excel for Mac;
`customUI/customUI14.xml` in the 2009/07 namespace, under the 2007 type, which Excel 2010 and later
prefer) and a VBA project built here from source text (`treso_xl.excel.ovba`): xlwings' own modules
as its BSD template carries them (`xlwings` with its settings sheet renamed `tresoxl.conf`,
`Dictionary`, the two document modules) and `TresoRuban`, generated below, with one callback per
button (`TresoRuban.TresoActualiser`…: names no other add-in uses, where every add-in made with
`xlwings quickstart --addin --ribbon` answers to `RibbonMyAddin.RunMain`). Each callback checks
that a workbook is active and not in Protected View, then calls RunPython for its own macro of
`treso_xl.excel.ribbon`. The template's `RibbonMyAddin` module is left out.
"""

from __future__ import annotations

import io
import sys
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr

import xlwings
from lxml import etree

from treso_xl.excel import ovba
from treso_xl.french import quote

TEMPLATE_NAME = "quickstart_addin_ribbon.xlam"
ADDIN_FILE = "treso-xl.xlam"
CUSTOMUI_NS = "http://schemas.microsoft.com/office/2009/07/customui"
CUSTOMUI_PART = "customUI/customUI14.xml"
UI_RELATIONSHIP = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
CUSTOMUI_2006_NS = "http://schemas.microsoft.com/office/2006/01/customui"
CUSTOMUI_2006_PART = "customUI/customUI.xml"
UI_2006_RELATIONSHIP = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
RIBBON_PARTS = (  # (part, namespace, relationship type, relationship id)
    (CUSTOMUI_2006_PART, CUSTOMUI_2006_NS, UI_2006_RELATIONSHIP, "rIdTresoUI"),
    (CUSTOMUI_PART, CUSTOMUI_NS, UI_RELATIONSHIP, "rIdTresoUI14"),
)
RIBBON_MODULE = "TresoRuban"
VBA_PROJECT_NAME = "TresoXL"
VBA_PROJECT_ID = "{6F1E3A52-9B7C-4D21-8E4A-2C5B7D9F0A13}"
XLWINGS_PROJECT_NAME = "tresoxl"  # xlwings' PROJECT_NAME: settings sheet and user config file
TEMPLATE_PROJECT_NAME = "myaddin"
TEMPLATE_RIBBON_MODULE = "RibbonMyAddin"
UDF_MODULE = "treso_xl.excel.udfs"
# The five add-ins of earlier versions, one per button: removed when this one is installed.
LEGACY_FILES = tuple(
    f"treso_xl.excel.ruban.{key}.xlam"
    for key in ("actualiser", "verifier", "relances", "envoyer", "importer")
)

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DC_NS = "http://purl.org/dc/elements/1.1/"
TEMPLATE_CONF_SHEET = "_myaddin.conf"
CONF_SHEET = f"{XLWINGS_PROJECT_NAME}.conf"

# Settings keys of the sheet, as xlwings' VBA reads them (case-insensitive).
INTERPRETER_WIN = "Interpreter_Win"
INTERPRETER_MAC = "Interpreter_Mac"
PYTHONPATH = "PYTHONPATH"
UDF_MODULES = "UDF Modules"
ADD_WORKBOOK_TO_PYTHONPATH = "ADD_WORKBOOK_TO_PYTHONPATH"

TAB_ID, TAB_LABEL = "treso_onglet", "Trésorerie"
GROUPS = {"classeur": "Classeur", "echanges": "Échanges", "aide": "Aide"}
TITLE = "Trésorerie"
NO_WORKBOOK = (
    "Aucun classeur n'est ouvert\u00a0: ouvrez votre classeur de trésorerie, cliquez dans une "
    "de ses feuilles, puis à nouveau sur le bouton."
)
PROTECTED_VIEW = (
    "Ce classeur est ouvert en mode protégé\u00a0: cliquez sur "
    f"{quote('Activer la modification')} dans la barre jaune, puis à nouveau sur le bouton."
)


@dataclass(frozen=True)
class Button:
    """One ribbon button, its VBA callback and the Python macro it runs."""

    key: str
    macro: str  # name in treso_xl.excel.ribbon.MACROS (or "diagnostic")
    label: str
    screentip: str
    supertip: str
    image: str  # imageMso: an icon of Office itself
    group: str
    keytip: str
    files: bool = False  # asks for files first (Excel's dialog) and hands them to the macro

    @property
    def procedure(self) -> str:
        """The VBA callback: `Treso` and the key, a name no other add-in uses."""
        return "Treso" + self.key.capitalize()

    @property
    def callback(self) -> str:
        return f"{RIBBON_MODULE}.{self.procedure}"

    @property
    def python(self) -> str:
        """The Python command its callback hands to RunPython."""
        if self.macro == "diagnostic":
            return "import treso_xl.excel.diagnostic as d; d.main()"
        if self.files:  # the VBA puts the chosen files, hex-encoded, in place of FILES_MARK
            return f"import treso_xl.excel.ribbon as r; r.run('{self.macro}', '{FILES_MARK}')"
        return f"import treso_xl.excel.ribbon as r; r.run('{self.macro}')"


FILES_MARK = "FICHIERS"  # in a files button's Python command, replaced by the chosen files
# Excel's file dialog filter (Windows; the Mac's dialog takes none).
STATEMENT_FILTER = (
    "Relevés bancaires (*.ofx;*.qfx;*.csv;*.xml;*.qif;*.sta;*.mt940;*.txt;*.cfo),"
    "*.ofx;*.qfx;*.csv;*.xml;*.qif;*.sta;*.mt940;*.txt;*.cfo,Tous les fichiers (*.*),*.*"
)
STATEMENT_TITLE = "Relevés bancaires à importer"

BUTTONS: tuple[Button, ...] = (
    Button(
        "actualiser",
        "actualiser",
        "Actualiser",
        "Actualiser la trésorerie",
        "Relit vos feuilles (Paramètres, Encaissements, Décaissements, Factures…), refait les "
        "calculs et réécrit tous les onglets générés : Tableau de bord, Prévisionnel, BFR, "
        "Balance âgée, Relances, URSSAF et Contrôles.",
        "RefreshAll",
        "classeur",
        "A",
    ),
    Button(
        "verifier",
        "verifier",
        "Vérifier",
        "Vérifier les données",
        "Contrôle vos feuilles sans toucher aux autres onglets : chaque problème est listé dans "
        "l'onglet Contrôles, avec sa feuille, sa ligne et un conseil.",
        "AcceptInvitation",
        "classeur",
        "V",
    ),
    Button(
        "relances",
        "relances",
        "Relances",
        "Préparer les relances",
        "Écrit un brouillon d'e-mail (.eml) par facture à relancer, au bon niveau (J+1, J+15, "
        "J+30), dans un dossier « Relances AAAA-MM-JJ » à côté du classeur.",
        "EnvelopesAndLabelsDialog",
        "classeur",
        "R",
    ),
    Button(
        "envoyer",
        "envoyer_au_comptable",
        "Envoyer au comptable",
        "Envoyer au comptable",
        "Écrit l'export pour votre comptable (livre des recettes, registres, onglets) à côté "
        "du classeur et l'envoie à « Email du comptable » (feuille Paramètres), ou en prépare "
        "un brouillon d'e-mail si aucun serveur d'envoi n'est réglé.",
        "FileSendAsAttachment",
        "echanges",
        "E",
    ),
    Button(
        "importer",
        "importer_releve",
        "Importer un relevé",
        "Importer un relevé bancaire",
        "Demande un ou plusieurs relevés (OFX, CSV, CFONB, CAMT.053, QIF, MT940) et ajoute "
        "leurs opérations à la feuille « Banque », sans doublon, avec une catégorie d'après la "
        "feuille « Règles bancaires ». Enregistrez ensuite, puis actualisez.",
        "ImportTextFile",
        "echanges",
        "I",
        files=True,
    ),
    Button(
        "diagnostic",
        "diagnostic",
        "Diagnostic",
        "Diagnostic de l'installation",
        "Affiche ce que le support demande : versions et chemins de Python, xlwings et "
        "treso-xl, réglages du complément, fonctions TRESO_… enregistrées ou non.",
        "Help",
        "aide",
        "D",
    ),
)


class AddinBuildError(RuntimeError):
    """The template is missing or not what this builder expects (French message)."""


def template_path() -> Path:
    """xlwings' ribbon add-in template, from the installed xlwings."""
    return Path(xlwings.__file__).resolve().parent / TEMPLATE_NAME


def customui_xml(buttons: Sequence[Button] = BUTTONS, namespace: str = CUSTOMUI_NS) -> bytes:
    """A ribbon part holding `buttons` in the « Trésorerie » tab, in `namespace` (2006 or 2009)."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
        f'<customUI xmlns="{namespace}">',
        "  <ribbon>",
        "    <tabs>",
        f'      <tab id="{TAB_ID}" label="{TAB_LABEL}" insertAfterMso="TabHome">',
    ]
    for group, label in GROUPS.items():
        members = [b for b in buttons if b.group == group]
        if not members:
            continue
        lines.append(f'        <group id="treso_{group}" label={quoteattr(label)}>')
        for b in members:
            lines.append(
                f'          <button id="treso_{b.key}" label={quoteattr(b.label)} size="large"'
                f" imageMso={quoteattr(b.image)} keytip={quoteattr(b.keytip)}"
                f" screentip={quoteattr(b.screentip)} supertip={quoteattr(b.supertip)}"
                f' onAction="{b.callback}"/>'
            )
        lines.append("        </group>")
    lines += ["      </tab>", "    </tabs>", "  </ribbon>", "</customUI>", ""]
    return "\n".join(lines).encode("utf-8")


def vba_text(text: str) -> str:
    """A VBA string expression for `text`, ASCII only (ChrW for the rest): the project's code
    page differs between Windows and Mac, ChrW does not."""
    parts: list[str] = []
    run = ""
    for char in text:
        if char.isascii() and char.isprintable():
            run += '""' if char == '"' else char
            continue
        if run:
            parts.append(f'"{run}"')
            run = ""
        parts.append(f"ChrW({ord(char)})")
    if run or not parts:
        parts.append(f'"{run}"')
    return " & ".join(parts)


def ribbon_module(buttons: Sequence[Button] = BUTTONS) -> str:
    """The source of the VBA module `TresoRuban`: one callback per button, and its guard."""
    lines = [
        f'Attribute VB_Name = "{RIBBON_MODULE}"',
        "' treso-xl: the callbacks of the ribbon tab (generated by treso_xl/excel/addin_build.py).",
        "Option Explicit",
        "",
        "Private Function TresoReady() As Boolean",
        "    ' RunPython needs an active workbook; a file in Protected View is not one.",
        "    Dim protectedView As Boolean",
        "    If Not ActiveWorkbook Is Nothing Then",
        "        TresoReady = True",
        "        Exit Function",
        "    End If",
        "#If Not Mac Then",
        "    On Error Resume Next",
        "    protectedView = Not (Application.ActiveProtectedViewWindow Is Nothing)",
        "    On Error GoTo 0",
        "#End If",
        "    If protectedView Then",
        f"        MsgBox {vba_text(PROTECTED_VIEW)}, vbExclamation, {vba_text(TITLE)}",
        "    Else",
        f"        MsgBox {vba_text(NO_WORKBOOK)}, vbExclamation, {vba_text(TITLE)}",
        "    End If",
        "End Function",
    ]
    for b in buttons:
        if b.files:
            lines += ["", *_files_callback(b)]
            continue
        lines += [
            "",
            f"Public Sub {b.procedure}(control As IRibbonControl)",
            f"    If TresoReady() Then RunPython {vba_text(b.python)}",
            "End Sub",
        ]
    if any(b.files for b in buttons):
        lines += ["", *TRESO_HEX]
    return "\r\n".join(lines) + "\r\n"


# The chosen paths travel to Python as the hexadecimal of their UTF-16 code units: the command
# RunPython hands over then holds ASCII only, whatever the code page (see ribbon.importer_releve).
TRESO_HEX = (
    "Private Function TresoHex(text As String) As String",
    "    Dim i As Long",
    "    Dim result As String",
    "    For i = 1 To Len(text)",
    '        result = result & Right$("000" & Hex$(AscW(Mid$(text, i, 1)) And &HFFFF&), 4)',
    "    Next i",
    "    TresoHex = result",
    "End Function",
)


def _files_callback(b: Button) -> list[str]:
    """A callback that asks for files (Excel's dialog, several at once), then runs the macro
    with them, hex-encoded and joined by "-"; Cancel runs nothing."""
    return [
        f"Public Sub {b.procedure}(control As IRibbonControl)",
        "    Dim files As Variant",
        "    Dim i As Long",
        "    Dim arg As String",
        "    If Not TresoReady() Then Exit Sub",
        "    On Error Resume Next",
        "#If Mac Then",
        f"    files = Application.GetOpenFilename(, , {vba_text(STATEMENT_TITLE)}, , True)",
        "#Else",
        f"    files = Application.GetOpenFilename({vba_text(STATEMENT_FILTER)}, 1, "
        f"{vba_text(STATEMENT_TITLE)}, , True)",
        "#End If",
        "    On Error GoTo 0",
        "    If IsArray(files) Then",
        "        For i = LBound(files) To UBound(files)",
        '            If Len(arg) > 0 Then arg = arg & "-"',
        "            arg = arg & TresoHex(CStr(files(i)))",
        "        Next i",
        "    ElseIf VarType(files) = vbString Then",  # one file, as the Mac may give it
        "        arg = TresoHex(CStr(files))",
        "    End If",
        "    If Len(arg) = 0 Then Exit Sub",  # Cancel: GetOpenFilename gives False
        f"    RunPython Replace({vba_text(b.python)}, {vba_text(FILES_MARK)}, arg)",
        "End Sub",
    ]


def project_modules(template_project: bytes) -> tuple[bytes, list[ovba.Module]]:
    """(dir head, modules) of the add-in's VBA project, from the template's project."""
    head, modules = ovba.read_project(template_project)
    out = []
    for module in modules:
        if module.name == TEMPLATE_RIBBON_MODULE:
            continue  # its RunMain is the callback every quickstart add-in shares
        if module.name == "xlwings":
            constant = f'PROJECT_NAME As String = "{TEMPLATE_PROJECT_NAME}"'
            if constant not in module.source:
                raise AddinBuildError(
                    "le module VBA « xlwings » du modèle n'a pas la constante PROJECT_NAME "
                    "attendue."
                )
            source = module.source.replace(
                constant, f'PROJECT_NAME As String = "{XLWINGS_PROJECT_NAME}"'
            )
            module = ovba.Module(module.name, module.kind, source)
        out.append(ovba.Module(module.name, module.kind, ovba.crlf(module.source)))
    if not any(m.name == "xlwings" for m in out):
        raise AddinBuildError("le projet VBA du modèle xlwings n'a pas de module « xlwings ».")
    out.append(ovba.Module(RIBBON_MODULE, ovba.STANDARD, ribbon_module()))
    return head, out


def vba_project(template_project: bytes) -> bytes:
    """The add-in's vbaProject.bin, built from source text."""
    head, modules = project_modules(template_project)
    return ovba.vba_project(VBA_PROJECT_ID, VBA_PROJECT_NAME, head, modules)


def _parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _root_rels(data: bytes) -> bytes:
    """The package relationships with the template's ribbon replaced by both ribbon parts."""
    root = _parse(data)
    found = False
    for rel in root.findall(f"{{{PKG_REL_NS}}}Relationship"):
        if rel.get("Type", "").endswith("/ui/extensibility"):
            root.remove(rel)
            found = True
    if not found:
        raise AddinBuildError("le modèle de complément xlwings n'a pas de ruban (customUI).")
    for part, _, kind, rid in RIBBON_PARTS:
        etree.SubElement(root, f"{{{PKG_REL_NS}}}Relationship", Id=rid, Type=kind, Target=part)
    return _serialize(root)


def _workbook(data: bytes, conf_sheet: str) -> bytes:
    root = _parse(data)
    for sheet in root.iter(f"{{{MAIN_NS}}}sheet"):
        if sheet.get("name") == TEMPLATE_CONF_SHEET:
            sheet.set("name", conf_sheet)
            return _serialize(root)
    raise AddinBuildError(
        f"le modèle de complément xlwings n'a pas de feuille « {TEMPLATE_CONF_SHEET} »."
    )


def _shared_strings(data: bytes) -> list[str]:
    root = _parse(data)
    return ["".join(si.itertext()) for si in root.findall(f"{{{MAIN_NS}}}si")]


def _cell_text(cell: etree._Element, strings: list[str]) -> str | None:
    kind = cell.get("t")
    value = cell.find(f"{{{MAIN_NS}}}v")
    if kind == "s" and value is not None and value.text is not None:
        return strings[int(value.text)]
    if kind == "inlineStr":
        return "".join(cell.itertext())
    return None


def _set_cell(row: etree._Element, ref: str, value: str | bool, style: str | None) -> None:
    for cell in row.findall(f"{{{MAIN_NS}}}c"):
        if cell.get("r") == ref:
            row.remove(cell)
    cell = etree.SubElement(row, f"{{{MAIN_NS}}}c", r=ref)
    if style is not None:
        cell.set("s", style)
    if isinstance(value, bool):
        cell.set("t", "b")
        etree.SubElement(cell, f"{{{MAIN_NS}}}v").text = "1" if value else "0"
    else:
        cell.set("t", "inlineStr")
        inline = etree.SubElement(cell, f"{{{MAIN_NS}}}is")
        text = etree.SubElement(inline, f"{{{MAIN_NS}}}t")
        text.text = value
        if value != value.strip():
            text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    cells = row.findall(f"{{{MAIN_NS}}}c")
    for other in cells:
        row.remove(other)
    for other in sorted(cells, key=lambda c: _column_key(c.get("r", ""))):
        row.append(other)  # cells in column order, as the format requires


def _column_key(ref: str) -> tuple[int, str]:
    letters = "".join(ch for ch in ref if ch.isalpha())
    return len(letters), letters


def _settings_sheet(data: bytes, strings: list[str], settings: dict[str, str | bool]) -> bytes:
    """Fill column B of the settings sheet for `settings` (keys matched case-insensitively);
    keys the template does not list are added right below the last one (the VBA reads column A
    down to its first empty cell)."""
    root = _parse(data)
    sheet_data = root.find(f"{{{MAIN_NS}}}sheetData")
    if sheet_data is None:
        raise AddinBuildError("la feuille de réglages du modèle xlwings est vide.")
    rows = {int(row.get("r", "0")): row for row in sheet_data.findall(f"{{{MAIN_NS}}}row")}
    keys: dict[str, int] = {}
    style = None
    for number, row in sorted(rows.items()):
        for cell in row.findall(f"{{{MAIN_NS}}}c"):
            if cell.get("r") == f"A{number}":
                text = _cell_text(cell, strings)
                if text:
                    keys[text.upper()] = number
                    style = style or cell.get("s")
    last = max(keys.values(), default=0)
    if any(n not in keys.values() for n in range(1, last + 1)):
        raise AddinBuildError("la feuille de réglages du modèle xlwings a une ligne vide.")
    for key, value in settings.items():
        if value == "":
            continue  # an empty cell of the template stays empty
        number = keys.get(key.upper())
        if number is None:
            last += 1
            number = keys[key.upper()] = last
            row = rows.get(number)
            if row is None:
                row = etree.Element(f"{{{MAIN_NS}}}row", r=str(number))
                following = [r for n, r in rows.items() if n > number]
                if following:
                    min(following, key=lambda r: int(r.get("r", "0"))).addprevious(row)
                else:
                    sheet_data.append(row)
                rows[number] = row
            row.attrib.pop("spans", None)
            _set_cell(row, f"A{number}", key, style)
        row = rows[number]
        row.attrib.pop("spans", None)
        _set_cell(row, f"B{number}", value, style)
    dimension = root.find(f"{{{MAIN_NS}}}dimension")
    if dimension is not None:
        dimension.set("ref", f"A1:B{max(rows)}")
    return _serialize(root)


def _core_properties(data: bytes) -> bytes:
    root = _parse(data)
    values = {
        "title": "Trésorerie (treso-xl)",
        "description": "L'onglet « Trésorerie » du ruban : "
        + ", ".join(b.label for b in BUTTONS)
        + ".",
    }
    for name, text in values.items():
        element = root.find(f"{{{DC_NS}}}{name}")
        if element is None:
            element = etree.SubElement(root, f"{{{DC_NS}}}{name}")
        element.text = text
    return _serialize(root)


def settings_for(
    interpreter_win: str = "",
    interpreter_mac: str = "",
    pythonpath: str = "",
) -> dict[str, str | bool]:
    """What the add-in's settings sheet holds."""
    return {
        INTERPRETER_WIN: interpreter_win,
        INTERPRETER_MAC: interpreter_mac,
        PYTHONPATH: pythonpath,
        # The workbook's folder would come first on sys.path: a stray "pandas.py" there would
        # shadow the real one. treso-xl is installed in the interpreter's environment.
        ADD_WORKBOOK_TO_PYTHONPATH: "false",
        UDF_MODULES: UDF_MODULE,
    }


def build_addin(template: bytes, settings: dict[str, str | bool]) -> bytes:
    """The add-in, from the bytes of xlwings' ribbon template."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(template)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        names = source.namelist()
        if "xl/vbaProject.bin" not in names:
            raise AddinBuildError("le modèle de complément xlwings n'a pas de projet VBA.")
        strings = _shared_strings(source.read("xl/sharedStrings.xml"))
        sheet_part = _conf_sheet_part(source)
        for info in source.infolist():
            name = info.filename
            data = source.read(name)
            if name.startswith("customUI/"):
                continue  # replaced below
            if name == "_rels/.rels":
                data = _root_rels(data)
            elif name == "xl/workbook.xml":
                data = _workbook(data, CONF_SHEET)
            elif name == sheet_part:
                data = _settings_sheet(data, strings, settings)
            elif name == "docProps/core.xml":
                data = _core_properties(data)
            elif name == "xl/vbaProject.bin":
                data = vba_project(data)
            target.writestr(_entry(name, info), data)
        for part, namespace, _, _ in RIBBON_PARTS:
            target.writestr(_entry(part, None), customui_xml(BUTTONS, namespace))
    return out.getvalue()


def _entry(name: str, info: zipfile.ZipInfo | None) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, date_time=info.date_time if info else (1980, 1, 1, 0, 0, 0))
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = 0o600 << 16
    return entry


def _conf_sheet_part(source: zipfile.ZipFile, sheet_name: str = TEMPLATE_CONF_SHEET) -> str:
    """The worksheet part of the settings sheet (the template's by default)."""
    workbook = _parse(source.read("xl/workbook.xml"))
    rels = _parse(source.read("xl/_rels/workbook.xml.rels"))
    rel_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    for sheet in workbook.iter(f"{{{MAIN_NS}}}sheet"):
        if sheet.get("name") == sheet_name:
            rid = sheet.get(f"{{{rel_ns}}}id")
            for rel in rels.findall(f"{{{PKG_REL_NS}}}Relationship"):
                if rel.get("Id") == rid:
                    return "xl/" + rel.get("Target", "").lstrip("/").removeprefix("xl/")
    raise AddinBuildError(f"le complément n'a pas de feuille « {sheet_name} ».")


def read_settings(path: Path) -> dict[str, str | bool | None]:
    """The settings sheet of a built add-in: column A's keys, column B's values."""
    with zipfile.ZipFile(path) as source:
        strings = _shared_strings(source.read("xl/sharedStrings.xml"))
        sheet = _parse(source.read(_conf_sheet_part(source, CONF_SHEET)))
    settings: dict[str, str | bool | None] = {}
    for row in sheet.iter(f"{{{MAIN_NS}}}row"):
        cells: dict[str, str | bool | None] = {}
        for cell in row.findall(f"{{{MAIN_NS}}}c"):
            column = "".join(ch for ch in cell.get("r", "") if ch.isalpha())
            value = cell.find(f"{{{MAIN_NS}}}v")
            if cell.get("t") == "b" and value is not None:
                cells[column] = value.text == "1"
            else:
                cells[column] = _cell_text(cell, strings)
        key = cells.get("A")
        if isinstance(key, str) and key:
            settings[key] = cells.get("B")
    return settings


def current_interpreters(platform: str | None = None) -> tuple[str, str]:
    """(Interpreter_Win, Interpreter_Mac) for the Python running this: the current platform's."""
    platform = platform or sys.platform
    if platform.startswith("win"):
        return sys.executable, ""
    if platform == "darwin":
        return "", sys.executable
    return "", ""


def build_addins(
    folder: Path,
    interpreter_win: str | None = None,
    interpreter_mac: str | None = None,
    pythonpath: str = "",
    template: Path | None = None,
) -> list[Path]:
    """Write the add-in into `folder` (a list of one path); interpreters default to this Python."""
    source = template or template_path()
    try:
        data = source.read_bytes()
    except OSError as error:
        raise AddinBuildError(
            f"modèle de complément xlwings introuvable ({source}) : réinstallez xlwings "
            f"{xlwings.__version__}."
        ) from error
    win, mac = current_interpreters()
    win = win if interpreter_win is None else interpreter_win
    mac = mac if interpreter_mac is None else interpreter_mac
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ADDIN_FILE
    path.write_bytes(build_addin(data, settings_for(win, mac, pythonpath)))
    return [path]
