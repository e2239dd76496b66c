"""SIREN, SIRET and IBAN checks as python-stdnum makes them, without its heavy imports."""

from __future__ import annotations

import re

# The separators python-stdnum accepts in these numbers, as it spells them in Unicode: each
# character below is read as the ASCII one it stands for before separators are removed.
_HYPHENS = (
    "\u002d\u058a\u05be\u2010\u2011\u2012\u2013\u2014\u2015\ufe63\uff0d\u180a\u203e\u2043"
    "\u00af\u02d7\uffe3\u1680\u207b\u208b\u2212\u23af\u23ba\u23bb\u23bc\u23bd\u23e4"
)
_DOTS = (
    "\u002e\u00b7\u0387\u06d4\u3002\u0701\u0702\u0830\u0f0b\u0f0c\u16eb\u2022\u2024\u2027"
    "\u2e31\u2e33\u30fb\ufe52\uff0e\uff65\U00010101\U0001091f\U00010a50\u02d9\ufbb2\ufbb3"
    "\u2219\u22c5"
)
_SPACES = (
    "\u0020\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f"
    "\u205f\u3000"
)
# Fullwidth and mathematical digits (bold, double-struck, sans-serif, sans-serif bold, monospace)
_DIGIT_ZEROS = (0xFF10, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6)
_TO_ASCII = {zero + digit: str(digit) for zero in _DIGIT_ZEROS for digit in range(10)}
_REMOVED = {" ": _SPACES, ".": _DOTS, "-": _HYPHENS}

# BBAN structure of each country (ISO 13616 registry, as python-stdnum's copy of it): "5!n" is
# five digits, "a" upper-case letters, "c" letters or digits; it fixes the IBAN's length.
_BBAN_STRUCTURES = dict(
    item.split("=")
    for item in (
        "AD=4!n4!n12!c AE=3!n16!n AL=8!n16!c AT=5!n11!n AZ=4!a20!c BA=3!n3!n8!n2!n BE=3!n7!n2!n "
        "BG=4!a4!n2!n8!c BH=4!a14!c BI=5!n5!n11!n2!n BR=8!n5!n10!n1!a1!c BY=4!c4!n16!c CH=5!n12!c "
        "CR=4!n14!n CY=3!n5!n16!c CZ=4!n16!n DE=8!n10!n DJ=5!n5!n11!n2!n DK=4!n9!n1!n DO=4!c20!n "
        "EE=2!n14!n EG=4!n4!n17!n ES=4!n4!n1!n1!n10!n FI=3!n11!n FK=2!a12!n FO=4!n9!n1!n "
        "FR=5!n5!n11!c2!n GB=4!a6!n8!n GE=2!a16!n GI=4!a15!c GL=4!n9!n1!n GR=3!n4!n16!c "
        "GT=4!c20!c HN=4!a20!n HR=7!n10!n HU=3!n4!n1!n15!n1!n IE=4!a6!n8!n IL=3!n3!n13!n "
        "IQ=4!a3!n12!n IS=4!n2!n6!n10!n IT=1!a5!n5!n12!c JO=4!a4!n18!c KW=4!a22!c KZ=3!n13!c "
        "LB=4!n20!c LC=4!a24!c LI=5!n12!c LT=5!n11!n LU=3!n13!c LV=4!a13!c LY=3!n3!n15!n "
        "MC=5!n5!n11!c2!n MD=2!c18!c ME=3!n13!n2!n MK=3!n10!c2!n MN=4!n12!n MR=5!n5!n11!n2!n "
        "MT=4!a5!n18!c MU=4!a2!n2!n12!n3!n3!a NI=4!a20!n NL=4!a10!n NO=4!n6!n1!n OM=3!n16!c "
        "PK=4!a16!c PL=8!n16!n PS=4!a21!c PT=4!n4!n11!n2!n QA=4!a21!c RO=4!a16!c RS=3!n13!n2!n "
        "RU=9!n5!n15!c SA=2!n18!c SC=4!a2!n2!n16!n3!a SD=2!n12!n SE=3!n16!n1!n SI=5!n8!n2!n "
        "SK=4!n6!n10!n SM=1!a5!n5!n12!c SO=4!n3!n12!n ST=4!n4!n11!n2!n SV=4!a20!n TL=3!n14!n2!n "
        "TN=2!n3!n13!n2!n TR=5!n1!n16!c UA=6!n19!c VA=3!n15!n VG=4!a16!n XK=4!n10!n2!n "
        "YE=4!a4!n18!c "
    ).split()
)
_CLASSES = {"n": "[0-9]", "a": "[A-Z]", "c": "[A-Za-z0-9]"}


def _bban_re(structure: str) -> re.Pattern[str]:
    def part(match: re.Match[str]) -> str:
        return f"{_CLASSES[match.group(2)]}{{{match.group(1)}}}"

    return re.compile(f"^{re.sub(r'([1-9][0-9]*)!([nac])', part, structure)}$")


class IdentifierError(ValueError):
    """The number is not a valid identifier (the subclass tells why, as python-stdnum does)."""


class InvalidFormat(IdentifierError):
    """Characters that do not belong in the number."""


class InvalidLength(IdentifierError):
    """The wrong number of characters."""


class InvalidChecksum(IdentifierError):
    """The check digits do not match."""


class InvalidComponent(IdentifierError):
    """A part of the number (an IBAN's country) is unknown."""


_TABLES: dict[str, dict[int, str | None]] = {}


def _clean(number: str, separators: str) -> str:
    """`number` with the Unicode look-alikes of ASCII digits and separators made ASCII, then the
    `separators` (some of " ", ".", "-") removed, and surrounding white space."""
    if not isinstance(number, str):
        raise InvalidFormat()
    table = _TABLES.get(separators)
    if table is None:
        table = dict(_TO_ASCII)
        for separator in separators:
            table.update(dict.fromkeys(map(ord, _REMOVED[separator])))
        table = _TABLES.setdefault(separators, table)
    return number.translate(table).strip()


def _digits(text: str) -> bool:
    """Only ASCII digits, at least one."""
    return text.isascii() and text.isdigit()


def _luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = sum(divmod(value * 2, 10))
        total += value
    return total % 10 == 0


def validate_siren(number: str) -> str:
    """The SIREN `number` without separators; raises InvalidFormat, InvalidLength or
    InvalidChecksum (9 digits, Luhn key), like `stdnum.fr.siren.validate`."""
    number = _clean(number, " .")
    if not _digits(number):
        raise InvalidFormat()
    if len(number) != 9:
        raise InvalidLength()
    if not _luhn_ok(number):
        raise InvalidChecksum()
    return number


# La Poste's establishments share one SIREN and are numbered outside the Luhn rule: the sum of
# the digits of their SIRET is a multiple of 5 (its head office keeps a Luhn-valid SIRET).
_LA_POSTE = "356000000"
_LA_POSTE_HEAD_OFFICE = "35600000000048"


def validate_siret(number: str) -> str:
    """The SIRET `number` without separators; raises like `stdnum.fr.siret.validate`."""
    number = _clean(number, " .")
    if not _digits(number):
        raise InvalidFormat()
    if len(number) != 14:
        raise InvalidLength()
    if number.startswith(_LA_POSTE) and number != _LA_POSTE_HEAD_OFFICE:
        if sum(map(int, number)) % 5:
            raise InvalidChecksum()
    elif not _luhn_ok(number):
        raise InvalidChecksum()
    validate_siren(number[:9])
    return number


def is_valid_siren(number: str) -> bool:
    """True when `number` is a valid SIREN."""
    try:
        return bool(validate_siren(number))
    except IdentifierError:
        return False


def is_valid_siret(number: str) -> bool:
    """True when `number` is a valid SIRET."""
    try:
        return bool(validate_siret(number))
    except IdentifierError:
        return False


def compact_iban(number: str) -> str:
    """The IBAN `number` without separators, in upper case (not checked)."""
    return _clean(number, " -.").upper()


def _mod_97(text: str) -> int:
    """ISO 7064 mod 97-10 of `text`, letters counting 10 (A) to 35 (Z)."""
    try:
        return int("".join(str(int(char, 36)) for char in text)) % 97
    except ValueError as error:
        raise InvalidFormat() from error


_BBAN_RES: dict[str, re.Pattern[str]] = {}


def validate_iban(number: str) -> str:
    """The IBAN `number` compacted; raises an IdentifierError when its check digits (mod 97), its
    country or its structure (hence its length) are wrong, like `stdnum.iban.validate` save the
    national checks python-stdnum adds for Belgium, Spain, Montenegro and Norway."""
    number = compact_iban(number)
    if _mod_97(number[4:] + number[:4]) != 1:
        raise InvalidChecksum()
    structure = _BBAN_STRUCTURES.get(number[:2])
    if structure is None:
        raise InvalidComponent()
    pattern = _BBAN_RES.get(structure) or _BBAN_RES.setdefault(structure, _bban_re(structure))
    if not pattern.match(number[4:]):
        raise InvalidFormat()
    return number


def is_valid_iban(number: str) -> bool:
    """True when `number` is a valid IBAN (see `validate_iban`)."""
    try:
        return bool(validate_iban(number))
    except IdentifierError:
        return False


def iban_check_digits(number: str) -> str:
    """The two check digits the IBAN `number` should have (its own are ignored), like
    `stdnum.iban.calc_check_digits`: "FR" + iban_check_digits("FR00" + bban) + bban."""
    number = compact_iban(number)
    return f"{98 - _mod_97(number[4:] + number[:2] + '00'):02d}"


def format_iban(number: str, separator: str = " ") -> str:
    """The IBAN in groups of four characters ("FR76 3000 6000 …")."""
    number = compact_iban(number)
    return separator.join(number[i : i + 4] for i in range(0, len(number), 4))
