"""Photos: presigned upload, the object-created handler (real DynamoDB Local + moto S3), serving."""

import base64
import io
import json
import urllib.request

import pytest
from PIL import Image

import app as app_module
from chalicelib.adapters.aws import client as aws_client
from chalicelib.config import get_settings
from chalicelib.errors import Conflict, NotFound
from chalicelib.photos.models import MAX_PHOTO_BYTES, PhotoItem
from chalicelib.photos.service import check_attachable, display_key
from chalicelib.policy import Principal
from ops.local_events import LocalEvents, object_created_event
from tests.helpers import JSON, body, error_of

N1, N2 = "0501-n1", "0501-n2"  # as neighbourhood ids are written
ALICE = Principal(user_id="U-ALICE", lau2="0501", neighbourhood_id=N1, residence_status="verified")
BOB = Principal(user_id="U-BOB", lau2="0501", neighbourhood_id=N1, residence_status="verified")
OTHER = Principal(user_id="U-OTHER", lau2="0501", neighbourhood_id=N2, residence_status="verified")
PENDING = Principal(user_id="U-PENDING", lau2="0501", neighbourhood_id=N1, residence_status="pending")
GPS_IFD = 0x8825


def start(client, content_type="image/jpeg", size=50_000, purpose="post"):
    return client.post("/api/v1/uploads", headers=JSON,
                       body=body({"purpose": purpose, "content_type": content_type, "size": size}))


def put(started, data: bytes):
    """What the browser does; moto does not enforce the policy, so the handler must check."""
    aws_client("s3").put_object(Bucket=get_settings().uploads_bucket, Key=started["upload"]["fields"]["key"], Body=data)


def exists(key: str) -> bool:
    listed = aws_client("s3").list_objects_v2(Bucket=get_settings().uploads_bucket, Prefix=key)
    return any(obj["Key"] == key for obj in listed.get("Contents", []))


def jpeg_with_gps(size=(2400, 1200)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif[GPS_IFD] = {1: "N", 2: (49.0, 36.0, 0.0), 3: "E", 4: (6.0, 8.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)  # the fixture really carries GPS
    return data


def test_a_verified_resident_gets_a_presigned_post_with_the_right_conditions(client, act_as):
    act_as(ALICE)

    response = start(client, content_type="image/png", size=1234)

    assert response.status_code == 201
    started = response.json_body
    fields = started["upload"]["fields"]
    assert fields["key"] == f"incoming/photos/{N1}/{started['photo_id']}"
    assert fields["Content-Type"] == "image/png"
    assert started["max_bytes"] == MAX_PHOTO_BYTES == 10 * 1024 * 1024
    policy = json.loads(base64.b64decode(fields["policy"]))
    conditions = policy["conditions"]
    assert ["content-length-range", 1, MAX_PHOTO_BYTES] in conditions
    assert {"Content-Type": "image/png"} in conditions
    assert ["starts-with", "$key", f"incoming/photos/{N1}/"] in conditions
    assert {"key": fields["key"]} in conditions
    assert {"bucket": get_settings().uploads_bucket} in conditions
    assert "expiration" in policy
    stored = PhotoItem.get(*PhotoItem.key(started["photo_id"]))
    assert (stored.status, stored.owner_id, stored.neighbourhood_id, stored.purpose) == ("waiting", "U-ALICE", N1, "post")
    assert client.get(f"/api/v1/photos/{started['photo_id']}").json_body == {
        "status": "waiting", "display_url": None, "thumb_url": None, "reason": None}


@pytest.mark.parametrize("payload, status, field", [
    ({"purpose": "post", "content_type": "image/jpeg", "size": MAX_PHOTO_BYTES + 1}, 413, "size"),
    ({"purpose": "post", "content_type": "image/jpeg", "size": 0}, 400, "size"),
    ({"purpose": "post", "content_type": "image/gif", "size": 10}, 400, "content_type"),
    ({"purpose": "profile", "content_type": "image/jpeg", "size": 10}, 400, "purpose"),
    ({"purpose": "post", "content_type": "image/jpeg"}, 400, "size"),
    ({"purpose": "post", "content_type": "image/jpeg", "size": 10, "key": "x"}, 400, "key"),
])
def test_bad_upload_requests_answer_naming_the_field(client, act_as, payload, status, field):
    act_as(ALICE)

    response = client.post("/api/v1/uploads", headers=JSON, body=body(payload))

    assert response.status_code == status and field in error_of(response)["fields"]


@pytest.mark.parametrize("principal, status", [(Principal(), 401), (PENDING, 403), (Principal(user_id="U-NEW"), 403)])
def test_only_verified_residents_may_upload(client, act_as, principal, status):
    act_as(principal)
    assert start(client).status_code == status


def test_an_oversize_file_is_refused_and_deleted(client, act_as, app):
    act_as(ALICE)
    started = start(client).json_body
    put(started, b"\xff\xd8\xff" + b"\0" * MAX_PHOTO_BYTES)

    assert LocalEvents(app).poll_once() == 1

    assert not exists(started["upload"]["fields"]["key"])
    answer = client.get(f"/api/v1/photos/{started['photo_id']}").json_body
    assert answer["status"] == "failed" and "at most" in answer["reason"] and answer["display_url"] is None


def test_a_text_file_named_jpg_is_refused_and_deleted(client, act_as, app):
    act_as(ALICE)
    started = start(client).json_body
    put(started, b"this is not a photo.jpg\n" * 10)

    LocalEvents(app).poll_once()

    assert not exists(started["upload"]["fields"]["key"])
    answer = client.get(f"/api/v1/photos/{started['photo_id']}").json_body
    assert answer["status"] == "failed" and "not" in answer["reason"]
    assert not exists(display_key(N1, started["photo_id"], "display"))


def test_a_jpeg_with_gps_is_served_without_any_exif_upright_and_resized(client, act_as, app):
    act_as(ALICE)
    started = start(client).json_body
    put(started, jpeg_with_gps())

    assert LocalEvents(app).poll_once() == 1

    assert not exists(started["upload"]["fields"]["key"])
    answer = client.get(f"/api/v1/photos/{started['photo_id']}").json_body
    assert answer["status"] == "ready" and "X-Amz-Expires=300" in answer["display_url"]
    display = Image.open(io.BytesIO(urllib.request.urlopen(answer["display_url"]).read()))
    thumb = Image.open(io.BytesIO(urllib.request.urlopen(answer["thumb_url"]).read()))
    for image in (display, thumb):
        exif = image.getexif()
        assert image.format == "JPEG" and GPS_IFD not in exif and not exif.get_ifd(GPS_IFD) and len(exif) == 0
        assert "exif" not in image.info
    assert display.size == (800, 1600)  # 2400 x 1200 turned upright by its orientation, then at most 1600 px
    assert max(thumb.size) == 400


def test_the_same_event_twice_processes_once(client, act_as, app):
    act_as(ALICE)
    started = start(client).json_body
    key = started["upload"]["fields"]["key"]
    put(started, jpeg_with_gps((300, 200)))
    event = object_created_event(get_settings().uploads_bucket, key, 1)

    app_module.photo_upload(event, None)
    app_module.photo_upload(event, None)  # the upload is gone: nothing to do
    put(started, b"not an image")  # a second upload to the same key is not taken either
    app_module.photo_upload(event, None)

    assert client.get(f"/api/v1/photos/{started['photo_id']}").json_body["status"] == "ready"
    assert not exists(key)


def test_a_photo_is_only_for_verified_residents_of_its_neighbourhood(client, act_as, app):
    act_as(ALICE)
    started = start(client).json_body
    put(started, jpeg_with_gps((300, 200)))
    LocalEvents(app).poll_once()
    url = f"/api/v1/photos/{started['photo_id']}"

    act_as(BOB)
    assert client.get(url).json_body["status"] == "ready"
    for stranger in (OTHER, PENDING, Principal(user_id="U-NEW")):
        act_as(stranger)
        response = client.get(url)
        assert response.status_code == 404 and error_of(response)["fields"] == {"photo_id": "not found"}
    act_as(ALICE)
    assert client.get("/api/v1/photos/01ARZ3NDEKTSV4RRFFQ69G5FAV").status_code == 404
    assert client.get("/api/v1/photos/nope").status_code == 400


def test_an_upload_without_a_photo_is_deleted(app):
    key = f"incoming/photos/{N1}/01ARZ3NDEKTSV4RRFFQ69G5FAV"
    aws_client("s3").put_object(Bucket=get_settings().uploads_bucket, Key=key, Body=b"x")

    LocalEvents(app).poll_once()

    assert not exists(key)


def test_only_a_ready_photo_of_ones_own_in_the_neighbourhood_can_be_attached(client, act_as, app):
    act_as(ALICE)
    waiting = start(client).json_body["photo_id"]
    started = start(client, purpose="item").json_body
    put(started, jpeg_with_gps((300, 200)))
    LocalEvents(app).poll_once()
    ready = started["photo_id"]

    check_attachable(ALICE, ready, N1, "item")
    check_attachable(ALICE, None, N1, "item")
    for principal, photo_id, neighbourhood_id, purpose in [
        (ALICE, waiting, N1, "post"), (BOB, ready, N1, "item"), (ALICE, ready, N2, "item"),
        (ALICE, ready, N1, "post"), (ALICE, "01ARZ3NDEKTSV4RRFFQ69G5FAV", N1, "item"),
    ]:
        with pytest.raises((NotFound, Conflict)):  # unknown to this author: 404; wrong purpose or not ready: 409
            check_attachable(principal, photo_id, neighbourhood_id, purpose)


def test_an_item_takes_only_a_ready_photo_uploaded_for_items(client, act_as, app):
    act_as(ALICE)
    waiting = start(client, purpose="item").json_body["photo_id"]
    started = start(client, purpose="item").json_body
    put(started, jpeg_with_gps((300, 200)))
    LocalEvents(app).poll_once()
    item = {"name": "Drill", "category": "tools"}

    refused = client.post(f"/api/v1/neighbourhoods/{N1}/items", headers=JSON, body=body({**item, "photo_id": waiting}))
    listed = client.post(f"/api/v1/neighbourhoods/{N1}/items", headers=JSON,
                         body=body({**item, "photo_id": started["photo_id"]}))

    assert refused.status_code == 409 and "photo_id" in error_of(refused)["fields"]
    assert listed.status_code == 201 and listed.json_body["photo_id"] == started["photo_id"]
