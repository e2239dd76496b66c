"""French formatting of amounts, rates and dates for texts the user reads."""

from __future__ import annotations

import datetime as dt

NNBSP = "\u202f"  # narrow no-break space, the French thousands separator
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
MONTHS_SHORT = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)


def quote(text: object) -> str:
    """French quotation marks with no-break spaces: « text »."""
    return f"«\u00a0{text}\u00a0»"


def count(n: int, singular: str, plural: str | None = None) -> str:
    """« 0 opération », « 1 opération », « 2 opérations » (French: plural from 2 on)."""
    word = singular if n < 2 else plural or f"{singular}s"
    return f"{n:,}".replace(",", NNBSP) + f" {word}"


def euros(value: float, decimals: int = 2) -> str:
    """1 234,50 € (narrow no-break space between thousands, no-break space before €)."""
    text = f"{value:,.{decimals}f}".replace(",", NNBSP).replace(".", ",")
    return f"{text}\u00a0€"


def percent(rate: float, decimals: int = 2) -> str:
    """0.1215 -> 12,15 %."""
    text = f"{rate * 100:.{decimals}f}".replace(".", ",")
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return f"{text}\u00a0%"


def day(value: dt.date) -> str:
    """dd/mm/yyyy."""
    return value.strftime("%d/%m/%Y")


def month_name(value: dt.date) -> str:
    """« janvier 2027 »."""
    return f"{MONTHS[value.month - 1]} {value.year}"


def month_short(value: dt.date) -> str:
    """« janv. 2027 »."""
    return f"{MONTHS_SHORT[value.month - 1]} {value.year}"
