"""The operator's side of the counters: moving them into their commune's partition (an upgrade step), and
recomputing them from stored items (`./noper indicators rebuild`). Both may Scan or Query at length: never on a
request path. Both are idempotent: the move deletes what it moved, the rebuild SETs (never ADDs) what it recomputes.

What the rebuild recomputes (`REBUILT`) and from what is listed in docs/indicators.md: each counter in the
neighbourhood and week its write path counts it in (an event's or a shift's local week, the volunteer's
neighbourhood), as far as the stored items keep them. The other counters are left as they were counted:
`weekly_active` and `newcomers_welcomed` (markers that expire), `digest_recipients` and `unsubscribes` (nothing
kept but the count), `verified_lost` and `households_lost` (the departure is not kept), `registered` (a later claim
overwrites the first claim's neighbourhood and time). `ballots` come from the has-voted markers (never the secret
ballots), those that keep the voter's neighbourhood.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from pynamodb.exceptions import TransactWriteError

from chalicelib.content.counters import FIRST_ANSWER_BUCKETS, WeekStatsItem, first_answer_bucket, iso_week
from chalicelib.events.recurrence import from_occurrence_id, to_local
from chalicelib.neighbourhoods.models import HouseholdItem, NeighbourhoodItem
from chalicelib.neighbours.service import recount_members
from chalicelib.observability import logger
from chalicelib.policy import commune_of
from chalicelib.store.table import query_all, refused_conditions, table_connection, transaction

Progress = Callable[[int, int], None]
DONE = {("help_request", "done"): "help_done", ("help_offer", "done"): "help_done",
        ("giveaway", "given"): "giveaways_given", ("lost_pet", "reunited"): "pets_reunited",
        ("found_pet", "reunited"): "pets_reunited"}
POST_KIND_COUNTERS = ("posts_discussion", "posts_help_request", "posts_help_offer", "posts_lost_pet", "posts_found_pet",
                      "posts_recommendation", "posts_giveaway")
REBUILT = ("posts", *POST_KIND_COUNTERS, "comments", "messages", "thanks", "exchanges", "help_done", "giveaways_given",
           "pets_reunited", "loans_returned", "loans_on_time", "reports", "posts_hidden", "appeals", "appeals_upheld",
           "verified_gained", "households_gained", "help_requests_answered",
           *(name for name, _ in FIRST_ANSWER_BUCKETS),
           "events", "event_answers", "event_going", "consultation_answers", "volunteer_actions", "volunteer_hours",
           "calls", "shifts_filled", "buddies_paired", "ballots")
Add = Callable[..., None]


# --- the upgrade step: NBH#<id>#STATS -> COMMUNE#<lau2>#STATS ---------------------------------

def move_week_counters(lau2: str) -> int:
    """Move each published neighbourhood's weekly counters from `NBH#<id>#STATS`/`<week>` (before #14) into the
    commune's partition: each item in one transaction, ADD into the new item (which writes since the deploy may
    already have started) and delete the old one on condition that it still exists, so a second run, or two at once,
    move nothing twice. Answers how many items moved."""
    moved = 0
    for nbh in NeighbourhoodItem.query(f"COMMUNE#{lau2}", NeighbourhoodItem.sk.startswith(NeighbourhoodItem.PREFIX)):
        for raw in query_all(f"NBH#{nbh.id}#STATS", consistent=True):
            week = raw["sk"]["S"]
            numbers = {name: float(value["N"]) for name, value in raw.items() if "N" in value and name != "ttl"}
            try:
                with transaction() as t:
                    t.delete(WeekStatsItem(f"NBH#{nbh.id}#STATS", week), condition=WeekStatsItem.pk.exists())
                    t.update(WeekStatsItem(*WeekStatsItem.key(nbh.id, week)),
                             actions=[getattr(WeekStatsItem, name).add(value) for name, value in numbers.items()
                                      if hasattr(WeekStatsItem, name)] or [WeekStatsItem.posts.add(0)])
                moved += 1
            except TransactWriteError as error:
                if not refused_conditions(error):  # refused: moved meanwhile by another run
                    raise
    logger.info("weekly counters moved", lau2=lau2, moved=moved)
    return moved


# --- the backfill -------------------------------------------------------------------------------

def _stamp(raw: dict[str, Any], name: str) -> datetime | None:
    value = raw.get(name, {}).get("S")
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _scan(progress: Progress | None) -> list[dict[str, Any]]:
    """Every item of the table, page by page (an operator's command only)."""
    connection = table_connection()
    total = int(connection.describe_table().get("ItemCount", 0)) or 1
    items: list[dict[str, Any]] = []
    start = None
    while True:
        page = connection.scan(exclusive_start_key=start)
        items += page.get("Items", [])
        if progress is not None:
            progress(min(len(items), total), max(total, len(items)))
        start = page.get("LastEvaluatedKey")
        if not start:
            return items


def recount(items: list[dict[str, Any]], lau2: str) -> tuple[dict[tuple[str, str], dict[str, float]],
                                                             dict[str, dict[str, int]]]:
    """The commune's recomputed counters per (neighbourhood, week), and per neighbourhood its households (address ->
    verified residents), from the table's items. Reads ids, kinds, states, times and numbers: never what anyone
    wrote."""
    counts: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    posts: dict[str, dict[str, Any]] = {}
    heads: dict[str, str] = {}  # "<KIND>#<id>" -> neighbourhood
    conversations: dict[str, str] = {}
    households: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    first_verified: dict[tuple[str, str], datetime] = {}
    mine = f"{lau2}-"

    def add(nbh: str | None, moment: datetime | date | None, **deltas: float) -> None:
        if nbh and nbh.startswith(mine) and moment is not None:
            for name, delta in deltas.items():
                if delta:  # an occurrence nobody goes to makes no week
                    counts[(nbh, iso_week(moment))][name] += delta

    for raw in items:  # first the pieces' neighbourhoods
        pk, sk = raw["pk"]["S"], raw["sk"]["S"]
        if pk.startswith("POST#") and sk == "POST":
            posts[pk.removeprefix("POST#")] = raw
        elif pk.endswith("#COMMENTS") and sk == "#HEAD" and raw.get("neighbourhood_ids", {}).get("L"):
            heads[pk.removesuffix("#COMMENTS")] = raw["neighbourhood_ids"]["L"][0]["S"]
        elif pk.startswith("CONV#") and sk == "CONV":
            conversations[pk.removeprefix("CONV#")] = raw.get("neighbourhood_id", {}).get("S", "")
    for post_id, raw in posts.items():
        nbh, kind, created = raw["neighbourhood_id"]["S"], raw["kind"]["S"], _stamp(raw, "created_at")
        heads.setdefault(f"POST#{post_id}", nbh)
        add(nbh, created, posts=1, **{f"posts_{kind}": 1})
        done = DONE.get((kind, raw.get("state", {}).get("S", "")))
        if done:  # the week the post was written: its state's time is not kept
            add(nbh, created, exchanges=1, **{done: 1})
        if done == "help_done":  # help given is a volunteer action too
            add(nbh, created, volunteer_actions=1)
        if raw.get("hidden", {}).get("BOOL"):
            add(nbh, created, posts_hidden=1)
        appeal = raw.get("appeal_state", {}).get("S")
        if appeal in ("upheld", "restored"):
            add(nbh, _stamp(raw, "appealed_at") or created, appeals=1, appeals_upheld=int(appeal == "upheld"))
    first_answers: dict[str, datetime] = {}
    for raw in items:
        pk, sk = raw["pk"]["S"], raw["sk"]["S"]
        if pk.endswith("#COMMENTS") and sk != "#HEAD" and "comment_id" in raw:
            about = pk.removesuffix("#COMMENTS")
            created = _stamp(raw, "created_at")
            add(heads.get(about), created, comments=1)
            post = posts.get(about.removeprefix("POST#")) if about.startswith("POST#") else None
            author = raw.get("author_id", {}).get("S")
            if (post is not None and post["kind"]["S"] == "help_request" and created is not None and author
                    and author != post.get("author_id", {}).get("S")):
                if about not in first_answers or created < first_answers[about]:
                    first_answers[about] = created
        elif pk.endswith("#MSGS") and pk.startswith("CONV#") and "message_id" in raw:
            add(conversations.get(pk.removeprefix("CONV#").removesuffix("#MSGS")), _stamp(raw, "created_at"),
                messages=1)
        elif pk.endswith("#THANKS") and pk.startswith("POST#"):
            post = posts.get(pk.removeprefix("POST#").removesuffix("#THANKS"))
            if post is not None:  # a thanks keeps no time: counted in its post's week
                add(post["neighbourhood_id"]["S"], _stamp(post, "created_at"), thanks=1)
        elif pk.startswith("LOAN#") and sk == "LOAN" and raw.get("state", {}).get("S") == "returned":
            returned = _stamp(raw, "updated_at")
            on_time = int(returned is not None and returned.date().isoformat() <= raw.get("end", {}).get("S", ""))
            add(raw.get("neighbourhood_id", {}).get("S"), returned, exchanges=1, loans_returned=1, loans_on_time=on_time)
        elif pk.startswith("REPORTS#") and "reporter_id" in raw and "reason" in raw:
            add(raw.get("neighbourhood_id", {}).get("S"), _stamp(raw, "created_at"), reports=1)
        elif pk.startswith("USER#") and sk == "PROFILE" and raw.get("residence_status", {}).get("S") == "verified":
            nbh = raw.get("neighbourhood_id", {}).get("S", "")
            verified = _stamp(raw, "verified_at") or _stamp(raw, "created_at")
            add(nbh, verified, verified_gained=1)
            address = raw.get("address_id", {}).get("S")
            if nbh.startswith(mine) and address:
                households[nbh][address] += 1
                if verified is not None and ((nbh, address) not in first_verified
                                             or verified < first_verified[(nbh, address)]):
                    first_verified[(nbh, address)] = verified
    for (nbh, _address), verified in first_verified.items():
        add(nbh, verified, households_gained=1)
    for about, answered in first_answers.items():
        post = posts[about.removeprefix("POST#")]
        asked = _stamp(post, "created_at")
        if asked is not None:
            hours = (answered - asked).total_seconds() / 3600
            add(post["neighbourhood_id"]["S"], answered, help_requests_answered=1, **{first_answer_bucket(hours): 1})
    _events(items, add)
    _volunteering(items, add, lau2)
    for raw in items:
        if raw["pk"]["S"].startswith("CONSULTATION#") and raw["sk"]["S"].startswith("ANSWER#"):
            # a resident's first answer, where and when first answered (a changed answer keeps both)
            add(raw.get("neighbourhood_id", {}).get("S"), _stamp(raw, "created_at"), consultation_answers=1)
        elif raw["pk"]["S"].startswith("BUDGET#") and raw["sk"]["S"].startswith("VOTED#"):
            # a person's first ballot of an edition: its has-voted marker (no choice), where and when they first voted
            add(raw.get("neighbourhood_id", {}).get("S"), _stamp(raw, "first_at"), ballots=1)
    return {key: dict(value) for key, value in counts.items()}, {n: dict(a) for n, a in households.items()}


def _number(raw: dict[str, Any], name: str) -> float:
    return float(raw.get(name, {}).get("N", 0))


def _events(items: list[dict[str, Any]], add: Add) -> None:
    """`events` (a resident's event not cancelled, in the local week of its first start: a publisher's is not
    counted), and per occurrence `event_answers` (each resident's first answer: their link to it) and `event_going`
    (its people going), in the local week the occurrence takes place (moved: where it is now)."""
    events = {raw["pk"]["S"].removeprefix("EVENT#"): raw for raw in items
              if raw["pk"]["S"].startswith("EVENT#") and raw["sk"]["S"] == "EVENT"}

    def week_of(event_id: str, occurrence: str) -> tuple[str | None, datetime | None]:
        event = events.get(event_id)
        if event is None:  # removed with its organiser's account
            return None, None
        moved = json.loads(event.get("exceptions", {}).get("S") or "{}").get(occurrence) or {}
        try:
            start = (datetime.fromisoformat(moved["start"].replace("Z", "+00:00")) if moved.get("start")
                     else from_occurrence_id(occurrence))
        except ValueError:
            return None, None
        return event["neighbourhood_id"]["S"], to_local(start, event["zone"]["S"])

    for raw in events.values():
        if raw.get("status", {}).get("S") != "cancelled" and "publisher_id" not in raw:
            starts = _stamp(raw, "starts_at")
            add(raw["neighbourhood_id"]["S"], starts and to_local(starts, raw["zone"]["S"]), events=1)
    for raw in items:
        pk, sk = raw["pk"]["S"], raw["sk"]["S"]
        if pk.startswith("EVENT#") and sk.startswith("OCC#"):
            add(*week_of(pk.removeprefix("EVENT#"), sk.removeprefix("OCC#")), event_going=_number(raw, "going"))
        elif pk.startswith("USER#") and sk.startswith("EVENTS#ANSWER#") and "occurrence_id" in raw:
            add(*week_of(raw["event_id"]["S"], raw["occurrence_id"]["S"]), event_answers=1)


def _volunteering(items: list[dict[str, Any]], add: Add, lau2: str) -> None:
    """`calls` (published: a resident's or an open partner's when created, a partner's waiting one when the commune
    approved it), `shifts_filled` (in the call's neighbourhood), `volunteer_actions` and `volunteer_hours` (each
    participation confirmed, in the volunteer's neighbourhood), in the local week of the shift, and
    `buddies_paired` (the week the pair was made; an ended one's making is not kept: the week it ended)."""
    calls: dict[str, dict[str, Any]] = {}
    shifts: dict[tuple[str, str], dict[str, Any]] = {}
    reviewed: dict[str, datetime | None] = {}  # a partner's call that waited: its last decision's time once approved
    approved: dict[str, datetime | None] = {}
    for raw in items:
        pk, sk = raw["pk"]["S"], raw["sk"]["S"]
        if pk.startswith("VCALL#"):
            call_id = pk.removeprefix("VCALL#")
            if sk == "CALL":
                calls[call_id] = raw
            elif sk.startswith("SHIFT#"):
                shifts[(call_id, sk.removeprefix("SHIFT#"))] = raw
            elif sk == "APPROVAL":
                status = raw.get("status", {}).get("S")
                reviewed[call_id] = _stamp(raw, "decided_at") if status in ("approved", "withdrawn") else None
        elif (pk == f"COMMUNE#{lau2}#AUDIT" and raw.get("action", {}).get("S") == "call_approved"
              and "subject_id" in raw):  # the approval's own time (a withdrawal later rewrites the review's)
            approved[raw["subject_id"]["S"]] = _stamp(raw, "at")
    for call_id, raw in calls.items():
        nbh = raw.get("neighbourhood_id", {}).get("S")
        if call_id not in reviewed:
            add(nbh, _stamp(raw, "created_at"), calls=1)
        elif call_id in approved or reviewed[call_id] is not None:
            add(nbh, approved.get(call_id) or reviewed[call_id], calls=1)
    for (call_id, _), raw in shifts.items():
        if raw.get("filled", {}).get("BOOL") and call_id in calls:
            starts = _stamp(raw, "starts_at")
            add(calls[call_id].get("neighbourhood_id", {}).get("S"), starts and to_local(starts, raw["zone"]["S"]),
                shifts_filled=1)
    pairs: dict[str, tuple[str | None, datetime | None]] = {}
    for raw in items:
        pk, sk = raw["pk"]["S"], raw["sk"]["S"]
        if pk.startswith("VCALL#") and sk.startswith("SIGNUP#") and raw.get("attendance", {}).get("S") == "came":
            shift = shifts.get((pk.removeprefix("VCALL#"), raw.get("shift_id", {}).get("S", "")), raw)
            starts = _stamp(shift, "starts_at")
            zone = shift.get("zone", {}).get("S") or "Europe/Luxembourg"
            add(raw.get("neighbourhood_id", {}).get("S"), starts and to_local(starts, zone), volunteer_actions=1,
                volunteer_hours=_number(raw, "hours"))
        elif pk.startswith("USER#") and pk.endswith("#BUDDYPAIRS"):
            accepted = set(raw.get("accepted_by", {}).get("SS", []))
            state = raw.get("state", {}).get("S")
            made = state == "paired" or (state == "ended" and {raw.get("newcomer_id", {}).get("S"),
                                                                 raw.get("buddy_id", {}).get("S")} <= accepted)
            if made:  # stored in both people's partitions: once
                pairs[sk] = (raw.get("neighbourhood_id", {}).get("S"), _stamp(raw, "changed_at"))
    for nbh, changed in pairs.values():
        add(nbh, changed, buddies_paired=1)


def rebuild(lau2: str, progress: Progress | None = None) -> int:
    """Recompute the commune's counters from stored items and SET them (idempotent: a second run writes the same
    figures), with its neighbourhoods' verified residents and households. Answers how many weeks it wrote."""
    counts, households = recount(_scan(progress), lau2)
    existing = {(item.neighbourhood_id, item.week) for item in WeekStatsItem.query(WeekStatsItem.partition(lau2))}
    for nbh, week in sorted(existing | set(counts)):
        if commune_of(nbh) != lau2:
            continue
        figures = counts.get((nbh, week), {})
        WeekStatsItem(*WeekStatsItem.key(nbh, week)).update(
            actions=[getattr(WeekStatsItem, name).set(figures.get(name, 0)) for name in REBUILT])
    recount_members(lau2)
    for nbh in NeighbourhoodItem.query(f"COMMUNE#{lau2}", NeighbourhoodItem.sk.startswith(NeighbourhoodItem.PREFIX)):
        addresses = households.get(nbh.id, {})
        for address, members in addresses.items():
            HouseholdItem(*HouseholdItem.key(address)).update(
                actions=[HouseholdItem.members.set(members), HouseholdItem.neighbourhood_id.set(nbh.id)])
        nbh.update(actions=[NeighbourhoodItem.household_count.set(len(addresses))],
                   condition=NeighbourhoodItem.pk.exists())
    logger.info("indicators rebuilt", lau2=lau2, weeks=len(existing | set(counts)))
    return len(existing | set(counts))
