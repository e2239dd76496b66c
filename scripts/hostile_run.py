"""Hostile run: many damaged or tricky workbooks through the real CLI; counts handled / lost.

Usage: python scripts/hostile_run.py .venv/bin/treso-xl OUT_DIR [--quick]
A case is "handled" when the tool's outcome is the expected one (exit code, message) and no user
data changed; "lost" when user data changed or a misreading went through silently; "crash" when
the tool died (internal error, traceback, signal, timeout, memory).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl

SAMPLE = Path(__file__).resolve().parent.parent / "workbook_templates" / "exemple_graphiste.xlsx"
GENERATED = [
    "Tableau de bord",
    "Prévisionnel",
    "BFR",
    "Dépenses",
    "Balance âgée",
    "Relances",
    "URSSAF",
    "Contrôles",
]
INPUTS = [
    "Paramètres",
    "Encaissements",
    "Décaissements",
    "Factures",
    "Fournisseurs",
    "Stock",
    "Projets",
]
ERRORS = ["#REF!", "#N/A", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!"]
FRENCH = {"#VALUE!": "#VALEUR!", "#NAME?": "#NOM?", "#NUM!": "#NOMBRE!"}

BIN = Path(sys.argv[1]).absolute()
OUT = Path(sys.argv[2])
QUICK = "--quick" in sys.argv


def limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))


def run(*args: str, cwd: Path) -> tuple[int, str]:
    try:
        p = subprocess.run(
            [str(BIN), *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=120,
            preexec_fn=limit,
            env={**os.environ, "LANG": "fr_FR.UTF-8"},
        )
    except subprocess.TimeoutExpired:
        return -999, "TIMEOUT"
    return p.returncode, p.stdout + p.stderr


def refresh(path: Path) -> tuple[int, str]:
    """`treso-xl refresh` of the workbook at `path`, on a fixed reference date."""
    return run("refresh", path.name, "--date-reference", "01/12/2026", cwd=path.parent)


def sheet_parts(path: Path) -> dict[str, str]:
    """Sheet name -> sha of its worksheet part (plus drawings are ignored)."""
    with zipfile.ZipFile(path) as z:
        wb = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        targets = dict(re.findall(r'Id="([^"]+)"[^>]*Target="([^"]+)"', rels))
        targets.update({a: b for b, a in re.findall(r'Target="([^"]+)"[^>]*Id="([^"]+)"', rels)})
        out = {}
        for name, rid in re.findall(r'<sheet [^>]*name="([^"]*)"[^>]*r:id="([^"]+)"', wb):
            t = targets.get(rid, "")
            t = t.lstrip("/") if t.startswith("/") else "xl/" + t
            try:
                out[name] = hashlib.sha1(z.read(t)).hexdigest()
            except KeyError:
                out[name] = "missing"
        return out


def sha(path: Path) -> str | None:
    return hashlib.sha1(path.read_bytes()).hexdigest() if path.exists() else None


def xml_unescape(name: str) -> str:
    return (
        name.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
    )


results: list[dict] = []


def record(case: str, outcome: str, detail: str = "") -> None:
    results.append({"case": case, "outcome": outcome, "detail": detail[:300]})
    print(f"{outcome:8} {case}  {detail[:160]!r}", flush=True)


def crashed(code: int, text: str) -> bool:
    return code not in (0, 1, 2) or "Erreur interne" in text or "Traceback" in text


def edit(path: Path, change: Callable[[openpyxl.Workbook], None]) -> None:
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)


def fresh(name: str, change: Callable[[openpyxl.Workbook], None] | None = None) -> Path:
    """A copy of the sample in its own folder, changed by `change`."""
    folder = OUT / re.sub(r"[^A-Za-z0-9]+", "_", name)[:60]
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    path = folder / "classeur.xlsx"
    shutil.copyfile(SAMPLE, path)
    if change is not None:
        edit(path, change)
    return path


def user_sheet(wb: openpyxl.Workbook, title: str, index: int | None = None) -> None:
    ws = wb.create_sheet(title, index)
    ws["A1"] = "Mes données à moi"
    ws["A2"] = 12345.67
    ws["B2"] = "=A2*2"


BASE_PLAN: str | None = None


def plan_of(path: Path) -> str:
    """The values of the generated Prévisionnel tab, as text."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    try:
        return repr(book.get_sheet_by_name("Prévisionnel").to_python())
    except Exception as exc:
        return f"no plan: {exc}"


# ---- 1. sheet names -------------------------------------------------------------------------


def variants(name: str) -> list[str]:
    import unicodedata

    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    out = [
        name,
        name.upper(),
        name.lower(),
        plain,
        f"{name} (2025)",
        f"{name} (mars 2026)",
        f" {name}",
        f"{name}2",
        name[:-1],
        f"{name} archive",
    ]
    seen, keep = set(), []
    for v in out:
        if v not in seen and len(v) <= 31:
            seen.add(v)
            keep.append(v)
    return keep if not QUICK else keep[:4]


def sheet_name_cases() -> None:
    for gen in GENERATED:
        for v in variants(gen):
            case = f"user sheet named {v!r}"
            path = fresh(case, lambda wb, v=v: user_sheet(wb, v))
            before = sheet_parts(path)
            original = sha(path)
            code1, out1 = refresh(path)
            if crashed(code1, out1):
                record(case, "crash", out1)
                continue
            if code1 != 0:
                ok = sha(path) == original and v.strip() in out1
                record(case, "handled" if ok and code1 == 2 else "lost", f"exit {code1}: {out1}")
                continue
            code2, _out2 = refresh(path)
            after = sheet_parts(path)
            key = v.replace("&", "&amp;")
            same = before.get(key) == after.get(key) and key in after
            record(
                case,
                "handled" if same and code2 == 0 else "lost",
                f"exit {code1}/{code2}; user part kept: {same}",
            )
    # renamed generated tab kept as a snapshot
    for gen in GENERATED[:4] if QUICK else GENERATED:
        case = f"renamed generated tab {gen!r}"
        path = fresh(case)
        code, out = refresh(path)
        if code != 0:
            record(case, "crash" if crashed(code, out) else "lost", out)
            continue
        edit(path, lambda wb, gen=gen: setattr(wb[gen], "title", f"{gen[:18]} (snap)"))
        snap = f"{gen[:18]} (snap)".replace("&", "&amp;")
        before = sheet_parts(path)
        code, out = run(
            "refresh", "classeur.xlsx", "--date-reference", "02/12/2026", cwd=path.parent
        )
        after = sheet_parts(path)
        ok = code == 0 and before.get(snap) == after.get(snap) and snap in after
        record(
            case,
            "handled" if ok else ("crash" if crashed(code, out) else "lost"),
            f"exit {code}; {out[-200:]}",
        )
    # archives of input sheets placed before the real one
    for name in INPUTS:
        for suffix in [" (2024)", " archive", "-old"]:
            case = f"archive {name + suffix!r} before {name!r}"

            def change(wb, name=name, suffix=suffix):
                src = wb[name]
                copy = wb.copy_worksheet(src)
                copy.title = name + suffix
                wb.move_sheet(copy, offset=-(len(wb.sheetnames) - 1 - wb.sheetnames.index(name)))
                # spoil the archive so that reading it would change the figures
                for row in copy.iter_rows(min_row=3):
                    for cell in row:
                        cell.value = None

            path = fresh(case, change)
            code, out = refresh(path)
            if crashed(code, out):
                record(case, "crash", out)
                continue
            same_plan = code == 0 and plan_of(path) == BASE_PLAN
            record(
                case,
                "handled" if code == 0 and same_plan else "lost",
                f"exit {code}; plan as without the archive: {same_plan}",
            )
    for name in INPUTS[1:]:
        import unicodedata

        twin = " " + "".join(
            c for c in unicodedata.normalize("NFKD", name.upper()) if not unicodedata.combining(c)
        )
        case = f"two candidate sheets {name!r} and {twin!r}"

        def change(wb, name=name, twin=twin):
            copy = wb.copy_worksheet(wb[name])
            copy.title = twin

        path = fresh(case, change)
        original = sha(path)
        code, out = refresh(path)
        ok = code in (1, 2) and sha(path) == original and twin in out and name in out
        record(
            case,
            "crash" if crashed(code, out) else ("handled" if ok else "lost"),
            f"exit {code}: {out[:200]}",
        )


# ---- 2. error cells -------------------------------------------------------------------------

ERROR_COLUMNS = [
    ("Factures", "Date de paiement"),
    ("Factures", "Montant payé"),
    ("Factures", "Échéance"),
    ("Factures", "Montant"),
    ("Factures", "Client"),
    ("Encaissements", "Montant"),
    ("Encaissements", "Statut"),
    ("Encaissements", "N° facture"),
    ("Décaissements", "Fin"),
    ("Décaissements", "Montant"),
    ("Fournisseurs", "Date de paiement"),
    ("Stock", "Quantité"),
    ("Projets", "Échéancier"),
]


def error_cases() -> None:
    for sheet, header in ERROR_COLUMNS[:5] if QUICK else ERROR_COLUMNS:
        for err in [*ERRORS, "=formula"]:
            case = f"{err} in {sheet}!{header}"

            def change(wb, sheet=sheet, header=header, err=err):
                ws = wb[sheet]
                col = [c.value for c in ws[1]].index(header) + 1
                ws.cell(row=3, column=col).value = "=A3*1" if err == "=formula" else err

            path = fresh(case, change)
            original = sha(path)
            code, out = refresh(path)
            if crashed(code, out):
                record(case, "crash", out)
                continue
            shown = FRENCH.get(err, err)
            said = ("formule" in out) if err == "=formula" else (shown in out or err in out)
            ok = code == 1 and sha(path) == original and said and "ligne 3" in out
            record(case, "handled" if ok else "lost", f"exit {code}: {out[:200]}")


# ---- 3. odd texts and amounts ---------------------------------------------------------------

TEXTS = [
    "Dupont\nSARL",
    "Dupont\r\nSARL",
    "Tab\tClient",
    "Émoji 😀 client",
    "x" * 3000,
    '=HYPERLINK("http://x")',
    '"Guillemets", <chevrons>; virgule',
    "   ",
    "F/1",
    "F-1",
    "F 1",
    "Fé1",
    "Fe1",
    "مرحبا",
    "\u202e inversé",
]


def text_cases() -> None:
    for field in ("Client", "N° facture", "Libellé", "Email client"):
        for text in TEXTS[:5] if QUICK else TEXTS:
            case = f"text {text[:20]!r} in Factures!{field}"

            def change(wb, field=field, text=text):
                ws = wb["Factures"]
                col = [c.value for c in ws[1]].index(field) + 1
                for row in range(2, 12):  # several rows, to make file names collide
                    if ws.cell(row=row, column=1).value is not None:
                        value = text if field != "N° facture" else f"{text}{row % 2 or ''}"
                        ws.cell(row=row, column=col).value = value

            path = fresh(case, change)
            before = sheet_parts(path)
            code, out = refresh(path)
            if crashed(code, out):
                record(case, "crash", out)
                continue
            code2, out2 = run(
                "relances",
                "classeur.xlsx",
                "--eml",
                "brouillons",
                "--date-reference",
                "01/12/2026",
                cwd=path.parent,
            )
            if crashed(code2, out2):
                record(case, "crash", "relances: " + out2)
                continue
            drafts = list((path.parent / "brouillons").glob("*.eml")) if code2 == 0 else []
            claimed = out2.count("Brouillon écrit")
            after = sheet_parts(path)
            kept = all(after.get(k) == v for k, v in before.items() if xml_unescape(k) in INPUTS)
            ok = kept and claimed == len(drafts) and code in (0, 1)
            record(
                case,
                "handled" if ok else "lost",
                f"refresh {code}, relances {code2}, {claimed} said / {len(drafts)} files",
            )


def amount_cases() -> None:
    cells = [
        ("Encaissements", "Montant", "1.234"),
        ("Décaissements", "Montant", "1.234"),
        ("Factures", "Montant", "2.500"),
        ("Décaissements", "Montant", -45),
        ("Encaissements", "Montant", -45),
        ("Factures", "Montant payé", -10),
        ("Stock", "Quantité", 10**14),
        ("Stock", "Coût unitaire", 9.9e14),
        ("Factures", "Montant", 9.99e14),
        ("Paramètres", "Valeur", "1.500"),
    ]
    for sheet, header, value in cells:
        case = f"{value!r} in {sheet}!{header}"

        def change(wb, sheet=sheet, header=header, value=value):
            ws = wb[sheet]
            col = [c.value for c in ws[1]].index(header) + 1
            row = 3
            if sheet == "Paramètres":
                row = next(r for r in range(2, 30) if ws.cell(r, 1).value == "Solde initial")
            if sheet == "Stock" and header == "Coût unitaire":
                ws.cell(row=row, column=2).value = 10**14
            ws.cell(row=row, column=col).value = value

        path = fresh(case, change)
        original = sha(path)
        code, out = refresh(path)
        if crashed(code, out):
            record(case, "crash", out)
            continue
        refused = code == 1 and sha(path) == original
        if isinstance(value, str) or (isinstance(value, int) and value < 0):
            ok = refused
            if value == -45 and sheet == "Décaissements":
                ok = ok and "encaissement" in out
        else:
            ok = code in (0, 1)
        record(case, "handled" if ok else "lost", f"exit {code}: {out[:200]}")


def header_cases() -> None:
    case = "two headers Montant (HT) / Montant (TTC)"

    def change(wb):
        ws = wb["Factures"]
        col = [c.value for c in ws[1]].index("Montant") + 1
        ws.cell(row=1, column=col).value = "Montant (HT)"
        ws.cell(row=1, column=ws.max_column + 1).value = "Montant (TTC)"

    path = fresh(case, change)
    code, out = refresh(path)
    ok = code == 1 and "Montant (HT)" in out and "Montant (TTC)" in out
    record(case, "crash" if crashed(code, out) else ("handled" if ok else "lost"), out[:200])


# ---- 4. files -------------------------------------------------------------------------------


def bomb(path: Path, size: int, parts: int = 1) -> None:
    """Replace the shared strings with a part of `size` bytes of repeated text (deflated)."""
    src = zipfile.ZipFile(SAMPLE)
    sst_type = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    f'<Relationship Id="rIdBomb" Type="'
                    f'{sst_type}" Target="sharedStrings.xml"/></Relationships>'.encode(),
                )
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" '
                    b'ContentType="application/vnd.openxmlformats-officedocument'
                    b'.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            out.writestr(info, data)
        with out.open("xl/sharedStrings.xml", "w", force_zip64=True) as w:
            w.write(
                b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>'
            )
            chunk = b"A" * 2**20
            for _ in range(size // len(chunk)):
                w.write(chunk)
            w.write(b"</t></si></sst>")


def file_cases() -> None:
    folder = OUT / "files"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    sizes = [2**30] if QUICK else [2**30, 4 * 2**30]
    for size in sizes:
        case = f"zip bomb, one string of {size >> 20} MiB"
        path = folder / f"bomb{size >> 20}.xlsx"
        bomb(path, size)
        original = sha(path)
        for cmd in ("check", "refresh"):
            code, out = run(cmd, path.name, cwd=folder)
            ok = code == 2 and sha(path) == original
            record(
                f"{case} ({cmd})",
                "crash" if crashed(code, out) else ("handled" if ok else "lost"),
                f"exit {code}: {out[:200]}",
            )
    # truncated file
    path = folder / "tronque.xlsx"
    path.write_bytes(SAMPLE.read_bytes()[: SAMPLE.stat().st_size // 2])
    for cmd in ("check", "refresh", "export"):
        code, out = run(cmd, path.name, cwd=folder)
        record(
            f"truncated file ({cmd})",
            "crash" if crashed(code, out) else ("handled" if code == 2 else "lost"),
            out[:200],
        )
    # symlink
    real = folder / "vrai.xlsx"
    shutil.copyfile(SAMPLE, real)
    link = folder / "lien.xlsx"
    link.symlink_to(real.name)
    code, out = refresh(link)
    ok = code == 0 and link.is_symlink() and "Prévisionnel" in sheet_parts(real)
    record("refresh through a symlink", "handled" if ok else "lost", out[:200])
    # locks
    for lock in ("~$verrou.xlsx", ".~lock.verrou.xlsx#"):
        path = folder / "verrou.xlsx"
        shutil.copyfile(SAMPLE, path)
        (folder / lock).write_text("x")
        original = sha(path)
        code, out = run("refresh", path.name, cwd=folder)
        record(
            f"refresh with lock {lock}",
            "handled" if code == 2 and sha(path) == original else "lost",
            out[:200],
        )
        (folder / lock).unlink()
    # user text starting with "=" stays text, then the .bak is a valid workbook
    path = fresh("bak stays valid")
    for _ in range(2):
        refresh(path)
    bak = path.with_name("classeur.bak.xlsx")
    try:
        ok = zipfile.ZipFile(bak).testzip() is None
    except Exception:
        ok = False
    record("backup after two refreshes is a valid workbook", "handled" if ok else "lost")
    leftovers = [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    record("no temp file left", "handled" if not leftovers else "lost", str(leftovers))


def main() -> None:
    global BASE_PLAN
    OUT.mkdir(parents=True, exist_ok=True)
    base = fresh("base")
    code, _out = refresh(base)
    BASE_PLAN = plan_of(base)
    print("base refresh", code)
    sheet_name_cases()
    header_cases()
    error_cases()
    text_cases()
    amount_cases()
    file_cases()
    counts: dict[str, int] = {}
    for r in results:
        counts[r["outcome"]] = counts.get(r["outcome"], 0) + 1
    print(json.dumps({"tried": len(results), **counts}, ensure_ascii=False))
    (OUT / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
