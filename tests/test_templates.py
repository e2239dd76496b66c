"""The bundled workbooks: contract structure, drop-downs, the sample's data, reproducibility."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from builders import build, sample_data
from treso_xl.contract import (
    DATA_SHEETS,
    FACTURES,
    MODES_PAIEMENT,
    PARAMETRES_SHEET,
    SETTINGS,
    STATUT,
    TYPE_CLIENT,
    normalize_label,
)

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "workbook_templates"
LAST_ROW = build.FORMATTED_ROWS + 1


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("templates")
    return {
        "template": build.build_template(out / build.TEMPLATE_FILE),
        "sample": build.build_sample(out / build.SAMPLE_FILE),
    }


@pytest.fixture(scope="module")
def sample_wb(built):
    return load_workbook(built["sample"])


@pytest.fixture(scope="module")
def template_wb(built):
    return load_workbook(built["template"])


def _rows(ws) -> list[dict[str, object]]:
    """Non-empty data rows of a sheet as {header: value}, with the Excel row number."""
    headers = [c.value for c in ws[1]]
    rows = []
    for excel_row, values in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        if all(v is None for v in values):
            continue
        row = dict(zip(headers, values, strict=False))
        row["_row"] = excel_row
        rows.append(row)
    return rows


def _settings(wb) -> dict[str, object]:
    ws = wb[PARAMETRES_SHEET]
    return {r[0]: r[1] for r in ws.iter_rows(min_row=2, values_only=True) if r[0]}


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _validation_for(ws, cell: str):
    found = [dv for dv in ws.data_validations.dataValidation if cell in dv.sqref]
    assert len(found) == 1, f"{ws.title}!{cell}: {len(found)} validations"
    return found[0]


def _list_items(formula: str) -> list[str]:
    assert formula.startswith('"') and formula.endswith('"'), formula
    return formula[1:-1].split(",")


# --------------------------------------------------------------------------------------------
# Structure shared by both workbooks
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["template", "sample"])
def test_sheets_and_headers_follow_the_contract(built, which):
    wb = load_workbook(built[which])
    assert wb.sheetnames == [build.GUIDE_SHEET, PARAMETRES_SHEET, *(s.name for s in DATA_SHEETS)]
    for sheet in DATA_SHEETS:
        ws = wb[sheet.name]
        assert [c.value for c in ws[1]] == [c.name for c in sheet.columns]
        assert ws.freeze_panes == "A2"
        assert all(ws.cell(row=1, column=i + 1).font.b for i in range(len(sheet.columns)))
        for i, column in enumerate(sheet.columns, start=1):
            letter = ws.cell(row=1, column=i).column_letter
            assert ws.column_dimensions[letter].width == column.width
            fmt = build.column_format(sheet, column)
            assert ws.cell(row=2, column=i).number_format == (fmt or "General")
            assert ws.cell(row=LAST_ROW, column=i).number_format == (fmt or "General")
    params = wb[PARAMETRES_SHEET]
    assert [c.value for c in params[1]] == list(build.SETTINGS_HEADERS)
    names = [r[0] for r in params.iter_rows(min_row=2, values_only=True)]
    assert names == [s.name for s in SETTINGS]
    helps = [r[2] for r in params.iter_rows(min_row=2, values_only=True)]
    assert helps == [s.help for s in SETTINGS]
    assert wb.properties.creator == "treso-xl"


def test_template_is_empty_but_for_template_values(template_wb):
    values = [r[1] for r in template_wb[PARAMETRES_SHEET].iter_rows(min_row=2, values_only=True)]
    assert values == [s.template_value for s in SETTINGS]
    for sheet in DATA_SHEETS:
        assert _rows(template_wb[sheet.name]) == []


def test_setting_value_formats(template_wb):
    ws = template_wb[PARAMETRES_SHEET]
    formats = {row[0].value: row[1].number_format for row in ws.iter_rows(min_row=2)}
    assert formats["Date du solde initial"] == "dd/mm/yyyy"
    assert formats["Solde initial"] == '#,##0.00 "€"'
    assert formats["Taux de pénalités"] == "0.00 %"


@pytest.mark.parametrize("which", ["template", "sample"])
def test_every_closed_list_has_its_drop_down(built, which):
    wb = load_workbook(built[which])
    for sheet in DATA_SHEETS:
        ws = wb[sheet.name]
        for i, column in enumerate(sheet.columns, start=1):
            letter = ws.cell(row=1, column=i).column_letter
            if column.choices:
                for row in (2, LAST_ROW):
                    dv = _validation_for(ws, f"{letter}{row}")
                    assert dv.type == "list"
                    assert _list_items(dv.formula1) == list(column.choices)
                    assert dv.showErrorMessage
                    assert dv.error and dv.prompt
    ws = wb[PARAMETRES_SHEET]
    for row, setting in enumerate(SETTINGS, start=2):
        if setting.choices:
            dv = _validation_for(ws, f"B{row}")
            assert _list_items(dv.formula1) == list(setting.choices)
    mode = FACTURES.columns.index(FACTURES.column("Mode de paiement")) + 1
    letter = wb[FACTURES.name].cell(row=1, column=mode).column_letter
    dv = _validation_for(wb[FACTURES.name], f"{letter}2")
    assert _list_items(dv.formula1) == list(MODES_PAIEMENT)
    assert not dv.showErrorMessage  # other modes are allowed


def test_guide_mentions_the_essentials(template_wb):
    text = "\n".join(
        str(c.value) for row in template_wb[build.GUIDE_SHEET].iter_rows() for c in row if c.value
    )
    for needle in (
        "treso-xl refresh classeur.xlsx",
        "Trésorerie",
        "Retards clients à encaisser",
        "toujours positifs",
        "même jour du mois",
        "N'y saisissez rien",
        "30 jours après la date de la facture",
    ):
        assert needle in text, needle


# --------------------------------------------------------------------------------------------
# The sample
# --------------------------------------------------------------------------------------------


def _due_dates(invoice: dict[str, object]) -> set[dt.date]:
    """Due date(s) of an invoice: typed, or from the wordings used in the sample.

    "45 jours fin de mois" has two accepted readings; both are returned.
    """
    typed = _as_date(invoice["Échéance"])
    if typed:
        return {typed}
    day = _as_date(invoice["Date"])
    terms = (invoice["Conditions de paiement"] or "").lower()
    if not terms:
        return {day + dt.timedelta(days=30)}
    if "réception" in terms or "comptant" in terms:
        return {day}
    days = int(re.search(r"\d+", terms).group())
    if "fin de mois" in terms:
        return {
            sample_data.end_of_month(day) + dt.timedelta(days=days),
            sample_data.end_of_month(day + dt.timedelta(days=days)),
        }
    return {day + dt.timedelta(days=days)}


def _still_due(invoice: dict[str, object]) -> float:
    if invoice["Date de paiement"] is None:
        return invoice["Montant"]
    paid = invoice["Montant payé"]
    return 0.0 if paid is None else invoice["Montant"] - paid


def test_sample_settings(sample_wb):
    s = _settings(sample_wb)
    assert s["Entreprise"].startswith("Atelier Lune Graphique")
    assert s["Activité"] == "Prestations de services BNC"
    assert s["Déclaration URSSAF"] == "Trimestrielle"
    assert _as_date(s["Date du solde initial"]) == dt.date(2026, 11, 2)
    assert _as_date(s["Date de référence"]) == dt.date(2026, 11, 20)
    assert 6000 <= s["Solde initial"] <= 7000
    assert s["Horizon (mois)"] == 12
    assert s["Seuil d'alerte"] == 2000
    assert s["Taux de pénalités"] is None
    assert s["Rappel avant échéance (jours)"] == 3
    assert s["Taux du crédit de trésorerie"] == pytest.approx(0.065)
    assert sample_data.luhn_ok(s["SIREN"]) and len(s["SIREN"]) == 9
    assert sample_data.iban_ok(s["IBAN"]) and s["IBAN"].startswith("FR")
    for setting in SETTINGS:
        if setting.choices:
            assert s[setting.name] in setting.choices


def test_identifiers_match_an_independent_checker():
    stdnum = pytest.importorskip("stdnum")
    from stdnum import iban
    from stdnum.fr import siren

    assert stdnum
    s = sample_data.settings()
    assert siren.is_valid(s["siren"])
    assert iban.is_valid(s["iban"])


def test_sample_volumes(sample_wb):
    invoices = _rows(sample_wb[FACTURES.name])
    receipts = _rows(sample_wb["Encaissements"])
    assert 85 <= len(invoices) <= 120
    assert 130 <= len(invoices) + len(receipts) <= 170
    clients = {r["Client"] for r in invoices}
    assert 10 <= len(clients) <= 16
    assert {r["Type de client"] for r in invoices} == set(TYPE_CLIENT)
    assert {r["Mode de paiement"] for r in invoices} >= {
        "Virement",
        "Chèque",
        "Carte / lien de paiement",
    }
    assert any(r["Lien de paiement"] for r in invoices)
    for r in invoices:
        assert isinstance(r["Montant"], int | float) and r["Montant"] > 0
        assert isinstance(r["Date"], dt.datetime)
    dates = [_as_date(r["Date"]) for r in invoices]
    assert min(dates) >= dt.date(2025, 11, 1)


def test_sample_numbering_has_one_gap(sample_wb):
    numbers = [r["N° facture"] for r in _rows(sample_wb[FACTURES.name])]
    assert len(set(numbers)) == len(numbers)
    assert numbers[0] == "F2025-031"
    seq_2026 = sorted(int(n[-3:]) for n in numbers if n.startswith("F2026-"))
    missing = sorted(set(range(1, seq_2026[-1] + 1)) - set(seq_2026))
    assert [f"F2026-{n:03d}" for n in missing] == [sample_data.MISSING_NUMBER]


def test_sample_has_exactly_two_seriously_overdue_invoices(sample_wb):
    ref = _as_date(_settings(sample_wb)["Date de référence"])
    limit = ref - dt.timedelta(days=60)
    invoices = _rows(sample_wb[FACTURES.name])
    overdue = {
        r["N° facture"]
        for r in invoices
        if _still_due(r) > 0 and all(d < limit for d in _due_dates(r))
    }
    maybe = {
        r["N° facture"]
        for r in invoices
        if _still_due(r) > 0 and any(d < limit for d in _due_dates(r))
    }
    assert overdue == maybe  # the same under both readings of "fin de mois"
    assert len(overdue) == 2
    rows = [r for r in invoices if r["N° facture"] in overdue]
    assert any(r["Type de client"] == "Professionnel" for r in rows)
    assert any(max(_due_dates(r)) < ref - dt.timedelta(days=90) for r in rows)


def test_sample_partial_payment_and_double_counting_rows(sample_wb):
    invoices = _rows(sample_wb[FACTURES.name])
    partial = [r for r in invoices if r["Montant payé"] is not None]
    assert len(partial) == 1 and 0 < partial[0]["Montant payé"] < partial[0]["Montant"]
    numbers = {r["N° facture"] for r in invoices}
    named = [r for r in _rows(sample_wb["Encaissements"]) if r["N° facture"]]
    assert len(named) == 3 and all(r["N° facture"] in numbers for r in named)
    assert {r["Statut"] for r in named} == set(STATUT)
    # the promise to pay: a Prévu row naming an invoice due in December, dated in January
    due = {r["N° facture"]: max(_due_dates(r)) for r in invoices}
    promised = [r for r in named if r["Libellé"].startswith("Paiement promis")]
    assert len(promised) == 1
    assert due[promised[0]["N° facture"]].month == 12 and _as_date(promised[0]["Date"]).month == 1
    # a Décaissements row names an unpaid bill of Fournisseurs
    bills = {r["N°"]: r for r in _rows(sample_wb["Fournisseurs"])}
    paying = [r for r in _rows(sample_wb["Décaissements"]) if r["N° facture"]]
    assert [bills[r["N° facture"]]["Date de paiement"] for r in paying] == [None]


def test_sample_values_are_valid_by_type(sample_wb):
    """The deliberate mistakes are warnings, never blocking errors."""
    for sheet in DATA_SHEETS:
        for r in _rows(sample_wb[sheet.name]):
            for column in sheet.columns:
                value = r[column.name]
                if column.required:
                    assert value not in (None, ""), (sheet.name, r["_row"], column.name)
                if value is None:
                    continue
                if column.choices:
                    assert value in column.choices
                if column.kind.name == "DATE":
                    assert isinstance(value, dt.datetime)
                if column.kind.name in ("AMOUNT", "INTEGER"):
                    assert isinstance(value, int | float) and value >= 0
                    if column.positive:
                        assert value > 0


def test_sample_mistakes_are_where_the_list_says(sample_wb):
    mistakes = sample_data.mistake_rows()
    kinds = [what for _, _, what in mistakes]
    assert len(set(kinds)) == 8 and kinds.count("libellé vague") == 2
    ref = _as_date(_settings(sample_wb)["Date de référence"])
    for sheet, row, what in mistakes:
        ws = sample_wb[sheet]
        values = dict(zip([c.value for c in ws[1]], [c.value for c in ws[row]], strict=True))
        if what == "libellé vague":
            assert values["Libellé"] in ("Prestation de services", "Divers")
        elif what.startswith("SIREN"):
            assert values["Type de client"] == "Professionnel"
            assert not sample_data.luhn_ok(values["SIREN client"])
        elif what.startswith("conditions"):
            assert values["Conditions de paiement"] is None
        elif what.startswith("délai"):
            assert values["Conditions de paiement"] == "90 jours"
        elif what.startswith("date de paiement"):
            assert values["Date de paiement"] < values["Date"]
        elif what.startswith("numérotation"):
            previous = ws.cell(row=row - 1, column=1).value
            assert int(values["N° facture"][-3:]) == int(previous[-3:]) + 2
        elif sheet == "Encaissements":
            assert values["Statut"] == "Réalisé" and _as_date(values["Date"]) > ref
        else:
            assert values["Statut"] == "Prévu" and _as_date(values["Date"]) < ref
    # Every other professional client has a valid SIREN.
    bad = [r for r in _rows(sample_wb[FACTURES.name]) if r["SIREN client"]]
    assert len({r["Client"] for r in bad if not sample_data.luhn_ok(r["SIREN client"])}) == 1


def test_sample_project_and_stock(sample_wb):
    (project,) = _rows(sample_wb["Projets"])
    assert project["Échéancier"] == "30/40/30"
    assert _as_date(project["Début"]).year == 2027
    stock = _rows(sample_wb["Stock"])
    ref = _as_date(_settings(sample_wb)["Date de référence"])
    dormant = [r for r in stock if (ref - _as_date(r["Dernière vente"])).days > 90]
    assert len(dormant) == 1


# --------------------------------------------------------------------------------------------
# Reproducibility
# --------------------------------------------------------------------------------------------


def test_build_is_byte_reproducible(built, tmp_path):
    again = build.build_sample(tmp_path / "again.xlsx")
    assert again.read_bytes() == built["sample"].read_bytes()
    again = build.build_template(tmp_path / "again_template.xlsx")
    assert again.read_bytes() == built["template"].read_bytes()


def _values(path: Path) -> dict[str, list[tuple]]:
    wb = load_workbook(path, read_only=True)
    try:
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}
    finally:
        wb.close()


@pytest.mark.parametrize("name", [build.TEMPLATE_FILE, build.SAMPLE_FILE])
def test_committed_workbooks_match_a_fresh_build(built, name):
    committed = COMMITTED / name
    assert committed.exists(), f"run python scripts/build_templates.py ({name} missing)"
    fresh = built["template" if name == build.TEMPLATE_FILE else "sample"]
    old, new = _values(committed), _values(fresh)
    assert list(old) == list(new)
    for sheet in new:
        assert old[sheet] == new[sheet], f"{name}: sheet {sheet} differs; rebuild the templates"


def test_headers_are_recognised_by_the_contract_matching(template_wb):
    for sheet in DATA_SHEETS:
        keys = [normalize_label(c.value) for c in template_wb[sheet.name][1]]
        assert keys == [c.key for c in sheet.columns]
