import json

from openapi_spec_validator import validate


def test_openapi_document_is_valid_openapi_3_1(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    document = json.loads(response.body)
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_every_route_of_the_app_is_in_the_document(client, app):
    document = json.loads(client.get("/api/v1/openapi.json").body)

    for path, methods in app.routes.items():
        for method in methods:
            assert method.lower() in document["paths"].get(path, {}), f"{method} {path} missing from OpenAPI"


def test_operations_have_unique_ids_and_documented_answers(client):
    document = json.loads(client.get("/api/v1/openapi.json").body)
    operations = [op for item in document["paths"].values() for op in item.values()]

    ids = [op["operationId"] for op in operations]
    assert len(ids) == len(set(ids))
    for op in operations:
        assert op["summary"]
        assert any(status.startswith("2") for status in op["responses"])
        if "requestBody" in op:
            assert "400" in op["responses"], op["operationId"]
