"""The demo's week of neighbourhood life (ops/demo_life.py), loaded in-process on the test table
through the real services, as `./noper demo` and `make run` load it."""

from datetime import timedelta

from chalicelib.accounts.principals import principal_of
from chalicelib.accounts.roles import account_of
from chalicelib.adapters.clock import now
from chalicelib.lending.loans import my_loans
from chalicelib.messages.service import my_conversations
from chalicelib.posts.models import FeedQuery
from chalicelib.posts.service import feed, professionals
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
    assert loan.end == (now() + timedelta(days=1)).date()
    [talk] = my_conversations(anna).conversations
    assert talk.about is not None and talk.about.kind == "item" and talk.unread == 0  # read, then answered
    assert my_conversations(ben).conversations[0].unread == 1  # Ben has Anna's thanks to read
    # a second run adds nothing, and says so
    with count_dynamodb_calls() as calls:
        again = load_demo_life()
    assert "already there" in again[0] and set(calls) == {"GetItem"}
    assert len(_everything(anna.neighbourhood_id)) == len(posts)
