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
    "cotisations": "le taux de cotisations",
    "formation": "le taux de la formation professionnelle",
    "chambre": "la taxe de chambre consulaire",
    "versement_liberatoire": "le taux du versement libératoire",
    "acre": "la règle de l'ACRE",
    "plafond_micro": "le plafond du régime micro",
    "franchise_tva": "le seuil de franchise de TVA",
    "taux_penalites": "le taux des pénalités de retard",
    "taux_bce": "le taux de la BCE",
    "taux_interet_legal": "le taux de l'intérêt légal",
    "acre_cipav": "le taux réduit de l'ACRE des professions libérales CIPAV",
    "prorata_plafond": "la règle du prorata du plafond",
    "plancher_penalites": "le taux minimal des pénalités de retard",
    "cfe": "la règle de la CFE",
    "petites_creances": "le plafond de la procédure des petites créances",
    "delai_paiement": "la règle des délais de paiement",
    "indemnite_recouvrement": "l'indemnité forfaitaire de recouvrement",
    "tva_taux": "le taux normal de TVA",
    "tva_regime_simplifie": "le calendrier du régime simplifié de TVA",
    "echeances_trimestrielles": "le calendrier des échéances trimestrielles",
    "echeance_mensuelle": "le calendrier des échéances mensuelles",
    "premiere_declaration": "la règle de la première déclaration",
    "report_echeance": "la règle de report des échéances",
}


def table_name_fr(table: str) -> str:
    """What a table holds, in French, with its article: « le taux de cotisations »."""
    return TABLE_NAMES_FR.get(table, f"la table «\u00a0{table}\u00a0»")


def carried_forward(entry: Rule) -> Rule:
    """`entry` kept in force after its end date, flagged uncertain: a value not yet published
    (next half-year's rate…) is assumed unchanged, never an error or a zero."""
    note = (
        f"Le fichier des règles s'arrête au {entry.end:%d/%m/%Y} : au-delà, la dernière valeur "
        "connue est reprise en attendant la suivante, à vérifier."
    )
    return Rule(
        table=entry.table,
        values=entry.values,
        start=entry.start,
        end=None,
        source=entry.source,
        uncertain=True,
        note=f"{entry.note} {note}" if entry.note else note,
    )


@lru_cache(maxsize=4096)
def rule(table: str, on: dt.date, **match: Any) -> Rule:
    """The entry of `table` in force on `on` whose values equal `match`.

    After the end (`au`) of the latest entry, that entry carried forward, flagged uncertain
    (see `carried_forward`). Raises RuleNotCovered (French message) for a date before the first
    entry or in a gap between two entries.
    """
    candidates = [
        r
        for r in load_rules().get(table, [])
        if all(r.values.get(k) == v for k, v in match.items())
    ]
    for entry in candidates:
        if entry.covers(on):
            return entry
    what = table_name_fr(table)
    latest = max(candidates, key=lambda r: r.end or dt.date.max, default=None)
    if latest is not None and latest.end is not None and on > latest.end:
        return carried_forward(latest)
    detail = ", ".join(str(v) for v in match.values())
    suffix = f" ({detail})" if detail else ""
    raise RuleNotCovered(
        f"Le fichier des règles ne connaît pas {what}{suffix} en vigueur le "
        f"{on.strftime('%d/%m/%Y')}."
    )


def rule_or_none(table: str, on: dt.date, **match: Any) -> Rule | None:
    """Like `rule`, but None when the date is not covered."""
    try:
        return rule(table, on, **match)
    except RuleNotCovered:
        return None
