"""Tabs that grow with the data stay useful at scale: 10 000 rows where many carry the same
finding give a Contrôles of a few dozen lines, every error row still on it."""

from __future__ import annotations

import re

import pytest
from many_findings_factory import many_findings_ledger

from treso_xl import contract
from treso_xl.core.checks import (
    ERREUR,
    Finding,
    compact_rows,
    count_by_gravite,
    group_findings,
)
from treso_xl.french import euros
from treso_xl.layout.controles import CELL_CHARS, FIRST_ROW
from treso_xl.layout.courriers import BLOCK_MARK, COMMAND, MAX_LETTERS, NOTE_ROW, due_now
from treso_xl.layout.depenses import AVOIDABLE_LINES, avoidable_lines, charge_lines
from treso_xl.layout.model import SheetLayout
from treso_xl.layout.relances import HEADER_ROW as RELANCES_HEADER_ROW
from treso_xl.layout.relances import HEADERS as RELANCES_HEADERS
from treso_xl.refresh import Report, compute

ROWS = 10_000


@pytest.fixture(scope="module")
def report() -> Report:
    return compute(many_findings_ledger(ROWS))


def _tab(report: Report, name: str) -> SheetLayout:
    return next(layout for layout in report.layouts if layout.name == name)


def _chars(layout: SheetLayout) -> int:
    return sum(len(str(cell.value)) for cell in layout.cells.values() if cell.value is not None)


def _listed_rows(text: str) -> set[int]:
    """Every row named by « Lignes 12 à 40, 57 et 90 à 95 » pieces in a text."""
    rows: set[int] = set()
    for first, last in re.findall(r"\b(\d+)(?: à (\d+))?\b", text):
        rows.update(range(int(first), int(last or first) + 1))
    return rows


def test_controles_is_a_few_dozen_lines_with_every_error_row(report: Report) -> None:
    tab = _tab(report, contract.TAB_CONTROLES)
    errors = [f for f in report.findings if f.gravite == ERREUR and f.ligne is not None]
    assert len(errors) > 500 and len(report.findings) > 5_000  # the shape: many same findings
    assert tab.max_row - FIRST_ROW < 40
    assert _chars(tab) < 50_000
    for cell in tab.cells.values():
        assert len(str(cell.value or "")) <= max(CELL_CHARS, 3_000)
    listed: dict[str, set[int]] = {}
    for row in range(FIRST_ROW, tab.max_row + 1):
        if tab.value(row, 1) == "Erreur":
            sheet = str(tab.value(row, 2))
            text = str(tab.value(row, 4)).split("\n")[-1]  # the rows line, after the examples
            listed.setdefault(sheet, set()).update(_listed_rows(text))
            if isinstance(tab.value(row, 3), int):
                listed[sheet].add(int(tab.value(row, 3)))
    missing = {(f.feuille, f.ligne) for f in errors if f.ligne not in listed.get(f.feuille, ())}
    assert not missing


def test_errors_come_first_and_counts_are_the_lines(report: Report) -> None:
    tab = _tab(report, contract.TAB_CONTROLES)
    gravites = [tab.value(r, 1) for r in range(FIRST_ROW, tab.max_row + 1)]
    assert gravites[0] == "Erreur"
    last_error = max(i for i, g in enumerate(gravites) if g == "Erreur")
    assert all(g == "Erreur" for g in gravites[: last_error + 1])
    groups = group_findings(report.findings)
    counts = count_by_gravite([g.finding for g in groups])
    assert str(tab.value(2, 1)).startswith(f"{counts[ERREUR]} erreur")
    kinds = {(f.gravite, f.feuille, f.code) for f in report.findings}
    assert len(groups) <= 5 * len(kinds)


def test_a_check_with_many_problems_is_one_line_quoting_the_first() -> None:
    findings = [
        Finding("avertissement", "Encaissements", row, f"Prévu passé le {row}.", "À jour.", "p")
        for row in range(2, 102)
    ]
    (group,) = group_findings(findings)
    assert group.finding.ligne == 2 and len(group.lignes) == 100
    assert [f.constat for f in group.exemples] == ["Prévu passé le 2.", "Prévu passé le 3.",
                                                   "Prévu passé le 4."]  # fmt: skip
    assert group.autres == 97
    assert group.constat.startswith("100 constats de ce type, dont :\n– Prévu passé le 2.")
    assert "… et 97 autres." in group.constat
    assert group.constat.endswith("Lignes 2 à 101.")
    assert group.conseil == "À jour."


def test_five_different_problems_stay_one_line_each() -> None:
    findings = [
        Finding("avertissement", "Factures", row, f"Constat {row}.", "Conseil.", "c")
        for row in range(2, 7)
    ]
    assert [g.constat for g in group_findings(findings)] == [f"Constat {r}." for r in range(2, 7)]


def test_compact_rows() -> None:
    assert compact_rows([7]) == "Ligne 7"
    assert compact_rows([5, 3]) == "Lignes 3 et 5"
    assert compact_rows([12, 13, 14, 57, 90, 91, 92, 93]) == "Lignes 12 à 14, 57 et 90 à 93"
    assert compact_rows([3, 4, 9]) == "Lignes 3, 4 et 9"
    many = list(range(2, 2000, 2))
    assert compact_rows(many, 3) == "Lignes 2, 4, 6… et 996 autres lignes"
    assert compact_rows([]) == ""


def test_courriers_holds_the_letters_due_now_and_says_how_to_get_the_others(
    report: Report,
) -> None:
    tab = _tab(report, contract.TAB_COURRIERS)
    ref = report.ledger.params.date_reference
    blocks = [str(c.value) for c in tab.cells.values() if str(c.value).startswith(BLOCK_MARK)]
    assert len(report.reminders) > 1_000
    assert len(blocks) == MAX_LETTERS and tab.max_row < 60 * MAX_LETTERS
    assert _chars(tab) < 60_000
    due = [item for item in report.reminders if due_now(item, ref)]
    assert 0 < len(due) < MAX_LETTERS
    for item in due:
        assert any(block.startswith(f"{BLOCK_MARK} Facture {item.facture} — ") for block in blocks)
    note = str(tab.value(NOTE_ROW, 1))
    left = len(report.reminders) - MAX_LETTERS
    assert f"{left:,}".replace(",", "\u202f") in note and COMMAND in note


def test_relances_keeps_one_short_row_per_invoice(report: Report) -> None:
    tab = _tab(report, contract.TAB_RELANCES)
    text_col = RELANCES_HEADERS.index("Texte") + 1
    rows = range(RELANCES_HEADER_ROW + 1, RELANCES_HEADER_ROW + 1 + len(report.reminders))
    assert [tab.value(r, 1) for r in rows] == [item.facture for item in report.reminders]
    texts = [str(tab.value(r, text_col)) for r in rows]
    assert all(len(text) <= 120 for text in texts)
    linked = [r for r in rows if (r, text_col) in tab.links]
    assert len(linked) >= MAX_LETTERS
    assert len(linked) < len(texts)
    for row, item in zip(rows, report.reminders, strict=True):
        if (row, text_col) not in tab.links:  # no letter in Courriers: the subject alone
            assert str(tab.value(row, text_col))[:40] == item.texte.subject[:40]
    todo = str(tab.value(4, 1))
    assert "factures à suivre" in todo and "treso-xl relances" in todo


def test_depenses_adds_up_the_rows_of_one_charge_and_the_repeated_fees(report: Report) -> None:
    tab = _tab(report, contract.TAB_DEPENSES)
    review = report.spending
    assert len(review.charges) >= 300 and len(review.evitables) > AVOIDABLE_LINES
    assert tab.max_row < 80 and _chars(tab) < 20_000
    lines = charge_lines(review.charges)
    assert len(lines) == 3  # three series typed again and again
    assert sum(line.cout_annuel for line in lines) == pytest.approx(review.cout_charges_annuel)
    assert sorted(r for line in lines for r in line.lignes) == sorted(
        c.ligne for c in review.charges
    )
    texts = [str(c.value) for c in tab.cells.values() if isinstance(c.value, str)]
    assert any("lignes saisies pour cette charge" in t and "doublon" in t for t in texts)
    assert any(t.startswith("Comparez") for t in texts)  # the savings advice stays
    fees = avoidable_lines(review.evitables)
    assert sum(f.montant for f in fees) == pytest.approx(review.total_evitables)
    largest = max(review.evitables, key=lambda c: c.montant)
    assert any(euros(largest.montant) in t for t in texts)  # the largest fee is named


def test_a_few_charges_keep_one_line_each() -> None:
    from treso_xl.refresh import read
    from treso_xl.workbooks import sample_path

    review = compute(read(sample_path())).spending
    lines = charge_lines(review.charges)
    assert [line.charge for line in lines] == list(review.charges)
    assert [len(line.lignes) for line in avoidable_lines(review.evitables)] == [1] * len(
        review.evitables
    )
