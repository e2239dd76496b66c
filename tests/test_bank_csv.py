"""CSV bank statements: built-in banks' samples, the generic detector, traps, the user's mapping."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from treso_xl.bank.csv_mapping import (
    MAPPING_SHEET,
    MAPPING_TEMPLATE_ROWS,
    CsvMapping,
    mapping_from_rows,
)
from treso_xl.bank.formats.csv_bank import decode, parse_amount, parse_csv, parse_date
from treso_xl.bank.statement import Balance, Statement, StatementError
from treso_xl.errors import DataError

DATA = Path(__file__).parent / "data" / "bank" / "csv"
NBSP, NNBSP = "\u00a0", "\u202f"


def parse(name: str, mapping: CsvMapping | None = None) -> list[Statement]:
    return parse_csv((DATA / name).read_bytes(), name, mapping)


def only(name: str, mapping: CsvMapping | None = None) -> Statement:
    statements = parse(name, mapping)
    assert len(statements) == 1
    return statements[0]


def credits(statement: Statement) -> Decimal:
    return sum((x.amount for x in statement.lines if x.amount > 0), Decimal(0))


def debits(statement: Statement) -> Decimal:
    return sum((-x.amount for x in statement.lines if x.amount < 0), Decimal(0))


# Expectations computed from the rows the samples were written from, not by the parser.
BANKS = [
    # file, format, account, count, credits, debits, first, last, an accented label (part)
    ("qonto.csv", "CSV Qonto", "", 11, "5210.00", "2516.69", "2026-03-02", "2026-03-30",
     "Café de la Gare"),
    ("shine.csv", "CSV Shine", "", 12, "5480.50", "1470.65", "2026-02-02", "2026-02-27",
     "CB Boulangerie Pâtisserie Léon"),
    ("bnp_paribas.csv", "CSV BNP Paribas", "00012345678", 13, "6215.00", "2111.21",
     "2026-03-02", "2026-03-31", "REMISE CHEQUES N°0004512"),
    ("societe_generale.csv", "CSV Société Générale", "00050123456", 13, "5465.80", "3271.76",
     "2026-03-02", "2026-03-31", "LE BISTROT DU GÉANT"),
    ("credit_agricole.csv", "CSV Crédit Agricole", "98765432109", 14, "4740.40", "1611.20",
     "2026-03-02", "2026-03-30", "CARTE X3421 11/03 CRÊPERIE DU PORT BREST"),
    ("la_banque_postale.csv", "CSV La Banque Postale", "0123456X020", 13, "4415.80", "1461.59",
     "2026-03-03", "2026-03-31", "VIREMENT DE MME LÉA FONTAINE"),
    ("boursobank.csv", "CSV BoursoBank", "00012345678", 12, "4680.00", "1495.58", "2026-03-02",
     "2026-03-31", "VIR SEPA LES ÉDITIONS DU CANAL FACTURE F2026-025"),
    ("credit_mutuel.csv", "CSV Crédit Mutuel / CIC", "", 14, "5495.60", "2493.09", "2026-03-02",
     "2026-03-31", "STRASBOURG BRICOMARCHÉ"),
]


@pytest.mark.parametrize(
    ("name", "fmt", "account", "count", "total_in", "total_out", "first", "last", "accented"),
    BANKS,
    ids=[b[0] for b in BANKS],
)
def test_bank_sample_parses(name, fmt, account, count, total_in, total_out, first, last,
                            accented):
    statement = only(name)
    assert statement.format == fmt
    assert statement.account == account
    assert statement.currency == "EUR"
    assert len(statement.lines) == count
    assert credits(statement) == Decimal(total_in)
    assert debits(statement) == Decimal(total_out)
    assert min(x.date for x in statement.lines) == dt.date.fromisoformat(first)
    assert max(x.date for x in statement.lines) == dt.date.fromisoformat(last)
    assert any(accented in x.label for x in statement.lines), [x.label for x in statement.lines]
    assert all(isinstance(x.amount, Decimal) for x in statement.lines)
    assert not any("Ã" in x.label or "\ufffd" in x.label for x in statement.lines)


def test_samples_keep_their_real_encodings():
    """Each sample is written as its bank writes it: the parser must decide on evidence."""
    assert decode((DATA / "boursobank.csv").read_bytes(), "b")[1] == "UTF-8 (BOM)"
    assert decode((DATA / "qonto.csv").read_bytes(), "q")[1] == "UTF-8"
    for name in ("shine.csv", "societe_generale.csv", "credit_agricole.csv",
                 "la_banque_postale.csv", "generic_cp1252_tab.csv"):
        assert decode((DATA / name).read_bytes(), name)[1] == "Windows-1252", name
    assert decode((DATA / "credit_mutuel.csv").read_bytes(), "c")[1] in (
        "Windows-1252", "ISO-8859-15"
    )


def test_decode_chooses_on_evidence():
    word = "Échéance réglée à 12 €"
    assert decode(word.encode("utf-8"), "x") == (word, "UTF-8")
    assert decode(word.encode("cp1252"), "x") == (word, "Windows-1252")
    assert decode(word.encode("iso-8859-15"), "x") == (word, "ISO-8859-15")
    assert decode(b"\xef\xbb\xbf" + word.encode("utf-8"), "x") == (word, "UTF-8 (BOM)")
    with pytest.raises(StatementError, match="vide"):
        decode(b"  \r\n", "vide.csv")


def test_latin9_ligatures_are_not_read_as_fractions():
    data = "Date;Libellé;Montant\n02/03/2026;CB CŒUR DE LION;-12,00\n".encode("iso-8859-15")
    assert decode(data, "x")[1] == "ISO-8859-15"
    assert only_bytes(data).lines[0].label == "CB CŒUR DE LION"
    fraction = "Date;Libellé;Montant\n02/03/2026;VIS 1 ½ POUCE;-12,00\n".encode("cp1252")
    assert only_bytes(fraction).lines[0].label == "VIS 1 ½ POUCE"


def test_qonto_skips_declined_and_pending_and_keeps_ids():
    statement = only("qonto.csv")
    assert any("declined" in note for note in statement.notes)
    assert any("pending" in note for note in statement.notes)
    first = statement.lines[0]
    assert first.bank_ref == "9f1c2a7e-41d8-4b6a-9d51-0c8a3b6e1f01"
    assert first.label == "Atelier Dubois SARL FACTURE F2026-014"
    assert first.counterparty == "Atelier Dubois SARL"
    assert first.source_line == 2
    quoted = [x for x in statement.lines if x.counterparty == "Martin, Dupont & Associés"]
    assert quoted and quoted[0].amount == Decimal("2450.00")


def test_credit_mutuel_balances_come_from_the_solde_column():
    statement = only("credit_mutuel.csv")
    assert statement.opening == Balance(dt.date(2026, 3, 1), Decimal("3125.40"))
    assert statement.closing == Balance(dt.date(2026, 3, 31), Decimal("6127.91"))
    debit = statement.lines[1]
    assert (debit.amount, debit.value_date) == (Decimal("-9.50"), dt.date(2026, 3, 1))


def test_header_lines_give_account_and_stated_balance():
    agricole = only("credit_agricole.csv")
    assert agricole.closing == Balance(dt.date(2026, 3, 31), Decimal("5214.77"))
    # The multi-line quoted label is one line, whitespace collapsed, at its first physical line.
    assert agricole.lines[0].label == "PRLV SEPA URSSAF DE BRETAGNE COTISATIONS T4 2025"
    assert agricole.lines[0].source_line == 11
    assert agricole.lines[1].source_line == 15
    assert any("ignorées après le tableau" in note for note in agricole.notes)
    postale = only("la_banque_postale.csv")
    assert postale.closing == Balance(dt.date(2026, 3, 31), Decimal("6842.15"))
    assert only("bnp_paribas.csv").closing == Balance(dt.date(2026, 3, 31), Decimal("4218.37"))
    general = only("societe_generale.csv")
    assert general.closing == Balance(dt.date(2026, 3, 31), Decimal("2552.33"))
    assert general.lines[0].source_line == 4
    bom = only("generic_bom.csv")
    assert bom.account == "FR7630004000031234567890143"
    assert bom.opening == Balance(dt.date(2026, 2, 28), Decimal("1234.56"))


def test_generic_bom_file():
    statement = only("generic_bom.csv")
    assert statement.format == "CSV"
    assert [x.bank_ref for x in statement.lines] == [f"REF-000{i}" for i in range(1, 6)]
    assert statement.lines[1].label == "CB CŒUR DE BŒUF BOUCHERIE"
    assert statement.lines[0].date == dt.date(2026, 3, 2)  # dd/mm/yy
    assert statement.lines[0].source_line == 6


def test_generic_cp1252_tab_debit_credit_nbsp_euro():
    statement = only("generic_cp1252_tab.csv")
    amounts = [x.amount for x in statement.lines]
    assert amounts == [Decimal(v) for v in ("1250.00", "-312.00", "-27.90", "12480.00",
                                            "-1100.00")]
    assert statement.lines[3].label == "VIREMENT REÇU MAÎTRE D'ŒUVRE CONSEIL"
    assert statement.lines[1].value_date == dt.date(2026, 3, 5)


def test_generic_quoted_fields_with_separator_and_line_breaks():
    statement = only("generic_quoted.csv")
    assert [x.source_line for x in statement.lines] == [2, 3, 6, 7, 9]
    assert statement.lines[0].label == "VIR SEPA ACME; FACTURE F2026-003"
    assert statement.lines[1].label == 'PRLV SEPA "ÉNERGIE VERTE" CONTRAT 4471 ÉCHÉANCE MARS'
    assert statement.lines[2].label == "CB PAPETERIE, FOURNITURES"
    assert credits(statement) == Decimal("1890.00")
    assert debits(statement) == Decimal("105.64")


def test_generic_thousands_separators_and_checked_totals():
    statement = only("generic_thousands_totals.csv")
    assert [x.amount for x in statement.lines] == [
        Decimal(v) for v in ("1234.56", "12345.00", "2500.00", "-1234.56", "-950.00",
                             "-1012.40")
    ]
    assert statement.lines[0].date == dt.date(2026, 3, 2)
    assert any("ligne 8 (total)" in note for note in statement.notes)
    assert statement.closing == Balance(dt.date(2026, 3, 9), Decimal("18882.60"))


@pytest.mark.parametrize(
    ("name", "line", "words"),
    [
        ("trap_wrong_columns.csv", 4, ["4 colonnes au lieu de 3", "CB LECLERC; DRIVE"]),
        ("trap_bad_date.csv", 5, ["date illisible", "30/02/2026"]),
        ("trap_bad_amount.csv", 4, ["montant illisible", "28O,00", "Débit"]),
        ("trap_bad_total.csv", 4, ["total du fichier", "1600,00", "1\u202f500,00"]),
        ("trap_line_in_the_middle.csv", 4, ["ligne inattendue", "Opérations du 03/03"]),
        ("trap_unknown_layout.csv", 1, ["disposition de colonnes inconnue", MAPPING_SHEET,
                                        "Colonne date", "Colonne débit"]),
    ],
)
def test_traps_are_refused_with_file_line_and_value(name, line, words):
    with pytest.raises(StatementError) as caught:
        parse(name)
    error = caught.value
    assert error.line == line
    assert error.source == name
    message = str(error)
    assert message.startswith(f"Relevé {name}, ligne {line} du fichier")
    for word in words:
        assert word in message


def test_wrong_column_count_line_counts_physical_lines():
    data = (
        "Date;Libellé;Montant\r\n"
        '02/03/2026;"VIR SEPA\r\nCLIENT A";1500,00\r\n'
        "03/03/2026;PRLV;URSSAF;-289,00\r\n"
    ).encode("cp1252")
    with pytest.raises(StatementError) as caught:
        parse_csv(data, "x.csv")
    assert caught.value.line == 4


def test_debit_and_credit_both_filled_is_refused():
    data = "Date;Libellé;Débit;Crédit\n02/03/2026;X;10,00;20,00\n".encode()
    with pytest.raises(StatementError, match=r"débit .* et crédit .* remplis") as caught:
        parse_csv(data, "x.csv")
    assert caught.value.line == 2


def test_ambiguous_amount_asks_for_the_decimal_separator():
    data = b"Date;Libelle;Montant\n02/03/2026;X;1.250\n03/03/2026;Y;-2.500\n"
    with pytest.raises(StatementError, match=r"ambigu.*Séparateur décimal") as caught:
        parse_csv(data, "x.csv")
    assert caught.value.line == 2
    mapping = CsvMapping(date="Date", label=("Libelle",), amount="Montant", decimal=",")
    assert [x.amount for x in only_bytes(data, mapping).lines] == [Decimal(1250),
                                                                   Decimal(-2500)]


def test_headerless_file_with_an_extra_column_is_refused():
    mapping = CsvMapping(date="A", label=("C",), amount="B")
    data = b"02/03/2026;-1,00;A;\n03/03/2026;-2,00;B;\n04/03/2026;-3,00;C;;X\n"
    with pytest.raises(StatementError, match="5 colonnes au lieu de 4") as caught:
        parse_csv(data, "x.csv", mapping)
    assert caught.value.line == 3
    ragged = b"02/03/2026;-1,00;A;\n03/03/2026;-2,00;B;7\n"
    assert len(only_bytes(ragged, mapping).lines) == 2


def test_mapping_short_titles_are_titles_when_the_first_row_is_a_header():
    mapping = CsvMapping(date="DT", label=("LB",), amount="MT")
    data = b"DT;LB;MT\n02/03/2026;VIR;12,00\n"
    assert [(x.label, x.amount) for x in only_bytes(data, mapping).lines] == [
        ("VIR", Decimal("12.00"))
    ]


def test_bnp_masked_account_number_is_not_taken_for_the_balance():
    data = (
        "Compte de chèques;Compte de chèques ****1234;****1234;31/03/2026;;12 345,67\n\n"
        "Date operation;Libelle court;Type operation;Libelle operation;"
        "Montant operation en euro\n31/03/2026;CB;Carte;FACTURE CARTE;-1,00\n"
    ).encode("cp1252")
    statement = only_bytes(data)
    assert statement.account == ""
    assert statement.closing == Balance(dt.date(2026, 3, 31), Decimal("12345.67"))


def test_missing_amount_is_refused():
    data = "Date;Libellé;Montant\n02/03/2026;X;\n".encode()
    with pytest.raises(StatementError, match="montant manquant") as caught:
        parse_csv(data, "x.csv")
    assert caught.value.line == 2


def test_two_currencies_are_refused():
    data = (
        "Date de l'opération;Libellé;Détail de l'écriture;Montant de l'opération;Devise\n"
        "02/03/2026;A;A;-1,00;EUR\n03/03/2026;B;B;-2,00;USD\n"
    ).encode()
    with pytest.raises(StatementError, match="USD") as caught:
        parse_csv(data, "x.csv")
    assert caught.value.line == 3


def test_two_banks_matching_equally_fall_back_to_the_generic_reading():
    data = (
        "Date;Libellé;Montant(EUROS);Transaction ID;Total amount (incl. VAT);Counterparty name;"
        "Settlement date (UTC)\n"
        "02/03/2026;VIR A;12,50;t1;12.50;A;2026-03-02 10:00:00\n"
    ).encode()
    statement = only_bytes(data)
    assert statement.format == "CSV"
    assert [(x.label, x.amount) for x in statement.lines] == [("VIR A", Decimal("12.50"))]


def test_a_second_section_after_the_table_is_set_aside_not_counted():
    data = (
        "Date;Libellé;Débit Euros;Crédit Euros;\r\n"
        "02/03/2026;\"PRLV URSSAF\";100,00;\r\n"
        "28/03/2026;\"RELEVE CARTE X3421\";35,00;\r\n"
        "\r\n"
        "VISA BUSINESS no  4974 12xx xxxx xx41;\r\n"
        "Date;Libellé;Débit Euros;Crédit Euros;\r\n"
        "05/03/2026;\"CB BOULANGERIE\";15,00;\r\n"
        "12/03/2026;\"CB LIBRAIRIE\";20,00;\r\n"
    ).encode("cp1252")
    statement = only_bytes(data)
    assert [x.amount for x in statement.lines] == [Decimal("-100.00"), Decimal("-35.00")]
    assert any("lignes 5 à 8 ignorées" in note for note in statement.notes), statement.notes


def test_excel_separator_line_is_obeyed():
    data = "sep=,\nDate,Libellé,Montant\n02/03/2026,VIR A,\"1 250,00\"\n".encode()
    statement = only_bytes(data)
    assert [(x.source_line, x.amount) for x in statement.lines] == [(3, Decimal("1250.00"))]


@settings(max_examples=150, deadline=None)
@given(
    sample=st.sampled_from(sorted(p.name for p in DATA.glob("*.csv"))),
    position=st.integers(min_value=0, max_value=4000),
    cut=st.integers(min_value=0, max_value=6),
    junk=st.binary(max_size=6),
)
def test_damaged_files_only_raise_statement_errors(sample, position, cut, junk):
    data = (DATA / sample).read_bytes()
    position %= len(data) + 1
    damaged = data[:position] + junk + data[position + cut:]
    try:
        statements = parse_csv(damaged, sample)
    except StatementError as error:
        assert str(error).startswith(f"Relevé {sample}, ")
    else:
        assert all(statement.lines for statement in statements)


def test_qonto_french_export():
    data = (
        "Statut;Date de la valeur (UTC);Date de l'opération (UTC);Montant total (TTC);Débit;"
        "Crédit;Solde;Devise;Nom de la contrepartie;Référence;Identifiant de transaction\n"
        "Exécuté;15-02-2026 10:00:00;15-02-2026 09:58:00;1000,00;;1000,00;5000,00;EUR;"
        "Société Éole;FACTURE F2026-002;id-1\n"
        "En attente;;16-02-2026 11:00:00;-80,00;80,00;;;EUR;SNCF;;id-2\n"
        "Exécuté;27-02-2026 08:00:00;27-02-2026 08:00:00;-200,00;200,00;;4800,00;EUR;"
        "URSSAF;PRLV;id-3\n"
    ).encode()
    statement = only_bytes(data)
    assert statement.format == "CSV Qonto"
    assert [(x.date, x.amount, x.bank_ref) for x in statement.lines] == [
        (dt.date(2026, 2, 15), Decimal("1000.00"), "id-1"),
        (dt.date(2026, 2, 27), Decimal("-200.00"), "id-3"),
    ]
    assert statement.lines[0].label == "Société Éole FACTURE F2026-002"
    assert statement.closing == Balance(dt.date(2026, 2, 27), Decimal("4800.00"))
    assert any("En attente" in note for note in statement.notes)


def test_bourso_groups_by_account_column():
    header = (
        "dateOp;dateVal;label;category;categoryParent;supplierFound;amount;comment;"
        "accountNum;accountLabel;accountbalance\n"
    )
    data = (
        header
        + '2026-03-02;2026-03-02;"A";"c";"p";"s";-1,00;;00011111111;"Pro";10.00\n'
        + '2026-03-03;2026-03-03;"B";"c";"p";"s";2,00;;00022222222;"Livret";20.00\n'
        + '2026-03-04;2026-03-04;"C";"c";"p";"s";-3,00;;00011111111;"Pro";10.00\n'
    ).encode("utf-8-sig")
    statements = parse_csv(data, "b.csv")
    assert [(s.account, [x.label for x in s.lines]) for s in statements] == [
        ("00011111111", ["A", "C"]),
        ("00022222222", ["B"]),
    ]


# --- The user's mapping ----------------------------------------------------------------------


def test_mapping_by_letters_for_a_file_without_header():
    rows = [
        ["Réglage", "Valeur", "Aide"],
        ["Colonne date", "A", ""],
        ["Colonne libellé", "E", ""],
        ["Colonne montant", "B", ""],
        ["Format de date", "JJ/MM/AAAA", ""],
        ["Séparateur", ";", ""],
    ]
    mapping = mapping_from_rows(rows, MAPPING_SHEET)
    assert mapping == CsvMapping(date="A", label=("E",), amount="B", date_format="%d/%m/%Y",
                                 separator=";")
    statement = only("mapping_sans_entete.csv", mapping)
    assert statement.format == f"CSV ({MAPPING_SHEET})"
    assert [x.source_line for x in statement.lines] == [1, 2, 3, 4]
    assert statement.lines[0].label == "VIR SEPA CLIENT ÉTOILE FACTURE F2026-020"
    assert sum(x.amount for x in statement.lines) == Decimal("206.80")
    # Without the mapping, the same file is an unknown layout.
    with pytest.raises(StatementError, match="disposition de colonnes inconnue"):
        parse("mapping_sans_entete.csv")


def test_mapping_by_titles_with_lines_to_skip():
    rows = [
        ["Réglage", "Valeur"],
        ["Colonne date", "Jour"],
        ["Colonne libellé", "Intitulé de l'opération"],
        ["Colonne débit", "Sorties"],
        ["Colonne crédit", "entrees"],
        ["Colonne référence", "N° opération"],
        ["Format de date", "JJ.MM.AAAA"],
        ["Séparateur décimal", "virgule"],
        ["Lignes à ignorer", 2.0],
    ]
    mapping = mapping_from_rows(rows, MAPPING_SHEET)
    assert mapping is not None and mapping.skip_lines == 2 and mapping.decimal == ","
    statement = only("mapping_titres.csv", mapping)
    assert statement.account == "000123456789"
    assert [(x.source_line, x.amount, x.bank_ref) for x in statement.lines] == [
        (4, Decimal("1500.00"), "OP-1"),
        (5, Decimal("-289.00"), "OP-2"),
        (6, Decimal("-54.20"), "OP-3"),
    ]
    assert statement.lines[1].label == "PRÉLÈVEMENT URSSAF"
    # A built-in bank's export is still read as that bank's.
    assert only("qonto.csv", mapping).format == "CSV Qonto"
    # A generic file lacking the described columns is refused, naming them.
    with pytest.raises(StatementError, match="Sorties"):
        parse("generic_bom.csv", mapping)


def test_mapping_template_is_empty_and_reports_nothing():
    assert MAPPING_TEMPLATE_ROWS[0][:2] == ["Réglage", "Valeur"]
    names = [row[0] for row in MAPPING_TEMPLATE_ROWS[1:]]
    assert names[:3] == ["Colonne date", "Colonne libellé", "Colonne montant"]
    assert all(row[2] for row in MAPPING_TEMPLATE_ROWS[1:])  # every setting has help text
    assert mapping_from_rows(MAPPING_TEMPLATE_ROWS, MAPPING_SHEET) is None
    assert mapping_from_rows([], MAPPING_SHEET) is None


def test_mapping_errors_are_all_reported_with_sheet_row_and_value():
    rows = [
        ["Réglage", "Valeur"],
        ["Colonne date", None],
        ["Colonne truc", "x"],
        ["Colonne débit", "D"],
        ["Format de date", "QQ/QQ"],
        ["Lignes à ignorer", -1],
        ["Séparateur", "#"],
        ["Colonne libellé", "B"],
        ["Colonne libellé", "C"],
    ]
    with pytest.raises(DataError) as caught:
        mapping_from_rows(rows, MAPPING_SHEET)
    message = str(caught.value)
    lines = message.splitlines()
    assert len(lines) == 7, message
    assert all(line.startswith("Feuille «\u00a0Format relevé\u00a0», ligne") for line in lines)
    for expected in ("ligne 2,", "«\u00a0Colonne date\u00a0» est obligatoire",
                     "ligne 3,", "Colonne truc", "ligne 4,", "demande aussi",
                     "ligne 5,", "QQ/QQ", "ligne 6,", "-1", "ligne 7,", "«\u00a0#\u00a0»",
                     "ligne 9,", "figure deux fois"):
        assert expected in message


def test_mapping_amount_with_debit_is_refused():
    rows = [["Réglage", "Valeur"], ["Colonne date", "A"], ["Colonne libellé", "B"],
            ["Colonne montant", "C"], ["Colonne débit", "D"], ["Colonne crédit", "E"]]
    with pytest.raises(DataError, match="pas les deux"):
        mapping_from_rows(rows, MAPPING_SHEET)


def test_mapping_column_number_and_several_label_columns():
    rows = [["Réglage", "Valeur"], ["Colonne date", 1.0], ["Colonne libellé", "B + C"],
            ["Colonne montant", "D"], ["Séparateur", "tabulation"]]
    mapping = mapping_from_rows(rows, MAPPING_SHEET)
    assert mapping == CsvMapping(date="A", label=("B", "C"), amount="D", separator="\t")
    data = b"01/03/2026\tVIR\tCLIENT X\t12,00\n02/03/2026\tCB\tCB\t-3,00\n"
    statement = only_bytes(data, mapping)
    assert [x.label for x in statement.lines] == ["VIR CLIENT X", "CB"]


def only_bytes(data: bytes, mapping: CsvMapping | None = None) -> Statement:
    statements = parse_csv(data, "x.csv", mapping)
    assert len(statements) == 1
    return statements[0]


# --- Amounts and dates -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234,56", "1234.56"),
        ("-1 234,56", "-1234.56"),
        (f"1{NBSP}234,56", "1234.56"),
        (f"-12{NNBSP}345{NNBSP}678,90 €", "-12345678.90"),
        ("1.234,56", "1234.56"),
        ("+1 234,56 EUR", "1234.56"),
        ("(12,00)", "-12.00"),
        ("12,50-", "-12.50"),
        ("\u221212,50", "-12.50"),
        ("1,234.56", "1234.56"),
        ("-54.20", "-54.20"),
        ("0,5", "0.5"),
        ("7", "7"),
    ],
)
def test_parse_amount(text, expected):
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "abc", "12 34,50", "1.234", "12,3,4", "1,2.3.4", "--5",
                                  "28O,00", "€"])
def test_parse_amount_refuses_what_it_cannot_read_for_sure(text):
    with pytest.raises(ValueError):
        parse_amount(text)


def test_parse_amount_with_known_decimal_separator():
    assert parse_amount("1.234", ",") == Decimal("1234")
    assert parse_amount("1.234", ".") == Decimal("1.234")
    assert parse_amount("1,234", ".") == Decimal("1234")


@pytest.mark.parametrize(
    ("text", "pattern", "expected"),
    [
        ("02/03/2026", None, dt.date(2026, 3, 2)),
        ("2/3/26", None, dt.date(2026, 3, 2)),
        ("2026-03-02", None, dt.date(2026, 3, 2)),
        ("2026-03-02 09:14:27", None, dt.date(2026, 3, 2)),
        ("02-03-2026 09:14:27", None, dt.date(2026, 3, 2)),
        ("02.03.2026", None, dt.date(2026, 3, 2)),
        ("03/02/2026", "%m/%d/%Y", dt.date(2026, 3, 2)),
    ],
)
def test_parse_date(text, pattern, expected):
    assert parse_date(text, pattern) == expected


@pytest.mark.parametrize("text", ["31/02/2026", "2026/13/01", "mars 2026", "", "02/03"])
def test_parse_date_refuses(text):
    with pytest.raises(ValueError):
        parse_date(text)


SEPARATORS = st.sampled_from(["", " ", NBSP, NNBSP, "."])


@settings(max_examples=300, deadline=None)
@given(
    cents=st.integers(min_value=-10**13, max_value=10**13),
    thousands=SEPARATORS,
    euro=st.sampled_from(["", " €", "\u00a0€", " EUR"]),
    plus=st.booleans(),
)
def test_french_amounts_round_trip_exactly(cents, thousands, euro, plus):
    value = Decimal(cents).scaleb(-2)
    whole, fraction = f"{abs(value):.2f}".split(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    sign = "-" if value < 0 else ("+" if plus else "")
    text = f"{sign}{thousands.join([whole, *groups])},{fraction}{euro}"
    parsed = parse_amount(text)
    assert parsed == value
    assert parsed.as_tuple().exponent == -2


def test_twenty_thousand_lines_parse_in_well_under_a_second():
    lines = ["Date;Date de valeur;Débit;Crédit;Libellé;Solde"]
    balance = Decimal("1000.00")
    for i in range(20_000):
        amount = Decimal((i * 7919) % 100_000 - 50_000).scaleb(-2)
        balance += amount
        debit = f"{amount}".replace(".", ",") if amount < 0 else ""
        credit = f"{amount}".replace(".", ",") if amount >= 0 else ""
        day = f"{1 + i % 28:02d}/{1 + (i // 28) % 12:02d}/2026"
        lines.append(f"{day};{day};{debit};{credit};PRLV SEPA OPÉRATION {i};"
                     f"{balance}".replace(".", ","))
    data = ("\r\n".join(lines) + "\r\n").encode("cp1252")
    start = time.process_time()  # CPU time: the machine is shared
    statement = only_bytes(data)
    elapsed = time.process_time() - start
    assert len(statement.lines) == 20_000
    assert statement.lines[-1].source_line == 20_001
    assert elapsed < 0.8, elapsed
