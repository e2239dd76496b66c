"""Ready-to-send French reminder texts: courtesy, friendly, firm, and the formal notice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from treso_xl.core.records import Params
from treso_xl.french import day, euros, percent

if TYPE_CHECKING:
    from treso_xl.core.reminders import Reminder


@dataclass(frozen=True)
class ReminderText:
    """Subject and body of a reminder."""

    subject: str
    body: str


class LazyReminderText(ReminderText):
    """A reminder text whose body is written on first use: thousands of reminders are listed
    with their subject, but only the letters printed or drafted need a body."""

    def __init__(self, subject: str, build: Callable[[], ReminderText]) -> None:
        # set in the instance's dict, without a frozen __setattr__ call per field (one text per
        # reminder: thousands of them)
        fields = self.__dict__
        fields["subject"] = subject
        fields["_build"] = build
        fields["_body"] = None

    @property
    def body(self) -> str:  # type: ignore[override]
        if self._body is None:
            object.__setattr__(self, "_body", self._build().body)
        return self._body

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ReminderText):
            return NotImplemented
        return (self.subject, self.body) == (other.subject, other.body)

    def __hash__(self) -> int:
        return hash((self.subject, self.body))

    def __repr__(self) -> str:
        return f"ReminderText(subject={self.subject!r}, body={self.body!r})"

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        return ReminderText, (self.subject, self.body)


def _how_to_pay(r: Reminder, params: Params) -> list[str]:
    lines = []
    if r.lien_paiement:
        lines.append(f"- en ligne, en quelques secondes : {r.lien_paiement}")
    if params.iban:
        lines.append(
            f"- par virement sur le compte IBAN {params.iban}, en rappelant la "
            f"référence {r.facture}"
        )
    if not lines:
        lines.append(f"- par le moyen de votre choix, en rappelant la référence {r.facture}")
    return ["Vous pouvez régler :", *lines]


def _invoice_line(r: Reminder) -> str:
    rest = "" if r.reste_du == r.montant else f", dont il reste {euros(r.reste_du)} à régler"
    return (
        f"la facture {r.facture} du {day(r.date_facture)} d'un montant de {euros(r.montant)}{rest}"
    )


def _penalty_sentence(r: Reminder) -> str:
    if r.taux is None or r.penalites == 0:
        return ""
    return (
        "Conformément à l'article L441-10 du Code de commerce, tout retard de paiement entraîne "
        f"de plein droit des pénalités au taux annuel de {percent(r.taux)}, soit "
        f"{euros(r.penalites)} au {{ref}}, ainsi qu'une indemnité forfaitaire pour frais de "
        f"recouvrement de {euros(r.indemnite)} (article D441-5)."
    )


def _signature(params: Params) -> list[str]:
    lines = ["", "Bien cordialement,", "", params.entreprise]
    if params.adresse:
        lines.append(params.adresse)
    return lines


def reminder_subject(r: Reminder, promised: dt.date | None = None) -> str:
    """The subject of `reminder_text` alone (the same words, without writing the body)."""
    if promised is not None and r.niveau != "Avant échéance":
        return f"Facture {r.facture} : votre engagement de paiement au {day(promised)}"
    if r.niveau == "Avant échéance":
        return f"Facture {r.facture} : échéance le {day(r.echeance)}"
    if r.niveau == "J+1":
        return f"Facture {r.facture} : rappel de paiement"
    if r.niveau == "J+15":
        return f"Deuxième relance : facture {r.facture} échue le {day(r.echeance)}"
    return f"Mise en demeure de payer : facture {r.facture}"


def lazy_reminder_text(
    r: Reminder, params: Params, next_action: str = "", promised: dt.date | None = None
) -> ReminderText:
    """`reminder_text` with its subject written now and its body on first use."""
    return LazyReminderText(
        reminder_subject(r, promised),
        lambda: reminder_text(r, params, next_action=next_action, promised=promised),
    )


def reminder_text(
    r: Reminder, params: Params, next_action: str = "", promised: dt.date | None = None
) -> ReminderText:
    """The text for the reminder's level, with the invoice's figures filled in.

    `promised`: the date by which the client promised to pay the whole rest; the text then
    confirms the promise (a formal notice to a client who just promised would be out of place)
    and says what follows if it is not kept.
    """
    ref = day(params.date_reference)
    pay = _how_to_pay(r, params)
    if promised is not None and r.niveau != "Avant échéance":
        return _promise_confirmation(r, params, pay, promised)
    if r.niveau == "Avant échéance":
        subject = f"Facture {r.facture} : échéance le {day(r.echeance)}"
        body = [
            "Bonjour,",
            "",
            f"Petit rappel amical : {_invoice_line(r)} arrive à échéance le {day(r.echeance)}.",
            "",
            *pay,
            "",
            "Si le règlement est déjà en route, merci et ne tenez pas compte de ce message.",
            *_signature(params),
        ]
    elif r.niveau == "J+1":
        subject = f"Facture {r.facture} : rappel de paiement"
        body = [
            "Bonjour,",
            "",
            f"Sauf erreur de ma part, {_invoice_line(r)}, arrivée à échéance le "
            f"{day(r.echeance)}, n'a pas encore été réglée.",
            "Il s'agit sans doute d'un simple oubli.",
            "",
            *pay,
            "",
            "Si le paiement est déjà parti, merci de ne pas tenir compte de ce message.",
            *_signature(params),
        ]
    elif r.niveau == "J+15":
        penalty = _penalty_sentence(r).replace("{ref}", ref)
        subject = f"Deuxième relance : facture {r.facture} échue le {day(r.echeance)}"
        body = [
            "Bonjour,",
            "",
            f"Malgré mon précédent rappel, {_invoice_line(r)}, échue le {day(r.echeance)}, "
            f"n'est toujours pas réglée : {r.jours_retard} jours de retard à ce jour.",
            f"Je vous remercie d'effectuer ce règlement de {euros(r.reste_du)} sous 8 jours.",
            *(["", penalty] if penalty else []),
            "",
            *pay,
            "",
            "Je vous appellerai dans les prochains jours pour en parler si besoin.",
            *_signature(params),
        ]
    else:
        subject, body = _formal_notice(r, params, pay, next_action)
    return ReminderText(subject, "\n".join(body))


def _promise_confirmation(
    r: Reminder, params: Params, pay: list[str], promised: dt.date
) -> ReminderText:
    penalty = _penalty_sentence(r).replace("{ref}", day(params.date_reference))
    if r.niveau == "J+30":
        otherwise = (
            "Sans règlement à cette date, je vous adresserai une mise en demeure par lettre "
            "recommandée avec accusé de réception."
        )
    else:
        otherwise = "Sans règlement à cette date, je me permettrai de vous relancer."
    body = [
        "Bonjour,",
        "",
        f"Je vous remercie de votre engagement à régler {_invoice_line(r)}, échue le "
        f"{day(r.echeance)}, au plus tard le {day(promised)}.",
        *(["", penalty] if penalty else []),
        "",
        *pay,
        "",
        otherwise,
        *_signature(params),
    ]
    return ReminderText(
        f"Facture {r.facture} : votre engagement de paiement au {day(promised)}", "\n".join(body)
    )


def _formal_notice(
    r: Reminder, params: Params, pay: list[str], next_action: str
) -> tuple[str, list[str]]:
    ref = day(params.date_reference)
    professional = r.type_client == "Professionnel"
    header = [params.entreprise]
    if params.adresse:
        header.append(params.adresse)
    if params.siren:
        header.append(f"SIREN {params.siren}")
    lines = [f"- {_invoice_line(r)}, échue le {day(r.echeance)} : {euros(r.reste_du)} ;"]
    if professional and r.taux is not None:
        lines.append(
            f"- pénalités de retard au taux annuel de {percent(r.taux)} (article L441-10 du "
            f"Code de commerce), arrêtées au {ref} : {euros(r.penalites)} ;"
        )
    if professional and r.indemnite:
        lines.append(
            "- indemnité forfaitaire pour frais de recouvrement (article D441-5 du Code de "
            f"commerce) : {euros(r.indemnite)}."
        )
    if professional:
        interest = "Les pénalités de retard continuent de courir jusqu'au complet paiement."
    else:
        interest = (
            "À compter de la réception de la présente, les sommes dues porteront "
            "intérêts au taux légal (article 1344-1 du Code civil)."
        )
    what_next = (
        next_action[0].lower() + next_action[1:]
        if next_action
        else ("une procédure de recouvrement judiciaire")
    )
    body = [
        *header,
        "",
        f"À l’attention de : {r.client}",
        "",
        "Lettre recommandée avec accusé de réception",
        f"Le {ref}",
        "",
        f"Objet : mise en demeure de payer — facture {r.facture}",
        "",
        "Madame, Monsieur,",
        "",
        "Malgré nos relances, la somme ci-dessous reste impayée. Par la présente, nous vous "
        f"mettons en demeure de nous régler, dans un délai de 8 jours à compter de la réception "
        f"de ce courrier, la somme de {euros(r.total_du)}, détaillée ainsi :",
        *lines,
        "",
        interest,
        "",
        *pay,
        "",
        "À défaut de règlement dans ce délai, nous engagerons sans autre avis une procédure de "
        f"recouvrement : {what_next}.",
        "",
        "La présente lettre vaut mise en demeure au sens de l'article 1344 du Code civil.",
        "",
        "Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.",
        "",
        params.entreprise,
    ]
    return f"Mise en demeure de payer : facture {r.facture}", body
