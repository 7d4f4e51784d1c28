"""Things residents lend: listed, searched and edited within their neighbourhood.

A neighbourhood's items are one small gsi1 partition (`NBH#<id>#ITEMS`, a few hundred items at
most): search is one Query, then a match in code on name and description folded to lower case
without accents, so `perceuse a percussion` finds "Perceuse à percussion".

An item is content of the kernel (kind `item`): neighbours comment on it and report it, the
neighbourhood's moderators hide it (then only its owner sees it) or show it again.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pynamodb.exceptions import DeleteError, DoesNotExist

from chalicelib.adapters.clock import now
from chalicelib.adapters.ids import new_id
from chalicelib.comments.service import remove_all, thread_head, write_missing_heads
from chalicelib.communes.service import fold
from chalicelib.content import kinds
from chalicelib.content.hiding import hidden_fields, in_place
from chalicelib.content.kinds import Content, ContentKind, Known
from chalicelib.errors import Conflict, Forbidden, NotFound
from chalicelib.i18n import DEFAULT
from chalicelib.lending.models import (
    DateRange, ItemCreate, ItemList, ItemPublic, ItemUpdate, LendableItem, LendingLink,
)
from chalicelib.moderation.service import forget_reports
from chalicelib.observability import logger
from chalicelib.photos.service import check_attachable
from chalicelib.policy import Principal, authorize_in
from chalicelib.store.table import condition_failed, transaction

IN_NEIGHBOURHOOD = "lending.neighbourhood"


def no_such_item() -> NotFound:
    return NotFound("No such item.", {"item_id": "not found"})


def lend(principal: Principal, neighbourhood_id: str, request: ItemCreate) -> ItemPublic:
    check_attachable(principal, request.photo_id, neighbourhood_id, "item")
    stamp, item_id = now(), new_id()
    item = LendableItem(
        *LendableItem.key(item_id), gsi1pk=LendableItem.neighbourhood_key(neighbourhood_id), gsi1sk=f"ITEM#{item_id}",
        item_id=item_id, neighbourhood_id=neighbourhood_id, owner_id=principal.user_id, name=request.name,
        description=request.description, conditions=request.conditions, category=request.category,
        photo_id=request.photo_id, available=request.available, blocked=_stored_ranges(request.blocked),
        created_at=stamp, updated_at=stamp,
    )
    link = LendingLink(*LendingLink.key(principal.user_id, "item", item_id), kind="item", target_id=item_id,
                       role="owner", neighbourhood_id=neighbourhood_id)
    with transaction() as writes:
        writes.save(item, condition=LendableItem.pk.does_not_exist())
        writes.save(link)
        writes.save(_thread_head(item))
    logger.info("item listed", item_id=item_id, nbh=neighbourhood_id)
    return public_item(item, principal)


def items_of(principal: Principal, neighbourhood_id: str, q: str = "") -> ItemList:
    words = fold(q).split()
    found = []
    for item in LendableItem.by_neighbourhood.query(LendableItem.neighbourhood_key(neighbourhood_id)):
        text = fold(f"{item.name} {item.description}")
        if item.hidden and item.owner_id != principal.user_id:
            continue  # hidden by a moderator: its owner's only
        if all(word in text for word in words):
            found.append(item)
    found.sort(key=lambda item: (fold(item.name), item.item_id))
    return ItemList(items=[public_item(item, principal) for item in found])


def get_item(principal: Principal, item_id: str) -> ItemPublic:
    return public_item(visible_item(principal, item_id), principal)


def update_item(principal: Principal, item_id: str, change: ItemUpdate) -> ItemPublic:
    item = _my_item(principal, item_id)
    sent = change.model_dump(exclude_unset=True)
    check_attachable(principal, sent.get("photo_id"), item.neighbourhood_id, "item")
    actions = []
    for name, value in sent.items():
        if value is None and name != "photo_id":
            continue  # null leaves a required field as it is
        if name == "blocked":
            value = _stored_ranges(change.blocked or [])
        attribute = getattr(LendableItem, name)
        actions.append(attribute.remove() if value is None else attribute.set(value))
    actions.append(LendableItem.updated_at.set(now()))
    try:
        item.update(actions=actions, condition=LendableItem.pk.exists())
    except Exception as error:
        if condition_failed(error):
            raise no_such_item() from None
        raise
    return public_item(item, principal)


def delete_item(principal: Principal, item_id: str) -> None:
    item = _my_item(principal, item_id)
    try:  # an accepted or picked-up loan keeps the item (active_loans is kept by the loans' transactions)
        item.delete(condition=LendableItem.active_loans.does_not_exist() | (LendableItem.active_loans == 0))
    except DeleteError as error:
        if condition_failed(error):
            raise Conflict("The item is lent or promised: finish its loans first.",
                           {"item_id": "on loan"}) from None
        raise
    LendingLink(*LendingLink.key(item.owner_id, "item", item_id)).delete()
    comment_ids = remove_all("item", item_id)  # its comments and thanks, then the open reports of it and of them
    forget_reports([("item", item_id), *(("comment", comment_id) for comment_id in comment_ids)])
    logger.info("item removed", item_id=item_id, nbh=item.neighbourhood_id)


def load_item(item_id: str, consistent: bool = False) -> LendableItem:
    try:
        return LendableItem.get(*LendableItem.key(item_id), consistent_read=consistent)
    except DoesNotExist:
        raise no_such_item() from None


def visible_item(principal: Principal, item_id: str) -> LendableItem:
    """The item, to a verified resident of its neighbourhood (once hidden by a moderator, to its owner
    only); to anyone else it does not exist."""
    item = load_item(item_id)
    authorize_in(IN_NEIGHBOURHOOD, principal, [item.neighbourhood_id], no_such_item())
    if item.hidden and item.owner_id != principal.user_id:
        raise no_such_item()
    return item


def blocked_ranges(item: LendableItem) -> list[DateRange]:
    ranges = []
    for stored in item.blocked or []:
        start, end = stored.split("/")
        ranges.append(DateRange(start=date.fromisoformat(start), end=date.fromisoformat(end)))
    return ranges


def public_item(item: LendableItem, principal: Principal) -> ItemPublic:
    return ItemPublic(
        id=item.item_id, neighbourhood_id=item.neighbourhood_id, owner_id=item.owner_id,
        mine=item.owner_id == principal.user_id, name=item.name, description=item.description or "",
        conditions=item.conditions or "", category=item.category, photo_id=item.photo_id,
        available=bool(item.available), blocked=blocked_ranges(item), created_at=item.created_at.isoformat(),
        **hidden_fields(item, DEFAULT),
    )


# --- an item is content of the kernel ------------------------------------------------------

def _thread_head(item: LendableItem, hidden: bool | None = None) -> Any:
    """Who reads the item's comments (#16): its neighbourhood; while a moderator hides it, its owner only."""
    hidden = bool(item.hidden) if hidden is None else hidden
    return thread_head("item", item.item_id, [item.neighbourhood_id], only_for=item.owner_id if hidden else None)


def _thread_readable(principal: Principal, head: Any) -> None:
    authorize_in(IN_NEIGHBOURHOOD, principal, list(head.neighbourhood_ids), no_such_item())
    if head.only_for and head.only_for != principal.user_id:
        raise no_such_item()


def head_threads() -> int:
    """Once, after upgrading to threads with heads (`./noper head-threads`, with the posts'): the head of every
    item's comments that has none (idempotent). A Scan: an operator's one-off. Answers how many it wrote."""
    items = LendableItem.scan(LendableItem.pk.startswith("ITEM#") & (LendableItem.sk == LendableItem.key("-")[1]))
    return write_missing_heads(_thread_head(item) for item in items)


def _content(item: LendableItem) -> Content:
    return Content(kind="item", id=item.item_id, neighbourhood_id=item.neighbourhood_id, author_id=item.owner_id,
                   item=item, hidden=bool(item.hidden), hidden_reason=item.hidden_reason, hidden_by=item.hidden_by,
                   created_at=item.created_at, title=item.name, text=item.description or None,
                   where={"item_id": item.item_id})


def _load_content(item_id: str, known: Known | None = None) -> Content | None:
    try:
        return _content(load_item(item_id, consistent=True))
    except NotFound:
        return None


kinds.register(ContentKind(name="item", load=_load_content,
                           readable=lambda principal, item_id: _content(visible_item(principal, item_id)),
                           hide=in_place(LendableItem, also=lambda t, content, change: t.save(
                               _thread_head(content.item, hidden=change.hide))),
                           thread_readable=_thread_readable,
                           stored=lambda item_id, known: (LendableItem.key(item_id),
                                                          lambda raw: _content(LendableItem.from_raw_data(raw)))))


def _my_item(principal: Principal, item_id: str) -> LendableItem:
    item = visible_item(principal, item_id)
    if item.owner_id != principal.user_id:
        raise Forbidden("Only its owner changes or removes an item.", {"item_id": "not yours"})
    return item


def _stored_ranges(ranges: list[DateRange]) -> list[str]:
    return [f"{r.start.isoformat()}/{r.end.isoformat()}" for r in sorted(ranges, key=lambda r: r.start)]
