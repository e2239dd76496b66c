"""Sending the export: a real SMTP server on 127.0.0.1 (plain, STARTTLS, implicit TLS), French
errors that keep the export, the .eml draft, the settings and where they come from."""

from __future__ import annotations

import contextlib
import dataclasses
import email
import email.header
import email.policy
import shutil
import socket
import ssl
import sys
import types
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import click
import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from click.testing import CliRunner

from treso_xl.cli.export import register
from treso_xl.cli.main import FrenchGroup
from treso_xl.export.naming import export_filename
from treso_xl.export.workbook import build_export, export_workbook, read_input_sheets
from treso_xl.french import euros
from treso_xl.mail import config
from treso_xl.mail.config import SmtpConfigError, SmtpSettings, config_dir, load_settings
from treso_xl.mail.send import (
    SendError,
    accountant_message,
    body,
    of,
    open_outlook_draft,
    outlook_running,
    send_message,
    write_eml_draft,
)
from treso_xl.refresh import compute, read
from treso_xl.workbooks import sample_path

pytestmark = [
    pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS"),
    pytest.mark.filterwarnings("ignore:Session.login_data is deprecated"),
]

SAMPLE = read(sample_path()).params
EXPORT = export_filename(SAMPLE.entreprise, SAMPLE.date_reference)
ACCOUNTANT = SAMPLE.email_comptable
USER, PASSWORD = "atelier@lune.example", "bon-mot-de-passe"


@click.group(cls=FrenchGroup)
def app() -> None:
    """treso-xl (test group with the export commands)."""


register(app)


# --- a real SMTP server on 127.0.0.1 --------------------------------------------------------


class Mailbox:
    """aiosmtpd handler keeping what it receives; refuses recipients at refused.example."""

    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@refused.example"):
            return "550 5.1.1 Destinataire inconnu"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted"


def authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == USER.encode()
        and auth_data.password == PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def ca_file(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


@pytest.fixture(scope="module")
def server_context(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    return context


@contextlib.contextmanager
def smtp_server(mailbox: Mailbox | None = None, **parameters) -> Iterator[tuple[Mailbox, int]]:
    """An aiosmtpd server on 127.0.0.1 and a free port, stopped on exit."""
    mailbox = mailbox or Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, **parameters)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    source = tmp_path / "exemple.xlsx"
    shutil.copy(sample_path(), source)
    return source


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """No SMTP variable from the machine, an empty configuration folder, no keyring."""
    for suffix in (*config.KEYS.values(), "PASSWORD"):
        monkeypatch.delenv(config.ENV_PREFIX + suffix, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setitem(sys.modules, "keyring", None)  # import keyring -> ImportError
    return monkeypatch


def smtp_env(monkeypatch: pytest.MonkeyPatch, port: int, **values: str) -> None:
    monkeypatch.setenv("TRESO_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("TRESO_SMTP_PORT", str(port))
    for key, value in values.items():
        monkeypatch.setenv(f"TRESO_SMTP_{key.upper()}", value)


def envoyer(*args: str):
    return CliRunner().invoke(app, ["envoyer", *args], prog_name="treso-xl")


def attachment_of(raw: bytes) -> tuple[email.message.EmailMessage, bytes, str]:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    parts = list(message.iter_attachments())
    assert len(parts) == 1
    return message, parts[0].get_content(), parts[0].get_filename()


# --- sending --------------------------------------------------------------------------------


def test_plain_smtp_delivers_the_export_byte_for_byte(workbook: Path, clean_env) -> None:
    with smtp_server() as (mailbox, port):
        smtp_env(clean_env, port, securite="aucune", expediteur="atelier@lune.example")
        result = envoyer(str(workbook))
    assert result.exit_code == 0, result.output
    assert f"Envoyé à {ACCOUNTANT} par 127.0.0.1:{port} (sans chiffrement)" in result.output
    export = workbook.parent / EXPORT
    [envelope] = mailbox.envelopes
    assert envelope.mail_from == "atelier@lune.example"
    assert envelope.rcpt_tos == [ACCOUNTANT]
    message, data, filename = attachment_of(envelope.content)
    assert data == export.read_bytes()
    assert filename == EXPORT
    assert message["To"] == ACCOUNTANT
    summary = build_export(compute(read(workbook)), read_input_sheets(workbook)).summary
    reference = SAMPLE.date_reference.strftime("%d/%m/%Y")
    assert message["Subject"] == f"Trésorerie {SAMPLE.entreprise} — situation au {reference}"
    text = message.get_body(("plain",)).get_content()
    assert text.replace("\r\n", "\n") == body(summary, EXPORT)
    assert f"classeur de trésorerie {of(SAMPLE.entreprise)} (SIREN {SAMPLE.siren})" in text
    assert f"du 01/01/{SAMPLE.date_reference.year} au {reference}" in text
    assert f"solde bancaire : {euros(summary.balance)} ;" in text
    assert summary.overdue_count > 1
    assert (
        f"factures clients échues non payées : {euros(summary.overdue_total)} "
        f"({summary.overdue_count} factures) ;"
    ) in text


def test_starttls_with_login(
    workbook: Path, clean_env, server_context: ssl.SSLContext, ca_file: Path
) -> None:
    parameters = dict(
        tls_context=server_context,
        require_starttls=True,
        auth_required=True,
        authenticator=authenticator,
    )
    with smtp_server(**parameters) as (mailbox, port):
        smtp_env(clean_env, port, user=USER, password=PASSWORD, ca=str(ca_file))
        result = envoyer(str(workbook))
    assert result.exit_code == 0, result.output
    assert "(STARTTLS)" in result.output
    [envelope] = mailbox.envelopes
    assert envelope.mail_from == USER  # the user name is an address: it is the sender
    _, data, _ = attachment_of(envelope.content)
    assert data == (workbook.parent / EXPORT).read_bytes()


def test_implicit_tls_with_login(
    workbook: Path, clean_env, server_context: ssl.SSLContext, ca_file: Path
) -> None:
    parameters = dict(
        ssl_context=server_context,
        auth_required=True,
        auth_require_tls=False,  # aiosmtpd does not count implicit TLS as TLS for AUTH
        authenticator=authenticator,
    )
    with smtp_server(**parameters) as (mailbox, port):
        smtp_env(clean_env, port, user=USER, password=PASSWORD, ca=str(ca_file), securite="ssl")
        result = envoyer(str(workbook))
    assert result.exit_code == 0, result.output
    assert "(TLS implicite)" in result.output
    [envelope] = mailbox.envelopes
    _, data, _ = attachment_of(envelope.content)
    assert data == (workbook.parent / EXPORT).read_bytes()


def test_refused_login_is_said_in_french_and_keeps_the_export(
    workbook: Path, clean_env, server_context: ssl.SSLContext, ca_file: Path
) -> None:
    parameters = dict(
        tls_context=server_context,
        require_starttls=True,
        auth_required=True,
        authenticator=authenticator,
    )
    with smtp_server(**parameters) as (mailbox, port):
        smtp_env(clean_env, port, user=USER, password="mauvais-secret-123", ca=str(ca_file))
        result = envoyer(str(workbook))
    assert result.exit_code == 2
    assert "a refusé l'identification de « atelier@lune.example »" in result.output
    assert "535" in result.output
    assert "mauvais-secret-123" not in result.output
    assert f"L'export est conservé : {workbook.parent / EXPORT}" in result.output
    assert (workbook.parent / EXPORT).is_file()
    assert not mailbox.envelopes


def test_unreachable_server_is_said_in_french_and_keeps_the_export(
    workbook: Path, clean_env
) -> None:
    port = free_port()  # nothing listens there
    smtp_env(clean_env, port, securite="aucune", expediteur="atelier@lune.example")
    result = envoyer(str(workbook))
    assert result.exit_code == 2
    assert f"Impossible de joindre le serveur SMTP 127.0.0.1:{port}" in result.output
    assert "connexion refusée" in result.output
    assert "L'export est conservé" in result.output
    assert (workbook.parent / EXPORT).is_file()


def test_rejected_recipient_is_said_in_french(workbook: Path, clean_env) -> None:
    export = export_workbook(workbook)
    message = accountant_message(
        export.summary, "compta@refused.example", export.path.read_bytes(), export.path.name, USER
    )
    with smtp_server() as (mailbox, port):
        settings = SmtpSettings("127.0.0.1", port, "aucune", sender=USER)
        with pytest.raises(SendError, match="refusé l'adresse du comptable") as caught:
            send_message(message, settings, timeout=5)
    assert "compta@refused.example" in str(caught.value) and "550" in str(caught.value)
    assert not mailbox.envelopes


def test_tls_errors_are_said_in_french(workbook: Path, clean_env, server_context) -> None:
    export = export_workbook(workbook)
    message = accountant_message(
        export.summary, ACCOUNTANT, export.path.read_bytes(), export.path.name, USER
    )
    with smtp_server(tls_context=server_context) as (_, port):
        # the test CA is not trusted: the certificate is refused, nothing goes in clear
        settings = SmtpSettings("127.0.0.1", port, "starttls", sender=USER)
        with pytest.raises(SendError, match="certificat du serveur"):
            send_message(message, settings, timeout=5)
    with smtp_server() as (_, port):
        # no STARTTLS offered: refused rather than sent in clear
        settings = SmtpSettings("127.0.0.1", port, "starttls", sender=USER)
        with pytest.raises(SendError, match="ne propose pas STARTTLS"):
            send_message(message, settings, timeout=5)
    settings = SmtpSettings("127.0.0.1", 25, "starttls", user=USER, sender=USER)
    with pytest.raises(SendError, match="Aucun mot de passe SMTP"):
        send_message(message, settings, timeout=5)


def test_missing_accountant_address_is_data_to_correct(tmp_path: Path, clean_env) -> None:
    import openpyxl

    source = tmp_path / "exemple.xlsx"
    wb = openpyxl.load_workbook(sample_path())
    ws = wb["Paramètres"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "Email du comptable":
            row[1].value = None
    wb.save(source)
    result = envoyer(str(source))
    assert result.exit_code == 1
    assert "« Email du comptable » est vide" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exemple.xlsx"]  # nothing written


# --- without a server: the draft -------------------------------------------------------------


def test_without_settings_an_unsent_eml_draft_with_the_attachment(
    workbook: Path, clean_env
) -> None:
    result = envoyer(str(workbook))
    assert result.exit_code == 0, result.output
    draft = workbook.parent / EXPORT.replace(".xlsx", ".eml")
    assert "Aucun serveur d'envoi n'est réglé" in result.output
    assert f"Brouillon non envoyé écrit : {draft}" in result.output
    message, data, filename = attachment_of(draft.read_bytes())
    assert message["X-Unsent"] == "1"
    assert message["To"] == ACCOUNTANT
    assert message["From"] is None
    assert data == (workbook.parent / EXPORT).read_bytes()
    assert filename == EXPORT
    assert "Bonjour," in message.get_body(("plain",)).get_content()


def test_draft_even_with_a_server_when_asked(workbook: Path, clean_env) -> None:
    smtp_env(clean_env, free_port(), securite="aucune")
    result = envoyer(str(workbook), "--brouillon", "eml")
    assert result.exit_code == 0, result.output
    assert "Aucun serveur" not in result.output
    draft = workbook.parent / EXPORT.replace(".xlsx", ".eml")
    assert draft.is_file()
    first = draft.read_bytes()
    again = envoyer(str(workbook), "--brouillon", "eml")
    assert again.exit_code == 0, again.output
    kept = workbook.parent / EXPORT.replace(".xlsx", ".bak.eml")
    assert kept.read_bytes() == first  # the earlier draft is kept, never overwritten silently
    assert f"Le brouillon précédent est conservé : {kept}" in again.output


def test_write_eml_draft_leaves_the_message_unchanged(tmp_path: Path, workbook: Path) -> None:
    export = export_workbook(workbook)
    message = accountant_message(export.summary, ACCOUNTANT, b"PK", "x.xlsx")
    path = write_eml_draft(message, tmp_path / "brouillon.eml")
    assert message["X-Unsent"] is None
    assert b"X-Unsent: 1" in path.read_bytes()


def test_outlook_draft_through_com(
    workbook: Path, clean_env, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: dict[str, object] = {}

    class Files:
        def Add(self, path: str) -> None:
            calls["attachment"] = path

    class Mail:
        Attachments = Files()

        def Display(self, modal: bool) -> None:
            calls["displayed"] = modal

    class Outlook:
        def CreateItem(self, kind: int) -> Mail:
            calls["kind"] = kind
            calls["mail"] = Mail()
            return calls["mail"]  # type: ignore[return-value]

    client = types.ModuleType("win32com.client")
    client.GetActiveObject = lambda name: Outlook()  # type: ignore[attr-defined]
    package = types.ModuleType("win32com")
    package.client = client  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "win32com", package)
    monkeypatch.setitem(sys.modules, "win32com.client", client)
    monkeypatch.setattr(sys, "platform", "win32")
    assert outlook_running()

    result = envoyer(str(workbook))
    assert result.exit_code == 0, result.output
    assert "Brouillon ouvert dans Outlook" in result.output
    mail = calls["mail"]
    assert mail.To == ACCOUNTANT  # type: ignore[attr-defined]
    assert mail.Subject.startswith(f"Trésorerie {SAMPLE.entreprise}")  # type: ignore[attr-defined]
    assert "Bonjour," in mail.Body  # type: ignore[attr-defined]
    assert calls["attachment"] == str((workbook.parent / EXPORT).resolve())
    assert calls["displayed"] is False and calls["kind"] == 0

    def broken(name: str) -> None:
        raise OSError("Outlook ne répond pas")

    client.GetActiveObject = broken  # type: ignore[attr-defined]
    assert not outlook_running()
    message = EmailMessage()
    message["To"] = ACCOUNTANT
    message["Subject"] = "Essai"
    message.set_content("Bonjour,")
    with pytest.raises(SendError, match="Impossible de préparer le message dans Outlook"):
        open_outlook_draft(message, workbook)


def test_outlook_is_not_looked_for_elsewhere(
    workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    assert not outlook_running()
    result = envoyer(str(workbook), "--brouillon", "outlook")
    assert result.exit_code == 2 and "que sous Windows" in result.output
    assert sorted(p.name for p in workbook.parent.iterdir()) == ["exemple.xlsx"]


# --- settings --------------------------------------------------------------------------------


def test_settings_from_the_file_and_the_environment(tmp_path: Path, clean_env) -> None:
    folder = tmp_path / "config" / "treso-xl"
    folder.mkdir(parents=True)
    (folder / "smtp.toml").write_text(
        'host = "smtp.exemple.fr"\nuser = "moi@exemple.fr"\nsecurite = "ssl"\n', encoding="utf-8"
    )
    environ = {"XDG_CONFIG_HOME": str(tmp_path / "config"), "TRESO_SMTP_PASSWORD": "s3cret"}
    settings = load_settings(environ)
    assert settings == SmtpSettings(
        "smtp.exemple.fr", 465, "ssl", user="moi@exemple.fr", password="s3cret"
    )
    assert settings.from_address == "moi@exemple.fr"
    assert "s3cret" not in repr(settings)
    environ |= {"TRESO_SMTP_HOST": "relais.local", "TRESO_SMTP_SECURITE": "STARTTLS"}
    settings = load_settings(environ)
    assert (settings.host, settings.port, settings.security) == ("relais.local", 587, "starttls")
    assert load_settings({"XDG_CONFIG_HOME": str(tmp_path / "vide")}) is None
    only_port = {"TRESO_SMTP_PORT": "465", "TRESO_SMTP_HOST": "h"}
    assert load_settings(only_port, tmp_path / "absent.toml").security == "ssl"
    assert load_settings({"TRESO_SMTP_HOST": "h"}, tmp_path / "absent.toml").port == 587


@pytest.mark.parametrize(
    ("text", "environ", "message"),
    [
        ('host = "h"\npassword = "x"\n', {}, "contient un mot de passe"),
        ('host = "h"\nmot_de_passe = "x"\n', {}, "contient un mot de passe"),
        ('host = "h"\nserveur = "x"\n', {}, "Clé inconnue « serveur »"),
        ('host = "h\n', {}, "n'est pas un fichier TOML valide"),
        ('user = "moi"\n', {}, "le serveur est absent"),
        ('host = "h"\nport = 70000\n', {}, "Port SMTP « 70000 » invalide"),
        ("", {"TRESO_SMTP_HOST": "h", "TRESO_SMTP_PORT": "abc"}, "Port SMTP « abc »"),
        ("", {"TRESO_SMTP_HOST": "h", "TRESO_SMTP_SECURITE": "tls"}, "Sécurité SMTP « tls »"),
        ("", {"TRESO_SMTP_HOST": "h", "TRESO_SMTP_CA": "/nulle/part.pem"}, "introuvable"),
    ],
)
def test_bad_settings_are_explained(
    tmp_path: Path, text: str, environ: dict[str, str], message: str
) -> None:
    path = tmp_path / "smtp.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SmtpConfigError, match=message):
        load_settings(environ, path)


def test_bad_settings_keep_the_export(workbook: Path, clean_env) -> None:
    clean_env.setenv("TRESO_SMTP_HOST", "127.0.0.1")
    clean_env.setenv("TRESO_SMTP_SECURITE", "magique")
    result = envoyer(str(workbook))
    assert result.exit_code == 2
    assert "Sécurité SMTP « magique » inconnue" in result.output
    assert "L'export est conservé" in result.output and (workbook.parent / EXPORT).is_file()


def test_no_sender_is_explained() -> None:
    with pytest.raises(SmtpConfigError, match="TRESO_SMTP_EXPEDITEUR"):
        _ = SmtpSettings("h", 587, "starttls", user="identifiant").from_address


def test_password_from_the_keyring(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    asked: list[tuple[str, str]] = []
    fake = types.ModuleType("keyring")

    def get_password(service: str, user: str) -> str | None:
        asked.append((service, user))
        return "du-trousseau"

    fake.get_password = get_password  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keyring", fake)
    environ = {"TRESO_SMTP_HOST": "h", "TRESO_SMTP_USER": "moi"}
    assert load_settings(environ, tmp_path / "absent.toml").password == "du-trousseau"
    assert asked == [("treso-xl", "moi")]
    environ["TRESO_SMTP_PASSWORD"] = "de-l-environnement"
    assert load_settings(environ, tmp_path / "absent.toml").password == "de-l-environnement"

    def locked(service: str, user: str) -> str:
        raise RuntimeError("trousseau verrouillé")

    fake.get_password = locked  # type: ignore[attr-defined]
    del environ["TRESO_SMTP_PASSWORD"]
    assert load_settings(environ, tmp_path / "absent.toml").password is None
    monkeypatch.setitem(sys.modules, "keyring", None)
    assert load_settings(environ, tmp_path / "absent.toml").password is None


def test_config_folder_per_platform() -> None:
    home = {"HOME": "/home/ana"}
    assert config_dir("linux", home) == Path("/home/ana/.config/treso-xl")
    assert config_dir("linux", home | {"XDG_CONFIG_HOME": "/cfg"}) == Path("/cfg/treso-xl")
    assert config_dir("darwin", home) == Path("/home/ana/Library/Application Support/treso-xl")
    windows = {"APPDATA": "C:/Users/ana/AppData/Roaming", "USERPROFILE": "C:/Users/ana"}
    assert config_dir("win32", windows) == Path("C:/Users/ana/AppData/Roaming/treso-xl")


def test_french_elision() -> None:
    assert of("Atelier Lune") == "d'Atelier Lune"
    assert of("Éditions du Lièvre") == "d'Éditions du Lièvre"
    assert of("Studio Pixel") == "de Studio Pixel"


def test_a_company_name_on_two_lines_makes_valid_headers(workbook: Path) -> None:
    summary = export_workbook(workbook).summary
    summary = dataclasses.replace(summary, entreprise="Atelier\nLune\r\nBcc: x@y.z")
    message = accountant_message(summary, ACCOUNTANT, b"PK", "x.xlsx", USER)
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    assert parsed["Subject"].startswith("Trésorerie Atelier Lune Bcc: x@y.z — situation")
    assert parsed["Bcc"] is None
    assert parsed["From"].addresses[0].addr_spec == USER


# --- what the server acknowledged ---------------------------------------------------------


class RudeAtQuit(Mailbox):
    """Accepts the message (250 to the data), then answers QUIT with an error."""

    async def handle_QUIT(self, server, session, envelope):
        return "421 4.3.2 Service en maintenance"


class HangsUpAtQuit(Mailbox):
    """Accepts the message, then drops the connection instead of answering QUIT."""

    async def handle_QUIT(self, server, session, envelope):
        server.transport.abort()
        return "221 Bye"


class RefusesTheData(Mailbox):
    """Accepts the recipient, then refuses the message once received."""

    async def handle_DATA(self, server, session, envelope):
        return "554 5.6.0 Message refuse"


class HangsUpAfterTheData(Mailbox):
    """Receives the whole message, then drops the connection without a reply."""

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        server.transport.abort()
        return "250 Message accepted"


@pytest.mark.parametrize("mailbox", [RudeAtQuit, HangsUpAtQuit])
def test_a_bad_goodbye_after_250_is_still_sent(workbook: Path, clean_env, mailbox) -> None:
    with smtp_server(mailbox()) as (box, port):
        smtp_env(clean_env, port, securite="aucune", expediteur="atelier@lune.example")
        result = envoyer(str(workbook))
    assert result.exit_code == 0, result.output
    assert f"Envoyé à {ACCOUNTANT} par 127.0.0.1:{port}" in result.output
    assert "Rien n'a été envoyé" not in result.output
    assert len(box.envelopes) == 1
    if mailbox is RudeAtQuit:
        assert "Remarque : le serveur a répondu «\u00a0421 4.3.2" in result.output
        assert "il est bien envoyé, ne le renvoyez pas." in result.output


def test_a_bad_goodbye_is_a_note_from_send_message(workbook: Path) -> None:
    export = export_workbook(workbook)
    message = accountant_message(
        export.summary, ACCOUNTANT, export.path.read_bytes(), export.path.name, USER
    )
    with smtp_server(RudeAtQuit()) as (box, port):
        settings = SmtpSettings("127.0.0.1", port, "aucune", sender=USER)
        note = send_message(message, settings, timeout=5)
    assert "421" in note and "il est bien envoyé" in note
    with smtp_server() as (box, port):
        settings = SmtpSettings("127.0.0.1", port, "aucune", sender=USER)
        assert send_message(message, settings, timeout=5) == ""
    assert len(box.envelopes) == 1


def test_a_refused_message_after_an_accepted_recipient_is_said_exactly(workbook: Path) -> None:
    export = export_workbook(workbook)
    message = accountant_message(
        export.summary, ACCOUNTANT, export.path.read_bytes(), export.path.name, USER
    )
    with smtp_server(RefusesTheData()) as (_, port):
        settings = SmtpSettings("127.0.0.1", port, "aucune", sender=USER)
        with pytest.raises(SendError) as caught:
            send_message(message, settings, timeout=5)
    text = str(caught.value)
    assert f"a accepté l'adresse «\u00a0{ACCOUNTANT}\u00a0» puis a refusé le message" in text
    assert "554 5.6.0" in text and "Rien n'a été envoyé." in text


def test_a_cut_after_the_data_is_not_called_unsent(workbook: Path, clean_env) -> None:
    with smtp_server(HangsUpAfterTheData()) as (box, port):
        smtp_env(clean_env, port, securite="aucune", expediteur="atelier@lune.example")
        result = envoyer(str(workbook))
    assert result.exit_code == 2
    assert "Rien n'a été envoyé" not in result.output
    assert "a reçu le message" in result.output and "il a peut-être été envoyé" in result.output
    assert "avant de le renvoyer" in result.output
    assert len(box.envelopes) == 1  # the server did get it


def test_the_message_id_names_the_sender_not_the_accountant(workbook: Path) -> None:
    summary = export_workbook(workbook).summary
    sent = accountant_message(summary, "compta@cabinet.example", b"PK", "x.xlsx", USER)
    assert sent["Message-ID"].endswith("@lune.example>")
    draft = accountant_message(summary, "compta@cabinet.example", b"PK", "x.xlsx")
    assert draft["Message-ID"].endswith("@treso-xl.local>")


def test_the_excel_button_says_sent_after_a_bad_goodbye(
    workbook: Path, clean_env, tmp_path: Path
) -> None:
    import xlwings_standin as standin

    from treso_xl.excel import ribbon

    book = standin.open_book(workbook)
    with smtp_server(RudeAtQuit()) as (box, port):
        smtp_env(clean_env, port, securite="aucune", expediteur="atelier@lune.example")
        assert ribbon.envoyer_au_comptable(book, folder=tmp_path / "export") is not None
    assert len(box.envelopes) == 1
    prompt = standin.alerts(book)[-1]["prompt"]
    assert prompt.startswith(f"Export envoyé à {ACCOUNTANT}")
    assert "421 4.3.2" in prompt and "il est bien envoyé, ne le renvoyez pas." in prompt


def test_long_accented_names_keep_their_spaces(workbook: Path) -> None:
    summary = export_workbook(workbook).summary
    name = "Atelier " + "é" * 30 + " " + "ࠀ" * 11 + " ¡ Lune — " + "ü" * 20 + " fin"
    summary = dataclasses.replace(summary, entreprise=name)
    raw = accountant_message(summary, ACCOUNTANT, b"PK", "x.xlsx", USER).as_bytes()
    head = raw.partition(b"\r\n\r\n")[0].decode("ascii")
    fields: dict[str, str] = {}
    key = ""
    for line in head.split("\r\n"):
        if line.startswith(" "):
            fields[key] += line
        else:
            key, _, value = line.partition(": ")
            fields[key] = value
    decoded = {
        key: str(email.header.make_header(email.header.decode_header(value)))
        for key, value in fields.items()
    }
    assert decoded["Subject"].startswith(f"Trésorerie {name} — situation au ")
    assert decoded["From"] == f"{name} <{USER}>"
