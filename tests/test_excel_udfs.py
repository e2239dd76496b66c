"""The worksheet functions called as plain Python, on cases computed by hand."""

from __future__ import annotations

import datetime as dt
import inspect

import pytest

from treso_xl.excel import udfs

D = dt.date


def plain(function):
    """`function` giving its messages with no-break spaces as plain spaces (« x » quotes)."""

    def call(*args):
        result = function(*args)
        return result.replace("\u00a0", " ") if isinstance(result, str) else result

    return call


TRESO_ECHEANCE = plain(udfs.TRESO_ECHEANCE)
TRESO_RETARD = plain(udfs.TRESO_RETARD)
TRESO_TRANCHE = plain(udfs.TRESO_TRANCHE)
TRESO_PENALITES = plain(udfs.TRESO_PENALITES)
TRESO_COTISATIONS = plain(udfs.TRESO_COTISATIONS)
TRESO_PLAN = plain(udfs.TRESO_PLAN)


@pytest.mark.parametrize(
    ("invoice", "terms", "due"),
    [
        (D(2026, 1, 15), "30 jours", D(2026, 2, 14)),  # 15/01 + 30 days
        (D(2026, 1, 15), "45 jours fin de mois", D(2026, 3, 31)),  # 01/03, then end of March
        (D(2026, 1, 15), "fin de mois 45 jours", D(2026, 3, 17)),  # 31/01 + 45 days
        (D(2026, 1, 15), "30 jours fin de mois le 10", D(2026, 3, 10)),  # 28/02, then the 10th
        (D(2026, 1, 15), "À réception", D(2026, 1, 15)),
        (D(2026, 1, 15), None, D(2026, 2, 14)),  # no terms: the legal 30 days
        (dt.datetime(2026, 1, 15, 9, 30), "30 jours", D(2026, 2, 14)),  # as Excel passes a date
        (46037.0, "30 jours", D(2026, 2, 14)),  # serial number of 15/01/2026
        ("15/01/2026", "30 jours", D(2026, 2, 14)),
        ("2026-01-15", "30 jours", D(2026, 2, 14)),
    ],
)
def test_echeance(invoice: object, terms: object, due: dt.date) -> None:
    assert TRESO_ECHEANCE(invoice, terms) == due


def test_echeance_bad_arguments() -> None:
    assert TRESO_ECHEANCE("31/02/2026", "30 jours") == (
        "#VALEUR! date_facture : « 31/02/2026 » n'est pas une date valide (exemple : 31/01/2026)."
    )
    assert TRESO_ECHEANCE(None, "30 jours").startswith("#VALEUR! date_facture : la date est")
    assert TRESO_ECHEANCE(D(2026, 1, 15), "quand je peux") == (
        "#VALEUR! conditions : « quand je peux » n'est pas reconnu (exemples : « 30 jours », "
        "« 45 jours fin de mois », « À réception »)."
    )
    assert TRESO_ECHEANCE(-3.0, "30 jours").startswith("#VALEUR! date_facture : « -3 »")


@pytest.mark.parametrize(
    ("due", "on", "days", "bucket"),
    [
        (D(2026, 1, 31), D(2026, 1, 31), 0, "Non échu"),
        (D(2026, 1, 31), D(2026, 1, 10), 0, "Non échu"),  # not yet due: no lateness
        (D(2026, 1, 1), D(2026, 1, 31), 30, "1-30 j"),
        (D(2026, 1, 1), D(2026, 2, 1), 31, "31-60 j"),
        (D(2026, 1, 1), D(2026, 3, 2), 60, "31-60 j"),
        (D(2026, 1, 1), D(2026, 3, 3), 61, "61-90 j"),
        (D(2025, 12, 31), D(2026, 3, 31), 90, "61-90 j"),
        (D(2025, 12, 31), D(2026, 4, 1), 91, "> 90 j"),
    ],
)
def test_retard_and_tranche(due: dt.date, on: dt.date, days: int, bucket: str) -> None:
    assert TRESO_RETARD(due, on) == days
    assert TRESO_TRANCHE(due, on) == bucket


def test_the_date_of_reference_is_an_argument() -> None:
    # Not volatile: a figure computed against "today" would freeze the day it was entered.
    # The date is an argument, written AUJOURDHUI() in the sheet: Excel recalculates it daily.
    past = dt.date.today() - dt.timedelta(days=100)
    for result in (TRESO_RETARD(past), TRESO_TRANCHE(past, None)):
        assert result.startswith("#VALEUR! date_ref : la date est obligatoire")
        assert "AUJOURDHUI()" in result
    assert TRESO_PENALITES(1000, past).startswith("#VALEUR! date_paiement : la date est")
    assert TRESO_RETARD(past, dt.date.today()) == 100
    assert TRESO_TRANCHE(past, dt.date.today()) == "> 90 j"
    assert TRESO_RETARD("hier", D(2026, 1, 1)).startswith("#VALEUR! echeance : « hier »")


def test_penalites() -> None:
    # 1 000 € from 01/01 to 31/01/2026: 31 days at 12,15 % (ECB 2,15 % + 10 points)
    assert TRESO_PENALITES(1000, D(2025, 12, 31), D(2026, 1, 31)) == 10.32  # 10,3192
    # June 2025 at 13,15 % (30 days) then 1-10 July 2025 at 12,15 % (10 days)
    assert TRESO_PENALITES(1000, D(2025, 5, 31), D(2025, 7, 10)) == 14.14  # 14,1370
    assert TRESO_PENALITES("1 000,00 €", "31/12/2025", "31/01/2026", "10 %") == 8.49  # 8,4932
    assert TRESO_PENALITES(1000, D(2025, 12, 31), D(2026, 1, 31), 0.1) == 8.49
    assert TRESO_PENALITES(1000, D(2026, 1, 31), D(2026, 1, 20)) == 0.0  # paid before due
    assert TRESO_PENALITES(1000, D(2025, 12, 31), D(2026, 1, 31), None, "particulier") == 0.0


def test_penalites_bad_arguments() -> None:
    assert TRESO_PENALITES(-10, D(2025, 12, 31), D(2026, 1, 31)) == (
        "#VALEUR! montant : « -10 » : le montant doit être positif ; saisissez 10 sans signe moins."
    )
    assert TRESO_PENALITES(1000, D(2025, 12, 31), D(2026, 1, 31), "beaucoup").startswith(
        "#VALEUR! taux : « beaucoup » n'est pas un taux"
    )
    assert TRESO_PENALITES(1000, D(2025, 12, 31), D(2026, 1, 31), None, "Client").startswith(
        "#VALEUR! type_client : « Client » ne fait pas partie des valeurs possibles"
    )
    # a half-year the rules file does not cover: say so, ask for a rate
    assert TRESO_PENALITES(1000, D(2023, 1, 1), D(2023, 2, 1)) == (
        "#VALEUR! Le fichier des règles ne connaît pas le taux des pénalités de retard en "
        "vigueur le 02/01/2023."
    )


def test_cotisations() -> None:
    bnc = "Prestations de services BNC"
    # 2026, BNC: 25,6 % social + 0,2 % training
    assert TRESO_COTISATIONS(1000, D(2026, 3, 15), bnc) == 258.0
    assert TRESO_COTISATIONS(1000, D(2026, 3, 15), "prestations de services bnc", "Oui") == 280.0
    # ACRE until 30/06/2026: social rate halved, 12,8 %
    assert TRESO_COTISATIONS(1000, D(2026, 3, 15), bnc, "Non", "Oui") == 130.0
    # 2025, BNC: 24,6 %
    assert TRESO_COTISATIONS(1000, "15/03/2025", bnc, False, False) == 248.0
    # sale of goods: 12,3 % + 0,1 %, income tax option 1 %
    assert TRESO_COTISATIONS(1000, D(2026, 3, 15), "Vente de marchandises", True) == 134.0
    # each part rounded to the cent: 85,33248 -> 85,33 and 0,66666 -> 0,67
    assert TRESO_COTISATIONS(333.33, D(2026, 3, 15), bnc) == 86.0


def test_cotisations_bad_arguments() -> None:
    assert TRESO_COTISATIONS(1000, D(2026, 3, 15), "BNC").startswith(
        "#VALEUR! activite : « BNC » ne fait pas partie des valeurs possibles : Vente de "
        "marchandises, Prestations de services BIC"
    )
    assert TRESO_COTISATIONS(1000, D(2026, 3, 15), None).startswith(
        "#VALEUR! activite : valeur obligatoire"
    )
    assert TRESO_COTISATIONS(1000, D(2026, 3, 15), "Vente de marchandises", "peut-être").startswith(
        "#VALEUR! versement_liberatoire : « peut-être » ne fait pas partie des valeurs possibles"
    )
    assert TRESO_COTISATIONS(1000, D(2019, 3, 15), "Prestations de services BNC").startswith(
        "#VALEUR! Le fichier des règles ne connaît pas le taux de cotisations"
    )


def test_plan() -> None:
    receipts = [["Date", "Montant"], [dt.datetime(2026, 1, 10), 1000.0], ["20/02/2026", "250"]]
    disbursements = [[dt.datetime(2026, 1, 20), 300.0], [dt.datetime(2025, 12, 31), 99.0]]
    table = TRESO_PLAN(receipts, disbursements, 500, D(2025, 12, 31), 3)
    assert table == [
        list(udfs.PLAN_HEADERS),
        # December: the 31/12 payment is already in the opening balance
        [D(2025, 12, 1), 500.0, 0.0, 0.0, 0.0, 500.0, 500.0],
        # January: +1 000 on the 10th, -300 on the 20th; lowest end of day is the 1st
        [D(2026, 1, 1), 500.0, 1000.0, 300.0, 700.0, 1200.0, 500.0],
        [D(2026, 2, 1), 1200.0, 250.0, 0.0, 250.0, 1450.0, 1200.0],
    ]


def test_plan_one_row_a_negative_opening_and_the_default_horizon() -> None:
    table = TRESO_PLAN([D(2026, 1, 5), 100], None, "-1 000,00", "31/12/2025")
    assert len(table) == 1 + 12
    assert table[2] == [D(2026, 1, 1), -1000.0, 100.0, 0.0, 100.0, -900.0, -1000.0]


def test_plan_bad_arguments() -> None:
    assert TRESO_PLAN([["x", 10]], None, 0, D(2026, 1, 1)) == (
        "#VALEUR! encaissements, ligne 1 : « x » n'est pas une date valide (exemple : 31/01/2026)."
    )
    assert TRESO_PLAN([[D(2026, 1, 2), "beaucoup"]], None, 0, D(2026, 1, 1)) == (
        "#VALEUR! encaissements, ligne 1 : « beaucoup » n'est pas un montant (exemple : 1 234,50)."
    )
    assert TRESO_PLAN(None, None, 0, D(2026, 1, 1), 40) == (
        "#VALEUR! mois : « 40 » ; le nombre de mois doit être compris entre 1 et 36."
    )
    assert TRESO_PLAN([[D(2026, 1, 2)]], None, 0, D(2026, 1, 1)).startswith(
        "#VALEUR! encaissements : deux colonnes attendues"
    )


def test_an_unexpected_error_is_still_a_french_value(monkeypatch) -> None:
    monkeypatch.setattr(udfs, "parse_terms", lambda text: 1 / 0)
    assert TRESO_ECHEANCE(D(2026, 1, 15), "30 jours") == (
        "#VALEUR! erreur interne de treso-xl (ZeroDivisionError : division by zero)"
    )


@pytest.mark.parametrize("function", udfs.FUNCTIONS, ids=lambda f: f.__name__)
def test_functions_are_ready_for_excel(function) -> None:
    # French names, a French description of at most 255 characters for the function wizard
    assert function.__name__.startswith("TRESO_")
    doc = function.__doc__
    assert doc and len(doc) <= 255
    # every argument can be a VBA parameter name (xlwings writes one VBA wrapper per function)
    reserved = {"date", "type", "name", "string", "integer", "long", "double", "end", "next"}
    for name in inspect.signature(function).parameters:
        assert name.isidentifier() and name.lower() not in reserved, name


@pytest.fixture
def windows_udfs(monkeypatch):
    """treso_xl.excel.udfs as Windows sees it: decorated by xlwings' real UDF decorators.

    `xlwings/udfs.py` needs pywin32 only for the COM server; stubs of its modules are enough to
    import it and let `xlfunc`/`xlarg` record what `import_udfs` turns into VBA.
    """
    import importlib
    import sys
    import types

    import xlwings

    pythoncom = types.ModuleType("pythoncom")
    pythoncom.CoInitialize = lambda: None  # type: ignore[attr-defined]
    client = types.ModuleType("win32com.client")
    client.Dispatch = lambda *args, **kwargs: None  # type: ignore[attr-defined]
    win32com = types.ModuleType("win32com")
    win32com.client = client  # type: ignore[attr-defined]
    for name, module in {
        "pythoncom": pythoncom,
        "pywintypes": types.ModuleType("pywintypes"),
        "win32com": win32com,
        "win32com.client": client,
    }.items():
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.delitem(sys.modules, "xlwings.udfs", raising=False)
    windows = importlib.import_module("xlwings.udfs")
    monkeypatch.setattr(xlwings, "func", windows.xlfunc)
    monkeypatch.setattr(xlwings, "arg", windows.xlarg)
    module = importlib.reload(udfs)
    yield windows, module
    monkeypatch.undo()
    sys.modules.pop("xlwings.udfs", None)
    importlib.reload(udfs)


def test_windows_decorators_generate_the_vba_wrappers(windows_udfs) -> None:
    import io

    windows, module = windows_udfs
    info = module.TRESO_PENALITES.__xlfunc__
    assert info["category"] == "Trésorerie"
    assert info["ret"]["doc"] == module.TRESO_PENALITES.__doc__
    assert [(a["name"], "optional" in a) for a in info["args"]] == [
        ("montant", False),
        ("echeance", False),
        ("date_paiement", True),
        ("taux", True),
        ("type_client", True),
    ]
    assert all(not a["doc"].startswith("Positional argument") for a in info["args"])
    for function in (module.TRESO_RETARD, module.TRESO_TRANCHE, module.TRESO_PENALITES):
        arguments = function.__xlfunc__["args"]
        assert not function.__xlfunc__.get("volatile")
        assert any("AUJOURDHUI()" in a["doc"] for a in arguments)
    assert module.TRESO_PLAN.__xlfunc__["args"][0]["options"]["ndim"] == 2
    # error cells arrive as their codes, not as empty cells (an empty date is today)
    assert all(
        a["options"].get("err_to_str") is True
        for function in module.FUNCTIONS
        for a in function.__xlfunc__["args"]
    )

    class AddinWorkbook:
        Name = "treso_xl.excel.ruban.actualiser.xlam"

    vba = io.StringIO()
    windows.generate_vba_wrapper("treso_xl.excel.udfs", module, vba, AddinWorkbook())
    text = vba.getvalue()
    for function in module.FUNCTIONS:
        assert f"Function {function.__name__}(" in text
    assert (
        "Function TRESO_COTISATIONS(montant, date_encaissement, activite, "
        "Optional versement_liberatoire, Optional acre)" in text
    )
    # still plain Python once decorated
    assert module.TRESO_ECHEANCE(46037.0, "30 jours") == D(2026, 2, 14)


def test_windows_value_types_are_accepted() -> None:
    # a currency-formatted cell arrives as decimal.Decimal on Windows (pywin32's Currency)
    from decimal import Decimal

    assert TRESO_PENALITES(Decimal("1000"), D(2025, 12, 31), D(2026, 1, 31)) == 10.32
    assert TRESO_ECHEANCE(Decimal("46037"), "30 jours") == D(2026, 2, 14)
    table = TRESO_PLAN(
        [[D(2026, 1, 20), Decimal("500.0000")]], None, Decimal("1000.5"), D(2026, 1, 1), 1
    )
    assert table[1][1:3] == [1000.5, 500.0]


@pytest.mark.parametrize("error", [-2146826246, "#N/A"])  # as COM gives it, as err_to_str does
def test_an_error_argument_is_named(error: object) -> None:
    assert TRESO_PENALITES(error, D(2025, 12, 31), D(2026, 1, 31)) == (
        "#VALEUR! montant : #N/A : la cellule contient une erreur Excel ; corrigez la formule "
        "ou saisissez la valeur."
    )
    assert TRESO_RETARD(D(2026, 1, 1), error).startswith("#VALEUR! date_ref : #N/A")
    assert TRESO_PLAN([[D(2026, 1, 20), error]], None, 0, D(2026, 1, 1), 1).startswith(
        "#VALEUR! encaissements, ligne 1 : #N/A"
    )
