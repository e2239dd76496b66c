"""Ribbon button « Importer un relevé »: `treso_xl.excel.ruban.importer.xlam` calls `main()`."""

from treso_xl.excel.ribbon import run


def main() -> None:
    """Run the macro `importer_releve` on the workbook that pressed the button."""
    run("importer_releve")
