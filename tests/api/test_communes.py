from tests.helpers import JSON, STAFF, body, error_of


def test_staff_sets_up_a_commune_then_changes_its_languages(client, act_as):
    act_as(STAFF)

    created = client.put("/api/v1/communes/0501", headers=JSON, body=body({"name": "Clervaux"}))
    changed = client.put("/api/v1/communes/0501", headers=JSON, body=body({"name": "Clervaux", "languages": ["lb", "de"]}))

    assert created.status_code == 201
    assert created.json_body == {
        "lau2": "0501", "name": "Clervaux", "languages": ["lb", "fr", "de", "en", "pt"], "time_zone": "Europe/Luxembourg",
        "publish_indicators": False,
    }
    assert changed.status_code == 200
    assert client.get("/api/v1/communes/0501").json_body["languages"] == ["lb", "de"]


def test_publishing_the_indicators_is_opt_in_and_kept_by_later_changes(client, act_as):
    act_as(STAFF)
    client.put("/api/v1/communes/0501", headers=JSON, body=body({"name": "Clervaux"}))
    assert client.get("/api/v1/communes/0501").json_body["publish_indicators"] is False
    client.put("/api/v1/communes/0501", headers=JSON, body=body({"name": "Clervaux", "publish_indicators": True}))
    client.put("/api/v1/communes/0501", headers=JSON, body=body({"name": "Clervaux", "languages": ["lb"]}))
    assert client.get("/api/v1/communes/0501").json_body["publish_indicators"] is True


def test_communes_are_listed_by_name_ignoring_accents(client, act_as):
    act_as(STAFF)
    for lau2, name in [("0204", "Esch-sur-Alzette"), ("0501", "Clervaux"), ("0999", "Éislek"), ("0310", "Walferdange")]:
        client.put(f"/api/v1/communes/{lau2}", headers=JSON, body=body({"name": name}))

    names = [c["name"] for c in client.get("/api/v1/communes").json_body["communes"]]

    assert names == ["Clervaux", "Éislek", "Esch-sur-Alzette", "Walferdange"]


def test_renaming_a_commune_keeps_one_entry_in_the_list(client, act_as):
    act_as(STAFF)
    client.put("/api/v1/communes/0501", headers=JSON, body=body({"name": "Clerf"}))
    client.put("/api/v1/communes/0501", headers=JSON, body=body({"name": "Clervaux"}))

    assert [c["name"] for c in client.get("/api/v1/communes").json_body["communes"]] == ["Clervaux"]


def test_unknown_commune_answers_404(client):
    response = client.get("/api/v1/communes/9999")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_anonymous_cannot_set_up_a_commune(client):
    response = client.put("/api/v1/communes/0501", headers=JSON, body=body({"name": "Clervaux"}))

    assert response.status_code == 401
    assert client.get("/api/v1/communes/0501").status_code == 404


def test_duplicate_languages_are_refused(client, act_as):
    act_as(STAFF)

    response = client.put("/api/v1/communes/0501", headers=JSON, body=body({"name": "X", "languages": ["fr", "fr"]}))

    assert response.status_code == 400
    assert "languages" in error_of(response)["fields"]
