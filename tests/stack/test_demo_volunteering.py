"""The demo neighbourhood's calls for volunteers (ops/demo_volunteering.py), loaded in-process on the test table
through the volunteering services, as `./noper demo` and `make run` load them."""

from chalicelib.accounts.principals import principal_of
from chalicelib.accounts.roles import account_of
from chalicelib.communes.audit import audit_log
from chalicelib.events import answers
from chalicelib.events.approval import event_with_review
from chalicelib.volunteering import service as volunteering, signups
from chalicelib.volunteering.models import CallListQuery
from ops.demo import load_demo
from ops.demo_volunteering import demo_volunteering_loaded, load_demo_volunteering


def test_the_demo_has_the_flea_markets_volunteers_and_a_weekly_shopping_round():
    loaded = load_demo()
    assert any("flea market" in line and "volunteers" in line and "/publish#" in line for line in loaded), loaded
    assert demo_volunteering_loaded()
    anna, ben = (principal_of(account_of(f"{who}@demo.noper.lu")) for who in ("anna", "ben"))
    listed = volunteering.neighbourhood_calls(anna, anna.neighbourhood_id, CallListQuery()).calls
    by_title = {c.title: c for c in listed}
    # The association's call, approved by the commune's staff, reaches the neighbourhood with its three shifts
    fair = by_title["Flea market in the school yard: volunteers wanted"]
    assert (fair.publisher_name, fair.shifts, fair.nearby) == ("Parents' association of the school", 3, True)
    shown = volunteering.get_call(ben, fair.id)
    assert [(s.role, s.mine) for s in shown.shifts] == [
        ("Set-up", "can_sign_up"), ("Coffee and cake stall", "signed_up"), ("Clean-up", "can_sign_up")]
    assert shown.start.weekday() == 5 and shown.start.hour == 7
    # It hangs on the association's own flea market, whose page shows "Volunteers wanted"
    market = event_with_review(anna, shown.event_id, "en")
    assert (market.title, market.publisher_name) == ("Flea market in the school yard", "Parents' association of the school")
    assert [(c.id, c.title) for c in market.volunteer_calls] == [(fair.id, fair.title)]
    assert answers.answers(anna, market.id, market.occurrence_id).mine.state == "maybe"
    lau2 = anna.neighbourhood_id.split("-")[0]
    assert any(e.action == "call_approved" and e.subject_id == fair.id for e in audit_log(lau2).entries)
    # anna's weekly shopping round: four Friday mornings, one neighbour each
    rounds = volunteering.get_call(anna, by_title["Weekly shopping round for Mrs Kremer"].id)
    assert rounds.mine and [(s.start.weekday(), s.start.hour, s.needed) for s in rounds.shifts] == [(4, 10, 1)] * 4
    assert [(s.title, s.role, s.status) for s in signups.my_shifts(ben).shifts] == [
        ("Flea market in the school yard: volunteers wanted", "Coffee and cake stall", "coming")]
    # A second run adds nothing
    assert load_demo_volunteering(lau2) == [f"the calls for volunteers of {lau2}: already there"]
    assert len(volunteering.neighbourhood_calls(anna, anna.neighbourhood_id, CallListQuery()).calls) == len(listed)
