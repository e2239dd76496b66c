"""The engine's figures on the bundled sample, frozen: layout work must not change a number."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from pathlib import Path

import pandas as pd
import pytest

from treso_xl.refresh import compute, read
from treso_xl.workbooks import sample_path

FROZEN = Path(__file__).parent / "data" / "figures_sample.json"


def _plain(value: object) -> object:
    """A JSON-comparable copy: numbers rounded to the cent, dates as ISO text."""
    if isinstance(value, pd.DataFrame):
        return {str(k): _plain(v) for k, v in value.to_dict(orient="index").items()}
    if isinstance(value, pd.Series):
        return {str(k): _plain(v) for k, v in value.to_dict().items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        number = float(value)
        return None if math.isnan(number) else round(number, 2)
    if isinstance(value, (dt.date, pd.Timestamp)):
        return None if pd.isna(value) else value.isoformat()[:10]
    return str(value)


def figures(report) -> dict[str, object]:
    """Every figure the generated tabs show, from the engine (not from the layouts)."""
    plan = report.plan
    return _plain(
        {
            "plan": {
                "receipts": plan.receipts,
                "disbursements": plan.disbursements,
                "opening": plan.opening,
                "closing": plan.closing,
                "low": plan.low,
                "low_day": plan.low_day,
                "overdue_memo": plan.overdue_memo,
                "below": plan.below,
                "predicted_closing": plan.predicted_closing,
            },
            "aging": {"table": report.aging.table, "total": report.aging.total},
            "dso": report.dso,
            "working_capital": report.working_capital,
            "urssaf": report.urssaf.declarations,
            "financing": dataclasses.replace(report.financing, levers=()),
            "levers": [(lever.label, lever.amount) for lever in report.financing.levers]
            if all(hasattr(lever, "label") for lever in report.financing.levers)
            else len(report.financing.levers),
            "reminders": [
                (
                    r.facture,
                    r.client,
                    r.niveau,
                    r.jours_retard,
                    r.reste_du,
                    r.penalites,
                    r.indemnite,
                    r.total_du,
                    r.echeance,
                    r.date_prochaine_action,
                )
                for r in report.reminders
            ],
            "spending": report.spending,
            "stock": report.stock,
        }
    )


@pytest.fixture(scope="module")
def report():
    return compute(read(sample_path()))


def test_the_engine_figures_of_the_sample_are_unchanged(report):
    assert json.loads(FROZEN.read_text(encoding="utf-8")) == figures(report)


if __name__ == "__main__":  # regenerate only on purpose, after a figure change is intended
    FROZEN.write_text(
        json.dumps(figures(compute(read(sample_path()))), ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
