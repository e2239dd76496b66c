"""Property tests on whole files: a refresh is idempotent and keeps every user part."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from workbook_factory import write_workbook

from treso_xl.refresh import refresh_file

D = dt.datetime
dates = st.dates(min_value=dt.date(2025, 6, 1), max_value=dt.date(2027, 6, 1)).map(
    lambda d: D(d.year, d.month, d.day)
)
amounts = st.decimals(min_value="0.01", max_value="99999", places=2).map(float)
# openpyxl would store a text starting with "=" as a formula: such user input is a formula
texts = st.text(alphabet="abcdeéèàç =+-@'\"<>&", min_size=1, max_size=12).filter(
    lambda t: t.strip() and not t.startswith("=")
)


@st.composite
def workbooks(draw):
    params = [
        ["Paramètre", "Valeur"],
        ["Entreprise", draw(texts)],
        ["Activité", "Prestations de services BIC"],
        ["Solde initial", draw(st.integers(-3000, 9000))],
        ["Date du solde initial", D(2026, 1, 31)],
        ["Date de référence", D(2026, 2, 15)],
        ["Horizon (mois)", draw(st.integers(1, 14))],
        ["Seuil d'alerte", 500],
    ]
    enc = [["Date", "Libellé", "Client", "Montant", "Catégorie", "Statut", "N° facture"]]
    for _ in range(draw(st.integers(0, 8))):
        enc.append(
            [
                draw(dates),
                draw(texts),
                draw(texts),
                draw(amounts),
                draw(texts),
                draw(st.sampled_from(["Prévu", "Réalisé"])),
                None,
            ]
        )
    dec = [
        ["Date", "Libellé", "Fournisseur", "Montant", "Catégorie", "Récurrence", "Fin", "Statut"]
    ]
    for _ in range(draw(st.integers(0, 6))):
        dec.append(
            [
                draw(dates),
                draw(texts),
                None,
                draw(amounts),
                draw(texts),
                draw(st.sampled_from(["Aucune", "Mensuelle", "Trimestrielle"])),
                None,
                "Prévu",
            ]
        )
    fac = [
        [
            "N° facture",
            "Date",
            "Client",
            "Montant",
            "Conditions de paiement",
            "Date de paiement",
            "Type de client",
        ]
    ]
    for i in range(draw(st.integers(0, 6))):
        fac.append(
            [
                f"F{i:03d}",
                draw(dates),
                draw(texts),
                draw(amounts),
                draw(st.sampled_from(["30 jours", "À réception", "45 jours fin de mois"])),
                draw(st.one_of(st.none(), dates)),
                draw(st.sampled_from(["Professionnel", "Particulier"])),
            ]
        )
    notes = [["Mes notes"], ["=SOMME(A1:A3)"], ["texte libre"]]
    return {
        "Paramètres": params,
        "Encaissements": enc,
        "Décaissements": dec,
        "Factures": fac,
        "Notes": notes,
    }


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.slow
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sheets=workbooks())
def test_refresh_is_idempotent_and_keeps_user_parts(tmp_path_factory, sheets):
    folder = tmp_path_factory.mktemp("prop")
    path = write_workbook(folder / "c.xlsx", sheets)
    original = _parts(path)
    refresh_file(path)
    first = _parts(path)
    refresh_file(path)
    second = _parts(path)
    assert first == second
    for name, data in original.items():
        if name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml":
            assert first[name] == data
    generated = [data for name, data in first.items() if name.startswith("xl/worksheets/treso_")]
    assert generated and not any(b"<f>" in data or b"<f " in data for data in generated)
