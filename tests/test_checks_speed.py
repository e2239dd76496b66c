"""The faster checks and reminders (issue 16) give exactly what the former code gave."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from treso_xl.core.checks import (
    AVERTISSEMENT,
    Finding,
    _date,
    _is_set,
    _statuses,
    _text,
)
from treso_xl.french import quote

REFERENCE = dt.date(2026, 3, 15)


def _statuses_before(frame: pd.DataFrame, feuille: str, reference: dt.date) -> list[Finding]:
    """The former implementation, row by row over Timestamps."""
    findings: list[Finding] = []
    today = pd.Timestamp(reference)
    recurring = "recurrence" in frame
    days, statuses = frame["date"], frame["statut"]
    flagged = (
        days.notna()
        & (((statuses == "Réalisé") & (days > today)) | ((statuses == "Prévu") & (days < today)))
    ).to_numpy(dtype=bool)
    fields = ["date", "ligne", "libelle", "statut", *(["recurrence"] if recurring else [])]
    rows = frame.loc[flagged, fields]
    shown: dict[Any, str] = {}
    reference_shown = _date(reference)
    labels: dict[Any, str] = {}
    for when, ligne, libelle, statut, recurrence in zip(
        rows["date"].tolist(),
        rows["ligne"].tolist(),
        rows["libelle"].tolist(),
        rows["statut"].tolist(),
        rows["recurrence"].tolist() if recurring else [None] * len(rows),
        strict=True,
    ):
        if not _is_set(when):
            continue
        ligne = int(ligne)
        key = (libelle.__class__, libelle)
        label = labels.get(key)
        if label is None:
            label = labels[key] = quote(_text(libelle))
        libelle = label
        written = shown.get(when) or shown.setdefault(when, _date(when))
        if statut == "Réalisé" and when > today:
            findings.append(
                Finding(
                    AVERTISSEMENT,
                    feuille,
                    ligne,
                    f"{quote('Réalisé')} en date future : {libelle} daté du {written}, "
                    f"après la date de référence ({reference_shown}).",
                    "Un mouvement réalisé a déjà eu lieu : corrigez la date, ou passez le "
                    f"statut à {quote('Prévu')} s'il reste à venir.",
                    "realise_futur",
                )
            )
        elif statut == "Prévu" and when < today:
            if recurring and recurrence not in ("Aucune", "", None):
                continue
            findings.append(
                Finding(
                    AVERTISSEMENT,
                    feuille,
                    ligne,
                    f"{quote('Prévu')} en date passée : {libelle} daté du {written}, "
                    f"avant la date de référence ({reference_shown}).",
                    "Mettez la ligne à jour : a-t-elle été payée ? Si oui, passez le statut à "
                    f"{quote('Réalisé')} avec la date réelle ; sinon reportez la date au jour "
                    "attendu.",
                    "prevu_passe",
                )
            )
    return findings


_dates = st.one_of(
    st.none(), st.dates(dt.date(2026, 3, 10), dt.date(2026, 3, 20)).map(pd.Timestamp)
)
_status_rows = st.lists(
    st.tuples(
        _dates,
        st.sampled_from(["Réalisé", "Prévu", None]),
        st.sampled_from(["Loyer", " Loyer ", "Café", None, ""]),
        st.sampled_from(["Aucune", "", None, "Mensuelle"]),
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(_status_rows, st.booleans(), st.booleans())
def test_statuses_as_before(rows, recurring, typed_strings):
    dtype = "str" if typed_strings else object
    frame = pd.DataFrame(
        {
            "date": pd.Series([r[0] for r in rows], dtype="datetime64[ns]"),
            "statut": pd.Series([r[1] for r in rows], dtype=dtype),
            "libelle": pd.Series([r[2] for r in rows], dtype=dtype),
            "ligne": np.arange(2, len(rows) + 2, dtype="int64"),
        }
    )
    if recurring:
        frame["recurrence"] = pd.Series([r[3] for r in rows], dtype=dtype)
    frame = frame.iloc[::-1] if len(rows) % 2 else frame  # an index not in order
    assert _statuses(frame, "Décaissements", REFERENCE) == _statuses_before(
        frame, "Décaissements", REFERENCE
    )
