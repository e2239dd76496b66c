"""Reminder e-mails as .eml drafts (marked unsent) that any mail client opens ready to send."""

from __future__ import annotations

import re
import unicodedata
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formataddr, make_msgid
from pathlib import Path

from treso_xl.core.reminders import COURTESY, Reminder

LEVEL_SLUG = {COURTESY: "avant-echeance", "J+1": "J01", "J+15": "J15", "J+30": "J30"}


def safe_filename(text: str, limit: int = 60) -> str:
    """A file name fragment safe on every file system: ASCII letters, digits, - and _."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", ascii_text).strip("-_")
    return (cleaned or "sans-nom")[:limit]


def reminder_message(reminder: Reminder) -> EmailMessage:
    """The reminder as an unsent draft addressed to the client's e-mail."""
    message = EmailMessage(policy=SMTP)
    message["To"] = formataddr((reminder.client, reminder.email))
    message["Subject"] = reminder.texte.subject
    message["X-Unsent"] = "1"  # Outlook and Thunderbird open it as a draft to send
    message["X-Treso-Facture"] = reminder.facture
    message["X-Treso-Niveau"] = reminder.niveau
    domain = reminder.email.rpartition("@")[2] or "treso-xl.local"
    message["Message-ID"] = make_msgid(idstring=safe_filename(reminder.facture), domain=domain)
    message.set_content(reminder.texte.body, subtype="plain", charset="utf-8", cte="8bit")
    return message


def write_drafts(reminders: list[Reminder], folder: Path) -> tuple[list[Path], list[Reminder]]:
    """Write one .eml per reminder with an address; return (files, reminders without address)."""
    folder.mkdir(parents=True, exist_ok=True)
    written, skipped = [], []
    for reminder in reminders:
        if not reminder.email:
            skipped.append(reminder)
            continue
        name = (
            f"relance_{LEVEL_SLUG[reminder.niveau]}_{safe_filename(reminder.facture)}_"
            f"{safe_filename(reminder.client, 30)}.eml"
        )
        path = folder / name
        path.write_bytes(reminder_message(reminder).as_bytes())
        written.append(path)
    return written, skipped
