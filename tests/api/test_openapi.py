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


def test_two_models_of_one_name_are_refused_rather_than_merged():
    import pytest
    from pydantic import BaseModel

    from chalicelib.web.api import RouteDoc
    from chalicelib.web.openapi import build_openapi

    def model(field: str) -> type[BaseModel]:
        return type("ReportRequest", (BaseModel,), {"__annotations__": {field: str}})

    docs = [RouteDoc(path=f"/api/v1/{n}", method="POST", name=n, summary=n, action=n, body=model(n)) for n in ("a", "b")]
    with pytest.raises(ValueError, match="ReportRequest"):
        build_openapi(docs)
