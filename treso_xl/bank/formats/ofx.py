"""OFX / QFX 1.x (SGML) and 2.x (XML) bank and card statements, parsed with ofxtools."""

from __future__ import annotations

import functools
import html
import io
import re
import warnings
import xml.etree.ElementTree as ET
from decimal import Decimal

from treso_xl.bank.formats.common import (
    collapse,
    decimal_amount,
    is_iban,
    join_unique,
    line_at,
    line_numbers,
    normalise_account,
    ymd_date,
)
from treso_xl.bank.formats.rib import rib_to_iban
from treso_xl.bank.statement import Balance, BankLine, Statement, StatementError
from treso_xl.french import quote

FORMAT = "OFX"

_XML_DECL = re.compile(rb"^\s*<\?xml", re.IGNORECASE)
_V1_HEADER = re.compile(rb"OFXHEADER\s*:", re.IGNORECASE)
_CHARSET = re.compile(rb"CHARSET\s*:\s*([\w-]+)", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"<\?xml[^>]*encoding=[\"']([\w-]+)[\"']", re.IGNORECASE)
_OFX_START = re.compile(r"<OFX>", re.IGNORECASE)
_TAG = re.compile(r"<(/?)([A-Za-z0-9./_]+)>")
_POSITION = re.compile(r"position=\[(\d+):(\d+)\]")

# ofxtools wants a well-formed header it can trust: the body is re-encoded in UTF-8 under this one.
_CLEAN_HEADER = (
    "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:UTF-8\n"
    "CHARSET:NONE\nCOMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n"
)


def looks_like_ofx(head: bytes) -> bool:
    """True when the first bytes of a file are an OFX header or an OFX document."""
    upper = head[:4096].upper()
    return bool(_V1_HEADER.search(upper)) or b"<OFX>" in upper or b"<?OFX " in upper


def parse_ofx(data: bytes, source: str) -> list[Statement]:
    """Every bank and credit-card statement of an OFX/QFX file, in file order."""
    text = _decode(data)
    match = _OFX_START.search(text)
    if match is None:
        raise StatementError(source, "ce fichier OFX n'a pas de balise <OFX>\u00a0: rien à lire.")
    body = _uppercase_tags(text[match.start():])
    first_line = line_at(text, match.start())
    root = _parse_tree(body, source, first_line)
    trn_lines = line_numbers(body, [m.start() for m in re.finditer(r"<STMTTRN>", body)],
                             first_line)
    stmt_lines = line_numbers(
        body, [m.start() for m in re.finditer(r"<(?:CC)?STMTRS>", body)], first_line)
    # every <STMTTRN> of the text, in document order, is the element of the same rank
    trn_line_of = dict(zip(map(id, root.iter("STMTTRN")), trn_lines, strict=False))
    statements: list[Statement] = []
    for rank, element in enumerate(e for e in root.iter() if e.tag in ("STMTRS", "CCSTMTRS")):
        line = stmt_lines[rank] if rank < len(stmt_lines) else None
        statements.append(_statement(element, source, line, trn_line_of))
    if not statements:
        if any(e.tag == "INVSTMTRS" for e in root.iter()):
            problem = ("ce fichier OFX est un relevé de titres (compte d'investissement), "
                       "que treso-xl ne lit pas : exportez le relevé du compte courant.")
        else:
            problem = "ce fichier OFX ne contient aucun relevé de compte bancaire ni de carte."
        raise StatementError(source, problem.replace(" :", "\u00a0:"))
    return statements


def _decode(data: bytes) -> str:
    """The file's text, honouring its declared charset, falling back to Windows-1252."""
    head = data[:2048]
    declared = None
    if _XML_DECL.match(head):
        found = _XML_ENCODING.search(head)
        declared = found.group(1).decode("ascii").lower() if found else "utf-8"
    else:
        found = _CHARSET.search(head)
        if found:
            charset = found.group(1).decode("ascii").upper()
            declared = {"1252": "cp1252", "ISO-8859-1": "latin-1", "8859-1": "latin-1"}.get(
                charset)
    if declared in ("ascii", "us-ascii", "usascii"):
        declared = None
    for encoding in (declared, "utf-8-sig", "cp1252"):
        if not encoding:
            continue
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("cp1252", errors="replace")


def _uppercase_tags(body: str) -> str:
    """Tags upper case (some exports write <stmttrn>), text untouched."""
    return _TAG.sub(lambda m: f"<{m.group(1)}{m.group(2).upper()}>", body)


@functools.cache
def _tolerant_builder_class() -> type:
    """ofxtools' TreeBuilder closing the aggregates whose closing tag the bank forgot.

    Built on first use: importing ofxtools takes a noticeable time, paid only for OFX files.
    """
    from ofxtools.Parser import ParseError, TreeBuilder

    class TolerantBuilder(TreeBuilder):
        def __init__(self) -> None:
            super().__init__()
            self.open_tags: list[str] = []

        def start(self, tag, attrs):  # type: ignore[no-untyped-def]
            self.open_tags.append(tag)
            return super().start(tag, attrs)

        def end(self, tag):  # type: ignore[no-untyped-def]
            if tag not in self.open_tags:
                raise ParseError(f"Unopened closing tag </{tag}>")
            while self.open_tags:  # close what SGML left open, as SGML readers do
                last = self.open_tags.pop()
                element = super().end(last)
                if last == tag:
                    return element
            return None

    return TolerantBuilder


def _parse_tree(body: str, source: str, first_line: int) -> ET.Element:
    """The element tree of the OFX body; a French error naming the line otherwise."""
    from ofxtools.header import OFXHeaderError
    from ofxtools.Parser import OFXTree, ParseError

    cleaned = (_CLEAN_HEADER + body).encode("utf-8")
    tree = OFXTree()
    builder = _tolerant_builder_class()()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree.parse(io.BytesIO(cleaned), parser=builder)
    except ParseError as error:
        detail = str(error.args[0] if error.args else error)
        found = _POSITION.search(detail)
        line = None
        if found:
            line = first_line + body.count("\n", 0, int(found.group(1)))
        raise StatementError(source, _french_parse_error(detail), line) from None
    except OFXHeaderError:
        raise StatementError(source, "l'en-tête OFX est illisible.") from None
    except Exception as error:  # ofxtools raises assorted errors on broken markup
        raise StatementError(
            source, f"fichier OFX illisible ({type(error).__name__}\u00a0: {error})."
        ) from None
    if builder.open_tags:
        raise StatementError(
            source,
            f"le fichier OFX s'arrête avant la fermeture de la balise <{builder.open_tags[-1]}>"
            "\u00a0: il semble tronqué.",
            first_line + body.count("\n"),
        )
    root = tree.getroot()
    if root is None or root.tag != "OFX":
        raise StatementError(source, "ce fichier OFX n'a pas de balise <OFX>\u00a0: rien à lire.")
    return root


def _french_parse_error(detail: str) -> str:
    """The French words for an ofxtools markup error."""
    tail = re.match(r"Tail text '(.*?)' (?:after|in) ", detail, re.DOTALL)
    if tail:
        return f"balisage OFX incorrect\u00a0: texte inattendu {quote(tail.group(1)[:60])}."
    mismatch = re.match(r"Mismatched tags: open='(.*?)', close='(.*?)'", detail)
    if mismatch:
        return (f"balisage OFX incorrect\u00a0: la balise <{mismatch.group(1)}> est fermée "
                f"par </{mismatch.group(2)}>.")
    unopened = re.match(r"Unopened closing tag </(.*?)>", detail)
    if unopened:
        return (f"balisage OFX incorrect\u00a0: la balise </{unopened.group(1)}> ferme "
                "une balise jamais ouverte.")
    return f"balisage OFX incorrect ({_POSITION.sub('', detail).strip(' -')})."


def _text(element: ET.Element | None, path: str) -> str:
    """The stripped text at `path` below `element`, "" when absent."""
    if element is None:
        return ""
    found = element.find(path)
    # SGML character references (&amp; &lt; &gt;) are left as written by ofxtools
    return html.unescape(found.text or "").strip() if found is not None else ""


def _statement(
    element: ET.Element, source: str, line: int | None, trn_line_of: dict[int, int]
) -> Statement:
    """One STMTRS / CCSTMTRS aggregate as a Statement."""
    account_el = element.find("BANKACCTFROM")
    if account_el is None:
        account_el = element.find("CCACCTFROM")
    account = _account(account_el)
    currency = _text(element, "CURDEF").upper() or "EUR"
    lines: list[BankLine] = []
    for trn in element.iter("STMTTRN"):
        lines.append(_line(trn, source, trn_line_of.get(id(trn))))
    closing = None
    ledger = element.find(".//LEDGERBAL")
    if ledger is not None and _text(ledger, "BALAMT"):
        closing = Balance(
            date=ymd_date(_text(ledger, "DTASOF"), source, line, "date du solde"),
            amount=decimal_amount(_text(ledger, "BALAMT"), source, line, "solde"),
        )
    notes: tuple[str, ...] = ()
    if element.tag == "CCSTMTRS":
        notes = ("Relevé de carte de crédit (OFX).",)
    return Statement(
        source=source,
        format=FORMAT,
        account=account,
        currency=currency,
        lines=tuple(lines),
        closing=closing,
        notes=notes,
    )


def _account(account_el: ET.Element | None) -> str:
    """ACCTID, as an IBAN when it is one or when BANKID/BRANCHID/ACCTID form a French RIB."""
    acctid = _text(account_el, "ACCTID")
    normalised = normalise_account(acctid)
    if is_iban(normalised) or not acctid:
        return normalised
    bank, branch = _text(account_el, "BANKID"), _text(account_el, "BRANCHID")
    key = _text(account_el, "ACCTKEY")
    if len(bank) == 5 and len(branch) == 5 and len(acctid) == 11:
        iban = rib_to_iban(bank, branch, acctid, key or None)
        if iban:
            return iban
    return normalised


def _line(trn: ET.Element, source: str, line: int | None) -> BankLine:
    """One STMTTRN as a BankLine."""
    posted = _text(trn, "DTPOSTED") or _text(trn, "DTUSER")
    if not posted:
        raise StatementError(source, "opération sans date (<DTPOSTED> absent).", line)
    amount_text = _text(trn, "TRNAMT")
    if not amount_text:
        raise StatementError(source, "opération sans montant (<TRNAMT> absent).", line)
    amount: Decimal = decimal_amount(amount_text, source, line)
    avail = _text(trn, "DTAVAIL")
    name = _text(trn, "NAME") or _text(trn, "PAYEE/NAME")
    label = join_unique(name, _text(trn, "MEMO")) or collapse(_text(trn, "TRNTYPE"))
    if _text(trn, "CHECKNUM") and _text(trn, "CHECKNUM") not in label:
        label = f"{label} n° {_text(trn, 'CHECKNUM')}"
    return BankLine(
        date=ymd_date(posted, source, line),
        label=label,
        amount=amount,
        bank_ref=_text(trn, "FITID"),
        value_date=ymd_date(avail, source, line, "date de valeur") if avail else None,
        counterparty=collapse(_text(trn, "PAYEE/NAME")),
        source_line=line or 0,
    )
