"""Hand-computed cash plans: opening-balance rule, recurrences, invoices, double counting, flags."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ledger_factory import make_ledger

from treso_xl.core.calendar import add_months
from treso_xl.core.plan import build_plan, horizon_end
from treso_xl.core.recurrence import occurrences

D = dt.date
JAN, FEB, MAR, APR = D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1), D(2026, 4, 1)


def test_opening_balance_rule_excludes_history_and_same_day():
    ledger = make_ledger(
        params={"solde_initial": 1000.0, "date_solde": D(2026, 1, 15), "horizon": 2},
        encaissements=[
            {"date": D(2026, 1, 10), "libelle": "avant", "montant": 50.0},
            {"date": D(2026, 1, 15), "libelle": "le jour même", "montant": 70.0},
            {"date": D(2026, 1, 16), "libelle": "après", "montant": 200.0},
        ],
    )
    plan = build_plan(ledger)
    assert plan.months == [JAN, FEB]
    assert plan.opening[JAN] == 1000.0
    assert plan.total_in[JAN] == 200.0
    assert plan.closing[JAN] == 1200.0
    assert plan.opening[FEB] == 1200.0


def test_recurrence_same_day_or_last_day_of_shorter_month():
    assert occurrences(D(2026, 1, 31), "Mensuelle", D(2026, 4, 30)) == [
        D(2026, 1, 31),
        D(2026, 2, 28),
        D(2026, 3, 31),
        D(2026, 4, 30),
    ]
    assert occurrences(D(2026, 1, 30), "Trimestrielle", D(2027, 1, 30)) == [
        D(2026, 1, 30),
        D(2026, 4, 30),
        D(2026, 7, 30),
        D(2026, 10, 30),
        D(2027, 1, 30),
    ]
    assert occurrences(D(2024, 2, 29), "Annuelle", D(2028, 3, 1)) == [
        D(2024, 2, 29),
        D(2025, 2, 28),
        D(2026, 2, 28),
        D(2027, 2, 28),
        D(2028, 2, 29),
    ]
    assert occurrences(D(2026, 1, 5), "Mensuelle", D(2026, 12, 31), end=D(2026, 3, 4)) == [
        D(2026, 1, 5),
        D(2026, 2, 5),
    ]
    assert occurrences(D(2026, 1, 5), "Aucune", D(2026, 12, 31)) == [D(2026, 1, 5)]
    assert occurrences(D(2027, 1, 5), "Aucune", D(2026, 12, 31)) == []


def test_recurring_disbursement_in_plan_stops_at_fin_and_horizon():
    ledger = make_ledger(
        params={"horizon": 4},
        decaissements=[
            {
                "date": D(2025, 11, 30),
                "libelle": "Loyer",
                "montant": 400.0,
                "categorie": "Loyer",
                "recurrence": "Mensuelle",
            },
            {
                "date": D(2026, 1, 31),
                "libelle": "Abonnement",
                "montant": 30.0,
                "categorie": "abonnement",
                "recurrence": "Mensuelle",
                "fin": D(2026, 3, 15),
            },
            {
                "date": D(2026, 2, 10),
                "libelle": "Assurance",
                "montant": 600.0,
                "categorie": "Abonnement",
                "recurrence": "Annuelle",
            },
        ],
    )
    plan = build_plan(ledger)
    # plan runs December 2025 (month of the opening balance, 31/12) to March 2026
    assert plan.months[0] == D(2025, 12, 1) and plan.end == D(2026, 3, 31)
    loyer = plan.disbursements.loc["Loyer"]
    assert list(loyer) == [0.0, 400.0, 400.0, 400.0]  # 30/11 and 31/12 are history
    # "abonnement" and "Abonnement" are one category, first spelling kept
    abonnement = plan.disbursements.loc["abonnement"]
    assert list(abonnement) == [0.0, 30.0, 630.0, 0.0]
    assert plan.closing.iloc[-1] == 1000.0 - 3 * 400.0 - 60.0 - 600.0


def test_invoice_receipts_due_date_payment_date_and_partial_payment():
    ledger = make_ledger(
        params={"date_reference": D(2026, 1, 5), "horizon": 4},
        factures=[
            # unpaid, due 30 days after 10/01 = 09/02
            {
                "facture": "F1",
                "date": D(2026, 1, 10),
                "client": "A",
                "montant": 1000.0,
                "conditions": "30 jours",
            },
            # paid on 20/01 in full
            {
                "facture": "F2",
                "date": D(2026, 1, 2),
                "client": "B",
                "montant": 500.0,
                "conditions": "À réception",
                "date_paiement": D(2026, 1, 20),
            },
            # partial: 300 paid on 03/02, rest 500 due end of February (45 j fin de mois)
            {
                "facture": "F3",
                "date": D(2026, 1, 5),
                "client": "C",
                "montant": 800.0,
                "conditions": "45 jours fin de mois",
                "date_paiement": D(2026, 2, 3),
                "montant_paye": 300.0,
            },
            # typed Échéance wins over the conditions
            {
                "facture": "F4",
                "date": D(2026, 1, 5),
                "client": "D",
                "montant": 100.0,
                "conditions": "30 jours",
                "echeance": D(2026, 3, 15),
            },
        ],
    )
    plan = build_plan(ledger)
    factures = plan.receipts.loc["Factures clients"]
    assert factures[JAN] == 500.0
    assert factures[FEB] == 1000.0 + 300.0 + 500.0
    assert factures[MAR] == 100.0
    assert plan.overdue_memo.sum() == 0.0


def test_overdue_invoice_goes_to_memo_row_not_balance():
    ledger = make_ledger(
        params={"date_reference": D(2026, 2, 10), "horizon": 3},
        factures=[
            {
                "facture": "F1",
                "date": D(2025, 12, 1),
                "client": "A",
                "montant": 700.0,
                "conditions": "30 jours",
            },  # due 31/12/2025, unpaid
            {"facture": "F2", "date": D(2026, 1, 1), "client": "A", "montant": 300.0},
            # no terms: legal 30 days -> 31/01/2026, before the reference date: overdue too
        ],
    )
    plan = build_plan(ledger)
    assert plan.total_in.sum() == 0.0
    assert plan.overdue_memo[FEB] == 1000.0
    assert plan.overdue_memo.drop(FEB).sum() == 0.0
    assert set(plan.overdue["facture"]) == {"F1", "F2"}


def test_double_counting_linked_receipt_is_the_invoice_payment():
    ledger = make_ledger(
        params={"horizon": 3},
        factures=[
            {
                "facture": "F-10",
                "date": D(2026, 1, 2),
                "client": "A",
                "montant": 900.0,
                "conditions": "30 jours",
                "date_paiement": D(2026, 1, 20),
            },
            {
                "facture": "F-11",
                "date": D(2026, 1, 2),
                "client": "A",
                "montant": 400.0,
                "conditions": "30 jours",
            },
        ],
        encaissements=[
            # names F-10, already paid in Factures: not a second receipt
            {
                "date": D(2026, 1, 20),
                "libelle": "Virement A",
                "montant": 900.0,
                "statut": "Réalisé",
                "facture": "f-10",
            },
            # names F-11 (unpaid in Factures): it is F-11's payment, on its own date
            {
                "date": D(2026, 1, 25),
                "libelle": "Chèque A",
                "montant": 400.0,
                "statut": "Réalisé",
                "facture": "F-11 ",
            },
            # names no invoice: an ordinary receipt
            {"date": D(2026, 1, 26), "libelle": "Vente", "montant": 50.0, "facture": "X-1"},
        ],
    )
    plan = build_plan(ledger)
    assert plan.total_in[JAN] == 900.0 + 400.0 + 50.0
    assert plan.total_in[FEB] == 0.0  # F-11 not expected again on its due date (01/02)
    assert plan.receipts.loc["Factures clients", JAN] == 1300.0


def test_threshold_flags_on_closing_and_on_daily_low():
    ledger = make_ledger(
        params={
            "solde_initial": 1000.0,
            "seuil": 500.0,
            "horizon": 4,
            "date_solde": D(2025, 12, 31),
        },
        decaissements=[
            {"date": D(2026, 2, 10), "libelle": "Gros achat", "montant": 800.0},
        ],
        encaissements=[
            {"date": D(2026, 2, 20), "libelle": "Rentrée", "montant": 900.0},
            {"date": D(2026, 3, 1), "libelle": "Premier du mois", "montant": 10.0},
        ],
    )
    plan = build_plan(ledger)
    months = plan.months
    # January: nothing moves, closing 1000
    assert plan.low[months[1]] == 1000.0 and not plan.below[months[1]]
    # February: dips to 200 on the 10th, closes at 1100: flagged by its low point only
    assert plan.low[FEB] == 200.0
    assert plan.low_day[FEB] == D(2026, 2, 10)
    assert plan.closing[FEB] == 1100.0
    assert plan.below[FEB]
    # March: a receipt on the 1st, the carried opening is not an end-of-day balance
    assert plan.low[MAR] == 1110.0


def test_closing_under_threshold_flags_month():
    ledger = make_ledger(
        params={"solde_initial": 100.0, "seuil": 0.0, "horizon": 2},
        decaissements=[{"date": D(2026, 1, 31), "libelle": "x", "montant": 150.0}],
    )
    plan = build_plan(ledger)
    assert plan.closing[JAN] == -50.0
    assert plan.below[JAN]
    assert not plan.below[D(2025, 12, 1)]
    assert plan.low[JAN] == -50.0


def test_horizon_end():
    assert horizon_end(D(2026, 1, 15), 1) == D(2026, 1, 31)
    assert horizon_end(D(2026, 1, 15), 36) == D(2028, 12, 31)


flow_dates = st.dates(min_value=D(2025, 10, 1), max_value=D(2027, 3, 31))
amounts = st.decimals(min_value="0.01", max_value="50000", places=2).map(float)


@st.composite
def ledgers(draw):
    enc = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "date": flow_dates,
                    "libelle": st.just("e"),
                    "montant": amounts,
                    "categorie": st.sampled_from(["Ventes", "Apport", ""]),
                }
            ),
            max_size=25,
        )
    )
    dec = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "date": flow_dates,
                    "libelle": st.just("d"),
                    "montant": amounts,
                    "categorie": st.sampled_from(["Loyer", "URSSAF", ""]),
                    "recurrence": st.sampled_from(
                        ["Aucune", "Mensuelle", "Trimestrielle", "Annuelle"]
                    ),
                }
            ),
            max_size=10,
        )
    )
    fac = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "date": flow_dates,
                    "client": st.just("C"),
                    "montant": amounts,
                    "conditions": st.sampled_from(
                        ["30 jours", "À réception", "45 jours fin de mois", ""]
                    ),
                    "date_paiement": st.one_of(st.none(), flow_dates),
                }
            ),
            max_size=15,
        )
    )
    for i, row in enumerate(fac):
        row["facture"] = f"F{i}"
    params = {
        "solde_initial": draw(
            st.decimals(min_value="-5000", max_value="5000", places=2).map(float)
        ),
        "date_solde": draw(st.dates(min_value=D(2025, 12, 1), max_value=D(2026, 6, 30))),
        "horizon": draw(st.integers(min_value=1, max_value=36)),
        "seuil": draw(st.sampled_from([0.0, 1000.0])),
    }
    params["date_reference"] = params["date_solde"] + dt.timedelta(days=draw(st.integers(0, 40)))
    return make_ledger(params=params, encaissements=enc, decaissements=dec, factures=fac)


@settings(max_examples=60, deadline=None)
@given(ledgers())
def test_property_closing_minus_opening_is_sum_of_flows(ledger):
    plan = build_plan(ledger)
    assert len(plan.months) == ledger.params.horizon
    for i, month in enumerate(plan.months):
        assert plan.closing[month] - plan.opening[month] == pytest.approx(
            plan.receipts[month].sum() - plan.disbursements[month].sum(), abs=0.011
        )
        assert plan.low[month] <= plan.closing[month] + 1e-9
        assert plan.below[month] == bool(
            plan.closing[month] < plan.threshold or plan.low[month] < plan.threshold
        )
        if i:
            assert plan.opening[month] == plan.closing[plan.months[i - 1]]
    applied = plan.flows
    assert (applied["date"] > pd.Timestamp(ledger.params.date_solde)).all()


@settings(max_examples=30, deadline=None)
@given(ledgers())
def test_property_plan_is_deterministic(ledger):
    first, second = build_plan(ledger), build_plan(ledger)
    pd.testing.assert_series_equal(first.closing, second.closing)
    pd.testing.assert_frame_equal(first.receipts, second.receipts)


def test_add_months_clamps():
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2026, 2, 28), 1, anchor_day=31) == D(2026, 3, 31)
    assert add_months(D(2026, 12, 15), 1) == D(2027, 1, 15)
    assert add_months(D(2026, 1, 15), -1) == D(2025, 12, 15)


def test_predicted_view_shifts_invoices_by_client_median_delay():
    paid = [
        # client A paid 10, 20 and 12 days after the due date: median 12
        {
            "facture": "A1",
            "date": D(2025, 9, 1),
            "client": "A",
            "montant": 100.0,
            "conditions": "30 jours",
            "date_paiement": D(2025, 10, 11),
        },
        {
            "facture": "A2",
            "date": D(2025, 10, 1),
            "client": "A",
            "montant": 100.0,
            "conditions": "30 jours",
            "date_paiement": D(2025, 11, 20),
        },
        {
            "facture": "A3",
            "date": D(2025, 11, 1),
            "client": "A",
            "montant": 100.0,
            "conditions": "30 jours",
            "date_paiement": D(2025, 12, 13),
        },
        # client B: one paid invoice only, no habit
        {
            "facture": "B1",
            "date": D(2025, 10, 1),
            "client": "B",
            "montant": 100.0,
            "conditions": "30 jours",
            "date_paiement": D(2025, 12, 1),
        },
    ]
    open_ = [
        # A: due 25/01, expected 06/02 when paying as usual
        {
            "facture": "A4",
            "date": D(2025, 12, 26),
            "client": "A",
            "montant": 1000.0,
            "conditions": "30 jours",
        },
        # B: due 20/01, no habit: the due date in both views
        {
            "facture": "B2",
            "date": D(2025, 12, 21),
            "client": "B",
            "montant": 500.0,
            "conditions": "30 jours",
        },
        # A: due 28/12/2025, 4 days late on the reference date, usually 12: expected 09/01
        {
            "facture": "A5",
            "date": D(2025, 11, 28),
            "client": "A",
            "montant": 200.0,
            "conditions": "30 jours",
        },
    ]
    ledger = make_ledger(
        params={"date_reference": D(2026, 1, 1), "horizon": 3, "solde_initial": 0.0},
        factures=paid + open_,
    )
    plan = build_plan(ledger)
    dec = D(2025, 12, 1)
    # contractual: A4 and B2 in January, A5 overdue (memo)
    assert plan.closing[JAN] == 1500.0
    assert plan.overdue_memo[JAN] == 200.0
    # predicted: B2 and A5 in January, A4 in February
    assert plan.predicted_closing[dec] == 0.0
    assert plan.predicted_closing[JAN] == 700.0
    assert plan.predicted_closing[FEB] == 1700.0


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            flow_dates,
            st.sampled_from(["Aucune", "Mensuelle", "Trimestrielle", "Annuelle"]),
            st.one_of(st.none(), flow_dates),
        ),
        max_size=20,
    )
)
def test_vectorized_expansion_matches_occurrences(rows):
    from ledger_factory import typed_frame

    from treso_xl import contract
    from treso_xl.core.recurrence import expand_recurrences

    rows = [(d, r, f) for d, r, f in rows if f is None or f >= d]
    frame = typed_frame(
        contract.DECAISSEMENTS,
        [
            {"date": d, "libelle": "x", "montant": 1.0, "recurrence": r, "fin": f}
            for d, r, f in rows
        ],
    )
    until = D(2027, 1, 31)
    expected = []
    for d, r, f in rows:
        expected += [d] if r == "Aucune" else occurrences(d, r, until, f)
    got = [t.date() for t in expand_recurrences(frame, until)["date"]]
    assert sorted(got) == sorted(expected)
