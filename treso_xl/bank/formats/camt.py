"""CAMT.053 (ISO 20022 bank-to-customer statement) read with lxml, DTDs and entities refused."""

from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import Decimal

from lxml import etree

from treso_xl.bank.formats.common import (
    decimal_amount,
    join_unique,
    normalise_account,
    ymd_date,
)
from treso_xl.bank.statement import Balance, BankLine, Statement, StatementError
from treso_xl.french import count

FORMAT = "CAMT.053"

_NAMESPACE = re.compile(r"urn:iso:std:iso:20022:tech:xsd:camt\.(\d{3})\.001\.(\d{2})")
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_LABEL_MAX = 500


def looks_like_camt(head: bytes) -> bool:
    """True when the first bytes of a file are an ISO 20022 camt document."""
    return b"urn:iso:std:iso:20022:tech:xsd:camt." in head[:8192] or (
        b"<BkToCstmrStmt" in head[:8192]
    )


def _refuse_declarations(source: str) -> StatementError:
    return StatementError(
        source,
        "ce fichier XML contient une déclaration DOCTYPE ou ENTITY, qu'un relevé CAMT n'a "
        "jamais\u00a0: il est refusé par sécurité (expansion d'entités ou référence à un "
        "fichier extérieur). Téléchargez de nouveau le relevé depuis votre banque.",
    )


def safe_tree(data: bytes, source: str) -> etree._Element:
    """The XML root element, parsed with every external access and entity expansion off."""
    if _DECLARATION.search(data):
        raise _refuse_declarations(source)
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        line = error.lineno if getattr(error, "lineno", None) else None
        message = error.msg or str(error)
        if "Document is empty" in message or not data.strip():
            problem = "le fichier XML est vide."
        elif "Premature end" in message or "EndTag" in message or "not finished" in message:
            problem = "le fichier XML s'arrête au milieu d'une balise\u00a0: il semble tronqué."
        else:
            problem = f"XML mal formé ({message})."
        raise StatementError(source, problem, line) from None
    except (ValueError, etree.LxmlError) as error:
        raise StatementError(source, f"XML illisible ({error}).") from None
    tree = root.getroottree()
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        raise _refuse_declarations(source)
    for element in root.iter():
        if isinstance(element, etree._Entity):
            raise _refuse_declarations(source)
    return root


def parse_camt(data: bytes, source: str) -> list[Statement]:
    """Every statement (Stmt) of a CAMT.053 file, in file order."""
    root = safe_tree(data, source)
    namespace = etree.QName(root).namespace or ""
    found = _NAMESPACE.fullmatch(namespace)
    if found is None:
        raise StatementError(
            source,
            "ce fichier XML n'est pas un relevé CAMT.053 (espace de noms "
            f"{namespace or 'absent'}).",
        )
    message, version = found.group(1), int(found.group(2))
    if message != "053":
        kind = {"052": "un relevé intrajournalier (CAMT.052)",
                "054": "un avis de débit ou de crédit (CAMT.054)"}.get(
            message, f"un message CAMT.{message}")
        raise StatementError(
            source,
            f"ce fichier est {kind}, pas un relevé de compte\u00a0: "
            "téléchargez le relevé CAMT.053 depuis votre banque.",
        )
    if version < 2:
        raise StatementError(source, f"version CAMT.053.001.{version:02d} non prise en charge.")
    ns = {"c": namespace}
    statements = [_statement(stmt, ns, source) for stmt in root.iterfind("c:BkToCstmrStmt/c:Stmt",
                                                                            ns)]
    if not statements:
        raise StatementError(source, "ce fichier CAMT.053 ne contient aucun relevé (Stmt).")
    return statements


@functools.lru_cache(maxsize=256)
def _clark(path: str, namespace: str) -> str:
    """"c:A/c:B" in Clark notation ("{ns}A/{ns}B"), which lxml finds fastest."""
    return path.replace("c:", f"{{{namespace}}}")


def _text(element, path: str, ns: dict[str, str]) -> str:
    """Stripped text at `path` (prefix c:), "" when absent."""
    if element is None:
        return ""
    text = element.findtext(_clark(path, ns["c"]))
    return text.strip() if text else ""


def _signed(element, ns: dict[str, str], source: str) -> Decimal:
    """Amt signed by CdtDbtInd (DBIT negative)."""
    line = element.sourceline
    amount = decimal_amount(_text(element, "c:Amt", ns), source, line)
    indicator = _text(element, "c:CdtDbtInd", ns).upper()
    if indicator not in ("CRDT", "DBIT"):
        raise StatementError(source, "sens (CdtDbtInd) absent ou inconnu.", line)
    return -amount if indicator == "DBIT" else amount


def _date(element, path: str, ns: dict[str, str], source: str, what: str):
    """The date at path/Dt or path/DtTm, None when absent."""
    text = _text(element, f"{path}/c:Dt", ns) or _text(element, f"{path}/c:DtTm", ns)
    if not text:
        return None
    return ymd_date(text, source, element.sourceline, what)


def _statement(stmt, ns: dict[str, str], source: str) -> Statement:
    """One Stmt as a Statement."""
    account = _text(stmt, "c:Acct/c:Id/c:IBAN", ns) or _text(stmt, "c:Acct/c:Id/c:Othr/c:Id", ns)
    currency = _text(stmt, "c:Acct/c:Ccy", ns)
    opening = closing = None
    previous_closing = None
    for bal in stmt.iterfind("c:Bal", ns):
        code = _text(bal, "c:Tp/c:CdOrPrtry/c:Cd", ns).upper()
        if code not in ("OPBD", "PRCD", "CLBD"):
            continue
        amount_el = bal.find("c:Amt", ns)
        if not currency and amount_el is not None:
            currency = amount_el.get("Ccy", "")
        when = _date(bal, "c:Dt", ns, source, "date du solde")
        if when is None:
            raise StatementError(source, f"solde {code} sans date.", bal.sourceline)
        balance = Balance(date=when, amount=_signed(bal, ns, source))
        if code == "OPBD":
            # booked at the start of its date: as a Balance, the end of the day before
            opening = Balance(date=when - dt.timedelta(days=1), amount=balance.amount)
        elif code == "PRCD":
            previous_closing = balance
        else:
            closing = balance
    lines: list[BankLine] = []
    skipped = 0
    for entry in stmt.iterfind("c:Ntry", ns):
        status = (_text(entry, "c:Sts", ns) or _text(entry, "c:Sts/c:Cd", ns)).upper()
        if status and status != "BOOK":
            skipped += 1
            continue
        lines.append(_line(entry, ns, source))
    notes: list[str] = []
    if skipped:
        notes.append(
            count(skipped, "opération non comptabilisée ignorée", "opérations non comptabilisées "
                  "ignorées") + " (statut autre que BOOK)."
        )
    return Statement(
        source=source,
        format=FORMAT,
        account=normalise_account(account),
        currency=(currency or "EUR").upper(),
        lines=tuple(lines),
        opening=opening or previous_closing,
        closing=closing,
        notes=tuple(notes),
    )


def _line(entry, ns: dict[str, str], source: str) -> BankLine:
    """One Ntry as one booked BankLine (a batch stays one line: the amount the bank booked)."""
    line = entry.sourceline
    amount = _signed(entry, ns, source)
    booked = _date(entry, "c:BookgDt", ns, source, "date de comptabilisation")
    value = _date(entry, "c:ValDt", ns, source, "date de valeur")
    if booked is None and value is None:
        raise StatementError(source, "opération sans date (BookgDt et ValDt absents).", line)
    details = entry.findall("c:NtryDtls/c:TxDtls", ns)
    party_role = "Dbtr" if amount >= 0 else "Cdtr"
    names: list[str] = []
    remittances: list[str] = []
    for tx in details:
        for ustrd in tx.iterfind("c:RmtInf/c:Ustrd", ns):
            remittances.append(ustrd.text or "")
        name = (_text(tx, f"c:RltdPties/c:{party_role}/c:Nm", ns)
                or _text(tx, f"c:RltdPties/c:{party_role}/c:Pty/c:Nm", ns)
                or _text(tx, f"c:RltdPties/c:Ultmt{party_role}/c:Nm", ns))
        if name:
            names.append(name)
    extra = _text(entry, "c:AddtlNtryInf", ns)
    counterparty = names[0] if len(set(names)) == 1 else ""
    if len(details) > 1:
        label = join_unique(extra or f"Remise de {len(details)} opérations", *remittances[:3])
    else:
        label = join_unique(extra, *remittances, counterparty)
    if not label:
        label = _text(entry, "c:BkTxCd/c:Prtry/c:Cd", ns) or "Opération sans libellé"
    ref = _text(entry, "c:AcctSvcrRef", ns) or _text(entry, "c:NtryRef", ns)
    if not ref and len(details) == 1:
        ref = _text(details[0], "c:Refs/c:AcctSvcrRef", ns)
    return BankLine(
        date=booked or value,
        label=label[:_LABEL_MAX],
        amount=amount,
        bank_ref=ref,
        value_date=value,
        counterparty=counterparty,
        source_line=line or 0,
    )
