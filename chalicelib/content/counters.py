"""The weekly counters of a neighbourhood: one item per ISO week, each figure an atomic ADD written with
the event it counts (a post, an exchange, a comment, a message, a report), never computed by reading content.
pk `NBH#<id>#STATS`, sk `<ISO week>` (docs/data-model.md).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pynamodb.attributes import NumberAttribute
from pynamodb.exceptions import DoesNotExist

from chalicelib.adapters.clock import now
from chalicelib.store.table import Entity


class WeekStatsItem(Entity):
    """Counts per neighbourhood per ISO week: never content."""

    posts = NumberAttribute(default=0)
    exchanges = NumberAttribute(default=0)  # posts' done states and lending's returned loans
    volunteer_actions = NumberAttribute(default=0)
    comments = NumberAttribute(default=0)
    messages = NumberAttribute(default=0)
    reports = NumberAttribute(default=0)
    events = NumberAttribute(default=0)  # events held (not cancelled), in the week of their (first) start
    event_answers = NumberAttribute(default=0)  # residents answering an occurrence (first answer), its week
    event_going = NumberAttribute(default=0)  # people going (extra people included; changes of answers ADD +/-)
    # Volunteering (chalicelib/volunteering/): `volunteer_actions` above also counts each participation an organiser
    # confirmed, in the volunteer's neighbourhood and the shift's week, with its hours here (halves: 0.5)
    volunteer_hours = NumberAttribute(default=0)
    calls = NumberAttribute(default=0)  # calls for volunteers published, in the week published
    shifts_filled = NumberAttribute(default=0)  # shifts whose sign-ups first reached the number needed, their week
    buddies_paired = NumberAttribute(default=0)  # welcome buddy pairs made (both accepted), the week they were made

    @staticmethod
    def key(nbh_id: str, week: str) -> tuple[str, str]:
        return f"NBH#{nbh_id}#STATS", week


def iso_week(moment: date | datetime | None = None) -> str:
    """"2026-W48": the ISO week of `moment` (now when left out)."""
    year, week, _ = (moment or now()).isocalendar()
    return f"{year}-W{week:02d}"


def count_in_week(t: Any, neighbourhood_id: str, moment: date | datetime | None = None, **deltas: int) -> None:
    """ADD `deltas` (e.g. `comments=1`) to the neighbourhood's counters of the week, in the caller's transaction."""
    t.update(WeekStatsItem(*WeekStatsItem.key(neighbourhood_id, iso_week(moment))),
             actions=[getattr(WeekStatsItem, name).add(delta) for name, delta in deltas.items()])


def week_counts(neighbourhood_id: str, week: str) -> dict[str, int]:
    try:
        item = WeekStatsItem.get(*WeekStatsItem.key(neighbourhood_id, week))
    except DoesNotExist:
        return {"posts": 0, "exchanges": 0, "volunteer_actions": 0}
    return {"posts": int(item.posts or 0), "exchanges": int(item.exchanges or 0),
            "volunteer_actions": int(item.volunteer_actions or 0)}
