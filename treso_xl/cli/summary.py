"""The plan as a plain-text table for the terminal."""

from __future__ import annotations

from treso_xl.core.plan import CashPlan
from treso_xl.french import euros, month_short


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
