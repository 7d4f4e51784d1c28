"""Changing boundaries after residents joined moves them to their new neighbourhood and records it."""

from chalicelib.accounts.models import UserItem
from chalicelib.accounts.moves import moves_of
from chalicelib.neighbourhoods import service as neighbourhoods
from chalicelib.neighbourhoods.models import DrawnNeighbourhoods
from tests.api.test_residence import publish_clervaux
from tests.api.test_sign_in import session_headers, sign_in
from tests.helpers import body


def test_a_resident_follows_their_address_into_its_new_neighbourhood(client, outbox):
    # Given a resident of Marnach (Clervaux published as Hupperdange and Marnach)
    publish_clervaux()
    headers = session_headers(sign_in(client, outbox))
    before = client.put("/api/v1/me/residence", headers=headers, body=body({"address_id": "3765-12"})).json_body
    assert before["residence"]["neighbourhood"]["name"] == "Marnach"
    old_id = before["residence"]["neighbourhood"]["id"]
    # When the commune draws one neighbourhood around both villages (it continues Hupperdange's) and publishes it
    whole_north = [[[5.9, 50.0], [6.2, 50.0], [6.2, 50.2], [5.9, 50.2], [5.9, 50.0]]]
    drawn = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Clervaux-Nord"}, "geometry": {"type": "Polygon", "coordinates": whole_north}}]}
    draft = neighbourhoods.import_drawn("0501", DrawnNeighbourhoods.model_validate(drawn))
    neighbourhoods.publish("0501", draft.version)
    # Then the resident is in the neighbourhood their address now belongs to, and the move is recorded
    after = client.get("/api/v1/me", headers=headers).json_body["residence"]
    user = UserItem.get(*UserItem.key(before["id"]))
    assert user.neighbourhood_id == after["neighbourhood"]["id"]
    assert after["status"] == "pending"
    assert after["neighbourhood"]["id"] != old_id
    (move,) = moves_of(before["id"])
    assert (move.old_neighbourhood_id, move.new_neighbourhood_id) == (old_id, user.neighbourhood_id)
    assert user.gsi1pk == f"NBH#{user.neighbourhood_id}#RESIDENTS"


def test_publishing_the_same_boundaries_moves_nobody(client, outbox):
    publish_clervaux()
    headers = session_headers(sign_in(client, outbox))
    me = client.put("/api/v1/me/residence", headers=headers, body=body({"address_id": "7984-20"})).json_body

    neighbourhoods.publish("0501", neighbourhoods.get_draft("0501").version)

    assert moves_of(me["id"]) == []
