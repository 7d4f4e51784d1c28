"""Secret ballots. One per verified resident of the scope, in their envelope, changeable until the vote closes.

- The ballot (`BALLOT#<key>`) is keyed by an HMAC of the voter's id with the app's signing key
  (chalicelib/accounts/secrets.py `keyed_hash`): only a request carrying the voter's session finds it; it holds no
  user id and no time. Staff, who read the table through the API only, see totals.
- A separate has-voted marker (`VOTED#<user_id>`) says that someone voted and how (online, paper), never what: the
  online and paper ballots of one person both condition on it, so one person votes one way only.
- Totals (`TALLY#<envelope>#<proposal>`) are atomic ADDs in the ballot's own transaction; changing a ballot
  subtracts the old choices and adds the new ones, on the condition of the ballot's version read: concurrent
  submissions of one resident leave exactly one ballot, and the totals are exact (tests/budget/test_ballots.py).
"""

from __future__ import annotations

import secrets
import time
from collections import defaultdict
from typing import Any

from pynamodb.exceptions import TransactWriteError

from chalicelib.accounts.secrets import keyed_hash
from chalicelib.adapters.clock import now
from chalicelib.budget import editions
from chalicelib.budget.models import (
    BallotItem, BallotRequest, EditionItem, MyBallot, ProposalItem, TallyItem, Totals, VotedItem,
)
from chalicelib.content.counters import count_in_week
from chalicelib.errors import Conflict, InvalidInput
from chalicelib.observability import logger
from chalicelib.policy import Principal
from chalicelib.store.table import read_items, refused_conditions, step_back, transaction

ATTEMPTS = 40  # 50 neighbours voting at the same second conflict on the same totals: each tries again


def voter_key(edition_id: str, user_id: str) -> str:
    return keyed_hash("budget-ballot", edition_id, user_id)


def on_ballot(edition_id: str, envelope_id: str) -> tuple[EditionItem | None, dict[str, ProposalItem]]:
    """The edition and the projects on its ballot in this envelope (feasible ones a moderator did not hide): one
    Query."""
    item, raws = editions.edition_and(edition_id, ProposalItem.PREFIX)
    proposals = (ProposalItem.from_raw_data(raw) for raw in raws if raw["sk"]["S"].startswith(ProposalItem.PREFIX))
    return item, {p.proposal_id: p for p in proposals if p.status == "feasible" and p.envelope_id == envelope_id
                  and not p.hidden}


def validated(item: EditionItem, envelope: dict[str, Any], projects: dict[str, ProposalItem],
              request: BallotRequest) -> dict[str, int]:
    """The choices checked against the ballot's type: 400 naming the problem."""
    ballot = item.ballot
    problems = {f"choices.{pid}": "not on the ballot" for pid in request.choices if pid not in projects}
    if problems:
        raise InvalidInput(f"Not on this ballot: {', '.join(problems)}.", problems)
    if not request.choices:
        raise InvalidInput("Choose at least one project.", {"choices": "empty"})
    if ballot["type"] in ("approval", "approval_count"):
        wrong = {f"choices.{pid}": "an approval ballot gives 1" for pid, points in request.choices.items()
                 if points != 1}
        if wrong:
            raise InvalidInput("An approval ballot gives each chosen project 1.", wrong)
    if ballot["type"] == "approval":
        cost = sum(projects[pid].final_cents or 0 for pid in request.choices)
        if cost > envelope["amount_cents"]:
            raise InvalidInput(f"Over the budget: the projects chosen cost {cost} cents, the budget is "
                               f"{envelope['amount_cents']}.", {"choices": "over the budget"})
    if ballot["type"] == "approval_count" and len(request.choices) > ballot["max_projects"]:
        raise InvalidInput(f"Too many projects: at most {ballot['max_projects']}.", {"choices": "too many projects"})
    if ballot["type"] == "cumulative" and sum(request.choices.values()) > ballot["max_points"]:
        raise InvalidInput(f"Points beyond the maximum: at most {ballot['max_points']} in all.",
                           {"choices": "points beyond the maximum"})
    return dict(sorted(request.choices.items()))


def vote(principal: Principal, lau2: str, edition_id: str, request: BallotRequest) -> tuple[MyBallot, bool]:
    """Vote, or change my ballot; returns it and whether this was my first."""
    item = editions.may_read(principal, editions.load(edition_id, consistent=True), lau2)
    envelope = editions.envelope_of(principal, item)
    editions.require_phase(item, "voting")
    _, projects = on_ballot(edition_id, envelope["id"])
    choices = validated(item, envelope, projects, request)
    first = cast(item, envelope["id"], principal.user_id or "", choices, "online",
                 neighbourhood_id=principal.neighbourhood_id)
    return MyBallot(edition_id=edition_id, envelope_id=envelope["id"], voted=True, channel="online", choices=choices,
                    budget_cents=envelope["amount_cents"]), first


def cast(item: EditionItem, envelope_id: str, user_id: str, choices: dict[str, int], channel: str,
         card: tuple[str, str] | None = None, neighbourhood_id: str | None = None) -> bool:
    """Write one person's ballot with its totals in one transaction, trying again on conflicts; a paper ballot also
    spends its card (`card`: the card's key). A first ballot counts once in the week's `ballots` of the voter's
    neighbourhood (`neighbourhood_id`; the commune's indicators), in the same transaction. Answers whether it was
    their first."""
    edition_id = item.edition_id
    key = voter_key(edition_id, user_id)
    for attempt in range(ATTEMPTS):
        found = read_items([BallotItem.key(edition_id, key), VotedItem.key(edition_id, user_id)], consistent=True)
        raw_ballot, raw_voted = found.get(BallotItem.key(edition_id, key)), found.get(VotedItem.key(edition_id, user_id))
        previous = BallotItem.from_raw_data(raw_ballot) if raw_ballot else None
        voted = VotedItem.from_raw_data(raw_voted) if raw_voted else None
        if voted is not None and (channel == "paper" or voted.channel == "paper"):
            raise Conflict("This resident has already voted" + (" on paper." if voted.channel == "paper" else
                                                                 " online."), {"ballot": f"voted {voted.channel}"})
        try:
            _write(item, envelope_id, user_id, key, choices, channel, previous, voted, card, neighbourhood_id)
        except TransactWriteError as error:
            step_back()
            refused = refused_conditions(error)
            if 0 in refused:
                raise Conflict("The vote is not open.", {"phase": "not voting"}) from None
            if 3 in refused and card is not None:
                raise Conflict("This voting card has been used.", {"code": "used"}) from None
            time.sleep(min(0.2, 0.01 * (attempt + 1)) + secrets.randbelow(30) / 1000)
            continue
        logger.info("budget ballot cast", edition_id=edition_id, channel=channel, first=previous is None)
        return previous is None
    raise Conflict("Many neighbours are voting at this moment; send your ballot again.", {"ballot": "busy"})


def _write(item: EditionItem, envelope_id: str, user_id: str, key: str, choices: dict[str, int], channel: str,
           previous: BallotItem | None, voted: VotedItem | None, card: tuple[str, str] | None,
           neighbourhood_id: str | None) -> None:
    edition_id, at = item.edition_id, now()
    counted_in = previous.envelope_id if previous else envelope_id  # counted where first cast
    points: dict[str, int] = defaultdict(int)
    voters: dict[str, int] = defaultdict(int)
    for sign, given in ((-1, previous.choices if previous else {}), (1, choices)):
        for pid, value in given.items():
            points[pid] += sign * value
            voters[pid] += sign
    from chalicelib.budget.models import CardItem

    with transaction() as t:
        t.condition_check(EditionItem, *EditionItem.key(edition_id), condition=EditionItem.phase == "voting")
        ballot = BallotItem(*BallotItem.key(edition_id, key), envelope_id=counted_in, choices=choices,
                            version=(previous.version + 1) if previous else 1)
        t.save(ballot, condition=(BallotItem.version == previous.version) if previous
               else BallotItem.pk.does_not_exist())
        if voted is None:
            t.save(VotedItem(*VotedItem.key(edition_id, user_id), gsi1pk=VotedItem.voter(user_id), gsi1sk=edition_id,
                             edition_id=edition_id, channel=channel, first_at=at, neighbourhood_id=neighbourhood_id),
                   condition=VotedItem.pk.does_not_exist())
        else:
            t.condition_check(VotedItem, *VotedItem.key(edition_id, user_id), condition=VotedItem.channel == "online")
        if card is not None:
            t.update(CardItem(*card), actions=[CardItem.used.set(1)], condition=CardItem.used == 0)
        for pid in sorted(points):
            if points[pid] or voters[pid]:
                t.update(TallyItem(*TallyItem.key(edition_id, counted_in, pid)),
                         actions=[TallyItem.count.add(points[pid]), TallyItem.voters.add(voters[pid]),
                                  TallyItem.lau2.set(item.lau2)])
        if previous is None:
            t.update(TallyItem(*TallyItem.key(edition_id, counted_in, TallyItem.BALLOTS)),
                     actions=[TallyItem.count.add(1), TallyItem.lau2.set(item.lau2)])
        if voted is None and neighbourhood_id:  # a person's first ballot (online or paper): the commune's indicators
            count_in_week(t, neighbourhood_id, at, ballots=1)


def my_ballot(principal: Principal, lau2: str, edition_id: str) -> MyBallot:
    """My ballot (only I find it) and whether I voted: one BatchGetItem."""
    user_id = principal.user_id or "-"
    keys = [EditionItem.key(edition_id), BallotItem.key(edition_id, voter_key(edition_id, user_id)),
            VotedItem.key(edition_id, user_id)]
    found = read_items(keys, consistent=True)
    raw = found.get(keys[0])
    item = editions.may_read(principal, EditionItem.from_raw_data(raw) if raw else None, lau2)
    envelope = editions.envelope_of(principal, item)
    ballot = BallotItem.from_raw_data(found[keys[1]]) if keys[1] in found else None
    voted = VotedItem.from_raw_data(found[keys[2]]) if keys[2] in found else None
    return MyBallot(edition_id=edition_id, envelope_id=envelope["id"], voted=voted is not None,
                    channel=voted.channel if voted else None,  # type: ignore[arg-type]
                    choices=dict(ballot.choices) if ballot and voted and voted.channel == "online" else {},
                    budget_cents=envelope["amount_cents"])


def totals(lau2: str, edition_id: str) -> Totals:
    """Live totals for staff (one Query of the tallies, which carry their commune): never who voted what."""
    pk, _ = EditionItem.key(edition_id)
    ballots: dict[str, int] = {}
    points: dict[str, int] = {}
    for tally in TallyItem.query(pk, TallyItem.sk.startswith("TALLY#")):
        if tally.lau2 != lau2:
            raise editions.not_found()
        _, envelope_id, name = tally.sk.split("#", 2)
        if name == TallyItem.BALLOTS:
            ballots[envelope_id] = int(tally.count)
        else:
            points[name] = int(tally.count)
    return Totals(edition_id=edition_id, ballots=ballots, points=points)


def stored_ballots(edition_id: str) -> dict[str, list[dict[str, int]]]:
    """Every ballot's choices by envelope, for the results' job (a Query of the partition's ballots)."""
    found: dict[str, list[dict[str, int]]] = defaultdict(list)
    for ballot in BallotItem.query(f"BUDGET#{edition_id}", BallotItem.sk.startswith(BallotItem.PREFIX),
                                   consistent_read=True):
        found[ballot.envelope_id].append({pid: int(points) for pid, points in ballot.choices.items()})
    return found
