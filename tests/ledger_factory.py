"""Builds validated Ledger records directly from Python values, for engine tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from treso_xl import contract
from treso_xl.contract import Kind
from treso_xl.core.records import Ledger, Params


def typed_frame(
    sheet: contract.Sheet, rows: list[dict[str, Any]], first_row: int = 2
) -> pd.DataFrame:
    """A frame shaped like the reader's: fields as columns, contract dtypes, `ligne` numbers."""
    data: dict[str, Any] = {}
    for col in sheet.columns:
        values = [row.get(col.field) for row in rows]
        if col.kind is Kind.DATE:
            data[col.field] = pd.to_datetime(pd.Series(values, dtype="object")).astype(
                "datetime64[ns]"
            )
        elif col.kind is Kind.AMOUNT:
            data[col.field] = pd.Series(values, dtype="float64")
        elif col.kind is Kind.INTEGER:
            data[col.field] = pd.Series(values, dtype="Int64")
        elif col.kind is Kind.CHOICE:
            data[col.field] = pd.Series(
                [col.default if v is None else v for v in values], dtype="object"
            )
        else:
            data[col.field] = pd.Series(["" if v is None else v for v in values], dtype="object")
    data["ligne"] = pd.Series(range(first_row, first_row + len(rows)), dtype="int64")
    return pd.DataFrame(data)


def make_ledger(
    params: dict[str, Any] | None = None,
    encaissements: list[dict[str, Any]] | None = None,
    decaissements: list[dict[str, Any]] | None = None,
    factures: list[dict[str, Any]] | None = None,
    fournisseurs: list[dict[str, Any]] | None = None,
    stock: list[dict[str, Any]] | None = None,
    projets: list[dict[str, Any]] | None = None,
) -> Ledger:
    """A ledger with sensible defaults: 1 000 € on 31/12/2025, horizon 6, threshold 0."""
    settings: dict[str, Any] = {
        "entreprise": "Test",
        "activite": "Prestations de services BNC",
        "solde_initial": 1000.0,
        "date_solde": dt.date(2025, 12, 31),
        "date_reference": dt.date(2026, 1, 1),
        "horizon": 6,
    }
    settings.update(params or {})
    return Ledger(
        params=Params(**settings),
        encaissements=typed_frame(contract.ENCAISSEMENTS, encaissements or []),
        decaissements=typed_frame(contract.DECAISSEMENTS, decaissements or []),
        factures=typed_frame(contract.FACTURES, factures or []),
        fournisseurs=typed_frame(contract.FOURNISSEURS, fournisseurs or []),
        stock=typed_frame(contract.STOCK, stock or []),
        projets=typed_frame(contract.PROJETS, projets or []),
    )
