"""A refresh from the command line imports no openpyxl, and writes the same file as with it."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl  # noqa: F401  (loaded here on purpose: its lxml prefixes are registered)

from treso_xl.refresh import refresh_file
from treso_xl.render.xlsx_layout import render_layouts  # noqa: F401  (openpyxl's renderer)

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "workbook_templates" / "exemple_graphiste.xlsx"

CHILD = """
import json, sys
from treso_xl.cli.main import main
sys.argv = ["treso-xl", "refresh", sys.argv[1], "-o", sys.argv[2]]
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.modules if m == "openpyxl" or m.startswith("openpyxl."))))
"""


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_command_line_refresh_imports_no_openpyxl_and_writes_the_same_parts(
    tmp_path: Path,
) -> None:
    fresh = tmp_path / "fresh.xlsx"
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(SAMPLE), str(fresh)],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
    assert fresh.is_file()
    # the same refresh in this process, where openpyxl is loaded
    loaded = tmp_path / "loaded.xlsx"
    refresh_file(SAMPLE, loaded)
    new, old = _parts(fresh), _parts(loaded)
    assert list(new) == list(old)
    for name in old:
        assert new[name] == old[name], name
    assert any(name.startswith("xl/charts/") for name in new)
