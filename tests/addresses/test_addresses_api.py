"""The address routes: public autocomplete (rate-limited), staff imports through S3 uploads."""

import base64
import json
import urllib.request
from datetime import datetime, timezone

import pytest

import app as app_module
from chalicelib import ratelimit
from chalicelib.adapters.aws import client as aws_client
from chalicelib.addresses.models import MAX_UPLOAD_BYTES
from chalicelib.addresses.service import get_address, import_addresses
from chalicelib.config import get_settings
from chalicelib.store.calls import count_dynamodb_calls
from ops.local_events import LocalEvents, object_created_event
from tests.addresses.factories import quirks_bytes, sample_bytes, without_lines
from tests.helpers import JSON, STAFF, body, error_of


@pytest.fixture
def register_loaded():
    eglise = [line for line in quirks_bytes().decode().splitlines(keepends=True) if "9999001" in line]
    import_addresses(sample_bytes() + "".join(eglise).encode(), create_communes=True)


def search(client, lau2, q):
    return client.get(f"/api/v1/communes/{lau2}/addresses?q={urllib.request.quote(q)}")


@pytest.mark.parametrize("typed, expected", [
    ("rue de l eglise 3", "Rue de l'Église 3, 6183 Gonderange"),
    ("RUE DE L'ÉGLISE 3", "Rue de l'Église 3, 6183 Gonderange"),
    ("3, rue de l'église", "Rue de l'Église 3, 6183 Gonderange"),
    ("eglise 5", "Rue de l'Église 5, 6183 Gonderange"),
    ("kaesfurter 20", "Kaesfurterstrooss 20, 9755 Hupperdange"),
])
def test_autocomplete_finds_street_and_number_in_at_most_two_reads(client, register_loaded, typed, expected):
    lau2 = "1105" if "glise" in typed.lower() else "0501"

    with count_dynamodb_calls() as calls:
        response = search(client, lau2, typed)

    assert response.status_code == 200
    assert response.json_body["addresses"][0]["label"] == expected
    assert calls["Query"] + calls["GetItem"] <= 2  # the lookups
    assert sum(calls.values()) <= 3  # + the rate-limit counter (one atomic ADD, a batch of searches at a time)


def test_suggestions_carry_the_agreed_fields_and_at_most_ten(client, register_loaded):
    addresses = search(client, "1105", "rue rham").json_body["addresses"]

    assert len(addresses) == 10
    assert set(addresses[0]) == {"id", "label", "street", "number", "postcode", "locality", "neighbourhood"}
    assert addresses[0]["neighbourhood"] is None
    assert [a["number"] for a in addresses] == sorted((a["number"] for a in addresses), key=int)


def test_same_street_name_in_two_localities_lists_both(client, register_loaded):
    localities = {a["locality"] for a in search(client, "1105", "rue du village").json_body["addresses"]}

    assert localities == {"Godbrange", "Gonderange"}


def test_nothing_found_is_an_empty_list_and_an_unknown_commune_404(client, register_loaded):
    assert search(client, "0501", "nowhere street 3").json_body == {"addresses": []}
    response = search(client, "9999", "rue 3")
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"


@pytest.mark.parametrize("url, field", [
    ("/api/v1/communes/0501/addresses", "q"),
    ("/api/v1/communes/0501/addresses?q=", "q"),
    (f"/api/v1/communes/0501/addresses?q={'a' * 101}", "q"),
    ("/api/v1/communes/501/addresses?q=a", "lau2"),
])
def test_bad_search_input_answers_400_naming_the_field(client, url, field):
    response = client.get(url)

    assert response.status_code == 400 and field in error_of(response)["fields"]


def test_too_many_searches_from_one_client_answer_429_with_retry_after(client, register_loaded, monkeypatch):
    monkeypatch.setattr(app_module, "ADDRESS_SEARCHES_PER_MINUTE", 3)
    # One fixed instant 15 s into a window, so that the window cannot roll over mid-test.
    instant = datetime(2026, 11, 26, 9, 30, 15, tzinfo=timezone.utc)
    monkeypatch.setattr(ratelimit, "now", lambda: instant)

    answers = [search(client, "0501", "kaesfurter").status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]
    limited = search(client, "0501", "kaesfurter")
    assert int(limited.headers["Retry-After"]) == 45
    assert error_of(limited)["code"] == "rate_limited"


def test_searches_are_counted_a_batch_at_a_time_and_the_limit_still_holds(client, register_loaded, monkeypatch):
    # Given the usual 60 a minute (batches of 6), at one fixed instant
    instant = datetime(2026, 11, 26, 10, 30, 15, tzinfo=timezone.utc)
    monkeypatch.setattr(ratelimit, "now", lambda: instant)
    monkeypatch.setattr(ratelimit, "_pending", {})

    # When one client searches 12 times, then up to the limit and once more
    with count_dynamodb_calls() as calls:
        first = [search(client, "0501", "kaesfurter").status_code for _ in range(12)]
    rest = [search(client, "0501", "kaesfurter").status_code for _ in range(app_module.ADDRESS_SEARCHES_PER_MINUTE - 11)]

    # Then the counter was written twice for the first 12, and the 61st is refused all the same
    assert first == [200] * 12 and calls["UpdateItem"] == 2
    assert rest == [200] * (app_module.ADDRESS_SEARCHES_PER_MINUTE - 12) + [429]


def set_up_clervaux(client):
    client.put("/api/v1/communes/0501", headers=JSON, body=body({"name": "Clervaux"}))


def start(client, size=2000):
    return client.post("/api/v1/communes/0501/address-imports", headers=JSON,
                       body=body({"filename": "adresses.csv", "size": size}))


def test_staff_gets_a_presigned_post_limited_in_size_and_key(client, act_as):
    act_as(STAFF)
    set_up_clervaux(client)

    response = start(client)

    assert response.status_code == 201
    started = response.json_body
    fields = started["upload"]["fields"]
    assert fields["key"] == f"incoming/addresses/0501/{started['import_id']}.csv"
    assert started["max_bytes"] == MAX_UPLOAD_BYTES == 64 * 1024 * 1024
    policy = json.loads(base64.b64decode(fields["policy"]))
    assert ["content-length-range", 1, MAX_UPLOAD_BYTES] in policy["conditions"]
    assert {"key": fields["key"]} in policy["conditions"]
    assert {"bucket": get_settings().uploads_bucket} in policy["conditions"]
    assert "expiration" in policy


@pytest.mark.parametrize("payload, status, field", [
    ({"filename": "a.csv", "size": MAX_UPLOAD_BYTES + 1}, 413, "size"),
    ({"filename": "a.csv", "size": 0}, 400, "size"),
    ({"filename": "a.csv"}, 400, "size"),
    ({"filename": "", "size": 10}, 400, "filename"),
    ({"filename": "a.csv", "size": "big"}, 400, "size"),
])
def test_bad_import_requests_answer_json_naming_the_field(client, act_as, payload, status, field):
    act_as(STAFF)
    set_up_clervaux(client)

    response = client.post("/api/v1/communes/0501/address-imports", headers=JSON, body=body(payload))

    assert response.status_code == status and field in error_of(response)["fields"]


def test_import_routes_answer_404_for_unknowns(client, act_as):
    act_as(STAFF)
    assert start(client).status_code == 404  # no such commune yet
    set_up_clervaux(client)
    assert client.get("/api/v1/communes/0501/address-imports/20260101000000abcdef01").status_code == 404
    assert client.get("/api/v1/communes/0501/address-imports/nope").status_code == 400
    assert client.get("/api/v1/communes/9999/address-imports").status_code == 404


def upload(started, data: bytes):
    """What the browser does; moto does not enforce the policy, so the handler must check."""
    aws_client("s3").put_object(Bucket=get_settings().uploads_bucket, Key=started["upload"]["fields"]["key"], Body=data)


def test_uploaded_register_is_imported_by_the_object_created_handler(client, act_as, app):
    # Given staff started an import and uploaded the real sample
    act_as(STAFF)
    set_up_clervaux(client)
    started = start(client).json_body
    status_url = f"/api/v1/communes/0501/address-imports/{started['import_id']}"
    assert client.get(status_url).json_body["status"] == "waiting"
    upload(started, sample_bytes())

    # When the local stand-in for EventBridge sees the new object
    handled = LocalEvents(app).poll_once()

    # Then the same handler as in AWS imported Clervaux's rows and the status shows the report
    assert handled == 1
    report = client.get(status_url).json_body
    assert report["status"] == "done" and report["added"] == 27 and report["refused"] == [] and report["error"] is None
    assert report["rows_total"] == report["rows_done"] == 27
    assert client.get("/api/v1/communes/0501/address-imports").json_body["imports"][0]["import_id"] == started["import_id"]
    assert search(client, "0501", "kaesfurter 20").json_body["addresses"][0]["id"] == "7984-20"
    assert LocalEvents(app).poll_once() == 0  # the upload is consumed


def test_the_same_event_twice_imports_once(client, act_as, app):
    act_as(STAFF)
    set_up_clervaux(client)
    started = start(client).json_body
    upload(started, sample_bytes())
    event = object_created_event(get_settings().uploads_bucket, started["upload"]["fields"]["key"], 1)

    app_module.address_upload(event, None)
    upload(started, sample_bytes())
    app_module.address_upload(event, None)

    assert client.get(f"/api/v1/communes/0501/address-imports/{started['import_id']}").json_body["added"] == 27


@pytest.mark.parametrize("data, error", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not UTF-8"),
    (b"name,street\nA,B\n", "not the address register"),
])
def test_an_upload_that_is_not_the_register_fails_with_a_reason(client, act_as, app, data, error):
    act_as(STAFF)
    set_up_clervaux(client)
    started = start(client).json_body
    upload(started, data)

    LocalEvents(app).poll_once()

    report = client.get(f"/api/v1/communes/0501/address-imports/{started['import_id']}").json_body
    assert report["status"] == "failed" and error in report["error"]


def test_an_upload_over_the_limit_fails_whatever_moto_accepted(client, act_as, app, monkeypatch):
    from chalicelib.addresses import imports

    act_as(STAFF)
    set_up_clervaux(client)
    started = start(client).json_body
    monkeypatch.setattr(imports, "MAX_UPLOAD_BYTES", 1000)
    upload(started, sample_bytes())

    LocalEvents(app).poll_once()

    report = client.get(f"/api/v1/communes/0501/address-imports/{started['import_id']}").json_body
    assert report["status"] == "failed" and "at most 1000" in report["error"] and report["added"] == 0


def upload_and_import(client, events, data: bytes) -> tuple[dict, str]:
    started = start(client).json_body
    upload(started, data)
    events.poll_once()
    return started, f"/api/v1/communes/0501/address-imports/{started['import_id']}"


def test_an_upload_retiring_more_than_a_tenth_waits_for_the_admins_confirmation(client, act_as, app):
    # Given Clervaux's 27 addresses, and an upload that lacks 3 of them
    act_as(STAFF)
    import_addresses(sample_bytes(), create_communes=True)
    shorter = without_lines(sample_bytes(), "_7973_62B", "_7984_20", "_7984_24")

    # When it is processed, nothing is written and the status asks for a confirmation
    events = LocalEvents(app)
    started, status_url = upload_and_import(client, events, shorter)
    held = client.get(status_url).json_body
    assert (held["status"], held["would_retire"], held["active_before"], held["allow_retire"]) == \
        ("needs_confirmation", 3, 27, False)
    assert get_address("7973-62B").retired is False

    # When the admin confirms, the same stored file is imported again with retiring allowed
    confirmed = client.post(f"{status_url}/confirmation")
    assert confirmed.status_code == 202 and confirmed.json_body["status"] == "waiting"
    assert events.poll_once() == 1  # the confirmation marker's event
    done = client.get(status_url).json_body
    assert (done["status"], done["retired"], done["allow_retire"], done["error"]) == ("done", 3, True, None)
    assert get_address("7973-62B").retired is True
    # The confirmation is a staff decision in the commune's audit log
    entry = client.get("/api/v1/communes/0501/audit").json_body["entries"][0]
    assert (entry["action"], entry["subject_id"], entry["reason"]) == \
        ("address_import_confirmed", started["import_id"], "retire 3 of 27 addresses")
    # The file and the marker are consumed; a second confirmation is a conflict
    assert LocalEvents(app).poll_once() == 0
    assert aws_client("s3").list_objects_v2(Bucket=get_settings().uploads_bucket,
                                            Prefix="incoming/addresses/").get("KeyCount") == 0
    again = client.post(f"{status_url}/confirmation")
    assert again.status_code == 409 and "import_id" in error_of(again)["fields"]


def test_only_an_import_waiting_for_it_can_be_confirmed(client, act_as, app):
    act_as(STAFF)
    set_up_clervaux(client)
    started = start(client).json_body

    response = client.post(f"/api/v1/communes/0501/address-imports/{started['import_id']}/confirmation")

    assert response.status_code == 409 and error_of(response)["code"] == "conflict"
    assert client.post("/api/v1/communes/0501/address-imports/20260101000000abcdef01/confirmation").status_code == 404


def test_a_cut_off_upload_fails_naming_the_line_and_retires_nothing(client, act_as, app):
    act_as(STAFF)
    import_addresses(sample_bytes(), create_communes=True)
    lines = sample_bytes().splitlines(keepends=True)
    cut = b"".join(lines[:9]) + lines[9][:20]

    _, status_url = upload_and_import(client, LocalEvents(app), cut)

    report = client.get(status_url).json_body
    assert report["status"] == "failed" and report["error"].startswith("Line 10: the file ends in the middle")
    assert report["retired"] == 0 and get_address("7973-62B").retired is False


def test_an_upload_with_refused_lines_keeps_the_addresses_it_no_longer_lists(client, act_as, app):
    act_as(STAFF)
    import_addresses(sample_bytes(), create_communes=True)
    bad = b"Heigaart;abc;Hupperdange;9755;7981;900031;50.0930;6.0589;0;0;x;Clervaux;0501\n"

    _, status_url = upload_and_import(client, LocalEvents(app), without_lines(sample_bytes(), "_7973_62B") + bad)

    report = client.get(status_url).json_body
    assert (report["status"], report["retired"], report["kept"], report["refused_count"]) == ("done", 0, 1, 1)
