"""Typed records the reader hands to the engine: the settings and the validated input tables."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from treso_xl.contract import BANQUE, Kind


@dataclass(frozen=True)
class Params:
    """The Paramètres sheet, validated, with the contract's defaults applied."""

    entreprise: str
    activite: str
    solde_initial: float
    date_solde: dt.date
    date_reference: dt.date
    siren: str = ""
    declaration: str = "Mensuelle"
    versement_liberatoire: bool = False
    acre: bool = False
    debut_activite: dt.date | None = None
    horizon: int = 12
    seuil: float = 0.0
    taux_penalites: float | None = None  # yearly rate as a fraction: 0.1215
    email_comptable: str = ""
    taux_credit: float | None = None
    rappel_jours: int | None = None
    iban: str = ""
    adresse: str = ""
    cfe_an_dernier: float | None = None  # last year's CFE, the estimate of the next one
    tva: bool = False  # liable to VAT (franchise lost): the plan pays it
    taux_tva: float | None = None  # VAT rate of the sales; None: the standard rate


@dataclass(frozen=True)
class Ledger:
    """Everything the user typed, validated.

    Each frame has one column per contract column, named by `Column.field`, plus `ligne`, the row
    number as Excel shows it. Dates are `datetime64[ns]` (NaT when empty), amounts `float64` (NaN
    when empty), integers nullable `Int64`, texts `str` ("" when empty, surrounding spaces removed),
    closed-list values the canonical spelling of the contract (default applied when empty).
    Optional sheets that are missing give an empty frame with the same columns.
    """

    params: Params
    encaissements: pd.DataFrame
    decaissements: pd.DataFrame
    factures: pd.DataFrame
    fournisseurs: pd.DataFrame
    stock: pd.DataFrame
    projets: pd.DataFrame
    missing_sheets: tuple[str, ...] = field(default=())  # optional sheets absent from the workbook
    # bank lines (Banque sheet, optional; its absence is not listed in missing_sheets)
    banque: pd.DataFrame = field(default_factory=lambda: empty_banque())


def empty_banque() -> pd.DataFrame:
    """The Banque frame with no rows: its columns and dtypes, as the reader gives them."""
    columns: dict[str, pd.Series] = {}
    for col in BANQUE.columns:
        if col.kind is Kind.DATE:
            columns[col.field] = pd.Series([], dtype="datetime64[ns]")
        elif col.kind is Kind.AMOUNT:
            columns[col.field] = pd.Series([], dtype="float64")
        else:
            columns[col.field] = pd.Series([], dtype="str")
    columns["ligne"] = pd.Series([], dtype="int64")
    return pd.DataFrame(columns)
