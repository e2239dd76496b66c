"""reminders._charges (every due date's penalties rounded to the cent in one call) gives what
the call per due date gave."""

import datetime as dt

import pandas as pd
from test_checks_speed import _reminder_cases

from treso_xl.core.penalties import penalties_over_many
from treso_xl.core.records import Params
from treso_xl.core.reminders import (
    _FIELDS,
    LEVELS,
    PROFESSIONAL,
    RuleNotCovered,
    _Charge,
    _charges,
    _Figures,
    _values,
)


def _old_charges(
    columns: list[list], rows: pd.DataFrame, params: Params, figures: _Figures
) -> list[_Charge]:
    """The penalties of every late invoice to a professional, computed per due date over the
    whole column of rests (the periods are those of the due date)."""
    types, dues, lates = (
        columns[_FIELDS.index(c)] for c in ("type_client", "echeance_calculee", "jours_retard")
    )
    rests = rows["reste_du"].to_numpy(dtype="float64")
    by_due: dict[dt.date, list[int]] = {}
    for i, (kind, due, late) in enumerate(zip(types, dues, lates, strict=True)):
        if kind == PROFESSIONAL and late > 0:
            by_due.setdefault(due, []).append(i)
    out: list[_Charge] = [None] * len(rests)
    for due, which in by_due.items():
        try:
            periods = figures.periods(due)
        except RuleNotCovered as exc:
            error = (
                f"{exc} Indiquez le « Taux de pénalités » dans la feuille Paramètres pour "
                "calculer les pénalités de cette facture."
            )
            for i in which:
                out[i] = (0.0, None, False, error)
            continue
        rate = periods[-1].rate if periods else params.taux_penalites
        uncertain = any(p.uncertain for p in periods)
        amounts = penalties_over_many(rests[which], periods)
        for i, amount in zip(which, amounts, strict=True):
            out[i] = (amount, rate, uncertain, "")
    return out


def _inputs(positions: pd.DataFrame, params: Params):
    """What reminders() hands _charges."""
    from treso_xl.core.aging import open_invoices

    rows = open_invoices(positions, params.date_reference)
    late = rows["jours_retard"].to_numpy(dtype="int64")
    wanted = late >= LEVELS[-1][0]
    if params.rappel_jours is not None:
        wanted |= -late <= params.rappel_jours
    rows = rows.loc[wanted, [c for c in _FIELDS if c in rows]]
    columns = [_values(rows[c]) if c in rows else [()] * len(rows) for c in _FIELDS]
    return columns, rows


def test_charges_as_one_call_per_due_date():
    from treso_xl.core.invoices import invoice_positions

    compared = 0
    for ledger, params in _reminder_cases():
        positions = invoice_positions(ledger.factures, ledger.encaissements)
        columns, rows = _inputs(positions, params)
        new = _charges(columns, rows, params, _Figures(params))
        old = _old_charges(columns, rows, params, _Figures(params))
        assert new == old
        assert [type(c[0]) for c in new if c] == [type(c[0]) for c in old if c]
        compared += sum(c is not None for c in new)
    assert compared > 1000


def test_values_of_a_date_column_as_dt_date():
    from treso_xl.core.reminders import _values

    stamps = pd.Series(
        pd.to_datetime(
            ["2025-01-31 00:00", "1969-12-31 13:45", "2262-04-11 00:00", "2024-02-29 23:59"]
        )
    )
    got = _values(stamps)
    assert got == list(stamps.dt.date) and all(type(v) is dt.date for v in got)
    with_nat = pd.Series(pd.to_datetime(["2025-01-31", None]))
    assert _values(with_nat)[0] == dt.date(2025, 1, 31) and _values(with_nat)[1] is pd.NaT
    aware = pd.Series(pd.to_datetime(["2025-01-31 23:30"]).tz_localize("Europe/Paris"))
    assert _values(aware) == list(aware.dt.date) == [dt.date(2025, 1, 31)]


def test_lazy_text_fields_set_in_its_dict():
    import dataclasses
    import pickle

    from treso_xl.core.reminder_texts import LazyReminderText, ReminderText

    built: list[int] = []

    def build() -> ReminderText:
        built.append(1)
        return ReminderText("ignored", "Bonjour,")

    text = LazyReminderText("Objet", build)
    assert vars(text) == {"subject": "Objet", "_build": build, "_body": None} and not built
    assert text.subject == "Objet" and text.body == "Bonjour," and text.body == "Bonjour,"
    assert built == [1]  # the body written once
    assert text == ReminderText("Objet", "Bonjour,") and hash(text) == hash(("Objet", "Bonjour,"))
    assert pickle.loads(pickle.dumps(text)) == ReminderText("Objet", "Bonjour,")
    try:
        text.subject = "autre"  # type: ignore[misc]
    except dataclasses.FrozenInstanceError:
        pass
    else:
        raise AssertionError("a reminder text stays frozen")
