"""Reminder bodies are written on first use, and read the same as the eager text."""

from __future__ import annotations

import datetime as dt
import pickle

from test_receivables import _reminder_ledger

from treso_xl.core.invoices import invoice_positions
from treso_xl.core.reminder_texts import ReminderText, reminder_text
from treso_xl.core.reminders import reminders


def _items():
    ledger = _reminder_ledger(rappel_jours=3)
    positions = invoice_positions(ledger.factures, ledger.encaissements)
    return ledger, reminders(positions, ledger.params)


def test_listing_reminders_writes_no_letter_body():
    _, items = _items()
    assert items and all(item.texte._body is None for item in items)
    assert all(item.texte.subject for item in items)  # the subject is there at once
    assert all(item.texte._body is None for item in items)


def test_lazy_text_equals_the_eager_text_at_every_level():
    ledger, items = _items()
    assert {item.niveau for item in items} == {"Avant échéance", "J+1", "J+15", "J+30"}
    for item in items:
        eager = reminder_text(item, ledger.params, next_action=item.prochaine_action)
        assert (item.texte.subject, item.texte.body) == (eager.subject, eager.body)
        assert item.texte == eager and hash(item.texte) == hash(eager)
        copied = pickle.loads(pickle.dumps(item.texte))
        assert type(copied) is ReminderText and copied == eager


def test_promise_subject_matches_the_confirmation():
    ledger, items = _items()
    item = next(i for i in items if i.niveau == "J+15")
    promised = dt.date(2026, 4, 1)
    from treso_xl.core.reminder_texts import lazy_reminder_text

    lazy = lazy_reminder_text(item, ledger.params, promised=promised)
    eager = reminder_text(item, ledger.params, promised=promised)
    assert lazy.subject == eager.subject and lazy.body == eager.body
