"""Names of the export and its e-mail draft: company and period, safe on every file system."""

from __future__ import annotations

import datetime as dt

from treso_xl.mail.drafts import safe_filename

PREFIX = "Tresorerie"
COMPANY_LIMIT = 60


def export_stem(entreprise: str, period_end: dt.date) -> str:
    """`Tresorerie_<Entreprise>_<AAAA-MM>`: ASCII letters, digits, - and _ only, so that the
    name is valid on Windows, macOS and Linux and survives any mail client."""
    return f"{PREFIX}_{safe_filename(entreprise, COMPANY_LIMIT)}_{period_end:%Y-%m}"


def export_filename(entreprise: str, period_end: dt.date) -> str:
    """The export's file name, e.g. `Tresorerie_Atelier-Dupont_2026-03.xlsx`."""
    return export_stem(entreprise, period_end) + ".xlsx"
