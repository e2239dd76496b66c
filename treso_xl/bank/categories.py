"""Categories of bank lines from rules the user edits in the « Règles bancaires » sheet."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import pandas as pd

from treso_xl.bank.operation_id import fold_label
from treso_xl.contract import Column, Kind, Sheet
from treso_xl.french import quote
from treso_xl.reading.problems import InputError, Problem
from treso_xl.reading.tables import LIGNE, header_row, missing_column, read_table

RULES_SHEET = "Règles bancaires"
DEBIT, CREDIT, BOTH = "Débit", "Crédit", "Tous"
SENS = (DEBIT, CREDIT, BOTH)

RULES = Sheet(
    RULES_SHEET,
    (
        Column("Le libellé contient", "motif", Kind.TEXT, width=30),
        Column("Sens", "sens", Kind.CHOICE, choices=SENS, default=BOTH, width=10),
        Column("Catégorie", "categorie", Kind.TEXT, width=18),
    ),
    optional=True,
)

# The rule set a first import writes: first matching row wins, so the specific ones come first.
DEFAULT_RULES: tuple[tuple[str, str, str], ...] = (
    ("VIREMENT INTERNE", BOTH, "Virement interne"),
    ("VIR INTERNE", BOTH, "Virement interne"),
    ("VIR CPTE A CPTE", BOTH, "Virement interne"),
    ("VIREMENT DE COMPTE A COMPTE", BOTH, "Virement interne"),
    ("APPORT", CREDIT, "Apport"),
    ("DEBLOCAGE PRET", CREDIT, "Emprunt"),
    ("PRET", BOTH, "Emprunt"),
    ("EMPRUNT", BOTH, "Emprunt"),
    ("SUBVENTION", CREDIT, "Subvention"),
    ("REMBOURSEMENT", CREDIT, "Remboursement"),
    ("REMB", CREDIT, "Remboursement"),
    ("URSSAF", DEBIT, "URSSAF"),
    ("DGFIP", DEBIT, "Impôts"),
    ("IMPOT", DEBIT, "Impôts"),
    ("TRESOR PUBLIC", DEBIT, "Impôts"),
    ("CFE", DEBIT, "Impôts"),
    ("LOYER", DEBIT, "Loyer"),
    ("ASSURANCE", DEBIT, "Assurance"),
    ("AXA", DEBIT, "Assurance"),
    ("MAIF", DEBIT, "Assurance"),
    ("MACIF", DEBIT, "Assurance"),
    ("MMA", DEBIT, "Assurance"),
    ("ALLIANZ", DEBIT, "Assurance"),
    ("HISCOX", DEBIT, "Assurance"),
    ("COTISATION CARTE", DEBIT, "Banque"),
    ("COTIS CARTE", DEBIT, "Banque"),
    ("FRAIS", DEBIT, "Banque"),
    ("COMMISSION", DEBIT, "Banque"),
    ("AGIOS", DEBIT, "Banque"),
    ("ABONNEMENT", DEBIT, "Abonnement"),
)


@dataclass(frozen=True)
class Rule:
    """One row of the rules: a text the label contains, the direction, the category."""

    text: str
    sens: str
    category: str
    row: int = 0  # Excel row, 0 for a default rule

    def __post_init__(self) -> None:
        folded = fold_label(self.text)
        pattern = re.compile(r"(?<![0-9a-z])" + re.escape(folded)) if folded else None
        object.__setattr__(self, "_pattern", pattern)

    def matches(self, label: str, amount: Decimal) -> bool:
        """Whether the folded label holds the folded text at the start of a word, in the
        rule's direction."""
        return self.matches_folded(fold_label(label), amount)

    def matches_folded(self, folded: str, amount: Decimal) -> bool:
        """`matches` for a label already folded with `fold_label`."""
        if (self.sens == DEBIT and amount >= 0) or (self.sens == CREDIT and amount <= 0):
            return False
        pattern = self._pattern  # type: ignore[attr-defined]
        return pattern is not None and pattern.search(folded) is not None


def default_rules() -> list[Rule]:
    """The built-in rule set."""
    return [Rule(text, sens, category) for text, sens, category in DEFAULT_RULES]


@lru_cache(maxsize=64)
def _any_rule(texts: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern matching where any of the rules' texts does (a quick first test)."""
    folded = sorted({fold_label(text) for text in texts} - {""}, key=len, reverse=True)
    if not folded:
        return None
    return re.compile(r"(?<![0-9a-z])(?:" + "|".join(map(re.escape, folded)) + ")")


def categorize(rules: list[Rule], label: str, amount: Decimal) -> str:
    """The category of the first rule the line matches, "" when none does."""
    folded = fold_label(label)
    quick = _any_rule(tuple(rule.text for rule in rules))
    if quick is None or quick.search(folded) is None:
        return ""
    for rule in rules:
        if rule.matches_folded(folded, amount):
            return rule.category
    return ""


def read_rules(grid: pd.DataFrame, title: str = RULES_SHEET) -> list[Rule]:
    """The rules typed in the sheet (grid indexed by Excel row); InputError naming sheet, row,
    column and value for each bad row."""
    table = read_table(RULES, grid, title)
    problems = list(table.problems)
    top = header_row(grid)
    if top is not None:  # a sheet of that name must have the rules' two main columns
        missing = [
            missing_column(title, top, name)
            for name, key in (("Le libellé contient", "motif"), ("Catégorie", "categorie"))
            if key not in table.headers
        ]
        if missing:
            raise InputError(problems + missing)
    rules: list[Rule] = []
    for record in table.frame.to_dict("records"):
        row = int(record[LIGNE])
        text = str(record["motif"] or "").strip()
        category = str(record["categorie"] or "").strip()
        if not text and category:
            problems.append(
                Problem(
                    title,
                    row,
                    table.header("Le libellé contient"),
                    None,
                    f"la cellule est vide alors que la catégorie {quote(category)} est donnée ; "
                    "indiquez le texte que le libellé doit contenir.",
                )
            )
            continue
        if text and not fold_label(text):
            problems.append(
                Problem(
                    title,
                    row,
                    table.header("Le libellé contient"),
                    text,
                    f"{quote(text)} ne contient ni lettre ni chiffre ; indiquez un mot du libellé.",
                )
            )
            continue
        if text and not category:
            problems.append(
                Problem(
                    title,
                    row,
                    table.header("Catégorie"),
                    None,
                    f"la cellule est vide alors que le texte {quote(text)} est donné ; indiquez la "
                    "catégorie à donner aux opérations dont le libellé le contient.",
                )
            )
            continue
        if text:
            rules.append(Rule(text, str(record["sens"] or BOTH), category, row))
    if problems:
        problems.sort(key=lambda problem: problem.row or 0)
        raise InputError(problems)
    return rules
