"""Where the bundled workbooks (empty template, sample) are, installed or in a source checkout."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

TEMPLATE = "modele_tresorerie.xlsx"
SAMPLE = "exemple_graphiste.xlsx"


def _bundled(name: str) -> Path:
    installed = resources.files("treso_xl") / "workbook_templates" / name
    if installed.is_file():
        return Path(str(installed))
    return Path(__file__).resolve().parent.parent / "workbook_templates" / name


def template_path() -> Path:
    """The empty template workbook."""
    return _bundled(TEMPLATE)


def sample_path() -> Path:
    """The sample workbook of a freelance graphic designer."""
    return _bundled(SAMPLE)
