"""Verifying residents by letter code and by commune staff; printing the letters.

Whatever the method, a verification ends in `chalicelib.accounts.verification.verify_resident`:
one transaction sets the account `verified` (gsi1sk `verified#<user_id>`) and writes the
`VerificationItem` (how, by whom, when). A letter code adds its use count to that transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib import alerts
from chalicelib import ratelimit
from chalicelib.accounts.models import Profile, UserItem
from chalicelib.accounts.pending import claimed_as_read, pending_copy, pending_entry, pending_page
from chalicelib.accounts.verification import verify_resident
from chalicelib.accounts.service import load_user, profile_of, residents_key
from chalicelib.accounts.signin import keep_sessions_in_step
from chalicelib.adapters.clock import now
from chalicelib.adapters.ids import new_id
from chalicelib.addresses.models import AddressPublic
from chalicelib.addresses.search import _suggestion_fields
from chalicelib.addresses.service import get_address
from chalicelib.addresses.store import active_partition, plain, query
from chalicelib.communes.service import get_commune
from chalicelib.errors import Conflict, Forbidden, InvalidInput, NotFound, TooLarge
from chalicelib.neighbourhoods.models import NeighbourhoodItem
from chalicelib.neighbourhoods.service import list_published
from chalicelib.observability import logger
from chalicelib.communes import audit
from chalicelib.policy import Principal, not_own_case
from chalicelib.store.pages import TIME_ID_SK, decode_cursor, encode_cursor
from chalicelib.store.table import refused_conditions, transaction
from chalicelib.verification import codes, letters
from chalicelib.verification.models import (
    LetterBatchRequest, LetterCodeItem, PendingResidentList, PendingVerificationItem, VerificationItem,
    VerificationQuery, VerificationRecordPublic,
)

# Letter-code attempts (right or wrong) per resident and per client IP in an hour.
CODE_ATTEMPTS_PER_USER, CODE_ATTEMPTS_PER_IP, CODE_WINDOW = 10, 30, 3600
# Letters per API request: ~6 ms and ~3 KB a page keep the answer within Lambda's 6 MB and 29 s.
MAX_LETTERS_PER_REQUEST = 1000


def _used_up() -> Conflict:
    return Conflict("This code has already verified as many residents as it may.", {"code": "used up"})


def _still_pending_at(user: UserItem):
    return (UserItem.residence_status == "pending") & (UserItem.address_id == user.address_id) & \
        (UserItem.lau2 == user.lau2) & claimed_as_read(user)


def _record(user: UserItem, decision: str, method: str, by: str | None, reason: str | None,
            stamp: datetime) -> VerificationItem:
    at = stamp.isoformat()
    return VerificationItem(
        *VerificationItem.key(user.user_id, at),
        gsi1pk=VerificationItem.commune_key(user.lau2), gsi1sk=f"{at}#{user.user_id}",
        user_id=user.user_id, lau2=user.lau2, neighbourhood_id=user.neighbourhood_id, address_id=user.address_id,
        decision=decision, method=method, by=by, reason=reason, at=stamp,
    )


def verifications_of(user_id: str) -> list[VerificationRecordPublic]:
    return [item.public() for item in VerificationItem.query(
        f"USER#{user_id}", VerificationItem.sk.startswith(VerificationItem.PREFIX))]


# --- letter codes: the resident's side ---------------------------------------------------------

def redeem_letter_code(principal: Principal, typed: str, client_ip: str) -> Profile:
    """Verify the signed-in resident with the code of the letter sent to the address they claimed."""
    ratelimit.limit("letter-code-user", principal.user_id or "-", CODE_ATTEMPTS_PER_USER, CODE_WINDOW)
    ratelimit.limit("letter-code-ip", client_ip, CODE_ATTEMPTS_PER_IP, CODE_WINDOW)
    user = load_user(principal.user_id)
    if user.residence_status == "verified":
        return profile_of(user)
    if user.residence_status != "pending" or not user.address_id:
        raise Conflict("Choose your address first: the code belongs to it.", {"address_id": "no address claimed"})
    code = codes.normalised(typed)
    if code is None:
        raise InvalidInput("A letter code has 10 letters and digits, like K7QF-2M9X-PD.", {"code": "not a letter code"})
    try:
        item = LetterCodeItem.get(*LetterCodeItem.key(codes.code_hash(code)))
    except DoesNotExist:
        item = None
    if item is None or item.address_id != user.address_id:
        raise InvalidInput("This is not the code of a letter sent to your address.", {"code": "wrong code"})
    not_own_case("me.residence_code", principal, [item.created_by])
    stamp = int(now().timestamp())
    if item.expires_at <= stamp:
        raise InvalidInput("This code has expired: ask your commune for a new letter.", {"code": "expired"})
    if item.uses >= item.max_uses:
        raise _used_up()

    def count_the_use(writes: TransactWrite) -> None:
        # The household budget, counted by a conditional ADD in the same transaction.
        writes.update(item, actions=[LetterCodeItem.uses.add(1)],
                      condition=(LetterCodeItem.uses < int(item.max_uses)) & (LetterCodeItem.expires_at > stamp))

    verify_resident(user, "letter", f"letter:{item.batch_id}", also=count_the_use, also_refused=_used_up())
    return profile_of(user)


# --- letter codes: the commune's side ----------------------------------------------------------

@dataclass(frozen=True)
class LetterBatch:
    batch_id: str
    pdf: bytes
    codes: list[codes.IssuedCode]  # in page order; the codes exist in clear only here and on paper


def letter_batch(lau2: str, request: LetterBatchRequest, *, site: str, by: str | None,
                 max_letters: int | None = MAX_LETTERS_PER_REQUEST) -> LetterBatch:
    """A PDF with one letter (and one fresh code) per household: the addresses of pending residents,
    or every address of a neighbourhood."""
    if not request.pending and request.neighbourhood_id is None:
        raise InvalidInput("Say whom to write to: pending residents, or every address of a neighbourhood.",
                           {"neighbourhood_id": "required unless pending is true"})
    commune = get_commune(lau2)
    if request.neighbourhood_id is not None:
        _published_neighbourhood(lau2, request.neighbourhood_id)
    if request.pending:
        addresses = _pending_households(lau2, request.neighbourhood_id)
        if not addresses:
            raise Conflict("No resident is waiting for verification there.", {"pending": "nobody pending"})
    else:
        addresses = _neighbourhood_households(lau2, request.neighbourhood_id or "")
        if not addresses:
            raise Conflict("This neighbourhood has no address.", {"neighbourhood_id": "no address"})
    if max_letters is not None and len(addresses) > max_letters:
        raise TooLarge(f"At most {max_letters} letters at once: print per neighbourhood, or use `./noper letters`.",
                       {"neighbourhood_id" if request.neighbourhood_id else "pending": f"{len(addresses)} letters"})
    batch_id = new_id()
    issued = codes.issue_codes(
        [a.id for a in addresses], lau2=lau2, batch_id=batch_id, created_by=by, valid_days=request.valid_days,
        neighbourhoods={a.id: a.neighbourhood.id if a.neighbourhood else None for a in addresses},
    )
    pages = []
    for address, code in zip(addresses, issued):
        shown = codes.printed(code.code)
        pages.append(letters.Letter(
            street_line=f"{address.street} {address.number}".strip(), town_line=f"{address.postcode} {address.locality}",
            neighbourhood=address.neighbourhood.name if address.neighbourhood else commune.name, code=shown,
            join_url=letters.join_url(site, shown), expires=code.expires_at,
            households=codes.HOUSEHOLD_RESIDENTS,
        ))
    pdf = letters.render(commune.name, pages, sender_language=(commune.languages or ["fr"])[0])
    audit.record(lau2, "letters_printed", by, "letter_batch", batch_id,
                 f"{len(pages)} letters, " + ("pending residents" if request.pending else "every address")
                 + (f" of {request.neighbourhood_id}" if request.neighbourhood_id else ""))
    logger.info("letters printed", lau2=lau2, batch_id=batch_id, letters=len(pages))
    return LetterBatch(batch_id=batch_id, pdf=pdf, codes=issued)


def _published_neighbourhood(lau2: str, nbh_id: str) -> NeighbourhoodItem:
    try:
        return NeighbourhoodItem.get(*NeighbourhoodItem.key(lau2, nbh_id))
    except DoesNotExist:
        raise NotFound("No such published neighbourhood in this commune.", {"neighbourhood_id": "unknown"}) from None


def _pending_households(lau2: str, nbh_id: str | None) -> list[AddressPublic]:
    seen: dict[str, AddressPublic] = {}
    for user in _pending_residents(lau2, nbh_id):
        if user.address_id and user.address_id not in seen:
            seen[user.address_id] = get_address(user.address_id)
    return sorted(seen.values(), key=_postal_order)


def _neighbourhood_households(lau2: str, nbh_id: str) -> list[AddressPublic]:
    """Every active address of the neighbourhood (an address is a household's letter box)."""
    found = []
    for item in query(active_partition(lau2), index=True):
        address = plain(item)
        if address.get("neighbourhood_id") != nbh_id:
            continue
        found.append(AddressPublic(**_suggestion_fields(address), lau2=address["lau2"], commune=address["commune"],
                                   lat=address["lat"], lon=address["lon"], cell=address["cell"], retired=False))
    return sorted(found, key=_postal_order)


def _postal_order(address: AddressPublic) -> tuple:
    """As a postman walks: locality, street, then house number."""
    digits = "".join(c for c in address.number if c.isdigit())[:6]
    return (address.postcode, address.locality, address.street, int(digits) if digits else 0, address.number)


# --- commune staff: pending residents and decisions ---------------------------------------------

def _pending_residents(lau2: str, nbh_id: str | None = None) -> Iterable[UserItem]:
    """Pending residents by neighbourhood: one Query of gsi1 per published neighbourhood."""
    ids = [nbh_id] if nbh_id else [n.id for n in list_published(lau2).neighbourhoods]
    for each in ids:
        for user in UserItem.by_neighbourhood.query(residents_key(each), UserItem.gsi1sk.startswith("pending#")):
            if user.lau2 == lau2:
                yield user


def pending_residents(lau2: str, query: VerificationQuery | None = None,
                      actor: Principal | None = None) -> PendingResidentList:
    """The commune's residents waiting for verification, longest waiting first: one Query of its index a page
    (no read of the commune: the policy let only its staff in). Never the staff member's own case nor their
    household's (`actor`): another staff member decides those (`policy.not_own_case`)."""
    query = query or VerificationQuery()
    partition = PendingVerificationItem.partition(lau2)
    start = decode_cursor(query.cursor, partition=partition, sort_pattern=TIME_ID_SK,
                          what="list of pending residents") if query.cursor else None
    entries, last = pending_page(lau2, query.limit, start)
    return PendingResidentList(residents=[entry.public() for entry in entries if _theirs_to_decide(actor, entry)],
                               cursor=encode_cursor(last) if last else None)


def _theirs_to_decide(actor: Principal | None, entry: PendingVerificationItem) -> bool:
    if actor is None:
        return True
    try:
        not_own_case("residents.verify", actor, [entry.user_id], household=entry.address_id)
    except Forbidden:
        return False
    return True


def index_pending_residents(lau2: str) -> int:
    """Once when upgrading (`./noper index-pending`): the commune's index of pending residents gets a copy of
    each resident who claimed before it existed (one Query per published neighbourhood, one read per
    household; idempotent puts). Answers how many it wrote."""
    addresses: dict[str, AddressPublic] = {}
    written = 0
    with PendingVerificationItem.batch_write() as batch:
        for user in _pending_residents(lau2):
            if not user.address_id:
                continue
            if user.address_id not in addresses:
                addresses[user.address_id] = get_address(user.address_id)
            batch.save(pending_copy(user, addresses[user.address_id], user.residence_claimed_at))
            written += 1
    return written


def decide(lau2: str, user_id: str, approve: bool, reason: str | None, by: str | None, *,
           actor: Principal | None = None) -> VerificationRecordPublic:
    """Commune staff checked the population register: approve (verified, method "staff") or reject
    (back to no residence status, with the reason recorded). Never their own residence nor one of their
    household (`actor`: the staff member deciding; `policy.not_own_case`). The commune's audit log gets
    the decision in the same transaction."""
    if not approve and not reason:
        raise InvalidInput("Say why the address is rejected: it is kept with the decision.", {"reason": "required to reject"})
    try:
        user = UserItem.get(*UserItem.key(user_id))
    except DoesNotExist:
        user = None
    if user is None or user.residence_status != "pending" or user.lau2 != lau2:
        raise NotFound("No resident of this commune is waiting for verification under this id.",
                       {"user_id": "not pending here"})
    if actor is not None:
        not_own_case("residents.verify", actor, [user.user_id], household=user.address_id)
    if approve:
        verify_resident(user, "staff", by or "staff", also=lambda writes: writes.save(
            audit.entry(lau2, "residence_approved", by, "resident", user_id)))
        logger.info("residence approved", user_id=user_id, lau2=lau2)
        return verifications_of(user_id)[-1]
    stamp = now()
    record = _record(user, "rejected", "staff", by, reason, stamp)
    try:
        with transaction() as writes:
            writes.update(user, actions=[
                UserItem.residence_status.set("none"),
                UserItem.residence_method.remove(),
                UserItem.gsi1pk.remove(),
                UserItem.gsi1sk.remove(),
            ], condition=_still_pending_at(user))
            writes.save(record, condition=VerificationItem.pk.does_not_exist())
            writes.save(audit.entry(lau2, "residence_rejected", by, "resident", user_id, reason))
            writes.delete(pending_entry(user))
    except TransactWriteError as error:
        if refused_conditions(error):
            raise NotFound("This resident is no longer waiting for verification.",
                           {"user_id": "not pending here"}) from None
        raise
    keep_sessions_in_step(user_id)
    logger.info("residence rejected", user_id=user_id, lau2=lau2)

    alerts.residence_decided(user_id, stamp.isoformat())
    return record.public()
