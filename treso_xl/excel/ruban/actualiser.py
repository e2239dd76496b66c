"""Ribbon button « Actualiser »: `treso_xl.excel.ruban.actualiser.xlam` calls `main()`."""

from treso_xl.excel.ribbon import run


def main() -> None:
    """Run the macro `actualiser` on the workbook that pressed the button."""
    run("actualiser")
