"""Skills neighbours offer (issue #12, point 3): a verified resident lists skills, how often and their languages;
neighbours of the same neighbourhood find "who can help with …" (one Query); blocks keep people apart both ways;
everything is removable and part of "your data"."""

from chalicelib.accounts.models import UserItem
from chalicelib.adapters import clock
from chalicelib.volunteering.buddies import erase_volunteering, export_volunteering
from chalicelib.volunteering.offers import HelperItem, profile_of
from tests.api.test_posts import N1, N2, resident
from tests.helpers import JSON, body, error_of

ANNA, BEN, CARLA = resident("U-anna"), resident("U-ben"), resident("U-carla")
DAVID = resident("U-david", nbh=N2)


def person(principal, name, languages=("fr",)):
    UserItem(*UserItem.key(principal.user_id), user_id=principal.user_id, email=f"{principal.user_id}@example.org",
             created_at=clock.now(), lau2="0501", neighbourhood_id=principal.neighbourhood_id,
             residence_status=principal.residence_status, display_name=name, name_chosen=True,
             languages=list(languages)).save()
    return principal


def offer(client, act_as, principal, **payload):
    act_as(principal)
    response = client.put("/api/v1/me/volunteering", headers=JSON, body=body(payload))
    assert response.status_code == 200, response.body
    return response.json_body


def helpers(client, act_as, principal, skill=None, nbh=N1):
    act_as(principal)
    url = f"/api/v1/neighbourhoods/{nbh}/helpers" + (f"?skill={skill}" if skill else "")
    response = client.get(url)
    assert response.status_code == 200, response.body
    return [(h["name"], h["skill"]) for h in response.json_body["helpers"]]


def test_neighbours_find_who_can_help_with_a_skill_and_never_themselves(client, act_as):
    person(ANNA, "Anna"), person(BEN, "Ben"), person(DAVID, "David")
    saved = offer(client, act_as, ANNA, skills=["gardening", "computer_help"], frequency="weekly",
                  languages=["lb", "fr"])
    assert saved == {"skills": ["gardening", "computer_help"], "frequency": "weekly", "languages": ["lb", "fr"],
                     "buddy": False}
    offer(client, act_as, DAVID, skills=["gardening"])  # another neighbourhood: not in N1's directory
    assert helpers(client, act_as, BEN, "gardening") == [("Anna", "gardening")]
    assert helpers(client, act_as, BEN) == [("Anna", "computer_help"), ("Anna", "gardening")]
    assert helpers(client, act_as, ANNA, "gardening") == []  # not myself
    act_as(BEN)  # the answer names no address
    helper = client.get(f"/api/v1/neighbourhoods/{N1}/helpers?skill=gardening").json_body["helpers"][0]
    assert set(helper) == {"user_id", "name", "skill", "frequency", "languages"}
    assert helper["frequency"] == "weekly" and helper["user_id"] == "U-anna"
    # Changing the offer replaces it: gardening goes, cooking comes
    offer(client, act_as, ANNA, skills=["cooking"], frequency="monthly")
    assert helpers(client, act_as, BEN) == [("Anna", "cooking")]
    # Taking it all back
    act_as(ANNA)
    assert client.delete("/api/v1/me/volunteering").status_code == 204
    assert helpers(client, act_as, BEN) == []
    assert client.get("/api/v1/me/volunteering").json_body["skills"] == []


def test_another_neighbourhoods_directory_is_not_found(client, act_as):
    person(DAVID, "David")
    act_as(DAVID)
    response = client.get(f"/api/v1/neighbourhoods/{N1}/helpers?skill=gardening")
    assert response.status_code == 404


def test_bad_input_names_the_field(client, act_as):
    person(ANNA, "Anna")
    act_as(ANNA)
    cases = [
        ({"skills": ["juggling"]}, "skills"),
        ({"skills": ["gardening", "gardening"]}, "skills"),
        ({"skills": ["gardening", "small_repairs", "computer_help", "reading_aloud", "accompanying", "language_lb",
                     "language_fr", "language_de", "language_en", "language_pt", "cooking"]}, "skills"),
        ({"frequency": "daily"}, "frequency"),
        ({"languages": ["xx"]}, "languages"),
        ({"buddy": "yes"}, "buddy"),
        ({"buddy": True}, "languages"),  # a buddy names their languages
        ({"colour": "red"}, "colour"),
    ]
    for payload, field in cases:
        response = client.put("/api/v1/me/volunteering", headers=JSON, body=body(payload))
        assert response.status_code == 400, (payload, response.body)
        assert field in str(error_of(response)["fields"]), (payload, error_of(response))
    response = client.get(f"/api/v1/neighbourhoods/{N1}/helpers?skill=juggling")
    assert response.status_code == 400 and "skill" in str(error_of(response)["fields"])


def test_a_pending_resident_offers_nothing(client, act_as):
    pending = person(resident("U-pending", status="pending"), "Paul")
    act_as(pending)
    response = client.put("/api/v1/me/volunteering", headers=JSON, body=body({"skills": ["gardening"]}))
    assert response.status_code == 403


def test_blocks_keep_people_apart_both_ways_whenever_made(client, act_as):
    person(ANNA, "Anna"), person(BEN, "Ben"), person(CARLA, "Carla")
    # Ben blocks Anna before she offers anything; Carla blocks Ben after he offered
    act_as(BEN)
    assert client.put("/api/v1/me/blocks/U-anna").status_code in (200, 201)
    offer(client, act_as, ANNA, skills=["driving"])
    offer(client, act_as, BEN, skills=["driving"])
    act_as(CARLA)
    assert client.put("/api/v1/me/blocks/U-ben").status_code in (200, 201)
    assert helpers(client, act_as, BEN, "driving") == []  # Anna: Ben blocks her
    assert helpers(client, act_as, ANNA, "driving") == []  # Ben: he blocks her
    assert helpers(client, act_as, CARLA, "driving") == [("Anna", "driving")]  # not Ben, whom she blocks
    # Unblocking brings them back
    act_as(CARLA)
    assert client.delete("/api/v1/me/blocks/U-ben").status_code == 204
    assert helpers(client, act_as, CARLA, "driving") == [("Anna", "driving"), ("Ben", "driving")]


def test_your_data_exports_and_erasure_removes_the_offer(client, act_as):
    person(ANNA, "Anna"), person(BEN, "Ben")
    offer(client, act_as, ANNA, skills=["knitting"], languages=["pt"], buddy=True)
    exported = export_volunteering("U-anna")
    assert exported["offer"] == {"skills": ["knitting"], "frequency": "occasionally", "languages": ["pt"],
                                 "buddy": True}
    erase_volunteering("U-anna", "remove")
    assert list(HelperItem.query(HelperItem.partition(N1))) == []
    assert profile_of("U-anna") is None
    assert helpers(client, act_as, BEN) == []


def test_the_upgrade_step_notes_blocks_made_before(client, act_as):
    from chalicelib.messages.models import BlockItem
    from chalicelib.messages.service import copy_blocks_to_volunteering

    person(ANNA, "Anna"), person(BEN, "Ben")
    BlockItem(*BlockItem.key("U-ben", "U-anna"), created_at=clock.now()).save()  # as blocks stood before
    offer(client, act_as, ANNA, skills=["sewing"])
    assert helpers(client, act_as, BEN, "sewing") == [("Anna", "sewing")]  # not kept apart yet
    assert copy_blocks_to_volunteering() == 1
    assert copy_blocks_to_volunteering() == 1  # again: nothing changes
    assert helpers(client, act_as, BEN, "sewing") == []
    assert profile_of("U-ben").blocks == {"U-anna"} and profile_of("U-anna").blocked_by == {"U-ben"}


def test_a_help_request_names_the_skill_it_needs_and_the_directory_answers_it(client, act_as):
    person(ANNA, "Anna"), person(BEN, "Ben")
    offer(client, act_as, ANNA, skills=["moving_help"])
    act_as(BEN)
    bad = client.post(f"/api/v1/neighbourhoods/{N1}/posts", headers=JSON,
                      body=body({"kind": "help_request", "title": "Sofa", "text": "Carry a sofa", "skill": "lifting"}))
    assert bad.status_code == 400 and "skill" in str(error_of(bad)["fields"])
    written = client.post(f"/api/v1/neighbourhoods/{N1}/posts", headers=JSON,
                          body=body({"kind": "help_request", "title": "Sofa", "text": "Carry a sofa",
                                     "skill": "moving_help"}))
    assert written.status_code == 201, written.body
    assert written.json_body["content"]["skill"] == "moving_help"
    assert helpers(client, act_as, BEN, written.json_body["content"]["skill"]) == [("Anna", "moving_help")]


def test_odd_input_is_refused_never_a_server_error(client, act_as):
    person(ANNA, "Anna")
    act_as(ANNA)
    for payload in ([], "x", 3, None, {"skills": None}, {"skills": "gardening"}, {"languages": [1]},
                    {"frequency": None}, {"skills": [["gardening"]]}, {"buddy": None}):
        response = client.put("/api/v1/me/volunteering", headers=JSON, body=body(payload))
        assert response.status_code == 400, (payload, response.body)
    assert client.put("/api/v1/me/volunteering", headers=JSON, body=b"{not json").status_code == 400
    for pair_id in ("x", "0" * 27, "01J0000000000000000000000a"):
        response = client.post(f"/api/v1/buddy-pairs/{pair_id}/accept")
        assert response.status_code == 400 and "pair_id" in str(error_of(response)["fields"]), pair_id
    assert client.post("/api/v1/buddy-pairs/01J0000000000000000000000A/end").status_code == 404
    assert client.get(f"/api/v1/neighbourhoods/{N1}/helpers?skill=").status_code in (200, 400)
    assert client.get(f"/api/v1/neighbourhoods/{N1}/helpers?page=2").status_code == 400


def test_the_offer_follows_the_resident_to_their_new_neighbourhood(client, act_as):
    from chalicelib.volunteering.offers import BuddyItem, residence_changed

    person(ANNA, "Anna"), person(BEN, "Ben"), person(DAVID, "David")
    offer(client, act_as, ANNA, skills=["music"], languages=["fr"], buddy=True)
    # Redrawn boundaries move Anna into N2 (the move's email job calls this)
    UserItem(*UserItem.key("U-anna")).update(actions=[UserItem.neighbourhood_id.set(N2)])
    residence_changed("U-anna")
    assert helpers(client, act_as, BEN, "music") == []
    assert helpers(client, act_as, DAVID, "music", nbh=N2) == [("Anna", "music")]
    assert [b.user_id for b in BuddyItem.query(BuddyItem.partition(N2))] == ["U-anna"]
    assert list(BuddyItem.query(BuddyItem.partition(N1))) == []
    # No longer verified: off the directory, the offer kept in her profile
    UserItem(*UserItem.key("U-anna")).update(actions=[UserItem.residence_status.set("pending")])
    residence_changed("U-anna")
    assert helpers(client, act_as, DAVID, "music", nbh=N2) == []
    assert profile_of("U-anna").skills == ["music"]


def test_a_block_noted_while_an_offer_is_saved_still_keeps_them_apart(client, act_as, monkeypatch):
    from chalicelib.volunteering import offers

    person(ANNA, "Anna"), person(BEN, "Ben")
    real = offers._profile
    blocked = []

    def profile_then_block(user_id, consistent=False):  # Ben blocks Anna right after her save read her profile
        read = real(user_id, consistent)
        if user_id == "U-anna" and not blocked:
            blocked.append(True)
            offers.blocks_changed("U-ben", "U-anna", True)
        return read

    monkeypatch.setattr(offers, "_profile", profile_then_block)
    offer(client, act_as, ANNA, skills=["painting"])
    assert blocked and helpers(client, act_as, BEN, "painting") == []


def test_who_can_help_and_the_welcome_buddies_show_the_name_a_helper_chose_since(client, act_as):
    from chalicelib.volunteering.offers import BuddyItem

    # Given Anna offering gardening and to be a welcome buddy
    person(ANNA, "Anna"), person(BEN, "Ben")
    offer(client, act_as, ANNA, skills=["gardening"], buddy=True, languages=["fr"])
    assert helpers(client, act_as, BEN, "gardening") == [("Anna", "gardening")]
    # When she changes the name neighbours see
    act_as(ANNA)
    response = client.patch("/api/v1/me", headers=JSON, body=body({"display_name": "Anna M."}))
    assert response.status_code == 200, response.body
    # Then "who can help" shows the new name, and so does her welcome buddy entry
    assert helpers(client, act_as, BEN, "gardening") == [("Anna M.", "gardening")]
    assert BuddyItem.get(*BuddyItem.key(N1, "U-anna")).name == "Anna M."
    # And changing only her languages leaves the name as it is; an offer taken back is not written again
    act_as(ANNA)
    assert client.patch("/api/v1/me", headers=JSON, body=body({"languages": ["de"]})).status_code == 200
    assert helpers(client, act_as, BEN, "gardening") == [("Anna M.", "gardening")]
    act_as(ANNA)
    assert client.delete("/api/v1/me/volunteering").status_code == 204
    assert client.patch("/api/v1/me", headers=JSON, body=body({"display_name": "Anna"})).status_code == 200
    assert helpers(client, act_as, BEN) == [] and list(BuddyItem.query(BuddyItem.partition(N1))) == []


def test_an_offer_saved_while_its_helper_chose_another_name_shows_the_new_name(client, act_as, monkeypatch):
    from chalicelib.accounts.models import ProfileUpdate
    from chalicelib.accounts.service import update_profile
    from chalicelib.volunteering import offers

    person(ANNA, "Anna"), person(BEN, "Ben")
    real = offers._profile
    renamed = []

    def profile_then_rename(user_id, consistent=False):  # Anna renames herself on her laptop as her save read
        read = real(user_id, consistent)
        if user_id == "U-anna" and not renamed:
            renamed.append(True)
            update_profile(ANNA, ProfileUpdate(display_name="Anna M."))
        return read

    monkeypatch.setattr(offers, "_profile", profile_then_rename)
    offer(client, act_as, ANNA, skills=["painting"])
    assert renamed and helpers(client, act_as, BEN, "painting") == [("Anna M.", "painting")]
