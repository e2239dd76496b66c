"""Read any statement file: the format is recognised from its content, then its parser runs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from treso_xl.bank.formats.camt import looks_like_camt, parse_camt
from treso_xl.bank.formats.cfonb import looks_like_cfonb, parse_cfonb
from treso_xl.bank.formats.mt940 import looks_like_mt940, parse_mt940
from treso_xl.bank.formats.ofx import looks_like_ofx, parse_ofx
from treso_xl.bank.formats.qif import looks_like_qif, parse_qif
from treso_xl.bank.statement import Statement, StatementError

MAX_BYTES = 200 * 1024 * 1024

ACCEPTED = (
    "OFX ou QFX, CAMT.053 (XML ISO 20022), CFONB 120, MT940, QIF, ou CSV exporté par la banque"
)

Parser = Callable[[bytes, str], list[Statement]]

_BY_EXTENSION: dict[str, tuple[str, Parser]] = {
    ".ofx": ("OFX", parse_ofx),
    ".qfx": ("OFX", parse_ofx),
    ".xml": ("CAMT.053", parse_camt),
    ".053": ("CAMT.053", parse_camt),
    ".camt": ("CAMT.053", parse_camt),
    ".qif": ("QIF", parse_qif),
    ".sta": ("MT940", parse_mt940),
    ".940": ("MT940", parse_mt940),
    ".mt940": ("MT940", parse_mt940),
    ".cfonb": ("CFONB 120", parse_cfonb),
    ".120": ("CFONB 120", parse_cfonb),
}

_NOT_STATEMENTS = (
    (b"%PDF", "c'est un relevé PDF, que treso-xl ne peut pas lire\u00a0: téléchargez depuis "
              "votre banque le même relevé au format OFX, CSV ou CFONB."),
    (b"PK\x03\x04", "c'est une archive ZIP ou un classeur Excel, pas un relevé\u00a0: "
                    "décompressez l'archive, ou enregistrez le classeur au format CSV."),
    (b"\xd0\xcf\x11\xe0", "c'est un ancien classeur Excel (.xls), pas un relevé\u00a0: "
                          "enregistrez-le au format CSV."),
)


def read_statement_file(path: Path, csv_mapping=None) -> list[Statement]:
    """Every statement of a bank file, whatever its format; only StatementError escapes."""
    path = Path(path)
    source = path.name or str(path)
    data = _read(path, source)
    return parse_statement_bytes(data, source, csv_mapping, path.suffix.lower())


def parse_statement_bytes(
    data: bytes, source: str, csv_mapping=None, extension: str = ""
) -> list[Statement]:
    """Every statement of a file's bytes, its format recognised from the content."""
    kind, parser = _sniff(data, source, extension)
    if kind == "CSV":
        parser = _csv_parser(source, csv_mapping)
    try:
        statements = parser(data, source)
    except StatementError:
        raise
    except RecursionError:
        raise StatementError(
            source, f"fichier {kind} trop profondément imbriqué pour être lu.") from None
    except MemoryError:
        raise StatementError(source, f"fichier {kind} trop gros pour la mémoire.") from None
    except Exception as error:  # a library's unforeseen failure: said, never a traceback
        raise StatementError(
            source,
            f"lecture du fichier {kind} impossible ({type(error).__name__}\u00a0: {error}).",
        ) from None
    if not statements:
        raise StatementError(source, f"aucun relevé dans ce fichier {kind}.")
    return [_without_repeated_refs(statement) for statement in statements]


def _without_repeated_refs(statement: Statement) -> Statement:
    """A bank reference given to several lines of one statement is no id: it is dropped.

    Some banks repeat a FITID or a reference (« NONREF »); as an operation id it would make two
    real operations one. Without it the importer falls back on its own stable id.
    """
    counts = Counter(line.bank_ref for line in statement.lines if line.bank_ref)
    repeated = {ref for ref, count in counts.items() if count > 1}
    if not repeated:
        return statement
    lines = tuple(
        replace(line, bank_ref="") if line.bank_ref in repeated else line
        for line in statement.lines
    )
    dropped = sum(counts[ref] for ref in repeated)
    note = (f"{dropped} opérations partagent une même référence bancaire "
            f"({', '.join(sorted(repeated)[:3])}{'…' if len(repeated) > 3 else ''})\u00a0: "
            "cette référence n'est pas utilisée pour les reconnaître.")
    return replace(statement, lines=lines, notes=(*statement.notes, note))


def _read(path: Path, source: str) -> bytes:
    """The file's bytes, or a French error (missing, a folder, unreadable, too big)."""
    try:
        if path.is_dir():
            raise StatementError(source, "c'est un dossier, pas un fichier de relevé.")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise StatementError(
                source,
                f"fichier de {size / 1024 / 1024:.0f} Mio, au-delà de la limite de "
                f"{MAX_BYTES // 1024 // 1024} Mio pour un relevé\u00a0: exportez une période "
                "plus courte.",
            )
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except StatementError:
        raise
    except FileNotFoundError:
        raise StatementError(source, "fichier introuvable.") from None
    except PermissionError:
        raise StatementError(source, "lecture refusée (droits d'accès).") from None
    except OSError as error:
        raise StatementError(
            source, f"lecture impossible ({error.strerror or error}).") from None
    if len(data) > MAX_BYTES:
        raise StatementError(
            source, f"fichier au-delà de la limite de {MAX_BYTES // 1024 // 1024} Mio.")
    return data


def _utf16_head(head: bytes) -> bytes:
    """The head re-encoded in UTF-8 when it is UTF-16 with a BOM, else unchanged."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return head.decode("utf-16", errors="ignore").encode("utf-8")
        except UnicodeError:
            return head
    return head


def _sniff(data: bytes, source: str, extension: str) -> tuple[str, Parser]:
    """The format of the file's content (its extension only breaks a tie)."""
    if not data.strip(b" \t\r\n\x00\x1a\xef\xbb\xbf"):
        raise StatementError(source, "le fichier est vide.")
    head = _utf16_head(data[:16384])
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    for magic, problem in _NOT_STATEMENTS:
        if head.startswith(magic):
            raise StatementError(source, problem)
    if looks_like_ofx(stripped):
        return "OFX", parse_ofx
    if looks_like_camt(stripped) or stripped[:1] == b"<":
        # any other XML goes to the CAMT reader, which refuses DTDs and says what it is not
        return "CAMT.053", parse_camt
    if looks_like_qif(stripped):
        return "QIF", parse_qif
    if looks_like_mt940(stripped):
        return "MT940", parse_mt940
    if looks_like_cfonb(stripped):
        return "CFONB 120", parse_cfonb
    if extension in _BY_EXTENSION:
        return _BY_EXTENSION[extension]
    if _looks_like_text_table(head):
        return "CSV", _unknown(source)
    raise StatementError(
        source, f"format de relevé non reconnu. Formats acceptés\u00a0: {ACCEPTED}.")


def _looks_like_text_table(head: bytes) -> bool:
    """Text whose lines hold a column separator (; , tab or |)."""
    if b"\x00" in head and head[:2] not in (b"\xff\xfe", b"\xfe\xff"):
        return False
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = head.decode("cp1252", errors="replace")
    lines = [line for line in text.splitlines()[:40] if line.strip()]
    return any(sep in line for line in lines for sep in (";", "\t", ",", "|"))


def _unknown(source: str) -> Parser:
    def fail(data: bytes, _source: str) -> list[Statement]:
        raise StatementError(
            source, f"format de relevé non reconnu. Formats acceptés\u00a0: {ACCEPTED}.")

    return fail


def _csv_parser(source: str, csv_mapping) -> Parser:
    """The CSV reader (imported only when a CSV comes), bound to the user's column mapping."""
    try:
        from treso_xl.bank.formats.csv_bank import parse_csv
    except ImportError:
        raise StatementError(
            source,
            "ce fichier ressemble à un CSV, mais la lecture des CSV n'est pas disponible dans "
            f"cette version. Formats acceptés\u00a0: {ACCEPTED}.",
        ) from None

    def parse(data: bytes, name: str) -> list[Statement]:
        return parse_csv(data, name, mapping=csv_mapping)

    return parse
