"""Neighbourhood life, second pass: pet photos reach where their post reaches, counts in the feed,
authors' names kept with what they write, and the professionals directory with its recommendations."""

import pytest

from chalicelib.accounts.models import UserItem
from chalicelib.adapters import clock
from chalicelib.moderation.models import ModerationRequest
from chalicelib.posts.hiding import moderate_post
from chalicelib.posts.models import ProfessionalItem
from chalicelib.posts.professionals import index_professionals
from chalicelib.store.calls import count_dynamodb_calls
from ops.local_events import LocalEvents
from tests.api.test_neighbourhoods import TOWN
from tests.api.test_posts import (  # noqa: F401  (clervaux is a fixture)
    AMBASSADOR, ANNA, BEN, DISCUSSION, LOST_CAT, N1, PLUMBER, clervaux, feed, resident, written,
)
from tests.helpers import JSON, body
from tests.photos.test_photos import jpeg_with_gps, put, start


def named(principal, display_name, address_id=None):
    UserItem(*UserItem.key(principal.user_id), user_id=principal.user_id, email=f"{principal.user_id}@example.lu",
             display_name=display_name, created_at=clock.now(), address_id=address_id, lau2="0501",
             neighbourhood_id=principal.neighbourhood_id, residence_status=principal.residence_status).save()


def comment(client, post_id, text="Seen it near the church"):
    response = client.post(f"/api/v1/posts/{post_id}/comments", headers=JSON, body=body({"text": text}))
    assert response.status_code == 201, response.body
    return response.json_body


# --- 1. a lost pet's photo shows where the post shows ------------------------------------------

def test_a_lost_pets_photo_is_readable_where_the_post_reaches_and_nowhere_else(client, act_as, app, clervaux):
    owner = resident("U-owner", nbh=clervaux["south"])
    act_as(owner)
    started = start(client).json_body
    put(started, jpeg_with_gps((300, 200)))
    LocalEvents(app).poll_once()
    photo = f"/api/v1/photos/{started['photo_id']}"
    post = written(client, {**LOST_CAT, "last_seen": {"lat": TOWN[0] + 0.003, "lon": TOWN[1]},
                            "photo_id": started["photo_id"]}, nbh=clervaux["south"])
    # The next neighbourhood, which sees the post, sees its photo
    act_as(resident("U-north", nbh=clervaux["north"]))
    assert client.get(f"/api/v1/posts/{post['id']}").status_code == 200
    shown = client.get(photo)
    assert shown.status_code == 200 and shown.json_body["status"] == "ready" and shown.json_body["thumb_url"]
    # The village 5 km away sees neither
    act_as(resident("U-village", nbh=clervaux["village"]))
    assert client.get(f"/api/v1/posts/{post['id']}").status_code == 404
    assert client.get(photo).status_code == 404
    # Moved 5 km away on edit, the post and its photo leave the north
    act_as(owner)
    from tests.api.test_neighbourhoods import VILLAGE
    edited = client.patch(f"/api/v1/posts/{post['id']}", headers=JSON, body=body(
        {**LOST_CAT, "last_seen": {"lat": VILLAGE[0], "lon": VILLAGE[1]}, "photo_id": started["photo_id"]}))
    assert edited.status_code == 200, edited.body
    act_as(resident("U-north", nbh=clervaux["north"]))
    assert client.get(photo).status_code == 404
    act_as(resident("U-village", nbh=clervaux["village"]))
    assert client.get(photo).status_code == 200


# --- 2. counts in the feed ----------------------------------------------------------------------

def test_the_feed_carries_comment_and_thanks_counts_in_every_neighbourhood_in_one_query(client, act_as, clervaux):
    act_as(resident("U-owner", nbh=clervaux["south"]))
    post = written(client, {**LOST_CAT, "last_seen": {"lat": TOWN[0] + 0.003, "lon": TOWN[1]}}, nbh=clervaux["south"])
    north = resident("U-north", nbh=clervaux["north"])
    act_as(north)
    first = comment(client, post["id"])
    comment(client, post["id"], "And again at the bakery")
    assert client.put(f"/api/v1/posts/{post['id']}/thanks").status_code == 200
    assert client.delete(f"/api/v1/comments/{first['id']}").status_code == 204
    for who, nbh in ((north, clervaux["north"]), (resident("U-owner", nbh=clervaux["south"]), clervaux["south"])):
        act_as(who)
        with count_dynamodb_calls() as calls:
            page = feed(client, nbh=nbh).json_body["posts"]
        assert dict(calls) == {"Query": 1}, dict(calls)
        assert [(p["id"], p["comment_count"], p["thanks_count"]) for p in page] == [(post["id"], 1, 1)]


def test_a_pin_between_reading_and_commenting_does_not_lose_the_count(client, act_as):
    from chalicelib.comments.models import CommentRequest
    from chalicelib.comments.service import add_comment
    from chalicelib.posts import service as posts

    act_as(ANNA)
    post = written(client, DISCUSSION)
    real_readable, calls = posts._readable, []

    def readable_then_pinned(principal, post_id):
        found = real_readable(principal, post_id)
        if not calls:  # the ambassador pins right after the commenter read the post
            calls.append(1)
            posts.pin_post(AMBASSADOR, post_id, True)
        return found

    posts._readable = readable_then_pinned  # how the content kernel reads a post for comments
    try:
        add_comment(BEN, "post", post["id"], CommentRequest(text="Count me in"))
    finally:
        posts._readable = real_readable
    page = feed(client).json_body["posts"]
    assert [(p["id"], p["pinned"], p["comment_count"]) for p in page] == [(post["id"], True, 1)]


# --- 3. authors' names ----------------------------------------------------------------------------

def test_posts_comments_and_feed_name_their_author_as_they_were_named_when_writing(client, act_as, clervaux):
    owner, north = resident("U-owner", nbh=clervaux["south"]), resident("U-north", nbh=clervaux["north"])
    named(owner, "Marie K.")
    named(north, "Jos from the north")
    act_as(owner)
    post = written(client, {**LOST_CAT, "last_seen": {"lat": TOWN[0] + 0.003, "lon": TOWN[1]}}, nbh=clervaux["south"])
    assert post["author_name"] == "Marie K."
    act_as(north)
    assert comment(client, post["id"])["author_name"] == "Jos from the north"
    assert [p["author_name"] for p in feed(client, nbh=clervaux["north"]).json_body["posts"]] == ["Marie K."]
    listed = client.get(f"/api/v1/posts/{post['id']}/comments").json_body["comments"]
    assert [c["author_name"] for c in listed] == ["Jos from the north"]
    # A new name shows on what is written next; what was written keeps the name it was written with
    act_as(owner)
    assert client.patch("/api/v1/me", headers=JSON, body=body({"display_name": "Marie"})).status_code == 200
    later = written(client, DISCUSSION, nbh=clervaux["south"])
    shown = {p["id"]: p["author_name"] for p in feed(client, nbh=clervaux["south"]).json_body["posts"]}
    assert shown == {later["id"]: "Marie", post["id"]: "Marie K."}
    assert client.get(f"/api/v1/posts/{post['id']}").json_body["author_name"] == "Marie K."


def test_anonymised_content_loses_its_authors_name(client, act_as):
    from chalicelib.comments.service import erase_comments
    from chalicelib.posts.service import erase_posts

    named(ANNA, "Anna")
    act_as(ANNA)
    post = written(client, DISCUSSION)
    comment(client, post["id"])
    erase_posts(ANNA.user_id, "anonymise")
    erase_comments(ANNA.user_id, "anonymise")
    act_as(BEN)
    assert client.get(f"/api/v1/posts/{post['id']}").json_body["author_name"] is None
    assert feed(client).json_body["posts"][0]["author_name"] is None
    assert client.get(f"/api/v1/posts/{post['id']}/comments").json_body["comments"][0]["author_name"] is None


# --- 4. professionals ------------------------------------------------------------------------------

def test_professionals_list_contacts_and_the_recommendations_not_hidden_without_a_read_each(client, act_as):
    carla = resident("U-carla")
    named(ANNA, "Anna", "7000-1")
    named(BEN, "Ben", "7000-1")
    named(carla, "Carla", "7000-9")
    ids = []
    for who, text in ((ANNA, "Quick and fair"), (BEN, "Came on a Sunday"), (carla, "Spam " * 60)):
        act_as(who)
        ids.append(written(client, {**PLUMBER, "text": text, "email": "jos@weber.lu"})["id"])
    act_as(ANNA)
    ids.append(written(client, {**PLUMBER, "trade": "electrician", "name": "Lisa", "phone": None,
                                "website": "https://lisa.lu"})["id"])
    moderate_post(AMBASSADOR, ids[2], ModerationRequest(action="hide", reason="spam"))
    # The professionals indexed next to the recommendations stay out of the feed of recommendations
    by_kind = client.get(f"/api/v1/neighbourhoods/{N1}/posts?kind=recommendation").json_body["posts"]
    assert sorted(p["id"] for p in by_kind) == sorted(ids)
    with count_dynamodb_calls() as calls:
        response = client.get(f"/api/v1/neighbourhoods/{N1}/professionals")
    assert response.status_code == 200 and dict(calls) == {"Query": 1}, dict(calls)  # with the posts' feed entries
    plumber, electrician = response.json_body["professionals"]
    assert (plumber["name"], plumber["households"], plumber["phone"], plumber["email"], plumber["website"]) == (
        "Jos Weber", 2, "+352 621 123 456", "jos@weber.lu", None)
    assert [(r["post_id"], r["text"], r["author_name"]) for r in plumber["recommendations"]] == [
        (ids[1], "Came on a Sunday", "Ben"), (ids[0], "Quick and fair", "Anna")]
    assert (electrician["website"], electrician["phone"]) == ("https://lisa.lu/", None)
    # A deleted recommendation leaves the list
    act_as(BEN)
    assert client.delete(f"/api/v1/posts/{ids[1]}").status_code == 204
    plumber = client.get(f"/api/v1/neighbourhoods/{N1}/professionals?trade=plumber").json_body["professionals"][0]
    assert [r["post_id"] for r in plumber["recommendations"]] == [ids[0]]
    # Professionals indexed before #16 are read apart, with the same answer, until the upgrade step indexes them
    for professional in ProfessionalItem.query(ProfessionalItem.partition(N1)):
        professional.update(actions=[ProfessionalItem.gsi1pk.remove(), ProfessionalItem.gsi1sk.remove()])
    with count_dynamodb_calls() as calls:
        apart = client.get(f"/api/v1/neighbourhoods/{N1}/professionals").json_body
    assert dict(calls) == {"Query": 2, "BatchGetItem": 1}, dict(calls)
    assert index_professionals() >= 2
    with count_dynamodb_calls() as calls:
        assert client.get(f"/api/v1/neighbourhoods/{N1}/professionals").json_body == apart
    assert dict(calls) == {"Query": 1}, dict(calls)


@pytest.mark.parametrize("text", ["x" * 5000])
def test_a_recommendations_text_is_cut_to_200_characters(client, act_as, text):
    named(ANNA, "Anna", "7000-1")
    act_as(ANNA)
    written(client, {**PLUMBER, "text": text})
    plumber = client.get(f"/api/v1/neighbourhoods/{N1}/professionals").json_body["professionals"][0]
    assert plumber["recommendations"][0]["text"] == "x" * 200
