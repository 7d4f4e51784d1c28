"""Attachments: presigned POST conditions, the object-created handler (real type from the bytes,
metadata stripped, a preview), refusals deleted with a reason, signed links only for readers."""

import base64
import io
import json
import urllib.request

import pytest
from fpdf import FPDF
from PIL import Image

import app as app_module
from chalicelib.adapters.aws import client as aws_client
from chalicelib.announcements.attachments import upload_conditions
from chalicelib.announcements.models import MAX_ATTACHMENT_BYTES, AttachmentItem
from chalicelib.config import get_settings
from ops.local_events import LocalEvents
from tests.announcements.world import ANNA, CARLA, LAU2, N1, announcement, as_link, build_commune, link, publisher
from tests.helpers import body, error_of


@pytest.fixture(autouse=True)
def commune():
    build_commune()


@pytest.fixture
def token():
    return link(publisher())


def a_pdf() -> bytes:
    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=24)
    document.cell(text="Plan of the works")
    return bytes(document.output())


def a_jpeg_with_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (10, 120, 200)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


def start(client, token, name="plan.pdf", content_type="application/pdf", size=20_000):
    response = client.post("/api/v1/publish/attachments", headers=as_link(token),
                           body=body({"name": name, "content_type": content_type, "size": size}))
    assert response.status_code == 201, response.body
    return response.json_body


def upload_and_process(started, data):
    aws_client("s3").put_object(Bucket=get_settings().uploads_bucket, Key=started["upload"]["fields"]["key"], Body=data)
    LocalEvents(app_module.app).poll_once()


def state(client, token, attachment_id):
    return client.get(f"/api/v1/publish/attachments/{attachment_id}", headers=as_link(token)).json_body


def exists(key):
    listed = aws_client("s3").list_objects_v2(Bucket=get_settings().uploads_bucket, Prefix=key)
    return any(obj["Key"] == key for obj in listed.get("Contents", []))


def test_the_presigned_post_fixes_key_type_and_size(client, token):
    started = start(client, token, content_type="application/pdf", size=1234)

    fields = started["upload"]["fields"]
    policy = json.loads(base64.b64decode(fields["policy"]))
    assert fields["key"] == f"incoming/publishing/attachments/{LAU2}/{started['attachment_id']}"
    assert fields["Content-Type"] == "application/pdf"
    for condition in upload_conditions("application/pdf"):
        assert condition in policy["conditions"]
    assert ["content-length-range", 1, MAX_ATTACHMENT_BYTES] in policy["conditions"]
    assert {"key": fields["key"]} in policy["conditions"]
    assert {"bucket": get_settings().uploads_bucket} in policy["conditions"]
    assert started["max_bytes"] == 10 * 1024 * 1024


def test_a_file_over_the_limit_or_of_another_type_is_refused_before_upload(client, token):
    too_big = client.post("/api/v1/publish/attachments", headers=as_link(token),
                          body=body({"name": "big.pdf", "content_type": "application/pdf", "size": MAX_ATTACHMENT_BYTES + 1}))
    text = client.post("/api/v1/publish/attachments", headers=as_link(token),
                       body=body({"name": "notes.txt", "content_type": "text/plain", "size": 10}))

    assert too_big.status_code == 413
    assert text.status_code == 400 and "content_type" in error_of(text)["fields"]


def test_a_pdf_gets_a_preview_and_residents_it_targets_get_signed_links(client, act_as, token):
    started = start(client, token)
    upload_and_process(started, a_pdf())
    ready = state(client, token, started["attachment_id"])
    assert ready["status"] == "ready" and ready["kind"] == "pdf"
    item = AttachmentItem.get(*AttachmentItem.key(started["attachment_id"]))
    preview = aws_client("s3").get_object(Bucket=get_settings().uploads_bucket, Key=item.preview_key)["Body"].read()
    assert Image.open(io.BytesIO(preview)).format == "JPEG"
    assert not exists(started["upload"]["fields"]["key"])

    made = client.post("/api/v1/publish/announcements", headers=as_link(token), body=body(announcement(
        {"kind": "neighbourhoods", "neighbourhoods": [N1]}, attachments=[started["attachment_id"]])))
    assert made.status_code == 201, made.body

    act_as(ANNA)
    attachment = client.get("/api/v1/me/announcements?language=en").json_body["announcements"][0]["attachments"][0]
    assert attachment["name"] == "plan.pdf" and attachment["kind"] == "pdf"
    assert urllib.request.urlopen(attachment["url"]).read().startswith(b"%PDF-")
    assert urllib.request.urlopen(attachment["preview_url"]).read()[:2] == b"\xff\xd8"
    act_as(CARLA)
    assert client.get(f"/api/v1/announcements/{made.json_body['id']}").status_code == 404


def test_a_text_file_named_pdf_is_refused_and_deleted_with_a_reason(client, token):
    started = start(client, token, name="invoice.pdf")
    upload_and_process(started, b"just some text, not a PDF at all\n")

    refused = state(client, token, started["attachment_id"])

    assert refused["status"] == "failed" and refused["reason"] == "The file is not a PDF."
    assert not exists(started["upload"]["fields"]["key"])
    used = client.post("/api/v1/publish/announcements", headers=as_link(token),
                       body=body(announcement(attachments=[started["attachment_id"]])))
    assert used.status_code == 400 and error_of(used)["fields"] == {"attachments.0": "is failed"}


def test_an_image_is_reencoded_without_its_metadata(client, token):
    started = start(client, token, name="site.jpg", content_type="image/jpeg")
    upload_and_process(started, a_jpeg_with_exif())

    assert state(client, token, started["attachment_id"])["status"] == "ready"
    item = AttachmentItem.get(*AttachmentItem.key(started["attachment_id"]))
    stored = aws_client("s3").get_object(Bucket=get_settings().uploads_bucket, Key=item.file_key)["Body"].read()
    assert not Image.open(io.BytesIO(stored)).getexif()


def test_another_links_attachment_cannot_be_used_or_seen(client, token):
    started = start(client, token)
    upload_and_process(started, a_pdf())
    other = link(publisher(kind="partner", name="Club"))

    seen = client.get(f"/api/v1/publish/attachments/{started['attachment_id']}", headers=as_link(other))
    used = client.post("/api/v1/publish/announcements", headers=as_link(other),
                       body=body(announcement(attachments=[started["attachment_id"]])))

    assert seen.status_code == 404
    assert used.status_code == 400 and error_of(used)["fields"] == {"attachments.0": "unknown"}


def test_processing_twice_is_harmless(client, token):
    from chalicelib.announcements.attachments import process_uploaded_attachment

    started = start(client, token)
    upload_and_process(started, a_pdf())

    again = process_uploaded_attachment(get_settings().uploads_bucket, started["upload"]["fields"]["key"])

    assert again in ("gone", "already ready")
    assert state(client, token, started["attachment_id"])["status"] == "ready"
