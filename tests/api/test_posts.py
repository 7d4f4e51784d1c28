"""Posts and the feed through the API, on the real table (DynamoDB Local)."""

from datetime import timedelta

import h3
import pytest

from chalicelib.accounts.models import UserItem
from chalicelib.adapters import clock
from chalicelib.policy import Principal
from chalicelib.store.calls import count_dynamodb_calls
from tests.api.test_neighbourhoods import TOWN, VILLAGE, propose, publish
from tests.helpers import JSON, STAFF, body, error_of

N1, N2 = "0501-n1", "0501-n2"
IN_LUXEMBOURG = {"lat": 49.61, "lon": 6.13}


def resident(user_id, nbh=N1, status="verified", ambassador=False):
    return Principal(user_id=user_id, lau2="0501", neighbourhood_id=nbh, residence_status=status,
                     ambassador_of=frozenset({nbh}) if ambassador else frozenset())


ANNA, BEN = resident("U-anna"), resident("U-ben")
AMBASSADOR = resident("U-amb", ambassador=True)


def make_user(principal, email, address_id):
    UserItem(*UserItem.key(principal.user_id), user_id=principal.user_id, email=email, created_at=clock.now(),
             address_id=address_id, lau2="0501", neighbourhood_id=principal.neighbourhood_id,
             residence_status=principal.residence_status).save()


def write(client, payload, nbh=N1):
    return client.post(f"/api/v1/neighbourhoods/{nbh}/posts", headers=JSON, body=body(payload))


def written(client, payload, nbh=N1):
    response = write(client, payload, nbh)
    assert response.status_code == 201, response.body
    return response.json_body


def feed(client, nbh=N1, **query):
    url = f"/api/v1/neighbourhoods/{nbh}/posts"
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return client.get(url)


def state(client, post_id, new_state, **extra):
    return client.post(f"/api/v1/posts/{post_id}/state", headers=JSON, body=body({"state": new_state, **extra}))


DISCUSSION = {"kind": "discussion", "title": "Street party", "text": "Who is in for June?"}
HELP = {"kind": "help_request", "title": "Ladder", "text": "Need help with a ladder on Saturday"}
GIVEAWAY = {"kind": "giveaway", "title": "Children's bike", "text": "Free to a good home"}
LOST_CAT = {"kind": "lost_pet", "species": "cat", "description": "Grey tabby", "last_seen": IN_LUXEMBOURG}
PLUMBER = {"kind": "recommendation", "trade": "plumber", "name": "Jos Weber", "phone": "+352 621 123 456",
           "text": "Quick and fair"}


# --- validation per kind --------------------------------------------------------------------

@pytest.mark.parametrize("payload, field", [
    ({"kind": "discussion"}, "post.discussion.text"),
    ({"kind": "gossip", "text": "x"}, "post"),
    ({**HELP, "title": ""}, "post.help_request.title"),
    ({**LOST_CAT, "last_seen": {"lat": 48.85, "lon": 2.35}}, "post.lost_pet.last_seen.lat"),
    ({**LOST_CAT, "species": None}, "post.lost_pet.species"),
    ({**PLUMBER, "trade": "astrologer"}, "post.recommendation.trade"),
    ({**PLUMBER, "phone": None}, "post.recommendation"),
    ({**PLUMBER, "email": "not-an-email"}, "post.recommendation.email"),
    ({**GIVEAWAY, "text": "Yours for € 20"}, "post.giveaway.text"),
    ({**GIVEAWAY, "text": "only 20 EUR"}, "post.giveaway.text"),
    ({**GIVEAWAY, "price": 0}, "post.giveaway.price"),
])
def test_each_kind_validates_its_fields(client, act_as, payload, field):
    act_as(ANNA)
    response = write(client, payload)
    assert response.status_code == 400
    assert field in error_of(response)["fields"], error_of(response)


def test_a_lost_pet_stores_its_cell_never_the_point(client, act_as):
    act_as(ANNA)
    post = written(client, LOST_CAT)
    assert post["state"] == "lost"
    assert post["content"]["last_seen_cell"] == h3.latlng_to_cell(49.61, 6.13, 9)
    assert "last_seen" not in post["content"]


# --- states ---------------------------------------------------------------------------------

def test_help_goes_open_matched_done_and_counts_a_volunteer_action(client, act_as):
    from chalicelib.content.counters import iso_week, week_counts

    make_user(BEN, "ben@example.lu", "7000-2")
    act_as(ANNA)
    post = written(client, HELP)
    assert state(client, post["id"], "done").status_code == 409
    assert "with_user_id" in error_of(state(client, post["id"], "matched"))["fields"]
    matched = state(client, post["id"], "matched", with_user_id="U-ben")
    assert matched.status_code == 200 and matched.json_body["matched_with"] == "U-ben"
    assert state(client, post["id"], "done").json_body["state"] == "done"
    refused = state(client, post["id"], "open")
    assert refused.status_code == 409 and "state" in error_of(refused)["fields"]
    assert week_counts(N1, iso_week()) == {"posts": 1, "exchanges": 1, "volunteer_actions": 1}


def test_giveaway_and_pet_states_refuse_illegal_moves(client, act_as):
    act_as(ANNA)
    gift, cat = written(client, GIVEAWAY), written(client, LOST_CAT)
    assert state(client, gift["id"], "given").status_code == 409
    assert state(client, gift["id"], "reserved").status_code == 200
    assert state(client, gift["id"], "given").status_code == 200
    assert state(client, cat["id"], "given").status_code == 409
    assert state(client, cat["id"], "reunited").status_code == 200
    discussion = written(client, DISCUSSION)
    assert state(client, discussion["id"], "done").status_code == 409


def test_only_the_author_moves_a_post_on(client, act_as):
    act_as(ANNA)
    post = written(client, GIVEAWAY)
    act_as(BEN)
    assert state(client, post["id"], "reserved").status_code == 403


# --- visibility -----------------------------------------------------------------------------

@pytest.mark.parametrize("stranger", [
    resident("U-other", nbh=N2), resident("U-pending", status="pending"), STAFF, Principal(user_id="U-new")])
def test_anyone_but_a_verified_resident_gets_404_for_post_and_feed(client, act_as, stranger):
    act_as(ANNA)
    post = written(client, DISCUSSION)
    act_as(stranger)
    response = client.get(f"/api/v1/posts/{post['id']}")
    assert response.status_code == 404 and error_of(response)["fields"] == {"post_id": "not found"}
    assert feed(client).status_code == 404
    assert client.delete(f"/api/v1/posts/{post['id']}").status_code == 404


def test_a_missing_post_and_a_hidden_post_answer_alike(client, act_as):
    act_as(resident("U-other", nbh=N2))
    missing = client.get("/api/v1/posts/01ARZ3NDEKTSV4RRFFQ69G5FAV")
    assert missing.status_code == 404 and error_of(missing)["fields"] == {"post_id": "not found"}


@pytest.fixture
def clervaux(client, act_as):
    """Clervaux published: the town split in neighbourhoods, the village ~5 km away one of its own."""
    from chalicelib.addresses.service import import_addresses
    from chalicelib.neighbourhoods.service import neighbourhoods_for_cells
    from tests.api.test_neighbourhoods import register_csv, town_points, village_points

    import_addresses(register_csv(town_points() + village_points()), create_communes=True)
    act_as(STAFF)
    publish(client, propose(client, households=20)["version"])
    south = h3.latlng_to_cell(TOWN[0], TOWN[1], 9)
    north = h3.latlng_to_cell(TOWN[0] + 11 * 0.0015, TOWN[1], 9)
    village = h3.latlng_to_cell(*VILLAGE, 9)
    found = neighbourhoods_for_cells([south, north, village])
    return {"south": found[south][0], "north": found[north][0], "village": found[village][0]}


def test_a_lost_pet_shows_nearby_within_about_1_km_and_not_farther(client, act_as, clervaux):
    assert len(set(clervaux.values())) == 3
    # Given a cat lost at the south end of the town
    act_as(resident("U-owner", nbh=clervaux["south"]))
    post = written(client, {**LOST_CAT, "last_seen": {"lat": TOWN[0] + 0.003, "lon": TOWN[1]}}, nbh=clervaux["south"])
    # Then the next neighbourhood of the town sees it, marked nearby, and may read it
    act_as(resident("U-north", nbh=clervaux["north"]))
    page = feed(client, nbh=clervaux["north"]).json_body["posts"]
    assert [(p["id"], p["nearby"]) for p in page] == [(post["id"], True)]
    assert client.get(f"/api/v1/posts/{post['id']}").status_code == 200
    # And the village 5 km away does not
    act_as(resident("U-village", nbh=clervaux["village"]))
    assert feed(client, nbh=clervaux["village"]).json_body["posts"] == []
    assert client.get(f"/api/v1/posts/{post['id']}").status_code == 404


# --- the feed -------------------------------------------------------------------------------

def test_feed_pages_newest_first_with_a_cursor_one_query_a_page(client, act_as):
    act_as(ANNA)
    ids = [written(client, {**DISCUSSION, "text": f"post {i}"})["id"] for i in range(7)]
    seen, cursor, pages = [], None, 0
    while True:
        with count_dynamodb_calls() as calls:
            response = feed(client, limit=3, **({"cursor": cursor} if cursor else {}))
        assert response.status_code == 200 and dict(calls) == {"Query": 1}, dict(calls)
        seen += [p["id"] for p in response.json_body["posts"]]
        cursor, pages = response.json_body["cursor"], pages + 1
        if not cursor:
            break
    assert seen == list(reversed(ids)) and pages >= 3


def test_feed_filters_by_kind(client, act_as):
    act_as(ANNA)
    written(client, DISCUSSION)
    gift = written(client, GIVEAWAY)
    posts = feed(client, kind="giveaway").json_body["posts"]
    assert [p["id"] for p in posts] == [gift["id"]]


@pytest.mark.parametrize(("cursor", "status"), [("garbage!", 400), ("eyJwayI6ICJOQkgjMDUwMS1uMiNGRUVEIiwgInNrIjogIngifQ", 404),
                                                ("e30", 404)])
def test_a_tampered_cursor_is_refused_naming_cursor(client, act_as, cursor, status):
    act_as(ANNA)  # not base64url: 400 (the document's pattern); well-formed but not this feed's: 404
    response = feed(client, cursor=cursor)
    assert response.status_code == status and "cursor" in error_of(response)["fields"]


def test_a_pinned_post_comes_first_and_only_ambassadors_pin(client, act_as):
    act_as(ANNA)
    old = written(client, DISCUSSION)
    new = written(client, GIVEAWAY)
    assert client.put(f"/api/v1/posts/{old['id']}/pin").status_code == 403
    act_as(AMBASSADOR)
    assert client.put(f"/api/v1/posts/{old['id']}/pin").json_body["pinned"] is True
    assert [p["id"] for p in feed(client).json_body["posts"]] == [old["id"], new["id"]]
    assert [p["id"] for p in feed(client, limit=1).json_body["posts"]] == [old["id"]]
    assert client.delete(f"/api/v1/posts/{old['id']}/pin").status_code == 200
    assert [p["id"] for p in feed(client).json_body["posts"]] == [new["id"], old["id"]]


# --- editing and deleting -------------------------------------------------------------------

def test_the_author_edits_within_24_hours_only(client, act_as, monkeypatch):
    act_as(ANNA)
    post = written(client, DISCUSSION)
    url = f"/api/v1/posts/{post['id']}"
    edited = client.patch(url, headers=JSON, body=body({**DISCUSSION, "text": "June 21st"}))
    assert edited.status_code == 200 and edited.json_body["content"]["text"] == "June 21st"
    assert feed(client).json_body["posts"][0]["content"]["text"] == "June 21st"
    act_as(BEN)
    assert client.patch(url, headers=JSON, body=body(DISCUSSION)).status_code == 403
    act_as(ANNA)
    later = clock.now() + timedelta(hours=25)
    monkeypatch.setattr("chalicelib.posts.service.now", lambda: later)
    late = client.patch(url, headers=JSON, body=body(DISCUSSION))
    assert late.status_code == 409


def test_the_author_or_an_ambassador_deletes(client, act_as):
    act_as(ANNA)
    first, second = written(client, DISCUSSION), written(client, DISCUSSION)
    act_as(BEN)
    assert client.delete(f"/api/v1/posts/{first['id']}").status_code == 403
    act_as(ANNA)
    assert client.delete(f"/api/v1/posts/{first['id']}").status_code == 204
    act_as(AMBASSADOR)
    assert client.delete(f"/api/v1/posts/{second['id']}").status_code == 204
    assert feed(client).json_body["posts"] == []


# --- recommendations ------------------------------------------------------------------------

def test_professionals_count_distinct_households(client, act_as):
    # Given Anna and Ben share a household, Carla lives elsewhere
    carla = resident("U-carla")
    make_user(ANNA, "anna@example.lu", "7000-1")
    make_user(BEN, "ben@example.lu", "7000-1")
    make_user(carla, "carla@example.lu", "7000-9")
    for who in (ANNA, ANNA, BEN, carla):
        act_as(who)
        written(client, {**PLUMBER, "name": "  jos WEBER "})
    pros = client.get(f"/api/v1/neighbourhoods/{N1}/professionals?trade=plumber").json_body["professionals"]
    assert [(p["trade"], p["households"]) for p in pros] == [("plumber", 2)]
    assert client.get(f"/api/v1/neighbourhoods/{N1}/professionals?trade=tutor").json_body["professionals"] == []


def test_residents_cannot_recommend_themselves(client, act_as):
    make_user(ANNA, "anna@example.lu", "7000-1")
    act_as(ANNA)
    own_email = write(client, {**PLUMBER, "email": "Anna@Example.lu"})
    assert own_email.status_code == 409 and "email" in error_of(own_email)["fields"]
    assert write(client, {**PLUMBER, "self": True}).status_code == 409


# --- your data ------------------------------------------------------------------------------

def test_export_and_erasure_of_an_authors_posts(client, act_as):
    from chalicelib.posts.service import erase_posts, export_posts

    act_as(ANNA)
    kept, removed = written(client, DISCUSSION), written(client, GIVEAWAY)
    assert {p["id"] for p in export_posts("U-anna")} == {kept["id"], removed["id"]}
    erase_posts("U-anna", "anonymise")
    assert export_posts("U-anna") == []
    assert {p["author_id"] for p in feed(client).json_body["posts"]} == {None}


def test_a_kind_filtered_feed_pages_with_its_cursor(client, act_as):
    act_as(ANNA)
    gifts = []
    for i in range(3):
        written(client, DISCUSSION)
        gifts.append(written(client, {**GIVEAWAY, "title": f"gift {i}"})["id"])
    first = feed(client, kind="giveaway", limit=2).json_body
    with count_dynamodb_calls() as calls:
        second = feed(client, kind="giveaway", limit=2, cursor=first["cursor"]).json_body
    assert dict(calls) == {"Query": 1}
    assert [p["id"] for p in first["posts"] + second["posts"]] == list(reversed(gifts))
    # a cursor of the unfiltered feed is not one of this feed
    unfiltered = feed(client, limit=1).json_body["cursor"]
    assert feed(client, kind="giveaway", cursor=unfiltered).status_code == 404


def test_erasure_can_remove_an_authors_posts(client, act_as):
    from chalicelib.posts.service import erase_posts

    act_as(ANNA)
    written(client, DISCUSSION)
    written(client, LOST_CAT)
    erase_posts("U-anna", "remove")
    assert feed(client).json_body["posts"] == []
