"""Ribbon button « Relances »: `treso_xl.excel.ruban.relances.xlam` calls `main()`."""

from treso_xl.excel.ribbon import run


def main() -> None:
    """Run the macro `relances` on the workbook that pressed the button."""
    run("relances")
