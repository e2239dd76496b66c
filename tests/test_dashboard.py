"""Dashboard figures by hand, and the refreshed sample's dashboard rendered by LibreOffice."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from ledger_factory import make_ledger

from treso_xl import contract
from treso_xl.core.dashboard import balance_light, balance_on, dso_light, share_light
from treso_xl.core.plan import build_plan
from treso_xl.layout import styles
from treso_xl.layout.tableau_de_bord import (
    BALANCE_CHART_TITLE,
    BUCKET_COLORS,
    GAP_LABEL,
    MAX_CLIENTS,
    RECEIVABLES_CHART_TITLE,
)
from treso_xl.refresh import compute, read, refresh_file

D = dt.date


def test_balance_on_counts_flows_up_to_the_day():
    ledger = make_ledger(
        params={"solde_initial": 1000.0, "date_solde": D(2026, 1, 10), "horizon": 3},
        encaissements=[{"date": D(2026, 1, 20), "libelle": "a", "montant": 300.0}],
        decaissements=[{"date": D(2026, 2, 5), "libelle": "b", "montant": 500.0}],
    )
    plan = build_plan(ledger)
    assert balance_on(plan, D(2026, 1, 10)) == 1000.0
    assert balance_on(plan, D(2026, 1, 19)) == 1000.0
    assert balance_on(plan, D(2026, 1, 20)) == 1300.0
    assert balance_on(plan, D(2026, 2, 5)) == 800.0
    assert balance_on(plan, D(2026, 1, 9)) is None  # before the known balance
    assert balance_on(plan, D(2026, 4, 1)) is None  # past the horizon


@pytest.mark.parametrize(
    ("value", "light"),
    [
        (None, "neutral"),
        (-1.0, "red"),
        (999.0, "red"),
        (1000.0, "orange"),
        (1499.0, "orange"),
        (1500.0, "green"),
    ],
)
def test_balance_light(value, light):
    assert balance_light(value, threshold=1000.0, cushion=500.0) == light


def test_dso_and_share_lights():
    assert [dso_light(d) for d in (None, 30, 31, 60, 61)] == [
        "neutral",
        "green",
        "orange",
        "orange",
        "red",
    ]
    assert [share_light(s) for s in (0.79, 0.8, 0.99, 1.0)] == ["green", "orange", "orange", "red"]


@pytest.mark.slow
def test_sample_dashboard_renders_three_charts_in_libreoffice(tmp_path: Path):
    from libreoffice import convert

    from treso_xl.workbooks import sample_path

    target = tmp_path / "exemple.xlsx"
    shutil.copyfile(sample_path(), target)
    refresh_file(target)
    with zipfile.ZipFile(target) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/treso_")]
    assert len(charts) == 3
    pdf = convert(target, "pdf", tmp_path / "pdf")[0]
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm absent")
    pages = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    index = next(
        i
        for i, text in enumerate(pages)
        if text.strip().startswith(f"{contract.TAB_TABLEAU_DE_BORD} — ")
    )
    for title in (
        BALANCE_CHART_TITLE,
        "Encaissements et décaissements par mois",
        RECEIVABLES_CHART_TITLE,
    ):
        assert title.replace("'", "") in pages[index].replace("'", "").replace("’", "").replace(
            "\n", " "
        )
    png = tmp_path / "tableau_de_bord"
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "60",
            "-png",
            "-f",
            str(index + 1),
            "-l",
            str(index + 1),
            "-singlefile",
            str(pdf),
            str(png),
        ],
        check=True,
    )
    assert png.with_suffix(".png").stat().st_size > 20_000


@pytest.fixture(scope="module")
def sample_report():
    from treso_xl.workbooks import sample_path

    return compute(read(sample_path()))


def _dashboard(report):
    return next(x for x in report.layouts if x.name == contract.TAB_TABLEAU_DE_BORD)


def _series_values(sheet, series):
    first_row, col, last_row, _ = series.values
    return [sheet.value(r, col) for r in range(first_row, last_row + 1)]


def test_the_balance_chart_draws_each_month_low_point_and_the_threshold(sample_report):
    sheet, plan = _dashboard(sample_report), sample_report.plan
    chart = next(c for c in sheet.charts if c.title == BALANCE_CHART_TITLE)
    by_title = {s.title: _series_values(sheet, s) for s in chart.series}
    assert by_title["Point bas du mois"] == [float(plan.low[m]) for m in plan.months]
    assert by_title["Seuil d'alerte"] == [plan.threshold] * len(plan.months)
    # the key figure's low point (14/01/2027) is on the chart; month ends alone hid it
    lowest = plan.months.index(plan.lowest_month)
    assert plan.low_day[plan.lowest_month] == D(2027, 1, 14)
    assert by_title["Point bas du mois"][lowest] == float(plan.low.min())
    assert min(by_title["Solde de clôture"]) > float(plan.low.min()) + 1000


def test_the_gap_under_the_threshold_is_named_so_and_orange_while_positive(sample_report):
    sheet = _dashboard(sample_report)
    labels = {sheet.value(r, 1): r for r in range(1, sheet.max_row + 1)}
    assert "Besoin de financement" not in labels
    cell = sheet.cells[(labels[GAP_LABEL], 2)]
    assert sample_report.financing.exists and sample_report.plan.low.min() > 0
    assert cell.style.fill == styles.WARN_FILL  # under the threshold, never below zero


def test_receivables_chart_colours_distinct_and_title_says_top_clients(sample_report):
    sheet = _dashboard(sample_report)
    chart = next(c for c in sheet.charts if c.kind == "stacked_bar")
    colors = [s.color for s in chart.series]
    assert colors == list(BUCKET_COLORS) and len(set(colors)) == len(colors)
    clients = len(sample_report.aging.table.index)
    assert clients > MAX_CLIENTS
    assert (
        chart.title == f"{RECEIVABLES_CHART_TITLE} ({MAX_CLIENTS} plus gros clients sur {clients})"
    )
