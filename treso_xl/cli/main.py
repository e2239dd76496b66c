"""The `treso-xl` command line: init, refresh, check, demo."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from treso_xl import __version__
from treso_xl.cli import francais
from treso_xl.cli.addin import register as register_addin
from treso_xl.cli.batch import register as register_batch
from treso_xl.cli.dates import parse_date
from treso_xl.cli.export import register as register_export
from treso_xl.cli.importer import register as register_importer
from treso_xl.cli.outcome import EXIT_DATA, EXIT_USAGE, expected_failures, fail
from treso_xl.errors import FileError
from treso_xl.french import quote
from treso_xl.gc_pause import paused_gc
from treso_xl.progress import on_terminal
from treso_xl.workbooks import sample_path, template_path

if TYPE_CHECKING:  # pandas, openpyxl and the engine are imported by the commands that use them
    from treso_xl.core.checks import Finding

francais.apply()

NBSP = "\u00a0"
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class FrenchGroup(click.Group):
    """A group whose usage line and headings are French."""

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix="Utilisation : ")


class FrenchCommand(click.Command):
    """A command whose usage line is French."""

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix="Utilisation : ")


FrenchGroup.command_class = FrenchCommand

EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _run_refresh(
    source: Path,
    output: Path | None,
    today: dt.date | None = None,
    replace: tuple[str, ...] = (),
):
    """Refresh and turn every expected failure into a French message and an exit code.

    The engine's imports (pandas first) run with the cyclic collector paused: they build
    hundreds of thousands of long-lived objects that its passes would walk again and again.
    """
    with paused_gc():
        from treso_xl.refresh import refresh_file
        from treso_xl.tab_identity import SheetConflictError

    with expected_failures(), on_terminal():
        try:
            return refresh_file(source, output, today, replace)
        except SheetConflictError as error:
            hint = _replace_hint(source, error.conflicts)
            fail(f"{error}\n{hint}" if hint else str(error), EXIT_USAGE)


def _replace_hint(source: Path, conflicts: list[tuple[str, str]]) -> str:
    """How to confirm that sheets bearing a tab's exact name are tabs of an older version."""
    from treso_xl.render.safe_write import backup_path

    legacy = [sheet for sheet, tab in conflicts if sheet == tab]
    if not legacy:
        return ""
    options = " ".join(f'--remplacer-onglet "{sheet}"' for sheet in legacy)
    said = (
        "Vous pouvez aussi confirmer que c'est un onglet d'une version précédente de treso-xl, "
        "qui sera alors remplacé"
        if len(legacy) == 1
        else "Vous pouvez aussi confirmer que ce sont des onglets d'une version précédente de "
        "treso-xl, qui seront alors remplacés"
    )
    return (
        f"{said}{NBSP}: treso-xl refresh {source.name} {options} (la version actuelle du "
        f"classeur restera dans {quote(backup_path(source).name)})."
    )


def _replace_option(
    ctx: click.Context, param: click.Parameter, value: tuple[str, ...]
) -> tuple[str, ...]:
    """Only the names of generated tabs may be given to --remplacer-onglet."""
    from treso_xl.contract import GENERATED_TABS

    for name in value:
        if name not in GENERATED_TABS:
            listed = ", ".join(quote(tab) for tab in GENERATED_TABS)
            raise click.BadParameter(
                f"{quote(name)} n'est pas le nom exact d'un onglet généré par treso-xl ({listed})."
            )
    return value


@click.group(
    cls=FrenchGroup, context_settings=CONTEXT, subcommand_metavar="COMMANDE [ARGUMENTS]..."
)
@click.version_option(
    __version__, "-V", "--version", prog_name="treso-xl", message="%(prog)s, version %(version)s"
)
def cli() -> None:
    """treso-xl : plan de trésorerie, balance âgée, relances et BFR d'une micro-entreprise,
    calculés à partir de votre classeur Excel.

    Les onglets générés (Prévisionnel, …) sont réécrits à chaque actualisation ; vos feuilles,
    formules, graphiques et mises en forme sont conservés tels quels. Une copie de la version
    précédente est gardée à côté du fichier (NOM.bak.xlsx).

    Codes de sortie : 0 succès, 1 données à corriger, 2 erreur d'utilisation ou de fichier.
    """


@cli.command("init", short_help="Créer un classeur vierge à partir du modèle.")
@click.argument("fichier", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Remplacer le fichier s'il existe déjà.")
def init_cmd(fichier: Path, force: bool) -> None:
    """Créer FICHIER, un classeur vierge prêt à remplir (copie du modèle)."""
    if fichier.suffix.lower() not in (".xlsx", ".xlsm"):
        fail(f"« {fichier} » : le nom du classeur doit finir par .xlsx.", EXIT_USAGE)
    if fichier.exists() and not force:
        fail(
            f"« {fichier} » existe déjà ; rien n'a été modifié "
            "(ajoutez --force pour le remplacer).",
            EXIT_USAGE,
        )
    from treso_xl.render.safe_write import check_writable, write_atomically

    try:
        fichier.parent.mkdir(parents=True, exist_ok=True)
        template = template_path().read_bytes()
    except OSError as error:
        fail(f"Impossible de créer « {fichier} » : {error.strerror or error}.", EXIT_USAGE)
    with expected_failures():
        check_writable(fichier, action="la commande")
        saved = write_atomically(fichier, template)  # a replaced workbook keeps a backup
    click.echo(f"Classeur créé : {fichier}")
    if saved is not None:
        click.echo(f"L'ancien classeur est conservé dans « {saved.name} ».")
    click.echo(
        "Remplissez la feuille « Paramètres », puis lancez : treso-xl refresh " + str(fichier)
    )


@cli.command("refresh", short_help="Actualiser les onglets générés d'un classeur.")
@click.argument("fichier", type=EXISTING_FILE)
@click.option(
    "-o",
    "--sortie",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Écrire le résultat dans ce fichier au lieu de mettre FICHIER à jour.",
)
@click.option(
    "--date-reference",
    "date_reference",
    metavar="JJ/MM/AAAA",
    help="Date de référence si la feuille Paramètres n'en donne pas (par défaut : aujourd'hui).",
)
@click.option(
    "--remplacer-onglet",
    "remplacer",
    multiple=True,
    metavar="NOM",
    callback=_replace_option,
    help="Remplacer la feuille NOM, qui porte le nom d'un onglet généré sans que treso-xl "
    "l'ait marquée comme sienne (onglet d'une version précédente, réenregistré par Excel). "
    "Répétable.",
)
def refresh_cmd(
    fichier: Path, sortie: Path | None, date_reference: str | None, remplacer: tuple[str, ...]
) -> None:
    """Actualiser les onglets générés de FICHIER (plan de trésorerie, …)."""
    today = parse_date(date_reference)
    result = _run_refresh(fichier, sortie, today, remplacer)
    if result is None:
        return
    from treso_xl.render.files import conversion_note, converted_from

    report, written = result
    plan = report.plan
    click.echo(f"Classeur actualisé : {written}")
    if converted_from(fichier):
        click.echo(conversion_note(fichier, written))
    flagged = [m.strftime("%m/%Y") for m in plan.months if plan.below[m]]
    if flagged:
        click.echo("Mois sous le seuil d'alerte : " + ", ".join(flagged))
    else:
        click.echo("Aucun mois sous le seuil d'alerte.")
    _echo_controles(report.findings, "le détail est dans l'onglet « Contrôles »")


@cli.command("check", short_help="Vérifier les données sans rien écrire.")
@click.argument("fichier", type=EXISTING_FILE)
@click.option(
    "--date-reference",
    "date_reference",
    metavar="JJ/MM/AAAA",
    help="Date de référence si la feuille Paramètres n'en donne pas (par défaut : aujourd'hui).",
)
def check_cmd(fichier: Path, date_reference: str | None) -> None:
    """Vérifier les données de FICHIER sans rien écrire : lecture de chaque feuille, puis tous
    les contrôles de l'onglet « Contrôles ». Code 1 si une cellule est illisible ou si les
    contrôles trouvent une erreur (les avertissements et conseils ne changent pas le code)."""
    from treso_xl.refresh import compute, read

    with expected_failures(), on_terminal():
        report = compute(read(fichier, parse_date(date_reference)))
    _echo_sheet_conflicts(fichier)
    errors = _echo_controles(
        report.findings, "l'onglet « Contrôles » les liste après actualisation"
    )
    if errors:
        sys.exit(EXIT_DATA)
    click.echo(f"Aucune erreur dans « {fichier.name} ».")


def _echo_sheet_conflicts(fichier: Path) -> None:
    """Warn when a sheet of the user bears a generated tab's name: a refresh would stop."""
    from treso_xl.render.files import XLSX, workbook_format
    from treso_xl.render.package import sheet_conflicts
    from treso_xl.tab_identity import conflict_message

    if workbook_format(fichier) != XLSX:
        return
    try:
        conflicts = sheet_conflicts(fichier.read_bytes())
    except (OSError, FileError):  # the read just succeeded: a file changed under us, said later
        return
    if conflicts:
        message = conflict_message(conflicts).removesuffix(" Rien n'a été modifié.")
        click.echo(f"Attention, l'actualisation s'arrêtera{NBSP}: {message}")
        hint = _replace_hint(fichier, conflicts)
        if hint:
            click.echo(hint)


def _echo_controles(findings: list[Finding], where: str) -> int:
    """Print the Contrôles counts and the first errors; return the number of errors."""
    from treso_xl.cli.summary import controles_lines
    from treso_xl.core.checks import ERREUR

    lines = controles_lines(findings)
    errors = sum(1 for finding in findings if finding.gravite == ERREUR)
    if findings:
        lines[0] = lines[0].removesuffix(".") + f" ({where})."
    for line in lines:
        click.echo(line)
    return errors


@cli.command("relances", short_help="Préparer les e-mails de relance (brouillons .eml).")
@click.argument("fichier", type=EXISTING_FILE)
@click.option(
    "--eml",
    "dossier",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Dossier où écrire un brouillon .eml par relance à envoyer.",
)
@click.option(
    "--date-reference",
    "date_reference",
    metavar="JJ/MM/AAAA",
    help="Date de référence si la feuille Paramètres n'en donne pas.",
)
@click.option(
    "--remplacer",
    is_flag=True,
    help="Réécrire les brouillons déjà présents dans DOSSIER (par défaut, ils sont conservés).",
)
def relances_cmd(fichier: Path, dossier: Path, date_reference: str | None, remplacer: bool) -> None:
    """Écrire dans DOSSIER un brouillon d'e-mail (.eml) par relance due dans FICHIER, au niveau
    atteint (J+1, J+15, J+30 ou rappel avant échéance). Le classeur n'est pas modifié.

    Chaque relance a son propre fichier, au même nom d'une fois sur l'autre ; un brouillon
    déjà présent est conservé tel quel, sauf avec --remplacer. Code 1 si une adresse est
    inutilisable, 2 si un brouillon n'a pas pu être écrit."""
    from treso_xl.cli.outcome import EXIT_DATA
    from treso_xl.mail.drafts import write_drafts
    from treso_xl.refresh import compute, read

    with expected_failures(), on_terminal():
        report = compute(read(fichier, parse_date(date_reference)))
    if not report.reminders:
        click.echo("Aucune relance à faire à la date de référence.")
        return
    with expected_failures():
        drafts = write_drafts(report.reminders, dossier, replace=remplacer)
    for draft in drafts.drafts:
        click.echo(draft.line(replace_option="option --remplacer"))
    click.echo(drafts.summary())
    if drafts.failed:
        sys.exit(EXIT_USAGE)
    if drafts.refused:
        sys.exit(EXIT_DATA)


@cli.command("demo", short_help="Actualiser une copie de l'exemple fourni et l'afficher.")
@click.option(
    "-o",
    "--sortie",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("exemple_graphiste.xlsx"),
    show_default=True,
    help="Où écrire la copie actualisée de l'exemple.",
)
def demo_cmd(sortie: Path) -> None:
    """Actualiser une copie de l'exemple fourni (graphiste indépendante) dans le dossier
    courant et afficher son plan de trésorerie."""
    result = _run_refresh(sample_path(), sortie)
    if result is None:
        return
    from treso_xl.cli.summary import plan_table

    report, written = result
    click.echo(plan_table(report.plan, report.ledger.params.entreprise))
    click.echo("")
    _echo_controles(report.findings, "le détail est dans l'onglet « Contrôles »")
    click.echo(f"\nClasseur écrit : {written.resolve()}")
    click.echo("Ouvrez-le dans Excel ou LibreOffice : onglet « Prévisionnel ».")


register_export(cli)
register_addin(cli)
register_batch(cli)
register_importer(cli)


def main() -> None:
    """Entry point of the `treso-xl` script: no Python traceback reaches the user."""
    try:
        cli(prog_name="treso-xl", standalone_mode=True)
    except Exception as error:  # a bug of ours: say it in French, keep the details on demand
        if os.environ.get("TRESO_XL_DEBUG"):
            raise
        click.echo(
            f"Erreur interne de treso-xl ({type(error).__name__} : {error}). Votre classeur n'a "
            "pas été modifié. Relancez avec la variable TRESO_XL_DEBUG=1 pour le détail et "
            "signalez-nous le problème.",
            err=True,
        )
        sys.exit(EXIT_USAGE)


def run() -> None:
    """The `treso-xl` script and `python -m treso_xl`: main(), then an exit without teardown.

    Tearing a process down once pandas is loaded (a full pass of the collector, then every
    module's objects freed one by one) takes about 0.1 s, as long as a small refresh's whole
    write. By then every file is written, fsynced and closed (render.safe_write) and no thread
    of ours is left: only the standard streams need flushing. `main()` itself, called in a test
    or by another program, keeps the ordinary SystemExit.
    """
    try:
        main()
        code: int = 0
    except SystemExit as stop:
        if stop.code is None or isinstance(stop.code, int):
            code = stop.code or 0
        else:  # sys.exit("message"): Python prints it and exits 1
            print(stop.code, file=sys.stderr)
            code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`treso-xl … | head`): nothing to lose
            code = code or 1
    os._exit(code)


if __name__ == "__main__":
    run()
