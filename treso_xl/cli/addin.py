"""The `treso-xl addin` commands: build the ribbon add-in, install, remove, status, diagnostic."""

from __future__ import annotations

from pathlib import Path

import click

from treso_xl.cli.outcome import fail


def _build(dossier: Path, win: str | None, mac: str | None, pythonpath: str) -> None:
    from treso_xl.excel.addin_build import AddinBuildError, build_addins, current_interpreters

    try:
        paths = build_addins(dossier, win, mac, pythonpath)
    except AddinBuildError as error:
        fail(f"Construction impossible : {error}")
        return
    except OSError as error:
        fail(f"Impossible d'écrire dans « {dossier} » : {error.strerror or error}.")
        return
    for path in paths:
        click.echo(f"Complément écrit : {path}")
    default_win, default_mac = current_interpreters()
    used_win = default_win if win is None else win
    used_mac = default_mac if mac is None else mac
    click.echo(f"Python sous Windows : {used_win or '(non renseigné)'}")
    click.echo(f"Python sous macOS : {used_mac or '(non renseigné)'}")
    if not used_win and not used_mac:
        click.echo(
            "Aucun interpréteur renseigné : précisez --python-windows ou --python-mac, ou "
            "construisez les compléments sur le poste qui lance Excel (« treso-xl addin install »)."
        )


def register(group: click.Group) -> None:
    """Add the `addin` group (build, install, remove, status) to the `treso-xl` command."""
    if "addin" in group.commands:
        return

    @group.group(
        "addin",
        cls=type(group),
        subcommand_metavar="COMMANDE [ARGUMENTS]...",
        short_help="Construire et installer l'onglet « Trésorerie » d'Excel.",
    )
    def addin() -> None:
        """L'onglet « Trésorerie » du ruban d'Excel (Windows et macOS) : Actualiser, Vérifier,
        Relances, Envoyer au comptable, Diagnostic.

        Un seul complément Excel, treso-xl.xlam, construit à partir du modèle de xlwings, porte
        tout l'onglet.
        """

    @addin.command("build", short_help="Construire le complément (.xlam), sans Excel.")
    @click.argument(
        "dossier",
        required=False,
        default=".",
        type=click.Path(file_okay=False, path_type=Path),
    )
    @click.option(
        "--python-windows",
        "win",
        metavar="CHEMIN",
        help="python.exe à lancer sous Windows (par défaut : celui-ci, si vous êtes sous Windows).",
    )
    @click.option(
        "--python-mac",
        "mac",
        metavar="CHEMIN",
        help="python à lancer sous macOS (par défaut : celui-ci, si vous êtes sous macOS).",
    )
    @click.option(
        "--pythonpath",
        default="",
        metavar="DOSSIERS",
        help="Dossiers à ajouter au chemin de Python, séparés par « ; » (rarement utile).",
    )
    def build_cmd(dossier: Path, win: str | None, mac: str | None, pythonpath: str) -> None:
        """Écrire dans DOSSIER (par défaut : le dossier courant) le complément Excel de l'onglet
        « Trésorerie », treso-xl.xlam, réglé pour lancer ce Python. Fonctionne sur tout
        système, sans Excel."""
        _build(dossier, win, mac, pythonpath)

    @addin.command("install", short_help="Installer l'onglet dans Excel (Windows, macOS).")
    @click.option(
        "--global",
        "global_location",
        is_flag=True,
        help="Pour tous les utilisateurs (Windows, invite de commandes administrateur).",
    )
    @click.option(
        "--fonctions",
        is_flag=True,
        help="Importer aussi les fonctions TRESO_… dans Excel (Windows).",
    )
    def install_cmd(global_location: bool, fonctions: bool) -> None:
        """Construire le complément pour ce Python, l'installer dans le dossier de démarrage
        d'Excel et vérifier l'installation. Quittez Excel avant, relancez-le après."""
        from treso_xl.excel.addin_install import AddinInstallError, install

        try:
            states = install(global_location, fonctions)
        except AddinInstallError as error:
            fail(str(error))
            return
        for state in states:
            click.echo(f"Installé : {state.path}")
        click.echo(
            "Relancez Excel : l'onglet « Trésorerie » apparaît à droite de l'onglet Accueil."
        )
        if fonctions:
            click.echo("Fonctions TRESO_… importées (catégorie « Trésorerie »).")

    @addin.command("remove", short_help="Retirer l'onglet d'Excel (Windows, macOS).")
    @click.option("--global", "global_location", is_flag=True, help="Installation globale.")
    def remove_cmd(global_location: bool) -> None:
        """Fermer et supprimer le complément de treso-xl (et ceux des versions précédentes) du
        dossier de démarrage d'Excel."""
        from treso_xl.excel.addin_install import AddinInstallError, remove

        try:
            states = remove(global_location)
        except AddinInstallError as error:
            fail(str(error))
            return
        for state in states:
            click.echo(f"Retiré : {state.path}")

    @addin.command("status", short_help="Dire si l'onglet est installé (Windows, macOS).")
    @click.option("--global", "global_location", is_flag=True, help="Installation globale.")
    def status_cmd(global_location: bool) -> None:
        """Dire si le complément de treso-xl est installé."""
        from treso_xl.excel.addin_install import AddinInstallError, status

        try:
            states = status(global_location)
        except AddinInstallError as error:
            fail(str(error))
            return
        for state in states:
            said = "installé" if state.installed else "absent"
            click.echo(f"{state.file_name} : {said} ({state.path})")
        if not all(state.installed for state in states):
            click.echo("Pour installer : treso-xl addin install")

    @addin.command("diagnostic", short_help="Ce que le support demande (versions, réglages).")
    @click.argument(
        "complement",
        required=False,
        type=click.Path(dir_okay=False, exists=True, path_type=Path),
    )
    def diagnostic_cmd(complement: Path | None) -> None:
        """Afficher les versions et chemins de Python, xlwings et treso-xl, les réglages du
        complément COMPLEMENT (par défaut : celui du dossier de démarrage d'Excel) et si le
        module des fonctions TRESO_… s'importe."""
        from treso_xl.excel.addin_install import AddinInstallError, status
        from treso_xl.excel.diagnostic import lines

        if complement is None:
            try:
                state = status()[0]
                complement = state.path if state.installed else None
            except AddinInstallError:
                complement = None  # Linux, or Excel's folder not found: said in the lines
        for line in lines(complement):
            click.echo(line)
