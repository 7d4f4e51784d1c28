"""Loans of items between neighbours: requested → accepted → picked_up → returned (or declined,
cancelled).

No two accepted loans of one item overlap, even when accepted at the same moment: accepting writes
one `BookingDay` per day of the loan with attribute_not_exists, in the same transaction as the loan's
state (conditioned on `requested`) and the item's `active_loans` (which keeps the item from being
deleted while lent). A loan is at most MAX_DAYS days, so a transaction stays far below 100 items.
Returning releases the days and adds one exchange to the neighbourhood's weekly indicators.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError

from chalicelib import alerts
from chalicelib.adapters.clock import LUXEMBOURG, now
from chalicelib.adapters.ids import new_id
from chalicelib.content.counters import count_in_week
from chalicelib.errors import Conflict, Forbidden, InvalidInput, NotFound
from chalicelib.lending.items import (
    IN_NEIGHBOURHOOD, blocked_ranges, load_item, no_such_item, public_item, visible_item,
)
from chalicelib.lending.models import (
    BookingDay, ItemCalendar, LendableItem, LendingLink, LoanItem, LoanPublic, LoanRequest, MyLoans,
)
from chalicelib.observability import logger
from chalicelib.policy import Principal, authorize_in, not_own_case
from chalicelib.store.table import condition_failed, query_all, refused_conditions, transaction

MAX_DAYS = 30
OPEN_STATES = ("accepted", "picked_up")  # the item is promised or out: its days are booked
# (from, to) -> who may: the item's owner or the borrower.
TRANSITIONS = {
    ("requested", "accepted"): "owner",
    ("requested", "declined"): "owner",
    ("requested", "cancelled"): "borrower",
    ("accepted", "picked_up"): "owner",
    ("picked_up", "returned"): "owner",
}
ACCEPT_ATTEMPTS = 4  # a transaction that lost to a concurrent one on the same item is tried again


def today() -> date:
    return now().astimezone(LUXEMBOURG).date()


def no_such_loan() -> NotFound:
    return NotFound("No such loan.", {"loan_id": "not found"})


def request_loan(principal: Principal, item_id: str, request: LoanRequest) -> LoanPublic:
    item = visible_item(principal, item_id)
    _check_dates(request.start, request.end)
    not_own_case("lending.request", principal, [item.owner_id])
    if not item.available:
        raise Conflict("The owner does not lend this item at the moment.", {"item_id": "not available"})
    if any(r.start <= request.end and request.start <= r.end for r in blocked_ranges(item)):
        raise Conflict("The owner does not lend the item on some of these days.", {"start": "blocked by the owner"})
    stamp, loan_id = now(), new_id()
    loan = LoanItem(
        *LoanItem.key(loan_id), loan_id=loan_id, item_id=item.item_id, item_name=item.name,
        neighbourhood_id=item.neighbourhood_id, owner_id=item.owner_id, borrower_id=principal.user_id,
        start=request.start.isoformat(), end=request.end.isoformat(), state="requested",
        created_at=stamp, updated_at=stamp,
    )
    with transaction() as writes:
        writes.save(loan, condition=LoanItem.pk.does_not_exist())
        writes.save(LendingLink(*LendingLink.key(principal.user_id, "loan", loan_id), kind="loan", target_id=loan_id,
                                role="borrower", neighbourhood_id=item.neighbourhood_id, loan=listed(loan)))
        writes.save(LendingLink(*LendingLink.key(item.owner_id, "loan", loan_id), kind="loan", target_id=loan_id,
                                role="owner", neighbourhood_id=item.neighbourhood_id, loan=listed(loan),
                                # waiting for the owner: a badge
                                gsi1pk=LendingLink.waiting_key(item.owner_id), gsi1sk=f"{LendingLink.WAITING}{loan_id}"))
    logger.info("loan requested", loan_id=loan_id, item_id=item.item_id, nbh=item.neighbourhood_id)
    _tell(loan_id, "requested")
    return public_loan(loan, principal)


def decide(principal: Principal, loan_id: str, decision: str) -> LoanPublic:
    return change_state(principal, loan_id, "accepted" if decision == "accept" else "declined")


def change_state(principal: Principal, loan_id: str, state: str) -> LoanPublic:
    loan = _visible_loan(principal, loan_id)
    if state in ("accepted", "declined"):  # deciding a request: the owner, never the borrower
        not_own_case("lending.decide", principal, [loan.borrower_id])
    who = TRANSITIONS.get((loan.state, state))
    if who is None:
        raise Conflict(f"A loan that is {loan.state} cannot become {state}.", {"state": f"not from {loan.state}"})
    if who != _role(loan, principal):
        raise Forbidden(f"Only the {who} can make this loan {state}.", {"state": f"for the {who}"})
    if state == "accepted":
        _accept(loan)
    elif state == "returned":
        _return(loan)
    else:
        _set_state(loan, state)
    logger.info("loan changed", loan_id=loan_id, state=state, nbh=loan.neighbourhood_id)
    _tell(loan_id, state)
    return public_loan(_load(loan_id), principal)


def get_loan(principal: Principal, loan_id: str) -> LoanPublic:
    return public_loan(_visible_loan(principal, loan_id), principal)


def calendar(principal: Principal, item_id: str, start: date | None, days: int) -> ItemCalendar:
    """Which days an item is already promised (never who borrows it): one Query of the item's partition, from
    the first day asked to the item itself (`DAY#<date>` sorts before `ITEM`), so the item and its booked days
    come together; booked days after the window are left out here."""
    first = start or today()
    last = first + timedelta(days=days - 1)
    partition, _ = LendableItem.key(item_id)
    found = query_all(partition, BookingDay.sk.between(f"DAY#{first.isoformat()}", LendableItem.key(item_id)[1]))
    raw_item = next((raw for raw in found if raw["sk"]["S"] == LendableItem.key(item_id)[1]), None)
    if raw_item is None:
        raise no_such_item()
    item = LendableItem.from_raw_data(raw_item)
    authorize_in(IN_NEIGHBOURHOOD, principal, [item.neighbourhood_id], no_such_item())
    days_taken = [date.fromisoformat(raw["sk"]["S"].removeprefix("DAY#")) for raw in found
                  if raw["sk"]["S"].startswith("DAY#")]
    return ItemCalendar(item_id=item_id, start=first, end=last, taken=[day for day in days_taken if day <= last],
                        blocked=blocked_ranges(item), available=bool(item.available), item=public_item(item, principal))


def my_loans(principal: Principal) -> MyLoans:
    """One Query of my loan links, which carry the loans as listed (`listed`); links written before they did
    cost one BatchGetItem of their loans."""
    links = list(LendingLink.query(f"USER#{principal.user_id}", LendingLink.sk.startswith(f"{LendingLink.PREFIX}LOAN#")))
    copied = [LoanItem(*LoanItem.key(link.target_id), **_stored(link.loan)) for link in links if link.loan]
    loans = copied + loans_of_links([link for link in links if not link.loan])
    loans = sorted(loans, key=lambda loan: (loan.start, loan.loan_id), reverse=True)
    mine = [public_loan(loan, principal) for loan in loans]
    return MyLoans(as_borrower=[loan for loan in mine if loan.role == "borrower"],
                   as_owner=[loan for loan in mine if loan.role == "owner"])


def loans_of_links(links: list[LendingLink]) -> list[LoanItem]:
    keys = [LoanItem.key(link.target_id) for link in links if link.kind == "loan"]
    return list(LoanItem.batch_get(keys)) if keys else []


LISTED = ("loan_id", "item_id", "item_name", "neighbourhood_id", "owner_id", "borrower_id", "start", "end", "state")


def listed(loan: LoanItem, **changes: str | None) -> dict[str, str | None]:
    """The loan as its links carry it for "my loans" (`LendingLink.loan`), with `changes` (a new state)."""
    return {**{name: getattr(loan, name) for name in LISTED}, "created_at": loan.created_at.isoformat(), **changes}


def _stored(copy: dict) -> dict:
    return {**copy, "created_at": datetime.fromisoformat(copy["created_at"]), "updated_at": None}


def copy_loans_on_links() -> int:
    """Once, after upgrading (#16, `./noper copy-loans`): copy each loan onto its links written before they carried
    it (idempotent: a link that carries it is left alone). A Scan: an operator's one-off. Answers how many."""
    copied = 0
    for link in LendingLink.scan(LendingLink.sk.startswith(f"{LendingLink.PREFIX}LOAN#") & LendingLink.loan.does_not_exist()):
        try:
            loan = _load(link.target_id, consistent=True)
            link.update(actions=[LendingLink.loan.set(listed(loan))],
                        condition=LendingLink.pk.exists() & LendingLink.loan.does_not_exist())
        except NotFound:
            continue  # the loan is gone: nothing to copy
        except UpdateError as error:
            if not condition_failed(error):
                raise
            continue
        copied += 1
    return copied


def _copy_on_links(writes, loan: LoanItem, **changes: str | None) -> None:
    """In the caller's transaction: the loan's new listing on the links of both its sides (those not erased)."""
    for user_id in (loan.owner_id, loan.borrower_id):
        if user_id:
            writes.update(LendingLink(*LendingLink.key(user_id, "loan", loan.loan_id)),
                          actions=[LendingLink.loan.set(listed(loan, **changes))], condition=LendingLink.pk.exists())


def public_loan(loan: LoanItem, principal: Principal) -> LoanPublic:
    end = date.fromisoformat(loan.end)
    return LoanPublic(
        id=loan.loan_id, item_id=loan.item_id, item_name=loan.item_name, neighbourhood_id=loan.neighbourhood_id,
        owner_id=loan.owner_id, borrower_id=loan.borrower_id, role=_role(loan, principal),
        start=date.fromisoformat(loan.start), end=end, state=loan.state,  # type: ignore[arg-type]
        overdue=loan.state in OPEN_STATES and today() > end, created_at=loan.created_at.isoformat(),
    )


def days_of(loan: LoanItem) -> list[date]:
    start, end = date.fromisoformat(loan.start), date.fromisoformat(loan.end)
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


# --- writes -----------------------------------------------------------------------------------

def _accept(loan: LoanItem) -> None:
    if date.fromisoformat(loan.start) < today():
        raise Conflict("The loan's first day has passed: ask the borrower for new dates.", {"state": "too late"})
    item = LendableItem(*LendableItem.key(loan.item_id))
    for attempt in range(ACCEPT_ATTEMPTS):
        try:
            with transaction() as writes:
                for day in days_of(loan):
                    writes.save(BookingDay(*BookingDay.key(loan.item_id, day), loan_id=loan.loan_id),
                                condition=BookingDay.pk.does_not_exist())
                writes.update(loan, actions=[
                    LoanItem.state.set("accepted"), LoanItem.updated_at.set(now()),
                    LoanItem.gsi1pk.set(LoanItem.due_key(date.fromisoformat(loan.end))),
                    LoanItem.gsi1sk.set(f"LOAN#{loan.loan_id}"),
                ], condition=LoanItem.state == "requested")
                writes.update(item, actions=[LendableItem.active_loans.add(1)], condition=LendableItem.pk.exists())
                writes.update(_owner_link(loan), actions=[LendingLink.gsi1pk.remove(), LendingLink.gsi1sk.remove(),
                                                          LendingLink.loan.set(listed(loan, state="accepted"))])
                if loan.borrower_id:
                    writes.update(LendingLink(*LendingLink.key(loan.borrower_id, "loan", loan.loan_id)),
                                  actions=[LendingLink.loan.set(listed(loan, state="accepted"))],
                                  condition=LendingLink.pk.exists())
            return
        except TransactWriteError as error:
            reasons = [getattr(reason, "code", None) for reason in error.cancellation_reasons or ()]
            if "ConditionalCheckFailed" in reasons:
                _explain_refused_accept(loan.loan_id)
            if "TransactionConflict" not in reasons or attempt == ACCEPT_ATTEMPTS - 1:
                if "TransactionConflict" in reasons:
                    raise Conflict("The item is being booked right now: try again.", {"state": "busy"}) from None
                raise
            time.sleep(0.05 * (attempt + 1))


def _explain_refused_accept(loan_id: str) -> None:
    current = _load(loan_id, consistent=True)
    if current.state != "requested":
        raise Conflict(f"The loan is {current.state} already.", {"state": f"not from {current.state}"})
    try:
        load_item(current.item_id, consistent=True)
    except NotFound:
        raise Conflict("The item was removed.", {"state": "item removed"}) from None
    raise Conflict("The item is already lent on some of these days.", {"state": "dates taken"})


def _return(loan: LoanItem) -> None:
    stamp = now()
    try:
        with transaction() as writes:
            for day in days_of(loan):  # only this loan's days: never another loan's
                writes.delete(BookingDay(*BookingDay.key(loan.item_id, day)),
                              condition=BookingDay.loan_id == loan.loan_id)
            writes.update(loan, actions=[LoanItem.state.set("returned"), LoanItem.updated_at.set(stamp),
                                         LoanItem.gsi1pk.remove(), LoanItem.gsi1sk.remove()],
                          condition=LoanItem.state == "picked_up")
            _copy_on_links(writes, loan, state="returned")
            on_time = int(today().isoformat() <= loan.end)  # returned no later than the day agreed
            count_in_week(writes, loan.neighbourhood_id, today(), exchanges=1, loans_returned=1,
                          loans_on_time=on_time)  # the week in Luxembourg
        _release_item(loan.item_id)
    except TransactWriteError as error:
        if refused_conditions(error):
            current = _load(loan.loan_id, consistent=True)
            raise Conflict(f"The loan is {current.state} already.", {"state": f"not from {current.state}"}) from None
        raise


def _release_item(item_id: str) -> None:
    """One fewer active loan; the item may be gone only if the owner's account was erased meanwhile."""
    try:
        LendableItem(*LendableItem.key(item_id)).update(actions=[LendableItem.active_loans.add(-1)],
                                                        condition=LendableItem.pk.exists())
    except UpdateError as error:
        if not condition_failed(error):
            raise


def _owner_link(loan: LoanItem) -> LendingLink:
    return LendingLink(*LendingLink.key(loan.owner_id, "loan", loan.loan_id))


def _set_state(loan: LoanItem, state: str) -> None:
    try:
        if loan.state == "requested" and _owner_link_answered(loan, state):
            return
        with transaction() as writes:
            writes.update(loan, actions=[LoanItem.state.set(state), LoanItem.updated_at.set(now())],
                          condition=LoanItem.state == loan.state)
            _copy_on_links(writes, loan, state=state)
    except TransactWriteError as error:
        if refused_conditions(error):
            current = _load(loan.loan_id, consistent=True)
            raise Conflict(f"The loan is {current.state} already.", {"state": f"not from {current.state}"}) from None
        raise


def _owner_link_answered(loan: LoanItem, state: str) -> bool:
    """A request answered or withdrawn no longer waits for the owner (their badge): the state and the owner's
    link change together. False when the owner's link is gone (an erased account): the caller sets the state."""
    try:
        with transaction() as writes:
            writes.update(loan, actions=[LoanItem.state.set(state), LoanItem.updated_at.set(now())],
                          condition=LoanItem.state == loan.state)
            writes.update(_owner_link(loan), actions=[LendingLink.gsi1pk.remove(), LendingLink.gsi1sk.remove(),
                                                      LendingLink.loan.set(listed(loan, state=state))],
                          condition=LendingLink.pk.exists())
            if loan.borrower_id:
                writes.update(LendingLink(*LendingLink.key(loan.borrower_id, "loan", loan.loan_id)),
                              actions=[LendingLink.loan.set(listed(loan, state=state))],
                              condition=LendingLink.pk.exists())
        return True
    except TransactWriteError as error:
        if not refused_conditions(error):
            raise
        current = _load(loan.loan_id, consistent=True)
        if current.state != loan.state:
            raise Conflict(f"The loan is {current.state} already.", {"state": f"not from {current.state}"}) from None
        return False


# --- reads ------------------------------------------------------------------------------------

def _tell(loan_id: str, state: str) -> None:
    """The owner hears of a request, the borrower of the answer, by email (chalicelib/notifications/moments.py)."""

    if state in ("requested", "accepted", "declined"):
        alerts.loan_changed(loan_id, state)


def _check_dates(start: date, end: date) -> None:
    if start < today():
        raise InvalidInput("The loan cannot start in the past.", {"start": "in the past"})
    if end < start:
        raise InvalidInput("The loan ends before it starts.", {"end": "before start"})
    if (end - start).days + 1 > MAX_DAYS:
        raise InvalidInput(f"A loan lasts at most {MAX_DAYS} days.", {"end": f"more than {MAX_DAYS} days"})


def _load(loan_id: str, consistent: bool = False) -> LoanItem:
    try:
        return LoanItem.get(*LoanItem.key(loan_id), consistent_read=consistent)
    except DoesNotExist:
        raise no_such_loan() from None


def _visible_loan(principal: Principal, loan_id: str) -> LoanItem:
    """The loan, to its owner or borrower while they are verified residents of its neighbourhood."""
    loan = _load(loan_id, consistent=True)
    authorize_in(IN_NEIGHBOURHOOD, principal, [loan.neighbourhood_id], no_such_loan())
    if _role(loan, principal) is None:
        raise no_such_loan()
    return loan


def _role(loan: LoanItem, principal: Principal) -> str | None:
    if principal.user_id is None:
        return None
    if loan.owner_id == principal.user_id:
        return "owner"
    if loan.borrower_id == principal.user_id:
        return "borrower"
    return None
