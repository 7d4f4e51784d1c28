"""The shared request-parsing path: bad input answers 400 naming the problem, never 500."""

import re
from dataclasses import replace

import pytest

from chalicelib.policy import PublisherLink
from tests.helpers import EVERYTHING, JSON, STAFF, body, error_of


PATH_VALUES = {"user_id": "01ARZ3NDEKTSV4RRFFQ69G5FAV", "post_id": "01ARZ3NDEKTSV4RRFFQ69G5FAV"}
PATH_VALUES.update(dict.fromkeys(("item_id", "loan_id", "wanted_id"), "01ARZ3NDEKTSV4RRFFQ69G5FAV"))  # lending
PATH_VALUES["comment_id"] = "01ARZ3NDEKTSV4RRFFQ69G5FAV"  # comments
PATH_VALUES["message_id"] = "01ARZ3NDEKTSV4RRFFQ69G5FAV"  # messages
PATH_VALUES["conversation_id"] = "0123456789abcdef0123456789abcdef"  # messages
PATH_VALUES["photo_id"] = "01ARZ3NDEKTSV4RRFFQ69G5FAV"  # photos
PATH_VALUES.update(dict.fromkeys(("consultation_id", "document_id"), "01ARZ3NDEKTSV4RRFFQ69G5FAV"))  # consultations
PATH_VALUES.update(target_type="post", target_id="01ARZ3NDEKTSV4RRFFQ69G5FAV")  # moderation (the reports queue)
PATH_VALUES.update(dict.fromkeys(("publisher_id", "link_id", "announcement_id", "attachment_id"),
                                 "01ARZ3NDEKTSV4RRFFQ69G5FAV"))  # the commune's channel
PATH_VALUES.update(event_id="01ARZ3NDEKTSV4RRFFQ69G5FAV", occurrence_id="20270328T170000Z",
                   feed_id="01ARZ3NDEKTSV4RRFFQ69G5FAV", token="a" * 43)  # events
PATH_VALUES.update(edition_id="01ARZ3NDEKTSV4RRFFQ69G5FAV", proposal_id="01ARZ3NDEKTSV4RRFFQ69G5FAV")  # budget
PATH_VALUES.update(call_id="01ARZ3NDEKTSV4RRFFQ69G5FAV", shift_id="01", pair_id="01ARZ3NDEKTSV4RRFFQ69G5FAV")  # volunteering


def _with_body(api_docs):
    for doc in api_docs:
        if doc.body is not None:
            # a well-formed value per path parameter, so only the body is wrong
            yield doc.method, re.sub(r"{(\w+)}", lambda m: PATH_VALUES.get(m.group(1), "0501"), doc.path)


def test_every_route_with_a_body_answers_malformed_json_with_400(client, api_docs, act_as):
    # Everything, and a verified resident of the neighbourhood the paths name ("0501" below).
    # (also holding a publisher link, for the publishing routes; no real request carries both)
    act_as(replace(EVERYTHING, neighbourhood_id="0501", residence_status="verified", ambassador_of=frozenset({"0501"}),
                   publisher_link=PublisherLink(lau2="0501", publisher_id="P1", link_id="L1")))
    routes = list(_with_body(api_docs))
    assert routes, "expected at least one route taking a JSON body"
    for method, path in routes:
        response = client.request(method, path, headers=JSON, body=b'{"name": "Clervaux",')

        assert response.status_code == 400, (method, path, response.body)
        error = error_of(response)
        assert error["code"] == "invalid_input"
        assert "not valid JSON" in error["message"]
        assert error["fields"] == {"body": "malformed JSON"}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "name"),
        ({"name": 5}, "name"),
        ({"name": "Clervaux", "languages": "fr"}, "languages"),
        ({"name": "Clervaux", "languages": ["fr", "xx"]}, "languages.1"),
        ({"name": "Clervaux", "time_zone": "Mars/Olympus"}, "time_zone"),
        ({"name": "Clervaux", "mayor": "someone"}, "mayor"),
    ],
)
def test_wrong_or_missing_field_answers_400_naming_it(client, act_as, payload, field):
    act_as(STAFF)

    response = client.put("/api/v1/communes/0501", headers=JSON, body=body(payload))

    assert response.status_code == 400
    assert field in error_of(response)["fields"]


@pytest.mark.parametrize(
    ("raw", "status", "field_message"),
    [
        (b"", 400, "missing"),
        (b"   ", 400, "missing"),
        (b'["Clervaux"]', 400, "not an object"),
        (b'"Clervaux"', 400, "not an object"),
        (b"\xff\xfe{}", 400, "malformed JSON"),
        (b'{"name": "' + b"x" * 70_000 + b'"}', 413, "too large"),
    ],
)
def test_unusable_bodies_are_refused_with_a_json_error(client, act_as, raw, status, field_message):
    act_as(STAFF)

    response = client.put("/api/v1/communes/0501", headers=JSON, body=raw)

    assert response.status_code == status
    assert error_of(response)["fields"] == {"body": field_message}


@pytest.mark.parametrize("content_type", ["text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded"])
def test_a_body_that_is_not_json_by_type_is_refused(client, act_as, content_type):
    act_as(STAFF)  # text/plain: what an HTML form of another site can send (enctype="text/plain")

    response = client.put("/api/v1/communes/0501", headers={"Content-Type": content_type},
                          body=body({"name": "Clervaux"}))

    assert response.status_code == 415
    assert error_of(response)["fields"] == {"body": "not JSON"}


def test_bad_path_parameter_answers_400_naming_it(client):
    response = client.get("/api/v1/communes/05O1")

    assert response.status_code == 400
    assert "lau2" in error_of(response)["fields"]


def test_nothing_is_written_when_the_body_is_refused(client, act_as):
    act_as(STAFF)
    client.put("/api/v1/communes/0501", headers=JSON, body=body({"name": "Clervaux"}))

    client.put("/api/v1/communes/0501", headers=JSON, body=body({"name": "", "languages": []}))

    assert client.get("/api/v1/communes/0501").json_body["name"] == "Clervaux"


def test_a_bug_answers_a_json_500_not_a_stack_trace(client, monkeypatch):
    def broken():
        raise RuntimeError("bug")

    monkeypatch.setattr("chalicelib.communes.service.list_communes", broken)

    response = client.get("/api/v1/communes")

    assert response.status_code == 500
    assert error_of(response)["code"] == "internal"
    assert b"RuntimeError" not in response.body
