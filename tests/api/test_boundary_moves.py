"""Changing boundaries after residents joined moves them to their new neighbourhood and records it."""

from chalicelib.accounts.models import UserItem
from chalicelib.accounts.moves import moves_of
from chalicelib.accounts.verification import verify_resident
from chalicelib.neighbourhoods import service as neighbourhoods
from chalicelib.neighbourhoods.models import DrawnNeighbourhoods, HouseholdItem, NeighbourhoodItem, move_household
from tests.api.test_letters import pending_resident
from tests.api.test_residence import publish_clervaux
from tests.api.test_sign_in import session_headers, sign_in
from tests.helpers import body
from tests.indicators.test_counting import this_week


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


def redraw_marnachs_west_into_hupperdange():
    """Hupperdange takes Marnach's western cell (Haaptstrooss 12); Marnach keeps the rest."""
    north_and_west = [[[5.9, 50.0], [6.0615, 50.0], [6.0615, 50.07], [6.2, 50.07], [6.2, 50.2], [5.9, 50.2], [5.9, 50.0]]]
    east = [[[6.0615, 50.0], [6.2, 50.0], [6.2, 50.07], [6.0615, 50.07], [6.0615, 50.0]]]
    drawn = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": name}, "geometry": {"type": "Polygon", "coordinates": shape}}
        for name, shape in (("Hupperdange", north_and_west), ("Marnach", east))]}
    neighbourhoods.publish("0501", neighbourhoods.import_drawn("0501", DrawnNeighbourhoods.model_validate(drawn)).version)


def households_of(nbh_id):
    return NeighbourhoodItem.get(*NeighbourhoodItem.key("0501", nbh_id), consistent_read=True).household_count or 0


def test_a_household_of_two_verified_residents_moves_once_with_its_address_and_again_changes_nothing():
    # Given two verified residents of Haaptstrooss 12, Marnach, and one of Hupperdange: one household each
    publish_clervaux()
    anna, ben = (pending_resident(f"{name}@example.lu", "3765-12") for name in ("anna", "ben"))
    carla = pending_resident("carla@example.lu", "7984-20")
    for resident in (anna, ben, carla):
        verify_resident(resident, "staff", "U-clerk")
    marnach, hupperdange = anna.neighbourhood_id, carla.neighbourhood_id
    assert (households_of(marnach), households_of(hupperdange)) == (1, 1)
    assert this_week("households_gained", marnach) == 1
    # When Hupperdange takes in Marnach's western cell, Haaptstrooss 12 with it
    redraw_marnachs_west_into_hupperdange()
    # Then both residents moved, and their household once: Marnach -1, Hupperdange +1, each week counted once
    assert {UserItem.get(*UserItem.key(r.user_id)).neighbourhood_id for r in (anna, ben)} == {hupperdange}
    assert (households_of(marnach), households_of(hupperdange)) == (0, 2)
    assert (this_week("households_lost", marnach), this_week("households_gained", hupperdange)) == (1, 2)
    assert HouseholdItem.get(*HouseholdItem.key("3765-12")).neighbourhood_id == hupperdange
    # And publishing the same boundaries again, or moving their household again, changes nothing
    neighbourhoods.publish("0501", neighbourhoods.get_draft("0501").version)
    assert move_household("0501", "3765-12", marnach, hupperdange) is False
    assert (households_of(marnach), households_of(hupperdange)) == (0, 2)
    assert (this_week("households_lost", marnach), this_week("households_gained", hupperdange)) == (1, 2)
    assert this_week("households_gained", marnach) == 1
