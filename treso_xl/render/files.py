"""Write generated tabs into a workbook file on disk: check, render, merge, replace atomically."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from treso_xl.errors import FileError
from treso_xl.layout.model import SheetLayout
from treso_xl.render.package import merge_generated
from treso_xl.render.safe_write import check_writable, write_atomically
from treso_xl.render.xlsx_layout import render_layouts


def write_tabs(source: Path, layouts: Sequence[SheetLayout], output: Path | None = None) -> Path:
    """Put the tabs of `layouts` into the workbook `source`; return the file written.

    Writes in place when `output` is None (keeping the previous version as `<name>.bak.xlsx`),
    else to `output` (backed up too if it already exists). Nothing is written when the target is
    open or read-only, or when anything fails on the way.
    """
    source = Path(source)
    target = Path(output) if output is not None else source
    if not source.is_file():
        raise FileError(f"Le classeur « {source.name} » est introuvable ; rien n'a été modifié.")
    if target.suffix.lower() != source.suffix.lower():
        raise FileError(
            f"Le fichier de sortie « {target.name} » doit avoir la même extension que le classeur "
            f"« {source.name} » ({source.suffix}) ; rien n'a été modifié."
        )
    check_writable(target)
    try:
        original = source.read_bytes()
    except OSError as exc:
        raise FileError(
            f"Impossible de lire le classeur « {source.name} » ({exc.strerror or exc}) ; "
            "rien n'a été modifié."
        ) from exc
    if not layouts:
        merged = original
    else:
        generated = render_layouts(layouts)
        merged = merge_generated(original, generated, [layout.name for layout in layouts])
    in_place = target.resolve() == source.resolve()
    write_atomically(target, merged, backup=in_place or target.exists())
    return target
