"""Past « Prévu » rows each quote their own label, however many rows share one."""

from __future__ import annotations

import datetime as dt

from ledger_factory import make_ledger

from treso_xl.core.checks import run_checks
from treso_xl.french import quote


def test_each_flagged_row_quotes_its_own_label():
    labels = ["Loyer", 1, True, 1.0, "Loyer", "1"]
    rows = [
        {"date": dt.date(2025, 12, 1 + i), "libelle": label, "montant": 1.0}
        for i, label in enumerate(labels)
    ]
    ledger = make_ledger(params={"date_reference": dt.date(2026, 1, 15)}, decaissements=rows)
    found = [f for f in run_checks(ledger) if f.code == "prevu_passe"]
    assert len(found) == len(labels)
    for finding, label in zip(found, labels, strict=True):
        assert f": {quote(str(label))} daté du" in finding.constat
