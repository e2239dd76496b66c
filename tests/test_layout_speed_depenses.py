"""Dépenses: charge lines grouped from a list of label keys (not by iterating the Series), and
the highlight styles built once: the same lines and the same styles as before."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from treso_xl.core.money import cents
from treso_xl.core.spending import RecurringCharge, label_key
from treso_xl.layout import depenses, styles
from treso_xl.layout.depenses import ChargeLine, charge_lines


def _old_charge_lines(charges: tuple[RecurringCharge, ...]) -> list[ChargeLine]:
    if not charges:
        return []
    keys = label_key(pd.Series([c.libelle for c in charges], dtype="object"))
    series: dict[tuple[str, ...], list[RecurringCharge]] = {}
    for charge, key in zip(charges, keys, strict=True):
        group = (charge.fournisseur.casefold(), str(key), charge.categorie, charge.frequence)
        series.setdefault((*group, charge.origine), []).append(charge)
    lines = []
    for members in series.values():
        rises = [c.hausse for c in members if c.hausse is not None]
        lines.append(
            ChargeLine(
                charge=members[0],
                montant=cents(sum(c.montant for c in members)),
                cout_annuel=cents(sum(c.cout_annuel for c in members)),
                lignes=tuple(sorted(c.ligne for c in members)),
                hausse=max(rises) if rises else None,
                signalee=any(c.signalee for c in members),
            )
        )
    lines.sort(key=lambda line: -line.cout_annuel)
    return lines


_CHARGE = st.builds(
    RecurringCharge,
    fournisseur=st.sampled_from(["Adobe", "adobe", "OVH", "Free"]),
    libelle=st.sampled_from(["Abonnement mars 2026", "abonnement avril 2026", "Box", "", "123"]),
    categorie=st.sampled_from(["Logiciels", "Télécom"]),
    frequence=st.sampled_from(["Mensuelle", "Annuelle"]),
    montant=st.sampled_from([9.99, 30.0, 120.5]),
    cout_annuel=st.sampled_from([119.88, 360.0, 120.5]),
    origine=st.sampled_from(["saisie", "détectée"]),
    conseil=st.sampled_from(["", "Comparez les offres."]),
    ligne=st.integers(2, 500),
    occurrences=st.integers(1, 12),
    dernier_paiement=st.none(),
    hausse=st.none() | st.sampled_from([0.05, 0.2]),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_CHARGE, max_size=25))
def test_charge_lines_as_before(charges) -> None:
    assert charge_lines(tuple(charges)) == _old_charge_lines(tuple(charges))


def test_highlight_styles_are_the_ones_built_per_row_before() -> None:
    assert depenses._MONEY_ALERT == styles.alert(depenses._MONEY)
    assert depenses._PCT_ALERT == styles.alert(depenses._PCT)
    assert depenses._NUMBER_ALERT == styles.alert(depenses._NUMBER)
    assert depenses._WARN_TOP == styles.WARN.but(valign="top")
