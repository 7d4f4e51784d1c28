"""A lost or found pet says where and when it was last seen: a time (default: when posted, never in the
future) and the place of the map point's cell (street, locality, neighbourhood); the alert says both."""

from datetime import datetime, timedelta, timezone

import h3
import pytest
from babel.dates import format_datetime

from chalicelib.adapters import clock
from tests.api.test_neighbourhoods import TOWN
from tests.api.test_posts import LOST_CAT, clervaux, resident, write, written  # noqa: F401  (clervaux is a fixture)
from tests.helpers import JSON, body, error_of
from tests.notifications.factories import make_resident, mails_to

AT_THE_CHURCH = {"lat": TOWN[0] + 0.0015, "lon": TOWN[1]}  # an address on Montée de l'Église


def test_the_time_given_is_kept_in_utc_and_the_place_named_from_the_register(client, act_as, clervaux):
    act_as(resident("U-owner", nbh=clervaux["south"]))
    seen = (clock.now() - timedelta(hours=3)).astimezone(timezone(timedelta(hours=1))).replace(microsecond=0)

    post = written(client, {**LOST_CAT, "last_seen": AT_THE_CHURCH, "last_seen_at": seen.isoformat()},
                   nbh=clervaux["south"])

    content = post["content"]
    assert datetime.fromisoformat(content["last_seen_at"]) == seen
    assert content["last_seen_at"].endswith("+00:00")
    assert content["last_seen_cell"] == h3.latlng_to_cell(AT_THE_CHURCH["lat"], AT_THE_CHURCH["lon"], 9)
    assert content["last_seen_place"]["street"] == "Montée de l'Église"
    assert content["last_seen_place"]["locality"] == "Clervaux"
    assert content["last_seen_place"]["neighbourhood"]  # the neighbourhood's name, as published
    again = client.get(f"/api/v1/posts/{post['id']}").json_body
    assert again["content"]["last_seen_place"] == content["last_seen_place"]


def test_without_a_time_the_pet_was_last_seen_when_posted(client, act_as, clervaux):
    act_as(resident("U-owner", nbh=clervaux["south"]))
    before = clock.now()

    post = written(client, {**LOST_CAT, "last_seen": AT_THE_CHURCH}, nbh=clervaux["south"])

    assert before - timedelta(seconds=1) <= datetime.fromisoformat(post["content"]["last_seen_at"]) <= clock.now()


@pytest.mark.parametrize("seen, why", [
    (timedelta(hours=2), "future"),
    (-timedelta(days=400), "year"),
])
def test_a_time_in_the_future_or_a_year_back_is_400_naming_the_field(client, act_as, clervaux, seen, why):
    act_as(resident("U-owner", nbh=clervaux["south"]))

    response = write(client, {**LOST_CAT, "last_seen": AT_THE_CHURCH, "last_seen_at": (clock.now() + seen).isoformat()},
                     nbh=clervaux["south"])

    assert response.status_code == 400
    fields = error_of(response)["fields"]
    assert list(fields) == ["post.lost_pet.last_seen_at"] and why in fields["post.lost_pet.last_seen_at"]


def test_a_time_without_its_offset_is_400(client, act_as, clervaux):
    act_as(resident("U-owner", nbh=clervaux["south"]))

    response = write(client, {**LOST_CAT, "last_seen": AT_THE_CHURCH, "last_seen_at": "2026-12-01T10:00:00"},
                     nbh=clervaux["south"])

    assert response.status_code == 400 and "post.lost_pet.last_seen_at" in error_of(response)["fields"]


def test_an_edit_without_a_time_keeps_the_time_given(client, act_as, clervaux):
    act_as(resident("U-owner", nbh=clervaux["south"]))
    seen = (clock.now() - timedelta(hours=5)).replace(microsecond=0)
    post = written(client, {**LOST_CAT, "last_seen": AT_THE_CHURCH, "last_seen_at": seen.isoformat()},
                   nbh=clervaux["south"])

    edited = client.patch(f"/api/v1/posts/{post['id']}", headers=JSON,
                          body=body({**LOST_CAT, "description": "Grey tabby, red collar", "last_seen": AT_THE_CHURCH}))

    assert edited.status_code == 200, edited.body
    assert datetime.fromisoformat(edited.json_body["content"]["last_seen_at"]) == seen


def test_the_alert_gives_the_last_seen_time_and_place_not_the_posting_time(client, act_as, outbox, clervaux):
    make_resident("U-owner", nbh=clervaux["south"])
    neighbour = make_resident("U-south", nbh=clervaux["south"], languages=["en"])
    act_as(resident("U-owner", nbh=clervaux["south"]))
    seen = (clock.now() - timedelta(days=1, hours=2)).replace(second=0, microsecond=0)

    post = written(client, {**LOST_CAT, "last_seen": AT_THE_CHURCH, "last_seen_at": seen.isoformat()},
                   nbh=clervaux["south"])

    [alert] = mails_to(outbox, neighbour.email)
    text = alert.get_body(("plain",)).get_content()
    assert f"Last seen: {format_datetime(seen, 'short', tzinfo=clock.LUXEMBOURG, locale='en')}" in text, text
    posted = datetime.fromisoformat(post["created_at"])
    assert format_datetime(posted, "short", tzinfo=clock.LUXEMBOURG, locale="en") not in text
    assert "Where: near Montée de l'Église, Clervaux" in text
    assert post["content"]["last_seen_place"]["neighbourhood"] in text
