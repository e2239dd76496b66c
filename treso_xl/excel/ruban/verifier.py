"""Ribbon button « Vérifier »: `treso_xl.excel.ruban.verifier.xlam` calls `main()`."""

from treso_xl.excel.ribbon import run


def main() -> None:
    """Run the macro `verifier` on the workbook that pressed the button."""
    run("verifier")
