"""Courriers asks each reminder's due_now once: the same letters chosen and the same note as
when chosen_letters and left_out_note work it out themselves."""

from __future__ import annotations

import dataclasses
import datetime as dt

from treso_xl.layout.courriers import (
    MAX_LETTERS,
    chosen_letters,
    courriers_layout,
    due_now,
    left_out_note,
)
from treso_xl.refresh import compute, read
from treso_xl.workbooks import sample_path


def test_letters_and_note_as_when_each_function_asks_due_now() -> None:
    report = compute(read(sample_path()))
    on = report.ledger.params.date_reference
    items = [
        dataclasses.replace(
            item,
            facture=f"{item.facture}-{i}",
            niveau=("J+1", "J+15", "J+30", "J+30")[i % 4],
            jours_retard=(5, 20, 35, 90)[i % 4],
            date_prochaine_action=on + dt.timedelta(days=i % 5 - 3),
        )
        for i, item in enumerate(report.reminders * 12)
    ]
    assert len(items) > MAX_LETTERS
    due = [due_now(item, on) for item in items]
    assert any(due) and not all(due)
    for some in (items, items[:MAX_LETTERS], items[: MAX_LETTERS + 3], items[::-1]):
        chosen = chosen_letters(some, on)
        note = left_out_note(some, chosen, on)
        sheet, letters = courriers_layout(some, on)
        if len(some) > MAX_LETTERS:
            assert sheet.value(3, 1) == note and note
        assert {item.facture for i, item in enumerate(some) if i in chosen} == set(letters)
        flags = [due_now(item, on) for item in some]
        assert chosen_letters(some, on, flags) == chosen
        assert left_out_note(some, chosen, on, flags) == note
