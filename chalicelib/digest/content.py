"""What a neighbourhood's week holds for its digest: read once per neighbourhood, then personalised
per resident in memory (`NeighbourhoodWeek.for_resident`).

Reads, all on existing partitions (docs/data-model.md, "Weekly digest"):
- the feed `NBH#<id>#FEED` from the first post id of the window (4 weeks before the week) on: the
  week's new posts and what is still open (help requests, giveaways, lost pets, also the nearby
  ones the feed holds for this neighbourhood) — one Query, paged;
- the week's new posts themselves (BatchGetItem): their thanks and comment counters, which feed
  entries do not carry;
- the lending library `NBH#<id>#ITEMS` on gsi1, between the week's first and last item ids;
- the verified residents `NBH#<id>#RESIDENTS` on gsi1: the recipients, and who is new this week;
- the neighbourhood's calendar `NBH#<id>#CAL` for the 7 days after the week ("coming up": its events, nearby
  ones reaching it and the commune's), one Query a page (chalicelib/events/calendar.py `window`), and their
  organisers (one BatchGetItem per 100 events): a resident's digest leaves out events organised by someone they
  blocked.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Iterable

from chalicelib.accounts.models import UserItem
from chalicelib.adapters.clock import now
from chalicelib.adapters.ids import _CROCKFORD
from chalicelib.events.calendar import window
from chalicelib.events.models import EventItem
from chalicelib.lending.models import LendableItem
from chalicelib.neighbours.service import residents
from chalicelib.posts.models import FeedEntryItem, PostItem
from chalicelib.store.table import GSI1, table_connection

# Help requests, giveaways and lost pets written up to this long before the week still show while open.
STILL_OPEN_WINDOW = timedelta(days=28)
KIND_ORDER = ("help_request", "lost_pet", "found_pet", "giveaway", "help_offer", "recommendation", "discussion")
EXCERPT = 160
BATCH_GET = 100
COMING_UP = timedelta(days=7)  # events starting within this long after the week (or after now, when later)


@dataclass(frozen=True)
class DigestPost:
    id: str
    kind: str
    author_id: str | None
    title: str
    excerpt: str
    created_at: datetime
    state: str | None
    nearby: bool = False
    score: int = 0  # thanks + comments


@dataclass(frozen=True)
class DigestItem:
    id: str
    owner_id: str
    name: str
    category: str
    created_at: datetime


@dataclass(frozen=True)
class DigestEvent:
    """One occurrence coming up: local start, the event's id for its link."""

    event_id: str
    title: str
    start: datetime
    place: str | None
    nearby: bool
    commune_wide: bool
    publisher_name: str | None
    organisers: frozenset[str] = frozenset()


@dataclass(frozen=True)
class DigestProgress:
    """A funded participatory budget project's progress, for those who supported it."""

    edition_id: str
    proposal_id: str
    title: str
    state: str  # planned | in_progress | done
    note: str | None
    supporters: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Digest:
    """One resident's digest: only what they may read, nothing from people they blocked."""

    new_posts: dict[str, list[DigestPost]]  # kind -> posts, in KIND_ORDER
    open_help: list[DigestPost]
    giveaways: list[DigestPost]
    lost_pets: list[DigestPost]
    lendables: list[DigestItem]
    new_neighbours: int
    coming_up: list[DigestEvent] = field(default_factory=list)
    budget_progress: list[DigestProgress] = field(default_factory=list)  # projects I supported

    @property
    def new_post_count(self) -> int:
        return sum(len(posts) for posts in self.new_posts.values())

    @property
    def empty(self) -> bool:
        """Nothing to tell: no email. New neighbours alone do not make a digest."""
        return not (self.new_posts or self.open_help or self.giveaways or self.lost_pets or self.lendables
                    or self.coming_up or self.budget_progress)

    def counts(self) -> dict[str, int]:
        return {"new_posts": self.new_post_count, "open_help": len(self.open_help), "giveaways": len(self.giveaways),
                "lost_pets": len(self.lost_pets), "lendables": len(self.lendables), "new_neighbours": self.new_neighbours,
                "coming_up": len(self.coming_up), "budget_progress": len(self.budget_progress)}


@dataclass
class NeighbourhoodWeek:
    neighbourhood_id: str
    lau2: str
    name: str
    week: str
    start: datetime
    end: datetime
    new_posts: list[DigestPost] = field(default_factory=list)
    open_help: list[DigestPost] = field(default_factory=list)
    giveaways: list[DigestPost] = field(default_factory=list)
    lost_pets: list[DigestPost] = field(default_factory=list)
    lendables: list[DigestItem] = field(default_factory=list)
    coming_up: list[DigestEvent] = field(default_factory=list)
    budget_progress: list[DigestProgress] = field(default_factory=list)
    residents: list[UserItem] = field(default_factory=list)
    new_neighbours: int = 0
    new_neighbour_ids: set[str] = field(default_factory=set, repr=False)

    def for_resident(self, resident_id: str, blocked: set[str]) -> Digest:
        def keep(author_id: str | None) -> bool:
            return author_id is None or author_id not in blocked

        grouped: dict[str, list[DigestPost]] = {}
        for post in self.new_posts:
            if keep(post.author_id):
                grouped.setdefault(post.kind, []).append(post)
        ordered = {kind: grouped[kind] for kind in KIND_ORDER if kind in grouped}
        return Digest(
            new_posts=ordered,
            open_help=[p for p in self.open_help if keep(p.author_id)],
            giveaways=[p for p in self.giveaways if keep(p.author_id)],
            lost_pets=[p for p in self.lost_pets if keep(p.author_id)],
            lendables=[i for i in self.lendables if keep(i.owner_id)],
            new_neighbours=len(self.new_neighbour_ids - {resident_id}),
            coming_up=[e for e in self.coming_up if not e.organisers & blocked],
            budget_progress=[p for p in self.budget_progress if resident_id in p.supporters],
        )


def read_week(neighbourhood_id: str, lau2: str, name: str, week: str, start: datetime, end: datetime) -> NeighbourhoodWeek:
    content = NeighbourhoodWeek(neighbourhood_id, lau2, name, week, start, end)
    entries = _feed_since(neighbourhood_id, start - STILL_OPEN_WINDOW)
    this_week: list[DigestPost] = []
    for entry in entries:
        post = _digest_post(entry)
        if post is None:
            continue
        if post.created_at >= end:
            continue  # written after the week: next digest
        if start <= post.created_at and not post.nearby:
            this_week.append(post)
        elif post.kind == "help_request" and post.state == "open" and not post.nearby:
            content.open_help.append(post)
        elif post.kind == "giveaway" and post.state == "available" and not post.nearby:
            content.giveaways.append(post)
        elif post.kind == "lost_pet" and post.state == "lost":
            content.lost_pets.append(post)
    content.new_posts = _ranked(this_week)
    content.lendables = _new_lendables(neighbourhood_id, start, end)
    content.coming_up = coming_up(neighbourhood_id, max(end, now()))
    content.budget_progress = budget_progress(lau2, start, end)
    for resident in residents(neighbourhood_id, "verified"):
        content.residents.append(resident)
        if resident.verified_at and start <= resident.verified_at < end:
            content.new_neighbour_ids.add(resident.user_id)
    content.new_neighbours = len(content.new_neighbour_ids)
    for listed in (content.open_help, content.giveaways, content.lost_pets):
        listed.sort(key=lambda p: p.created_at, reverse=True)
    return content


def budget_progress(lau2: str, start: datetime, end: datetime) -> list[DigestProgress]:
    """The week's progress of the commune's funded participatory budget projects (one Query), newest posting of
    each project only; `for_resident` keeps those the resident supported."""
    from chalicelib.budget.results import progress_between

    latest: dict[str, DigestProgress] = {}
    for item in progress_between(lau2, start, end):  # oldest first: a later posting replaces an earlier one
        latest[item.proposal_id] = DigestProgress(item.edition_id, item.proposal_id, item.title, item.state, item.note,
                                                  frozenset(item.supporters or ()))
    return list(latest.values())


def coming_up(neighbourhood_id: str, since: datetime) -> list[DigestEvent]:
    """The occurrences starting in the 7 days from `since` that the neighbourhood's calendar shows (not cancelled,
    not hidden), soonest first: its calendar's window, one Query a page; then who organises them, one
    BatchGetItem per 100 events (once per neighbourhood, not per resident), so that a resident's digest leaves
    out the events organised by someone they blocked."""
    found: list[DigestEvent] = []
    cursor = None
    while True:
        page = window(neighbourhood_id, since, since + COMING_UP, None, cursor)
        found += [DigestEvent(event_id=o.event_id, title=o.title, start=o.start, place=o.place, nearby=o.nearby,
                              commune_wide=o.commune_wide, publisher_name=o.publisher_name)
                  for o in page.occurrences if o.status != "cancelled" and o.start >= since]
        cursor = page.cursor
        if not cursor:
            break
    organisers = _organisers(sorted({e.event_id for e in found}))
    return sorted((replace(e, organisers=organisers.get(e.event_id, frozenset())) for e in found),
                  key=lambda e: (e.start, e.event_id))


def _organisers(event_ids: list[str]) -> dict[str, frozenset[str]]:
    """event id -> its organisers (creator and co-organisers), one BatchGetItem per 100 events."""
    found: dict[str, frozenset[str]] = {}
    for first in range(0, len(event_ids), 100):
        keys = [EventItem.key(event_id) for event_id in event_ids[first:first + 100]]
        for event in EventItem.batch_get(keys, attributes_to_get=["pk", "sk", "event_id", "organisers"]):
            found[event.event_id] = frozenset(event.organisers or ())
    return found


def id_floor(moment: datetime) -> str:
    """The smallest time-ordered id (chalicelib/adapters/ids.py) of this moment: a sort-key bound."""
    value = int(moment.timestamp() * 1000) << 80
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


def _feed_since(neighbourhood_id: str, since: datetime) -> Iterable[dict[str, Any]]:
    """Feed entries with a post id from `since` on; pinned entries (`~PIN#<id>`) sort after every id,
    so they come too, whatever their age, and are sorted out by date."""
    return _query_all(FeedEntryItem.feed(neighbourhood_id), "#sk >= :floor", {":floor": {"S": id_floor(since)}})


def _query_all(partition: str, sort_condition: str, values: dict[str, Any], index: str | None = None,
               key_names: tuple[str, str] = ("pk", "sk")) -> Iterable[dict[str, Any]]:
    """Every page of a Query (`sort_condition` names the sort key `#sk`)."""
    client = table_connection().connection.client
    request: dict[str, Any] = {
        "TableName": table_connection().table_name,
        "KeyConditionExpression": f"#pk = :pk AND {sort_condition}",
        "ExpressionAttributeNames": {"#pk": key_names[0], "#sk": key_names[1]},
        "ExpressionAttributeValues": {":pk": {"S": partition}, **values},
    }
    if index:
        request["IndexName"] = index
    while True:
        page = client.query(**request)
        yield from page.get("Items", [])
        if not page.get("LastEvaluatedKey"):
            return
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _digest_post(raw: dict[str, Any]) -> DigestPost | None:
    entry = FeedEntryItem.from_raw_data(raw)
    post = entry.post
    if post.get("hidden"):
        return None  # hidden by moderation: never in a digest
    content = post.get("content") or {}
    title, text = _title_and_text(post["kind"], content)
    return DigestPost(id=post["id"], kind=post["kind"], author_id=post.get("author_id"), title=title,
                      excerpt=_excerpt(text), created_at=datetime.fromisoformat(post["created_at"]),
                      state=post.get("state"), nearby=bool(entry.nearby))


def _title_and_text(kind: str, content: dict[str, Any]) -> tuple[str, str]:
    if kind in ("lost_pet", "found_pet"):
        return str(content.get("species", "")), str(content.get("description", ""))
    if kind == "recommendation":
        return str(content.get("name", "")), str(content.get("text", ""))
    text = str(content.get("text") or "")
    return str(content.get("title") or _excerpt(text, 60)), text if content.get("title") else ""


def _excerpt(text: str, limit: int = EXCERPT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _ranked(posts: list[DigestPost]) -> list[DigestPost]:
    """Most thanked and commented first (counters live on the posts themselves: one BatchGetItem per 100)."""
    scores = _scores([post.id for post in posts])
    scored = [replace(post, score=scores.get(post.id, 0)) for post in posts]
    # a post deleted meanwhile has no item left: leave it out
    return sorted((p for p in scored if p.id in scores), key=lambda p: (-p.score, -p.created_at.timestamp()))


def _scores(post_ids: list[str]) -> dict[str, int]:
    client = table_connection().connection.client
    table = table_connection().table_name
    scores: dict[str, int] = {}
    for start in range(0, len(post_ids), BATCH_GET):
        keys = [{"pk": {"S": PostItem.key(post_id)[0]}, "sk": {"S": "POST"}} for post_id in post_ids[start:start + BATCH_GET]]
        request = {table: {"Keys": keys, "ProjectionExpression": "post_id, thanks_count, comment_count, #hidden",
                           "ExpressionAttributeNames": {"#hidden": "hidden"}}}
        while request:
            answer = client.batch_get_item(RequestItems=request)
            for item in answer.get("Responses", {}).get(table, []):
                if item.get("hidden", {}).get("BOOL"):
                    continue
                scores[item["post_id"]["S"]] = (int(item.get("thanks_count", {}).get("N", 0))
                                                + int(item.get("comment_count", {}).get("N", 0)))
            request = answer.get("UnprocessedKeys") or None
    return scores


def _new_lendables(neighbourhood_id: str, start: datetime, end: datetime) -> list[DigestItem]:
    raws = _query_all(LendableItem.neighbourhood_key(neighbourhood_id), "#sk BETWEEN :from AND :to",
                      {":from": {"S": f"ITEM#{id_floor(start)}"}, ":to": {"S": f"ITEM#{id_floor(end)}"}},
                      index=GSI1, key_names=("gsi1pk", "gsi1sk"))
    found = []
    for raw in raws:
        item = LendableItem.from_raw_data(raw)
        if item.available and not item.hidden and start <= item.created_at < end:  # hidden by moderation: never
            found.append(DigestItem(id=item.item_id, owner_id=item.owner_id, name=item.name, category=item.category,
                                    created_at=item.created_at))
    return sorted(found, key=lambda i: i.created_at, reverse=True)
