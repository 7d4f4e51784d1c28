"""The demo's skills and welcome buddy (ops/demo_buddies.py), loaded in-process on the test table as `./noper demo`
and `make run` load them: once staff verify Dani, she is offered Carla, who speaks Portuguese."""

from chalicelib.accounts.principals import principal_of
from chalicelib.accounts.roles import account_of
from chalicelib.accounts.verification import verify_resident
from chalicelib.volunteering.buddies import my_pairs
from chalicelib.volunteering.offers import helpers
from ops.demo import load_demo


def test_the_demo_has_skills_offered_and_a_welcome_buddy_for_the_newcomer():
    loaded = load_demo()
    assert any("is a welcome buddy" in line for line in loaded), loaded
    ben = principal_of(account_of("ben@demo.noper.lu"))
    found = helpers(ben, ben.neighbourhood_id, "cooking").helpers
    assert [helper.name for helper in found] == ["Carla Ferreira"]
    dani = account_of("dani@demo.noper.lu")
    verify_resident(dani, "staff", "staff")
    pairs = my_pairs(principal_of(account_of("dani@demo.noper.lu"))).pairs
    assert [(pair.with_name, pair.state, pair.role) for pair in pairs] == [("Carla Ferreira", "offered", "newcomer")]
    load_demo()  # again: nothing doubles
    assert len(helpers(ben, ben.neighbourhood_id, "cooking").helpers) == 1
