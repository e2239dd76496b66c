"""treso_xl.identifiers decides like python-stdnum (kept as the oracle) on SIREN, SIRET and IBAN."""

from __future__ import annotations

import random
import re
import subprocess
import sys
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import iban as stdnum_iban
from stdnum import luhn, numdb
from stdnum.exceptions import ValidationError
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from treso_xl import identifiers
from treso_xl.identifiers import (
    IdentifierError,
    format_iban,
    iban_check_digits,
    is_valid_iban,
    is_valid_siren,
    is_valid_siret,
    validate_iban,
    validate_siren,
    validate_siret,
)

# Characters a pasted identifier may hold: digits and their look-alikes, separators of every
# kind python-stdnum knows, white space, letters, odd symbols.
_ALPHABET = (
    "0123456789" * 4
    + "  ..--\u00a0\u202f\u2009\u3000\u00b7\u2022\u2013\u2014\u2212\uff0e\uff0d"
    + "\uff10\uff15\uff19\U0001d7ce\U0001d7d9\u0663\u00b2"
    + "\t\n_/,:'*AZafrRFé"
)
_NUMBERS = st.text(alphabet=_ALPHABET, max_size=20)


def _outcome(validate, number):
    """(result, None) or (None, exception class name)."""
    try:
        return validate(number), None
    except (ValidationError, IdentifierError) as error:
        return None, type(error).__name__


def _same(ours, theirs, number):
    assert _outcome(ours, number) == _outcome(theirs, number), repr(number)


def _luhn_number(length: int, rng: random.Random) -> str:
    head = "".join(rng.choice("0123456789") for _ in range(length - 1))
    return head + luhn.calc_check_digit(head)


def _spelled(number: str, rng: random.Random) -> str:
    """`number` as a person may paste it: separators, no-break spaces, fullwidth digits."""
    out = []
    for char in number:
        roll = rng.random()
        if roll < 0.05:
            char = chr(0xFF10 + int(char)) if char.isdigit() else char
        out.append(char)
        if rng.random() < 0.15:
            out.append(rng.choice([" ", ".", "\u00a0", "\u202f", "-", "\u2013", "\uff0e"]))
    return rng.choice(["", " ", "\t"]) + "".join(out) + rng.choice(["", " ", "\n"])


@settings(max_examples=600, deadline=None)
@given(_NUMBERS)
def test_siren_and_siret_decided_like_stdnum_on_any_text(number):
    _same(validate_siren, stdnum_siren.validate, number)
    _same(validate_siret, stdnum_siret.validate, number)


def test_siren_and_siret_decided_like_stdnum_on_real_shapes():
    rng = random.Random(16)
    for _ in range(3000):
        siren = _luhn_number(9, rng)
        siret = _luhn_number(14, rng)
        la_poste = "356000000" + "".join(rng.choice("0123456789") for _ in range(5))
        wrong = siren[:-1] + str((int(siren[-1]) + rng.randint(1, 9)) % 10)
        for number in (siren, siret, la_poste, wrong, siret[:13], siren + "0"):
            for shown in (number, _spelled(number, rng)):
                _same(validate_siren, stdnum_siren.validate, shown)
                _same(validate_siret, stdnum_siret.validate, shown)
    for known in ("732829320", "356000000", "35600000000048", "35600000049837", "73282932000074"):
        _same(validate_siren, stdnum_siren.validate, known)
        _same(validate_siret, stdnum_siret.validate, known)


def test_la_poste_siret_rule():
    # La Poste's establishments: digit sum a multiple of 5, not Luhn; its head office: Luhn
    assert is_valid_siret("35600000049837")  # digit sum 45
    assert not luhn.is_valid("35600000049837")
    assert not is_valid_siret("35600000049838")
    assert is_valid_siret("35600000000048")
    assert is_valid_siren("356000000")


def _stdnum_structures() -> dict[str, str]:
    """Each country's BBAN structure in python-stdnum's own copy of the registry."""
    database = numdb.get("iban")
    found = {}
    for line in resources.files("stdnum").joinpath("iban.dat").read_text().splitlines():
        if line[:2].isalpha() and line[:2].isupper():
            found[line[:2]] = database.info(line[:2] + "00")[0][1]["bban"]
    return found


_STDNUM_STRUCTURES = _stdnum_structures()


def test_bban_structures_are_stdnums():
    assert identifiers._BBAN_STRUCTURES == _STDNUM_STRUCTURES


def _iban(country: str, rng: random.Random) -> str:
    """A random IBAN of `country` with right check digits, shaped per its BBAN structure."""
    pools = {"n": "0123456789", "a": "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "c": "0123456789ABCDEFXYZ"}
    bban = ""
    for count, kind in re.findall(r"(\d+)!([nac])", _STDNUM_STRUCTURES[country]):
        bban += "".join(rng.choice(pools[kind]) for _ in range(int(count)))
    check = stdnum_iban.calc_check_digits(country + "00" + bban)
    return country + check + bban


# python-stdnum adds national checks for these four countries (a bank list for Belgium)
_NATIONAL = {"BE", "ES", "ME", "NO"}


def _iban_same(number):
    _same(validate_iban, lambda text: stdnum_iban.validate(text, check_country=False), number)
    if validate_iban_country(number) not in _NATIONAL:
        _same(validate_iban, stdnum_iban.validate, number)
    assert is_valid_iban(number) == stdnum_iban.is_valid(number, check_country=False)
    if is_valid_iban(number):
        assert format_iban(number) == stdnum_iban.format(number)


def validate_iban_country(number: str) -> str:
    return identifiers.compact_iban(number)[:2]


def test_iban_decided_like_stdnum_on_every_country():
    rng = random.Random(13616)
    assert len(_STDNUM_STRUCTURES) == 89
    for country in _STDNUM_STRUCTURES:
        for _ in range(40):
            number = _iban(country, rng)
            assert is_valid_iban(number)
            variants = [
                number,
                _spelled(number, rng).lower(),
                number[:-1],
                number + "0",
                number[:2] + f"{(int(number[2:4]) + 1) % 100:02d}" + number[4:],
                number[:4] + number[5] + number[4] + number[6:],  # two characters swapped
                "XX" + number[2:],
                number[:6] + "é" + number[7:],
                number[:5] + "A" + number[6:],
            ]
            for variant in variants:
                _iban_same(variant)


def test_iban_check_digits_like_stdnum():
    rng = random.Random(97)
    for country in _STDNUM_STRUCTURES:
        number = _iban(country, rng)
        for variant in (number, number[:2] + "00" + number[4:], _spelled(number, rng)):
            assert iban_check_digits(variant) == stdnum_iban.calc_check_digits(variant)
    bban = "3000600001123456789018" + "9"
    assert iban_check_digits("FR00" + bban) == "76"


def test_iban_real_values():
    for number in (
        "FR76 3000 6000 0112 3456 7890 189",
        "FR7630006000011234567890189",
        "fr76-3000-6000-0112-3456-7890-189",
        "FR76\u00a03000\u00a06000\u00a00112\u00a03456\u00a07890\u00a0189",
        "DE89 3704 0044 0532 0130 00",
        "GB29 NWBK 6016 1331 9268 19",
        "CH93 0076 2011 6238 5295 7",
        "MC58 1122 2000 0101 2345 6789 030",
        "FR76 3000 6000 0112 3456 7890 188",
        "FR76 3000 6000 0112 3456 7890",
        "",
        "FR",
        "12345",
    ):
        _iban_same(number)
    assert validate_iban("fr76 3000 6000 0112 3456 7890 189") == "FR7630006000011234567890189"
    assert format_iban("FR7630006000011234567890189") == "FR76 3000 6000 0112 3456 7890 189"


@settings(max_examples=600, deadline=None)
@given(
    st.sampled_from(sorted(_STDNUM_STRUCTURES)),
    st.text(alphabet="0123456789ABCZaz -.\u00a0é", max_size=34),
)
def test_iban_decided_like_stdnum_on_any_text(country, rest):
    _iban_same(country + rest)
    _iban_same(rest)


def test_non_text_is_a_format_error():
    with pytest.raises(IdentifierError):
        validate_siren(732829320)  # type: ignore[arg-type]


def test_importing_identifiers_does_not_import_stdnum():
    code = "import sys, treso_xl.identifiers; print(any('stdnum' in m for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
