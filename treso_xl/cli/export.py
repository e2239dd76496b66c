"""The `export` and `envoyer` commands: the workbook for the accountant, written and sent."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from treso_xl.export.workbook import Export
    from treso_xl.refresh import Report

from treso_xl.cli.dates import DATE
from treso_xl.cli.outcome import EXIT_DATA, EXIT_USAGE, expected_failures, fail
from treso_xl.progress import on_terminal

EML, OUTLOOK = "eml", "outlook"




def _common_params() -> list[click.Parameter]:
    return [
        click.Argument(["fichier"], type=click.Path(exists=True, dir_okay=False, path_type=Path)),
        click.Option(
            ["-o", "--sortie"],
            type=click.Path(path_type=Path),
            help="Fichier .xlsx à écrire, ou dossier où l'écrire (par défaut : à côté de "
            "FICHIER, nommé Tresorerie_<Entreprise>_<AAAA-MM>.xlsx).",
        ),
        click.Option(
            ["--du", "debut"],
            type=DATE,
            metavar="JJ/MM/AAAA",
            help="Début de la période des registres (par défaut : 1er janvier de l'année de la "
            "date de référence).",
        ),
        click.Option(
            ["--au", "fin"],
            type=DATE,
            metavar="JJ/MM/AAAA",
            help="Fin de la période des registres (par défaut : la date de référence).",
        ),
        click.Option(
            ["--date-reference", "date_reference"],
            type=DATE,
            metavar="JJ/MM/AAAA",
            help="Date de référence si la feuille Paramètres n'en donne pas (par défaut : "
            "aujourd'hui).",
        ),
    ]


def _build(
    fichier: Path,
    sortie: Path | None,
    debut: dt.date | None,
    fin: dt.date | None,
    date_reference: dt.date | None,
    need_email: bool = False,
) -> tuple[Report, Export, Path]:
    """Read, compute and write the export; every expected failure becomes a French message
    and an exit code, before anything is written."""
    from treso_xl.export.registers import PeriodError, resolve_period
    from treso_xl.export.workbook import build_export, read_input_sheets, write_export
    from treso_xl.refresh import compute, read

    with expected_failures(), on_terminal():
        report = compute(read(fichier, date_reference))
        params = report.ledger.params
        try:
            period = resolve_period(params.date_reference, debut, fin)
        except PeriodError as error:
            fail(f"Période invalide : {error}", EXIT_USAGE)
        if need_email and not params.email_comptable:
            fail(
                "« Email du comptable » est vide dans la feuille « Paramètres » : indiquez "
                "l'adresse de votre comptable ; rien n'a été écrit ni envoyé.",
                EXIT_DATA,
            )
        export = build_export(report, read_input_sheets(fichier), period, fichier.name)
        path = write_export(export, fichier, sortie)
    _warn_if_open(fichier)
    return report, export, path


def _warn_if_open(fichier: Path) -> None:
    """Say that a workbook open in Excel or LibreOffice was read as last saved.

    Reading it is safe (both save a whole new file, never half of one), so the export goes on;
    but changes not yet saved are not in it, and the user should know.
    """
    from treso_xl.render.safe_write import open_lock

    found = open_lock(fichier)
    if found is not None:
        app, _ = found
        click.echo(
            f"Attention : le classeur « {fichier.name} » est ouvert dans {app} : l'export "
            "reflète sa dernière version enregistrée (enregistrez-le puis relancez si vous "
            "l'avez modifié depuis)."
        )


def _echo_export(export: Export, path: Path) -> None:
    click.echo(f"Export écrit : {path}")
    click.echo("Onglets : " + ", ".join(export.tabs) + ".")
    if export.omitted:
        names = ", ".join(f"« {name} »" for name in export.omitted)
        click.echo(f"Feuilles non reprises (personnelles ou mode d'emploi) : {names}.")
    errors = export.summary.errors
    if errors:
        plural = "s" if errors > 1 else ""
        click.echo(
            f"Attention : {errors} erreur{plural} dans les données, listée{plural} dans "
            "l'onglet « Contrôles »."
        )


def export_command(
    fichier: Path,
    sortie: Path | None,
    debut: dt.date | None,
    fin: dt.date | None,
    date_reference: dt.date | None,
) -> None:
    """Écrire l'export pour le comptable de FICHIER : un nouveau classeur .xlsx de valeurs
    seules (aucune formule, macro ni lien externe) avec un sommaire, le livre des recettes, le
    registre des achats (activité de vente), les onglets calculés et les feuilles de saisie.
    FICHIER n'est pas modifié ; un SIREN est nécessaire."""
    _, export, path = _build(fichier, sortie, debut, fin, date_reference)
    _echo_export(export, path)


def envoyer_command(
    fichier: Path,
    sortie: Path | None,
    debut: dt.date | None,
    fin: dt.date | None,
    date_reference: dt.date | None,
    brouillon: str | None,
) -> None:
    """Écrire l'export de FICHIER et l'envoyer à « Email du comptable » (feuille Paramètres)
    avec un court message : période, solde, retards clients.

    Le serveur d'envoi se règle hors du classeur : variables TRESO_SMTP_HOST, TRESO_SMTP_PORT,
    TRESO_SMTP_USER, TRESO_SMTP_SECURITE (starttls, ssl ou aucune), TRESO_SMTP_EXPEDITEUR, ou
    fichier smtp.toml du dossier de configuration ; mot de passe dans TRESO_SMTP_PASSWORD ou le
    trousseau du système. Sans serveur réglé, un brouillon .eml non envoyé est écrit à côté de
    l'export (ou, sous Windows, un brouillon s'ouvre dans Outlook s'il est lancé). L'export
    reste sur le disque dans tous les cas."""
    from treso_xl.errors import FileError, describe
    from treso_xl.mail.config import config_file, load_settings
    from treso_xl.mail.send import (
        SendError,
        accountant_message,
        open_outlook_draft,
        outlook_running,
        send_message,
        write_eml_draft,
    )

    if brouillon == OUTLOOK and not sys.platform.startswith("win"):
        fail("--brouillon outlook n'est possible que sous Windows, Outlook lancé.", EXIT_USAGE)
    report, export, path = _build(fichier, sortie, debut, fin, date_reference, need_email=True)
    _echo_export(export, path)
    recipient = report.ledger.params.email_comptable
    kept = f"L'export est conservé : {path}"
    try:
        attachment = path.read_bytes()
    except OSError as error:
        fail(f"Impossible de relire l'export « {path} » ({error.strerror or error}).", EXIT_USAGE)

    def draft(note: str) -> None:
        message = accountant_message(export.summary, recipient, attachment, path.name)
        eml = path.with_suffix(".eml")
        replaced = eml.exists()
        try:
            write_eml_draft(message, eml, backup=True)
        except FileError as error:
            fail(f"{describe(error)}\n{kept}", EXIT_USAGE)
        click.echo(f"{note}Brouillon non envoyé écrit : {eml}")
        if replaced:
            from treso_xl.render.safe_write import backup_path

            click.echo(f"Le brouillon précédent est conservé : {backup_path(eml)}")
        click.echo(
            "Ouvrez-le dans votre messagerie (Outlook, Thunderbird…), vérifiez-le et "
            f"envoyez-le à {recipient} ; l'export y est joint."
        )

    try:
        settings = None if brouillon else load_settings()
        if settings is not None:
            message = accountant_message(
                export.summary, recipient, attachment, path.name, settings.from_address
            )
            note = send_message(message, settings)
            click.echo(f"Envoyé à {recipient} par {settings.described}, export joint.")
            if note:
                click.echo(note)
            return
        if brouillon == OUTLOOK or (brouillon is None and outlook_running()):
            message = accountant_message(export.summary, recipient, attachment, path.name)
            try:
                open_outlook_draft(message, path)
            except SendError as error:
                if brouillon == OUTLOOK:
                    raise
                draft(f"{error}\n")
                return
            click.echo(
                f"Brouillon ouvert dans Outlook pour {recipient}, export joint : vérifiez-le "
                "puis cliquez sur « Envoyer »."
            )
            return
        if brouillon == EML:
            draft("")
            return
        draft(
            "Aucun serveur d'envoi n'est réglé (variables TRESO_SMTP_… ou fichier "
            f"{config_file()}) : rien n'a été envoyé.\n"
        )
    except (SendError, FileError) as error:
        fail(f"{describe(error)}\n{kept}", EXIT_USAGE)


def register(group: click.Group) -> None:
    """Add the `export` and `envoyer` commands to the `treso-xl` group."""
    command_class = getattr(group, "command_class", None) or click.Command
    group.add_command(
        command_class(
            "export",
            callback=export_command,
            params=_common_params(),
            help=export_command.__doc__,
            short_help="Écrire le classeur à transmettre au comptable (valeurs seules).",
        )
    )
    group.add_command(
        command_class(
            "envoyer",
            callback=envoyer_command,
            params=[
                *_common_params(),
                click.Option(
                    ["--brouillon"],
                    type=click.Choice([EML, OUTLOOK]),
                    help="Ne rien envoyer : écrire un brouillon .eml, ou ouvrir un brouillon "
                    "dans Outlook (Windows), même si un serveur SMTP est réglé.",
                ),
            ],
            help=envoyer_command.__doc__,
            short_help="Écrire l'export et l'envoyer par e-mail au comptable.",
        )
    )
