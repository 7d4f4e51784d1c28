"""Paper ballots for residents offline. Staff print voting cards on request, one per person, each with a one-time
ballot code made and hashed as the verification letters' codes are (chalicelib/verification/codes.py: Crockford
base-32, only a keyed hash stored); then they enter each paper ballot with its code. A card votes once (its `used`
flag, conditional); the card's person votes one way only: the paper ballot is cast through `ballots.cast`, which
conditions on the same has-voted marker as the online one.
"""

from __future__ import annotations

from chalicelib.accounts.secrets import keyed_hash
from chalicelib.adapters.clock import now
from chalicelib.budget import ballots, editions
from chalicelib.budget.models import (
    BallotRequest, CardItem, PaperBallotEntered, PaperBallotRequest, PaperCardsRequest,
)
from chalicelib.communes import audit
from chalicelib.errors import Conflict, InvalidInput, NotFound
from chalicelib.i18n import translate
from chalicelib.observability import logger
from chalicelib.policy import Principal
from chalicelib.verification.codes import new_code, normalised, printed


def card_hash(edition_id: str, code: str) -> str:
    return keyed_hash("budget-card", edition_id, code)


def print_cards(principal: Principal, lau2: str, edition_id: str, request: PaperCardsRequest) -> tuple[bytes, int]:
    """A PDF with one card per person asked for (verified residents of the scope; others: 400 naming them)."""
    from chalicelib.accounts.models import UserItem
    from chalicelib.communes.service import get_commune

    item = editions.for_staff(lau2, edition_id)
    editions.require_phase(item, "review", "voting")
    people = {user.user_id: user for user in UserItem.batch_get([UserItem.key(u) for u in set(request.user_ids)])}
    asked = [(f"user_ids.{i}", people.get(user_id)) for i, user_id in enumerate(request.user_ids)]
    problems: dict[str, str] = {}
    for i, address_id in enumerate(request.address_ids):
        living = _residents_at(address_id)
        if not living:
            problems[f"address_ids.{i}"] = "no verified resident lives there"
        asked += [(f"address_ids.{i}", user) for user in living]
    cards, seen = [], set()
    for field, user in asked:
        if user is None or user.residence_status != "verified" or user.lau2 != lau2:
            problems[field] = "not a verified resident of the commune"
            continue
        envelope = next((e for e in editions.envelopes_of(item)
                         if not e["neighbourhood_ids"] or user.neighbourhood_id in e["neighbourhood_ids"]), None)
        if envelope is None:
            problems[field] = "outside the budget's scope"
            continue
        if user.user_id not in seen:  # named twice, or also living at an address named: one card
            seen.add(user.user_id)
            cards.append((user, envelope))
    if problems:
        raise InvalidInput(f"No card for: {', '.join(problems)}.", problems)
    at, issued = now(), []
    with CardItem.batch_write() as batch:
        for user, envelope in cards:
            code = new_code()
            batch.save(CardItem(*CardItem.key(edition_id, card_hash(edition_id, code)), edition_id=edition_id,
                                user_id=user.user_id, envelope_id=envelope["id"],
                                neighbourhood_id=user.neighbourhood_id, printed_by=principal.user_id or "",
                                printed_at=at, used=0))
            issued.append((user, envelope, printed(code)))
    audit.record(lau2, "budget_cards_printed", principal.user_id, "budget_edition", edition_id, f"{len(issued)} cards")
    from chalicelib.addresses.service import street_and_number_of

    commune = get_commune(lau2).name
    issued.sort(key=lambda each: (each[0].address_id or "", each[0].user_id))  # one address's cards together
    streets = street_and_number_of(user.address_id for user, _, _ in issued if user.address_id)  # one BatchGetItem
    return _render(commune, item, issued, streets, request.language), len(issued)


def _residents_at(address_id: str) -> list:
    """The verified residents of an address: the address's neighbourhood's verified residents (one Query) living
    there. None for an unknown address or one outside every published neighbourhood."""
    from chalicelib.addresses.service import get_address
    from chalicelib.neighbours.service import residents

    try:
        address = get_address(address_id)
    except NotFound:
        return []
    if address.neighbourhood is None:
        return []
    return [user for user in residents(address.neighbourhood.id, "verified") if user.address_id == address_id]


def _render(commune: str, item, issued, streets: dict[str, tuple[str, str]], language: str) -> bytes:
    """One A4 page a card: the commune, the budget, the person's name and street (to hand or post it), the code."""
    from fpdf import FPDF

    from chalicelib.printing import latin, wrapped

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(20, 15, 20)
    pdf.set_title(latin(f"Noper - {commune}"))
    widths: dict[str, float] = {}
    name = item.name.get(language) or next(iter(item.name.values()))
    for user, envelope, code in issued:
        pdf.add_page()
        pdf.set_font("Helvetica", style="B", size=14)
        pdf.cell(0, 8, latin(translate(language, "budget.card.title", commune=commune)), new_x="LMARGIN",
                 new_y="NEXT")
        pdf.set_font("Helvetica", size=12)
        pdf.cell(0, 7, latin(name), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.set_font("Helvetica", size=11)
        street = streets.get(user.address_id or "")
        for line in (user.shown_name() or translate(language, "budget.card.resident"),
                     " ".join(street) if street else ""):
            if line:
                pdf.cell(0, 6, latin(line), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)
        pdf.set_font("Courier", style="B", size=20)
        pdf.cell(0, 10, code, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)
        pdf.set_font("Helvetica", size=10)
        text = translate(language, "budget.card.body", amount=f"{envelope['amount_cents'] / 100:,.2f}")
        for line in wrapped(pdf, latin(text), 170, widths):
            pdf.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def enter(principal: Principal, lau2: str, edition_id: str, request: PaperBallotRequest) -> PaperBallotEntered:
    """Staff enter a paper ballot with its card's code: validated as an online one; the card then is spent."""
    item = editions.for_staff(lau2, edition_id)
    editions.require_phase(item, "voting")
    code = normalised(request.code)
    card = None
    if code is not None:
        try:
            card = CardItem.get(*CardItem.key(edition_id, card_hash(edition_id, code)), consistent_read=True)
        except CardItem.DoesNotExist:
            card = None
    if card is None:
        raise NotFound("No voting card of this budget has this code.", {"code": "unknown code"})
    if card.used:
        raise Conflict("This voting card has been used.", {"code": "used"})
    envelope = editions.envelope_by_id(item, card.envelope_id)
    _, projects = ballots.on_ballot(edition_id, card.envelope_id)
    choices = ballots.validated(item, envelope, projects, BallotRequest(choices=request.choices))
    ballots.cast(item, card.envelope_id, card.user_id, choices, "paper", card=CardItem.key(edition_id, card.sk[5:]),
                 neighbourhood_id=card.neighbourhood_id)
    audit.record(lau2, "budget_paper_ballot_entered", principal.user_id, "budget_edition", edition_id)
    logger.info("budget paper ballot entered", edition_id=edition_id)
    return PaperBallotEntered(edition_id=edition_id, envelope_id=card.envelope_id)
