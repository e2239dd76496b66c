"""The accountant's export: values only, same figures, registers, cover sheet, nothing secret."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import zipfile
from pathlib import Path

import click
import openpyxl
import pandas as pd
import pytest
import xlsxwriter
from click.testing import CliRunner
from ledger_factory import make_ledger
from python_calamine import CalamineWorkbook
from workbook_factory import good_sheets, write_workbook

from treso_xl import contract
from treso_xl.cli.export import register
from treso_xl.cli.main import FrenchGroup
from treso_xl.export.layouts import TAB_ACHATS, TAB_RECETTES, TAB_SOMMAIRE
from treso_xl.export.naming import export_filename
from treso_xl.export.registers import (
    Period,
    PeriodError,
    livre_des_recettes,
    monthly_totals,
    purchase_register_required,
    register_total,
    registre_des_achats,
    resolve_period,
)
from treso_xl.export.workbook import (
    MissingSirenError,
    build_export,
    export_workbook,
    read_input_sheets,
)
from treso_xl.refresh import compute, read, refresh_file
from treso_xl.workbooks import sample_path

SAMPLE = read(sample_path()).params
SAMPLE_EXPORT = export_filename(SAMPLE.entreprise, SAMPLE.date_reference)
REF = SAMPLE.date_reference
PERIOD = f"du 01/01/{REF.year} au {REF:%d/%m/%Y}"


@click.group(cls=FrenchGroup)
def app() -> None:
    """treso-xl (test group with the export commands)."""


register(app)


def run(*args: str):
    return CliRunner().invoke(app, list(args), prog_name="treso-xl")


def grid(path: Path, sheet: str) -> list[list[object]]:
    book = CalamineWorkbook.from_path(str(path))
    try:
        return book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    finally:
        book.close()


def same(a: object, b: object) -> bool:
    """Cell values equal once dates at midnight and whole floats are folded."""

    def fold(value: object) -> object:
        if value in ("", None):
            return None
        if isinstance(value, dt.datetime) and value.time() == dt.time(0):
            return value.date()
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value

    return fold(a) == fold(b)


def cells(rows: list[list[object]]) -> dict[tuple[int, int], object]:
    return {
        (r, c): v
        for r, row in enumerate(rows, start=1)
        for c, v in enumerate(row, start=1)
        if v not in ("", None)
    }


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sample")
    shutil.copy(sample_path(), folder / "exemple.xlsx")
    return folder


@pytest.fixture(scope="module")
def exported(sample_dir: Path):
    return export_workbook(sample_dir / "exemple.xlsx")


@pytest.fixture(scope="module")
def refreshed(sample_dir: Path) -> Path:
    target = sample_dir / "actualise.xlsx"
    refresh_file(sample_dir / "exemple.xlsx", target)
    return target


# --- the file -------------------------------------------------------------------------------


def test_name_place_and_document_properties(exported, sample_dir: Path) -> None:
    assert exported.path == sample_dir / SAMPLE_EXPORT
    wb = openpyxl.load_workbook(exported.path)
    props = wb.properties
    assert SAMPLE_EXPORT == f"Tresorerie_Atelier-Lune-Graphique-EI_{REF:%Y-%m}.xlsx"
    assert props.creator == SAMPLE.entreprise == "Atelier Lune Graphique (EI)"
    assert props.lastModifiedBy == SAMPLE.entreprise
    assert SAMPLE.entreprise in props.title and PERIOD in props.title
    assert props.subject == f"Période {PERIOD}"
    assert props.created == props.modified == dt.datetime(REF.year, REF.month, REF.day)
    assert wb.sheetnames[0] == TAB_SOMMAIRE
    assert wb.active.title == TAB_SOMMAIRE


def test_every_tab_is_there_in_order(exported) -> None:
    names = openpyxl.load_workbook(exported.path).sheetnames
    layouts = [layout.name for layout in exported.report.layouts]
    inputs = [contract.PARAMETRES_SHEET, *(s.name for s in contract.DATA_SHEETS)]
    assert names == [TAB_SOMMAIRE, TAB_RECETTES, *layouts, *inputs]
    assert "Mode d'emploi" not in names
    assert exported.export.omitted == ("Mode d'emploi",)


def test_no_formula_no_macro_no_external_link_no_defined_name(exported) -> None:
    with zipfile.ZipFile(exported.path) as archive:
        names = archive.namelist()
        texts = {name: archive.read(name).decode("utf-8") for name in names}
    assert not [n for n in names if "vba" in n.lower() or n.lower().endswith(".bin")]
    assert not [n for n in names if "externallink" in n.lower()]
    assert "macroEnabled" not in texts["[Content_Types].xml"]
    for name, text in texts.items():
        assert 'TargetMode="External"' not in text, name
        if name.startswith("xl/worksheets/"):
            assert "<f>" not in text and "<f " not in text, name
    # only Excel's own print titles (the header rows repeated on each printed page)
    names_defined = re.findall(r"<definedName [^>]*>", texts["xl/workbook.xml"])
    assert all('name="_xlnm.Print_Titles"' in n for n in names_defined), names_defined
    assert [n for n in names if n.startswith("xl/charts/chart")], "the dashboard's charts"
    wb = openpyxl.load_workbook(exported.path)
    assert not list(wb.defined_names)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)


def test_generated_tabs_hold_the_figures_of_a_refresh(exported, refreshed: Path) -> None:
    for layout in exported.report.layouts:
        source = cells(grid(refreshed, layout.name))
        copy = cells(grid(exported.path, layout.name))
        assert source.keys() == copy.keys(), layout.name
        for key, value in source.items():
            assert same(value, copy[key]), (layout.name, key, value, copy[key])


def test_input_sheets_hold_the_source_values(exported, sample_dir: Path) -> None:
    source_path = sample_dir / "exemple.xlsx"
    for sheet in contract.DATA_SHEETS:
        source = cells(grid(source_path, sheet.name))
        copy = cells(grid(exported.path, sheet.name))
        assert source.keys() == copy.keys(), sheet.name
        for key, value in source.items():
            assert same(value, copy[key]), (sheet.name, key, value, copy[key])


def test_amounts_and_dates_keep_formats(exported) -> None:
    wb = openpyxl.load_workbook(exported.path)
    factures = wb[contract.FACTURES.name]
    headers = [c.value for c in factures[1]]
    amount = factures.cell(row=2, column=headers.index("Montant") + 1)
    date = factures.cell(row=2, column=headers.index("Date") + 1)
    assert "€" in amount.number_format and isinstance(amount.value, int | float)
    assert date.number_format == "dd/mm/yyyy" and isinstance(date.value, dt.datetime)
    stock = wb[contract.STOCK.name]
    quantity = stock.cell(row=2, column=2)
    assert "€" not in quantity.number_format  # a quantity, not euros


def test_the_export_reads_back_to_the_same_figures(exported) -> None:
    again = compute(read(exported.path))
    source = exported.report
    assert again.ledger.params == source.ledger.params
    pd.testing.assert_series_equal(again.plan.closing, source.plan.closing)
    pd.testing.assert_series_equal(again.plan.low, source.plan.low)
    assert float(again.aging.total["Total"]) == float(source.aging.total["Total"])


def test_cover_sheet_lists_tabs_figures_and_left_out_sheets(exported) -> None:
    rows = grid(exported.path, TAB_SOMMAIRE)
    text = "\n".join(" | ".join(str(v) for v in row if v not in ("", None)) for row in rows)
    for name in openpyxl.load_workbook(exported.path).sheetnames:
        assert any(row[0] == name for row in rows), name
    assert SAMPLE.siren in text
    assert PERIOD in text
    assert "Date d'actualisation des calculs" in text
    assert "« Mode d'emploi »" in text and "non reprises" in text
    summary = exported.summary
    values = [v for row in rows for v in row]
    assert summary.receipts_total in values and summary.overdue_total in values


def test_the_same_workbook_exports_to_the_same_bytes(exported, sample_dir: Path) -> None:
    inputs = read_input_sheets(sample_dir / "exemple.xlsx")
    period = exported.summary.period
    again = build_export(exported.report, inputs, period, "exemple.xlsx")
    assert again.data == exported.path.read_bytes()


# --- the registers --------------------------------------------------------------------------


def test_livre_des_recettes_of_the_sample(exported) -> None:
    rows = grid(exported.path, TAB_RECETTES)
    header = rows[4]
    assert header[:7] == [
        "Date d'encaissement",
        "Client",
        "Nature de la vente ou de la prestation",
        "Montant",
        "Mode de règlement",
        "Référence (N° facture)",
        "Origine",
    ]
    body = [row for row in rows[5:] if isinstance(row[0], dt.date)]
    dates = [row[0] for row in body]
    assert dates == sorted(dates)
    assert all(dt.date(REF.year, 1, 1) <= _day(d) <= REF for d in dates)
    total = round(sum(row[3] for row in body), 2)
    assert total == exported.summary.receipts_total
    assert any(row[0] == "Total de la période" and row[3] == total for row in rows)
    months = [row[8] for row in rows[5:] if isinstance(row[8], dt.date)]
    assert [_day(m) for m in months] == [dt.date(REF.year, m, 1) for m in range(1, REF.month + 1)]
    assert round(sum(row[9] for row in rows[5:] if isinstance(row[8], dt.date)), 2) == total
    assert TAB_ACHATS not in openpyxl.load_workbook(exported.path).sheetnames


def _day(value: object) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value  # type: ignore[return-value]


def _ledger(**params):
    return make_ledger(
        params={
            "siren": "732829320",
            "date_solde": dt.date(2025, 12, 31),
            "date_reference": dt.date(2026, 3, 31),
            **params,
        },
        factures=[
            {  # paid in full, in the period
                "facture": "F-1",
                "date": dt.datetime(2026, 1, 5),
                "client": "Durand",
                "libelle": "Logo",
                "montant": 600.0,
                "date_paiement": dt.datetime(2026, 2, 4),
                "mode_paiement": "Virement",
            },
            {  # paid through an Encaissements row naming it (twice, partial)
                "facture": "F-2",
                "date": dt.datetime(2026, 1, 20),
                "client": "Martin",
                "libelle": "",
                "montant": 500.0,
                "mode_paiement": "Chèque",
            },
            {  # paid before the period
                "facture": "F-0",
                "date": dt.datetime(2025, 11, 2),
                "client": "Petit",
                "libelle": "Affiche",
                "montant": 90.0,
                "date_paiement": dt.datetime(2025, 12, 2),
            },
            {  # unpaid
                "facture": "F-3",
                "date": dt.datetime(2026, 3, 1),
                "client": "Durand",
                "montant": 300.0,
            },
        ],
        encaissements=[
            {
                "date": dt.datetime(2026, 2, 10),
                "libelle": "Acompte F-2",
                "montant": 200.0,
                "statut": "Réalisé",
                "facture": "f-2 ",
            },
            {
                "date": dt.datetime(2026, 3, 10),
                "libelle": "Solde F-2",
                "montant": 300.0,
                "statut": "Réalisé",
                "facture": "F-2",
            },
            {
                "date": dt.datetime(2026, 1, 15),
                "libelle": "Vente marché",
                "montant": 45.5,
                "categorie": "Ventes",
                "statut": "Réalisé",
            },
            {
                "date": dt.datetime(2026, 1, 16),
                "libelle": "Apport personnel",
                "montant": 1000.0,
                "categorie": "apport",
                "statut": "Réalisé",
            },
            {
                "date": dt.datetime(2026, 3, 20),
                "libelle": "Vente prévue",
                "montant": 80.0,
                "statut": "Prévu",
            },
        ],
        decaissements=[
            {
                "date": dt.datetime(2026, 1, 31),
                "libelle": "Loyer boutique",
                "fournisseur": "SCI du Port",
                "montant": 650.0,
                "categorie": "Loyer",
                "recurrence": "Mensuelle",
                "statut": "Réalisé",
            },
            {
                "date": dt.datetime(2026, 2, 12),
                "libelle": "Marchandises",
                "fournisseur": "Grossiste",
                "montant": 420.0,
                "categorie": "Achats",
                "statut": "Réalisé",
            },
            {
                "date": dt.datetime(2026, 1, 31),
                "libelle": "URSSAF T4",
                "fournisseur": "URSSAF",
                "montant": 300.0,
                "categorie": "URSSAF",
                "statut": "Réalisé",
            },
            {
                "date": dt.datetime(2026, 3, 25),
                "libelle": "Vitrine",
                "fournisseur": "Menuisier",
                "montant": 900.0,
                "categorie": "Matériel",
                "statut": "Prévu",
            },
        ],
        fournisseurs=[
            {
                "numero": "FA-77",
                "date": dt.datetime(2026, 2, 1),
                "fournisseur": "grossiste ",
                "montant": 420.0,
                "date_paiement": dt.datetime(2026, 2, 12),
            }
        ],
    )


def test_livre_des_recettes_by_hand() -> None:
    ledger = _ledger()
    period = resolve_period(ledger.params.date_reference)
    assert period == Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    book = livre_des_recettes(ledger, period)
    got = [
        (row.date.date(), row.client, row.nature, row.montant, row.mode, row.reference)
        for row in book.itertuples()
    ]
    assert got == [
        (dt.date(2026, 1, 15), "", "Vente marché", 45.5, "", ""),
        (dt.date(2026, 2, 4), "Durand", "Logo", 600.0, "Virement", "F-1"),
        (dt.date(2026, 2, 10), "Martin", "Facture F-2", 200.0, "Chèque", "F-2"),
        (dt.date(2026, 3, 10), "Martin", "Facture F-2", 300.0, "Chèque", "F-2"),
    ]
    assert list(book["origine"])[1] == "Factures, ligne 2"
    assert list(book["origine"])[2] == "Encaissements, ligne 2"
    totals = monthly_totals(book, period)
    assert list(totals.index) == [dt.date(2026, m, 1) for m in (1, 2, 3)]
    assert list(totals) == [45.5, 800.0, 300.0]
    assert register_total(book) == 1145.5


def test_registre_des_achats_by_hand() -> None:
    ledger = _ledger(activite="Vente de marchandises")
    assert purchase_register_required(ledger.params.activite)
    assert not purchase_register_required("Prestations de services BNC")
    period = resolve_period(ledger.params.date_reference)
    achats = registre_des_achats(ledger, period)
    got = [
        (row.date.date(), row.fournisseur, row.categorie, row.montant, row.reference)
        for row in achats.itertuples()
    ]
    assert got == [
        (dt.date(2026, 1, 31), "SCI du Port", "Loyer", 650.0, ""),
        (dt.date(2026, 2, 12), "Grossiste", "Achats", 420.0, "FA-77"),
        (dt.date(2026, 2, 28), "SCI du Port", "Loyer", 650.0, ""),
        (dt.date(2026, 3, 31), "SCI du Port", "Loyer", 650.0, ""),
    ]
    assert list(monthly_totals(achats, period)) == [650.0, 1070.0, 650.0]


def test_period_rules() -> None:
    ref = dt.date(2026, 3, 31)
    assert resolve_period(ref, end=dt.date(2026, 2, 28)) == Period(
        dt.date(2026, 1, 1), dt.date(2026, 2, 28)
    )
    assert resolve_period(ref, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)).months()[
        -1
    ] == dt.date(2025, 12, 1)
    with pytest.raises(PeriodError, match="postérieure à la date de référence"):
        resolve_period(ref, end=dt.date(2026, 4, 1))
    with pytest.raises(PeriodError, match="après sa fin"):
        resolve_period(ref, start=dt.date(2026, 3, 1), end=dt.date(2026, 2, 1))


def test_sales_activity_export_has_both_registers(tmp_path: Path) -> None:
    sheets = good_sheets()
    params = sheets["Paramètres"]
    params[4] = ["activite", "Vente de marchandises"]
    params.append(["Date de référence", dt.datetime(2026, 3, 31)])
    source = write_workbook(tmp_path / "boutique.xlsx", sheets)
    result = export_workbook(source)
    names = openpyxl.load_workbook(result.path).sheetnames
    assert names[:3] == [TAB_SOMMAIRE, TAB_RECETTES, TAB_ACHATS]
    rows = grid(result.path, TAB_ACHATS)
    assert rows[4][:8] == [
        "Date de règlement",
        "Fournisseur",
        "Nature de l'achat",
        "Catégorie",
        "Montant",
        "Mode de règlement",
        "Référence de la pièce",
        "Origine",
    ]
    assert result.summary.purchases_total is not None


# --- nothing secret, nothing the user did not mean ------------------------------------------


def test_paramètres_extra_rows_and_columns_do_not_leak(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRESO_SMTP_PASSWORD", "motdepasse-env-42")
    monkeypatch.setenv("TRESO_SMTP_HOST", "smtp.secret-host.example")
    sheets = good_sheets()
    sheets["Paramètres"] += [
        ["Mot de passe SMTP", "hunter2-smtp", "mot de passe du serveur"],
        ["mot de passe banque", "Banque!2026", None],
        ["Identifiant impots.gouv", "jean.dupont", "mot de passe : Azerty#9"],
    ]
    sheets["Paramètres"][2].append("mon mot de passe est Soleil77")  # the notes column
    sheets["Codes"] = [["Service", "Mot de passe"], ["Banque", "Banque!2026"]]
    source = write_workbook(tmp_path / "secrets.xlsx", sheets)
    result = export_workbook(source)
    with zipfile.ZipFile(result.path) as archive:
        blob = "\n".join(archive.read(n).decode("utf-8") for n in archive.namelist()).lower()
    for secret in (
        "mot de passe",
        "hunter2",
        "banque!2026",
        "azerty#9",
        "soleil77",
        "jean.dupont",
        "motdepasse-env-42",
        "secret-host",
        "ma ligne à moi",
    ):
        assert secret not in blob, secret
    assert "Codes" in result.export.omitted and "Notes" in result.export.omitted
    rows = grid(result.path, contract.PARAMETRES_SHEET)
    assert [row[0] for row in rows[1:]] == [setting.name for setting in contract.SETTINGS]
    assert rows[0][:2] == ["Paramètre", "Valeur"]


def test_text_stays_text_and_formulas_become_their_values(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    params = wb.add_worksheet("Paramètres")
    for i, row in enumerate(
        [
            ["Paramètre", "Valeur"],
            ["Entreprise", "Test"],
            ["SIREN", "732829320"],
            ["Activité", "Prestations de services BNC"],
            ["Solde initial", 1000],
            ["Date du solde initial", "31/12/2025"],
            ["Date de référence", "31/03/2026"],
        ]
    ):
        params.write_row(i, 0, row)
    enc = wb.add_worksheet("Encaissements")
    enc.write_row(0, 0, ["Date", "Libellé", "Montant", "Statut", "Calcul"])
    enc.write_string(1, 0, "15/01/2026")
    enc.write_string(1, 1, "=SOMME(A1:A2)")
    enc.write_formula(1, 2, "=100+20", None, 120)
    enc.write_string(1, 3, "Réalisé")
    enc.write_formula(1, 4, "='[autre.xlsx]Feuil1'!A1", None, 7)
    for sheet in (contract.DECAISSEMENTS, contract.FACTURES):
        wb.add_worksheet(sheet.name).write_row(0, 0, [c.name for c in sheet.columns])
    wb.close()
    source = tmp_path / "formules.xlsx"
    source.write_bytes(buffer.getvalue())
    result = export_workbook(source)
    ws = openpyxl.load_workbook(result.path)["Encaissements"]
    assert ws["B2"].value == "=SOMME(A1:A2)" and ws["B2"].data_type == "s"
    assert ws["C2"].value == 120 and ws["C2"].data_type == "n"
    assert ws["E2"].value == 7
    with zipfile.ZipFile(result.path) as archive:
        assert not any("externalLink" in n for n in archive.namelist())
        assert b"autre.xlsx" not in b"".join(archive.read(n) for n in archive.namelist())
    livre = grid(result.path, TAB_RECETTES)
    assert any(row[2] == "=SOMME(A1:A2)" and row[3] == 120 for row in livre)


def test_file_names_are_safe_everywhere() -> None:
    day = dt.date(2026, 3, 31)
    assert export_filename("Atelier Dupont", day) == "Tresorerie_Atelier-Dupont_2026-03.xlsx"
    for name in ("Café/Été: <l'œil>*?|\"\\", "CON", "", "🙂🙂", "../../etc/passwd", "x" * 300):
        filename = export_filename(name, day)
        assert re.fullmatch(r"Tresorerie_[A-Za-z0-9_-]{1,60}_2026-03\.xlsx", filename), filename
    assert export_filename("Café Été", day) == "Tresorerie_Cafe-Ete_2026-03.xlsx"


def test_missing_siren_is_data_to_correct(tmp_path: Path) -> None:
    sheets = good_sheets()
    sheets["Paramètres"] = [row for row in sheets["Paramètres"] if row[:1] != ["SIREN"]]
    source = write_workbook(tmp_path / "sans_siren.xlsx", sheets)
    report = compute(read(source))
    with pytest.raises(MissingSirenError, match="SIREN"):
        build_export(report, read_input_sheets(source))
    result = run("export", str(source))
    assert result.exit_code == 1
    assert "Le SIREN de l'entreprise est obligatoire" in result.output
    assert list(tmp_path.iterdir()) == [source]


# --- the command ----------------------------------------------------------------------------


def test_cli_export_next_to_the_file_into_a_folder_or_a_name(tmp_path: Path) -> None:
    source = tmp_path / "exemple.xlsx"
    shutil.copy(sample_path(), source)
    before = source.read_bytes()
    result = run("export", str(source))
    assert result.exit_code == 0, result.output
    assert f"Export écrit : {tmp_path / SAMPLE_EXPORT}" in result.output
    assert "Feuilles non reprises" in result.output and "« Mode d'emploi »" in result.output
    assert source.read_bytes() == before

    folder = tmp_path / "envoi"
    folder.mkdir()
    assert run("export", str(source), "-o", str(folder)).exit_code == 0
    assert (folder / SAMPLE_EXPORT).is_file()

    named = tmp_path / "compta.xlsx"
    result = run(
        "export",
        str(source),
        "-o",
        str(named),
        "--du",
        f"01/{REF:%m/%Y}",
        "--au",
        f"{REF:%d/%m/%Y}",
    )
    assert result.exit_code == 0, result.output
    rows = grid(named, TAB_SOMMAIRE)
    assert any(f"du 01/{REF:%m/%Y} au {REF:%d/%m/%Y}" in str(row[1]) for row in rows)


def test_cli_export_refuses_bad_outputs_and_periods(tmp_path: Path) -> None:
    source = tmp_path / "exemple.xlsx"
    shutil.copy(sample_path(), source)
    result = run("export", str(source), "-o", str(source))
    assert result.exit_code == 2 and "ne peut pas remplacer le classeur" in result.output
    result = run("export", str(source), "-o", str(tmp_path / "x.xlsm"))
    assert result.exit_code == 2 and "doit finir par .xlsx" in result.output
    result = run("export", str(source), "--au", f"{REF + dt.timedelta(days=1):%d/%m/%Y}")
    assert result.exit_code == 2 and "postérieure à la date de référence" in result.output
    result = run("export", str(source), "--du", "32/01/2026")
    assert result.exit_code == 2 and "n'est pas une date" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exemple.xlsx"]


def test_cli_export_help_is_french() -> None:
    result = run("export", "--help")
    assert result.exit_code == 0
    assert "Utilisation : treso-xl export" in result.output
    assert "livre des recettes" in result.output


@pytest.mark.slow
def test_libreoffice_opens_every_tab_of_the_export(exported, tmp_path: Path) -> None:
    from libreoffice import sheets_as_csv

    sheets = sheets_as_csv(exported.path, tmp_path)
    assert set(sheets) == set(openpyxl.load_workbook(exported.path).sheetnames)
    total = f"{exported.summary.receipts_total:g}"
    livre = sheets[TAB_RECETTES]
    assert any(row[:1] == ["Total de la période"] and total in row for row in livre)
    assert any("Atelier Lune Graphique (EI)" in row for row in sheets[TAB_SOMMAIRE])
