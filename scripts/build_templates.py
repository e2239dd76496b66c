"""Rebuild workbook_templates/*.xlsx from code: python scripts/build_templates.py [output_dir]."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from builders.build import main

if __name__ == "__main__":
    raise SystemExit(main())
