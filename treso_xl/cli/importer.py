"""The `importer` command: bank statements appended to the workbook's Banque sheet."""

from __future__ import annotations

from pathlib import Path

import click

from treso_xl.cli.outcome import EXIT_USAGE, expected_failures, fail

NBSP = "\u00a0"


def register(group: click.Group) -> None:
    """Add the `importer` command to the `treso-xl` command."""
    if "importer" in group.commands:
        return

    @group.command("importer", short_help="Importer des relevés bancaires dans la feuille Banque.")
    @click.argument("classeur", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.argument(
        "releves",
        metavar="RELEVE [RELEVE]...",
        nargs=-1,
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
    )
    @click.option(
        "-o",
        "--sortie",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Écrire le résultat dans ce fichier au lieu de mettre CLASSEUR à jour.",
    )
    @click.option(
        "--creer-format",
        "creer_format",
        is_flag=True,
        help="Ajouter au classeur la feuille « Format relevé », où décrire les colonnes du "
        "relevé CSV d'une banque que treso-xl ne reconnaît pas (aucun relevé n'est alors "
        "importé).",
    )
    def importer_cmd(
        classeur: Path, releves: tuple[Path, ...], sortie: Path | None, creer_format: bool
    ) -> None:
        """Ajouter à la feuille « Banque » de CLASSEUR les opérations des relevés RELEVE
        (OFX/QFX, CSV, CFONB 120, CAMT.053, QIF, MT940), sans jamais compter deux fois une
        opération déjà importée.

        La feuille « Banque » est créée au premier import, puis seulement complétée\u00a0: les
        lignes existantes, et les colonnes Catégorie et Facture que vous avez remplies, ne
        sont jamais réécrites. Chaque opération reçoit une catégorie d'après la feuille
        « Règles bancaires » (créée au premier import, modifiable). Un relevé d'un autre
        compte que l'IBAN de la feuille Paramètres est refusé.

        Tous les relevés sont lus avant d'écrire : au moindre problème, le classeur n'est pas
        modifié. Une copie de la version précédente est gardée (NOM.bak.xlsx).

        Codes de sortie : 0 succès, 1 données à corriger (autre compte, règle invalide),
        2 relevé illisible ou problème de fichier."""
        from treso_xl.bank.importer import create_mapping_sheet, import_files
        from treso_xl.french import quote

        if creer_format:
            if releves:
                fail(
                    "--creer-format ajoute seulement la feuille « Format relevé » : relancez "
                    "ensuite l'import avec les relevés. Rien n'a été modifié.",
                    EXIT_USAGE,
                )
            with expected_failures():
                saved = create_mapping_sheet(classeur)
            if saved is None:
                click.echo(
                    f"La feuille « Format relevé » existe déjà dans {quote(classeur.name)} ; "
                    "rien n'a été modifié."
                )
                return
            click.echo(
                f"Feuille « Format relevé » ajoutée à {quote(classeur.name)} : indiquez-y les "
                "colonnes de votre relevé CSV, puis lancez : treso-xl importer "
                f"{classeur} RELEVE.csv"
            )
            click.echo(f"L'ancienne version est conservée dans {quote(saved.name)}.")
            return
        if not releves:
            fail(
                "Indiquez au moins un relevé à importer, par exemple : treso-xl importer "
                f"{classeur} releve.ofx",
                EXIT_USAGE,
            )
        with expected_failures():
            result = import_files(classeur, list(releves), sortie)
        for line in result.lines():
            click.echo(line)
        if result.written is not None:
            click.echo(f"Classeur mis à jour : {result.written}")
            if result.backup is not None:
                click.echo(f"L'ancienne version est conservée dans {quote(result.backup.name)}.")
        else:
            click.echo("Le classeur n'a pas été modifié.")
