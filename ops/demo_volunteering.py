"""The demo neighbourhood's calls for volunteers (issue #12): the parents' association (a partner publisher, with
a publisher link printed to open its /publish screen) publishes its flea market in the school yard (an event for
the whole commune, within the coming 7 days: the digest's "coming up" lists it) and its call for volunteers attached
to it — set-up, stall and clean-up shifts on its day —, both approved by the commune's staff as they would in
"Events to approve" and "Calls to approve" (a publisher's call attaches only to its publisher's own events:
chalicelib/volunteering/publishing.py); the event's page shows "Volunteers wanted". A demo resident (anna@) asks for
a neighbour to do a weekly shopping round for an elderly neighbour. ben@ signs up for the stall; anna@ may go to the
flea market. And one call already behind: anna@'s playground clean-up of last Saturday, published the week before with
carla@ signed up (written at those moments), its shift over and waiting for anna@ to confirm who came — so that the
demo's organiser can confirm attendance and see the volunteer action reach the commune's counters. Everything goes
through the events and volunteering services as through the API. Dates from today in Luxembourg time, ahead but for
the clean-up. Idempotent: a marker item (`DEMO#VOLUNTEERING`, `<lau2>`) is written once they are in.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from pynamodb.attributes import UTCDateTimeAttribute

from chalicelib.store.table import Entity
from ops import demo_commune
from ops.demo_events import next_saturday
from ops.demo_life import ANNA, BEN, CARLA, clock_at

REVIEWER = "demo-reviewer"  # the staff member who approves the association's call (not the one who issued its link)


class DemoVolunteeringItem(Entity):
    """pk=DEMO#VOLUNTEERING, sk=<lau2>: the demo calls for volunteers of this commune are in (ops only)."""

    loaded_at = UTCDateTimeAttribute()

    @staticmethod
    def key(lau2: str) -> tuple[str, str]:
        return "DEMO#VOLUNTEERING", lau2


def demo_volunteering_loaded(lau2: str = demo_commune.LAU2) -> bool:
    try:
        DemoVolunteeringItem.get(*DemoVolunteeringItem.key(lau2), consistent_read=True)
    except DemoVolunteeringItem.DoesNotExist:
        return False
    return True


def load_demo_volunteering(lau2: str = demo_commune.LAU2) -> list[str]:
    """Idempotent: nothing happens when the calls are already in."""
    if demo_volunteering_loaded(lau2):
        return [f"the calls for volunteers of {lau2}: already there"]
    from chalicelib.accounts.principals import principal_of
    from chalicelib.accounts.roles import account_of
    from chalicelib.adapters.clock import LUXEMBOURG, now
    from chalicelib.events import answers
    from chalicelib.events.models import AnswerRequest
    from chalicelib.volunteering import service as volunteering, signups
    from chalicelib.volunteering.models import CallRequest, ShiftRequest

    anna, ben, carla = (principal_of(account_of(email)) for email in (ANNA, BEN, CARLA))
    nbh = anna.neighbourhood_id
    if not nbh or any(p.residence_status != "verified" or p.neighbourhood_id != nbh for p in (anna, ben, carla)):
        return [f"the calls for volunteers of {lau2}: skipped (the demo residents are not verified neighbours)"]
    today = now().astimezone(LUXEMBOURG).date()

    def at(day: date, hour: int) -> datetime:
        return datetime(day.year, day.month, day.day, hour)  # a wall-clock time in Luxembourg, as the form sends

    flea = next_saturday(today, 1)  # within the coming 7 days: the digest's "coming up" lists it
    call_id, link_url, market = publish_demo_flea_market_call(lau2, flea, at)
    signups.sign_up(ben, call_id, "02")  # the stall
    answers.answer(anna, market.id, market.occurrence_id, AnswerRequest(answer="maybe"))
    first = today + timedelta(days=(4 - today.weekday()) % 7 or 7)  # the coming Friday
    volunteering.create_call(anna, nbh, CallRequest(
        title="Weekly shopping round for Mrs Kremer", pairing="none", skills=["shopping", "elderly_company"],
        what="Mrs Kremer (87) no longer carries heavy bags: do her shopping at the supermarket with her list, "
             "about an hour on Friday mornings.",
        why="She lives alone on the first floor and would like to stay at home.", place="Rue des Prés",
        shifts=[ShiftRequest(role="Shopping round", start=at(first + timedelta(weeks=week), 10),
                             end=at(first + timedelta(weeks=week), 11), needed=1) for week in range(4)]))
    cleaned = publish_past_clean_up(anna, carla, nbh, today, at)
    DemoVolunteeringItem(*DemoVolunteeringItem.key(lau2), loaded_at=now()).save()
    return [f"the parents' association's flea market on {flea} and its volunteers (set-up, stall, clean-up), "
            f"approved; ben@ on the stall; its publisher link is {link_url}",
            f"a weekly shopping round for an elderly neighbour by anna@, four Fridays from {first}",
            f"anna@'s playground clean-up of {cleaned}, carla@ signed up: anna@ confirms who came on its page"]


def publish_past_clean_up(anna: Any, carla: Any, nbh: str, today: date, at) -> date:
    """anna@'s call for last Saturday's playground clean-up, published eight days before it, carla@ signed up two
    days before it, each at its moment (the services refuse a sign-up once a shift started); answers its day."""
    from chalicelib.adapters.clock import LUXEMBOURG
    from chalicelib.volunteering import service as volunteering, signups
    from chalicelib.volunteering.models import CallRequest, ShiftRequest

    day = today - timedelta(days=(today.weekday() - 5) % 7 or 7)  # the last Saturday before today

    def moment(days_before: int) -> datetime:
        return datetime(day.year, day.month, day.day, 18, tzinfo=LUXEMBOURG) - timedelta(days=days_before)

    with clock_at(moment(8)):
        call = volunteering.create_call(anna, nbh, CallRequest(
            title="Playground clean-up", pairing="none", skills=["gardening", "cleaning"],
            what="Rake the leaves, sweep the paths and pick up litter around the playground; gloves and bags "
                 "provided.", why="So the children can play there again before winter.", place="Playground",
            shifts=[ShiftRequest(role="Clean-up", start=at(day, 10), end=at(day, 12), needed=4)]))
    with clock_at(moment(2)):
        signups.sign_up(carla, call.id, call.shifts[0].shift_id)
    return day


def publish_demo_flea_market_call(lau2: str, day: date, at) -> tuple[str, str, Any]:
    """The parents' association (a partner), a link for it, its flea market and its call with three shifts attached
    to it through the link as its /publish screen sends them, and the staff's approvals when partners wait for them;
    answers (call id, link address, the event)."""
    from chalicelib.events import approval as event_approval
    from chalicelib.events.publishing import PublisherEventRequest, publish_event
    from chalicelib.policy import Principal
    from chalicelib.publishers import links, service as publishers
    from chalicelib.publishers.models import LinkRequest, PublisherRequest
    from chalicelib.volunteering import approval
    from chalicelib.volunteering.models import PublisherCallRequest, ShiftRequest
    from chalicelib.volunteering.publishing import publish_call

    demo_staff = Principal(user_id="demo")
    association = publishers.register(demo_staff, lau2, PublisherRequest(
        kind="partner", name="Parents' association of the school", purpose="School fêtes and the flea market",
        contact="parents@demo.lu", non_commercial=True))
    issued = links.issue(lau2, LinkRequest(publisher_id=association.id, label="demo"), issued_by="demo")
    bearer = links.principal_from_link(issued.token)
    reviewer = Principal(user_id=REVIEWER, staff=frozenset({(lau2, "admin")}))
    market = publish_event(bearer, PublisherEventRequest(
        title="Flea market in the school yard", category="flea_market", start=at(day, 9), end=at(day, 14),
        description="Bring a table and what you no longer need; coffee and cake by the parents' association.",
        place="School yard", target={"kind": "commune"}))
    if market.review == "pending":
        event_approval.decide(reviewer, lau2, market.id, event_approval.EventDecision(decision="approve"))
    call = publish_call(bearer, PublisherCallRequest(
        title="Flea market in the school yard: volunteers wanted",
        what="Put up the tables in the morning, hold the coffee and cake stall, tidy the yard afterwards.",
        why="The takings pay for the school trip.", place="School yard", skills=["event_setup", "cooking", "cleaning"],
        min_age_note="14 and over", event_id=market.id,
        target={"kind": "commune"},
        shifts=[ShiftRequest(role="Set-up", start=at(day, 7), end=at(day, 9), needed=4),
                ShiftRequest(role="Coffee and cake stall", start=at(day, 9), end=at(day, 14), needed=3),
                ShiftRequest(role="Clean-up", start=at(day, 14), end=at(day, 16), needed=4)]))
    if call.status == "pending":
        approval.decide(reviewer, lau2, call.id, approval.CallDecision(decision="approve"))
    return call.id, issued.url, market
