"""Worksheet functions for Excel on Windows (xlwings UDFs): due dates, lateness, penalties, URSSAF.

Each function is plain Python too (on Linux and macOS `xw.func` and `xw.arg` leave it as it is).
Arguments are read like the workbook's cells (`treso_xl.reading.values`): a date may be a real date,
an Excel serial number or a text such as "31/01/2026"; an amount "1 234,50 €"; a rate "12,15 %".
A bad argument gives a French message starting with "#VALEUR!" in the cell, never a traceback.
The docstrings are in French: Excel shows them in its function wizard (255 characters at most).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd
import xlwings as xw

from treso_xl.contract import ACTIVITES, HORIZON_MAX, HORIZON_MIN, OUI_NON, TYPE_CLIENT, Kind
from treso_xl.core.aging import bucket_of
from treso_xl.core.calendar import month_starts
from treso_xl.core.flows import IN, OUT, planned_flows
from treso_xl.core.penalties import late_penalties
from treso_xl.core.plan import plan_from_flows
from treso_xl.core.terms import parse_terms
from treso_xl.core.urssaf import acre_rate
from treso_xl.errors import TresoError
from treso_xl.french import quote
from treso_xl.reading.cell_errors import com_error
from treso_xl.reading.problems import format_value
from treso_xl.reading.values import explain, first, parse
from treso_xl.rules.lookup import rule

CATEGORY = "Trésorerie"
ERROR = "#VALEUR!"
SERIAL_MIN, SERIAL_MAX = 1, 2_958_465  # 01/01/1900 .. 31/12/9999 as Excel serial numbers
PLAN_HEADERS = (
    "Mois",
    "Solde d'ouverture",
    "Encaissements",
    "Décaissements",
    "Flux net",
    "Solde de clôture",
    "Point bas du mois",
)
_CENT = Decimal("0.01")


class ArgumentError(ValueError):
    """A bad argument; the message is the French sentence shown in the cell."""


def _udf(function: Callable[..., Any]) -> Callable[..., Any]:
    """Turn every failure into "#VALEUR! <French message>" (xlwings would show a traceback)."""

    @functools.wraps(function)
    def guarded(*args: Any) -> Any:
        try:
            return function(*args)
        except (ArgumentError, TresoError) as error:
            return f"{ERROR} {error}"
        except Exception as error:  # a bug of ours: still no traceback in the cell
            return f"{ERROR} erreur interne de treso-xl ({type(error).__name__} : {error})"

    return guarded


def _arg(name: str, **options: Any) -> Callable[..., Any]:
    """`xw.arg` asking for error cells as their codes ("#N/A"): xlwings gives them as empty
    cells otherwise, and an empty date means today."""
    return xw.arg(name, err_to_str=True, **options)


# --- arguments ---------------------------------------------------------------------------------


def _plain(value: Any, name: str) -> Any:
    """An argument as Excel's engines give it, made plain: an error cell (the COM integer, or
    the English code with `err_to_str`) is refused with its French name; a Currency value (a
    `decimal.Decimal` from pywin32 on Windows) becomes a float."""
    if isinstance(value, Decimal):
        return float(value)
    error = com_error(value)
    if error is not None:
        raise ArgumentError(f"{name} : {error.message()}")
    return value


def _empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, float) and math.isnan(value)


def _parsed(kind: Kind, value: Any, name: str, **options: Any) -> Any:
    values, bad = parse(kind, pd.Series([value], dtype=object), **options)
    if bad.iloc[0]:
        reason = explain(
            kind,
            value,
            values.iloc[0],
            positive=options.get("positive", False),
            choices=options.get("choices", ()),
        )
        raise ArgumentError(f"{name} : {reason}")
    return first(values)


def as_date(value: Any, name: str, today_hint: bool = False) -> dt.date:
    """A date argument: real date, Excel serial number or text; required.

    The functions that count to a date take it as an argument rather than defaulting to today:
    a worksheet function is recalculated only when its arguments change, so a default of today
    would freeze the figure the day it was entered (and making them volatile would call Python
    at every edit of the workbook). AUJOURDHUI() as the argument is recalculated every day.
    The argument stays optional in the signature so that Excel calls the function without it
    and the cell tells what to write, instead of a bare #VALEUR!.
    """
    value = _plain(value, name)
    if _empty(value):
        example = "AUJOURDHUI() pour la date du jour, ou 31/01/2026" if today_hint else "31/01/2026"
        raise ArgumentError(f"{name} : la date est obligatoire (exemple : {example}).")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not SERIAL_MIN <= value <= SERIAL_MAX:
            raise ArgumentError(
                f"{name} : {quote(format_value(value))} n'est pas une date (exemple : 31/01/2026)."
            )
        return xw.to_datetime(float(value)).date()
    parsed = _parsed(Kind.DATE, value, name)
    if parsed is None:  # pragma: no cover - an empty cell was handled above
        raise ArgumentError(f"{name} : la date est obligatoire.")
    return parsed if isinstance(parsed, dt.date) else parsed.date()


def as_amount(value: Any, name: str, signed: bool = False) -> float:
    """An amount argument in euros (a number or a text such as "1 234,50 €")."""
    value = _plain(value, name)
    if _empty(value):
        raise ArgumentError(f"{name} : le montant est obligatoire (exemple : 1 234,50).")
    parsed = _parsed(Kind.AMOUNT, value, name, signed=signed)
    return float(parsed)


def as_rate(value: Any, name: str) -> float | None:
    """A yearly rate (0.1215, 12.15 or "12,15 %"), None when empty."""
    value = _plain(value, name)
    if _empty(value):
        return None
    return float(_parsed(Kind.RATE, value, name))


def as_choice(value: Any, name: str, choices: Sequence[str], default: str | None = None) -> str:
    """One of `choices`, matched like the workbook's lists (case and accents ignored)."""
    value = _plain(value, name)
    if _empty(value):
        if default is None:
            raise ArgumentError(f"{name} : valeur obligatoire ({', '.join(choices)}).")
        return default
    return str(_parsed(Kind.CHOICE, value, name, choices=tuple(choices)))


def as_yes_no(value: Any, name: str) -> bool:
    """Oui/Non (or VRAI/FAUX), Non when empty."""
    return as_choice(value, name, OUI_NON, default=OUI_NON[1]) == OUI_NON[0]


def as_months(value: Any, name: str) -> int:
    """A number of months from 1 to 36, 12 when empty."""
    value = _plain(value, name)
    if _empty(value):
        return 12
    number = _parsed(Kind.INTEGER, value, name)
    if number is None or not HORIZON_MIN <= int(number) <= HORIZON_MAX:
        raise ArgumentError(
            f"{name} : {quote(format_value(value))} ; le nombre de mois doit être compris "
            f"entre {HORIZON_MIN} et {HORIZON_MAX}."
        )
    return int(number)


def _rows(value: Any) -> list[list[Any]]:
    """A range argument as rows (a single cell or a single row becomes a list of rows)."""
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        return [[value]]
    if value and not isinstance(value[0], list | tuple):
        return [list(value)]
    return [list(row) for row in value]


def _flows(value: Any, name: str) -> list[tuple[dt.date, float]]:
    """Rows (date, amount, …) of a TRESO_PLAN range; a first row of headers is skipped."""
    rows = _rows(value)
    out: list[tuple[dt.date, float]] = []
    for number, row in enumerate(rows, start=1):
        cells = [*row, None][:2]
        if all(_empty(cell) for cell in cells):
            continue
        if len(row) < 2:
            raise ArgumentError(f"{name} : deux colonnes attendues (date, montant).")
        where = f"{name}, ligne {number}"
        if number == 1 and all(isinstance(cell, str) for cell in cells):
            try:  # a header row ("Date", "Montant") is not a flow
                as_date(cells[0], where)
            except ArgumentError:
                continue
        out.append((as_date(cells[0], where), as_amount(cells[1], where)))
    return out


# --- computations ------------------------------------------------------------------------------


def _cents(amount: float, rate: float) -> Decimal:
    """amount × rate rounded to the cent, half up, as the URSSAF schedule does."""
    product = Decimal(repr(float(amount))) * Decimal(repr(float(rate)))
    return product.quantize(_CENT, rounding=ROUND_HALF_UP)


def contributions(
    amount: float, on: dt.date, activite: str, versement_liberatoire: bool, acre: bool
) -> float:
    """Social contributions, training contribution and (option) income tax on `amount` collected
    on `on`, each rounded to the cent; ACRE reduces the social rate (CIPAV: the fixed reduced
    rate, see `acre_rate`). The chamber tax is left out: it depends on the year's turnover above
    5 000 €."""
    social = float(rule("cotisations", on, activite=activite)["taux"])
    if acre:
        social = acre_rate(social, float(rule("acre", on)["reduction"]), on, activite, None)
    parts = [
        _cents(amount, social),
        _cents(amount, float(rule("formation", on, activite=activite)["taux"])),
    ]
    if versement_liberatoire:
        rate = float(rule("versement_liberatoire", on, activite=activite)["taux"])
        parts.append(_cents(amount, rate))
    return float(sum(parts, Decimal(0)))


def plan_table(
    receipts: list[tuple[dt.date, float]],
    disbursements: list[tuple[dt.date, float]],
    opening: float,
    date_solde: dt.date,
    months: int,
) -> list[list[Any]]:
    """The monthly plan of these flows as a table: a header row, then one row per month."""
    records = [(day, amount, IN, "Encaissements") for day, amount in receipts] + [
        (day, amount, OUT, "Décaissements") for day, amount in disbursements
    ]
    flows = planned_flows(
        [r[0] for r in records],
        [r[1] for r in records],
        sens=[r[2] for r in records],
        categorie=[r[3] for r in records],
        libelle="",
        tiers="",
        source="TRESO_PLAN",
    )
    plan = plan_from_flows(
        flows,
        months=month_starts(date_solde, months),
        opening_balance=opening,
        date_solde=date_solde,
        threshold=0.0,
        date_reference=date_solde,
    )
    table: list[list[Any]] = [list(PLAN_HEADERS)]
    for month in plan.months:
        table.append(
            [
                month,
                float(plan.opening[month]),
                float(plan.total_in[month]),
                float(plan.total_out[month]),
                float(plan.net[month]),
                float(plan.closing[month]),
                float(plan.low[month]),
            ]
        )
    return table


# --- the worksheet functions -------------------------------------------------------------------


@xw.func(category=CATEGORY)
@_arg("date_facture", doc="Date de la facture.")
@_arg("conditions", doc="Conditions de paiement : « 30 jours », « 45 jours fin de mois »…")
@_udf
def TRESO_ECHEANCE(date_facture: Any, conditions: Any) -> Any:
    """Échéance d'une facture d'après ses conditions de paiement (« 30 jours », « 45 jours fin de mois », « À réception »…). Sans conditions : 30 jours, le délai légal."""  # noqa: E501
    invoice = as_date(date_facture, "date_facture")
    terms = parse_terms(_plain(conditions, "conditions"))
    if not terms.known and not terms.empty:
        raise ArgumentError(
            f"conditions : {quote(format_value(conditions))} n'est pas reconnu (exemples : "
            "« 30 jours », « 45 jours fin de mois », « À réception »)."
        )
    return terms.due_date(invoice)


@xw.func(category=CATEGORY)
@_arg("echeance", doc="Date d'échéance de la facture.")
@_arg("date_ref", doc="Date à laquelle compter le retard : AUJOURDHUI() pour aujourd'hui.")
@_udf
def TRESO_RETARD(echeance: Any, date_ref: Any = None) -> Any:
    """Nombre de jours de retard d'une facture à la date de référence (aujourd'hui si elle est vide) ; 0 si elle n'est pas encore échue."""  # noqa: E501
    due = as_date(echeance, "echeance")
    on = as_date(date_ref, "date_ref", today_hint=True)
    return max((on - due).days, 0)


@xw.func(category=CATEGORY)
@_arg("echeance", doc="Date d'échéance de la facture.")
@_arg("date_ref", doc="Date de la balance âgée : AUJOURDHUI() pour aujourd'hui.")
@_udf
def TRESO_TRANCHE(echeance: Any, date_ref: Any = None) -> Any:
    """Tranche de la balance âgée d'une facture : « Non échu », « 1-30 j », « 31-60 j », « 61-90 j » ou « > 90 j »."""  # noqa: E501
    due = as_date(echeance, "echeance")
    on = as_date(date_ref, "date_ref", today_hint=True)
    return bucket_of((on - due).days)


@xw.func(category=CATEGORY)
@_arg("montant", doc="Montant impayé, en euros.")
@_arg("echeance", doc="Date d'échéance de la facture.")
@_arg("date_paiement", doc="Date du paiement : AUJOURDHUI() tant qu'il n'a pas eu lieu.")
@_arg("taux", doc="Taux annuel des pénalités (vide : taux BCE + 10 points).")
@_arg("type_client", doc="Professionnel (par défaut) ou Particulier.")
@_udf
def TRESO_PENALITES(
    montant: Any,
    echeance: Any,
    date_paiement: Any = None,
    taux: Any = None,
    type_client: Any = None,
) -> Any:
    """Pénalités de retard entre professionnels (C. com. L441-10), au centime, du lendemain de l'échéance au paiement ; hors indemnité forfaitaire de 40 €. 0 pour un particulier."""  # noqa: E501
    amount = as_amount(montant, "montant")
    due = as_date(echeance, "echeance")
    until = as_date(date_paiement, "date_paiement", today_hint=True)
    rate = as_rate(taux, "taux")
    client = as_choice(type_client, "type_client", TYPE_CLIENT, default=TYPE_CLIENT[0])
    if client != TYPE_CLIENT[0]:
        return 0.0
    return late_penalties(amount, due, until, rate)


@xw.func(category=CATEGORY)
@_arg("montant", doc="Chiffre d'affaires encaissé, en euros.")
@_arg("date_encaissement", doc="Date de l'encaissement (les taux de cette date).")
@_arg("activite", doc="Activité, comme dans la feuille Paramètres.")
@_arg("versement_liberatoire", doc="Oui ou Non (par défaut).")
@_arg("acre", doc="Oui si l'ACRE s'applique à cette date, Non par défaut.")
@_udf
def TRESO_COTISATIONS(
    montant: Any,
    date_encaissement: Any,
    activite: Any,
    versement_liberatoire: Any = None,
    acre: Any = None,
) -> Any:
    """Cotisations URSSAF d'un encaissement : sociales (réduites si ACRE), formation professionnelle et versement libératoire en option ; hors taxe de chambre consulaire."""  # noqa: E501
    amount = as_amount(montant, "montant")
    on = as_date(date_encaissement, "date_encaissement")
    activity = as_choice(activite, "activite", ACTIVITES)
    return contributions(
        amount,
        on,
        activity,
        as_yes_no(versement_liberatoire, "versement_liberatoire"),
        as_yes_no(acre, "acre"),
    )


@xw.func(category=CATEGORY)
@_arg("encaissements", ndim=2, doc="Plage de deux colonnes : date, montant.")
@_arg("decaissements", ndim=2, doc="Plage de deux colonnes : date, montant.")
@_arg("solde_initial", doc="Solde bancaire à la date du solde.")
@_arg("date_solde", doc="Date du solde ; les mouvements jusqu'à cette date y sont déjà.")
@_arg("mois", doc="Nombre de mois du plan, de 1 à 36 (12 par défaut).")
@_udf
def TRESO_PLAN(
    encaissements: Any,
    decaissements: Any,
    solde_initial: Any,
    date_solde: Any,
    mois: Any = None,
) -> Any:
    """Plan de trésorerie mensuel (tableau qui s'étend seul) : solde d'ouverture, encaissements, décaissements, flux net, solde de clôture et point bas de chaque mois."""  # noqa: E501
    receipts = _flows(encaissements, "encaissements")
    disbursements = _flows(decaissements, "decaissements")
    opening = as_amount(solde_initial, "solde_initial", signed=True)
    start = as_date(date_solde, "date_solde")
    return plan_table(receipts, disbursements, opening, start, as_months(mois, "mois"))


FUNCTIONS = (
    TRESO_ECHEANCE,
    TRESO_RETARD,
    TRESO_TRANCHE,
    TRESO_PENALITES,
    TRESO_COTISATIONS,
    TRESO_PLAN,
)
