"""Neighbourhoods through the API, on the real table: propose, review, draw, publish, look up."""

import json

import h3
import pytest

from tests.helpers import ANONYMOUS, JSON, STAFF, body, error_of

BASE = "/api/v1/communes/0501"
HEADER = ("rue;numero;localite;code_postal;id_caclr_rue;id_caclr_bat;lat_wgs84;lon_wgs84;coord_est_luref;"
          "coord_nord_luref;id_geoportail;commune;lau2")
TOWN = (50.0547, 6.0306)  # Clervaux
VILLAGE = h3.cell_to_latlng(h3.latlng_to_cell(50.0949, 6.0629, 9))  # Hupperdange, ~5 km away: one cell


def register_csv(points, commune=("Clervaux", "0501")) -> bytes:
    """A BD-Adresses file: one row per (street, locality, lat, lon), numbered in order."""
    street_ids: dict[str, int] = {}
    lines = [HEADER]
    for number, (street, locality, lat, lon) in enumerate(points, start=1):
        street_id = street_ids.setdefault(street, 7000 + len(street_ids))
        lines.append(f"{street};{number};{locality};9700;{street_id};{200000 + number};{lat};{lon};0;0;"
                     f"G{number};{commune[0]};{commune[1]}")
    return ("\ufeff" + "\n".join(lines) + "\n").encode()


def town_points(rows: int = 12, columns: int = 5):
    """rows x columns addresses on a grid about 170 m x 110 m apart: north half on Grand-Rue."""
    return [
        ("Grand-Rue" if i >= rows // 2 else "Montée de l'Église", "Clervaux",
         TOWN[0] + i * 0.0015, TOWN[1] + j * 0.0015)
        for i in range(rows) for j in range(columns)
    ]


def village_points(count: int = 6):
    return [("Kaesfurterstrooss", "Hupperdange", VILLAGE[0] + i * 0.0001, VILLAGE[1]) for i in range(count)]


@pytest.fixture
def commune():
    """Clervaux with a town of 60 addresses and a village of 6, imported through the address register."""
    from chalicelib.addresses.service import import_addresses

    import_addresses(register_csv(town_points() + village_points()), create_communes=True)
    return "0501"


@pytest.fixture
def staff(act_as):
    act_as(STAFF)


def propose(client, households=20):
    response = client.post(f"{BASE}/neighbourhood-draft/proposal", headers=JSON, body=body({"households": households}))
    assert response.status_code == 201, response.body
    return response.json_body


def publish(client, version):
    response = client.post(f"{BASE}/neighbourhood-draft/publish", headers=JSON, body=body({"version": version}))
    assert response.status_code == 200, response.body
    return response.json_body


def cells_of(points):
    return {h3.latlng_to_cell(lat, lon, 9) for _, _, lat, lon in points}


def rectangle(south, west, north, east):
    return {"type": "Polygon", "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]]}


def feature(name, geometry):
    return {"type": "Feature", "properties": {"name": name}, "geometry": geometry}


def assert_valid_geojson(collection):
    assert collection["type"] == "FeatureCollection"
    for item in collection["features"]:
        assert item["type"] == "Feature"
        assert set(item["properties"]) == {"id", "name", "address_count"}
        geometry = item["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        assert geometry["type"] in ("Polygon", "MultiPolygon") and polygons
        for polygon in polygons:
            for ring in polygon:
                assert len(ring) >= 4 and ring[0] == ring[-1], "rings are closed"
                for lon, lat in ring:
                    assert 5.73 <= lon <= 6.53 and 49.45 <= lat <= 50.18, "positions are [lon, lat] in Luxembourg"


def test_proposal_splits_the_town_and_keeps_the_village_whole(client, staff, commune):
    draft = propose(client, households=20)

    names = {n["name"]: n for n in draft["neighbourhoods"]}
    assert draft["validation"]["valid"] is True and draft["validation"]["gaps"] == []
    assert sum(n["address_count"] for n in draft["neighbourhoods"]) == 66
    assert names["Hupperdange"]["address_count"] == 6  # the village, named after its locality
    assert len(draft["neighbourhoods"]) == 4  # round(60 / 20) in town + the village
    assert len(names) == 4  # unique names
    assert draft["version"] == 1 and draft["source"] == "proposed" and draft["published_version"] is None


def test_proposing_twice_gives_the_same_neighbourhoods(client, staff, commune):
    first, second = propose(client), propose(client)

    assert first["neighbourhoods"] == second["neighbourhoods"]
    assert second["version"] == 2


def test_published_neighbourhoods_are_listed_and_drawn_for_everyone(client, act_as, commune):
    # Given staff proposed and published
    act_as(STAFF)
    draft = propose(client)
    publication = publish(client, draft["version"])
    # When anyone looks
    act_as(ANONYMOUS)
    listed = client.get(f"{BASE}/neighbourhoods")
    drawn = client.get(f"{BASE}/neighbourhoods.geojson")
    # Then
    assert publication["neighbourhoods"] == 4 and publication["addresses_assigned"] == 66
    assert listed.status_code == 200
    assert sorted(n["id"] for n in listed.json_body["neighbourhoods"]) == sorted(n["id"] for n in draft["neighbourhoods"])
    assert set(listed.json_body["neighbourhoods"][0]) == {"id", "name", "address_count"}
    assert drawn.status_code == 200 and drawn.headers["Content-Type"] == "application/geo+json"
    collection = json.loads(drawn.body)
    assert_valid_geojson(collection)
    assert len(collection["features"]) == 4


def test_nothing_is_public_before_publishing(client, act_as, commune):
    act_as(STAFF)
    propose(client)

    assert client.get(f"{BASE}/neighbourhoods").json_body == {"neighbourhoods": []}
    assert json.loads(client.get(f"{BASE}/neighbourhoods.geojson").body)["features"] == []


def test_an_address_knows_its_neighbourhood_after_publishing(client, staff, commune):
    from chalicelib.addresses.service import get_address
    from chalicelib.neighbourhoods.service import neighbourhoods_for_cells

    draft = propose(client)
    publish(client, draft["version"])

    street, locality, lat, lon = village_points()[0]
    address = get_address("7002-61")  # the first village row: third street, line 61
    village = next(n for n in draft["neighbourhoods"] if n["name"] == "Hupperdange")
    assert address.neighbourhood is not None and address.neighbourhood.id == village["id"]
    cell = h3.latlng_to_cell(lat, lon, 9)
    assert neighbourhoods_for_cells([cell]) == {cell: (village["id"], "Hupperdange")}


def test_neighbourhoods_near_a_cell_are_found_nearest_first(client, staff, commune):
    from chalicelib.neighbourhoods.service import WITHIN_ABOUT_1_KM, neighbourhoods_near

    publish(client, propose(client)["version"])
    village_cell = h3.latlng_to_cell(*VILLAGE, 9)
    town_cell = h3.latlng_to_cell(*TOWN, 9)

    near_village = neighbourhoods_near(village_cell, k=WITHIN_ABOUT_1_KM)
    near_town = neighbourhoods_near(town_cell, k=WITHIN_ABOUT_1_KM)

    assert [n.name for n in near_village] == ["Hupperdange"] and near_village[0].distance == 0
    assert len(near_town) >= 2 and near_town[0].distance == 0
    assert [n.distance for n in near_town] == sorted(n.distance for n in near_town)
    assert "Hupperdange" not in {n.name for n in near_town}


def test_staff_renames_merges_and_splits_the_draft(client, staff, commune):
    draft = propose(client)
    town = sorted((n for n in draft["neighbourhoods"] if n["name"] != "Hupperdange"), key=lambda n: n["id"])

    renamed = client.patch(f"{BASE}/neighbourhood-draft/{town[0]['id']}", headers=JSON,
                           body=body({"name": "Uewerstad", "version": draft["version"]}))
    assert renamed.status_code == 200
    assert {n["name"] for n in renamed.json_body["neighbourhoods"]} >= {"Uewerstad"}

    adjacent = _adjacent_pair(town)
    merged = client.post(f"{BASE}/neighbourhood-draft/merge", headers=JSON,
                         body=body({"ids": [adjacent[0]["id"], adjacent[1]["id"]], "name": "Zentrum"}))
    assert merged.status_code == 200, merged.body
    after_merge = {n["name"]: n for n in merged.json_body["neighbourhoods"]}
    assert len(after_merge) == 3 and after_merge["Zentrum"]["address_count"] == (
        adjacent[0]["address_count"] + adjacent[1]["address_count"])

    split = client.post(f"{BASE}/neighbourhood-draft/{after_merge['Zentrum']['id']}/split", headers=JSON, body=body({}))
    assert split.status_code == 200, split.body
    result = split.json_body
    assert len(result["neighbourhoods"]) == 4 and result["validation"]["valid"]
    assert result["validation"]["non_contiguous"] == []
    assert result["version"] == draft["version"] + 3


def _adjacent_pair(neighbourhoods):
    from chalicelib.neighbourhoods.partition import are_adjacent
    from chalicelib.neighbourhoods.service import _load_draft

    cells = {n.id: n.cells for n in _load_draft("0501").neighbourhoods}
    for a in neighbourhoods:
        for b in neighbourhoods:
            if a["id"] < b["id"] and are_adjacent(cells[a["id"]], cells[b["id"]]):
                return a, b
    raise AssertionError("no adjacent pair in town")


def test_merging_neighbourhoods_that_do_not_touch_answers_409(client, staff, commune):
    draft = propose(client)
    village = next(n for n in draft["neighbourhoods"] if n["name"] == "Hupperdange")
    other = next(n for n in draft["neighbourhoods"] if n["name"] != "Hupperdange")

    response = client.post(f"{BASE}/neighbourhood-draft/merge", headers=JSON, body=body({"ids": [village["id"], other["id"]]}))

    assert response.status_code == 409 and error_of(response)["fields"] == {"ids": "not adjacent"}


def test_a_drawn_draft_reports_its_gap_and_overlap_and_cannot_be_published(client, staff, commune):
    # Given two polygons over the town that overlap in its middle, and none over the village
    north = rectangle(TOWN[0] + 0.0075, TOWN[1] - 0.003, TOWN[0] + 0.02, TOWN[1] + 0.009)
    south = rectangle(TOWN[0] - 0.003, TOWN[1] - 0.003, TOWN[0] + 0.011, TOWN[1] + 0.009)
    drawn = {"type": "FeatureCollection", "features": [feature("Nord", north), feature("Süd", south)]}
    # When staff upload it
    response = client.put(f"{BASE}/neighbourhood-draft", headers=JSON, body=body(drawn))
    # Then the village is a gap, the middle an overlap given to the first polygon
    assert response.status_code == 200, response.body
    validation = response.json_body["validation"]
    assert validation["valid"] is False
    assert set(validation["gaps"]) == cells_of(village_points()) and validation["gap_addresses"] == 6
    assert validation["overlaps"], "the middle rows are drawn twice"
    nord = next(n for n in response.json_body["neighbourhoods"] if n["name"] == "Nord")
    assert all(o["ids"][0] == nord["id"] for o in validation["overlaps"])
    assert sum(n["address_count"] for n in response.json_body["neighbourhoods"]) == 60
    refused = client.post(f"{BASE}/neighbourhood-draft/publish", headers=JSON,
                          body=body({"version": response.json_body["version"]}))
    assert refused.status_code == 409 and "gaps" in error_of(refused)["fields"]


def test_a_complete_drawing_publishes_and_its_geojson_draws(client, staff, commune):
    drawn = {"type": "FeatureCollection", "features": [
        feature("Clervaux", rectangle(TOWN[0] - 0.003, TOWN[1] - 0.003, TOWN[0] + 0.02, TOWN[1] + 0.009)),
        feature("Hupperdange", rectangle(VILLAGE[0] - 0.002, VILLAGE[1] - 0.003, VILLAGE[0] + 0.003, VILLAGE[1] + 0.003)),
        feature("Wald", rectangle(49.9, 6.2, 49.91, 6.21)),
    ]}

    draft = client.put(f"{BASE}/neighbourhood-draft", headers=JSON, body=body(drawn)).json_body

    assert draft["validation"]["valid"] and draft["validation"]["empty"] == ["Wald"]
    assert draft["validation"]["outside_cells"] > 0
    assert_valid_geojson(json.loads(client.get(f"{BASE}/neighbourhood-draft.geojson").body))
    assert publish(client, draft["version"])["neighbourhoods"] == 2


def test_republishing_changed_boundaries_records_each_moved_cell(client, staff, commune):
    from chalicelib.neighbourhoods.service import boundary_changes

    # Given a published proposal of one neighbourhood for the town
    first = propose(client, households=60)
    publish(client, first["version"])
    assert boundary_changes("0501") == []
    # When staff publish a finer proposal
    second = propose(client, households=20)
    publication = publish(client, second["version"])
    # Then every town cell now in another neighbourhood has a change record, the village none
    changes = boundary_changes("0501")
    town_id = next(n["id"] for n in first["neighbourhoods"] if n["name"] != "Hupperdange")
    assert publication["changed_cells"] == len(changes) > 0
    assert {c.old_id for c in changes} == {town_id}
    assert {c.new_id for c in changes} <= {n["id"] for n in second["neighbourhoods"]} - {town_id}
    assert not cells_of(village_points()) & {c.cell for c in changes}
    assert town_id in {n["id"] for n in second["neighbourhoods"]}, "the largest continuation keeps the id"
    # And publishing the same draft again changes nothing
    assert publish(client, second["version"])["changed_cells"] == 0


def test_publishing_an_outdated_version_answers_409(client, staff, commune):
    draft = propose(client)
    propose(client)

    response = client.post(f"{BASE}/neighbourhood-draft/publish", headers=JSON, body=body({"version": draft["version"]}))

    assert response.status_code == 409 and error_of(response)["fields"] == {"version": "the draft changed meanwhile"}


def test_renaming_to_a_name_in_use_answers_409(client, staff, commune):
    draft = propose(client)
    a, b = draft["neighbourhoods"][:2]

    response = client.patch(f"{BASE}/neighbourhood-draft/{a['id']}", headers=JSON, body=body({"name": b["name"].upper()}))

    assert response.status_code == 409 and error_of(response)["fields"] == {"name": "already used"}


def test_a_one_cell_neighbourhood_cannot_be_split(client, staff, commune):
    draft = propose(client)
    village = next(n for n in draft["neighbourhoods"] if n["name"] == "Hupperdange")
    assert village["cells"] == 1

    response = client.post(f"{BASE}/neighbourhood-draft/{village['id']}/split", headers=JSON, body=body({}))

    assert response.status_code == 409 and "nbh_id" in error_of(response)["fields"]


SQUARE = rectangle(50.0, 6.0, 50.01, 6.01)


@pytest.mark.parametrize(("method", "path", "payload", "status", "field"), [
    ("POST", "/neighbourhood-draft/proposal", {"households": 0}, 400, "households"),
    ("POST", "/neighbourhood-draft/proposal", {"households": "many"}, 400, "households"),
    ("POST", "/neighbourhood-draft/proposal", {"houses": 3}, 400, "houses"),
    ("PUT", "/neighbourhood-draft", {"type": "Feature"}, 400, "type"),
    ("PUT", "/neighbourhood-draft", {"type": "FeatureCollection", "features": []}, 400, "features"),
    ("PUT", "/neighbourhood-draft", {"type": "FeatureCollection", "features": [feature("", SQUARE)]}, 400,
     "features.0.properties.name"),
    ("PUT", "/neighbourhood-draft", {"type": "FeatureCollection", "features": [
        feature("A", {"type": "Polygon", "coordinates": [[[6.0, 50.0], [6.1, 50.0], [6.1, 50.1]]]})]}, 400,
     "features.0.geometry.Polygon.coordinates.0"),
    ("PUT", "/neighbourhood-draft", {"type": "FeatureCollection", "features": [
        feature("A", {"type": "Point", "coordinates": [6.0, 50.0]})]}, 400, "features.0.geometry"),
    ("PUT", "/neighbourhood-draft", {"type": "FeatureCollection", "features": [
        feature("A", rectangle(40, 0, 60, 20))]}, 400, "features.0.geometry"),
    ("PUT", "/neighbourhood-draft", {"type": "FeatureCollection", "features": [
        feature("A", rectangle(50.0, 200, 50.1, 201))]}, 400, "features.0.geometry.Polygon.coordinates.0.0"),
    ("PATCH", "/neighbourhood-draft/0501-891fa1d5aa3", {"name": " "}, 400, "name"),
    ("PATCH", "/neighbourhood-draft/NOT_AN_ID", {"name": "X"}, 400, "nbh_id"),
    ("PATCH", "/neighbourhood-draft/0501-891fa1d5aa3", {"name": "X"}, 404, "lau2"),
    ("POST", "/neighbourhood-draft/merge", {"ids": ["0501-891fa1d5aa3"]}, 400, "ids"),
    ("POST", "/neighbourhood-draft/merge", {"ids": ["0501-891fa1d5aa3", "0501-891fa1d5aa3"]}, 400, "ids"),
    ("POST", "/neighbourhood-draft/0501-891fa1d5aa3/split", {"version": "x"}, 400, "version"),
    ("POST", "/neighbourhood-draft/publish", {}, 400, "version"),
    ("POST", "/neighbourhood-draft/publish", {"version": 1}, 404, "lau2"),
    ("GET", "/neighbourhood-draft", None, 404, "lau2"),
    ("GET", "/neighbourhood-draft.geojson", None, 404, "lau2"),
])
def test_bad_input_answers_json_naming_the_field(client, staff, method, path, payload, status, field):
    response = client.request(method, BASE + path, headers=JSON, body=body(payload) if payload is not None else b"")

    assert response.status_code == status, response.body
    assert field in error_of(response)["fields"]


def test_proposing_without_addresses_answers_409(client, staff):
    response = client.post(f"{BASE}/neighbourhood-draft/proposal", headers=JSON, body=body({"households": 300}))

    assert response.status_code == 409 and error_of(response)["fields"] == {"lau2": "no addresses"}


def test_a_bad_commune_code_answers_400(client):
    response = client.get("/api/v1/communes/501/neighbourhoods")

    assert response.status_code == 400 and "lau2" in error_of(response)["fields"]


def test_unknown_draft_neighbourhood_answers_404_naming_it(client, staff, commune):
    propose(client)

    response = client.patch(f"{BASE}/neighbourhood-draft/0501-891fa1d5aa3", headers=JSON, body=body({"name": "X"}))

    assert response.status_code == 404 and error_of(response)["fields"] == {"nbh_id": "unknown neighbourhood"}


def test_a_border_cell_keeps_the_neighbourhood_of_each_commune(client, staff, commune):
    from chalicelib.addresses.service import import_addresses
    from chalicelib.neighbourhoods.service import neighbourhoods_for_cells, neighbourhoods_near

    # Given a house of the next commune in the village's cell
    lat, lon = VILLAGE
    import_addresses(register_csv([("Am Eck", "Lieler", lat + 0.0003, lon)], commune=("Weiswampach", "0512")),
                     create_communes=True)
    cell = h3.latlng_to_cell(lat, lon, 9)
    # When both communes publish
    clervaux = propose(client)
    publish(client, clervaux["version"])
    weiswampach = client.post("/api/v1/communes/0512/neighbourhood-draft/proposal", headers=JSON, body=body({}))
    client.post("/api/v1/communes/0512/neighbourhood-draft/publish", headers=JSON, body=body({"version": 1}))
    # Then the cell answers for each commune, and a re-publication of one keeps the other
    publish(client, propose(client)["version"])
    village_id = next(n["id"] for n in clervaux["neighbourhoods"] if n["name"] == "Hupperdange")
    other_id = weiswampach.json_body["neighbourhoods"][0]["id"]
    assert neighbourhoods_for_cells([cell], lau2="0512") == {cell: (other_id, "Lieler")}
    assert neighbourhoods_for_cells([cell], lau2="0501") == {cell: (village_id, "Hupperdange")}
    assert neighbourhoods_for_cells([cell]) == {cell: (village_id, "Hupperdange")}  # lowest lau2
    assert {(n.lau2, n.id) for n in neighbourhoods_near(cell, k=0)} == {("0501", village_id), ("0512", other_id)}


def test_edits_wait_while_a_publication_holds_the_draft(client, staff, commune):
    from datetime import timedelta

    from chalicelib.adapters.clock import now
    from chalicelib.neighbourhoods.models import DraftItem

    draft = propose(client)
    DraftItem(*DraftItem.key("0501")).update(actions=[DraftItem.publishing_until.set(now() + timedelta(minutes=1))])

    renamed = client.patch(f"{BASE}/neighbourhood-draft/{draft['neighbourhoods'][0]['id']}", headers=JSON,
                           body=body({"name": "Uewerstad"}))
    published = client.post(f"{BASE}/neighbourhood-draft/publish", headers=JSON, body=body({"version": draft["version"]}))

    assert renamed.status_code == 409 and published.status_code == 409
    assert error_of(renamed)["fields"] == {"version": "the draft changed meanwhile"}


def test_the_draft_and_its_cells_are_one_query_and_a_new_import_keeps_the_draft(client, staff, commune):
    from chalicelib.addresses.service import import_addresses
    from chalicelib.neighbourhoods.models import DraftItem
    from chalicelib.store.calls import count_dynamodb_calls

    drafted = propose(client)
    for path in ("neighbourhood-draft", "neighbourhood-draft.geojson"):
        with count_dynamodb_calls() as calls:
            assert client.get(f"{BASE}/{path}").status_code == 200
        assert calls == {"Query": 1}  # the draft sorts after the cell summaries of its partition
    # A new edition of the register (one village address fewer) rewrites the cells, not the draft
    import_addresses(register_csv(town_points() + village_points(5)))
    again = client.get(f"{BASE}/neighbourhood-draft").json_body
    assert again["version"] == drafted["version"]
    assert sum(n["address_count"] for n in again["neighbourhoods"]) == 65
    # A draft written before it lived there is read at its earlier key, and moved by the next proposal
    item = DraftItem.get(*DraftItem.key("0501"))
    earlier = DraftItem(*DraftItem.earlier_key("0501"), **{name: getattr(item, name) for name in DraftItem.get_attributes()
                                                          if name not in ("pk", "sk")})
    earlier.save()
    item.delete()
    assert client.get(f"{BASE}/neighbourhood-draft").json_body["version"] == drafted["version"]
    assert propose(client)["version"] == drafted["version"] + 1
    assert DraftItem.count("COMMUNE#0501", DraftItem.sk == "NBHDRAFT") == 0
