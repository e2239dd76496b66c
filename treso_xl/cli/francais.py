"""Click's own messages (usage, help, errors) in French, applied to click's modules at import."""

from __future__ import annotations

import importlib
import re

FRENCH = {
    "Usage:": "Utilisation :",
    "Options": "Options",
    "Commands": "Commandes",
    "Show this message and exit.": "Afficher cette aide et quitter.",
    "Show the version and exit.": "Afficher la version et quitter.",
    "%(prog)s, version %(version)s": "%(prog)s, version %(version)s",
    "Error: {message}": "Erreur : {message}",
    "Try '{command} {option}' for help.": "Essayez « {command} {option} » pour l'aide.",
    "Missing argument": "Argument manquant",
    "Missing option": "Option manquante",
    "Missing parameter": "Paramètre manquant",
    "Missing parameter: {param_name}": "Paramètre manquant : {param_name}",
    "Missing {param_type}": "{param_type} manquant",
    "Missing command.": "Commande manquante.",
    "No such command {name!r}.": "Commande inconnue : {name!r}.",
    "No such option {name!r}.": "Option inconnue : {name!r}.",
    "Option {name!r} does not take a value.": "L'option {name!r} ne prend pas de valeur.",
    "Invalid value for {param_hint}: {message}": "Valeur invalide pour {param_hint} : {message}",
    "Invalid value: {message}": "Valeur invalide : {message}",
    "Aborted!": "Abandon.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} n'existe pas.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} est un dossier.",
    "{name} {filename!r} is a file.": "{name} {filename!r} est un fichier.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} n'est pas lisible.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} n'est pas modifiable.",
    "{value!r} is not a valid {number_type}.": "{value!r} n'est pas un {number_type} valide.",
    "{value} is not in the range {range}.": "{value} n'est pas dans l'intervalle {range}.",
    "Could not open file {filename!r}: {message}": "Impossible d'ouvrir {filename!r} : {message}",
    "Choose from:\n\t{choices}": "Valeurs possibles :\n\t{choices}",
    "Argument {name!r} takes {nargs} values.": "L'argument {name!r} attend {nargs} valeurs.",
    "default: {default}": "par défaut : {default}",
    "file": "Fichier",
    "directory": "Dossier",
    "path": "Chemin",
    "integer": "entier",
    "float": "nombre",
    "Got unexpected extra argument ({args})": "Argument en trop : {args}",
    "Got unexpected extra arguments ({args})": "Arguments en trop : {args}",
    "Option {name!r} requires an argument.": "L'option {name!r} attend une valeur.",
    "Option {name!r} requires {nargs} arguments.": "L'option {name!r} attend {nargs} valeurs.",
    "Did you mean {possibility}?": "Vouliez-vous dire {possibility} ?",
    "(Possible options: {possibilities})": "(options possibles : {possibilities})",
    "(Did you mean one of: {possibilities}?)": "(Vouliez-vous dire l'une de : {possibilities} ?)",
    "{value!r} is not {choice}.": "{value!r} ne fait pas partie de {choice}.",
    "{value!r} is not one of {choices}.": "{value!r} ne fait pas partie de {choices}.",
    "required": "obligatoire",
    "deprecated": "obsolète",
    "env var: {var}": "variable d'environnement : {var}",
    "(dynamic)": "(dynamique)",
    "Positional arguments": "Arguments",
    "Error: invalid input": "Erreur : saisie invalide",
    "unknown error": "erreur inconnue",
    "{name} {filename!r} is not executable.": "{name} {filename!r} n'est pas exécutable.",
    "Takes {nargs} values but 1 was given.": "Attend {nargs} valeurs, 1 seule donnée.",
    "Takes {nargs} values but {len} were given.": "Attend {nargs} valeurs, {len} données.",
    "{value!r} does not match the format {format}.": "{value!r} ne suit pas le format {format}.",
    "{value!r} does not match the formats {formats}.": (
        "{value!r} ne suit aucun des formats {formats}."
    ),
    "{value!r} is not a valid boolean. Recognized values: {states}": (
        "{value!r} n'est pas une valeur oui/non valide. Valeurs reconnues : {states}"
    ),
}


def translate(message: str) -> str:
    """French for one of click's messages; unknown messages pass through."""
    return FRENCH.get(message, message)


def ntranslate(singular: str, plural: str, n: int) -> str:
    """French for one of click's singular/plural messages."""
    return translate(singular if n == 1 else plural)


# French typography: a no-break space before « : ; ! ? » and inside « », so that wrapping a help
# text never starts a line with them nor leaves a guillemet alone at a line's end.
_BEFORE = re.compile(r" ([:;!?»])")
_AFTER = re.compile(r"« ")


def no_break(text: str) -> str:
    """`text` with the spaces French keeps attached to punctuation made no-break."""
    return _AFTER.sub("«\u00a0", _BEFORE.sub("\u00a0\\1", text))


def apply() -> None:
    """Point click's `_` and `ngettext` at the French table; wrap help texts the French way."""
    for name in ("core", "exceptions", "parser", "types", "decorators", "formatting", "termui"):
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = translate
        if hasattr(module, "ngettext"):
            module.ngettext = ntranslate
    formatting = importlib.import_module("click.formatting")
    wrap = formatting.wrap_text
    if not getattr(wrap, "french", False):

        def wrap_text(text: str, *args: object, **kwargs: object) -> str:
            return wrap(no_break(text), *args, **kwargs)

        wrap_text.french = True  # type: ignore[attr-defined]
        formatting.wrap_text = wrap_text
