"""The faster checks and reminders (issue 16) give exactly what the former code gave."""

from __future__ import annotations

import datetime as dt
import functools
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


# --- Reminders -------------------------------------------------------------------------------


def _reminders_before(positions: pd.DataFrame, params) -> list:
    """The former `reminders`: itertuples, penalties and next step row by row."""
    from treso_xl.core.aging import open_invoices
    from treso_xl.core.reminders import _FIELDS, COURTESY, LEVELS, _Figures, level_for

    ref = params.date_reference
    rows = open_invoices(positions, ref)
    late = rows["jours_retard"].to_numpy(dtype="int64")
    wanted = late >= LEVELS[-1][0]
    if params.rappel_jours is not None:
        wanted |= -late <= params.rappel_jours
    rows = rows.loc[wanted, [c for c in _FIELDS if c in rows]]
    figures = _Figures(params)
    out = []
    for row in rows.itertuples(index=False):
        days_late = int(row.jours_retard)
        level = level_for(days_late) or COURTESY
        out.append(_reminder_before(row, level, days_late, params, figures))
    out.sort(key=lambda r: (-r.jours_retard, r.client, r.facture))
    return out


def _reminder_before(row, level, days_late, params, figures):
    from treso_xl.core.penalties import penalties_over
    from treso_xl.core.reminder_texts import ReminderText, lazy_reminder_text
    from treso_xl.core.reminders import PROFESSIONAL, Reminder, next_step, promise_text
    from treso_xl.french import day
    from treso_xl.rules.lookup import RuleNotCovered

    ref = params.date_reference
    due = row.echeance_calculee.date()
    professional = row.type_client == PROFESSIONAL
    penalties = indemnity = 0.0
    rate = None
    uncertain = False
    error = ""
    if professional and days_late > 0:
        indemnity = figures.indemnity()
        try:
            periods = figures.periods(due)
            penalties = penalties_over(row.reste_du, periods)
            rate = periods[-1].rate if periods else params.taux_penalites
            uncertain = any(p.uncertain for p in periods)
        except RuleNotCovered as exc:
            error = (
                f"{exc} Indiquez le « Taux de pénalités » dans la feuille Paramètres pour "
                "calculer les pénalités de cette facture."
            )
    total = round(row.reste_du + penalties + indemnity, 2)
    action, when = next_step(level, due, total, professional, ref)
    promises = tuple(getattr(row, "promesses", ()) or ())
    kept = [(d, amount) for d, amount, _ in promises if d.date() >= ref]
    promised = None
    if kept and sum(amount for _, amount in kept) >= row.reste_du - 0.005:
        promised = kept[-1][0].date()
        action = f"Vérifier le paiement promis le {day(promised)}"
        when = promised
    reminder = Reminder(
        facture=str(row.facture),
        client=str(row.client),
        type_client=str(row.type_client),
        email=str(row.email_client or ""),
        date_facture=row.date.date(),
        echeance=due,
        montant=float(row.montant),
        reste_du=float(row.reste_du),
        jours_retard=max(days_late, 0),
        niveau=level,
        prochaine_action=action,
        date_prochaine_action=when,
        penalites=penalties,
        indemnite=indemnity,
        taux=rate,
        taux_incertain=uncertain,
        lien_paiement=str(row.lien_paiement or ""),
        ligne=int(row.ligne),
        texte=ReminderText("", ""),
        erreur_taux=error,
        promesse=promise_text(promises, ref),
    )
    text = lazy_reminder_text(reminder, params, next_action=action, promised=promised)
    object.__setattr__(reminder, "texte", text)
    return reminder


def _reminder_cases():
    import dataclasses

    from many_findings_factory import many_findings_ledger

    from treso_xl.refresh import read
    from treso_xl.workbooks import sample_path

    sample = read(sample_path())
    many = many_findings_ledger(1500)
    for ledger in (sample, many):
        p = ledger.params
        yield ledger, p
        yield ledger, dataclasses.replace(p, taux_penalites=0.1234, rappel_jours=10)
        # penalty rates the rules file does not cover: an error per reminder
        yield ledger, dataclasses.replace(p, date_reference=dt.date(2045, 1, 10))
        yield ledger, dataclasses.replace(p, date_reference=dt.date(2025, 7, 1), rappel_jours=0)


def test_reminders_as_before():
    from treso_xl.core.invoices import invoice_positions
    from treso_xl.core.reminders import reminders

    compared = 0
    for ledger, params in _reminder_cases():
        positions = invoice_positions(ledger.factures, ledger.encaissements)
        after, before = reminders(positions, params), _reminders_before(positions, params)
        assert after == before  # every field, the letters' bodies included
        assert [r.texte.subject for r in after] == [r.texte.subject for r in before]
        compared += len(after)
    assert compared > 1000


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(1, 10**9).map(lambda c: c / 100), max_size=30),
    st.dates(dt.date(2024, 1, 1), dt.date(2026, 6, 1)),
    st.one_of(st.none(), st.floats(0.0, 0.5)),
)
def test_penalties_over_many_is_penalties_over(amounts, due, rate):
    from treso_xl.core.penalties import penalties_over, penalties_over_many, penalty_periods

    periods = penalty_periods(due, dt.date(2026, 6, 30), rate)
    expected = [penalties_over(a, periods) for a in amounts]
    assert penalties_over_many(np.array(amounts, dtype="float64"), periods) == expected


# --- URSSAF ----------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.integers(-(10**7), 10**9), st.integers(2020, 2028)), max_size=50),
    st.booleans(),
)
def test_cumsum_by_is_the_groupby_cumsum(rows, ordered):
    from treso_xl.core.urssaf import _cumsum_by

    if ordered:
        rows = sorted(rows, key=lambda r: r[1])
    values = np.array([v for v, _ in rows], dtype=np.int64)
    groups = np.array([g for _, g in rows], dtype=np.int64)
    expected = pd.Series(values).groupby(groups).cumsum().to_numpy()
    got = _cumsum_by(values, groups)
    assert got.dtype == np.int64
    assert got.tolist() == expected.tolist()


def _chamber_before(rated: pd.DataFrame) -> pd.Series:
    """The former chamber-tax column: a groupby per calendar year on a Series of cents."""
    from treso_xl.core.urssaf import _cents

    cents = pd.Series(_cents(rated["montant"]), index=rated.index)
    after = cents.groupby(rated["date"].dt.year).cumsum()
    before = after - cents
    limit = (rated["seuil_ch"] * 100).round()
    above = (after - limit).clip(lower=0) - (before - limit).clip(lower=0)
    return (above / 100).where(limit.notna()).astype("float64")


def test_rated_receipts_and_declarations_as_before():
    import dataclasses

    from many_findings_factory import many_findings_ledger

    from treso_xl.core.flows import build_flows
    from treso_xl.core.invoices import invoice_positions
    from treso_xl.core.urssaf import (
        _DECLARED,
        _declaration,
        _rate_receipts,
        _RuleLog,
        declaration_periods,
        turnover_receipts,
        urssaf_schedule,
    )
    from treso_xl.refresh import read
    from treso_xl.workbooks import sample_path

    checked = 0
    for ledger in (read(sample_path()), many_findings_ledger(800)):
        until = dt.date(2027, 12, 31)
        positions = invoice_positions(ledger.factures, ledger.encaissements)
        flows = build_flows(ledger, until, positions)
        for params in (
            ledger.params,
            dataclasses.replace(ledger.params, declaration="Mensuelle", acre=True),
        ):
            receipts = turnover_receipts(flows, until)
            rated = _rate_receipts(receipts, params, None, _RuleLog())
            assert list(rated.columns) == [
                *receipts.columns,
                "t_soc",
                "t_soc_net",
                "t_cfp",
                "t_ch",
                "seuil_ch",
                "t_vl",
                "manque",
                "au_dela_seuil",
            ]
            assert rated["manque"].dtype == object
            pd.testing.assert_series_equal(
                rated["au_dela_seuil"], _chamber_before(rated), check_names=False
            )
            schedule = urssaf_schedule(dataclasses.replace(ledger, params=params), flows, until)
            rated = schedule.receipts
            for i, declared in enumerate(schedule.declarations):
                if declared.saisi is not None:
                    continue
                own = rated.loc[rated["declaration"] == i]
                log = _RuleLog()
                period = declaration_periods(declared.debut, declared.fin, params.declaration)[0]
                period = dataclasses.replace(
                    period,
                    libelle=declared.periode,
                    echeance=declared.echeance,
                    fin=declared.fin,
                    premiere=declared.premiere,
                )
                arrays = {c: own[c].to_numpy() for c in _DECLARED}
                assert _declaration(period, own, [], log) == _declaration(period, arrays, [], log)
                assert _declaration(period, arrays, [], log) == declared
                checked += 1
    assert checked > 10


# --- Answers kept within a refresh -------------------------------------------------------------


def test_kept_answers_are_the_computed_ones_and_independent():
    from treso_xl.core.financing import _daily_balances, daily_balances
    from treso_xl.core.thresholds import (
        _plan_years,
        ledger_thresholds,
        threshold_findings,
        vat_due_from,
        yearly_turnover,
    )
    from treso_xl.core.urssaf import turnover_receipts
    from treso_xl.refresh import compute, read
    from treso_xl.workbooks import sample_path

    ledger = read(sample_path())
    report = compute(ledger)
    plan = report.plan
    first = daily_balances(plan)
    first.iloc[:] = -1.0  # a caller changing its copy changes nothing for the next one
    again = daily_balances(plan)
    pd.testing.assert_series_equal(again, _daily_balances(plan, plan.flows))
    assert (again != -1.0).all()

    flows, until, ref = plan.flows, plan.end, ledger.params.date_reference
    years = _plan_years(flows, until, ref)
    years.clear()
    direct = yearly_turnover(turnover_receipts(flows, until), until, ref)
    kept = _plan_years(flows, until, ref)
    assert kept.keys() == direct.keys() and kept
    for year in direct:
        assert kept[year].chiffre_affaires == direct[year].chiffre_affaires
        pd.testing.assert_frame_equal(kept[year].receipts, direct[year].receipts)
    vat = vat_due_from(ledger.params.activite, turnover_receipts(flows, until), until, ref)
    shown = ledger_thresholds(ledger, flows, until)
    assert any(("TVA due dès" in t.label) == (vat is not None) for t in shown)
    assert threshold_findings(ledger, flows, until) == threshold_findings(ledger, flows, until)


def _yearly_turnover_before(receipts, until, date_reference):
    """The former `yearly_turnover`: a groupby by calendar year."""
    from treso_xl.core.thresholds import YearTurnover

    out = {}
    if receipts.empty:
        return out
    kept = receipts.loc[receipts["date"] <= pd.Timestamp(until)]
    reference = pd.Timestamp(date_reference)
    for year, group in kept.groupby(kept["date"].dt.year, sort=True):
        frame = group[["date", "montant"]].reset_index(drop=True)
        frame["cumul"] = frame["montant"].cumsum().round(2)
        expected = (group["date"] > reference) | (group.get("statut", "") == "Prévu")
        out[int(year)] = YearTurnover(
            annee=int(year),
            chiffre_affaires=round(float(frame["montant"].sum()), 2),
            jusqu_au=min(until, dt.date(int(year), 12, 31)),
            prevu=bool(expected.any()),
            receipts=frame,
        )
    return out


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.dates(dt.date(2024, 6, 1), dt.date(2027, 6, 30))),
            st.integers(-50_000, 5_000_000).map(lambda c: c / 100),
            st.sampled_from(["Prévu", "Réalisé", None]),
        ),
        max_size=40,
    ),
    st.booleans(),
    st.booleans(),
)
def test_yearly_turnover_as_before(rows, with_status, shuffled):
    from treso_xl.core.thresholds import yearly_turnover

    if not shuffled:
        rows = sorted(rows, key=lambda r: (r[0] is not None, r[0] or dt.date.min))
    receipts = pd.DataFrame(
        {
            "date": pd.Series(
                [pd.Timestamp(r[0]) if r[0] else None for r in rows], dtype="datetime64[ns]"
            ),
            "montant": pd.Series([r[1] for r in rows], dtype="float64"),
        },
        index=pd.RangeIndex(7, 7 + len(rows)),
    )
    if with_status:
        receipts["statut"] = pd.Series([r[2] for r in rows], dtype="str", index=receipts.index)
    until, reference = dt.date(2026, 11, 30), dt.date(2025, 8, 1)
    after = yearly_turnover(receipts, until, reference)
    before = _yearly_turnover_before(receipts, until, reference)
    assert after.keys() == before.keys()
    for year, expected in before.items():
        got = after[year]
        assert type(got.annee) is int
        assert (got.annee, got.chiffre_affaires, got.jusqu_au, got.prevu) == (
            expected.annee,
            expected.chiffre_affaires,
            expected.jusqu_au,
            expected.prevu,
        )
        pd.testing.assert_frame_equal(got.receipts, expected.receipts)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Alpha", "Béta", "Zed", "alpha"]),
            st.integers(-400, 200),
            st.integers(1, 10_000_000).map(lambda c: c / 100),
        ),
        max_size=40,
    )
)
def test_aging_table_as_the_pivot_table(rows):
    from treso_xl.core.aging import BUCKETS, aging
    from treso_xl.core.money import cents

    reference = dt.date(2026, 3, 31)
    positions = pd.DataFrame(
        {
            "client": pd.Series([r[0] for r in rows], dtype="str"),
            "date": pd.Series([pd.Timestamp(2025, 1, 1)] * len(rows), dtype="datetime64[ns]"),
            "echeance_calculee": pd.Series(
                [pd.Timestamp(reference) - pd.Timedelta(days=r[1]) for r in rows],
                dtype="datetime64[ns]",
            ),
            "reste_du": pd.Series([r[2] for r in rows], dtype="float64"),
        }
    )
    got = aging(positions, reference)
    rows_ = got.invoices
    # the former table: pivot_table, then the same steps as aging
    table = (
        rows_.pivot_table(
            index="client", columns="tranche", values="reste_du", aggfunc="sum", observed=False
        )
        if not rows_.empty
        else pd.DataFrame(columns=list(BUCKETS))
    )
    table = table.reindex(columns=list(BUCKETS)).fillna(0.0)
    table["Total"] = table.sum(axis=1)
    table = table.map(cents)
    grand = float(table["Total"].sum())
    table["Part"] = table["Total"] / grand if grand else 0.0
    table = table.sort_values(["Total"], ascending=False, kind="stable")
    total = table[[*BUCKETS, "Total"]].sum(axis=0).map(cents)
    pd.testing.assert_frame_equal(got.table, table)
    pd.testing.assert_series_equal(got.total, total)


_CFE_WORDS = [
    "CFE",
    "cfe",
    "Cotisation foncière",
    "cotisation",
    "foncière",
    "Taxe (CFE)",
    "xcfe",
    "cfe-2026",
    "|",
    " ",
    "Impôts",
    "",
    None,
    "CFE | x",
    "Loyer",
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from(_CFE_WORDS), max_size=3),
            st.lists(st.sampled_from(_CFE_WORDS), max_size=3),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_cfe_rows_found_as_before(rows):
    from treso_xl.contract import normalize_series
    from treso_xl.core.cfe import _TYPED, _names_cfe

    def joined(words):
        kept = [w for w in words if w is not None]
        return " ".join(kept) if kept or not words else None

    labels = pd.Series([joined(r[0]) for r in rows], dtype="str")
    categories = pd.Series([joined(r[1]) for r in rows], dtype="str")
    text = normalize_series(labels) + " | " + normalize_series(categories)
    before = text.str.contains(_TYPED).to_numpy(dtype=bool)
    assert (_names_cfe(labels) | _names_cfe(categories)).tolist() == before.tolist()


def _balance_on_before(plan, day):
    from treso_xl.core.flows import IN
    from treso_xl.core.money import cents

    if day < plan.date_solde or day > plan.end:
        return None
    flows = plan.flows
    upto = flows.loc[flows["date"] <= pd.Timestamp(day)]
    signed = upto["montant"].where(upto["sens"] == IN, -upto["montant"])
    return cents(plan.opening.iloc[0] + float(signed.sum()))


@functools.lru_cache(maxsize=1)
def _sample_plan():
    from treso_xl.refresh import compute, read
    from treso_xl.workbooks import sample_path

    return compute(read(sample_path())).plan


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.dates(dt.date(2025, 12, 1), dt.date(2027, 3, 1))),
            st.one_of(st.just(float("nan")), st.integers(-(10**8), 10**8).map(lambda c: c / 100)),
            st.sampled_from(["encaissement", "decaissement", None]),
        ),
        max_size=60,
    ),
    st.lists(st.dates(dt.date(2025, 11, 1), dt.date(2027, 6, 1)), min_size=1, max_size=4),
)
def test_balances_on_as_before(rows, days):
    import dataclasses

    from treso_xl.core.dashboard import _balances_on, balance_on

    plan = _sample_plan()
    flows = pd.DataFrame(
        {
            "date": pd.Series(
                [pd.Timestamp(r[0]) if r[0] else None for r in rows], dtype="datetime64[ns]"
            ),
            "montant": pd.Series([r[1] for r in rows], dtype="float64"),
            "sens": pd.Series([r[2] for r in rows], dtype="str"),
        }
    )
    for tried in (plan, dataclasses.replace(plan, flows=flows)):
        expected = [_balance_on_before(tried, d) for d in days]
        assert _balances_on(tried, days) == expected
        assert [balance_on(tried, d) for d in days] == expected


def test_finding_is_built_as_the_dataclass_would():
    import dataclasses
    import inspect
    import pickle

    names = [f.name for f in dataclasses.fields(Finding)]
    assert list(inspect.signature(Finding).parameters) == names
    values = ("erreur", "Factures", 12, "Constat.", "Conseil.", "code")
    by_position, by_name = Finding(*values), Finding(**dict(zip(names, values, strict=True)))
    assert by_position == by_name and hash(by_position) == hash(by_name)
    assert dataclasses.astuple(by_position) == values
    assert vars(by_position) == dict(zip(names, values, strict=True))
    assert repr(by_position).startswith("Finding(gravite='erreur', feuille='Factures', ligne=12")
    assert dataclasses.replace(by_position, ligne=None).ligne is None
    assert pickle.loads(pickle.dumps(by_position)) == by_position
    try:
        by_position.ligne = 3  # type: ignore[misc]
    except dataclasses.FrozenInstanceError:
        pass
    else:
        raise AssertionError("a finding must stay frozen")
    assert by_position != Finding(*values[:-1], "autre")


def _sort_findings_before(findings):
    from treso_xl.core.checks import _SHEET_ORDER, GRAVITES

    sheets = {}
    for position, name in enumerate(_SHEET_ORDER):
        sheets.setdefault(name, position)
    gravites = {gravite: position for position, gravite in enumerate(GRAVITES)}

    def key(finding):
        sheet = sheets.get(finding.feuille, len(_SHEET_ORDER))
        row = -1 if finding.ligne is None else finding.ligne
        return gravites[finding.gravite], sheet, finding.feuille, row

    return sorted(findings, key=key)


_findings = st.lists(
    st.builds(
        Finding,
        st.sampled_from(["erreur", "avertissement", "conseil"]),
        st.sampled_from(["Factures", "Encaissements", "Paramètres", "Zèbre", "Autre", "Banque"]),
        st.one_of(st.none(), st.integers(-3, 40)),
        st.sampled_from(["a", "b", "c"]),
        st.sampled_from(["x", "y"]),
        st.sampled_from(["k1", "k2"]),
    ),
    max_size=60,
)


@settings(max_examples=400, deadline=None)
@given(_findings)
def test_sort_findings_as_before(findings):
    from treso_xl.core.checks import sort_findings

    after, before = sort_findings(findings), _sort_findings_before(findings)
    assert [id(f) for f in after] == [id(f) for f in before]  # the same order, ties included


def _compact_rows_before(rows, max_pieces=None):
    from treso_xl.core.checks import _piece_size, _thousands

    rows = sorted(set(rows))
    if not rows:
        return ""
    if len(rows) == 1:
        return f"Ligne {rows[0]}"
    pieces = []
    start = previous = rows[0]
    for row in [*rows[1:], None]:
        if row is not None and row == previous + 1:
            previous = row
            continue
        if previous - start >= 2:
            pieces.append(f"{start} à {previous}")
        else:
            pieces.extend(str(r) for r in range(start, previous + 1))
        if row is not None:
            start = previous = row
    if max_pieces is not None and len(pieces) > max_pieces:
        shown = pieces[:max_pieces]
        listed = sum(_piece_size(p) for p in shown)
        rest = len(rows) - listed
        plural = "s" if rest > 1 else ""
        return f"Lignes {', '.join(shown)}… et {_thousands(rest)} autre{plural} ligne{plural}"
    if len(pieces) == 1:
        return f"Lignes {pieces[0]}"
    return f"Lignes {', '.join(pieces[:-1])} et {pieces[-1]}"


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.one_of(st.integers(1, 60), st.integers(-5, 10**6)), max_size=80),
    st.one_of(st.none(), st.integers(-2, 12)),
)
def test_compact_rows_as_before(rows, max_pieces):
    from treso_xl.core.checks import compact_rows

    assert compact_rows(rows, max_pieces) == _compact_rows_before(rows, max_pieces)
    assert compact_rows(tuple(rows), max_pieces) == _compact_rows_before(rows, max_pieces)


@settings(max_examples=100, deadline=None)
@given(_findings)
def test_group_findings_kept_only_for_the_same_findings(findings):
    from treso_xl.core.checks import _group_findings, group_findings

    first = group_findings(findings)
    assert first == _group_findings(findings)
    first.clear()  # the caller's list is its own
    assert group_findings(findings) == _group_findings(findings)
    changed = findings[::-1]
    assert group_findings(changed) == _group_findings(changed)
    if findings:
        other = [*findings[:-1], Finding("erreur", "Factures", 1, "neuf", "x", "k9")]
        assert group_findings(other) == _group_findings(other)


_amounts = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(-1e8, 1e8),
    st.integers(-(10**9), 10**9).map(lambda m: m / 1000),  # three decimals: the half cents
    st.integers(-(10**9), 10**9).map(lambda m: m / 100 + 0.005),
    st.tuples(st.integers(1, 10**7), st.integers(1, 400)).map(
        lambda t: t[0] / 100 * 0.1215 * t[1] / 365
    ),
    st.sampled_from([0.0, -0.0, 0.005, -0.005, 2.675, 1.005, 1e7, -1e7, 9_999_999.995]),
)


@settings(max_examples=2000, deadline=None)
@given(st.lists(_amounts, max_size=30))
def test_cents_of_is_cents_of_each(values):
    import math

    from treso_xl.core.money import cents
    from treso_xl.core.penalties import cents_of

    got = cents_of(np.array(values, dtype="float64"))
    expected = [cents(v) for v in values]
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        assert type(g) is float
        assert (math.isnan(g) and math.isnan(e)) or (
            g == e and math.copysign(1, g) == math.copysign(1, e)
        )


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.integers(-5, 10**7),
            st.sampled_from([float("nan"), 1_000_002.0, np.int64(1_000_005), np.int64(7)]),
        ),
        max_size=30,
    )
)
def test_bank_findings_as_before(lignes):
    from dataclasses import replace

    from treso_xl.core.reconcile import BANQUE, bank_findings, bank_row

    findings = [Finding("conseil", "Encaissements", ligne, "c", "a", "k") for ligne in lignes]
    before = []
    for finding in findings:
        row = bank_row(finding.ligne)
        before.append(finding if row is None else replace(finding, feuille=BANQUE, ligne=row))
    after = bank_findings(findings)
    assert len(after) == len(before)
    for a, b in zip(after, before, strict=True):
        assert repr(a) == repr(b)
        assert (a is finding_of(findings, a)) == (b is finding_of(findings, b))


def finding_of(findings, wanted):
    return next((f for f in findings if f is wanted), None)


def test_no_project_no_stage():
    from treso_xl.core.projects import project_stages
    from treso_xl.refresh import read
    from treso_xl.workbooks import sample_path

    ledger = read(sample_path())
    assert not ledger.projets.empty  # the sample has projects: they are read as before
    stages, _ = project_stages(ledger.projets, ledger.factures, ledger.params.date_reference)
    assert stages
    none = ledger.projets.iloc[0:0]
    assert project_stages(none, ledger.factures, ledger.params.date_reference) == ([], [])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Site web Dupont", "site WEB dupont — acompte", "Logo", None, 1, 1.0]),
            st.sampled_from(["F-1", "DUPONT-2", None, "Logo 3"]),
            st.integers(1, 10**6).map(lambda c: c / 100),
        ),
        max_size=30,
    )
)
def test_projects_to_invoice_folds_each_text_once_with_the_same_result(rows):
    from treso_xl.core.bfr import _fold, projects_to_invoice
    from treso_xl.core.money import cents

    reference = dt.date(2026, 3, 31)
    projets = pd.DataFrame(
        {
            "projet": ["Site web Dupont", "Logo", "Dupont"],
            "livraison": pd.to_datetime(["2026-06-30", "2026-05-01", "2026-07-01"]),
            "montant_total": [5000.0, 900.0, 1200.0],
        }
    )
    positions = pd.DataFrame(
        {
            "date": pd.Series([pd.Timestamp(2026, 1, 5)] * len(rows), dtype="datetime64[ns]"),
            "libelle": pd.Series([r[0] for r in rows], dtype=object),
            "facture": pd.Series([r[1] for r in rows], dtype=object),
            "montant": pd.Series([r[2] for r in rows], dtype="float64"),
        }
    )
    # the former loop: every label and number folded on its row
    names = {idx: _fold(name) for idx, name in projets["projet"].items()}
    invoiced = dict.fromkeys(names, 0.0)
    for libelle, numero, montant in zip(
        positions["libelle"], positions["facture"], positions["montant"], strict=True
    ):
        text = f"{_fold(libelle)} | {_fold(numero)}"
        matches = [idx for idx, name in names.items() if name and name in text]
        if matches:
            invoiced[max(matches, key=lambda idx: len(names[idx]))] += float(montant)
    expected = cents(
        sum(max(0.0, float(t) - invoiced[i]) for i, t in projets["montant_total"].items())
    )
    assert projects_to_invoice(projets, positions, reference) == expected


def test_turnover_receipts_stay_each_callers_own():
    from treso_xl.core.urssaf import turnover_receipts

    flows = _sample_plan().flows
    first = turnover_receipts(flows)
    expected = first.copy(deep=True)
    first.loc[:, "montant"] = -1.0  # the caller's copy: nothing changes for the next one
    first["extra"] = 1
    again = turnover_receipts(flows)
    pd.testing.assert_frame_equal(again, expected)
    until = turnover_receipts(flows, dt.date(2026, 6, 30))
    until.loc[:, "montant"] = -2.0
    pd.testing.assert_frame_equal(turnover_receipts(flows), expected)


_cells = st.lists(
    st.tuples(
        st.integers(-5, 5),
        st.one_of(st.floats(allow_nan=True, allow_infinity=False), st.just(float("nan"))),
        st.one_of(st.none(), st.dates(dt.date(2025, 1, 1), dt.date(2027, 1, 1))),
        st.one_of(st.none(), st.sampled_from(["a", " b ", ""])),
        st.sampled_from([None, 1, 1.5, "x", True, np.int64(3), np.float64(2.5), pd.NA]),
        st.one_of(st.none(), st.integers(0, 9)),
        st.booleans(),
    ),
    max_size=25,
)


@settings(max_examples=300, deadline=None)
@given(_cells, st.data())
def test_selected_rows_as_to_dict_records(rows, data):
    from treso_xl.core.checks import _selected

    frame = pd.DataFrame(
        {
            "ligne": pd.Series([r[0] for r in rows], dtype="int64"),
            "montant": pd.Series([r[1] for r in rows], dtype="float64"),
            "date": pd.Series(
                [pd.Timestamp(r[2]) if r[2] else None for r in rows], dtype="datetime64[ns]"
            ),
            "texte": pd.Series([r[3] for r in rows], dtype="str"),
            "objet": pd.Series([r[4] for r in rows], dtype=object),
            "entier": pd.Series([r[5] for r in rows], dtype="Int64"),
            "oui": pd.Series([r[6] for r in rows], dtype=bool),
        },
        index=pd.RangeIndex(3, 3 + 2 * len(rows), 2),
    )
    mask = np.array(
        data.draw(st.lists(st.booleans(), min_size=len(rows), max_size=len(rows))), dtype=bool
    )
    fields = ["ligne", "montant", "date", "texte", "objet", "entier", "oui"]
    extra = np.arange(len(rows))
    got = list(_selected(frame, mask, fields, extra))
    picked = frame.loc[mask, fields]
    expected = list(zip(picked.index, picked.to_dict("records"), extra[mask], strict=True))
    assert repr(got) == repr(expected)
    for (_, a, _), (_, b, _) in zip(got, expected, strict=True):
        assert [type(v) for v in a.values()] == [type(v) for v in b.values()]
