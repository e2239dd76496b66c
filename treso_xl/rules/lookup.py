"""Look up a dated French rule (rate, threshold, deadline) in the rules file, by date."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from treso_xl.errors import DataError

RULES_FILE = "regles_fr.toml"


class RuleNotCovered(DataError):
    """The rules file has no value in force on the asked date."""


@dataclass(frozen=True)
class Rule:
    """One dated entry of the rules file."""

    table: str
    values: dict[str, Any]
    start: dt.date
    end: dt.date | None
    source: str
    uncertain: bool = False
    note: str = ""

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@lru_cache(maxsize=1)
def load_rules() -> dict[str, list[Rule]]:
    """Every table of the rules file, entries sorted by start date."""
    text = (resources.files("treso_xl.rules") / RULES_FILE).read_text(encoding="utf-8")
    data = tomllib.loads(text)
    tables: dict[str, list[Rule]] = {}
    for table, entries in data.items():
        if not isinstance(entries, list):
            continue
        rules = []
        for entry in entries:
            values = {
                k: v
                for k, v in entry.items()
                if k not in ("du", "au", "source", "incertain", "note")
            }
            rules.append(
                Rule(
                    table=table,
                    values=values,
                    start=entry["du"],
                    end=entry.get("au"),
                    source=entry.get("source", ""),
                    uncertain=bool(entry.get("incertain", False)),
                    note=entry.get("note", ""),
                )
            )
        tables[table] = sorted(rules, key=lambda r: r.start)
    return tables


def meta() -> dict[str, Any]:
    """The [meta] section of the rules file."""
    text = (resources.files("treso_xl.rules") / RULES_FILE).read_text(encoding="utf-8")
    return dict(tomllib.loads(text).get("meta", {}))


TABLE_NAMES_FR = {
    "cotisations": "taux de cotisations",
    "formation": "taux de la formation professionnelle",
    "chambre": "taxe de chambre consulaire",
    "versement_liberatoire": "taux du versement libératoire",
    "acre": "règle de l'ACRE",
    "plafond_micro": "plafond du régime micro",
    "franchise_tva": "seuil de franchise de TVA",
    "taux_penalites": "taux des pénalités de retard",
    "taux_bce": "taux de la BCE",
    "taux_interet_legal": "taux de l'intérêt légal",
}


def rule(table: str, on: dt.date, **match: Any) -> Rule:
    """The entry of `table` in force on `on` whose values equal `match`.

    Raises RuleNotCovered (French message) when no entry covers that date.
    """
    candidates = [
        r
        for r in load_rules().get(table, [])
        if all(r.values.get(k) == v for k, v in match.items())
    ]
    for entry in candidates:
        if entry.covers(on):
            return entry
    what = TABLE_NAMES_FR.get(table, table)
    detail = ", ".join(str(v) for v in match.values())
    suffix = f" ({detail})" if detail else ""
    raise RuleNotCovered(
        f"Le fichier des règles ne connaît pas le {what}{suffix} en vigueur le "
        f"{on.strftime('%d/%m/%Y')}."
    )


def rule_or_none(table: str, on: dt.date, **match: Any) -> Rule | None:
    """Like `rule`, but None when the date is not covered."""
    try:
        return rule(table, on, **match)
    except RuleNotCovered:
        return None
