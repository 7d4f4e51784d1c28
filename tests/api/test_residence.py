"""Claiming an address: pending in its neighbourhood until verified."""

from chalicelib.addresses.service import import_addresses
from chalicelib.neighbourhoods import service as neighbourhoods
from tests.addresses.factories import sample_bytes
from tests.api.test_sign_in import session_headers, sign_in
from tests.helpers import body, error_of


def publish_clervaux():
    import_addresses(sample_bytes(), create_communes=True)
    draft = neighbourhoods.propose("0501", 300)
    neighbourhoods.publish("0501", draft.version)


def test_claiming_an_address_makes_the_resident_pending_in_its_neighbourhood(client, outbox):
    publish_clervaux()
    headers = session_headers(sign_in(client, outbox))

    response = client.put("/api/v1/me/residence", headers=headers, body=body({"address_id": "7984-20"}))

    assert response.status_code == 200
    residence = response.json_body["residence"]
    assert residence["status"] == "pending" and residence["method"] is None
    assert residence["address"]["label"] == "Kaesfurterstrooss 20, 9755 Hupperdange"
    assert residence["neighbourhood"]["name"] == "Hupperdange"
    assert client.get("/api/v1/me", headers=headers).json_body["residence"] == residence


def test_an_address_outside_any_published_neighbourhood_is_a_conflict(client, outbox):
    import_addresses(sample_bytes(), create_communes=True)  # nothing published
    headers = session_headers(sign_in(client, outbox))

    response = client.put("/api/v1/me/residence", headers=headers, body=body({"address_id": "7984-20"}))

    assert response.status_code == 409
    assert error_of(response)["fields"] == {"address_id": "no neighbourhood yet"}


def test_an_unknown_address_is_404_naming_it(client, outbox):
    headers = session_headers(sign_in(client, outbox))

    response = client.put("/api/v1/me/residence", headers=headers, body=body({"address_id": "0-0"}))

    assert response.status_code == 404 and "address_id" in error_of(response)["fields"]


def test_claiming_needs_a_session(client):
    response = client.put("/api/v1/me/residence", headers={"Content-Type": "application/json"},
                          body=body({"address_id": "7984-20"}))

    assert response.status_code == 401
