"""Any cell text made safe for an e-mail: one-line headers, display names, body, addresses."""

from __future__ import annotations

import re
import unicodedata
from email.header import Header
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formataddr

from treso_xl.french import quote

NEUTRAL_DOMAIN = "treso-xl.local"  # Message-ID domain when no sender address is known
HEADER_LIMIT = 200  # characters kept in a header value (RFC 5322 lines stop at 998 bytes)
NAME_LIMIT = 100  # characters kept in a display name
SHOWN_LIMIT = 80  # characters of a cell quoted in a message to the user
SMTP_LINE_LIMIT = 998  # bytes per line of an RFC 5322 message, line ending excluded
# Headers prepared by `set_text` and `set_address` are written as they are, never refolded.
DRAFT_POLICY = SMTP.clone(refold_source="none")

_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL_RE = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_DOMAIN_RE = re.compile(rf"{_LABEL}(?:\.{_LABEL})+")


def _no_surrogates(text: str) -> str:
    """Lone surrogates (never valid UTF-8) become U+FFFD."""
    return text.encode("utf-8", "replace").decode("utf-8") if _has_surrogate(text) else text


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= char <= "\udfff" for char in text)


def _visible(text: str) -> str:
    """`text` without control characters (C0, DEL, C1), tabs and line breaks included."""
    return "".join(char for char in text if unicodedata.category(char) != "Cc")


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def one_line(text: object, limit: int = HEADER_LIMIT) -> str:
    """A header value: every run of spaces, tabs and line breaks (Alt+Entrée) becomes one
    space, control characters go, « =? » cannot be read back as an encoded word, and a very
    long text is cut with « … »."""
    words = _no_surrogates(str(text)).split()
    flat = _visible(" ".join(words))
    flat = " ".join(flat.split()).replace("=?", "= ?")
    return _shorten(flat, limit)


def display_name(text: object) -> str:
    """The name shown before an address (« Dupont, "Jo" <x> » is quoted by the email package)."""
    return one_line(text, NAME_LIMIT)


def shown(text: object) -> str:
    """A cell's text quoted in a one-line message to the user."""
    return one_line(text, SHOWN_LIMIT)


def body_text(text: str) -> str:
    """A message body: line breaks become "\\n", control characters other than tabs go; every
    visible character is kept."""
    text = _no_surrogates(text).replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in text if c in "\n\t" or unicodedata.category(c) != "Cc")


def longest_line(text: str) -> int:
    """Bytes of the longest line of `text` in UTF-8."""
    return max((len(line.encode("utf-8")) for line in text.split("\n")), default=0)


def _ascii_domain(domain: str) -> str | None:
    """`domain` in ASCII (IDNA for accented names), None when it is not a host name."""
    if not domain.isascii():
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    return domain if _DOMAIN_RE.fullmatch(domain) and len(domain) <= 253 else None


def address_problem(address: str) -> tuple[str, str]:
    """(`address` ready for a To header, "") or ("", the French reason it is unusable)."""
    text = address.strip()
    local, at, domain = text.rpartition("@")
    ascii_domain = _ascii_domain(domain) if at else None
    if at and ascii_domain and _LOCAL_RE.fullmatch(local) and len(local) <= 64:
        return f"{local}@{ascii_domain}", ""
    if at and ascii_domain and local and not local.isascii() and local.isprintable():
        return "", (
            f"l'adresse {quote(shown(text))} de la colonne « Email client » contient des "
            "lettres accentuées ou des caractères spéciaux avant « @ », que la plupart des "
            "messageries refusent : vérifiez-la auprès du client et corrigez-la"
        )
    return "", (
        f"l'adresse {quote(shown(text))} de la colonne « Email client » n'est pas une adresse "
        "e-mail valide (forme attendue : nom@domaine.fr, une seule adresse par cellule) : "
        "corrigez-la"
    )


def msgid_domain(sender: str) -> str:
    """The domain of a Message-ID: the sender's own, else a neutral local one (never the
    recipient's: a Message-ID names who wrote the message)."""
    if "@" in sender:
        domain = _ascii_domain(sender.strip().rpartition("@")[2])
        if domain:
            return domain
    return NEUTRAL_DOMAIN


def set_text(message: EmailMessage, name: str, value: str) -> None:
    """Set the free-text header `name` (a Subject, say) to `value`, one line already.

    Non-ASCII text is encoded and folded by `email.header`: the folder of the email policies
    (Python 3.11 to 3.13 at least) may lose a space between two encoded words when it folds a
    long header, which every mail client would then show glued together. The message's policy
    must be `DRAFT_POLICY` (no refolding of these prepared values)."""
    if value.isascii():
        message[name] = value
        return
    del message[name]
    message.set_raw(name, Header(value, "utf-8", header_name=name).encode(linesep="\r\n"))


def set_address(message: EmailMessage, name: str, display: str, address: str) -> None:
    """Set `name` (To) to `display <address>`, `address` ASCII (see `address_problem`).

    An ASCII name is quoted when it holds specials (« Dupont, "Jo" » stays one name); another
    one is encoded and folded by `email.header`, as in `set_text`."""
    del message[name]
    if not display:
        message.set_raw(name, address)
    elif display.isascii():
        message.set_raw(name, formataddr((display, address)))
    else:
        encoded = Header(display, "utf-8", header_name=name).encode(linesep="\r\n")
        message.set_raw(name, f"{encoded} <{address}>")
