"""Bank reconciliation: the Banque lines matched to what the workbook holds, as realised history.

Rules (each bank line is decided once, in this order; a line with Statut du rapprochement
« Ignoré » is left out of everything):

1. Manual: a filled `Facture` names the client invoice (credit) or supplier bill (debit) the line
   pays. An unknown number is a Contrôles error and the line counts as an ordinary flow.
2. Already typed: a `Réalisé` row of Encaissements / Décaissements (an occurrence of a recurring
   one included), or a payment typed in Factures / Fournisseurs (Date de paiement), of the same
   amount to the cent and the same direction, dated at most `TYPED_DAYS` days from the bank line,
   IS that line: counted once, on the bank's date, with the typed row's category and tiers.
   Pairs are made nearest date first, then re-paired where that leaves a line and a row that
   could pair unpaired (`_most_pairs`): every line that can find its row finds one.
3. Client invoices (credits, `Automatique` only): the credit equals an invoice's unpaid rest and
   the label holds its number or its client's name; or the label holds its number and the credit
   is smaller than the rest (partial payment). The bank date must lie between `INVOICE_EARLY_DAYS`
   days before the invoice date and `INVOICE_LATE_DAYS` days after its due date. Two invoices
   fitting equally: ambiguous, never guessed (the line counts as an ordinary receipt meanwhile).
4. Supplier bills (debits, `Automatique` only): the same rules with Fournisseurs (N°, supplier).
5. Forecasts (`Automatique` only): a `Prévu` row of Encaissements (not naming an invoice) or an
   occurrence of a `Prévu` Décaissements row, same amount and direction, at most `PREVU_DAYS` days
   away, is realised by the line: counted once, on the bank's date, never beside its forecast.
   A candidate whose client / supplier is named in the label wins; then the nearest date; a tie
   is ambiguous. Lines are taken in date order; a line left without a forecast because an
   earlier line took it gets one when that line can take another (`_repair`).
6. Anything else is a flow on its own with its Catégorie (the contract's turnover rule applies).

The result is an equivalent ledger (`Reconciliation.ledger`) in which the bank lines are typed
`Réalisé` rows (their `ligne` is `BANK_ROW_OFFSET` + the Banque row, see `bank_row`), so every part
of the engine (invoice positions, aging, reminders, habits, URSSAF, thresholds, the plan) follows.
Opening balance: the balance after the latest dated line that states one (that day's last in
sheet order), end of day like `Date du solde initial`, becomes the plan's opening when newer.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from treso_xl import contract
from treso_xl.contract import normalize_label
from treso_xl.core.calendar import add_months, month_end, month_start
from treso_xl.core.checks import AVERTISSEMENT, ERREUR, Finding
from treso_xl.core.invoices import due_dates, invoice_key, invoice_positions
from treso_xl.core.money import cents
from treso_xl.core.payables import BILL_TERMS_DAYS, bill_keys, naming_rows
from treso_xl.core.records import Ledger, empty_banque
from treso_xl.core.recurrence import STEP_MONTHS, expand_recurrences, occurrences
from treso_xl.french import day, euros, quote

TYPED_DAYS = 5  # a typed Réalisé row and its bank line: at most 5 days apart
PREVU_DAYS = 10  # a forecast and the bank line realising it: at most 10 days apart
INVOICE_EARLY_DAYS = 5  # a payment may come 5 days before the invoice date (deposit, typing)
INVOICE_LATE_DAYS = 120  # … and up to 120 days after the due date (late payers)
BANK_ROW_OFFSET = 1_000_000  # `ligne` of the rows standing for bank lines in the ledger
MIN_NUMBER_CHARS = 4  # shorter invoice numbers ("12") are not searched for in labels
BANQUE = contract.BANQUE.name
IGNORE = contract.STATUTS_RAPPROCHEMENT[2]
MANUAL = contract.STATUTS_RAPPROCHEMENT[1]

# kinds of decision
MATCHED = "rapprochée"
AMBIGUOUS = "ambiguë"
FREE = "non rapprochée"
IGNORED = "ignorée"

_LEGAL_FORMS = frozenset(
    "sarl sas sasu eurl sa sci snc scop ets ste societe cie et de du des la le les l d "
    "mme m mr madame monsieur".split()
)


@dataclass(frozen=True)
class BankDecision:
    """What the engine made of one Banque line, for the Rapprochement tab."""

    ligne: int
    date: dt.date
    libelle: str
    montant: float
    categorie: str
    kind: str  # MATCHED, AMBIGUOUS, FREE or IGNORED
    target: str = ""  # what it was matched with (« Facture F2026-014 — Dupont »)
    reason: str = ""  # why (« montant et n° de facture F2026-014 dans le libellé »)
    candidates: tuple[str, ...] = ()  # ambiguous: the possible matches


@dataclass(frozen=True)
class BankOpening:
    """The bank's balance at the end of `date`, read on Banque's row `ligne`."""

    date: dt.date
    solde: float
    ligne: int


@dataclass(frozen=True)
class Reconciliation:
    """The reconciled ledger, each bank line's decision, the bank's opening balance, findings."""

    ledger: Ledger
    decisions: list[BankDecision] = field(default_factory=list)
    opening: BankOpening | None = None  # set when it became the plan's opening balance
    findings: list[Finding] = field(default_factory=list)


def bank_row(ligne: object) -> int | None:
    """The Banque row a ledger row stands for (`ligne` >= BANK_ROW_OFFSET), else None."""
    if ligne is None or pd.isna(ligne):
        return None
    number = int(ligne)  # type: ignore[call-overload]
    return number - BANK_ROW_OFFSET if number >= BANK_ROW_OFFSET else None


def bank_findings(findings: list[Finding]) -> list[Finding]:
    """Findings about a row standing for a bank line, pointed at that Banque row."""
    out = []
    for finding in findings:
        ligne = finding.ligne
        if ligne is None or (type(ligne) is int and ligne < BANK_ROW_OFFSET):
            out.append(finding)  # what bank_row says of it, without asking (the usual case)
            continue
        row = bank_row(ligne)
        out.append(finding if row is None else replace(finding, feuille=BANQUE, ligne=row))
    return out


# --- text matching ----------------------------------------------------------------------------

_WORD = re.compile(r"[0-9a-z]+")


def _tokens(text: object) -> list[str]:
    return _WORD.findall(normalize_label(text))


def _compact_keys(tokens: list[str], width: int) -> set[str]:
    """Every run of up to `width` consecutive tokens, glued ("f2026", "014" -> "f2026014")."""
    keys: set[str] = set()
    for i in range(len(tokens)):
        for j in range(i + 1, min(len(tokens), i + width) + 1):
            keys.add("".join(tokens[i:j]))
    return keys


def _number_key(number: object) -> tuple[str, int]:
    """(glued key, token count) of a document number; "" when too short to search for."""
    tokens = _tokens(number)
    key = "".join(tokens)
    if len(key) < MIN_NUMBER_CHARS or not any(ch.isdigit() for ch in key):
        return "", 0
    return key, len(tokens)


def _name_words(name: object) -> frozenset[str]:
    return frozenset(w for w in _tokens(name) if w not in _LEGAL_FORMS and len(w) >= 2)


def _names(words: frozenset[str], label_tokens: set[str]) -> bool:
    return bool(words) and words <= label_tokens


# --- the bank's balance -----------------------------------------------------------------------


def balance_on(bank: pd.DataFrame, when: pd.Timestamp | None = None) -> BankOpening | None:
    """The balance the bank states at the end of `when` (default: its latest dated balance)."""
    stated = bank.loc[bank["solde"].notna() & bank["date"].notna()]
    if when is not None:
        stated = stated.loc[stated["date"] == when]
    if stated.empty:
        return None
    latest = stated.loc[stated["date"] == stated["date"].max()].iloc[-1]
    return BankOpening(latest["date"].date(), cents(float(latest["solde"])), int(latest["ligne"]))


def _gap_finding(ledger: Ledger) -> list[Finding]:
    params = ledger.params
    stated = balance_on(ledger.banque, pd.Timestamp(params.date_solde))
    if stated is None or abs(stated.solde - params.solde_initial) < 0.005:
        return []
    gap = cents(stated.solde - params.solde_initial)
    return [
        Finding(
            AVERTISSEMENT,
            contract.PARAMETRES_SHEET,
            None,
            f"Solde initial de {euros(params.solde_initial)} au {day(params.date_solde)}, mais "
            f"le relevé bancaire indique {euros(stated.solde)} ce jour-là (feuille Banque, "
            f"ligne {stated.ligne}) : écart de {euros(gap)}.",
            "Vérifiez le solde saisi dans Paramètres et les mouvements de ce jour-là ; le plan "
            "part du solde de Paramètres tant que le relevé n'est pas plus récent.",
            "solde_banque_ecart",
        )
    ]


# --- the reconciliation -----------------------------------------------------------------------


@dataclass
class _Line:
    index: object
    ligne: int
    date: pd.Timestamp
    montant: float
    libelle: str
    categorie: str
    facture: str
    statut: str
    tokens: set[str]
    reference: str
    decision: BankDecision | None = None
    # what the line becomes in the ledger: ("enc"|"dec", fields) or None (already in the ledger)
    row: tuple[str, dict[str, object]] | None = None


def _horizon_end(date_solde: dt.date, horizon: int) -> dt.date:
    return month_end(add_months(month_start(date_solde), horizon - 1))


def _days(a: pd.Timestamp, b: pd.Timestamp) -> int:
    return abs(int((a - b).days))


def _gap(a: pd.Timestamp, b: pd.Timestamp) -> str:
    n = _days(a, b)
    return "même jour" if n == 0 else f"{n} jour{'s' if n > 1 else ''} d'écart"


def _cents_key(value: float) -> int:
    return round(float(value) * 100)


def reconcile(ledger: Ledger) -> Reconciliation:
    """Match the ledger's bank lines (see the module's rules); identity when Banque is empty."""
    bank = ledger.banque
    if bank.empty:
        return Reconciliation(ledger)
    return _Reconciler(ledger).run()


class _Reconciler:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        params = ledger.params
        self.findings: list[Finding] = _gap_finding(ledger)
        latest = balance_on(ledger.banque)
        self.opening = latest if latest and latest.date > params.date_solde else None
        self.params = (
            replace(params, solde_initial=self.opening.solde, date_solde=self.opening.date)
            if self.opening
            else params
        )
        last_bank = ledger.banque["date"].max()
        self.until = max(
            _horizon_end(self.params.date_solde, self.params.horizon),
            (last_bank + pd.Timedelta(days=PREVU_DAYS)).date(),
        )
        bank = ledger.banque
        self.lines = [
            _Line(
                index,
                int(ligne),
                when,
                round(float(amount), 2),
                str(label),
                str(category),
                str(number).strip(),
                str(status),
                set(_tokens(label)),
                str(reference),
            )
            for index, ligne, when, amount, label, category, number, status, reference in zip(
                bank.index,
                bank["ligne"].tolist(),
                bank["date"].tolist(),
                bank["montant"].tolist(),
                bank["libelle"].tolist(),
                bank["categorie"].tolist(),
                bank["facture"].tolist(),
                bank["statut_rapprochement"].tolist(),
                bank["ref_banque"].tolist(),
                strict=True,
            )
        ]
        self.enc_consumed: set[object] = set()  # Encaissements indices replaced by bank lines
        self.dec_consumed: set[tuple[object, pd.Timestamp]] = set()  # occurrences replaced
        self.factures_paid: dict[object, pd.Timestamp] = {}  # typed payment dated by the bank
        self.bills_paid: dict[object, pd.Timestamp] = {}
        # the documents' texts, read often: plain dicts (a DataFrame lookup costs 100 µs)
        self.fact = {name: ledger.factures[name].to_dict() for name in ("facture", "client")}
        self.bill = {
            name: ledger.fournisseurs[name].to_dict() for name in ("numero", "fournisseur")
        }
        # open invoices (True) and bills (False) by rest in cents, see `_documents`
        self.by_rest: dict[bool, dict[int, list[object]]] = {True: {}, False: {}}

    # each step ---------------------------------------------------------------------------------

    def run(self) -> Reconciliation:
        for line in self.lines:
            if line.statut == IGNORE or line.montant == 0 or pd.isna(line.date):
                line.decision = self._decision(line, IGNORED, reason=self._ignored_reason(line))
        self._manual()
        self._typed()
        self._documents(invoices=True)
        self._documents(invoices=False)
        self._forecasts()
        for line in self.lines:
            if line.decision is None:
                line.decision = self._decision(line, FREE, reason=self._free_reason(line))
            if line.row is None and line.decision.kind in (FREE, AMBIGUOUS):
                line.row = self._free_row(line)
        return Reconciliation(
            self._ledger(),
            [line.decision for line in self.lines if line.decision],
            self.opening,
            self.findings,
        )

    def _open(self) -> list[_Line]:
        return [line for line in self.lines if line.decision is None]

    def _auto(self) -> list[_Line]:
        return [line for line in self._open() if line.statut != MANUAL]

    def _decision(self, line: _Line, kind: str, **fields: object) -> BankDecision:
        return BankDecision(
            line.ligne,
            line.date.date() if not pd.isna(line.date) else dt.date.min,
            line.libelle,
            line.montant,
            line.categorie,
            kind,
            **fields,  # type: ignore[arg-type]
        )

    @staticmethod
    def _ignored_reason(line: _Line) -> str:
        if line.statut == IGNORE:
            return f"{quote(IGNORE)} dans la colonne Statut du rapprochement"
        return "montant nul"

    def _free_reason(self, line: _Line) -> str:
        unknown = f"facture {quote(line.facture)} introuvable ; " if line.facture else ""
        return unknown + self._flow_reason(line)

    def _flow_reason(self, line: _Line) -> str:
        category = line.categorie or (
            "Autres encaissements" if line.montant > 0 else "Autres décaissements"
        )
        if line.montant < 0:
            return f"décaissement réalisé, catégorie {quote(category)}"
        if normalize_label(category) in {normalize_label(c) for c in contract.NOT_TURNOVER}:
            return f"encaissement réalisé hors chiffre d'affaires, catégorie {quote(category)}"
        return (
            f"encaissement réalisé compté dans le chiffre d'affaires, catégorie {quote(category)}"
        )

    # 1. the Facture column ---------------------------------------------------------------------

    def _manual(self) -> None:
        factures, bills = self.ledger.factures, self.ledger.fournisseurs
        fact_keys = invoice_key(factures["facture"])
        bill_k = bill_keys(bills["numero"])
        self.invoice_rest: dict[object, float] = self._invoice_rests().to_dict()
        self.bill_rest: dict[object, float] = self._bill_rests().to_dict()
        for line in self._open():
            if not line.facture:
                continue
            key = normalize_label(line.facture)
            credit = line.montant > 0
            keys = fact_keys if credit else bill_k
            hits = keys.index[(keys == key).to_numpy()]
            if len(hits) == 0:
                sheet = contract.FACTURES.name if credit else contract.FOURNISSEURS.name
                self.findings.append(
                    Finding(
                        ERREUR,
                        BANQUE,
                        line.ligne,
                        f"Facture {quote(line.facture)} introuvable dans {sheet} : la ligne "
                        f"({euros(line.montant)} le {day(line.date.date())}) est comptée comme "
                        f"un {'encaissement' if credit else 'décaissement'} ordinaire.",
                        "Corrigez le numéro dans la colonne Facture de la feuille Banque (ou "
                        f"saisissez la facture dans {sheet}), ou videz la cellule.",
                        "banque_facture_inconnue",
                    )
                )
                continue
            index = hits[0]
            if credit and pd.notna(factures.at[index, "date_paiement"]):
                self._already_paid(line, index)
                continue
            if not credit and pd.notna(bills.at[index, "date_paiement"]):
                self.bills_paid.setdefault(index, line.date)
                line.decision = self._decision(
                    line,
                    MATCHED,
                    target=self._bill_name(index),
                    reason="facture indiquée dans la colonne Facture ; son paiement saisi "
                    "dans Fournisseurs est daté du relevé",
                )
                continue
            number = (factures if credit else bills).at[index, "facture" if credit else "numero"]
            reason = f"facture {number} indiquée dans la colonne Facture"
            self._pay(line, index, credit, reason)

    def _already_paid(self, line: _Line, index: object) -> None:
        self.factures_paid.setdefault(index, line.date)
        line.decision = self._decision(
            line,
            MATCHED,
            target=self._invoice_name(index),
            reason="facture déjà payée dans Factures (Date de paiement) : son paiement est daté "
            "du relevé",
        )

    # 2. rows already typed ---------------------------------------------------------------------

    def _typed_records(self) -> list[tuple[int, pd.Timestamp, str, object, str]]:
        """(signed cents, date, sheet, key, description) of every realised payment typed."""
        ledger = self.ledger
        records: list[tuple[int, pd.Timestamp, str, object, str]] = []
        enc = ledger.encaissements
        done = enc.loc[(enc["statut"] == "Réalisé") & enc["date"].notna() & enc["montant"].notna()]
        for index, row in done.iterrows():
            records.append(
                (
                    _cents_key(row["montant"]),
                    row["date"],
                    "enc",
                    index,
                    f"Encaissements ligne {row['ligne']} ({row['libelle']})",
                )
            )
        dec = ledger.decaissements
        dec = dec.loc[(dec["statut"] == "Réalisé") & dec["montant"].notna()]
        for _, row in self._occurrences(dec).iterrows():
            records.append(
                (
                    -_cents_key(row["montant"]),
                    row["date"],
                    "dec",
                    (row["_index"], row["date"]),
                    f"Décaissements ligne {row['ligne']} ({row['libelle']})",
                )
            )
        fac = ledger.factures.loc[ledger.factures["date_paiement"].notna()]
        for index, row in fac.iterrows():
            paid = row["montant_paye"] if pd.notna(row["montant_paye"]) else row["montant"]
            if pd.notna(paid):
                records.append(
                    (
                        _cents_key(paid),
                        row["date_paiement"],
                        "fac",
                        index,
                        f"Factures ligne {row['ligne']} (paiement de {row['facture']})",
                    )
                )
        bills = ledger.fournisseurs
        bills = bills.loc[bills["date_paiement"].notna() & bills["montant"].notna()]
        for index, row in bills.iterrows():
            records.append(
                (
                    -_cents_key(row["montant"]),
                    row["date_paiement"],
                    "four",
                    index,
                    f"Fournisseurs ligne {row['ligne']} ({row['fournisseur']})",
                )
            )
        return records

    def _occurrences(self, dec: pd.DataFrame) -> pd.DataFrame:
        frame = dec.loc[dec["date"].notna()].assign(_index=lambda f: f.index)
        return expand_recurrences(frame, self.until)

    def _typed(self) -> None:
        by_amount: dict[int, list[tuple[pd.Timestamp, str, object, str, int]]] = {}
        for order, (amount, when, sheet, key, text) in enumerate(self._typed_records()):
            by_amount.setdefault(amount, []).append((when, sheet, key, text, order))
        pairs = []
        lines = self._open()
        for position, line in enumerate(lines):
            for when, sheet, key, text, order in by_amount.get(_cents_key(line.montant), []):
                gap = _days(line.date, when)
                if gap <= TYPED_DAYS:
                    pairs.append((gap, position, order, line, when, sheet, key, text))
        pairs.sort(key=lambda p: p[:3])
        for _, _, _, line, when, sheet, key, text in _most_pairs(pairs):
            reason = f"déjà saisie, même montant, {_gap(line.date, when)}"
            line.decision = self._decision(line, MATCHED, target=text, reason=reason)
            if sheet == "enc":
                self.enc_consumed.add(key)
                fields = self.ledger.encaissements.loc[key].to_dict()
                line.row = ("enc", self._copy(fields, line))
            elif sheet == "dec":
                self.dec_consumed.add(key)
                fields = self.ledger.decaissements.loc[key[0]].to_dict()
                line.row = ("dec", self._copy(fields, line))
            elif sheet == "fac":
                self.factures_paid[key] = line.date
            else:
                self.bills_paid[key] = line.date

    def _copy(self, fields: dict[str, object], line: _Line) -> dict[str, object]:
        fields = dict(fields)
        fields.update(
            date=line.date,
            montant=abs(line.montant),
            statut="Réalisé",
            ligne=BANK_ROW_OFFSET + line.ligne,
        )
        if "recurrence" in fields:
            fields.update(recurrence="Aucune", fin=pd.NaT)
        return fields

    # 3. and 4. invoices and supplier bills -----------------------------------------------------

    def _invoice_rests(self) -> pd.Series:
        ledger = self.ledger
        positions = invoice_positions(ledger.factures, ledger.encaissements)
        rest = positions["reste_du"].where(ledger.factures["date_paiement"].isna(), 0.0)
        return rest.fillna(0.0).astype("float64").copy()

    def _bill_rests(self) -> pd.Series:
        ledger = self.ledger
        bills = ledger.fournisseurs
        named = naming_rows(ledger)
        dec = ledger.decaissements
        paid = dec.loc[named.notna(), "montant"].groupby(named[named.notna()]).sum()
        rest = (bills["montant"].fillna(0.0) - paid.reindex(bills.index).fillna(0.0)).clip(0.0)
        return rest.where(bills["date_paiement"].isna(), 0.0).astype("float64").copy()

    def _invoice_name(self, index: object) -> str:
        return f"Facture {self.fact['facture'][index]} — {self.fact['client'][index]}"

    def _bill_name(self, index: object) -> str:
        number = self.bill["numero"][index]
        number = f" {number}" if number else ""
        return f"Facture fournisseur{number} — {self.bill['fournisseur'][index]}"

    def _pay(self, line: _Line, index: object, credit: bool, reason: str) -> None:
        """The line pays the invoice (credit) or bill (debit) `index`."""
        rests = self.invoice_rest if credit else self.bill_rest
        rests[index] = max(0.0, cents(rests[index] - abs(line.montant)))
        if rests[index] > 0.004:
            self.by_rest[credit].setdefault(_cents_key(rests[index]), []).append(index)
        if credit:
            fields = {
                "facture": self.fact["facture"][index],
                "client": self.fact["client"][index],
                "categorie": "",
            }
            line.row = ("enc", self._new_row("enc", line, fields))
            target = self._invoice_name(index)
        else:
            fields = {
                "facture": self.bill["numero"][index],
                "fournisseur": self.bill["fournisseur"][index],
                "categorie": line.categorie,
            }
            line.row = ("dec", self._new_row("dec", line, fields))
            target = self._bill_name(index)
        line.decision = self._decision(line, MATCHED, target=target, reason=reason)

    def _documents(self, invoices: bool) -> None:
        if invoices:
            docs = self.ledger.factures
            numbers, tiers, rests = docs["facture"], docs["client"], self.invoice_rest
            starts, ends = docs["date"], due_dates(docs)["echeance_calculee"]
            noun, who = "n° de facture", "client"
        else:
            docs = self.ledger.fournisseurs
            numbers, tiers, rests = docs["numero"], docs["fournisseur"], self.bill_rest
            starts = docs["date"]
            terms = docs["date"] + pd.Timedelta(days=BILL_TERMS_DAYS)
            ends = docs["echeance"].where(docs["echeance"].notna(), terms)
            noun, who = "n° de facture fournisseur", "fournisseur"
        if docs.empty:
            return
        keys = [_number_key(n) for n in numbers]
        width = max((count for _, count in keys), default=0)
        by_key: dict[str, list[object]] = {}
        for index, (key, _) in zip(docs.index, keys, strict=True):
            if key:
                by_key.setdefault(key, []).append(index)
        words = {index: _name_words(name) for index, name in tiers.items()}
        # open documents by rest in cents (a partial payment files the new rest too, `_pay`)
        by_rest = self.by_rest[invoices]
        for index, rest in rests.items():
            if rest > 0.004:
                by_rest.setdefault(_cents_key(rest), []).append(index)
        lo = (starts - pd.Timedelta(days=INVOICE_EARLY_DAYS)).to_dict()
        hi = (ends.where(ends.notna(), starts) + pd.Timedelta(days=INVOICE_LATE_DAYS)).to_dict()
        numbers = numbers.to_dict()
        tiers = tiers.to_dict()
        # payments the user typed in the sheet itself (Date de paiement), not yet dated by the bank
        paid_rows = docs["date_paiement"].notna()
        paid_amounts = docs["montant"]
        if invoices:
            paid_amounts = docs["montant_paye"].where(docs["montant_paye"].notna(), paid_amounts)
        typed_paid = paid_amounts[paid_rows].astype("float64").to_dict()
        done = self.factures_paid if invoices else self.bills_paid
        for line in sorted(self._auto(), key=lambda item: (item.date, item.ligne)):
            if (line.montant > 0) != invoices:
                continue
            amount = abs(line.montant)

            def fits(index: object, line: _Line = line) -> bool:
                return bool(lo[index] <= line.date <= hi[index]) and rests[index] > 0.004

            glued = _compact_keys(_tokens(line.libelle), width) if width else set()
            named_numbers = [i for k in sorted(glued) for i in by_key.get(k, ()) if fits(i)]
            named_numbers = sorted(set(named_numbers), key=docs.index.get_loc)
            by_number = [i for i in named_numbers if amount <= rests[i] + 0.004]
            exact = [i for i in by_number if abs(rests[i] - amount) < 0.005]
            chosen: object | None = None
            reason = ""
            if len(by_number) == 1:
                chosen = by_number[0]
            elif len(exact) == 1:
                chosen = exact[0]
            elif len(by_number) > 1:
                self._ambiguous(line, by_number, invoices)
                continue
            if chosen is not None:
                number = numbers[chosen]
                if abs(rests[chosen] - amount) < 0.005:
                    reason = f"montant et {noun} {number} dans le libellé"
                else:
                    left = cents(rests[chosen] - amount)
                    reason = (
                        f"{noun} {number} dans le libellé ; paiement partiel, reste {euros(left)}"
                    )
                self._pay(line, chosen, invoices, reason)
                continue
            recorded = {
                i
                for k in glued
                for i in by_key.get(k, ())
                if abs(typed_paid.get(i, -1.0) - amount) < 0.005
                and i not in done
                and lo[i] <= line.date <= hi[i]
            }
            if len(recorded) == 1:
                self._recorded(line, recorded.pop(), invoices)
                continue
            by_name = [
                index
                for index in by_rest.get(_cents_key(amount), ())
                if abs(rests[index] - amount) < 0.005
                and fits(index)
                and _names(words[index], line.tokens)
            ]
            if len(by_name) == 1:
                chosen = by_name[0]
                reason = f"montant et {who} {quote(tiers[chosen])} dans le libellé"
                self._pay(line, chosen, invoices, reason)
            elif len(by_name) > 1:
                self._ambiguous(line, by_name, invoices)

    def _recorded(self, line: _Line, index: object, invoices: bool) -> None:
        """The line is the payment typed in Factures / Fournisseurs (Date de paiement)."""
        done = self.factures_paid if invoices else self.bills_paid
        done[index] = line.date
        sheet = contract.FACTURES.name if invoices else contract.FOURNISSEURS.name
        line.decision = self._decision(
            line,
            MATCHED,
            target=self._invoice_name(index) if invoices else self._bill_name(index),
            reason=f"n° de la facture dans le libellé et montant du paiement saisi dans {sheet} "
            "(Date de paiement) : ce paiement est daté du relevé",
        )

    def _ambiguous(self, line: _Line, indices: list[object], invoices: bool) -> None:
        name = self._invoice_name if invoices else self._bill_name
        rests = self.invoice_rest if invoices else self.bill_rest
        candidates = tuple(f"{name(i)} (reste {euros(rests[i])})" for i in indices)
        self._say_ambiguous(line, candidates)

    def _say_ambiguous(self, line: _Line, candidates: tuple[str, ...]) -> None:
        line.decision = self._decision(
            line,
            AMBIGUOUS,
            reason="plusieurs correspondances aussi plausibles : aucune n'est choisie",
            candidates=candidates,
        )
        what = "crédit" if line.montant > 0 else "débit"
        self.findings.append(
            Finding(
                AVERTISSEMENT,
                BANQUE,
                line.ligne,
                f"Rapprochement ambigu : le {what} de {euros(abs(line.montant))} du "
                f"{day(line.date.date())} peut correspondre à {len(candidates)} pièces "
                f"({'; '.join(candidates)}).",
                "Indiquez le n° de la facture réglée dans la colonne Facture de la feuille "
                "Banque ; en attendant, la ligne est comptée comme un mouvement ordinaire "
                "(voir l'onglet Rapprochement).",
                "banque_ambigu",
            )
        )

    # 5. forecasts ------------------------------------------------------------------------------

    def _forecasts(self) -> None:
        ledger = self.ledger
        records: dict[int, list[tuple[pd.Timestamp, str, object, str, frozenset[str], int]]] = {}
        enc = ledger.encaissements
        linked = invoice_key(enc["facture"]).isin(
            set(invoice_key(ledger.factures["facture"])) - {""}
        )
        planned = enc.loc[
            (enc["statut"] == "Prévu") & ~linked & enc["date"].notna() & enc["montant"].notna()
        ]
        order = 0
        for index, row in planned.iterrows():
            text = (
                f"prévu {quote(row['libelle'])} du {day(row['date'].date())} (Encaissements "
                f"ligne {row['ligne']})"
            )
            records.setdefault(_cents_key(row["montant"]), []).append(
                (row["date"], "enc", index, text, _name_words(row["client"]), order)
            )
            order += 1
        dec = ledger.decaissements
        dec = dec.loc[(dec["statut"] == "Prévu") & dec["montant"].notna()]
        for _, row in self._occurrences(dec).iterrows():
            text = (
                f"prévu {quote(row['libelle'])} du {day(row['date'].date())} (Décaissements "
                f"ligne {row['ligne']})"
            )
            records.setdefault(-_cents_key(row["montant"]), []).append(
                (
                    row["date"],
                    "dec",
                    (row["_index"], row["date"]),
                    text,
                    _name_words(row["fournisseur"]),
                    order,
                )
            )
            order += 1
        lines = sorted(self._auto(), key=lambda item: (item.date, item.ligne))
        candidates = [
            sorted(
                (
                    0 if _names(words, line.tokens) else 1,
                    _days(line.date, when),
                    o,
                    when,
                    sheet,
                    key,
                    text,
                )
                for when, sheet, key, text, words, o in records.get(_cents_key(line.montant), [])
                if _days(line.date, when) <= PREVU_DAYS
            )
            for line in lines
        ]
        chosen: dict[int, tuple] = {}  # line position -> its forecast
        used: dict[int, int] = {}  # forecast order -> line position
        for position, line in enumerate(lines):
            fitting = [f for f in candidates[position] if f[2] not in used]
            if not fitting:
                continue
            if len(fitting) > 1 and fitting[0][:2] == fitting[1][:2]:
                tied = tuple(f[6] for f in fitting if f[:2] == fitting[0][:2])
                self._say_ambiguous(line, tied)
                continue
            chosen[position] = fitting[0]
            used[fitting[0][2]] = position
        for position, line in enumerate(lines):  # a line left without its forecast by another
            if line.decision is None and position not in chosen and candidates[position]:
                _repair(position, candidates, chosen, used)
        for position in sorted(chosen):
            line = lines[position]
            named, _, _, when, sheet, key, text = chosen[position]
            how = "montant et tiers" if named == 0 else "montant"
            reason = f"{how} du prévu, {_gap(line.date, when)} : réalisé à la date du relevé"
            line.decision = self._decision(line, MATCHED, target=text, reason=reason)
            if sheet == "enc":
                self.enc_consumed.add(key)
                line.row = ("enc", self._copy(ledger.encaissements.loc[key].to_dict(), line))
            else:
                self.dec_consumed.add(key)
                line.row = ("dec", self._copy(ledger.decaissements.loc[key[0]].to_dict(), line))

    # 6. lines on their own, and the resulting ledger -------------------------------------------

    def _new_row(self, sheet: str, line: _Line, fields: dict[str, object]) -> dict[str, object]:
        row = dict(_empty_rows()[sheet])
        row.update(libelle=line.libelle, reference=line.reference, **fields)
        return self._copy(row, line)

    def _free_row(self, line: _Line) -> tuple[str, dict[str, object]]:
        sheet = "enc" if line.montant > 0 else "dec"
        return sheet, self._new_row(sheet, line, {"categorie": line.categorie})

    def _ledger(self) -> Ledger:
        ledger = self.ledger
        enc = ledger.encaissements.drop(index=list(self.enc_consumed))
        dec = _without_occurrences(ledger.decaissements, self.dec_consumed, self.until)
        new_enc = [
            fields
            for line in self.lines
            if line.row and line.row[0] == "enc"
            for fields in (line.row[1],)
        ]
        new_dec = [
            fields
            for line in self.lines
            if line.row and line.row[0] == "dec"
            for fields in (line.row[1],)
        ]
        factures = ledger.factures.copy()
        for index, when in self.factures_paid.items():
            factures.at[index, "date_paiement"] = when
        bills = ledger.fournisseurs.copy()
        for index, when in self.bills_paid.items():
            bills.at[index, "date_paiement"] = when
        return replace(
            ledger,
            params=self.params,
            encaissements=_appended(enc, new_enc),
            decaissements=_appended(dec, new_dec),
            factures=factures,
            fournisseurs=bills,
            banque=empty_banque(),
        )


def _repair(
    start: int, candidates: list[list[tuple]], chosen: dict[int, tuple], used: dict[int, int]
) -> None:
    """Give line `start` a forecast by moving lines already paired to another of theirs (the
    shortest such chain, breadth first), when one exists: forecasts of 10 and 20 March and
    lines of 16 and 28 March (10 days at most) pair 16↔10 and 28↔20, where date order alone
    paired 16↔20 and left the 28th beside the forecast of the 10th (counted twice).

    `candidates[position]`: (named, gap, order, …) of each line, best first; `chosen` and
    `used` are updated in place.
    """
    reached: dict[int, tuple[int, tuple]] = {}  # forecast order -> (line position, candidate)
    queue = [start]
    for position in queue:  # the queue grows
        for candidate in candidates[position]:
            order = candidate[2]
            if order in reached:
                continue
            reached[order] = (position, candidate)
            if order in used:
                queue.append(used[order])
                continue
            while True:  # a free forecast: flip the chain back to its start
                owner, pick = reached[order]
                previous = chosen.get(owner)
                chosen[owner] = pick
                used[order] = owner
                if previous is None:
                    return
                order = previous[2]


def _most_pairs(pairs: list[tuple]) -> list[tuple]:
    """Bank lines paired with typed rows: nearest date first, then re-paired only where that
    leaves a line and a row unpaired that could be paired (an augmenting path), so that no
    line counts beside the row it repeats.

    `pairs`: (gap, line position, row order, line, …) sorted by gap, position, order; the lines
    already decided are left out. Nearest-first alone pairs a 7,40 € line of the 26th with the
    row of the 30th (4 days) and leaves the line of the 4th next month without its row of the
    21st (5 days): both counted twice.
    """
    edges: dict[int, list[tuple]] = {}
    for pair in pairs:
        if pair[3].decision is None:
            edges.setdefault(pair[1], []).append(pair)
    line_pair: dict[int, tuple] = {}
    row_line: dict[int, int] = {}
    for pair in pairs:  # nearest date first
        if pair[1] in edges and pair[1] not in line_pair and pair[2] not in row_line:
            line_pair[pair[1]] = pair
            row_line[pair[2]] = pair[1]
    for start in edges:
        if start in line_pair:
            continue
        reached: dict[int, tuple] = {}  # row order -> the pair that reached it
        queue = [start]
        for position in queue:  # breadth first over alternating paths; the queue grows
            free = None
            for pair in edges[position]:
                if pair[2] in reached:
                    continue
                reached[pair[2]] = pair
                if pair[2] not in row_line:
                    free = pair[2]
                    break
                queue.append(row_line[pair[2]])
            if free is not None:
                order = free
                while True:  # flip the path back to its start
                    pair = reached[order]
                    previous = line_pair.get(pair[1])
                    line_pair[pair[1]] = pair
                    row_line[order] = pair[1]
                    if previous is None:
                        break
                    order = previous[2]
                break
    return [line_pair[position] for position in sorted(line_pair)]


def _empty_row(sheet: contract.Sheet) -> dict[str, object]:
    """A row of `sheet` with every cell empty, as the reader gives them (defaults applied)."""
    row: dict[str, object] = {}
    for col in sheet.columns:
        if col.kind is contract.Kind.DATE:
            row[col.field] = pd.NaT
        elif col.kind is contract.Kind.AMOUNT:
            row[col.field] = np.nan
        elif col.kind is contract.Kind.CHOICE:
            row[col.field] = col.default or ""
        else:
            row[col.field] = ""
    return row


@functools.cache
def _empty_rows() -> dict[str, dict[str, object]]:
    """The empty rows of both sheets, built on first use (not at import)."""
    return {"enc": _empty_row(contract.ENCAISSEMENTS), "dec": _empty_row(contract.DECAISSEMENTS)}


def _appended(frame: pd.DataFrame, rows: list[dict[str, object]]) -> pd.DataFrame:
    if not rows:
        return frame.reset_index(drop=True)
    extra = pd.DataFrame(rows, columns=list(frame.columns))
    for name, dtype in frame.dtypes.items():
        try:
            extra[name] = extra[name].astype(dtype)
        except (TypeError, ValueError):
            pass
    return pd.concat([frame, extra], ignore_index=True)


def _without_occurrences(
    dec: pd.DataFrame, consumed: set[tuple[object, pd.Timestamp]], until: dt.date
) -> pd.DataFrame:
    """Décaissements less the consumed occurrences: a one-off row is dropped; a recurring row is
    split into its remaining occurrences up to the last consumed one, one row each, then a
    recurring row from the first later occurrence on the anchor day (so that its own expansion
    gives the same dates as the original's)."""
    if not consumed:
        return dec
    by_row: dict[object, list[pd.Timestamp]] = {}
    for index, when in consumed:
        by_row.setdefault(index, []).append(when)
    drop: list[object] = []
    extra: list[dict[str, object]] = []
    for index, dates in by_row.items():
        drop.append(index)
        row = dec.loc[index]
        if row["recurrence"] not in STEP_MONTHS:
            continue
        first = row["date"].date()
        end = row["fin"].date() if pd.notna(row["fin"]) else None
        last = max(dates).date()
        taken = {d.date() for d in dates}
        horizon = max(until, last) + dt.timedelta(days=366 * 5)
        for when in occurrences(first, row["recurrence"], horizon, end):
            if when <= last:
                if when not in taken:
                    extra.append(
                        {
                            **row.to_dict(),
                            "date": pd.Timestamp(when),
                            "recurrence": "Aucune",
                            "fin": pd.NaT,
                        }
                    )
                continue
            if when.day == first.day:
                extra.append({**row.to_dict(), "date": pd.Timestamp(when)})
                break
            extra.append(
                {**row.to_dict(), "date": pd.Timestamp(when), "recurrence": "Aucune", "fin": pd.NaT}
            )
    kept = dec.drop(index=drop)
    return _appended(kept, extra).sort_values("ligne", kind="stable", ignore_index=True)
