"""Send the export to the accountant: SMTP (STARTTLS or implicit TLS), an .eml draft or Outlook."""

from __future__ import annotations

import copy
import errno
import smtplib
import socket
import ssl
import sys
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from treso_xl.errors import TresoError
from treso_xl.export.layouts import ExportSummary
from treso_xl.french import day, euros, quote
from treso_xl.mail.config import (
    KEYRING_SERVICE,
    PASSWORD_ENV,
    SSL,
    STARTTLS,
    SmtpSettings,
)
from treso_xl.mail.drafts import safe_filename
from treso_xl.mail.headers import (
    DRAFT_POLICY,
    display_name,
    msgid_domain,
    one_line,
    set_address,
    set_text,
)
from treso_xl.render.safe_write import write_atomically

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
TIMEOUT = 30.0  # seconds, for connecting and for each exchange with the server
OUTLOOK_MAIL_ITEM = 0  # olMailItem


class SendError(TresoError):
    """The message could not be sent; the French message says why and what to check."""


# --- The message ------------------------------------------------------------------------------


_VOWELS = "aeiouyàâäéèêëîïôöùûüœæ"


def of(name: str) -> str:
    """French « de » before a name, elided before a vowel: « de Dupont », « d'Atelier »."""
    return f"d'{name}" if name[:1].lower() in _VOWELS else f"de {name}"


def _one_line(text: str) -> str:
    """A header value: line breaks typed in a cell (Alt+Entrée) become spaces."""
    return one_line(text)


def subject(summary: ExportSummary) -> str:
    """« Trésorerie Atelier Dupont — situation au 20/11/2026 »."""
    company = _one_line(summary.entreprise)
    return f"Trésorerie {company} — situation au {day(summary.date_reference)}"


def body(summary: ExportSummary, attachment_name: str) -> str:
    """The short French message that goes with the export."""
    registers = "le livre des recettes"
    if summary.purchases_total is not None:
        registers += " et le registre des achats"
    if summary.balance is None:
        balance = "solde bancaire : non calculable à cette date ;"
    else:
        balance = f"solde bancaire : {euros(summary.balance)} ;"
    count = summary.overdue_count
    if count:
        overdue = (
            f"factures clients échues non payées : {euros(summary.overdue_total)} "
            f"({count} facture{'s' if count > 1 else ''}) ;"
        )
    else:
        overdue = "aucune facture client échue non payée ;"
    siren = f" (SIREN {summary.siren})" if summary.siren else ""
    lines = [
        "Bonjour,",
        "",
        f"Vous trouverez ci-joint le classeur de trésorerie {of(summary.entreprise)}{siren}, "
        f"avec {registers} {summary.period.label}.",
        "",
        f"En bref, au {day(summary.date_reference)} :",
        f"- {balance}",
        f"- {overdue}",
        f"- recettes encaissées {summary.period.label} : {euros(summary.receipts_total)}.",
        "",
        f"Le fichier « {attachment_name} » ne contient que des valeurs (ni formule, ni macro, ni "
        "lien externe) ; son onglet « Sommaire » décrit chaque onglet.",
        "",
        "Bien cordialement,",
        "",
        summary.entreprise,
    ]
    return "\n".join(lines) + "\n"


def accountant_message(
    summary: ExportSummary,
    recipient: str,
    attachment: bytes,
    attachment_name: str,
    sender: str = "",
) -> EmailMessage:
    """The e-mail to the accountant, the export attached byte for byte."""
    message = EmailMessage(policy=DRAFT_POLICY)
    if sender:
        set_address(message, "From", display_name(summary.entreprise), sender)
    message["To"] = recipient
    set_text(message, "Subject", subject(summary))
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(
        idstring=safe_filename(summary.entreprise), domain=msgid_domain(sender)
    )
    message.set_content(body(summary, attachment_name), subtype="plain", charset="utf-8")
    message.add_attachment(
        attachment, maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1], filename=attachment_name
    )
    return message


# --- SMTP -------------------------------------------------------------------------------------


def _ssl_context(settings: SmtpSettings) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if settings.ca_file is not None:
        context.load_verify_locations(cafile=str(settings.ca_file))
    return context


def _reply(error: smtplib.SMTPResponseException) -> str:
    text = error.smtp_error
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{error.smtp_code} {' '.join(str(text).split())}".strip()


_OS_REASONS = {
    errno.ECONNREFUSED: "connexion refusée : aucun serveur n'écoute sur ce port",
    errno.ECONNRESET: "connexion interrompue par le serveur",
    errno.EHOSTUNREACH: "machine injoignable",
    errno.ENETUNREACH: "réseau injoignable",
    errno.ETIMEDOUT: "délai dépassé",
}


def _os_reason(error: OSError) -> str:
    return _OS_REASONS.get(error.errno or 0) or str(error.strerror or error)


class _Tracking:
    """What the server acknowledged so far: recipients accepted, message body sent, and the
    250 reply to the data that makes the message the server's responsibility."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        self.accepted: list[str] = []
        self.body_sent = False
        self.delivered = False
        self._in_data = False
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]

    def rcpt(self, recip: str, options: object = ()) -> tuple[int, bytes]:
        code, reply = super().rcpt(recip, options)  # type: ignore[misc]
        if code in (250, 251):
            self.accepted.append(recip)
        return code, reply

    def data(self, msg: bytes | str) -> tuple[int, bytes]:
        self._in_data = True
        try:
            code, reply = super().data(msg)  # type: ignore[misc]
        finally:
            self._in_data = False
        if code == 250:
            self.delivered = True
        return code, reply

    def send(self, s: bytes | str) -> None:
        super().send(s)  # type: ignore[misc]
        if self._in_data and isinstance(s, bytes):  # the body (commands are str)
            self.body_sent = True


class _SMTP(_Tracking, smtplib.SMTP):
    pass


class _SMTP_SSL(_Tracking, smtplib.SMTP_SSL):
    pass


def _close(client: smtplib.SMTP) -> str:
    """Say goodbye (QUIT) and close; return a French note (a full sentence) when the goodbye
    went wrong: the message is already accepted, that changes nothing to its sending."""
    trouble = ""
    try:
        code, reply = client.docmd("QUIT")
        if code != 221:
            text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
            trouble = f"le serveur a répondu {quote(f'{code} {one_line(text)}')} à la déconnexion"
    except (smtplib.SMTPException, OSError) as error:
        trouble = f"la connexion s'est mal terminée ({one_line(error) or type(error).__name__})"
    finally:
        client.close()
    if not trouble:
        return ""
    return (
        f"Remarque : {trouble}, après que le serveur a accepté le message (réponse 250) : "
        "il est bien envoyé, ne le renvoyez pas."
    )


def _connect(settings: SmtpSettings, timeout: float) -> smtplib.SMTP:
    if settings.security == SSL:
        return _SMTP_SSL(
            settings.host, settings.port, timeout=timeout, context=_ssl_context(settings)
        )
    return _SMTP(settings.host, settings.port, timeout=timeout)


def _session(
    client: smtplib.SMTP, message: EmailMessage, settings: SmtpSettings, recipient: str
) -> None:
    """EHLO, STARTTLS, login, then the message; raises what smtplib raises."""
    client.ehlo()
    if settings.security == STARTTLS:
        if not client.has_extn("starttls"):
            raise SendError(
                f"Le serveur {settings.described} ne propose pas STARTTLS : rien n'a été envoyé "
                "en clair. Vérifiez le port et la sécurité (TRESO_SMTP_SECURITE=ssl pour le "
                "port 465)."
            )
        client.starttls(context=_ssl_context(settings))
        client.ehlo()
    if settings.user:
        client.login(settings.user, settings.password or "")
    client.send_message(message, from_addr=settings.from_address, to_addrs=[recipient])


def send_message(message: EmailMessage, settings: SmtpSettings, timeout: float = TIMEOUT) -> str:
    """Send `message` to its `To` address through the server of `settings`; return "" or a
    French note on a goodbye that went wrong after the server had accepted the message.

    STARTTLS (`starttls`, required: no fallback to clear text), implicit TLS (`ssl`) or no
    encryption (`aucune`, for a local relay); login when a user is set. Once the server has
    answered 250 to the message's data, the message is sent: whatever happens next only adds
    a note. Before that, raises SendError with a French explanation saying what the server
    had accepted (refused login, unreachable server, rejected recipient, message refused or
    left unacknowledged, certificate, TLS); the password is never part of a message.
    """
    recipient = str(message["To"])
    sender = settings.from_address
    if settings.user and not settings.password:
        raise SendError(
            f"Aucun mot de passe SMTP pour « {settings.user} » : définissez la variable "
            f"{PASSWORD_ENV}, ou enregistrez-le dans le trousseau du système "
            f"(keyring set {KEYRING_SERVICE} {settings.user}). Rien n'a été envoyé."
        )
    client: smtplib.SMTP | None = None
    try:
        client = _connect(settings, timeout)
        _session(client, message, settings, recipient)
    except Exception as error:
        tracked = client if isinstance(client, _Tracking) else None
        if tracked is not None and tracked.delivered:  # 250 to the data, then a failure
            return _close(client) if client is not None else ""
        if client is not None:
            client.close()
        failure = _failure(error, settings, sender, recipient, tracked, timeout)
        if failure is error:  # our own SendError, or a bug: as it is
            raise
        raise failure from error
    return _close(client)


def _failure(
    error: Exception,
    settings: SmtpSettings,
    sender: str,
    recipient: str,
    tracked: _Tracking | None,
    timeout: float,
) -> Exception:
    """The SendError saying what went wrong and what the server had accepted before; `error`
    itself when it is already a SendError or not a sending failure at all."""
    if isinstance(error, SendError):
        return error
    server = settings.described
    accepted = ", ".join(quote(a) for a in tracked.accepted) if tracked else ""
    if (
        tracked is not None
        and tracked.body_sent
        and not isinstance(error, smtplib.SMTPResponseException)
    ):
        return SendError(
            f"Le serveur {server} a reçu le message pour {accepted} mais la connexion a été "
            f"coupée avant qu'il n'en confirme la réception ({error or type(error).__name__}) : "
            "il a peut-être été envoyé. Vérifiez auprès du destinataire (ou dans les messages "
            "envoyés de votre messagerie) avant de le renvoyer."
        )
    if accepted:
        if isinstance(error, smtplib.SMTPResponseException):
            what = f"a refusé le message ({_reply(error)})"
        else:
            cause = error or "sans explication"
            what = f"a coupé la connexion avant de recevoir le message ({cause})"
        return SendError(
            f"Le serveur {server} a accepté l'adresse {accepted} puis {what} : le message n'a "
            "pas été accepté. Rien n'a été envoyé."
        )
    return _before_recipients(error, settings, sender, recipient, timeout)


def _before_recipients(
    error: Exception, settings: SmtpSettings, sender: str, recipient: str, timeout: float
) -> Exception:
    """The SendError for a failure before any recipient was accepted."""
    server = settings.described
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return SendError(
            f"Le serveur {server} a refusé l'identification de « {settings.user} » "
            f"({_reply(error)}) : vérifiez l'identifiant et le mot de passe (certains "
            "fournisseurs demandent un mot de passe d'application). Rien n'a été envoyé."
        )
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        detail = "; ".join(
            f"{code} {reply.decode('utf-8', 'replace') if isinstance(reply, bytes) else reply}"
            for code, reply in error.recipients.values()
        )
        return SendError(
            f"Le serveur {server} a refusé l'adresse du comptable « {recipient} » ({detail}) : "
            "vérifiez « Email du comptable » dans la feuille « Paramètres ». Rien n'a été "
            "envoyé."
        )
    if isinstance(error, smtplib.SMTPSenderRefused):
        return SendError(
            f"Le serveur {server} a refusé l'adresse d'expédition « {sender} » "
            f"({_reply(error)}) : vérifiez TRESO_SMTP_EXPEDITEUR. Rien n'a été envoyé."
        )
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return SendError(
            f"Le serveur {server} n'accepte pas l'identification sur cette connexion ({error}) : "
            "utilisez TRESO_SMTP_SECURITE=starttls ou ssl. Rien n'a été envoyé."
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return SendError(
            f"Le serveur {server} a refusé le message ({_reply(error)}). Rien n'a été envoyé."
        )
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return SendError(
            f"Le serveur {server} a coupé la connexion ({error or 'sans explication'}) : "
            "vérifiez le port et la sécurité (ssl pour le port 465, starttls pour 587). Rien "
            "n'a été envoyé."
        )
    if isinstance(error, smtplib.SMTPException):
        return SendError(f"Échec de l'envoi par {server} ({error}). Rien n'a été envoyé.")
    if isinstance(error, ssl.SSLCertVerificationError):
        return SendError(
            f"Le certificat du serveur {server} n'est pas reconnu ({error.verify_message}) : "
            "vérifiez le nom du serveur, ou indiquez son autorité de certification dans "
            "TRESO_SMTP_CA. Rien n'a été envoyé."
        )
    if isinstance(error, ssl.SSLError):
        return SendError(
            f"La connexion chiffrée avec {server} a échoué ({error.reason or error}) : vérifiez "
            "la sécurité (ssl pour le port 465, starttls pour 587). Rien n'a été envoyé."
        )
    if isinstance(error, socket.gaierror):
        return SendError(
            f"Serveur SMTP « {settings.host} » introuvable ({error.strerror or error}) : "
            "vérifiez son nom et la connexion à Internet. Rien n'a été envoyé."
        )
    if isinstance(error, TimeoutError):
        return SendError(
            f"Le serveur SMTP {server} ne répond pas (délai de {timeout:g} s dépassé) : "
            "vérifiez le nom, le port et la connexion à Internet. Rien n'a été envoyé."
        )
    if isinstance(error, OSError):
        return SendError(
            f"Impossible de joindre le serveur SMTP {server} ({_os_reason(error)}) : "
            "vérifiez le nom, le port et la connexion à Internet. Rien n'a été envoyé."
        )
    return error


# --- Drafts -----------------------------------------------------------------------------------


def write_eml_draft(message: EmailMessage, path: Path, backup: bool = False) -> Path:
    """Write `message` as an unsent draft (`X-Unsent: 1`: Outlook and Thunderbird open it ready
    to send), in one step; return the file. `message` itself is left unchanged. With `backup`, a
    draft already at `path` is kept as `NAME.bak.eml` (see `write_atomically`)."""
    draft = copy.deepcopy(message)
    if draft.get("X-Unsent") is None:
        draft["X-Unsent"] = "1"
    write_atomically(Path(path), draft.as_bytes(), backup=backup)
    return Path(path)


def outlook_running() -> bool:
    """True on Windows when Outlook is running and pywin32 (installed with xlwings) reaches it."""
    if not sys.platform.startswith("win"):
        return False
    try:
        import win32com.client  # pywin32, a dependency of xlwings on Windows
    except ImportError:
        return False
    try:
        win32com.client.GetActiveObject("Outlook.Application")
    except Exception:  # pywintypes.com_error: Outlook is not running
        return False
    return True


def open_outlook_draft(message: EmailMessage, attachment: Path) -> None:
    """Open a new Outlook message (To, subject, body, the export attached) for the user to check
    and send. Raises SendError when Outlook cannot be reached."""
    try:
        import win32com.client

        outlook = win32com.client.GetActiveObject("Outlook.Application")
        mail = outlook.CreateItem(OUTLOOK_MAIL_ITEM)
        mail.To = str(message["To"])
        mail.Subject = str(message["Subject"])
        text = message.get_body(preferencelist=("plain",))
        mail.Body = text.get_content() if text is not None else ""
        mail.Attachments.Add(str(Path(attachment).resolve()))
        mail.Display(False)
    except Exception as error:  # ImportError, pywintypes.com_error, …
        raise SendError(
            f"Impossible de préparer le message dans Outlook ({error}). Le fichier est à joindre "
            "à la main."
        ) from error
