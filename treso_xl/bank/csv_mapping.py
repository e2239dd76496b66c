"""The user's description of a bank's CSV columns, from the workbook's « Format relevé » sheet."""

from __future__ import annotations

import re
from dataclasses import dataclass

from treso_xl.bank.formats.csv_dialects import normalize_header
from treso_xl.french import quote
from treso_xl.reading.problems import InputError, Problem, format_value

MAPPING_SHEET = "Format relevé"
SETTING_HEADER = "Réglage"
VALUE_HEADER = "Valeur"
HELP_HEADER = "Aide"

_COLUMN_HELP = "le titre de la colonne tel qu'il figure dans le fichier, ou sa lettre (A, B, C…)"

# (setting name, help text) in the sheet's order.
SETTINGS: tuple[tuple[str, str], ...] = (
    ("Colonne date", f"Obligatoire : {_COLUMN_HELP}, ex. « Date opération » ou A."),
    (
        "Colonne libellé",
        f"Obligatoire : {_COLUMN_HELP}. Plusieurs colonnes jointes par « + », "
        "ex. « Libellé + Détail ».",
    ),
    ("Colonne montant", "Montant signé (négatif pour un débit). Sinon, remplir débit et crédit."),
    ("Colonne débit", "Si le fichier sépare les débits : leur colonne (positifs ou négatifs)."),
    ("Colonne crédit", "Si le fichier sépare les crédits : leur colonne."),
    ("Colonne référence", "Facultatif : la référence de l'opération donnée par la banque."),
    ("Colonne solde", "Facultatif : le solde après chaque opération."),
    (
        "Format de date",
        "Facultatif : JJ/MM/AAAA, JJ/MM/AA, AAAA-MM-JJ, JJ.MM.AAAA… (deviné sinon).",
    ),
    ("Séparateur décimal", "Facultatif : « , » (virgule) ou « . » (point) ; deviné sinon."),
    ("Lignes à ignorer", "Facultatif : nombre de lignes au début du fichier avant le tableau."),
    ("Séparateur", "Facultatif : « ; », « , », « tabulation » ou « | » ; deviné sinon."),
)

MAPPING_TEMPLATE_ROWS: list[list[str]] = [
    [SETTING_HEADER, VALUE_HEADER, HELP_HEADER],
    *([name, "", help_text] for name, help_text in SETTINGS),
]

_KEYS = {
    "colonne date": "date",
    "colonne libelle": "label",
    "colonne montant": "amount",
    "colonne debit": "debit",
    "colonne credit": "credit",
    "colonne reference": "reference",
    "colonne solde": "balance",
    "format de date": "date_format",
    "separateur decimal": "decimal",
    "lignes a ignorer": "skip_lines",
    "separateur": "separator",
}
_NAMES = {key: name for (name, _), key in zip(SETTINGS, _KEYS.values(), strict=True)}

_DATE_TOKENS = {
    "JJ": "%d",
    "DD": "%d",
    "MM": "%m",
    "AAAA": "%Y",
    "YYYY": "%Y",
    "AA": "%y",
    "YY": "%y",
}
_DATE_PART = re.compile(r"AAAA|YYYY|JJ|DD|MM|AA|YY|[/.\- ]")
_SEPARATORS = {
    ";": ";",
    "point virgule": ";",
    "pointvirgule": ";",
    ",": ",",
    "virgule": ",",
    "tab": "\t",
    "tabulation": "\t",
    "\t": "\t",
    "|": "|",
    "barre verticale": "|",
    "pipe": "|",
}
_DECIMALS = {",": ",", "virgule": ",", ".": ".", "point": "."}


@dataclass(frozen=True)
class CsvMapping:
    """Where a bank's CSV keeps each field, as the user described it.

    Columns are given by header text (matched without case, accents nor punctuation) or by
    letter (A = first column). `label` may name several columns, joined in that order. Either
    `amount` (signed) or both `debit` and `credit`. `date_format` is a strptime pattern
    ("%d/%m/%Y"), `decimal` "," or ".", `separator` one character; None means detect.
    `skip_lines`: physical lines at the top of the file before the table (header or data).
    """

    date: str
    label: tuple[str, ...]
    amount: str | None = None
    debit: str | None = None
    credit: str | None = None
    reference: str | None = None
    balance: str | None = None
    date_format: str | None = None
    decimal: str | None = None
    skip_lines: int = 0
    separator: str | None = None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def column_letter(number: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def parse_date_format(text: str) -> str | None:
    """« JJ/MM/AAAA » -> "%d/%m/%Y"; None when not a day-month-year pattern."""
    compact = text.strip().upper()
    parts = _DATE_PART.findall(compact)
    if not compact or "".join(parts) != compact:
        return None
    codes = [_DATE_TOKENS.get(part, part) for part in parts]
    fields = [c for c in codes if c.startswith("%")]
    if sorted(c.lower() for c in fields) != ["%d", "%m", "%y"]:
        return None
    return "".join(codes)


def _column(value: object, problems: list[Problem], sheet: str, row: int) -> str | None:
    if isinstance(value, bool):
        value = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        if number.is_integer() and number >= 1:
            return column_letter(int(number))
        problems.append(
            Problem(sheet, row, VALUE_HEADER, value,
                    f"numéro de colonne invalide {quote(format_value(value))}")
        )
        return None
    text = _text(value)
    return text or None


def mapping_from_rows(rows: list[list[object]], sheet: str = MAPPING_SHEET) -> CsvMapping | None:
    """The mapping the « Format relevé » sheet describes; None when no setting is filled in.

    `rows` are the sheet's rows from Excel row 1 (the « Réglage » / « Valeur » header). Every
    problem found is reported at once in an InputError (a DataError) naming sheet, row and value.
    """
    problems: list[Problem] = []
    start = None
    for index, row in enumerate(rows):
        cells = [_text(c) for c in row]
        if not any(cells):
            continue
        if normalize_header(cells[0]) == normalize_header(SETTING_HEADER):
            start = index + 1
        break
    if start is None:
        if not any(any(_text(c) for c in row) for row in rows):
            return None
        raise InputError([
            Problem(sheet, 1, None, None,
                    f"la première ligne doit porter les titres {quote(SETTING_HEADER)} "
                    f"et {quote(VALUE_HEADER)}")
        ])

    raw: dict[str, tuple[object, int]] = {}
    rows_of: dict[str, int] = {}  # every named setting's row, filled in or not
    for index in range(start, len(rows)):
        row = rows[index]
        excel_row = index + 1
        name = _text(row[0]) if row else ""
        value = row[1] if len(row) > 1 else None
        if not name:
            if _text(value):
                problems.append(Problem(sheet, excel_row, SETTING_HEADER, value,
                                        "valeur sans nom de réglage"))
            continue
        key = _KEYS.get(normalize_header(name))
        if key is None:
            known = ", ".join(quote(n) for n, _ in SETTINGS)
            problems.append(Problem(sheet, excel_row, SETTING_HEADER, name,
                                    f"réglage inconnu {quote(name)} (réglages possibles : "
                                    f"{known})"))
            continue
        if key in rows_of:
            problems.append(Problem(sheet, excel_row, SETTING_HEADER, name,
                                    f"le réglage {quote(_NAMES[key])} figure deux fois "
                                    f"(aussi ligne {rows_of[key]})"))
            continue
        rows_of[key] = excel_row
        if _text(value) == "" and not isinstance(value, int | float):
            continue
        raw[key] = (value, excel_row)

    if not raw and not problems:
        return None

    def cell(key: str) -> tuple[object, int | None]:
        value, row = raw.get(key, (None, None))
        return value, row

    def row_of(key: str) -> int | None:
        return rows_of.get(key)

    columns: dict[str, str | None] = {}
    for key in ("date", "amount", "debit", "credit", "reference", "balance"):
        value, row = cell(key)
        columns[key] = _column(value, problems, sheet, row) if row is not None else None

    label_value, label_row = cell("label")
    labels: tuple[str, ...] = ()
    if label_row is not None:
        if isinstance(label_value, int | float) and not isinstance(label_value, bool):
            single = _column(label_value, problems, sheet, label_row)
            labels = (single,) if single else ()
        else:
            labels = tuple(p.strip() for p in _text(label_value).split("+") if p.strip())

    if columns["date"] is None:
        problems.append(Problem(sheet, row_of("date"), VALUE_HEADER, None,
                                f"{quote('Colonne date')} est obligatoire : indiquez le titre "
                                "ou la lettre de la colonne des dates"))
    if not labels:
        problems.append(Problem(sheet, row_of("label"), VALUE_HEADER, None,
                                f"{quote('Colonne libellé')} est obligatoire : indiquez le titre "
                                "ou la lettre de la colonne des libellés"))
    amount, debit, credit = columns["amount"], columns["debit"], columns["credit"]
    if amount is not None and (debit is not None or credit is not None):
        problems.append(Problem(sheet, cell("amount")[1], VALUE_HEADER, raw["amount"][0],
                                f"indiquez soit {quote('Colonne montant')}, soit "
                                f"{quote('Colonne débit')} et {quote('Colonne crédit')}, "
                                "pas les deux"))
    elif amount is None and (debit is None) != (credit is None):
        missing, present = ("credit", "debit") if credit is None else ("debit", "credit")
        problems.append(Problem(sheet, cell(present)[1], VALUE_HEADER, raw[present][0],
                                f"{quote(_NAMES[present])} demande aussi "
                                f"{quote(_NAMES[missing])}"))
    elif amount is None and debit is None:
        problems.append(Problem(sheet, None, None, None,
                                f"indiquez {quote('Colonne montant')} (montant signé) ou "
                                f"{quote('Colonne débit')} et {quote('Colonne crédit')}"))

    date_format = None
    value, row = cell("date_format")
    if row is not None:
        date_format = parse_date_format(_text(value))
        if date_format is None:
            problems.append(Problem(sheet, row, VALUE_HEADER, value,
                                    f"format de date {quote(format_value(value))} non reconnu : "
                                    "écrivez par exemple JJ/MM/AAAA, JJ/MM/AA ou AAAA-MM-JJ"))

    decimal = None
    value, row = cell("decimal")
    if row is not None:
        decimal = _DECIMALS.get(_text(value).lower())
        if decimal is None:
            problems.append(Problem(sheet, row, VALUE_HEADER, value,
                                    f"séparateur décimal {quote(format_value(value))} "
                                    "non reconnu\u00a0: écrivez « , » (virgule) ou « . » (point)"))

    skip = 0
    value, row = cell("skip_lines")
    if row is not None:
        parsed = _whole_number(value)
        if parsed is None or parsed < 0:
            problems.append(Problem(sheet, row, VALUE_HEADER, value,
                                    f"nombre de lignes {quote(format_value(value))} invalide : "
                                    "écrivez un nombre entier, 0 ou plus"))
        else:
            skip = parsed

    separator = None
    value, row = cell("separator")
    if row is not None:
        text = value if isinstance(value, str) and value == "\t" else _text(value)
        separator = _SEPARATORS.get(text) or _SEPARATORS.get(normalize_header(text))
        if separator is None:
            problems.append(Problem(sheet, row, VALUE_HEADER, value,
                                    f"séparateur {quote(format_value(value))} non reconnu : "
                                    "écrivez « ; », « , », « tabulation » ou « | »"))

    if problems:
        raise InputError(problems)
    return CsvMapping(
        date=columns["date"] or "",
        label=labels,
        amount=amount,
        debit=debit,
        credit=credit,
        reference=columns["reference"],
        balance=columns["balance"],
        date_format=date_format,
        decimal=decimal,
        skip_lines=skip,
        separator=separator,
    )


def _whole_number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = _text(value)
    return int(text) if re.fullmatch(r"\d+", text) else None
