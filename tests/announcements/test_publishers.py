"""Registering publishers (partners must be attested non-commercial), their logos, the approval setting."""

import io
import urllib.request

import pytest
from PIL import Image

import app as app_module
from chalicelib.adapters.aws import client as aws_client
from chalicelib.config import get_settings
from ops.local_events import LocalEvents
from tests.announcements.world import LAU2, build_commune
from tests.helpers import JSON, STAFF, body, error_of

PARTNER = {"kind": "partner", "name": "Jugendhaus Clervaux", "purpose": "Youth club", "contact": "info@jugendhaus.lu",
           "non_commercial": True}


@pytest.fixture(autouse=True)
def commune(act_as):
    build_commune()
    act_as(STAFF)


def test_an_admin_registers_a_partner_and_lists_it(client):
    created = client.post(f"/api/v1/communes/{LAU2}/publishers", headers=JSON, body=body(PARTNER))

    assert created.status_code == 201, created.body
    listed = client.get(f"/api/v1/communes/{LAU2}/publishers").json_body["publishers"]
    assert [(p["name"], p["kind"], p["status"], p["non_commercial"]) for p in listed] == [
        ("Jugendhaus Clervaux", "partner", "active", True)]


def test_a_partner_must_be_attested_non_commercial(client):
    response = client.post(f"/api/v1/communes/{LAU2}/publishers", headers=JSON, body=body({**PARTNER, "non_commercial": False}))

    assert response.status_code == 400
    assert error_of(response)["fields"] == {"non_commercial": "must be attested for a partner"}


def test_partner_approval_is_on_until_the_commune_turns_it_off(client):
    assert client.get(f"/api/v1/communes/{LAU2}/publishing-settings").json_body == {"partner_approval": True}

    changed = client.put(f"/api/v1/communes/{LAU2}/publishing-settings", headers=JSON, body=body({"partner_approval": False}))

    assert changed.json_body == {"partner_approval": False}
    assert client.get(f"/api/v1/communes/{LAU2}/publishing-settings").json_body == {"partner_approval": False}


def test_a_logo_is_reencoded_and_served_by_a_signed_link(client):
    publisher = client.post(f"/api/v1/communes/{LAU2}/publishers", headers=JSON, body=body(PARTNER)).json_body
    started = client.post(f"/api/v1/communes/{LAU2}/publishers/{publisher['id']}/logo", headers=JSON,
                          body=body({"content_type": "image/png", "size": 2000}))
    assert started.status_code == 201, started.body
    png = io.BytesIO()
    Image.new("RGBA", (300, 300), (200, 0, 0, 128)).save(png, format="PNG")
    aws_client("s3").put_object(Bucket=get_settings().uploads_bucket, Key=started.json_body["upload"]["fields"]["key"],
                                Body=png.getvalue())

    LocalEvents(app_module.app).poll_once()

    (listed,) = client.get(f"/api/v1/communes/{LAU2}/publishers").json_body["publishers"]
    assert Image.open(io.BytesIO(urllib.request.urlopen(listed["logo_url"]).read())).format == "JPEG"


def test_a_text_file_as_logo_is_refused_and_deleted(client):
    publisher = client.post(f"/api/v1/communes/{LAU2}/publishers", headers=JSON, body=body(PARTNER)).json_body
    started = client.post(f"/api/v1/communes/{LAU2}/publishers/{publisher['id']}/logo", headers=JSON,
                          body=body({"content_type": "image/png", "size": 20})).json_body
    key = started["upload"]["fields"]["key"]
    aws_client("s3").put_object(Bucket=get_settings().uploads_bucket, Key=key, Body=b"not an image")

    LocalEvents(app_module.app).poll_once()

    (listed,) = client.get(f"/api/v1/communes/{LAU2}/publishers").json_body["publishers"]
    assert listed["logo_url"] is None
    assert "Contents" not in aws_client("s3").list_objects_v2(Bucket=get_settings().uploads_bucket, Prefix=key)


def test_another_communes_admin_cannot_manage_this_communes_publishers(client, act_as):
    from chalicelib.policy import Principal

    act_as(Principal(user_id="U-other-admin", staff=frozenset({("0999", "admin")})))

    assert client.get(f"/api/v1/communes/{LAU2}/publishers").status_code == 403
    assert client.post(f"/api/v1/communes/{LAU2}/publisher-links", headers=JSON,
                       body=body({"publisher_id": "01ARZ3NDEKTSV4RRFFQ69G5FAV"})).status_code == 403
