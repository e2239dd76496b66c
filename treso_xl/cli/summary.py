"""The plan and the Contrôles findings as plain text for the terminal."""

from __future__ import annotations

from treso_xl.core.checks import ERREUR, Finding, group_findings
from treso_xl.core.plan import CashPlan
from treso_xl.french import euros, month_short, quote
from treso_xl.layout.controles import summary_text


def plan_table(plan: CashPlan, entreprise: str) -> str:
    """Month by month: opening, receipts, disbursements, closing, low point, alert mark."""
    headers = ["Mois", "Ouverture", "Encaissements", "Décaissements", "Clôture", "Point bas", ""]
    rows = []
    for month in plan.months:
        rows.append(
            [
                month_short(month),
                euros(plan.opening[month]),
                euros(plan.total_in[month]),
                euros(plan.total_out[month]),
                euros(plan.closing[month]),
                euros(plan.low[month]),
                "◄ sous le seuil" if plan.below[month] else "",
            ]
        )
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        middle = [c.rjust(w) for c, w in zip(cells[1:-1], widths[1:-1], strict=True)]
        return "  ".join([first, *middle, cells[-1]]).rstrip()

    title = f"Plan de trésorerie — {entreprise} (seuil d'alerte : {euros(plan.threshold)})"
    out = [title, "", line(headers), "  ".join("-" * w for w in widths[:-1])]
    out += [line(r) for r in rows]
    overdue = float(plan.overdue_memo.sum())
    if overdue:
        out.append("")
        out.append(f"Retards clients à encaisser (non compris dans les soldes) : {euros(overdue)}")
    return "\n".join(out)


def controles_lines(findings: list[Finding], limit: int = 5) -> list[str]:
    """The Contrôles counts, then the first `limit` errors (sheet, rows, finding), for the
    terminal: « Contrôles : 2 erreurs, 5 avertissements, 0 conseil. » and one line per error,
    counted as the Contrôles tab shows them (identical findings of several rows are one line)."""
    errors = [g for g in group_findings(findings) if g.finding.gravite == ERREUR]
    lines = [f"Contrôles : {summary_text(findings)}."]
    if not errors:
        return lines
    plural = "s" if len(errors) > 1 else ""
    lines.append(f"Erreur{plural} à corriger :")
    for group in errors[:limit]:
        where = quote(group.finding.feuille)
        if len(group.lignes) == 1:
            where += f", ligne {group.lignes[0]}"
        lines.append(f"  - {where} : {group.constat}")
    if len(errors) > limit:
        rest = len(errors) - limit
        lines.append(f"  … et {rest} autre{'s' if rest > 1 else ''}.")
    return lines
