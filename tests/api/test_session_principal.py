"""A request's principal comes from one read of its session, kept in step with the account's roles and residence."""

from chalicelib.accounts import signin
from chalicelib.accounts.models import SessionItem
from chalicelib.store.calls import count_dynamodb_calls
from tests.api.test_letters import resident_headers, staff_headers
from tests.api.test_residence import publish_clervaux
from tests.api.test_sign_in import session_headers, sign_in
from tests.api.test_verifications import decide


def me(client, headers):
    return client.get("/api/v1/me", headers=headers).json_body


def feed(client, headers, neighbourhood_id):
    return client.get(f"/api/v1/neighbourhoods/{neighbourhood_id}/posts", headers=headers)


def test_a_resident_verified_by_staff_reads_the_feed_on_the_next_request_of_the_same_session(client, outbox):
    # Given Anna, pending, signed in on two devices
    publish_clervaux()
    phone = resident_headers(client, outbox, "anna@example.lu")
    laptop = session_headers(sign_in(client, outbox, "anna@example.lu"))
    anna = me(client, phone)
    neighbourhood = anna["residence"]["neighbourhood"]["id"]
    assert feed(client, phone, neighbourhood).status_code == 404

    # When a verifier approves her residence
    clerk = staff_headers(client, outbox)
    assert decide(client, clerk, anna["id"], {"decision": "approve"}).status_code == 200

    # Then both sessions read the feed without signing in again
    assert feed(client, phone, neighbourhood).status_code == 200
    assert feed(client, laptop, neighbourhood).status_code == 200


def test_a_dismissed_ambassador_loses_moderation_on_the_next_request(client, outbox):
    publish_clervaux()
    admin = staff_headers(client, outbox, email="admin@clervaux.lu", role="admin")
    anna_headers = resident_headers(client, outbox, "anna@example.lu")
    anna = me(client, anna_headers)
    neighbourhood = anna["residence"]["neighbourhood"]["id"]
    decide(client, admin, anna["id"], {"decision": "approve"})
    queue = f"/api/v1/neighbourhoods/{neighbourhood}/reports"
    assert client.get(queue, headers=anna_headers).status_code == 404

    assert client.put(f"/api/v1/communes/0501/ambassadors/{anna['id']}", headers=admin).status_code == 200
    assert client.get(queue, headers=anna_headers).status_code == 200

    assert client.delete(f"/api/v1/communes/0501/ambassadors/{anna['id']}", headers=admin).status_code == 200
    assert client.get(queue, headers=anna_headers).status_code == 404
    assert feed(client, anna_headers, neighbourhood).status_code == 200  # still a verified resident


def test_a_rejected_residence_closes_the_neighbourhood_to_the_open_session(client, outbox):
    publish_clervaux()
    clerk = staff_headers(client, outbox)
    anna_headers = resident_headers(client, outbox, "anna@example.lu")
    anna = me(client, anna_headers)

    decide(client, clerk, anna["id"], {"decision": "reject", "reason": "Not in the register"})

    session, = SessionItem.by_user.query(SessionItem.user_key(anna["id"]))
    assert session.residence_status == "none"
    assert me(client, anna_headers)["residence"]["status"] == "none"


def test_a_staff_grant_reaches_an_open_session(client, outbox):
    publish_clervaux()
    headers = session_headers(sign_in(client, outbox, "clerk@clervaux.lu"))
    pending = "/api/v1/communes/0501/verifications?status=pending"
    assert client.get(pending, headers=headers).status_code == 403

    staff_headers(client, outbox)  # grants clerk@clervaux.lu the verifier role, and signs in once more

    assert client.get(pending, headers=headers).status_code == 200


def test_the_principal_is_one_read_of_the_session(client, outbox):
    publish_clervaux()
    clerk = staff_headers(client, outbox)
    anna_headers = resident_headers(client, outbox, "anna@example.lu")
    anna = me(client, anna_headers)
    decide(client, clerk, anna["id"], {"decision": "approve"})
    # Her first request of the week counts her among the weekly active residents: one transaction, once a week.
    with count_dynamodb_calls() as first:
        assert feed(client, anna_headers, anna["residence"]["neighbourhood"]["id"]).status_code == 200
    assert first == {"GetItem": 1, "TransactWriteItems": 1, "Query": 1}, first

    with count_dynamodb_calls() as calls:
        assert feed(client, anna_headers, anna["residence"]["neighbourhood"]["id"]).status_code == 200

    assert calls == {"GetItem": 1, "Query": 1}, calls  # the session, then the feed's Query


def test_a_session_opened_before_sessions_carried_the_principal_gets_it_once(client, outbox):
    publish_clervaux()
    clerk = staff_headers(client, outbox)
    anna_headers = resident_headers(client, outbox, "anna@example.lu")
    anna = me(client, anna_headers)
    decide(client, clerk, anna["id"], {"decision": "approve"})
    session, = SessionItem.by_user.query(SessionItem.user_key(anna["id"]))
    session.update(actions=[getattr(SessionItem, name).remove() for name in (*signin.PRINCIPAL_FIELDS, "synced_at")])
    neighbourhood = anna["residence"]["neighbourhood"]["id"]

    assert feed(client, anna_headers, neighbourhood).status_code == 200  # copies the principal (and counts her active)
    session.refresh()
    assert session.residence_status == "verified" and session.neighbourhood_id == neighbourhood
    with count_dynamodb_calls() as calls:
        assert feed(client, anna_headers, neighbourhood).status_code == 200
    assert sum(calls.values()) == 2, calls


def test_a_resident_moved_by_redrawn_boundaries_reads_the_new_neighbourhood_on_the_next_request(client, outbox):
    from chalicelib.neighbourhoods import service as neighbourhoods
    from chalicelib.neighbourhoods.models import DrawnNeighbourhoods
    from tests.helpers import body

    # Given a verified resident of Marnach, signed in
    publish_clervaux()
    clerk = staff_headers(client, outbox)
    headers = session_headers(sign_in(client, outbox, "anna@example.lu"))
    anna = client.put("/api/v1/me/residence", headers=headers, body=body({"address_id": "3765-12"})).json_body
    decide(client, clerk, anna["id"], {"decision": "approve"})
    old = anna["residence"]["neighbourhood"]["id"]
    assert feed(client, headers, old).status_code == 200
    # When the commune draws one neighbourhood around both villages and publishes it
    whole_north = [[[5.9, 50.0], [6.2, 50.0], [6.2, 50.2], [5.9, 50.2], [5.9, 50.0]]]
    drawn = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Clervaux-Nord"}, "geometry": {"type": "Polygon", "coordinates": whole_north}}]}
    neighbourhoods.publish("0501", neighbourhoods.import_drawn("0501", DrawnNeighbourhoods.model_validate(drawn)).version)

    # Then the same session reads the new neighbourhood, and the old one is closed to it
    new = me(client, headers)["residence"]["neighbourhood"]["id"]
    assert new != old
    assert feed(client, headers, new).status_code == 200
    assert feed(client, headers, old).status_code == 404
