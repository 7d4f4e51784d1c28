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


def _request_models(api_docs):
    return {model for doc in api_docs for model in (doc.body, doc.query, doc.path_model) if model is not None}


def _boolean(schema: dict) -> bool:
    return schema.get("type") == "boolean" or any(_boolean(option) for option in schema.get("anyOf", ()))


def test_what_the_document_calls_boolean_is_only_true_or_false(api_docs):
    # {"show_house_number": 0} was taken for false: the document says boolean, so 0 and "true" are refused
    from pydantic import ValidationError

    checked = 0
    for model in _request_models(api_docs):
        for name, schema in model.model_json_schema()["properties"].items():
            if not _boolean(schema):
                continue
            for wrong in (0, 1, "true"):
                try:
                    model.model_validate({name: wrong})
                except ValidationError as error:
                    assert any(problem["loc"][:1] == (name,) for problem in error.errors()), (model.__name__, name, wrong)
                else:
                    raise AssertionError(f"{model.__name__}.{name} took {wrong!r} for a boolean")
            checked += 1
    assert checked >= 10


def test_texts_the_api_strips_say_in_the_document_that_whitespace_alone_is_refused(client):
    import re

    from chalicelib.web.openapi import NOT_BLANK

    document = json.loads(client.get("/api/v1/openapi.json").body)
    schema = document["components"]["schemas"]["CommentRequest"]["properties"]["text"]

    assert schema["pattern"] == NOT_BLANK and schema["minLength"] == 1
    assert not re.search(schema["pattern"], " \t\n\u00a0") and re.search(schema["pattern"], " hello ")


def test_the_email_and_the_body_limit_are_in_the_document(client):
    document = json.loads(client.get("/api/v1/openapi.json").body)
    email = document["components"]["schemas"]["CodeRequest"]["properties"]["email"]
    operation = document["paths"]["/api/v1/auth/code"]["post"]

    assert email["format"] == "email" and email["maxLength"] == 254 and email["pattern"]
    assert "65536 bytes" in operation["requestBody"]["description"]
    assert {"413", "415", "429"} <= set(operation["responses"])


def test_a_zero_for_a_boolean_is_refused_naming_the_field(client, act_as):
    from tests.helpers import JSON, body, error_of
    from chalicelib.policy import Principal

    act_as(Principal(user_id="U-anna"))

    response = client.patch("/api/v1/me", headers=JSON, body=body({"show_house_number": 0}))

    assert response.status_code == 400 and "show_house_number" in error_of(response)["fields"]
