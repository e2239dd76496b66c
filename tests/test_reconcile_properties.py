"""Property: a statement whose lines are the rows already typed `Réalisé` changes no figure."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.ledger_factory import make_ledger, typed_frame
from treso_xl import contract
from treso_xl.core.flows import known_flows
from treso_xl.refresh import compute

START = dt.date(2026, 1, 1)

rows = st.lists(
    st.tuples(
        st.integers(0, 140),  # day after 01/01/2026 (the plan ends on 31/05/2026, day 150)
        st.integers(1, 500_000).map(lambda c: c / 100),
        st.booleans(),  # receipt or payment
        st.sampled_from(["", "Ventes", "Apport", "Loyer", "URSSAF"]),
        st.sampled_from([0, 0, 0, 1, 5]),  # days between the typed date and the bank's
    ),
    max_size=25,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a shrink takes minutes
)
@given(rows=rows)
def test_bank_lines_of_typed_rows_change_no_figure(rows):
    enc, dec, bank = [], [], []
    for offset, amount, credit, category, shift in rows:
        when = START + dt.timedelta(days=offset)
        typed = {
            "date": when,
            "libelle": f"Ligne {len(enc) + len(dec)}",
            "montant": amount,
            "categorie": category,
            "statut": "Réalisé",
        }
        (enc if credit else dec).append(typed)
        bank.append(
            {
                "date": when + dt.timedelta(days=shift),
                "libelle": "OPERATION",
                "montant": amount if credit else -amount,
            }
        )
    bank.sort(key=lambda line: line["date"])
    base = make_ledger(
        params={"date_reference": dt.date(2026, 7, 1)}, encaissements=enc, decaissements=dec
    )
    with_bank = replace(base, banque=typed_frame(contract.BANQUE, bank))
    # the realised flows are the typed ones, each once (on the bank's date)
    end = dt.date(2026, 5, 31)

    def flows(ledger):
        known = known_flows(ledger, end)
        return sorted(zip(known["montant"], known["sens"], known["categorie"], strict=True))

    assert flows(with_bank) == flows(base)
    report = compute(with_bank)
    kinds = {d.kind for d in report.bank.decisions} if report.bank else set()
    assert kinds <= {"rapprochée"}
    if all(shift == 0 for *_, shift in rows):  # same dates: the very same plan
        plain = compute(base)
        assert report.plan.closing.tolist() == plain.plan.closing.tolist()
        assert report.plan.receipts.equals(plain.plan.receipts)
        assert report.plan.disbursements.equals(plain.plan.disbursements)
