"""The house styles shared by every generated tab (colours, titles, headers, highlights)."""

from __future__ import annotations

from treso_xl.layout.model import DATE, EURO, Style

ALERT_FILL = "FFC7CE"  # light red, as Excel's "bad" style
ALERT_FONT = "9C0006"
WARN_FILL = "FFEB9C"
WARN_FONT = "9C5700"
GOOD_FILL = "C6EFCE"
GOOD_FONT = "006100"
HEADER_FILL = "1F4E78"
HEADER_FONT = "FFFFFF"
SECTION_FILL = "DDEBF7"
TOTAL_FILL = "F2F2F2"
NOTE_FONT = "595959"

TITLE = Style(bold=True, size=14, font_color=HEADER_FILL)
SUBTITLE = Style(italic=True, font_color=NOTE_FONT)
NOTE = Style(italic=True, font_color=NOTE_FONT, size=9)
HEADER = Style(
    bold=True, fill=HEADER_FILL, font_color=HEADER_FONT, align="center", wrap=True, valign="center"
)
HEADER_LEFT = HEADER.but(align="left")
SECTION = Style(bold=True, fill=SECTION_FILL)
LABEL = Style(indent=1)
MONEY = Style(number_format=EURO)
MONEY_BOLD = MONEY.but(bold=True)
TOTAL_LABEL = Style(bold=True, fill=TOTAL_FILL, border_top=True)
TOTAL_MONEY = MONEY_BOLD.but(fill=TOTAL_FILL, border_top=True)
DATE_CELL = Style(number_format=DATE, align="center")
ALERT = Style(bold=True, fill=ALERT_FILL, font_color=ALERT_FONT)
WARN = Style(bold=True, fill=WARN_FILL, font_color=WARN_FONT)
GOOD = Style(bold=True, fill=GOOD_FILL, font_color=GOOD_FONT)


def alert(style: Style) -> Style:
    """`style` highlighted as under the threshold: red fill and bold, dark red text."""
    return style.but(bold=True, fill=ALERT_FILL, font_color=ALERT_FONT)
