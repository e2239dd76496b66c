"""Reminder e-mails as .eml drafts (marked unsent) that any mail client opens ready to send."""

from __future__ import annotations

import errno
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from treso_xl.core.reminders import COURTESY, Reminder
from treso_xl.errors import FileError
from treso_xl.french import quote
from treso_xl.mail.headers import (
    DRAFT_POLICY,
    SMTP_LINE_LIMIT,
    address_problem,
    body_text,
    display_name,
    longest_line,
    msgid_domain,
    one_line,
    set_address,
    set_text,
    shown,
)
from treso_xl.render.safe_write import write_atomically

LEVEL_SLUG = {COURTESY: "avant-echeance", "J+1": "J01", "J+15": "J15", "J+30": "J30"}
SHEET = quote("Factures")

# What became of each reminder.
WRITTEN, REPLACED, KEPT = "écrit", "remplacé", "conservé"
NO_ADDRESS, REFUSED, FAILED = "sans adresse", "refusé", "échec"
NOT_WRITTEN = (NO_ADDRESS, REFUSED, FAILED)


class DraftFolderError(FileError):
    """The drafts folder cannot be created or used; nothing was written."""


def safe_filename(text: str, limit: int = 60) -> str:
    """A file name fragment safe on every file system: ASCII letters, digits, - and _."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", ascii_text).strip("-_")
    return (cleaned or "sans-nom")[:limit].strip("-_") or "sans-nom"


def invoice_key(facture: str) -> str:
    """8 hex digits that tell apart invoice numbers whose file name fragments look alike
    ("F/1", "F-1", "F 1"; "Fé1", "Fe1"); the same number always gives the same digits."""
    exact = unicodedata.normalize("NFC", facture).encode("utf-8", "surrogatepass")
    return hashlib.sha256(exact).hexdigest()[:8]


def draft_name(reminder: Reminder) -> str:
    """`relance_J30_F-1_Durand_1a2b3c4d.eml`: level, invoice, client, key of the exact number."""
    return (
        f"relance_{LEVEL_SLUG.get(reminder.niveau, safe_filename(reminder.niveau, 20))}_"
        f"{safe_filename(reminder.facture, 40)}_{safe_filename(reminder.client, 30)}_"
        f"{invoice_key(reminder.facture)}.eml"
    )


def draft_names(reminders: list[Reminder]) -> list[str]:
    """One name per reminder, all different even on a case-blind file system: a number typed
    twice in « Factures » (an error Contrôles reports) adds the Excel row to both names."""
    names = [draft_name(r) for r in reminders]
    seen: dict[str, int] = {}
    for name in names:
        seen[name.lower()] = seen.get(name.lower(), 0) + 1
    return [
        name if seen[name.lower()] == 1 else f"{name[:-4]}_ligne{r.ligne}.eml"
        for name, r in zip(names, reminders, strict=True)
    ]


def reminder_message(reminder: Reminder, sender: str = "") -> EmailMessage:
    """The reminder as an unsent draft addressed to the client's e-mail.

    No line break of a cell reaches a header, whatever the cells hold; raises ValueError with
    the French reason when the address cannot be used. `sender` (the user's own address, if
    known) only gives the Message-ID its domain."""
    address, problem = address_problem(reminder.email)
    if problem:
        raise ValueError(problem)
    message = EmailMessage(policy=DRAFT_POLICY)
    set_address(message, "To", display_name(reminder.client), address)
    set_text(message, "Subject", one_line(reminder.texte.subject))
    message["X-Unsent"] = "1"  # Outlook and Thunderbird open it as a draft to send
    set_text(message, "X-Treso-Facture", one_line(reminder.facture))
    set_text(message, "X-Treso-Niveau", one_line(reminder.niveau))
    message["X-Treso-Ligne"] = str(reminder.ligne)
    message["Message-ID"] = make_msgid(
        idstring=safe_filename(reminder.facture, 40), domain=msgid_domain(sender)
    )
    text = body_text(reminder.texte.body)
    cte = "8bit" if longest_line(text) <= SMTP_LINE_LIMIT else "quoted-printable"
    message.set_content(text, subtype="plain", charset="utf-8", cte=cte)
    return message


@dataclass(frozen=True)
class Draft:
    """What became of one reminder: its file, its status and, when not written, why."""

    reminder: Reminder
    status: str  # one of WRITTEN, REPLACED, KEPT, NO_ADDRESS, REFUSED, FAILED
    path: Path | None = None
    reason: str = ""

    @property
    def invoice(self) -> str:
        """« facture F-1 (Durand, ligne 12 de la feuille « Factures ») »."""
        r = self.reminder
        return (
            f"facture {shown(r.facture)} ({shown(r.client)}, ligne {r.ligne} de la feuille {SHEET})"
        )

    def line(self, replace_option: str = "") -> str:
        """The French line telling the user what happened to this reminder's draft."""
        level = one_line(self.reminder.niveau)
        if self.status == WRITTEN:
            return f"Brouillon écrit : {self.path}"
        if self.status == REPLACED:
            return f"Brouillon remplacé : {self.path}"
        if self.status == KEPT:
            hint = f" ; {replace_option} pour le réécrire" if replace_option else ""
            return f"Brouillon déjà présent, conservé tel quel : {self.path}{hint}."
        if self.status == NO_ADDRESS:
            return (
                f"Pas d'adresse e-mail pour la {self.invoice} : relance {level} non écrite ; "
                "indiquez l'adresse dans la colonne « Email client »."
            )
        return f"Relance {level} non écrite pour la {self.invoice} : {self.reason}."


@dataclass
class DraftsReport:
    """Every reminder's draft, in the order of the reminders."""

    folder: Path
    drafts: list[Draft] = field(default_factory=list)

    def _with(self, *statuses: str) -> list[Draft]:
        return [d for d in self.drafts if d.status in statuses]

    @property
    def written(self) -> list[Path]:
        """Files written by this run (new or replaced)."""
        return [d.path for d in self._with(WRITTEN, REPLACED) if d.path is not None]

    @property
    def kept(self) -> list[Path]:
        """Drafts already in the folder, left as they were."""
        return [d.path for d in self._with(KEPT) if d.path is not None]

    @property
    def not_written(self) -> list[Draft]:
        """Reminders with no draft: no address, unusable address, or the file failed."""
        return self._with(*NOT_WRITTEN)

    @property
    def failed(self) -> list[Draft]:
        """Drafts whose file could not be written (disk full, rights…)."""
        return self._with(FAILED)

    @property
    def refused(self) -> list[Draft]:
        """Reminders whose data cannot make a draft (an unusable address)."""
        return self._with(REFUSED)

    def summary(self) -> str:
        """« 3 brouillons écrits, 1 déjà présent conservé, 2 relances non écrites. »"""
        parts = []
        count = len(self.written)
        if count:
            plural = "s" if count > 1 else ""
            parts.append(f"{count} brouillon{plural} écrit{plural}")
        else:
            parts.append("aucun brouillon écrit")
        if self.kept:
            count = len(self.kept)
            parts.append(
                f"{count} déjà présent{'s' if count > 1 else ''} conservé{'s' if count > 1 else ''}"
            )
        if self.not_written:
            count = len(self.not_written)
            parts.append(
                f"{count} relance{'s' if count > 1 else ''} non écrite{'s' if count > 1 else ''}"
            )
        text = f"{', '.join(parts)} dans {quote(self.folder)}."
        return text[0].upper() + text[1:]


def _reason(error: BaseException) -> tuple[str, str]:
    """(why a file could not be written, what to do), in French."""
    cause = error if isinstance(error, OSError) else error.__cause__
    if isinstance(cause, OSError):
        if cause.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            return cause.strerror or str(cause), "libérez de la place sur le disque puis relancez"
        if isinstance(cause, PermissionError):
            return (
                cause.strerror or str(cause),
                "vérifiez que le dossier est modifiable et que le fichier n'est pas ouvert",
            )
        return cause.strerror or str(cause), "vérifiez le dossier puis relancez"
    return str(error), "vérifiez le dossier puis relancez"


def prepare_folder(folder: Path) -> None:
    """Create the drafts folder; DraftFolderError in French when it cannot be."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason, advice = _reason(error)
        if isinstance(error, FileExistsError) or (folder.exists() and not folder.is_dir()):
            reason, advice = "un fichier porte déjà ce nom", "choisissez un autre dossier"
        raise DraftFolderError(
            f"Impossible de créer le dossier des brouillons {quote(folder)} ({reason}) : "
            f"{advice}. Aucun brouillon n'a été écrit."
        ) from error


def _draft(reminder: Reminder, path: Path, replace: bool, sender: str) -> Draft:
    if not reminder.email.strip():
        return Draft(reminder, NO_ADDRESS)
    try:
        data = reminder_message(reminder, sender).as_bytes()
    except ValueError as error:
        return Draft(reminder, REFUSED, reason=f"{error} puis relancez")
    except Exception as error:  # a text the email package cannot carry: told, never a crash
        return Draft(
            reminder,
            REFUSED,
            reason=(
                f"le texte de cette facture ne peut pas être mis dans un e-mail "
                f"({type(error).__name__} : {shown(error)}) ; signalez-nous le problème"
            ),
        )
    existed = path.exists() or path.is_symlink()
    if existed and not replace:
        return Draft(reminder, KEPT, path)
    if existed and not path.is_file():
        return Draft(
            reminder,
            FAILED,
            path,
            f"{quote(path)} existe déjà et n'est pas un fichier : déplacez-le puis relancez",
        )
    try:
        write_atomically(path, data, backup=False)
    except (FileError, OSError) as error:
        reason, advice = _reason(error)
        return Draft(
            reminder, FAILED, path, f"impossible d'écrire {quote(path)} ({reason}) : {advice}"
        )
    return Draft(reminder, REPLACED if existed else WRITTEN, path)


def write_drafts(
    reminders: list[Reminder], folder: Path, replace: bool = False, sender: str | None = None
) -> DraftsReport:
    """Write one .eml per reminder with a usable address, each in one step (a full disk leaves
    no partial file); an existing draft of the same name is kept unless `replace`.

    `sender` gives the Message-ID domain; None reads the configured sender address (SMTP
    settings), if any. Raises DraftFolderError only when the folder itself is unusable; every
    other problem is told per reminder in the report.
    """
    if sender is None:
        from treso_xl.mail.config import configured_sender

        sender = configured_sender()
    folder = Path(folder)
    prepare_folder(folder)
    report = DraftsReport(folder)
    for reminder, name in zip(reminders, draft_names(reminders), strict=True):
        report.drafts.append(_draft(reminder, folder / name, replace, sender))
    return report
