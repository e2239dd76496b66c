"""French RIB (bank, branch, account, key) to IBAN, for formats that carry no IBAN."""

from __future__ import annotations

from stdnum import iban as stdnum_iban

_LETTERS = {c: str(i % 9 + 1) for i, c in enumerate("ABCDEFGHI")}
_LETTERS |= {c: str(i % 9 + 1) for i, c in enumerate("JKLMNOPQR")}
_LETTERS |= {c: str(i % 9 + 2) for i, c in enumerate("STUVWXYZ")}


def rib_key(bank: str, branch: str, account: str) -> str:
    """The two-digit clé RIB of a bank code, branch code and account number."""
    digits = "".join(_LETTERS.get(c, c) for c in account.upper())
    value = 89 * int(bank) + 15 * int(branch) + 3 * int(digits)
    return f"{97 - value % 97:02d}"


def rib_to_iban(bank: str, branch: str, account: str, key: str | None = None) -> str:
    """The French IBAN of a RIB (key computed when not given), "" when the parts are not a RIB."""
    bank, branch, account = bank.strip(), branch.strip(), account.strip().upper()
    if not (len(bank) == 5 and bank.isdigit() and len(branch) == 5 and branch.isdigit()):
        return ""
    if len(account) != 11 or not account.isalnum():
        return ""
    key = (key or "").strip() or rib_key(bank, branch, account)
    if len(key) != 2 or not key.isdigit():
        return ""
    bban = f"{bank}{branch}{account}{key}"
    iban = "FR" + stdnum_iban.calc_check_digits("FR00" + bban) + bban
    return iban if stdnum_iban.is_valid(iban) else ""
