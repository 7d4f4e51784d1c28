"""Your data and photos: the export lists one's photos with download links, the erasure deletes the
objects and the items (DynamoDB Local + moto S3), through the content-owner registry."""

import urllib.request

import pytest

from chalicelib.accounts.content_owners import content_owners
from chalicelib.photos.models import PhotoItem
from ops.local_events import LocalEvents
from chalicelib.accounts.models import UserItem
from chalicelib.adapters import clock
from tests.api.test_your_data import downloaded, prepared_export
from tests.photos.test_photos import ALICE, BOB, exists, jpeg_with_gps, put, start


def photos_of_alice_and_bob(client, act_as, app):
    """Alice: one ready photo and one never uploaded; Bob: one ready photo."""
    UserItem(*UserItem.key(ALICE.user_id), user_id=ALICE.user_id, email="alice@example.lu", created_at=clock.now()).save()
    act_as(ALICE)
    ready = start(client).json_body
    put(ready, jpeg_with_gps((800, 600)))
    waiting = start(client, purpose="item").json_body
    act_as(BOB)
    bobs = start(client).json_body
    put(bobs, jpeg_with_gps((800, 600)))
    assert LocalEvents(app).poll_once() == 2
    return ready, waiting, bobs


def stored_keys(photo_id, nbh="0501-n1"):
    return [f"photos/{nbh}/{photo_id}/display.jpg", f"photos/{nbh}/{photo_id}/thumb.jpg"]


def test_photos_are_a_content_owner_of_your_data():
    assert "photos" in [owner.name for owner in content_owners()]


def test_the_export_lists_my_photos_with_links_that_download_them(client, act_as, app):
    ready, waiting, bobs = photos_of_alice_and_bob(client, act_as, app)
    act_as(ALICE)
    exported = {photo["id"]: photo for photo in downloaded(prepared_export(client))["content"]["photos"]}
    assert set(exported) == {ready["photo_id"], waiting["photo_id"]}  # never Bob's
    mine = exported[ready["photo_id"]]
    assert (mine["status"], mine["purpose"], mine["width"], mine["height"]) == ("ready", "post", 600, 800)  # turned upright
    assert urllib.request.urlopen(mine["download_urls"]["display"]).read()[:2] == b"\xff\xd8"  # a JPEG
    assert "X-Amz-Expires=3600" in mine["download_urls"]["thumb"]
    assert exported[waiting["photo_id"]]["status"] == "waiting" and exported[waiting["photo_id"]]["download_urls"] == {}


def test_erasure_with_remove_deletes_my_photos_objects_and_items(client, act_as, app):
    ready, waiting, bobs = photos_of_alice_and_bob(client, act_as, app)
    assert all(exists(key) for key in stored_keys(ready["photo_id"]))
    act_as(ALICE)
    assert client.delete("/api/v1/me?content=remove").status_code == 204
    for key in stored_keys(ready["photo_id"]):
        assert not exists(key)
    for photo in (ready, waiting):
        with pytest.raises(PhotoItem.DoesNotExist):
            PhotoItem.get(*PhotoItem.key(photo["photo_id"]), consistent_read=True)
    # Bob's photo is untouched
    assert all(exists(key) for key in stored_keys(bobs["photo_id"]))
    assert PhotoItem.get(*PhotoItem.key(bobs["photo_id"])).status == "ready"


def test_erasure_with_anonymise_keeps_ready_photos_without_their_owner(client, act_as, app):
    ready, waiting, _ = photos_of_alice_and_bob(client, act_as, app)
    act_as(ALICE)
    assert client.delete("/api/v1/me?content=anonymise").status_code == 204
    kept = PhotoItem.get(*PhotoItem.key(ready["photo_id"]), consistent_read=True)
    assert kept.owner_id is None and kept.gsi1pk is None
    assert all(exists(key) for key in stored_keys(ready["photo_id"]))
    with pytest.raises(PhotoItem.DoesNotExist):
        PhotoItem.get(*PhotoItem.key(waiting["photo_id"]), consistent_read=True)
    assert list(PhotoItem.gsi1.query(PhotoItem.owner_key(ALICE.user_id))) == []
