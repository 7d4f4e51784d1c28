"""The weekly counters of a neighbourhood: one item per neighbourhood per ISO week, each figure an atomic ADD
written with the event it counts (a post, an exchange, a comment, a message, a report), never computed by
reading content. They live in their commune's partition, so that the commune's dashboard reads every
neighbourhood's weeks in one Query: pk `COMMUNE#<lau2>#STATS`, sk `<ISO week>#<neighbourhood id>`
(docs/data-model.md, docs/indicators.md). A neighbourhood id starts with its commune's LAU2 (`commune_of`), so a
writer knows the partition from the id it already has.

Each counter is defined in docs/indicators.md; chalicelib/indicators/ reads them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist

from chalicelib.adapters.clock import now
from chalicelib.policy import commune_of
from chalicelib.store.table import Entity

# Time from a help request to its first answer by a neighbour: counted in one of these buckets (upper bound in
# hours, None: later). The median is read from them (chalicelib/indicators/figures.py `median_hours`).
FIRST_ANSWER_BUCKETS: tuple[tuple[str, float | None], ...] = (
    ("first_answer_1h", 1), ("first_answer_6h", 6), ("first_answer_24h", 24), ("first_answer_48h", 48),
    ("first_answer_7d", 168), ("first_answer_later", None),
)
POST_KINDS = ("discussion", "help_request", "help_offer", "lost_pet", "found_pet", "recommendation", "giveaway")


class _Counts(Entity):
    """The figures a week (or a month's snapshot) holds for one neighbourhood. Every attribute is a count."""

    # Users
    registered = NumberAttribute(default=0)  # accounts that claimed an address here (first claim in the commune)
    verified_gained = NumberAttribute(default=0)  # residents verified here (or moved in, verified)
    verified_lost = NumberAttribute(default=0)  # verified residents who left, moved out or erased their account
    households_gained = NumberAttribute(default=0)  # addresses reaching their first verified resident
    households_lost = NumberAttribute(default=0)  # addresses losing their last verified resident
    weekly_active = NumberAttribute(default=0)  # verified residents who used Noper this week (once each)
    households_active = NumberAttribute(default=0)  # households (addresses) one of whose residents did (once each)
    digest_recipients = NumberAttribute(default=0)  # residents sent the week's digest (one email each)
    unsubscribes = NumberAttribute(default=0)  # emails unsubscribed from (one-click or settings)
    # Messages and exchanges
    posts = NumberAttribute(default=0)
    posts_discussion = NumberAttribute(default=0)
    posts_help_request = NumberAttribute(default=0)
    posts_help_offer = NumberAttribute(default=0)
    posts_lost_pet = NumberAttribute(default=0)
    posts_found_pet = NumberAttribute(default=0)
    posts_recommendation = NumberAttribute(default=0)
    posts_giveaway = NumberAttribute(default=0)
    comments = NumberAttribute(default=0)
    messages = NumberAttribute(default=0)
    thanks = NumberAttribute(default=0)  # thanks given (a withdrawn thanks counts -1 in its week)
    exchanges = NumberAttribute(default=0)  # posts' done states and lending's returned loans
    help_done = NumberAttribute(default=0)  # help requests and offers marked done
    giveaways_given = NumberAttribute(default=0)
    pets_reunited = NumberAttribute(default=0)
    loans_returned = NumberAttribute(default=0)
    loans_on_time = NumberAttribute(default=0)  # returned no later than the day agreed
    events = NumberAttribute(default=0)  # events held (not cancelled), in the week of their (first) start
    event_answers = NumberAttribute(default=0)  # residents answering an occurrence (first answer), its week
    event_going = NumberAttribute(default=0)  # people going (extra people included; changes of answers ADD +/-)
    consultation_answers = NumberAttribute(default=0)  # residents answering a consultation
    ballots = NumberAttribute(default=0)  # participatory-budget ballots cast (written by the budget's concern)
    # Volunteer actions: `volunteer_actions` counts help done (posts) and each participation an organiser
    # confirmed, in the volunteer's neighbourhood and the shift's week, with its hours here (halves: 0.5)
    volunteer_actions = NumberAttribute(default=0)
    volunteer_hours = NumberAttribute(default=0)
    calls = NumberAttribute(default=0)  # calls for volunteers published, in the week published
    shifts_filled = NumberAttribute(default=0)  # shifts whose sign-ups first reached the number needed, their week
    buddies_paired = NumberAttribute(default=0)  # welcome buddy pairs made (both accepted), the week they were made
    # Quality of exchanges
    help_requests_answered = NumberAttribute(default=0)  # help requests whose first answer came (any delay)
    first_answer_1h = NumberAttribute(default=0)
    first_answer_6h = NumberAttribute(default=0)
    first_answer_24h = NumberAttribute(default=0)
    first_answer_48h = NumberAttribute(default=0)
    first_answer_7d = NumberAttribute(default=0)
    first_answer_later = NumberAttribute(default=0)
    reports = NumberAttribute(default=0)
    posts_hidden = NumberAttribute(default=0)  # posts hidden by moderators or by reports (a post restored: -1)
    appeals = NumberAttribute(default=0)  # appeals decided
    appeals_upheld = NumberAttribute(default=0)  # appeals where the moderators' hiding was upheld (post stays hidden)
    newcomers_welcomed = NumberAttribute(default=0)  # new residents a neighbour wrote to within 7 days (once each)


# Every counter's name, in the order the docs and the CSV list them.
COUNTERS: tuple[str, ...] = tuple(name for name, attribute in vars(_Counts).items()
                                  if isinstance(attribute, NumberAttribute))


class WeekStatsItem(_Counts):
    """Counts per neighbourhood per ISO week: never content. pk `COMMUNE#<lau2>#STATS`, sk `<week>#<nbh id>`."""

    @staticmethod
    def partition(lau2: str) -> str:
        return f"COMMUNE#{lau2}#STATS"

    @staticmethod
    def key(nbh_id: str, week: str) -> tuple[str, str]:
        return WeekStatsItem.partition(commune_of(nbh_id)), f"{week}#{nbh_id}"

    @property
    def week(self) -> str:
        return self.sk.split("#", 1)[0]

    @property
    def neighbourhood_id(self) -> str:
        return self.sk.split("#", 1)[1]


class MonthStatsItem(_Counts):
    """A month's counts per neighbourhood, frozen after the month's end (chalicelib/indicators/snapshots.py): the
    sum of the weeks whose Thursday falls in the month, plus the neighbourhood's verified residents and households
    at the freeze. pk `COMMUNE#<lau2>#MONTHS`, sk `<YYYY-MM>#<nbh id>`. Never changed once written."""

    weeks = NumberAttribute(default=0)  # how many weeks the month holds (4 or 5): weekly means divide by it
    verified = NumberAttribute(default=0)
    households = NumberAttribute(default=0)
    address_count = NumberAttribute(default=0)
    frozen_at = UnicodeAttribute(null=True)

    @staticmethod
    def partition(lau2: str) -> str:
        return f"COMMUNE#{lau2}#MONTHS"

    @staticmethod
    def key(nbh_id: str, month: str) -> tuple[str, str]:
        return MonthStatsItem.partition(commune_of(nbh_id)), f"{month}#{nbh_id}"


def iso_week(moment: date | datetime | None = None) -> str:
    """"2026-W48": the ISO week of `moment` (now when left out)."""
    year, week, _ = (moment or now()).isocalendar()
    return f"{year}-W{week:02d}"


def week_start(week: str) -> date:
    """The Monday of an ISO week ("2026-W48")."""
    year, number = week.split("-W")
    return date.fromisocalendar(int(year), int(number), 1)


def month_of_week(week: str) -> str:
    """"2026-11": the month an ISO week counts in — the month of its Thursday (as ISO years do)."""
    return (week_start(week) + timedelta(days=3)).strftime("%Y-%m")


def month_weeks(month: str) -> tuple[str, str, int]:
    """The first and last ISO week counted in `month` ("2026-11"), those whose Thursday falls in it, and how many."""
    first = date.fromisoformat(f"{month}-01")
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    first_thursday = first + timedelta(days=(3 - first.weekday()) % 7)
    last_thursday = last - timedelta(days=(last.weekday() - 3) % 7)
    y1, w1, _ = first_thursday.isocalendar()
    y2, w2, _ = last_thursday.isocalendar()
    return f"{y1}-W{w1:02d}", f"{y2}-W{w2:02d}", (last_thursday - first_thursday).days // 7 + 1


def count_in_week(t: Any, neighbourhood_id: str, moment: date | datetime | None = None, **deltas: float) -> None:
    """ADD `deltas` (e.g. `comments=1`) to the neighbourhood's counters of the week, in the caller's transaction."""
    t.update(WeekStatsItem(*WeekStatsItem.key(neighbourhood_id, iso_week(moment))),
             actions=[getattr(WeekStatsItem, name).add(delta) for name, delta in deltas.items()])


def first_answer_bucket(hours: float) -> str:
    for name, bound in FIRST_ANSWER_BUCKETS:
        if bound is None or hours <= bound:
            return name
    return FIRST_ANSWER_BUCKETS[-1][0]


def week_counts(neighbourhood_id: str, week: str) -> dict[str, int]:
    try:
        item = WeekStatsItem.get(*WeekStatsItem.key(neighbourhood_id, week))
    except DoesNotExist:
        return {"posts": 0, "exchanges": 0, "volunteer_actions": 0}
    return {"posts": int(item.posts or 0), "exchanges": int(item.exchanges or 0),
            "volunteer_actions": int(item.volunteer_actions or 0)}


def add_in_week(neighbourhood_id: str, moment: date | datetime | None = None, **deltas: float) -> None:
    """`count_in_week` on its own, for a count made after the fact (the digests a run just sent)."""
    WeekStatsItem(*WeekStatsItem.key(neighbourhood_id, iso_week(moment))).update(
        actions=[getattr(WeekStatsItem, name).add(delta) for name, delta in deltas.items()])
