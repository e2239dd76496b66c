"""Statement parsers: each format on own French samples and on other projects' test files."""

from __future__ import annotations

import datetime as dt
import os
import time
from decimal import Decimal
from pathlib import Path

import pytest
from stdnum import iban as stdnum_iban

from treso_xl.bank import detect
from treso_xl.bank.detect import parse_statement_bytes, read_statement_file
from treso_xl.bank.formats.camt import parse_camt
from treso_xl.bank.formats.cfonb import parse_cfonb
from treso_xl.bank.formats.mt940 import parse_mt940
from treso_xl.bank.formats.ofx import parse_ofx
from treso_xl.bank.formats.qif import parse_qif
from treso_xl.bank.formats.rib import rib_key, rib_to_iban
from treso_xl.bank.statement import Statement, StatementError

DATA = Path(__file__).parent / "data" / "bank"
NOT_STATEMENTS = {"LICENSE", "COPYING", "SOURCES.md"}
ALL_FILES = sorted(
    p for p in DATA.rglob("*") if p.is_file() and p.name not in NOT_STATEMENTS
)
D = Decimal


def _id(path: Path) -> str:
    return str(path.relative_to(DATA))


def _only(statements: list[Statement]) -> Statement:
    assert len(statements) == 1
    return statements[0]


# --- every file written by others or by us: statements or a French StatementError ---------------


def _check_statements(statements: list[Statement]) -> None:
    assert statements
    for statement in statements:
        assert isinstance(statement, Statement)
        for line in statement.lines:
            assert isinstance(line.amount, Decimal) and line.amount.is_finite()
            assert isinstance(line.date, dt.date)
            assert line.label.strip()


@pytest.mark.parametrize("path", ALL_FILES, ids=_id)
def test_every_fixture_parses_or_says_why_in_french(path: Path) -> None:
    try:
        statements = read_statement_file(path)
    except StatementError as error:
        message = str(error)
        assert message.startswith(f"Relevé {path.name},")
        assert "Traceback" not in message
        return
    _check_statements(statements)


@pytest.mark.parametrize(
    "path", [p for p in ALL_FILES if "csv" not in p.parts], ids=_id
)
def test_every_fixture_cut_short_parses_or_says_why(path: Path, tmp_path: Path) -> None:
    data = path.read_bytes()
    for fraction in (0.35, 0.6, 0.9):
        cut = tmp_path / f"{fraction}_{path.name}"
        cut.write_bytes(data[: int(len(data) * fraction)])
        try:
            statements = read_statement_file(cut)
        except StatementError as error:
            assert str(error).startswith(f"Relevé {cut.name},")
            continue
        _check_statements(statements)


FOREIGN_PARSED = [
    "ofx/ofxtools/stmtrs.ofx",
    "ofx/ofxtools/stmtrs_euro.ofx",
    "ofx/ofxtools/br_nubank_cc.ofx",
    "ofx/oca/test_ofx.ofx",
    "ofx/oca/test_ofx_iban.ofx",
    "camt/oca/test-camt053.xml",
    "camt/oca/test-camt053-txdtls.xml",
    "camt/oca/test-camt053-no-ntry.xml",
    "qif/oca/test_qif.qif",
    "qif/gnucash/cbb-export.qif",
    "qif/gnucash/Money95bank_fr.qif",
    "mt940/wolph/jejik/abnamro.sta",
    "mt940/wolph/jejik/ing.sta",
    "mt940/wolph/jejik/rabobank-iban.sta",
    "mt940/wolph/betterplace/sepa_mt9401.sta",
    "mt940/wolph/cmxl/mt940.sta",
    "mt940/wolph/mBank/mt940.sta",
]


@pytest.mark.parametrize("name", FOREIGN_PARSED)
def test_real_statements_of_other_projects_parse(name: str) -> None:
    statements = read_statement_file(DATA / name)
    _check_statements(statements)


FOREIGN_REFUSED = {
    "ofx/oca/test_ofx_wrong.ofx": "ligne 27 du fichier",
    "ofx/ofxtools/invstmtrs.ofx": "relevé de titres",
    "ofx/ofxtools/profrs.ofx": "aucun relevé de compte",
    "camt/oca/test-camt054.xml": "CAMT.054",
    "mt940/wolph/ASNB/mt940.txt": "ligne 6 du fichier",
}


@pytest.mark.parametrize("name", sorted(FOREIGN_REFUSED))
def test_files_that_are_not_statements_or_broken_get_a_clear_message(name: str) -> None:
    with pytest.raises(StatementError) as caught:
        read_statement_file(DATA / name)
    assert FOREIGN_REFUSED[name] in str(caught.value)
    assert Path(name).name in str(caught.value)


# --- OFX ----------------------------------------------------------------------------------------


def test_french_sgml_ofx_cp1252_comma_decimals_missing_closing_tag() -> None:
    bank, card = read_statement_file(DATA / "ofx/fr/releve_sg_janvier_2026.ofx")
    assert bank.format == "OFX"
    # BANKID 30003, BRANCHID 01234, ACCTID 00050012345: RIB key computed, IBAN rebuilt
    assert bank.account == "FR7630003012340005001234509"
    assert stdnum_iban.is_valid(bank.account)
    assert bank.currency == "EUR"
    assert [line.amount for line in bank.lines] == [
        D("-842.00"), D("1800.00"), D("-63.48"), D("-312.00"), D("-650.00"), D("-9.90")]
    assert sum(line.amount for line in bank.lines) == D("-77.38")
    assert [line.bank_ref for line in bank.lines][:2] == ["0D2A0000001", "0D2A0000002"]
    urssaf, acme, card_payment, dgfip = bank.lines[:4]
    assert urssaf.label == "PRLV SEPA URSSAF ILE DE FRANC COTISATIONS DÉCEMBRE 2025"
    assert dgfip.label == "PRLV SEPA DGFIP IMPÔT CFE 2025"  # Windows-1252 Ô
    assert acme.date == dt.date(2026, 1, 5)  # 20260105120000[+1:CET]: the bank's own day
    assert acme.label == "VIR SEPA RECU /DE ACME SARL /MOTIF FACTURE F2026-014"
    assert card_payment.value_date == dt.date(2026, 1, 7)
    assert bank.lines[-1].label == "FRAIS TENUE DE COMPTE"  # its </STMTTRN> is missing
    assert bank.lines[0].source_line == 18
    assert bank.closing is not None
    assert (bank.closing.date, bank.closing.amount) == (dt.date(2026, 1, 31), D("5338.99"))
    assert card.account == "4970XXXXXXXX1234"
    assert [(line.amount, line.bank_ref) for line in card.lines] == [(D("-129.00"), "CB260120001")]
    assert card.closing.amount == D("-129.00")
    assert any("carte" in note for note in card.notes)


def test_ofxtools_euro_sample_reads_comma_amounts_and_ledger_balance() -> None:
    statement = _only(read_statement_file(DATA / "ofx/ofxtools/stmtrs_euro.ofx"))
    assert statement.account == "999988"
    assert statement.currency == "USD"
    assert [(ln.date, ln.amount, ln.bank_ref) for ln in statement.lines] == [
        (dt.date(2005, 10, 4), D("-200.00"), "00002"),
        (dt.date(2005, 10, 20), D("-300.00"), "00003"),
    ]
    assert statement.lines[0].label == "CHECK n° 1000"
    assert (statement.closing.date, statement.closing.amount) == (dt.date(2005, 10, 29),
                                                                  D("200.29"))


def test_oca_ofx_with_iban_and_a_second_card_statement() -> None:
    bank, card = read_statement_file(DATA / "ofx/oca/test_ofx_iban.ofx")
    assert bank.account == "FR7630001007941234567890185"
    assert len(bank.lines) == 4
    assert bank.lines[0].label == "Agrolait" and bank.lines[0].amount == D("-80")
    assert card.account == "123412341234" and card.lines == ()


def test_malformed_ofx_names_file_and_line() -> None:
    with pytest.raises(StatementError) as caught:
        read_statement_file(DATA / "ofx/oca/test_ofx_wrong.ofx")
    error = caught.value
    assert error.source == "test_ofx_wrong.ofx"
    assert error.line == 27  # « </BANKACCTFROM> --> »
    assert "« --> »" in str(error).replace("\u00a0", " ")


def test_ofx_transaction_without_amount_names_its_line() -> None:
    text = (DATA / "ofx/fr/releve_sg_janvier_2026.ofx").read_bytes()
    broken = text.replace(b"<TRNAMT>-63,48", b"")
    with pytest.raises(StatementError) as caught:
        parse_ofx(broken, "x.ofx")
    assert caught.value.line == 20
    assert "TRNAMT" in str(caught.value)


def test_truncated_ofx_is_said_truncated() -> None:
    text = (DATA / "ofx/fr/releve_sg_janvier_2026.ofx").read_bytes()
    with pytest.raises(StatementError) as caught:
        parse_ofx(text[: text.index(b"<LEDGERBAL>")], "x.ofx")
    assert "tronqué" in str(caught.value)


# --- CAMT.053 -----------------------------------------------------------------------------------


def test_french_camt053_entries_balances_batch_and_pending() -> None:
    statement = _only(read_statement_file(DATA / "camt/fr/releve_cm_fevrier_2026.xml"))
    assert statement.format == "CAMT.053"
    assert statement.account == "FR7610278060000001234560112"
    # OPBD booked on 1 February: the balance at the end of 31 January
    assert (statement.opening.date, statement.opening.amount) == (dt.date(2026, 1, 31),
                                                                  D("5338.99"))
    assert (statement.closing.date, statement.closing.amount) == (dt.date(2026, 2, 28),
                                                                  D("8228.99"))
    beta, urssaf, cheques, fee = statement.lines
    assert (beta.date, beta.value_date, beta.amount) == (
        dt.date(2026, 2, 3), dt.date(2026, 2, 4), D("2400.00"))
    assert beta.label == "VIR SEPA RECU /DE BETA CONSEIL FACTURE F2026-009"
    assert beta.counterparty == "BETA CONSEIL"
    assert beta.bank_ref == "2026020300001"
    assert urssaf.amount == D("-842.00")
    assert urssaf.bank_ref == "PRLV0205"  # no AcctSvcrRef: NtryRef
    assert urssaf.counterparty == "URSSAF ILE DE FRANCE"
    assert (cheques.amount, cheques.label) == (D("1350.00"), "REMISE CHEQUES N 0004512")
    assert fee.amount == D("-18.00")
    assert statement.opening.amount + sum(ln.amount for ln in statement.lines) == (
        statement.closing.amount)
    assert any("BOOK" in note for note in statement.notes)  # the pending 99.00 left out
    assert beta.source_line == 37


@pytest.mark.parametrize("version", ["02", "03", "04", "05", "06", "07", "08", "10"])
def test_camt053_versions(version: str) -> None:
    data = (DATA / "camt/fr/releve_cm_fevrier_2026.xml").read_bytes()
    data = data.replace(b"camt.053.001.08", f"camt.053.001.{version}".encode())
    if version < "08":  # older versions write <Sts>BOOK</Sts>
        data = data.replace(b"<Sts><Cd>BOOK</Cd></Sts>", b"<Sts>BOOK</Sts>")
        data = data.replace(b"<Sts><Cd>PDNG</Cd></Sts>", b"<Sts>PDNG</Sts>")
    statement = _only(parse_camt(data, "v.xml"))
    assert [ln.amount for ln in statement.lines] == [
        D("2400.00"), D("-842.00"), D("1350.00"), D("-18.00")]


def test_oca_camt053() -> None:
    statement = _only(read_statement_file(DATA / "camt/oca/test-camt053.xml"))
    assert statement.account == "NL77ABNA0574908765"
    assert [ln.amount for ln in statement.lines] == [D("-754.25"), D("-664.05"), D("1405.31")]
    assert statement.closing.amount == D("15121.12")
    assert statement.lines[0].label.startswith("Insurance policy 857239")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt>
<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2026-01-01</Dt></BookgDt>
<AddtlNtryInf>&lol9;</AddtlNtryInf></Ntry></Stmt></BkToCstmrStmt></Document>
"""


def test_xml_bomb_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "bombe.xml"
    path.write_bytes(BILLION_LAUGHS)
    started = time.monotonic()
    with pytest.raises(StatementError) as caught:
        read_statement_file(path)
    assert time.monotonic() - started < 2
    assert "DOCTYPE" in str(caught.value) and "bombe.xml" in str(caught.value)


def _xxe(target: Path) -> str:
    return f"""<?xml version="1.0" encoding="UTF-16"?>
<!DOCTYPE Document [ <!ENTITY secret SYSTEM "file://{target}"> ]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt>
<Acct><Id><IBAN>FR7630004001230001001234537</IBAN></Id></Acct>
<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2026-01-01</Dt></BookgDt>
<AddtlNtryInf>&secret;</AddtlNtryInf></Ntry></Stmt></BkToCstmrStmt></Document>
"""


def _atime_watch(path: Path) -> float:
    """Set the file's access time before its modification time (relatime then updates it)."""
    stat = path.stat()
    os.utime(path, (stat.st_mtime - 1000, stat.st_mtime))
    return path.stat().st_atime


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_external_entity_is_refused_and_the_file_never_read(
    tmp_path: Path, encoding: str
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("MOT-DE-PASSE-SECRET\n")
    # calibrate: on this file system a read does move the access time
    probe = tmp_path / "probe.txt"
    probe.write_text("x")
    probe_before = _atime_watch(probe)
    probe.read_text()
    atime_works = probe.stat().st_atime != probe_before
    before = _atime_watch(secret)
    text = _xxe(secret)
    if encoding == "utf-8":
        text = text.replace('encoding="UTF-16"', 'encoding="UTF-8"')
    statement_file = tmp_path / "xxe.xml"
    # UTF-16 hides the DOCTYPE from a byte search: the parsed document's DTD is refused too
    statement_file.write_bytes(text.encode(encoding))
    with pytest.raises(StatementError) as caught:
        read_statement_file(statement_file)
    assert "DOCTYPE" in str(caught.value)
    assert "MOT-DE-PASSE" not in str(caught.value)
    if atime_works:
        assert secret.stat().st_atime == before


def test_passwd_external_entity_refused() -> None:
    data = _xxe(Path("/etc/passwd")).replace('encoding="UTF-16"', "").encode()
    with pytest.raises(StatementError) as caught:
        parse_camt(data, "passwd.xml")
    assert "root:" not in str(caught.value)


def test_truncated_camt_is_said_truncated_with_its_line() -> None:
    data = (DATA / "camt/fr/releve_cm_fevrier_2026.xml").read_bytes()
    with pytest.raises(StatementError) as caught:
        parse_camt(data[: len(data) // 2], "court.xml")
    assert caught.value.line
    assert "tronqué" in str(caught.value) or "mal formé" in str(caught.value)


def test_other_xml_is_not_a_camt_statement(tmp_path: Path) -> None:
    path = tmp_path / "autre.xml"
    path.write_bytes(b'<?xml version="1.0"?><facture xmlns="urn:x"><n>1</n></facture>')
    with pytest.raises(StatementError) as caught:
        read_statement_file(path)
    assert "CAMT.053" in str(caught.value)


# --- QIF ----------------------------------------------------------------------------------------


def test_french_qif_day_first_comma_decimals_bank_and_card() -> None:
    bank, card = read_statement_file(DATA / "qif/fr/export_gestion_2026.qif")
    assert bank.format == "QIF" and bank.account == ""
    assert [(ln.date, ln.amount) for ln in bank.lines] == [
        (dt.date(2026, 1, 2), D("-842.00")),
        (dt.date(2026, 1, 5), D("1800.00")),  # « 1 800,00 »
        (dt.date(2026, 1, 8), D("-63.48")),
        (dt.date(2026, 1, 12), D("-312.00")),
        (dt.date(2026, 1, 15), D("-650.00")),  # 15/01: the file is day first
        (dt.date(2026, 1, 31), D("-9.90")),
    ]
    assert bank.lines[1].label == "ACME SARL VIR SEPA RECU /MOTIF FACTURE F2026-014"
    assert bank.lines[1].counterparty == "ACME SARL"
    assert bank.lines[4].label == "SCI DES TILLEULS VIR PERMANENT LOYER BUREAU n° 0000457"
    assert not any("deviné" in note for note in bank.notes)
    assert [(ln.date, ln.amount) for ln in card.lines] == [(dt.date(2026, 1, 20), D("-129.00"))]
    assert any("carte" in note for note in card.notes)


def test_qif_with_only_ambiguous_dates_reads_day_first_and_says_so() -> None:
    statement = _only(read_statement_file(DATA / "qif/fr/dates_ambigues.qif"))
    assert [ln.date for ln in statement.lines] == [dt.date(2026, 2, 3), dt.date(2026, 2, 5)]
    assert any("deviné" in note for note in statement.notes)


def test_money95_french_qif_is_month_first_with_opening_balance_and_splits() -> None:
    statement = _only(read_statement_file(DATA / "qif/gnucash/Money95bank_fr.qif"))
    assert statement.opening == statement.opening.__class__(dt.date(1994, 12, 31), D("5762.36"))
    # D01/05/95 T-837.61 N6351 PMACIF MAssurance appartement/vie
    macif = statement.lines[2]
    assert (macif.date, macif.amount) == (dt.date(1995, 1, 5), D("-837.61"))
    assert macif.label == "MACIF Assurance appartement/vie n° 6351"
    # D01/03/95 T-500.00 with three split lines: the booked total only
    assert (statement.lines[1].date, statement.lines[1].amount) == (dt.date(1995, 1, 3),
                                                                    D("-500.00"))
    # D01/17/95: the second field above 12 makes the whole file month first
    assert statement.lines[7].date == dt.date(1995, 1, 17)
    last = statement.lines[-1]
    assert (last.date, last.amount) == (dt.date(1995, 12, 31), D("-97.63"))
    assert last.label.startswith("Crédit Mutuel Agios pour découvert")


def test_oca_qif_us_dates_and_thousands_comma() -> None:
    statement = _only(read_statement_file(DATA / "qif/oca/test_qif.qif"))
    assert [(ln.date, ln.amount) for ln in statement.lines][:2] == [
        (dt.date(2013, 8, 12), D("-1000.00")), (dt.date(2013, 8, 15), D("-75.46"))]


def test_qif_with_both_date_orders_is_refused() -> None:
    data = b"!Type:Bank\nD15/01/2026\nT-1,00\nPA\n^\nD01/20/2026\nT-2,00\nPB\n^\n"
    with pytest.raises(StatementError) as caught:
        parse_qif(data, "x.qif")
    assert caught.value.line == 6


def test_qif_record_without_amount_names_its_line() -> None:
    with pytest.raises(StatementError) as caught:
        parse_qif(b"!Type:Bank\nD15/01/2026\nT-1,00\n^\nD16/01/2026\nPSANS MONTANT\n^\n", "x.qif")
    assert caught.value.line == 5


# --- MT940 --------------------------------------------------------------------------------------


def test_french_mt940_two_statements_subfields_and_references() -> None:
    january, february = read_statement_file(DATA / "mt940/fr/releve_lcl_2026.sta")
    assert january.format == "MT940"
    assert january.account == "FR7030002005500000157845Z02"
    assert (january.opening.date, january.opening.amount) == (dt.date(2025, 12, 31),
                                                              D("3120.45"))
    assert (january.closing.date, january.closing.amount) == (dt.date(2026, 1, 31), D("4005.07"))
    acme, urssaf, card, fees = january.lines
    assert acme.label == "VIR SEPA RECU /DE ACME SARL /MOTIF FACTURE F2026-014 /REF ACME-8841"
    assert (acme.amount, acme.bank_ref) == (D("1800.00"), "RB0105778812")
    assert urssaf.label.startswith("PRLV SEPA URSSAF ILE DE FRANCE COTISATIONS DECEMBRE 2025")
    assert urssaf.counterparty == "URSSAF ILE DE FRANCE"
    assert urssaf.amount == D("-842.00")
    # :61:2601080107: value date 8 January, booked 7 January, no //bank reference
    assert (card.date, card.value_date, card.bank_ref) == (
        dt.date(2026, 1, 7), dt.date(2026, 1, 8), "")
    assert fees.amount == D("-9.90")
    assert january.opening.amount + sum(ln.amount for ln in january.lines) == (
        january.closing.amount)
    assert acme.source_line == 6
    # :62M: an intermediate closing balance
    assert (february.closing.date, february.closing.amount) == (dt.date(2026, 2, 28),
                                                                D("3043.07"))
    assert [ln.amount for ln in february.lines] == [D("-312.00"), D("-650.00")]


def test_mt940_of_another_project() -> None:
    statement = _only(read_statement_file(DATA / "mt940/wolph/jejik/ing.sta"))
    assert statement.account == "0001234567"
    assert statement.lines[0].amount == D("-25.03")
    assert statement.lines[0].label.startswith("RC AFREKENING BETALINGSVERKEER")
    assert (statement.closing.date, statement.closing.amount) == (dt.date(2010, 7, 23), D("3.47"))


def test_mt940_line_the_library_rejects_is_named() -> None:
    with pytest.raises(StatementError) as caught:
        read_statement_file(DATA / "mt940/wolph/ASNB/mt940.txt")
    assert caught.value.line == 6
    assert "Traceback" not in str(caught.value) and "object at" not in str(caught.value)


# --- CFONB 120 ----------------------------------------------------------------------------------


def test_cfonb_statement_with_complements_and_rebuilt_iban() -> None:
    statement = _only(read_statement_file(DATA / "cfonb/releve_pro_janvier_2026.txt"))
    assert statement.format == "CFONB 120"
    assert statement.account == "FR7630004001230001001234537"
    assert (statement.opening.date, statement.opening.amount) == (dt.date(2025, 12, 31),
                                                                  D("4215.37"))
    assert (statement.closing.date, statement.closing.amount) == (dt.date(2026, 1, 31),
                                                                  D("6537.99"))
    assert [ln.amount for ln in statement.lines] == [
        D("-842.00"), D("1800.00"), D("-63.48"), D("-312.00"), D("-650.00"), D("2400.00"),
        D("-9.90")]
    acme = statement.lines[1]
    assert acme.label == "VIR SEPA RECU /DE ACME SARL /MOTIF FACTURE F2026-014 /REF ACME-8841"
    # the entry number (82-88) is no reliable id: no bank_ref
    assert (acme.date, acme.source_line, acme.bank_ref) == (dt.date(2026, 1, 5), 5, "")
    assert statement.lines[0].label.startswith(
        "PRLV SEPA URSSAF ILE DE FRANCE /MOTIF COTISATIONS MICRO-ENTREPRENEUR")
    assert statement.lines[5].value_date == dt.date(2026, 1, 21)
    assert statement.opening.amount + sum(ln.amount for ln in statement.lines) == (
        statement.closing.amount)
    assert any("RIB" in note for note in statement.notes)


def test_cfonb_without_line_breaks_is_cut_every_120_characters() -> None:
    data = (DATA / "cfonb/releve_sans_retour_ligne.txt").read_bytes()
    assert b"\n" not in data and len(data) == 5 * 120
    statement = _only(read_statement_file(DATA / "cfonb/releve_sans_retour_ligne.txt"))
    assert [ln.amount for ln in statement.lines] == [D("-6200.00"), D("-18.00")]
    assert statement.closing.amount == D("319.99")


def _record(code: str, amount_field: str, decimals: str = "2") -> str:
    record = (f"{code}30004    00123EUR{decimals} 00010012345  010226" + " " * 50
              + amount_field + " " * 16)
    assert len(record) == 120
    return record


@pytest.mark.parametrize(
    ("field", "decimals", "expected"),
    [
        ("0000000001234{", "2", D("123.40")),
        ("0000000001234}", "2", D("-123.40")),
        ("0000000001234A", "2", D("123.41")),
        ("0000000001234R", "2", D("-123.49")),
        ("0000000001234J", "0", D("-12341")),
        ("0000000001234I", "3", D("12.349")),
    ],
)
def test_cfonb_amount_sign_characters(field: str, decimals: str, expected: Decimal) -> None:
    text = _record("01", field, decimals) + "\n" + _record("07", field, decimals) + "\n"
    statement = _only(parse_cfonb(text.encode(), "s.txt"))
    assert statement.opening.amount == expected == statement.closing.amount


def test_cfonb_bad_record_names_its_line() -> None:
    lines = (DATA / "cfonb/releve_pro_janvier_2026.txt").read_text().splitlines()
    lines[2] = "09" + lines[2][2:]
    with pytest.raises(StatementError) as caught:
        parse_cfonb("\r\n".join(lines).encode(), "r.txt")
    assert caught.value.line == 3 and "09" in str(caught.value)
    lines = (DATA / "cfonb/releve_pro_janvier_2026.txt").read_text().splitlines()
    lines[4] = lines[4][:90] + "00000000XX000}" + lines[4][104:]  # a 04 movement
    with pytest.raises(StatementError) as caught:
        parse_cfonb("\n".join(lines).encode(), "r.txt")
    assert caught.value.line == 5 and "montant" in str(caught.value)


def test_cfonb_without_new_balance_is_said_truncated() -> None:
    lines = (DATA / "cfonb/releve_pro_janvier_2026.txt").read_text().splitlines()
    with pytest.raises(StatementError) as caught:
        parse_cfonb("\n".join(lines[:-1]).encode(), "r.txt")
    assert "tronqué" in str(caught.value)


def test_rib_key_and_iban() -> None:
    assert rib_key("30006", "00001", "12345678901") == "89"
    assert rib_to_iban("30006", "00001", "12345678901") == "FR7630006000011234567890189"
    # letters of the account number count by the RIB table (La Banque Postale's example)
    assert rib_to_iban("20041", "01005", "0500013M026", "06") == "FR1420041010050500013M02606"
    assert rib_to_iban("2004", "01005", "0500013M026") == ""


# --- detection and file errors ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("ofx/fr/releve_sg_janvier_2026.ofx", "OFX"),
        ("ofx/ofxtools/stmtrs.ofx", "OFX"),
        ("camt/fr/releve_cm_fevrier_2026.xml", "CAMT.053"),
        ("qif/fr/export_gestion_2026.qif", "QIF"),
        ("mt940/fr/releve_lcl_2026.sta", "MT940"),
        ("cfonb/releve_pro_janvier_2026.txt", "CFONB 120"),
        ("cfonb/releve_sans_retour_ligne.txt", "CFONB 120"),
    ],
)
def test_format_is_recognised_from_content_not_extension(
    name: str, kind: str, tmp_path: Path
) -> None:
    renamed = tmp_path / "telechargement.dat"
    renamed.write_bytes((DATA / name).read_bytes())
    statements = read_statement_file(renamed)
    assert {s.format for s in statements} == {kind}


def test_csv_goes_to_the_csv_reader(tmp_path: Path) -> None:
    pytest.importorskip("treso_xl.bank.formats.csv_bank")
    path = tmp_path / "releve.txt"
    path.write_bytes("Date;Libellé;Montant\n05/01/2026;VIR SEPA RECU /DE ACME SARL;1800,00\n"
                     .encode())
    statement = _only(read_statement_file(path))
    assert statement.format.startswith("CSV")
    assert [ln.amount for ln in statement.lines] == [D("1800.00")]


def test_empty_file(tmp_path: Path) -> None:
    for content in (b"", b"\r\n  \n"):
        path = tmp_path / "vide.ofx"
        path.write_bytes(content)
        with pytest.raises(StatementError) as caught:
            read_statement_file(path)
        assert "vide" in str(caught.value)


def test_unknown_content_lists_the_accepted_formats(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Bonjour\nCeci n'est pas un relevé\n")
    with pytest.raises(StatementError) as caught:
        read_statement_file(path)
    message = str(caught.value)
    for name in ("OFX", "CAMT.053", "CFONB 120", "MT940", "QIF", "CSV"):
        assert name in message
    garbage = tmp_path / "bruit.bin"
    garbage.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(StatementError, match="non reconnu"):
        read_statement_file(garbage)


def test_pdf_and_excel_files_are_named_for_what_they_are(tmp_path: Path) -> None:
    pdf = tmp_path / "releve.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    with pytest.raises(StatementError, match="PDF"):
        read_statement_file(pdf)
    xlsx = tmp_path / "releve.xlsx"
    xlsx.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(StatementError, match="CSV"):
        read_statement_file(xlsx)


def test_missing_file_folder_and_size_limit(tmp_path: Path) -> None:
    with pytest.raises(StatementError, match="introuvable"):
        read_statement_file(tmp_path / "absent.ofx")
    with pytest.raises(StatementError, match="dossier"):
        read_statement_file(tmp_path)
    huge = tmp_path / "enorme.csv"
    with huge.open("wb") as handle:  # sparse: no disk used
        handle.truncate(detect.MAX_BYTES + 1)
    with pytest.raises(StatementError, match="limite"):
        read_statement_file(huge)


def test_unreadable_file(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    path = tmp_path / "ferme.ofx"
    path.write_bytes(b"OFXHEADER:100")
    path.chmod(0)
    with pytest.raises(StatementError, match="refusée"):
        read_statement_file(path)


def test_bytes_entry_point() -> None:
    data = (DATA / "mt940/fr/releve_lcl_2026.sta").read_bytes()
    assert [s.format for s in parse_statement_bytes(data, "x")] == ["MT940", "MT940"]


def test_ofx_character_references_are_decoded() -> None:
    data = (DATA / "ofx/fr/releve_sg_janvier_2026.ofx").read_bytes()
    data = data.replace(b"<NAME>PRLV SEPA DGFIP", b"<NAME>PRLV SEPA DGFIP &amp; CO")
    bank, _card = parse_ofx(data, "x.ofx")
    assert bank.lines[3].label == "PRLV SEPA DGFIP & CO IMPÔT CFE 2025"


def test_cfonb_lines_padded_past_120_characters() -> None:
    lines = (DATA / "cfonb/releve_pro_janvier_2026.txt").read_text().splitlines()
    statement = _only(parse_cfonb("\n".join(ln + "    " for ln in lines).encode(), "p.txt"))
    assert statement.closing.amount == D("6537.99")


@pytest.mark.parametrize(
    ("field", "account"),
    [
        ("FR76 3000 4001 2300 0100 1234 537", "FR7630004001230001001234537"),
        ("FR7630004001230001001234537EUR", "FR7630004001230001001234537"),
        ("30004/00123/00010012345", "FR7630004001230001001234537"),
        ("10020030/1234567", "10020030/1234567"),
    ],
)
def test_mt940_account_field(field: str, account: str) -> None:
    data = (DATA / "mt940/fr/releve_lcl_2026.sta").read_bytes()
    data = data.replace(b"FR7030002005500000157845Z02", field.encode())
    assert {s.account for s in parse_mt940(data, "m.sta")} == {account}


def test_a_reference_repeated_within_a_statement_is_not_kept_as_an_id() -> None:
    data = (DATA / "ofx/fr/releve_sg_janvier_2026.ofx").read_bytes()
    data = data.replace(b"<FITID>0D2A0000003", b"<FITID>0D2A0000002")
    bank, _card = parse_statement_bytes(data, "x.ofx")
    assert [line.bank_ref for line in bank.lines][:4] == ["0D2A0000001", "", "", "0D2A0000004"]
    assert any("0D2A0000002" in note for note in bank.notes)
    # the foreign MT940 with « NONREF » customer references keeps its real bank references
    statement = read_statement_file(DATA / "mt940/fr/releve_lcl_2026.sta")[0]
    assert statement.lines[0].bank_ref == "RB0105778812"


def test_mt940_statement_information_after_the_closing_balance_is_no_label() -> None:
    statement = _only(read_statement_file(DATA / "mt940/wolph/jejik/ing.sta"))
    # :62F:C100723EUR3,47 is followed by « :86:D000004C00… », the statement's own summary
    assert statement.lines[-1].label == (
        "0111111111 Hr S Marechal ROSMALEN Hr S Marechal ROSMALEN "
        "Betaling transactiedatum: 22-07-2010")


def test_cfonb_recognised_without_currency_and_with_trimmed_spaces(tmp_path: Path) -> None:
    lines = (DATA / "cfonb/releve_pro_janvier_2026.txt").read_text().splitlines()
    lines = [(ln[:16] + "   " + ln[19:]).rstrip() for ln in lines]  # no currency, trimmed
    path = tmp_path / "releve.dat"
    path.write_text("\r\n".join(lines) + "\r\n")
    statement = _only(read_statement_file(path))
    assert statement.format == "CFONB 120"
    assert statement.currency == "EUR"
    assert statement.closing.amount == D("6537.99")


def test_ofx_line_numbers_skip_the_investment_statement_before_the_bank_one() -> None:
    invest = (DATA / "ofx/ofxtools/invstmtrs.ofx").read_bytes()
    bank = (DATA / "ofx/fr/releve_sg_janvier_2026.ofx").read_bytes().decode("cp1252")
    block = bank[bank.index("<BANKMSGSRSV1>"): bank.index("</BANKMSGSRSV1>") + 15]
    at = invest.index(b"</OFX>")
    data = invest[:at] + block.replace("\r\n", "\n").encode() + b"\n" + invest[at:]
    statement = _only(parse_ofx(data, "x.ofx"))
    # the bank block starts on line 188; its first <STMTTRN> is its 6th line
    assert statement.lines[0].source_line == 193
    assert statement.lines[0].amount == D("-842.00")
