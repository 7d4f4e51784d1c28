"""The demo neighbourhood's coming events (ops/demo_events.py), loaded in-process on the test table through the
events service, as `./noper demo` and `make run` load them."""

from datetime import date, timedelta

from chalicelib.accounts.principals import principal_of
from chalicelib.accounts.roles import account_of
from chalicelib.adapters.clock import now
from chalicelib.digest.content import coming_up
from chalicelib.events import answers
from chalicelib.events.approval import event_with_review
from chalicelib.events.models import CalendarQuery
from chalicelib.events.service import neighbourhood_calendar
from ops.demo import load_demo
from ops.demo_events import demo_events_loaded, first_saturday_ahead, load_demo_events, next_saturday


def test_the_demo_neighbourhood_has_a_flea_market_a_street_party_and_a_monthly_repair_cafe():
    loaded = load_demo()
    assert any("the coming events" in line for line in loaded), loaded
    assert demo_events_loaded()
    anna = principal_of(account_of("anna@demo.noper.lu"))
    start = now()
    page = neighbourhood_calendar(anna, anna.neighbourhood_id, CalendarQuery.model_validate(
        {"from": start.isoformat(), "to": (start + timedelta(days=92)).isoformat()}))
    by_category = {o.category: o for o in page.occurrences}
    assert {"flea_market", "party", "repair_cafe", "culture"} <= set(by_category)
    # The cultural service's concert, published through its link (printed), reaches the whole commune, publicly
    concert = by_category["culture"]
    assert (concert.publisher_name, concert.commune_wide) == ("Service culturel", True)
    assert any("/publish#" in line for line in loaded), loaded
    repair = event_with_review(anna, by_category["repair_cafe"].event_id, "en")
    assert repair.capacity == 12 and repair.rrule == "FREQ=MONTHLY;BYDAY=1SA;COUNT=12"
    assert repair.start.weekday() == 5 and repair.start.day <= 7 and repair.start.hour == 14
    mine = answers.answers(anna, repair.id, repair.occurrence_id)
    assert mine.mine is not None and mine.mine.state == "going" and mine.going == 2
    assert load_demo_events() == [f"the coming events of {repair.neighbourhood_id.split('-')[0]}: already there"]
    # the weekly digest's "coming up" has the flea market, whatever the day the demo is loaded
    assert "Flea market in the school yard" in {e.title for e in coming_up(anna.neighbourhood_id, now())}


def test_the_demo_dates_are_saturdays_ahead():
    assert next_saturday(date(2027, 3, 1), 7) == date(2027, 3, 13)
    assert first_saturday_ahead(date(2027, 3, 4)) == date(2027, 3, 6)
    assert first_saturday_ahead(date(2027, 3, 5)) == date(2027, 4, 3)  # at least two days ahead
