"""The `batch` command: every workbook of a folder refreshed, and a summary workbook."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import click

from treso_xl.batch import SUMMARY_NAME
from treso_xl.cli.dates import parse_date
from treso_xl.cli.outcome import EXIT_DATA, EXIT_USAGE, expected_failures, fail
from treso_xl.french import count, quote

NBSP = "\u00a0"


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def register(cli: click.Group) -> None:
    """Add the `batch` command to the group."""

    @cli.command("batch", short_help="Actualiser tous les classeurs d'un dossier.")
    @click.argument("dossier", type=click.Path(exists=True, file_okay=False, path_type=Path))
    @click.option(
        "-j",
        "--jobs",
        type=click.IntRange(min=1),
        default=None,
        metavar="N",
        help=f"Nombre de classeurs actualisés en même temps (par défaut{NBSP}: un par "
        f"processeur, ici {_cores()}).",
    )
    @click.option(
        "-o",
        "--sortie",
        type=click.Path(dir_okay=False, path_type=Path),
        help=f"Classeur de synthèse à écrire (par défaut{NBSP}: {quote(SUMMARY_NAME)} dans "
        "DOSSIER).",
    )
    @click.option(
        "--dossier-sortie",
        type=click.Path(file_okay=False, path_type=Path),
        help="Écrire les classeurs actualisés dans ce dossier, sous le même nom, au lieu de "
        "mettre à jour ceux de DOSSIER (qui ne sont alors que lus).",
    )
    @click.option(
        "--date-reference",
        "date_reference",
        metavar="JJ/MM/AAAA",
        help="Date de référence des classeurs dont la feuille Paramètres n'en donne pas "
        "(par défaut : aujourd'hui).",
    )
    def batch_cmd(
        dossier: Path,
        jobs: int | None,
        sortie: Path | None,
        dossier_sortie: Path | None,
        date_reference: str | None,
    ) -> None:
        """Actualiser tous les classeurs .xlsx et .xlsm de DOSSIER (par exemple un classeur
        par client), plusieurs à la fois, puis écrire un classeur de synthèse\u00a0: une ligne par
        classeur avec son solde aujourd'hui, le mois le plus bas et son solde, les retards
        clients, le nombre d'erreurs et, s'il n'a pas pu être actualisé, pourquoi.

        Chaque classeur est mis à jour sur place comme avec «\u00a0treso-xl refresh\u00a0» (version
        précédente gardée dans NOM.bak.xlsx, rien d'écrit dans un classeur ouvert), ou copié
        actualisé dans --dossier-sortie. Un classeur en erreur n'arrête pas les autres.
        Les copies NOM.bak.xlsx et la synthèse elle-même ne sont pas actualisées.

        Codes de sortie\u00a0: 0 tous actualisés, 1 au moins un classeur a des données à corriger,
        2 au moins un classeur n'a pas pu être lu ou écrit."""
        from treso_xl.batch import DATA, OK, run_batch, summary_workbook, workbooks
        from treso_xl.progress import on_terminal, phase
        from treso_xl.render.safe_write import check_writable, write_atomically

        today = parse_date(date_reference)
        summary = sortie if sortie is not None else dossier / SUMMARY_NAME
        if summary.suffix.lower() != ".xlsx":
            fail(f"{quote(summary)}{NBSP}: le nom de la synthèse doit finir par .xlsx.", EXIT_USAGE)
        if dossier_sortie is not None:
            if dossier_sortie.resolve() == dossier.resolve():
                fail(
                    "--dossier-sortie est le dossier des classeurs : omettez l'option pour les "
                    "mettre à jour sur place.",
                    EXIT_USAGE,
                )
            try:
                dossier_sortie.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                fail(f"Impossible de créer {quote(dossier_sortie)}{NBSP}: {error.strerror}.")
        with expected_failures():
            check_writable(summary, action="l'écriture de la synthèse")
        sources = workbooks(dossier, exclude=(summary,))
        if not sources:
            fail(f"Aucun classeur .xlsx ou .xlsm dans {quote(dossier)}.", EXIT_USAGE)
        with on_terminal() as shown:
            phase(f"Actualisation de {count(len(sources), 'classeur')}")
            outcomes = run_batch(sources, dossier_sortie, jobs or _cores(), today, shown.counter)
            phase("Écriture de la synthèse")
            data = summary_workbook(outcomes, today or dt.date.today())
            with expected_failures():
                write_atomically(summary, data)
        refreshed = sum(1 for outcome in outcomes if outcome.statut == OK)
        to_fix = sum(1 for outcome in outcomes if outcome.statut == DATA)
        failed = len(outcomes) - refreshed - to_fix
        for outcome in outcomes:
            if outcome.statut != OK:
                first = outcome.message.splitlines()[0] if outcome.message else ""
                click.echo(f"{outcome.fichier}{NBSP}: {outcome.statut.lower()} — {first}")
        parts = [f"{refreshed} actualisé{'s' if refreshed > 1 else ''}"]
        if to_fix:
            parts.append(f"{to_fix} avec des données à corriger")
        if failed:
            parts.append(f"{failed} en échec")
        click.echo(f"{count(len(outcomes), 'classeur')}{NBSP}: {', '.join(parts)}.")
        click.echo(f"Synthèse écrite{NBSP}: {summary}")
        if failed:
            sys.exit(EXIT_USAGE)
        if to_fix:
            sys.exit(EXIT_DATA)
