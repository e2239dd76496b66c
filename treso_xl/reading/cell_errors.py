"""Excel error cells and formulas without a computed value, as a marker value in a cell grid."""

from __future__ import annotations

from dataclasses import dataclass

# English error codes (as stored in .xlsx files and returned by xlwings) -> what a French Excel
# shows. The newer errors keep their English code where the French name is not established.
FRENCH_NAMES: dict[str, str] = {
    "#NULL!": "#NUL!",
    "#DIV/0!": "#DIV/0!",
    "#VALUE!": "#VALEUR!",
    "#REF!": "#REF!",
    "#NAME?": "#NOM?",
    "#NUM!": "#NOMBRE!",
    "#N/A": "#N/A",
    "#GETTING_DATA": "#GETTING_DATA",
    "#SPILL!": "#PROPAGATION!",
    "#CONNECT!": "#CONNECT!",
    "#BLOCKED!": "#BLOCKED!",
    "#UNKNOWN!": "#UNKNOWN!",
    "#FIELD!": "#FIELD!",
    "#CALC!": "#CALC!",
    "#BUSY!": "#BUSY!",
    "#EXTERNAL!": "#EXTERNAL!",
}

# Excel's XlCVError numbers; COM hands them to Python as the HRESULT 0x800A0000 + number, a
# negative int (#REF! = 2023 -> -2146826265).
XL_ERRORS: dict[int, str] = {
    2000: "#NULL!",
    2007: "#DIV/0!",
    2015: "#VALUE!",
    2023: "#REF!",
    2029: "#NAME?",
    2036: "#NUM!",
    2042: "#N/A",
    2043: "#GETTING_DATA",
    2045: "#SPILL!",
    2046: "#CONNECT!",
    2047: "#BLOCKED!",
    2048: "#UNKNOWN!",
    2049: "#FIELD!",
    2050: "#CALC!",
    2051: "#BUSY!",
}
COM_ERROR_BASE = -2146828288  # 0x800A0000 as a signed 32-bit int
# Any COM cell error (the numbers Excel may add later included) falls in this range.
COM_ERROR_RANGE = range(COM_ERROR_BASE + 2000, COM_ERROR_BASE + 2100)

# Every spelling of an error a reader may meet as a string, English or French.
_BY_TEXT: dict[str, str] = {code: code for code in FRENCH_NAMES}
_BY_TEXT.update({french: code for code, french in FRENCH_NAMES.items()})


@dataclass(frozen=True)
class ExcelError:
    """A cell whose value is an Excel error, or a formula saved without its computed value.

    `code` is the error as stored in the file ("#REF!"), None for a formula without a value.
    Not a str on purpose: the value parsers must never take it for a text.
    """

    code: str | None

    @property
    def shown(self) -> str:
        """The error as a French Excel shows it ("#VALEUR!"); "" for a formula without value."""
        if self.code is None:
            return ""
        return FRENCH_NAMES.get(self.code, self.code)

    def message(self) -> str:
        """The French sentence telling what is wrong with the cell and how to fix it."""
        if self.code is None:
            return (
                "la formule de cette cellule n'a pas de valeur calculée (classeur enregistré "
                "sans calcul) ; ouvrez-le dans Excel ou LibreOffice et enregistrez-le."
            )
        return (
            f"{self.shown} : la cellule contient une erreur Excel ; corrigez la formule ou "
            f"saisissez la valeur."
        )

    def __str__(self) -> str:
        return self.shown


NO_VALUE = ExcelError(None)


def error_from_code(code: str) -> ExcelError:
    """The marker of an error cell whose stored code is `code` (English or French spelling)."""
    text = code.strip()
    return ExcelError(_BY_TEXT.get(text.upper(), text))


def com_error(value: object) -> ExcelError | None:
    """The error a value read through xlwings stands for, None when it is an ordinary value.

    With `err_to_str=True` xlwings gives the errors of its table as English strings ("#REF!");
    the others (#SPILL!, #CALC!, …) arrive as the raw COM integer. Numbers always arrive as
    floats, so an int in the COM error range is an error.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if value in COM_ERROR_RANGE:
            number = value - COM_ERROR_BASE
            return ExcelError(XL_ERRORS.get(number, f"#ERREUR {number}"))
        return None
    if isinstance(value, str) and value in FRENCH_NAMES:  # the English codes xlwings gives
        return ExcelError(value)
    return None


def com_code(code: str) -> int:
    """The COM integer Excel gives for the error `code` ("#REF!" -> -2146826265); an unknown
    code gives #VALUE!'s, which is what Excel stores for errors older versions do not know."""
    for number, name in XL_ERRORS.items():
        if name == code:
            return COM_ERROR_BASE + number
    return COM_ERROR_BASE + 2015
