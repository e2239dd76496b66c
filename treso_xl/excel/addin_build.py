"""Build the ribbon add-ins from xlwings' own template, at zip level: no Excel needed, any OS.

Wiring: one add-in per button. xlwings' ribbon template (`quickstart_addin_ribbon.xlam`, BSD) has
one ribbon callback, `RibbonMyAddin.RunMain`, which runs `import <file name without extension>;
<same>.main()` whatever the button. Its VBA can only be changed inside Excel, but its ribbon
(customUI part) and its settings sheet are plain XML. So each button is a copy of the template named
after the Python module it must run (`treso_xl.excel.ruban.actualiser.xlam` imports
`treso_xl.excel.ruban.actualiser` and calls its `main()`), with a ribbon holding that one button.
All copies declare the same tab and groups with `idQ` in one shared namespace, so Excel merges their
buttons into a single « Trésorerie » tab. The VBA project is copied byte for byte.

The template pairs the 2006/01 customUI namespace with the 2007 relationship type; the copies use a
`customUI/customUI14.xml` part in the 2009/07 namespace, which is the pair that relationship type
names (see ../shared/schemas/README.md). The settings sheet, shipped hidden and inactive as
`_myaddin.conf`, is renamed `myaddin.conf` (the VBA constant PROJECT_NAME is "myaddin") and filled
with the interpreter to run.
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

TEMPLATE_NAME = "quickstart_addin_ribbon.xlam"
CUSTOMUI_NS = "http://schemas.microsoft.com/office/2009/07/customui"
CUSTOMUI_PART = "customUI/customUI14.xml"
UI_RELATIONSHIP = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
SHARED_NS = "urn:treso-xl:ruban"  # the same in every add-in: their tab and groups merge
CALLBACK = "RibbonMyAddin.RunMain"  # the template's only ribbon callback
MODULE_PREFIX = "treso_xl.excel.ruban"
UDF_MODULE = "treso_xl.excel.udfs"

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DC_NS = "http://purl.org/dc/elements/1.1/"
TEMPLATE_CONF_SHEET = "_myaddin.conf"

# Settings keys of the sheet, as xlwings' VBA reads them (case-insensitive).
INTERPRETER_WIN = "Interpreter_Win"
INTERPRETER_MAC = "Interpreter_Mac"
PYTHONPATH = "PYTHONPATH"
UDF_MODULES = "UDF Modules"
ADD_WORKBOOK_TO_PYTHONPATH = "ADD_WORKBOOK_TO_PYTHONPATH"

TAB_ID, TAB_LABEL = "tresorerie", "Trésorerie"
GROUPS = {"classeur": "Classeur", "echanges": "Échanges"}


@dataclass(frozen=True)
class Button:
    """One ribbon button and the add-in that carries it."""

    key: str  # module of treso_xl.excel.ruban
    macro: str  # function of treso_xl.excel.ribbon
    label: str
    screentip: str
    supertip: str
    image: str  # imageMso: an icon of Office itself
    group: str
    keytip: str

    @property
    def module(self) -> str:
        return f"{MODULE_PREFIX}.{self.key}"

    @property
    def file_name(self) -> str:
        return f"{self.module}.xlam"


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
        "Ajoute les mouvements d'un relevé bancaire à vos encaissements et décaissements "
        "(disponible dans une prochaine version).",
        "ImportTextFile",
        "echanges",
        "I",
    ),
)


class AddinBuildError(RuntimeError):
    """The template is missing or not what this builder expects (French message)."""


def template_path() -> Path:
    """xlwings' ribbon add-in template, from the installed xlwings."""
    return Path(xlwings.__file__).resolve().parent / TEMPLATE_NAME


SINGLE_CALLBACK = "TresoRuban.Dispatch"  # vba/TresoRuban.bas, single add-in variant
SINGLE_CUSTOMUI = Path(__file__).resolve().parent / "vba" / "customUI14_unique.xml"


def customui_xml(buttons: Sequence[Button], single: bool = False) -> bytes:
    """The ribbon part of an add-in holding `buttons` in the shared « Trésorerie » tab.

    `single`: the variant where one add-in holds every button, each calling the generic
    `TresoRuban.Dispatch` with the macro's name as its tag (VBA in vba/TresoRuban.bas).
    """
    lines = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
        f'<customUI xmlns="{CUSTOMUI_NS}" xmlns:treso="{SHARED_NS}">',
        "  <ribbon>",
        "    <tabs>",
        f'      <tab idQ="treso:{TAB_ID}" label="{TAB_LABEL}" insertAfterMso="TabHome">',
    ]
    for group, label in GROUPS.items():
        members = [b for b in buttons if b.group == group]
        if not members:
            continue
        lines.append(f'        <group idQ="treso:{group}" label={quoteattr(label)}>')
        for b in members:
            lines.append(
                f'          <button id="treso_{b.key}" label={quoteattr(b.label)} size="large"'
                f" imageMso={quoteattr(b.image)} keytip={quoteattr(b.keytip)}"
                f" screentip={quoteattr(b.screentip)} supertip={quoteattr(b.supertip)}"
                + (
                    f' tag="{b.macro}" onAction="{SINGLE_CALLBACK}"/>'
                    if single
                    else f' onAction="{CALLBACK}"/>'
                )
            )
        lines.append("        </group>")
    lines += ["      </tab>", "    </tabs>", "  </ribbon>", "</customUI>", ""]
    return "\n".join(lines).encode("utf-8")


def _parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _root_rels(data: bytes) -> bytes:
    root = _parse(data)
    found = False
    for rel in root.findall(f"{{{PKG_REL_NS}}}Relationship"):
        if rel.get("Type", "").endswith("/ui/extensibility"):
            rel.set("Type", UI_RELATIONSHIP)
            rel.set("Target", CUSTOMUI_PART)
            found = True
    if not found:
        raise AddinBuildError("le modèle de complément xlwings n'a pas de ruban (customUI).")
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


def _core_properties(data: bytes, button: Button) -> bytes:
    root = _parse(data)
    values = {
        "title": f"Trésorerie : {button.label} (treso-xl)",
        "description": f"Bouton « {button.label} » de l'onglet Trésorerie. {button.supertip}",
    }
    for name, text in values.items():
        element = root.find(f"{{{DC_NS}}}{name}")
        if element is None:
            element = etree.SubElement(root, f"{{{DC_NS}}}{name}")
        element.text = text
    return _serialize(root)


def settings_for(
    button: Button,
    interpreter_win: str = "",
    interpreter_mac: str = "",
    pythonpath: str = "",
) -> dict[str, str | bool]:
    """What the settings sheet of `button`'s add-in holds."""
    settings: dict[str, str | bool] = {
        INTERPRETER_WIN: interpreter_win,
        INTERPRETER_MAC: interpreter_mac,
        PYTHONPATH: pythonpath,
        # The workbook's folder would come first on sys.path: a stray "pandas.py" there would
        # shadow the real one. treso-xl is installed in the interpreter's environment.
        ADD_WORKBOOK_TO_PYTHONPATH: "false",
    }
    if button.key == BUTTONS[0].key:  # the worksheet functions are imported into one add-in
        settings[UDF_MODULES] = UDF_MODULE
    return settings


def build_addin(
    template: bytes,
    button: Button,
    settings: dict[str, str | bool],
) -> bytes:
    """The add-in of one button, from the bytes of xlwings' ribbon template."""
    conf_sheet = TEMPLATE_CONF_SHEET.lstrip("_")
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
                data = _workbook(data, conf_sheet)
            elif name == sheet_part:
                data = _settings_sheet(data, strings, settings)
            elif name == "docProps/core.xml":
                data = _core_properties(data, button)
            target.writestr(_entry(name, info), data)
        target.writestr(_entry(CUSTOMUI_PART, None), customui_xml([button]))
    return out.getvalue()


def _entry(name: str, info: zipfile.ZipInfo | None) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, date_time=info.date_time if info else (1980, 1, 1, 0, 0, 0))
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = 0o600 << 16
    return entry


def _conf_sheet_part(source: zipfile.ZipFile) -> str:
    """The worksheet part of the template's settings sheet."""
    workbook = _parse(source.read("xl/workbook.xml"))
    rels = _parse(source.read("xl/_rels/workbook.xml.rels"))
    rel_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    for sheet in workbook.iter(f"{{{MAIN_NS}}}sheet"):
        if sheet.get("name") == TEMPLATE_CONF_SHEET:
            rid = sheet.get(f"{{{rel_ns}}}id")
            for rel in rels.findall(f"{{{PKG_REL_NS}}}Relationship"):
                if rel.get("Id") == rid:
                    return "xl/" + rel.get("Target", "").lstrip("/").removeprefix("xl/")
    raise AddinBuildError(
        f"le modèle de complément xlwings n'a pas de feuille « {TEMPLATE_CONF_SHEET} »."
    )


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
    buttons: Sequence[Button] = BUTTONS,
    template: Path | None = None,
) -> list[Path]:
    """Write one add-in per button into `folder`; interpreters default to the current Python."""
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
    written = []
    for button in buttons:
        path = folder / button.file_name
        path.write_bytes(build_addin(data, button, settings_for(button, win, mac, pythonpath)))
        written.append(path)
    return written
