"""Find cover (issue #12): the organisers of a call ask Noper to find people for a shift short of people; Noper writes
to a few residents of the call's reach who offer a wanted skill, are free then, are not signed up, whom no block
stands between with the organiser and who want emails about volunteering — and tells the organisers a count only.
Once per shift per 24 hours (409), a few asks an hour (429), nobody written to twice for a shift."""

from datetime import timedelta

import pytest

from chalicelib import policy
from chalicelib.adapters import clock
from chalicelib.volunteering import cover
from chalicelib.volunteering.offers import blocks_changed
from tests.announcements.world import ANNA, BEN, N1, N2, as_link, build_commune, link, publisher, resident
from tests.helpers import JSON, body, error_of
from tests.notifications.factories import mails_to, make_resident
from tests.volunteering.test_calls import published, shift, sign_up, soon

LINK_READER = policy.principal_for


@pytest.fixture(autouse=True)
def commune():
    build_commune()


def helper(client, act_as, user_id, skills, nbh=N1, **settings):
    make_resident(user_id, nbh=nbh, email_address=f"{user_id.lower()}@example.lu", **settings)
    who = resident(user_id, nbh)
    act_as(who)
    saved = client.put("/api/v1/me/volunteering", headers=JSON, body=body({"skills": skills}))
    assert saved.status_code == 200, saved.body
    return who


def find_cover(client, call_id, shift_id="01"):
    return client.post(f"/api/v1/volunteering/{call_id}/shifts/{shift_id}/find-cover")


def test_cover_writes_to_free_neighbours_with_a_wanted_skill_and_tells_a_count_only(client, act_as, outbox):
    make_resident("U-ANNA", nbh=N1)
    call = published(client, act_as, skills=["event_setup", "cleaning"],
                     shifts=[shift("Set-up", 30, 2, 3), shift("Clean-up", 40, 2, 2)])
    other = published(client, act_as, who=BEN, title="Shopping round", skills=[], shifts=[shift("Shopping", 31, 2, 2)])
    helper(client, act_as, "U-FREE", ["event_setup", "gardening"])
    helper(client, act_as, "U-GARDEN", ["gardening"])  # no skill the call wants
    busy = helper(client, act_as, "U-BUSY", ["cleaning"])  # a shift of theirs at that time
    act_as(busy)
    assert sign_up(client, other["id"], "01").status_code == 201
    signed = helper(client, act_as, "U-SIGNED", ["cleaning"])  # signed up already
    act_as(signed)
    assert sign_up(client, call["id"], "01").status_code == 201
    helper(client, act_as, "U-BLOCKS", ["cleaning"])
    blocks_changed("U-BLOCKS", "U-ANNA", blocking=True)  # a block stands between them and the organiser
    helper(client, act_as, "U-QUIET", ["cleaning"], notifications={"volunteering": False})
    helper(client, act_as, "U-AWAY", ["cleaning"], nbh=N2)  # a neighbourhood the call does not reach

    act_as(BEN)  # not its organiser
    assert find_cover(client, call["id"]).status_code == 403
    act_as(resident("U-NORA", N2))  # cannot read it
    assert find_cover(client, call["id"]).status_code == 404
    act_as(ANNA)
    asked = find_cover(client, call["id"])
    assert asked.status_code == 200, asked.body
    assert set(asked.json_body) == {"contacted", "again_after"} and asked.json_body["contacted"] == 1
    mails = mails_to(outbox, "u-free@example.lu")
    assert len(mails) == 1 and "Set-up" in mails[0].get_body(("plain",)).get_content()
    assert f"/volunteering/{call['id']}" in mails[0].get_body(("plain",)).get_content()
    for nobody in ("u-garden", "u-busy", "u-signed", "u-blocks", "u-quiet", "u-away"):
        assert [m for m in mails_to(outbox, f"{nobody}@example.lu") if "help" in m["Subject"]] == []

    # Asked again too soon: 409 naming the field
    again = find_cover(client, call["id"])
    assert again.status_code == 409 and error_of(again)["code"] == "cover_asked_recently"
    assert error_of(again)["fields"] == {"shift_id": "cover asked less than 24 hours ago"}
    # A day later: nobody written to twice for the shift; someone new offers meanwhile
    helper(client, act_as, "U-NEW", ["cleaning"])
    act_as(ANNA)
    with clock.still_at(clock.now() + timedelta(hours=25)):
        later = find_cover(client, call["id"])
        assert later.status_code == 200 and later.json_body["contacted"] == 1
    assert len(mails_to(outbox, "u-free@example.lu")) == 1 and len(mails_to(outbox, "u-new@example.lu")) == 1


def test_cover_is_for_a_coming_shift_short_of_people_and_rate_limited(client, act_as, monkeypatch):
    make_resident("U-ANNA", nbh=N1)
    call = published(client, act_as, skills=["cleaning"],
                     shifts=[shift("Set-up", 2, 2, 1), shift("Stall", 6, 2, 2), shift("Clean-up", 9, 2, 2)])
    helper(client, act_as, "U-FREE", ["cleaning"])
    act_as(BEN)
    assert sign_up(client, call["id"], "01").status_code == 201
    act_as(ANNA)
    full = find_cover(client, call["id"], "01")
    assert full.status_code == 409 and error_of(full)["code"] == "shift_full"
    with clock.still_at(soon(6.5)):
        started = find_cover(client, call["id"], "02")
        assert started.status_code == 409 and error_of(started)["fields"] == {"shift_id": "started"}
    assert find_cover(client, call["id"], "09").status_code == 404
    monkeypatch.setattr(cover, "PER_HOUR", 1)
    assert find_cover(client, call["id"], "02").status_code == 200
    assert find_cover(client, call["id"], "03").status_code == 429


def test_a_publisher_finds_cover_through_its_link_across_its_reach(client, act_as, monkeypatch, outbox):
    token = link(publisher())
    payload = {"title": "Flea market helpers", "skills": ["event_setup"], "target": {"kind": "commune"},
               "shifts": [shift("Set-up", 30, 2, 2)]}
    made = client.post("/api/v1/publish/volunteering", headers=as_link(token), body=body(payload))
    assert made.status_code == 201, made.body
    call = made.json_body
    helper(client, act_as, "U-NEAR", ["event_setup"], nbh=N1)
    helper(client, act_as, "U-FAR", ["event_setup"], nbh=N2)
    monkeypatch.setattr(policy, "principal_for", LINK_READER)
    asked = client.post(f"/api/v1/publish/volunteering/{call['id']}/shifts/01/find-cover", headers=as_link(token))
    assert asked.status_code == 200, asked.body
    assert asked.json_body["contacted"] == 2
    assert len(mails_to(outbox, "u-near@example.lu")) == 1 and len(mails_to(outbox, "u-far@example.lu")) == 1
    other = link(publisher("commune", "Service des sports"))
    assert client.post(f"/api/v1/publish/volunteering/{call['id']}/shifts/01/find-cover",
                       headers=as_link(other)).status_code == 404
