"""Header folding: the per-value and the whole-column versions agree."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from treso_xl.contract import normalize_label, normalize_series

ALPHABET = st.sampled_from(list("aAéÉèçÇ ()€%°º’'\t\n-_/1.xyzÆœŒ\u00a0\u2009ﬁ\u3000\x1c\x85"))


def test_examples():
    assert normalize_label("  Montant (€) ") == "montant"
    assert normalize_label("Échéance") == "echeance"
    assert normalize_label("(€)") == "(€)"
    assert normalize_label(None) == ""
    assert list(normalize_series(pd.Series(["  Délai  fournisseur (jours)", None, 12]))) == [
        "delai fournisseur",
        "",
        "12",
    ]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=ALPHABET, max_size=12), max_size=8))
def test_series_version_matches_label_version(values):
    got = list(normalize_series(pd.Series(values, dtype=object)))
    assert got == [normalize_label(v) for v in values]
