"""Benchmark of refresh_file on generated workbooks of 1 000 to 100 000 flow rows, with floors.

Two shapes of workbook: `flux` (a plausible ledger: few findings) and `constats` (many rows
carrying the same finding: forecasts dated in the past, thousands of overdue invoices).
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import importlib.metadata
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (1_000, 10_000)
TARGET_ROWS = 100_000
TARGET_RATIO = 3.0  # refresh time / calamine read time
TARGET_PEAK_MIB = 500.0
LARGE = 50_000  # from this size on, fewer runs (each child takes long)
PHASES = ("read", "compute", "write")  # refresh_file = write_tabs(compute(read(source)))

# Dates of the generated books: one year of history before the opening balance, then the plan.
FIRST_DAY = dt.date(2025, 1, 1)
LAST_DAY = dt.date(2026, 12, 31)
DATE_SOLDE = dt.date(2026, 1, 1)
DATE_REFERENCE = dt.date(2026, 6, 15)  # fixed, so that every run computes the same thing

# Share of the flow rows in each sheet (Décaissements takes the rest).
SHARE_FACTURES = 0.40
SHARE_ENCAISSEMENTS = 0.35

DATE_FORMAT = "dd/mm/yyyy"
AMOUNT_FORMAT = "#,##0.00"

ENCAISSEMENT_HEADERS = (
    "Date", "Libellé", "Client", "Montant", "Catégorie", "Statut", "N° facture",
)  # fmt: skip
DECAISSEMENT_HEADERS = (
    "Date", "Libellé", "Fournisseur", "Montant", "Catégorie", "Récurrence", "Fin", "Statut",
)  # fmt: skip
FACTURE_HEADERS = (
    "N° facture", "Date", "Client", "Type de client", "SIREN client", "Email client", "Libellé",
    "Montant", "Conditions de paiement", "Échéance", "Date de paiement", "Montant payé",
    "Mode de paiement", "Lien de paiement",
)  # fmt: skip

CLIENT_WORDS = (
    "Atelier", "Studio", "Agence", "Librairie", "Boulangerie", "Brasserie", "Cabinet", "Maison",
    "Galerie", "Association", "Collectif", "Imprimerie", "Fromagerie", "Compagnie", "Théâtre",
)  # fmt: skip
CLIENT_NAMES = (
    "Nuage Bleu", "Les Mots Passants", "Au Pain Doré", "Le Comptoir", "Pixel & Papier",
    "des Canuts", "Rive Gauche", "La Fabrique", "Les Tilleuls", "Saint-Georges", "du Vieux Port",
    "Belle Époque", "Horizon", "Les Glycines", "Monplaisir", "Croix-Rousse", "Bellecour",
)  # fmt: skip
INVOICE_WORDINGS = (
    "Création de logo et charte graphique",
    "Maquette de brochure 16 pages",
    "Affiches A2 pour le festival",
    "Retouche de 40 visuels pour un catalogue",
    "Identité visuelle du site internet",
    "Illustrations pour un livre jeunesse (12 planches)",
    "Flyers de promotion, 2 versions",
    "Carte des produits de saison",
    "Mise en page du rapport annuel",
    "Atelier de formation InDesign (1 journée)",
)
TERMS = (
    ("À réception", 0.25),
    ("30 jours", 0.35),
    ("45 jours fin de mois", 0.15),
    ("60 jours", 0.10),
    ("30 jours fin de mois", 0.10),
    ("", 0.05),
)
PAYMENT_MODES = ("Virement", "Carte / lien de paiement", "Chèque", "Espèces", "Prélèvement")
RECEIPT_KINDS = (
    # (libellé, catégorie, with a client, weight, amount range)
    ("Vente de tirages — boutique en ligne", "Ventes", False, 0.45, (15, 400)),
    ("Vente de tirages — marché des créateurs", "Ventes", False, 0.25, (50, 900)),
    ("Commande d'illustration payée à la livraison", "Ventes", True, 0.15, (120, 1_500)),
    ("Remboursement de frais par un client", "Remboursement", True, 0.06, (10, 250)),
    ("Apport personnel", "Apport", False, 0.03, (500, 5_000)),
    ("Subvention régionale", "Subvention", False, 0.01, (1_000, 8_000)),
    ("Droits d'auteur", "Droits", False, 0.05, (40, 1_200)),
)
SPENDING_KINDS = (
    # (libellé, fournisseur, catégorie, weight, amount range)
    ("Papier et encres", "Fournitures Pro", "Fournitures", 0.25, (15, 300)),
    ("Matériel informatique", "Boulanger Pro", "Matériel", 0.08, (80, 2_400)),
    ("Train et hôtel pour un rendez-vous client", "SNCF", "Déplacements", 0.15, (40, 450)),
    ("Impression chez l'imprimeur", "Imprimerie Centrale", "Sous-traitance", 0.20, (60, 1_800)),
    ("Frais bancaires", "Banque Populaire", "Banque", 0.10, (5, 40)),
    ("Repas d'affaires", "", "Frais", 0.12, (15, 120)),
    ("Formation professionnelle", "Organisme de formation", "Formation", 0.05, (150, 1_200)),
    ("Cotisation foncière des entreprises (CFE)", "Impôts", "Impôts", 0.05, (150, 600)),
)
RECURRING_KINDS = (
    # (libellé, fournisseur, catégorie, récurrence, weight, amount range)
    ("Abonnement Adobe Creative Cloud", "Adobe", "Abonnement", "Mensuelle", 0.30, (60, 90)),
    ("Box internet et forfait mobile", "Orange", "Télécom", "Mensuelle", 0.20, (30, 70)),
    ("Poste au coworking", "La Fabrique", "Loyer", "Mensuelle", 0.15, (200, 450)),
    ("Assurance responsabilité civile pro", "MAAF", "Assurance", "Trimestrielle", 0.15, (60, 180)),
    ("Expert-comptable", "Cabinet Martin", "Honoraires", "Trimestrielle", 0.10, (150, 400)),
    ("Nom de domaine et hébergement", "OVH", "Abonnement", "Annuelle", 0.10, (40, 240)),
)
RECURRING_SHARE = 0.10  # of the Décaissements rows


@dataclass(frozen=True)
class Shape:
    """How the generated rows behave: the share of past-due invoices paid, and the share of
    past flows left « Prévu » (a forecast dated in the past: one Contrôles finding each)."""

    name: str
    paid_share: float
    past_forecast: float
    description: str


FLUX = Shape("flux", 0.94, 0.002, "few findings: 0.2 % status slips, 94 % of due invoices paid")
CONSTATS = Shape(
    "constats",
    0.80,
    0.50,
    "many same findings: half the past flows still « Prévu », 80 % of due invoices paid",
)
SHAPES = {shape.name: shape for shape in (FLUX, CONSTATS)}


@dataclass
class Books:
    """Rows of the generated sheets (cells as Python values; None is an empty cell)."""

    parametres: list[list[object]] = field(default_factory=list)
    encaissements: list[list[object]] = field(default_factory=list)
    decaissements: list[list[object]] = field(default_factory=list)
    factures: list[list[object]] = field(default_factory=list)

    @property
    def flow_rows(self) -> int:
        return len(self.encaissements) + len(self.decaissements) + len(self.factures)


# --- generation -------------------------------------------------------------------------------


def split_rows(rows: int) -> tuple[int, int, int]:
    """Rows of Factures, Encaissements and Décaissements for `rows` flow rows in all."""
    factures = round(rows * SHARE_FACTURES)
    encaissements = round(rows * SHARE_ENCAISSEMENTS)
    return factures, encaissements, rows - factures - encaissements


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _due_date(day: dt.date, terms: str) -> dt.date:
    """What the engine computes for these terms (only the wordings generated here)."""
    if terms == "À réception":
        return day
    if terms.endswith("fin de mois"):
        return _month_end(day + dt.timedelta(days=int(terms.split()[0])))
    if terms:
        return day + dt.timedelta(days=int(terms.split()[0]))
    return day + dt.timedelta(days=30)


def _random_day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def _amount(rng: random.Random, bounds: tuple[float, float]) -> float:
    return round(rng.uniform(*bounds), 2)


def _status(rng: random.Random, day: dt.date, shape: Shape = FLUX) -> str:
    """Réalisé up to the reference date, else Prévu; slips, as users make them (a few in the
    `flux` shape; in `constats`, past flows left Prévu much more often than the reverse)."""
    past = day <= DATE_REFERENCE
    status = "Réalisé" if past else "Prévu"
    if rng.random() < (shape.past_forecast if past else FLUX.past_forecast):
        status = "Prévu" if status == "Réalisé" else "Réalisé"
    return status


def _siren(rng: random.Random) -> str:
    from stdnum import luhn

    body = f"{rng.randint(10_000_000, 99_999_999)}"
    return body + luhn.calc_check_digit(body)


def _clients(rng: random.Random, count: int) -> list[tuple[str, str, str, str]]:
    """(name, type, SIREN, email) of `count` distinct clients."""
    clients = []
    for number in range(count):
        name = f"{rng.choice(CLIENT_WORDS)} {rng.choice(CLIENT_NAMES)} {number + 1}"
        slug = f"client{number + 1}"
        if rng.random() < 0.12:
            clients.append((name, "Particulier", "", f"{slug}@example.org"))
        else:
            clients.append((name, "Professionnel", _siren(rng), f"compta.{slug}@example.fr"))
    return clients


def _weighted(rng: random.Random, items: tuple, weight_at: int):
    return rng.choices(items, weights=[item[weight_at] for item in items])[0]


def _factures(rng: random.Random, count: int, shape: Shape = FLUX) -> list[list[object]]:
    """Invoices dated up to the reference date, numbered in date order, mostly paid."""
    clients = _clients(rng, max(10, min(400, count // 25)))
    days = sorted(_random_day(rng, FIRST_DAY, DATE_REFERENCE) for _ in range(count))
    wordings = [w for w, _ in TERMS]
    term_weights = [p for _, p in TERMS]
    rows: list[list[object]] = []
    sequence: dict[int, int] = {}
    for day in days:
        sequence[day.year] = sequence.get(day.year, 0) + 1
        name, kind, siren, email = rng.choice(clients)
        terms = rng.choices(wordings, weights=term_weights)[0]
        due = _due_date(day, terms)
        amount = _amount(rng, (80, 3_500))
        typed_due = due if rng.random() < 0.15 else None
        paid_on = paid = None
        if due < DATE_REFERENCE:
            if rng.random() < shape.paid_share:
                late = rng.randint(-5, 35)
                paid_on = min(max(day, due + dt.timedelta(days=late)), DATE_REFERENCE)
        elif rng.random() < 0.25:
            paid_on = _random_day(rng, day, DATE_REFERENCE)
        if paid_on is not None and rng.random() < 0.03:
            paid = round(amount * 0.5, 2)  # partial payment, the rest stays due
        mode = rng.choice(PAYMENT_MODES)
        link = None
        if mode == "Carte / lien de paiement":
            link = f"https://paiement.example.com/atelier/f{day.year}-{sequence[day.year]:05d}"
        rows.append(
            [
                f"F{day.year}-{sequence[day.year]:05d}",
                day,
                name,
                kind,
                siren or None,
                email,
                rng.choice(INVOICE_WORDINGS),
                amount,
                terms or None,
                typed_due,
                paid_on,
                paid,
                mode,
                link,
            ]
        )
    return rows


def _encaissements(
    rng: random.Random, count: int, factures: list[list[object]], shape: Shape = FLUX
) -> list[list[object]]:
    """Sales, refunds, contributions; about 4 % are the payment of an invoice left unpaid."""
    unpaid = [row for row in factures if row[10] is None]
    rng.shuffle(unpaid)
    linked = unpaid[: min(len(unpaid) // 2, round(count * 0.04))]
    rows: list[list[object]] = []
    for invoice in linked:
        day = _random_day(rng, invoice[1], DATE_REFERENCE)
        rows.append(
            [day, f"Règlement facture {invoice[0]}", invoice[2], invoice[7], "Ventes", "Réalisé",
             invoice[0]]
        )  # fmt: skip
    for _ in range(count - len(linked)):
        label, category, with_client, _, bounds = _weighted(rng, RECEIPT_KINDS, 3)
        day = _random_day(rng, FIRST_DAY, LAST_DAY)
        client = f"{rng.choice(CLIENT_WORDS)} {rng.choice(CLIENT_NAMES)}" if with_client else None
        amount = _amount(rng, bounds)
        rows.append([day, label, client, amount, category, _status(rng, day, shape), None])
    rows.sort(key=lambda row: row[0])
    return rows


def _decaissements(rng: random.Random, count: int, shape: Shape = FLUX) -> list[list[object]]:
    """One-off spendings, and about 10 % of recurring ones (some with an end date)."""
    rows: list[list[object]] = []
    for _ in range(count):
        if rng.random() < RECURRING_SHARE:
            label, supplier, category, recurrence, _, bounds = _weighted(rng, RECURRING_KINDS, 4)
            day = _random_day(rng, FIRST_DAY, DATE_SOLDE + dt.timedelta(days=180))
            end = None
            if rng.random() < 0.2:  # cancelled: ends at least a month after it started
                end = _random_day(rng, max(day, DATE_SOLDE) + dt.timedelta(days=31), LAST_DAY)
        else:
            label, supplier, category, _, bounds = _weighted(rng, SPENDING_KINDS, 3)
            day = _random_day(rng, FIRST_DAY, LAST_DAY)
            recurrence = "Aucune"
            end = None
        rows.append(
            [day, label, supplier or None, _amount(rng, bounds), category, recurrence, end,
             _status(rng, day, shape)]
        )  # fmt: skip
    rows.sort(key=lambda row: row[0])
    return rows


def generate_books(rows: int, seed: int = 2026, shape: Shape = FLUX) -> Books:
    """The sheets of a workbook with `rows` flow rows, the same for the same seed and shape."""
    rng = random.Random(f"{seed}-{rows}")
    n_factures, n_encaissements, n_decaissements = split_rows(rows)
    factures = _factures(rng, n_factures, shape)
    parametres: list[list[object]] = [
        ["Paramètre", "Valeur"],
        ["Entreprise", "Atelier Banc d'Essai (EI)"],
        ["SIREN", "732829320"],
        ["Activité", "Prestations de services BNC"],
        ["Déclaration URSSAF", "Mensuelle"],
        ["Versement libératoire", "Non"],
        ["ACRE", "Non"],
        ["Date de début d'activité", dt.date(2022, 3, 1)],
        ["Solde initial", 12_500.0],
        ["Date du solde initial", DATE_SOLDE],
        ["Date de référence", DATE_REFERENCE],
        ["Horizon (mois)", 12],
        ["Seuil d'alerte", 2_000.0],
    ]
    return Books(
        parametres=parametres,
        encaissements=_encaissements(rng, n_encaissements, factures, shape),
        decaissements=_decaissements(rng, n_decaissements, shape),
        factures=factures,
    )


def write_books(books: Books, path: Path) -> Path:
    """Write the sheets with XlsxWriter (constant_memory): real dates, numbers, texts."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    date_format = book.add_format({"num_format": DATE_FORMAT})
    amount_format = book.add_format({"num_format": AMOUNT_FORMAT})
    bold = book.add_format({"bold": True})
    sheets = (
        ("Paramètres", ("Paramètre", "Valeur"), books.parametres[1:]),
        ("Encaissements", ENCAISSEMENT_HEADERS, books.encaissements),
        ("Décaissements", DECAISSEMENT_HEADERS, books.decaissements),
        ("Factures", FACTURE_HEADERS, books.factures),
    )
    for title, headers, rows in sheets:
        sheet = book.add_worksheet(title)
        sheet.write_row(0, 0, headers, bold)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, dt.date):
                    sheet.write_datetime(r, c, value, date_format)
                elif isinstance(value, float):
                    sheet.write_number(r, c, value, amount_format)
                elif isinstance(value, int):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, value)
    book.close()
    return path


def generate_workbook(rows: int, folder: Path, seed: int = 2026, shape: Shape = FLUX) -> Path:
    """Generate and write the workbook of `rows` flow rows in `folder` (`flux_<rows>.xlsx`,
    `constats_<rows>.xlsx` for that shape); return its path."""
    books = generate_books(rows, seed, shape)
    return write_books(books, Path(folder) / f"{shape.name}_{rows}.xlsx")


# --- measurements in child processes ----------------------------------------------------------


def _own_peak_mib() -> float:
    """Peak resident memory of this process so far (0 where `resource` is missing)."""
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    return _maxrss_mib(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _rss_now_mib() -> float:
    """Resident memory of this process now (Linux /proc), else its peak so far."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return _own_peak_mib()


def _maxrss_mib(maxrss: int) -> float:
    """ru_maxrss in MiB: kilobytes on Linux, bytes on macOS."""
    return maxrss / (1024 * 1024) if sys.platform == "darwin" else maxrss / 1024


def _child(kind: str, source: Path, output: Path) -> dict[str, object]:
    """Import what `kind` needs, note the RSS, then time the operation alone."""
    if kind == "refresh":
        # refresh_file imports these lazily: import them now, so that the timing leaves them out
        import treso_xl.reading.workbook
        import treso_xl.render.files
        from treso_xl.refresh import refresh_file

        def run() -> None:
            refresh_file(source, output)

    elif kind == "phases":  # the steps of refresh_file, timed one by one
        import treso_xl.reading.workbook  # noqa: F401  (imported lazily by read)
        from treso_xl.refresh import compute, read
        from treso_xl.render.files import write_tabs

        def run() -> dict[str, float]:
            marks = [time.perf_counter()]
            ledger = read(source)
            marks.append(time.perf_counter())
            report = compute(ledger)
            marks.append(time.perf_counter())
            write_tabs(source, report.layouts, output)
            marks.append(time.perf_counter())
            steps = zip(PHASES, marks, marks[1:], strict=False)
            return {name: end - start for name, start, end in steps}

    elif kind == "calamine":
        from python_calamine import CalamineWorkbook

        def run() -> None:
            book = CalamineWorkbook.from_path(str(source))
            for name in book.sheet_names:
                book.get_sheet_by_name(name).to_python()
            book.close()

    elif kind == "openpyxl":
        import openpyxl

        def run() -> None:
            openpyxl.load_workbook(source).save(output)

    else:
        raise SystemExit(f"unknown measurement {kind!r}")
    baseline = _rss_now_mib()
    start = time.perf_counter()
    phases = run()
    seconds = time.perf_counter() - start
    peak = _own_peak_mib()
    return {"seconds": seconds, "baseline_mib": baseline, "peak_mib": peak, "phases": phases or {}}


@dataclass
class Run:
    """One measurement in a fresh process."""

    seconds: float
    baseline_mib: float
    peak_mib: float
    phases: dict[str, float] = field(default_factory=dict)


def measure(kind: str, source: Path, workdir: Path, tag: str) -> Run:
    """Run one measurement of `kind` in a fresh Python process; its peak RSS from wait4."""
    output = workdir / f"out_{kind}_{tag}.xlsx"
    for stale in workdir.glob(f"out_{kind}_{tag}*"):
        stale.unlink()
    command = [sys.executable, str(Path(__file__).resolve()), "--child", kind, str(source)]
    child = subprocess.Popen([*command, str(output)], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    text = child.stdout.read()
    child.stdout.close()
    peak = None
    if hasattr(os, "wait4"):
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        peak = _maxrss_mib(usage.ru_maxrss)
    else:  # pragma: no cover - no wait4 (Windows): the child's own figure
        child.wait()
    if child.returncode != 0:
        raise RuntimeError(f"{kind} on {source.name} failed (exit status {child.returncode})")
    result = json.loads(text.strip().splitlines()[-1])
    for produced in workdir.glob(f"out_{kind}_{tag}*"):
        produced.unlink()
    return Run(
        result["seconds"], result["baseline_mib"], peak or result["peak_mib"], result["phases"]
    )


@dataclass
class Measure:
    """Best time, worst peak and the baseline of the runs of one kind on one file."""

    runs: list[Run]

    @property
    def best(self) -> float:
        return min(run.seconds for run in self.runs)

    @property
    def peak(self) -> float:
        return max(run.peak_mib for run in self.runs)

    @property
    def baseline(self) -> float:
        return min(run.baseline_mib for run in self.runs)


def measure_best(kind: str, source: Path, workdir: Path, runs: int) -> Measure:
    """`runs` measurements of `kind`, each in its own process."""
    return Measure([measure(kind, source, workdir, f"{source.stem}_{i}") for i in range(runs)])


# --- report -----------------------------------------------------------------------------------


def _versions() -> str:
    names = ("treso-xl", "python-calamine", "openpyxl", "pandas", "XlsxWriter")
    parts = []
    for name in names:
        try:
            parts.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            parts.append(f"{name} ?")
    return ", ".join(parts)


def _commit() -> str:
    """Short commit of the repository (read-only `git rev-parse`), "?" without git."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "?"
    return done.stdout.strip() or "?"


def runs_for(rows: int, quick: bool) -> int:
    """Best of 3 for small books, of 2 from LARGE rows on, a single run with --quick."""
    if quick:
        return 1
    return 2 if rows >= LARGE else 3


def _fmt_rows(rows: int) -> str:
    return f"{rows:,}".replace(",", " ")


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def run_benchmark(
    sizes: list[int], quick: bool, workdir: Path, shapes: list[Shape] | None = None
) -> list[str]:
    """Generate, measure and print; return the PASS/FAIL lines of the targets."""
    shapes = shapes or [FLUX, CONSTATS]
    print("treso-xl refresh benchmark")
    print(
        f"  {platform.python_implementation()} {platform.python_version()} on "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPU, "
        f"load average {_load()}"
    )
    print(f"  {_versions()}, commit {_commit()}")
    print(
        f"  books: Paramètres + Factures {SHARE_FACTURES:.0%} / Encaissements "
        f"{SHARE_ENCAISSEMENTS:.0%} / Décaissements {1 - SHARE_FACTURES - SHARE_ENCAISSEMENTS:.0%}"
        f" of the flow rows ({RECURRING_SHARE:.0%} of Décaissements recurring), "
        f"horizon 12 months"
    )
    for shape in shapes:
        print(f"  shape {shape.name}: {shape.description}")
    print("  times: best of N runs, each run in a fresh process (imports not timed);")
    print(
        "  memory: peak RSS of that process (ru_maxrss via wait4, worst run), nothing subtracted;"
    )
    print("  openpyxl load+save is measured on the flux shape only")
    print()
    results = []
    for rows in sizes:
        for shape in shapes:
            start = time.perf_counter()
            source = generate_workbook(rows, workdir, shape=shape)
            generated = time.perf_counter() - start
            size_mib = source.stat().st_size / (1024 * 1024)
            counts = "/".join(str(n) for n in split_rows(rows))
            print(
                f"{_fmt_rows(rows)} rows, {shape.name} (Factures/Encaissements/Décaissements "
                f"{counts}): {source.name} {size_mib:.1f} MiB generated in {generated:.1f} s",
                flush=True,
            )
            n = runs_for(rows, quick)
            measured = {}
            kinds = (
                ("calamine", "openpyxl", "refresh") if shape is FLUX else ("calamine", "refresh")
            )
            for kind in kinds:
                measured[kind] = measure_best(kind, source, workdir, n)
                m = measured[kind]
                print(
                    f"  {kind:<9} best of {n}: {m.best:7.2f} s   peak {m.peak:7.1f} MiB   "
                    f"(after imports {m.baseline:6.1f} MiB)",
                    flush=True,
                )
            measured["phases"] = measure_best("phases", source, workdir, 1)
            split = measured["phases"].runs[0].phases
            print(
                "  phases    1 run:  " + "   ".join(f"{k} {split[k]:.2f} s" for k in PHASES),
                flush=True,
            )
            results.append((rows, shape, n, size_mib, measured))
            source.unlink()
    print()
    header = (
        f"{'rows':>8} {'shape':>8} {'N':>2} {'file MiB':>8} | {'refresh s':>9} {'peak MiB':>8} "
        f"{'base MiB':>8} | {'calamine s':>10} {'peak MiB':>8} | {'openpyxl s':>10} "
        f"| {'refresh/calamine':>16}"
    )
    print(header)
    print("-" * len(header))
    for rows, shape, n, size_mib, m in results:
        refresh, cal = m["refresh"], m["calamine"]
        opx = f"{m['openpyxl'].best:>10.2f}" if "openpyxl" in m else f"{'-':>10}"
        print(
            f"{_fmt_rows(rows):>8} {shape.name:>8} {n:>2} {size_mib:>8.1f} | {refresh.best:>9.2f} "
            f"{refresh.peak:>8.1f} {refresh.baseline:>8.1f} | {cal.best:>10.2f} {cal.peak:>8.1f} "
            f"| {opx} | {refresh.best / cal.best:>15.1f}x"
        )
    print()
    print("Where the refresh time goes (one run of read, compute and write_tabs timed apart):")
    header = (
        f"{'rows':>8} {'shape':>8} | {'read s':>7} {'x calamine':>10} | {'compute s':>9} | "
        f"{'write s':>7} | {'sum s':>6} | {'read':>5} {'compute':>7} {'write':>5}"
    )
    print(header)
    print("-" * len(header))
    for rows, shape, _, _, m in results:
        split = m["phases"].runs[0].phases
        total = sum(split.values())
        shares = [f"{split[k] / total:.0%}" for k in PHASES]
        floor = split["read"] / m["calamine"].best
        print(
            f"{_fmt_rows(rows):>8} {shape.name:>8} | {split['read']:>7.2f} {floor:>9.1f}x"
            f" | {split['compute']:>9.2f} | {split['write']:>7.2f} | {total:>6.2f} | "
            f"{shares[0]:>5} {shares[1]:>7} {shares[2]:>5}"
        )
    print()
    print(
        f"Targets ({_fmt_rows(TARGET_ROWS)} rows, each shape): refresh within {TARGET_RATIO:g}x "
        f"the calamine read time of the same file, peak memory at most {TARGET_PEAK_MIB:.0f} MiB"
    )
    verdicts = []
    for shape in shapes:
        target = [r for r in results if r[0] == TARGET_ROWS and r[1] is shape]
        if not target:
            verdicts.append(f"  n/a: {_fmt_rows(TARGET_ROWS)} rows, {shape.name}, not measured")
            continue
        m = target[0][4]
        ratio = m["refresh"].best / m["calamine"].best
        peak = m["refresh"].peak
        verdicts.append(
            f"  {_verdict(ratio <= TARGET_RATIO)}  {shape.name:<8} time: refresh "
            f"{m['refresh'].best:.2f} s = {ratio:.1f}x calamine {m['calamine'].best:.2f} s "
            f"(target <= {TARGET_RATIO:g}x)"
        )
        verdicts.append(
            f"  {_verdict(peak <= TARGET_PEAK_MIB)}  {shape.name:<8} memory: refresh peak "
            f"{peak:.0f} MiB (target <= {TARGET_PEAK_MIB:.0f} MiB)"
        )
    for line in verdicts:
        print(line)
    return verdicts


def _load() -> str:
    """The 1-minute load average (other work on the machine skews the times), "?" if unknown."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except (AttributeError, OSError):
        return "?"


def parse_sizes(text: str) -> list[int]:
    """Row counts from "1000,10000" (spaces, underscores and a "k" suffix accepted)."""
    sizes = []
    for part in text.split(","):
        part = part.strip().lower().replace("_", "").replace(" ", "")
        if not part:
            continue
        sizes.append(int(float(part[:-1]) * 1000) if part.endswith("k") else int(part))
    if not sizes or any(size < 10 for size in sizes):
        raise argparse.ArgumentTypeError("sizes: comma-separated row counts of at least 10")
    return sizes


def main(argv: list[str] | None = None) -> int:
    """Command line; the exit status is 0 whatever the verdicts."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        help="comma-separated flow-row counts (default 1000,10000,100000; 1000,10000 with --quick)",
    )
    parser.add_argument("--quick", action="store_true", help="one run per measurement")
    parser.add_argument(
        "--shapes",
        default="flux,constats",
        help="comma-separated workbook shapes: flux, constats (default both)",
    )
    parser.add_argument("--workdir", type=Path, help="folder for the books (default: a temp one)")
    parser.add_argument(
        "--child", nargs=3, metavar=("KIND", "SOURCE", "OUTPUT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.child:
        kind, source, output = args.child
        print(json.dumps(_child(kind, Path(source), Path(output))), flush=True)
        return 0
    sizes = args.sizes or list(QUICK_SIZES if args.quick else DEFAULT_SIZES)
    try:
        shapes = [SHAPES[name.strip()] for name in args.shapes.split(",") if name.strip()]
    except KeyError as error:
        parser.error(f"unknown shape {error}; choose among {', '.join(SHAPES)}")
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        run_benchmark(sizes, args.quick, args.workdir, shapes)
    else:
        with tempfile.TemporaryDirectory(prefix="treso_bench_") as folder:
            run_benchmark(sizes, args.quick, Path(folder), shapes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
