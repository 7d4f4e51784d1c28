"""The demo neighbourhood's coming events (issue #11): a street party and a monthly repair café with a capacity,
organised by the demo residents (anna@, ben@, carla@) through the events service as they would through the API,
with a few answers (the flea market is the parents' association's, published through its link with its call for
volunteers: ops/demo_volunteering.py); and the commune's cultural service, through a publisher link (printed, to
open its /publish screen), with a public concert for the whole commune. Dates are chosen from today, in Luxembourg time, so that they are always
ahead. Idempotent: a marker item (`DEMO#EVENTS`, `<lau2>`) is written once they are in; a second run adds nothing.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pynamodb.attributes import UTCDateTimeAttribute

from chalicelib.store.table import Entity
from ops import demo_commune
from ops.demo_life import ANNA, BEN, CARLA


class DemoEventsItem(Entity):
    """pk=DEMO#EVENTS, sk=<lau2>: the demo events of this commune are in (ops only, never deployed)."""

    loaded_at = UTCDateTimeAttribute()

    @staticmethod
    def key(lau2: str) -> tuple[str, str]:
        return "DEMO#EVENTS", lau2


def demo_events_loaded(lau2: str = demo_commune.LAU2) -> bool:
    try:
        DemoEventsItem.get(*DemoEventsItem.key(lau2), consistent_read=True)
    except DemoEventsItem.DoesNotExist:
        return False
    return True


def next_saturday(after: date, days: int) -> date:
    """The first Saturday at least `days` days after `after`."""
    day = after + timedelta(days=days)
    return day + timedelta(days=(5 - day.weekday()) % 7)


def first_saturday_ahead(after: date) -> date:
    """The first Saturday of a month, at least two days after `after` (a monthly repair café's first date)."""
    month = after.replace(day=1)
    while True:
        first = next_saturday(month, 0)
        if first >= after + timedelta(days=2):
            return first
        month = (month + timedelta(days=32)).replace(day=1)


def load_demo_events(lau2: str = demo_commune.LAU2) -> list[str]:
    """Idempotent: nothing happens when the events are already in."""
    if demo_events_loaded(lau2):
        return [f"the coming events of {lau2}: already there"]
    from chalicelib.accounts.principals import principal_of
    from chalicelib.accounts.roles import account_of
    from chalicelib.adapters.clock import LUXEMBOURG, now
    from chalicelib.events import answers, service as events
    from chalicelib.events.models import AnswerRequest, EventCreate

    anna, ben, carla = (principal_of(account_of(email)) for email in (ANNA, BEN, CARLA))
    nbh = anna.neighbourhood_id
    if not nbh or any(p.residence_status != "verified" or p.neighbourhood_id != nbh for p in (anna, ben, carla)):
        return [f"the coming events of {lau2}: skipped (the demo residents are not verified neighbours)"]
    today = now().astimezone(LUXEMBOURG).date()

    def at(day: date, hour: int) -> datetime:
        return datetime(day.year, day.month, day.day, hour)  # a wall-clock time in Luxembourg, as the form sends

    party_day = next_saturday(today, 21)
    party = events.create_event(anna, nbh, EventCreate(
        title="Street party", category="party", start=at(party_day, 15), end=at(party_day, 23),
        description="The street is closed to cars for the afternoon: tables, music, everyone brings a dish.",
        place="Rue des Prés", co_organisers=[ben.user_id]))
    first = first_saturday_ahead(today)
    repair = events.create_event(ben, nbh, EventCreate(
        title="Repair café", category="repair_cafe", start=at(first, 14), end=at(first, 17), capacity=12,
        description="Bring a broken toaster, lamp, bike or jumper: volunteers help you repair it. Free.",
        place="Community hall", rrule="FREQ=MONTHLY;BYDAY=1SA;COUNT=12"))
    answers.answer(anna, repair.id, repair.occurrence_id, AnswerRequest(answer="going", extra=1))
    answers.answer(carla, repair.id, repair.occurrence_id, AnswerRequest(answer="maybe"))
    answers.answer(ben, party.id, party.occurrence_id, AnswerRequest(answer="going", extra=2))
    answers.answer(carla, party.id, party.occurrence_id, AnswerRequest(answer="going"))
    concert_day = next_saturday(today, 14)
    link_url = publish_demo_concert(lau2, at(concert_day, 20), at(concert_day, 22))
    DemoEventsItem(*DemoEventsItem.key(lau2), loaded_at=now()).save()
    return [f"the coming events of {lau2} ({nbh}): a street party on {party_day}, "
            f"a monthly repair café from {first} (12 places), with answers",
            f"a public concert on {concert_day} by the cultural service, whose publisher link is {link_url}"]


def publish_demo_concert(lau2: str, start: datetime, end: datetime) -> str:
    """The commune's cultural service (a publisher), a link for it, and one public event for the whole commune
    published through that link as its /publish screen does; answers the link's address."""
    from chalicelib.events.publishing import PublisherEventRequest, publish_event
    from chalicelib.policy import Principal
    from chalicelib.publishers import links, service as publishers
    from chalicelib.publishers.models import LinkRequest, PublisherRequest

    demo_staff = Principal(user_id="demo")
    service = publishers.register(demo_staff, lau2, PublisherRequest(
        kind="commune", name="Service culturel", purpose="Concerts and exhibitions of the commune",
        contact="culture@demo.lu", non_commercial=True))
    issued = links.issue(lau2, LinkRequest(publisher_id=service.id, label="demo"), issued_by="demo")
    publish_event(links.principal_from_link(issued.token), PublisherEventRequest(
        title="Winter concert in the park", category="culture", start=start, end=end, public=True,
        description="The commune's band and the music school play in the park. Free; bring a blanket.",
        place="Park by the town hall", target={"kind": "commune"}))
    return issued.url
