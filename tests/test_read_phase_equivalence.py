"""The read phase's faster paths give what the former code gave (hypothesis, hostile inputs)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from treso_xl.contract import _fold, _fold_all, normalize_label, normalize_series
from treso_xl.reading.values import (
    _EMAIL_RE,
    _URL_RE,
    BOOL,
    EMPTY,
    Cells,
    _bad,
    _choices,
    _emails,
    _objects,
    _urls,
)

CHOICES = (("Oui", "Non"), ("Prévu", "Réalisé", "Annulé"), ("Professionnel", "Particulier"))


def _old_choices(cells: Cells, choices, default):
    """values._choices before it factorized the texts (the reference)."""
    canonical = {normalize_label(choice): choice for choice in choices}
    empty_value = "" if default is None else str(default)
    ok = cells.mask(EMPTY)
    positions = cells._text_positions
    if len(positions):
        texts = cells._texts.tolist()
        found = {text: canonical.get(normalize_label(text)) for text in set(texts)}
        shown = _objects(list(map({t: c or "" for t, c in found.items()}.__getitem__, texts)))
        if len(positions) == len(ok):
            values = shown
        else:
            values = np.full(len(cells.codes), empty_value, dtype=object)
            values[positions] = shown
        if None in found.values():
            known = {text: choice is not None for text, choice in found.items()}
            ok[positions] = np.fromiter(map(known.__getitem__, texts), bool, len(texts))
        else:
            ok[positions] = True
    else:
        values = np.full(len(cells.codes), empty_value, dtype=object)
    boolean = cells.mask(BOOL)
    if {"oui", "non"} <= canonical.keys() and boolean.any():
        flags = cells.values[boolean].astype(bool)
        values[boolean] = np.where(flags, canonical["oui"], canonical["non"]).astype(object)
        ok[boolean] = True
    if not ok.all():
        values[~ok] = ""
    return values, _bad(cells, ok)


_WORDS = st.sampled_from(
    ["oui", " NON ", "Oui", "prevu", "PRÉVU", "Réalisé ", "annule", "autre", "", "   ", "nan",
     "Professionnel", "particulier (€)", "Particulier"]
)  # fmt: skip
_CELL = st.one_of(
    _WORDS,
    st.text(max_size=6),
    st.none(),
    st.booleans(),
    st.floats(allow_nan=True, allow_infinity=False),
    st.integers(-3, 3),
    st.just(dt.datetime(2025, 1, 2)),
)


@settings(max_examples=300, deadline=None)
@given(
    cells=st.lists(_CELL, max_size=40),
    which=st.integers(0, len(CHOICES) - 1),
    default=st.sampled_from([None, "Prévu", "Non"]),
)
def test_choices_as_before(cells: list, which: int, default) -> None:
    raw = _objects(cells)
    new_values, new_bad = _choices(Cells(raw), CHOICES[which], default)
    old_values, old_bad = _old_choices(Cells(raw), CHOICES[which], default)
    assert new_values.dtype == object
    assert new_values.tolist() == old_values.tolist()
    assert [type(v) for v in new_values.tolist()] == [type(v) for v in old_values.tolist()]
    assert new_bad.tolist() == old_bad.tolist()


def test_choices_many_rows_few_values() -> None:
    rng = np.random.default_rng(7)
    words = np.array(["Prévu", " réalisé", "ANNULÉ", "faux", "", None, 3.0], dtype=object)
    raw = words[rng.integers(0, len(words), 5000)]
    new_values, new_bad = _choices(Cells(raw), CHOICES[1], None)
    old_values, old_bad = _old_choices(Cells(raw), CHOICES[1], None)
    assert new_values.tolist() == old_values.tolist()
    assert new_bad.tolist() == old_bad.tolist()
    assert new_bad.any() and not new_bad.all()


_FOLD_ALPHABET = st.sampled_from(
    [*"aZ9-_/ ()", "\t", "\n", "\x0b", "\x0c", "\r", "\x1c", "\x1f", "\x00", "é", "’", "º"]
)


@settings(max_examples=500, deadline=None)
@given(texts=st.lists(st.text(_FOLD_ALPHABET, max_size=8), max_size=12))
def test_fold_all_as_fold_each(texts: list[str]) -> None:
    assert _fold_all(texts) == [_fold(text) for text in texts]


def test_fold_all_plain_invoice_numbers() -> None:
    texts = [f"F2025-{i:05d}" for i in range(3000)] + ["Ab Cd", "", "x(1)y", "(a)b"]
    assert _fold_all(texts) == [_fold(text) for text in texts]
    for odd in (" F1", "F1 ", "F  1", "F\t1", "Montant (EUR)", "F\x001", "É1"):
        assert _fold_all([*texts, odd]) == [_fold(text) for text in [*texts, odd]]


@settings(max_examples=200, deadline=None)
@given(
    cells=st.lists(
        st.one_of(st.none(), st.text(_FOLD_ALPHABET, max_size=6), st.sampled_from(["F-1", "f-1"])),
        max_size=30,
    ),
    dtype=st.sampled_from(["str", "object"]),
)
def test_normalize_series_as_before(cells: list, dtype: str) -> None:
    series = pd.Series(cells, dtype=dtype, name="facture", index=range(5, 5 + len(cells)))
    before = [normalize_label(text) for text in series.fillna("").astype(str).tolist()]
    after = normalize_series(series)
    assert after.tolist() == before
    assert after.dtype == object and after.name == "facture"
    assert after.index.equals(series.index)


def _old_pattern_texts(cells: Cells, pattern):
    values = np.full(len(cells.codes), "", dtype=object)
    ok = cells.mask(EMPTY)
    positions = cells._text_positions
    if len(positions):
        texts = cells._texts.tolist()
        matched = {text: pattern.search(text) is not None for text in set(texts)}
        values[positions] = cells._texts
        ok[positions] = np.fromiter(map(matched.__getitem__, texts), bool, len(texts))
    return values, ok


def _old_emails(cells: Cells):
    values, ok = _old_pattern_texts(cells, _EMAIL_RE.re)
    values[~ok] = ""
    return values, _bad(cells, ok)


def _old_urls(cells: Cells):
    values, ok = _old_pattern_texts(cells, _URL_RE.re)
    if len(cells._text_positions):
        texts = cells._texts.tolist()
        www = {text: text.lower().startswith("www.") for text in set(texts)}
        linked = ["https://" + text if www[text] else text for text in texts]
        values[cells._text_positions] = _objects(linked)
    values[~ok] = ""
    return values, _bad(cells, ok)


_LINKISH = st.one_of(
    st.sampled_from(
        ["a@b.fr", " a@b.fr ", "a@b", "x y@b.fr", "WWW.site.fr", "www.site.fr", "https://a.b/c",
         "http://a", "ftp://a.b", "", "  ", "www.", "Www.x.y z"]
    ),
    st.text(st.sampled_from([*"aw.@:/ hts"]), max_size=10),
    st.none(),
    st.floats(allow_infinity=False),
    st.booleans(),
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(cells=st.lists(_LINKISH, max_size=30))
def test_emails_and_urls_as_before(cells: list) -> None:
    raw = _objects(cells)
    for new, old in ((_emails, _old_emails), (_urls, _old_urls)):
        new_values, new_bad = new(Cells(raw))
        old_values, old_bad = old(Cells(raw))
        assert new_values.tolist() == old_values.tolist()
        assert new_bad.tolist() == old_bad.tolist()
