"""The demo's week of neighbourhood life (ops/demo_life.py), loaded in-process on the test table
through the real services, as `./noper demo` and `make run` load it."""

from datetime import timedelta

from chalicelib.accounts.principals import principal_of
from chalicelib.accounts.roles import account_of
from chalicelib.adapters.clock import now
from chalicelib.lending.loans import my_loans, today
from chalicelib.messages.service import my_conversations
from chalicelib.posts.feed import feed
from chalicelib.posts.models import FeedQuery
from chalicelib.posts.professionals import professionals
from chalicelib.store.calls import count_dynamodb_calls
from ops.demo import load_demo
from ops.demo_life import demo_life_loaded, load_demo_life


def _everything(nbh):
    return feed(nbh, FeedQuery(limit=50)).posts


def test_the_demo_week_is_lived_by_the_demo_residents_and_loads_once():
    loaded = load_demo()
    assert any("a week of neighbourhood life" in line for line in loaded), loaded
    assert demo_life_loaded()
    anna, ben = (principal_of(account_of(f"{name}@demo.noper.lu")) for name in ("anna", "ben"))
    posts = _everything(anna.neighbourhood_id)
    kinds = sorted(post.kind for post in posts)
    assert kinds == ["discussion", "giveaway", "help_request", "lost_pet", "recommendation"]
    # spread over the past week, newest first
    moments = [post.created_at for post in posts]
    assert moments == sorted(moments, reverse=True)
    assert now() - timedelta(days=7) < moments[-1] and moments[0] < now() - timedelta(hours=12)
    states = {post.kind: post.state for post in posts}
    assert states["help_request"] == "done" and states["giveaway"] == "reserved" and states["lost_pet"] == "lost"
    cat = next(post for post in posts if post.kind == "lost_pet")
    assert cat.content.get("photo_id")  # the generated photo went through the upload processing
    assert [p.households for p in professionals(anna.neighbourhood_id, "plumber").professionals] == [1]
    [loan] = [loan for loan in my_loans(ben).as_owner if loan.state == "picked_up"]
    assert loan.end == today() + timedelta(days=1)  # tomorrow in Luxembourg, the loans' calendar
    [talk] = my_conversations(anna).conversations
    assert talk.about is not None and talk.about.kind == "item" and talk.unread == 0  # read, then answered
    assert my_conversations(ben).conversations[0].unread == 1  # Ben has Anna's thanks to read
    # a second run adds nothing, and says so
    with count_dynamodb_calls() as calls:
        again = load_demo_life()
    assert "already there" in again[0] and set(calls) == {"GetItem"}
    assert len(_everything(anna.neighbourhood_id)) == len(posts)


def test_the_demo_week_keeps_each_step_on_its_luxembourg_day_at_any_hour():
    """CI loads the demo at any hour: late in the evening UTC is already tomorrow in Luxembourg."""
    from datetime import datetime, timezone

    from chalicelib.adapters.clock import LUXEMBOURG
    from ops.demo_life import week_start

    first = datetime(2026, 3, 28, 0, 0, tzinfo=timezone.utc)  # around the spring and autumn clock changes
    for around in (first, first.replace(month=10, day=24)):
        for half_hours in range(4 * 48):
            moment = around + timedelta(minutes=30 * half_hours)
            start = week_start(moment)
            assert moment - timedelta(days=7) < start + timedelta(hours=2)  # the first step is within the week
            assert start + timedelta(days=5, hours=21) < moment  # the last step is in the past
            loan_day = (start + timedelta(days=5)).date()
            for hour in (2, 4, 9):  # requested, accepted, picked up on the loan's first day
                assert (start + timedelta(days=5, hours=hour)).astimezone(LUXEMBOURG).date() == loan_day
            assert loan_day < moment.astimezone(LUXEMBOURG).date()  # yesterday, in Luxembourg
