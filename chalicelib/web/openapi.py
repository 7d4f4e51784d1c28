"""The OpenAPI 3.1 document, generated from the route table and its pydantic models."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, models_json_schema

from chalicelib import __version__
from chalicelib.store.idempotency import HEADER as IDEMPOTENCY_HEADER, KEY_FORMAT
from chalicelib.web.api import MAX_JSON_BODY, ErrorResponse, RouteDoc

REF = "#/components/schemas/{model}"
# A text the API strips and then needs non-empty: the document says "not only whitespace" (Python's and
# ECMAScript's whitespace differ in U+0085 and U+001C-U+001F, which this leaves out too).
NOT_BLANK = r"[^\s\u0085\u001c-\u001f]"


class NoperJsonSchema(GenerateJsonSchema):
    """Pydantic's JSON Schema, plus what its constraints check without saying: a stripped text with a
    minimum length refuses whitespace alone."""

    def str_schema(self, schema):
        json_schema = super().str_schema(schema)
        if schema.get("strip_whitespace") and schema.get("min_length", 0) >= 1 and "pattern" not in json_schema:
            json_schema["pattern"] = NOT_BLANK
        return json_schema
STATUS_TEXT = {
    200: "OK", 201: "Created", 202: "Accepted", 204: "No content", 400: "Invalid input", 401: "Not signed in",
    403: "Forbidden", 404: "Not found", 409: "Conflict", 413: "Too large", 415: "Unsupported media type",
    429: "Too many requests", 503: "Unavailable",
}


def build_openapi(docs: list[RouteDoc]) -> dict[str, Any]:
    docs = [doc.with_models() for doc in docs]
    models: set[type[BaseModel]] = {ErrorResponse}
    for doc in docs:
        models.update(m for m in (doc.body, doc.response) if m is not None)
        models.update(model for _, model in doc.other_responses)
    ordered = sorted(models, key=lambda m: m.__name__)
    names = [m.__name__ for m in ordered]
    if clashes := sorted({name for name in names if names.count(name) > 1}):
        # Schemas are referenced by class name: two models of one name would silently become one.
        raise ValueError(f"two API models share a name: {', '.join(clashes)}")
    refs, schema = models_json_schema([(m, "serialization") for m in ordered], ref_template=REF,
                                      schema_generator=NoperJsonSchema)
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "Noper API",
            "version": __version__,
            "description": "The closed neighbourhood network of a commune. Errors are JSON: "
            '{"error": {"code", "message", "fields"}}.',
        },
        "servers": [{"url": "/"}],
        "paths": {},
        "components": {"schemas": schema.get("$defs", {})},
    }
    for doc in docs:
        document["paths"].setdefault(doc.path, {})[doc.method.lower()] = _operation(doc)
    return document


def _operation(doc: RouteDoc) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": _camel(doc.name),
        "summary": doc.summary,
        "tags": [doc.path.split("/")[3] if doc.path.count("/") >= 3 else "api"],
        "x-noper-action": doc.action,
        "responses": {str(doc.status): _response(doc.status, doc.response, doc.media_type)},
    }
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": _field_schema(doc.path_model, name)}
        for name in re.findall(r"{(\w+)}", doc.path)
    ]
    if doc.query:
        for field_name, info in doc.query.model_fields.items():
            name = info.alias or field_name  # `from` is a Python keyword: the model names it `from_`
            parameters.append(
                {"name": name, "in": "query", "required": info.is_required(), "schema": _field_schema(doc.query, name)}
            )
    if doc.idempotent:  # chalicelib/store/idempotency.py
        parameters.append({
            "name": IDEMPOTENCY_HEADER, "in": "header", "required": False,
            "description": "One key per submission, sent again on its retries: a retry answers what the first "
                           "attempt answered instead of creating twice. Kept 24 hours per person; the same key with "
                           "another request, or while the first is still running, answers 409.",
            "schema": {"type": "string", "pattern": f"^{KEY_FORMAT.pattern}$", "minLength": 16, "maxLength": 128},
        })
    if parameters:
        operation["parameters"] = parameters
    if doc.body:
        operation["requestBody"] = {
            "required": True,
            "description": f"A JSON object, sent as application/json (other types answer 415), of at most "
                           f"{MAX_JSON_BODY} bytes (larger answers 413).",
            "content": {"application/json": {"schema": {"$ref": REF.format(model=doc.body.__name__)}}},
        }
    errors = set(doc.errors)
    if doc.body or doc.query or doc.path_model or doc.idempotent:
        errors.add(400)
    if doc.idempotent:
        errors.add(409)
    if not any(status == 503 for status, _ in doc.other_responses):
        errors.add(503)  # any route, while the database is away or throttling (with Retry-After)
    errors.add(429)  # any route: API Gateway's throttling (infra/template.py), besides the app's own limits
    if doc.query and "cursor" in doc.query.model_fields:
        errors.add(404)  # a well-formed cursor this list did not give (chalicelib/store/pages.py)
    if doc.body:
        errors.update((413, 415))  # parse_json_body's limits on size and media type
    for status in sorted(errors):
        operation["responses"][str(status)] = _response(status, ErrorResponse)
    for status, model in doc.other_responses:
        operation["responses"][str(status)] = _response(status, model)
    return operation


def _response(status: int, model: type[BaseModel] | None, media_type: str = "application/json") -> dict[str, Any]:
    response: dict[str, Any] = {"description": STATUS_TEXT.get(status, str(status))}
    if model is not None:
        response["content"] = {media_type: {"schema": {"$ref": REF.format(model=model.__name__)}}}
    elif media_type != "application/json":
        response["content"] = {media_type: {"schema": {"type": "string"}}}
    return response


def _field_schema(model: type[BaseModel] | None, name: str) -> dict[str, Any]:
    if model is None:
        return {"type": "string"}
    properties = model.model_json_schema(ref_template=REF, schema_generator=NoperJsonSchema)["properties"]
    if name not in properties:
        return {"type": "string"}
    schema = properties[name]
    schema.pop("title", None)
    return schema


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.title() for part in rest)
