"""checks._statuses (built per distinct label and date) gives what the row-by-row loop gave."""

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from treso_xl.core.checks import (
    _PREVU,
    _PREVU_PASSE_ADVICE,
    _REALISE,
    _REALISE_FUTUR_ADVICE,
    AVERTISSEMENT,
    Finding,
    _array,
    _date,
    _statuses,
    _text,
)
from treso_xl.french import quote


def _old_statuses(frame: pd.DataFrame, feuille: str, reference: dt.date) -> list[Finding]:
    """The loop _statuses ran before (one Finding appended per flagged row)."""
    today = pd.Timestamp(reference)
    recurring = "recurrence" in frame
    days, statuses = frame["date"], frame["statut"]
    set_ = days.notna()
    future = _array(set_ & (statuses == "Réalisé") & (days > today))
    past = _array(set_ & (statuses == "Prévu") & (days < today))
    flagged = future | past
    if not flagged.any():
        return []
    if recurring:
        series = np.fromiter(
            (r not in ("Aucune", "", None) for r in frame["recurrence"].to_numpy()[past]),
            dtype=bool,
            count=int(past.sum()),
        )
        past = past.copy()
        past[np.flatnonzero(past)[series]] = False
        flagged = future | past
    when_codes, whens = pd.factorize(days[flagged])
    written = [_date(when) for when in whens]
    reference_shown = _date(reference)
    labels: dict[Any, str] = {}
    findings: list[Finding] = []
    for is_future, ligne, libelle, when in zip(
        future[flagged].tolist(),
        frame["ligne"].to_numpy()[flagged].tolist(),
        frame["libelle"].to_numpy(dtype=object)[flagged].tolist(),
        when_codes.tolist(),
        strict=True,
    ):
        key = (libelle.__class__, libelle)
        label = labels.get(key)
        if label is None:
            label = labels[key] = quote(_text(libelle))
        if is_future:
            findings.append(
                Finding(
                    AVERTISSEMENT,
                    feuille,
                    int(ligne),
                    f"{_REALISE} en date future : {label} daté du {written[when]}, "
                    f"après la date de référence ({reference_shown}).",
                    _REALISE_FUTUR_ADVICE,
                    "realise_futur",
                )
            )
        else:
            findings.append(
                Finding(
                    AVERTISSEMENT,
                    feuille,
                    int(ligne),
                    f"{_PREVU} en date passée : {label} daté du {written[when]}, "
                    f"avant la date de référence ({reference_shown}).",
                    _PREVU_PASSE_ADVICE,
                    "prevu_passe",
                )
            )
    return findings


REFERENCE = dt.date(2025, 6, 15)
_LABELS = st.one_of(
    st.sampled_from(["Loyer", " Loyer ", "loyer", "", "Café « noir »", "1"]),
    st.none(),
    st.just(float("nan")),
    st.sampled_from([1, 1.0, True, 0, 2.5]),
)
_ROWS = st.lists(
    st.tuples(
        st.one_of(st.none(), st.dates(dt.date(2025, 5, 1), dt.date(2025, 7, 31))),
        st.sampled_from(["Réalisé", "Prévu", "Autre", None]),
        _LABELS,
        st.sampled_from(["Aucune", "", None, "Mensuelle"]),
    ),
    max_size=40,
)


def _frame(rows: list[tuple], recurring: bool, string_labels: bool) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(pd.Series([r[0] for r in rows], dtype=object)),
            "statut": pd.Series(
                [r[1] for r in rows], dtype=pd.StringDtype("python", na_value=np.nan)
            ),
            "libelle": pd.Series(
                [
                    (r[2] if isinstance(r[2], str) else None) if string_labels else r[2]
                    for r in rows
                ],
                dtype=pd.StringDtype("python", na_value=np.nan) if string_labels else object,
            ),
            "ligne": np.arange(2, len(rows) + 2, dtype="int64"),
        }
    )
    if recurring:
        frame["recurrence"] = pd.Series([r[3] for r in rows], dtype=object)
    return frame


@settings(max_examples=300, deadline=None)
@given(_ROWS, st.booleans(), st.booleans())
def test_statuses_as_the_row_by_row_loop(rows, recurring, string_labels):
    frame = _frame(rows, recurring, string_labels)
    new = _statuses(frame, "Décaissements", REFERENCE)
    old = _old_statuses(frame, "Décaissements", REFERENCE)
    assert new == old
    assert [type(f.ligne) for f in new] == [int] * len(new)


def test_statuses_wording_and_mixed_labels():
    rows = [
        (dt.date(2025, 7, 1), "Réalisé", 1, None),
        (dt.date(2025, 7, 1), "Réalisé", 1.0, None),
        (dt.date(2025, 5, 2), "Prévu", True, None),
        (dt.date(2025, 5, 2), "Prévu", None, None),
    ]
    found = _statuses(_frame(rows, False, False), "Encaissements", REFERENCE)
    assert [f.code for f in found] == ["realise_futur", "realise_futur", "prevu_passe"] * 1 + [
        "prevu_passe"
    ]
    assert [f.constat.split(" daté")[0].split(" : ", 1)[1] for f in found] == [
        quote("1"),
        quote("1.0"),
        quote("True"),
        quote(""),
    ]
    assert found[0].constat == (
        f"{_REALISE} en date future : {quote('1')} daté du 01/07/2025, "
        "après la date de référence (15/06/2025)."
    )


def test_dates_written_as_date_does():
    from treso_xl.core.checks import _dates_written

    texts = ["2025-01-31 13:45", "1969-12-31 23:59", "2025-01-31 00:00", "2262-04-11 00:00"]
    for unit in ("ns", "us", "s"):
        days = pd.Series(pd.to_datetime(texts).as_unit(unit))
        mask = np.array([True, True, True, False])
        codes, written = _dates_written(days, mask)
        assert [written[c] for c in codes] == [_date(d) for d in days[mask]]
        assert written == ["31/01/2025", "31/12/1969", "31/01/2025"]
    # a year before 1000: the slow path, as before
    old = pd.Series(np.array(["0999-05-01", "2025-01-01"], dtype="datetime64[s]"))
    codes, written = _dates_written(old, np.array([True, True]))
    assert written == [_date(when) for when in pd.factorize(old)[1]]
    assert written[1] == "01/01/2025"
