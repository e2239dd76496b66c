"""Ribbon button « Envoyer au comptable »: `treso_xl.excel.ruban.envoyer.xlam` calls `main()`."""

from treso_xl.excel.ribbon import run


def main() -> None:
    """Run the macro `envoyer_au_comptable` on the workbook that pressed the button."""
    run("envoyer_au_comptable")
