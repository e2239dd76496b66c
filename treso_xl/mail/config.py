"""SMTP settings for sending the export: environment or a user file, never the workbook."""

# Where the settings come from, each key taken from the first source that has it:
#
# 1. environment variables TRESO_SMTP_HOST, TRESO_SMTP_PORT, TRESO_SMTP_USER,
#    TRESO_SMTP_SECURITE (starttls | ssl | aucune), TRESO_SMTP_EXPEDITEUR, TRESO_SMTP_CA;
# 2. the file `smtp.toml` in the platform's configuration folder (keys host, port, user,
#    securite, expediteur, ca), which may hold everything except the password.
#
# The password comes from TRESO_SMTP_PASSWORD, else from the system keyring (service
# "treso-xl", the user name as account) when the optional `keyring` package is installed.
# Nothing here ever writes a setting, let alone the password.

from __future__ import annotations

import os
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from treso_xl.errors import FileError

ENV_PREFIX = "TRESO_SMTP_"
CONFIG_FOLDER = "treso-xl"
CONFIG_FILE = "smtp.toml"
KEYRING_SERVICE = "treso-xl"

STARTTLS, SSL, NONE = "starttls", "ssl", "aucune"
SECURITIES = (STARTTLS, SSL, NONE)
DEFAULT_PORTS = {STARTTLS: 587, SSL: 465, NONE: 25}
SECURITY_NAMES = {STARTTLS: "STARTTLS", SSL: "TLS implicite", NONE: "sans chiffrement"}

# File key -> environment variable suffix.
KEYS = {
    "host": "HOST",
    "port": "PORT",
    "user": "USER",
    "securite": "SECURITE",
    "expediteur": "EXPEDITEUR",
    "ca": "CA",
}
PASSWORD_ENV = ENV_PREFIX + "PASSWORD"
_PASSWORD_KEYS = {"password", "mot_de_passe", "motdepasse", "pass", "passwd", "secret"}


class SmtpConfigError(FileError):
    """The SMTP settings are incomplete or invalid; the message says which and where."""


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the outgoing mail server. The password never shows in `repr`."""

    host: str
    port: int
    security: str  # one of SECURITIES
    user: str = ""
    sender: str = ""  # From address; the user name when it is an address
    ca_file: Path | None = None  # extra certificate authority to trust (self-hosted server)
    password: str | None = field(default=None, repr=False)

    @property
    def from_address(self) -> str:
        """The envelope and From address."""
        if self.sender:
            return self.sender
        if "@" in self.user:
            return self.user
        raise SmtpConfigError(
            "L'adresse d'expédition est inconnue : indiquez-la dans la variable "
            f"{ENV_PREFIX}EXPEDITEUR (ou la clé « expediteur » du fichier {CONFIG_FILE})."
        )

    @property
    def described(self) -> str:
        """« smtp.exemple.fr:587 (STARTTLS) »."""
        return f"{self.host}:{self.port} ({SECURITY_NAMES[self.security]})"


def config_dir(platform: str | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """The user's configuration folder for treso-xl on this platform.

    Windows: %APPDATA%\\treso-xl; macOS: ~/Library/Application Support/treso-xl; elsewhere
    $XDG_CONFIG_HOME/treso-xl (default ~/.config/treso-xl).
    """
    platform = platform or sys.platform
    environ = os.environ if environ is None else environ
    home = Path(environ.get("HOME") or environ.get("USERPROFILE") or Path.home())
    if platform.startswith("win"):
        base = environ.get("APPDATA")
        return (Path(base) if base else home / "AppData" / "Roaming") / CONFIG_FOLDER
    if platform == "darwin":
        return home / "Library" / "Application Support" / CONFIG_FOLDER
    base = environ.get("XDG_CONFIG_HOME")
    return (Path(base) if base else home / ".config") / CONFIG_FOLDER


def config_file(platform: str | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """The SMTP settings file: `smtp.toml` in `config_dir()`."""
    return config_dir(platform, environ) / CONFIG_FILE


def _read_file(path: Path) -> dict[str, object]:
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise SmtpConfigError(
            f"Le fichier de réglages « {path} » n'est pas un fichier TOML valide ({exc}) ; "
            'corrigez-le (exemple : host = "smtp.exemple.fr").'
        ) from exc
    except OSError as exc:
        raise SmtpConfigError(
            f"Impossible de lire le fichier de réglages « {path} » ({exc.strerror or exc})."
        ) from exc
    for key in data:
        if key.lower() in _PASSWORD_KEYS:
            raise SmtpConfigError(
                f"Le fichier « {path} » contient un mot de passe (clé « {key} ») : retirez-le. "
                f"Le mot de passe se donne dans la variable {PASSWORD_ENV} ou dans le trousseau "
                f"du système (service « {KEYRING_SERVICE} »), jamais dans un fichier."
            )
        if key not in KEYS:
            raise SmtpConfigError(
                f"Clé inconnue « {key} » dans « {path} » ; clés possibles : {', '.join(KEYS)}."
            )
    return data


def keyring_password(user: str) -> str | None:
    """The password stored in the system keyring for `user`, if `keyring` is installed and has
    one; None otherwise (no keyring is no error: the environment may give the password)."""
    try:
        import keyring  # optional dependency, imported only when needed
    except ImportError:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, user)
    except Exception:  # no backend, locked keyring, D-Bus trouble: as if nothing was stored
        return None


def load_settings(
    environ: Mapping[str, str] | None = None, path: Path | None = None
) -> SmtpSettings | None:
    """The SMTP settings, or None when no server is configured (no host anywhere).

    Raises SmtpConfigError for settings given but unusable (no host, bad port or security,
    a password in the file, a missing certificate file).
    """
    environ = os.environ if environ is None else environ
    path = config_file(environ=environ) if path is None else path
    from_file = _read_file(path)
    values: dict[str, str] = {}
    origin: dict[str, str] = {}
    for key, suffix in KEYS.items():
        name = ENV_PREFIX + suffix
        env_value = environ.get(name, "").strip()
        if env_value:
            values[key], origin[key] = env_value, f"la variable {name}"
        elif key in from_file and str(from_file[key]).strip():
            values[key] = str(from_file[key]).strip()
            origin[key] = f"la clé « {key} » de {path}"

    if not values.get("host"):
        if values:
            given = ", ".join(sorted(origin.values()))
            raise SmtpConfigError(
                f"Réglages SMTP incomplets : le serveur est absent (donné : {given}). "
                f"Indiquez-le dans la variable {ENV_PREFIX}HOST ou la clé « host » de {path}."
            )
        return None

    security = values.get("securite", "").lower() or None
    if security is not None and security not in SECURITIES:
        raise SmtpConfigError(
            f"Sécurité SMTP « {values['securite']} » inconnue ({origin['securite']}) ; "
            f"valeurs possibles : {', '.join(SECURITIES)}."
        )
    port: int | None = None
    if "port" in values:
        try:
            port = int(values["port"])
        except ValueError:
            port = -1
        if not 0 < port < 65536:
            raise SmtpConfigError(
                f"Port SMTP « {values['port']} » invalide ({origin['port']}) : un nombre entre "
                "1 et 65535 est attendu (587 pour STARTTLS, 465 pour TLS implicite)."
            )
    if security is None:
        security = SSL if port == DEFAULT_PORTS[SSL] else STARTTLS
    if port is None:
        port = DEFAULT_PORTS[security]

    ca_file: Path | None = None
    if values.get("ca"):
        ca_file = Path(values["ca"]).expanduser()
        if not ca_file.is_file():
            raise SmtpConfigError(
                f"Le certificat d'autorité « {ca_file} » ({origin['ca']}) est introuvable."
            )

    user = values.get("user", "")
    password = None
    if user:
        password = environ.get(PASSWORD_ENV) or keyring_password(user)
    return SmtpSettings(
        host=values["host"],
        port=port,
        security=security,
        user=user,
        sender=values.get("expediteur", ""),
        ca_file=ca_file,
        password=password,
    )


def configured_sender(environ: Mapping[str, str] | None = None, path: Path | None = None) -> str:
    """The user's own address from the SMTP settings (sender, else a user name that is an
    address), "" when none is set or the settings cannot be read. Never asks for a password."""
    environ = os.environ if environ is None else environ
    try:
        from_file = _read_file(config_file(environ=environ) if path is None else path)
    except SmtpConfigError:
        from_file = {}
    for key in ("expediteur", "user"):
        value = environ.get(ENV_PREFIX + KEYS[key], "").strip() or str(from_file.get(key, ""))
        value = value.strip()
        if "@" in value:
            return value
    return ""
