"""The OpenAPI 3.1 document, generated from the route table and its pydantic models."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from chalicelib import __version__
from chalicelib.web.api import ErrorResponse, RouteDoc

REF = "#/components/schemas/{model}"
STATUS_TEXT = {
    200: "OK", 201: "Created", 202: "Accepted", 204: "No content", 400: "Invalid input", 401: "Not signed in",
    403: "Forbidden", 404: "Not found", 409: "Conflict", 413: "Too large", 415: "Unsupported media type",
    429: "Too many requests", 503: "Unavailable",
}


def build_openapi(docs: list[RouteDoc]) -> dict[str, Any]:
    models: set[type[BaseModel]] = {ErrorResponse}
    for doc in docs:
        models.update(m for m in (doc.body, doc.response) if m is not None)
        models.update(model for _, model in doc.other_responses)
    ordered = sorted(models, key=lambda m: m.__name__)
    names = [m.__name__ for m in ordered]
    if clashes := sorted({name for name in names if names.count(name) > 1}):
        # Schemas are referenced by class name: two models of one name would silently become one.
        raise ValueError(f"two API models share a name: {', '.join(clashes)}")
    refs, schema = models_json_schema([(m, "serialization") for m in ordered], ref_template=REF)
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
        for name, info in doc.query.model_fields.items():
            parameters.append(
                {"name": name, "in": "query", "required": info.is_required(), "schema": _field_schema(doc.query, name)}
            )
    if parameters:
        operation["parameters"] = parameters
    if doc.body:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": REF.format(model=doc.body.__name__)}}},
        }
    errors = set(doc.errors)
    if doc.body or doc.query or doc.path_model:
        errors.add(400)
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
    if model is None or name not in model.model_fields:
        return {"type": "string"}
    schema = model.model_json_schema(ref_template=REF)["properties"][name]
    schema.pop("title", None)
    return schema


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.title() for part in rest)
