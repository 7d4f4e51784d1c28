"""The lending library's part of "your data": export what a resident lends, borrowed, lent and wanted;
on erasure remove or anonymise it.

Erasure: the resident's items are removed either way (a thing nobody lends is no item); loans are
anonymised either way, because the other neighbour's history of the loan is theirs too; wanted
things are removed or anonymised as the resident chose.
"""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import UpdateError

from chalicelib.accounts.content_owners import ContentChoice, ContentOwner, register_content_owner
from chalicelib.lending.items import public_item
from chalicelib.lending.loans import loans_of_links, public_loan
from chalicelib.lending.models import BookingDay, LendableItem, LendingLink, LoanItem, WantedItem
from chalicelib.lending.wanted import public_wanted
from chalicelib.policy import Principal
from chalicelib.store.table import condition_failed


def _links(user_id: str) -> list[LendingLink]:
    return list(LendingLink.query(f"USER#{user_id}", LendingLink.sk.startswith(LendingLink.PREFIX)))


def export_lending(user_id: str) -> dict[str, Any]:
    me, links = Principal(user_id=user_id), _links(user_id)
    items = LendableItem.batch_get([LendableItem.key(link.target_id) for link in links if link.kind == "item"])
    wanted = WantedItem.batch_get([WantedItem.key(link.neighbourhood_id, link.target_id)
                                   for link in links if link.kind == "wanted"])
    return {
        "items": [public_item(item, me).model_dump(mode="json") for item in items],
        "loans": [public_loan(loan, me).model_dump(mode="json") for loan in loans_of_links(links)],
        "wanted": [public_wanted(w, me).model_dump(mode="json") for w in wanted],
    }


def erase_lending(user_id: str, choice: ContentChoice) -> None:
    for link in _links(user_id):
        if link.kind == "item":
            _remove_item(link.target_id)
        elif link.kind == "loan":
            side = LoanItem.owner_id if link.role == "owner" else LoanItem.borrower_id
            _forget(LoanItem(*LoanItem.key(link.target_id)), side)
            _forget_on_the_other_link(link)
        elif link.kind == "wanted":
            wanted = WantedItem(*WantedItem.key(link.neighbourhood_id, link.target_id))
            if choice == "remove":
                wanted.delete()
            else:
                _forget(wanted, WantedItem.author_id)
        link.delete()


def _forget(stored: Any, attribute: Any) -> None:
    try:  # never recreate what was deleted meanwhile
        stored.update(actions=[attribute.remove()], condition=type(stored).pk.exists())
    except UpdateError as error:
        if not condition_failed(error):
            raise


def _forget_on_the_other_link(link: LendingLink) -> None:
    """The other side's copy of the loan (their "my loans") no longer names the erased person either."""
    if not link.loan:
        return
    mine, theirs = ("owner_id", "borrower_id") if link.role == "owner" else ("borrower_id", "owner_id")
    other = link.loan.get(theirs)
    if not other:
        return
    try:
        LendingLink(*LendingLink.key(other, "loan", link.target_id)).update(
            actions=[LendingLink.loan.set({**link.loan, mine: None})], condition=LendingLink.pk.exists())
    except UpdateError as error:
        if not condition_failed(error):
            raise


def _remove_item(item_id: str) -> None:
    partition, _ = LendableItem.key(item_id)
    for booked in BookingDay.query(partition, BookingDay.sk.startswith("DAY#")):
        booked.delete()
    LendableItem(*LendableItem.key(item_id)).delete()


register_content_owner(ContentOwner(name="lending", export=export_lending, erase=erase_lending))
