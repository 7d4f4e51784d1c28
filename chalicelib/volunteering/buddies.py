"""Welcome buddies (issue #12, point 4): a newly verified resident is offered a buddy from their neighbourhood who
speaks one of their languages; both must accept; either can end it.

A pair is stored twice, once in each person's partition, `USER#<user_id>#BUDDYPAIRS` / `<pair_id>` (`PairItem`),
so that each lists theirs with one Query; every change writes both copies in one transaction conditioned on the
pair's `version` (optimistic: two accepts at the same moment are applied one after the other, and the pair is
made — and counted in the week's `buddies_paired` — exactly once).

States: `offered` (nobody accepted yet) → `accepted` (one of them did, `accepted_by`) → `paired`; from any of
those `declined` (before paired) or `ended` (after). The buddy chosen is the one with the fewest pairs now (ties:
the first by id), speaking one of the newcomer's languages, with no block between them; none: nothing is offered
(the newcomer can ask later). The emails are sent by chalicelib/notifications/moments.py (`buddy_offered`).
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any, Literal

from pydantic import Field
from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UnicodeSetAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError

from chalicelib import alerts
from chalicelib.accounts.content_owners import ContentChoice, ContentOwner, register_content_owner
from chalicelib.accounts.models import UserItem
from chalicelib.adapters.clock import now
from chalicelib.adapters.ids import new_id
from chalicelib.content.counters import count_in_week
from chalicelib.errors import Conflict, NotFound
from chalicelib.models import Model
from chalicelib.observability import logger
from chalicelib.policy import Principal
from chalicelib.store.table import Entity, condition_failed, transaction
from chalicelib.volunteering import offers
from chalicelib.volunteering.offers import BuddyItem

State = Literal["offered", "accepted", "paired", "declined", "ended"]
OPEN: frozenset[str] = frozenset({"offered", "accepted", "paired"})
TRIES = 6
Verb = Literal["accept", "decline", "end"]


class PairItem(Entity):
    """pk=USER#<user_id>#BUDDYPAIRS, sk=<pair_id>: one person's copy of a pair (the other copy is the other's)."""

    pair_id = UnicodeAttribute()
    newcomer_id = UnicodeAttribute()
    buddy_id = UnicodeAttribute()
    neighbourhood_id = UnicodeAttribute()
    state = UnicodeAttribute()
    accepted_by = UnicodeSetAttribute(null=True)
    version = NumberAttribute(default=0)
    created_at = UTCDateTimeAttribute()
    changed_at = UTCDateTimeAttribute()
    # The names neighbours see, copied at the offer (the list reads no profile); emptied when one is erased.
    newcomer_name = UnicodeAttribute(null=True)
    buddy_name = UnicodeAttribute(null=True)

    @staticmethod
    def partition(user_id: str) -> str:
        return f"USER#{user_id}#BUDDYPAIRS"

    @staticmethod
    def key(user_id: str, pair_id: str) -> tuple[str, str]:
        return PairItem.partition(user_id), pair_id


class PairPath(Model):
    pair_id: str = Field(pattern=r"^[0-9A-Z]{26}$")


class PairPublic(Model):
    id: str
    role: Literal["newcomer", "buddy"] = Field(description="my side of the pair")
    with_user_id: str
    with_name: str = Field(description="the name neighbours see (empty before one was chosen)")
    state: State
    accepted_by_me: bool
    accepted_by_them: bool
    created_at: datetime


class PairList(Model):
    pairs: list[PairPublic] = Field(description="newest first; declined and ended ones too")


def _public(item: PairItem, me: str, names: dict[str, str]) -> PairPublic:
    other = item.buddy_id if item.newcomer_id == me else item.newcomer_id
    accepted = set(item.accepted_by or ())
    return PairPublic(id=item.pair_id, role="newcomer" if item.newcomer_id == me else "buddy", with_user_id=other,
                      with_name=names.get(other, ""), state=item.state, accepted_by_me=me in accepted,  # type: ignore[arg-type]
                      accepted_by_them=other in accepted, created_at=item.created_at)


def _pairs_of(user_id: str, consistent: bool = False) -> list[PairItem]:
    return list(PairItem.query(PairItem.partition(user_id), consistent_read=consistent, scan_index_forward=False))


def my_pairs(principal: Principal) -> PairList:
    """My pairs with the other's name (one Query; names are copied on the pair at the offer)."""
    me = principal.user_id or "-"
    return PairList(pairs=[_public(item, me, _names(item)) for item in _pairs_of(me)])


def _names(item: PairItem) -> dict[str, str]:
    return {item.newcomer_id: item.newcomer_name or "", item.buddy_id: item.buddy_name or ""}


# --- offering a buddy -------------------------------------------------------------------------

def offer_buddy(newcomer_id: str) -> PairItem | None:
    """Offer the newly verified resident a buddy (verification calls this through the alert job; the newcomer may
    ask later). None: they have an open pair already, are not verified, or no buddy fits."""
    try:
        newcomer = UserItem.get(*UserItem.key(newcomer_id), consistent_read=True)
    except DoesNotExist:
        return None
    nbh = newcomer.neighbourhood_id
    if newcomer.residence_status != "verified" or not nbh:
        return None
    if any(pair.state in OPEN for pair in _pairs_of(newcomer_id, consistent=True)):
        return None
    languages = set(newcomer.languages or ())
    mine = offers.profile_of(newcomer_id)
    if mine is not None:
        languages |= set(mine.languages or ())
    apart = (mine.blocked_with() if mine else set()) | set(newcomer.blocked or ())
    candidates = [buddy for buddy in BuddyItem.query(BuddyItem.partition(nbh), consistent_read=True)
                  if buddy.user_id != newcomer_id and buddy.user_id not in apart
                  and newcomer_id not in (buddy.blocked_with or ()) and languages & set(buddy.languages or ())]
    for buddy in sorted(candidates, key=lambda b: (int(b.pairs or 0), b.user_id)):
        pair = _offer(newcomer, buddy)
        if pair is not None:
            return pair
    logger.info("no welcome buddy fits", user_id=newcomer_id, neighbourhood_id=nbh, candidates=len(candidates))
    return None


def _offer(newcomer: UserItem, buddy: BuddyItem) -> PairItem | None:
    pair_id, stamp, nbh = new_id(), now(), newcomer.neighbourhood_id or "-"
    copies = [PairItem(*PairItem.key(user_id, pair_id), pair_id=pair_id, newcomer_id=newcomer.user_id,
                       buddy_id=buddy.user_id, neighbourhood_id=nbh, state="offered", version=0, created_at=stamp,
                       changed_at=stamp, newcomer_name=newcomer.shown_name(), buddy_name=buddy.name or "")
              for user_id in (newcomer.user_id, buddy.user_id)]
    try:
        with transaction() as t:
            for copy in copies:
                t.save(copy, condition=PairItem.pk.does_not_exist())
            # The buddy still volunteers (they may have withdrawn since the Query): one pair more.
            t.update(BuddyItem(*BuddyItem.key(nbh, buddy.user_id)), actions=[BuddyItem.pairs.add(1)],
                     condition=BuddyItem.pk.exists())
    except TransactWriteError as error:
        logger.info("buddy not offered", user_id=newcomer.user_id, buddy_id=buddy.user_id, error=str(error)[:200])
        return None
    logger.info("welcome buddy offered", pair_id=pair_id, neighbourhood_id=nbh)
    return copies[0]


def ask_for_buddy(principal: Principal) -> PairPublic:
    """The newcomer asks (again) for a buddy: 409 when one is open already or none fits now."""
    me = principal.user_id or "-"
    if any(pair.state in OPEN for pair in _pairs_of(me, consistent=True)):
        raise Conflict("You already have a welcome buddy (or one is offered).", {"pair": "already open"})
    pair = offer_buddy(me)
    if pair is None:
        raise Conflict("No welcome buddy speaking one of your languages is free in your neighbourhood now.",
                       {"languages": "no buddy fits"})
    alerts.buddy_offered(pair.newcomer_id, pair.pair_id)  # the emails to both (notifications/moments.py)
    return _public(pair, me, _names(pair))


# --- the state machine ------------------------------------------------------------------------

def _next(item: PairItem, me: str, verb: str) -> tuple[str, set[str]]:
    accepted = set(item.accepted_by or ())
    if verb == "accept":
        if item.state not in ("offered", "accepted"):
            raise Conflict(f"This pair is {item.state}: it cannot be accepted.", {"pair_id": item.state})
        accepted.add(me)
        return ("paired" if {item.newcomer_id, item.buddy_id} <= accepted else "accepted"), accepted
    if verb == "decline":
        if item.state not in ("offered", "accepted"):
            raise Conflict(f"This pair is {item.state}: it cannot be declined.", {"pair_id": item.state})
        return "declined", accepted
    if item.state not in OPEN:
        raise Conflict(f"This pair is {item.state} already.", {"pair_id": item.state})
    return "ended", accepted


def change(principal: Principal, pair_id: str, verb: Verb) -> PairPublic:
    """Accept, decline or end a pair I am part of (404 otherwise). Both copies change together, on the
    condition that nobody changed the pair since it was read; a concurrent change is retried on the new state."""
    me = principal.user_id or "-"
    for attempt in range(TRIES):
        try:
            item = PairItem.get(*PairItem.key(me, pair_id), consistent_read=True)
        except DoesNotExist:
            raise NotFound("No such pair.", {"pair_id": "not found"}) from None
        state, accepted = _next(item, me, verb)
        stamp = now()
        try:
            with transaction() as t:
                for user_id in (item.newcomer_id, item.buddy_id):
                    t.update(PairItem(*PairItem.key(user_id, pair_id)), actions=[
                        PairItem.state.set(state), PairItem.version.set(int(item.version) + 1),
                        PairItem.changed_at.set(stamp),
                        PairItem.accepted_by.set(accepted) if accepted else PairItem.accepted_by.remove(),
                    ], condition=PairItem.version == int(item.version))
                if state == "paired":
                    count_in_week(t, item.neighbourhood_id, stamp, buddies_paired=1)
        except TransactWriteError as error:
            reasons = [getattr(reason, "code", None) for reason in error.cancellation_reasons or []]
            if attempt + 1 < TRIES and ("ConditionalCheckFailed" in reasons or "TransactionConflict" in reasons):
                time.sleep(0.01 * (attempt + 1))
                continue
            raise Conflict("The pair changed meanwhile: try again.", {"pair_id": "changed"}) from error
        if state in ("declined", "ended"):
            _one_pair_less(item)
        item.state, item.accepted_by, item.version = state, accepted or None, int(item.version) + 1
        logger.info("buddy pair changed", pair_id=pair_id, state=state)
        return _public(item, me, _names(item))
    raise Conflict("The pair changed meanwhile: try again.", {"pair_id": "changed"})


def _one_pair_less(item: PairItem) -> None:
    try:
        BuddyItem(*BuddyItem.key(item.neighbourhood_id, item.buddy_id)).update(
            actions=[BuddyItem.pairs.add(-1)], condition=BuddyItem.pk.exists() & (BuddyItem.pairs > 0))
    except UpdateError as error:
        if not condition_failed(error):
            raise


def end_pairs_between(user_a: str, user_b: str) -> int:
    """A block between them ends their open pair (nobody stays paired with someone they blocked)."""
    ended = 0
    for item in _pairs_of(user_a, consistent=True):
        if item.state in OPEN and user_b in (item.newcomer_id, item.buddy_id):
            change(Principal(user_id=user_a), item.pair_id, "end")
            ended += 1
    return ended


# --- your data --------------------------------------------------------------------------------

def export_volunteering(user_id: str) -> dict[str, Any]:
    profile = offers.profile_of(user_id)
    me = Principal(user_id=user_id)
    return {"offer": offers.public(profile).model_dump(mode="json"),
            "buddy_pairs": [pair.model_dump(mode="json") for pair in my_pairs(me).pairs]}


def erase_volunteering(user_id: str, choice: ContentChoice) -> None:
    """Erasure: open pairs end (the other keeps theirs, ended), my copies go, my offer and profile go."""
    for item in _pairs_of(user_id, consistent=True):
        if item.state in OPEN:
            try:
                change(Principal(user_id=user_id), item.pair_id, "end")
            except Conflict:
                pass
        other = item.buddy_id if item.newcomer_id == user_id else item.newcomer_id
        try:
            PairItem(*PairItem.key(other, item.pair_id)).update(
                actions=[PairItem.newcomer_name.set("") if item.newcomer_id == user_id else PairItem.buddy_name.set("")],
                condition=PairItem.pk.exists())
        except UpdateError as error:
            if not condition_failed(error):
                raise
        PairItem(*PairItem.key(user_id, item.pair_id)).delete()
    offers.withdraw_everything(user_id, forget=True)


register_content_owner(ContentOwner(name="volunteering_offers", export=export_volunteering, erase=erase_volunteering,
                                    rename=offers.renamed))
