"""Every route goes through `Api.route`: one request-parsing path and one error mapping.

A view receives validated pydantic models (path, query, body) and returns a response model, a
`Reply`, or raises a `NoperError`. Malformed JSON, a wrong type or a missing field answers 400
with a JSON error naming the field; nothing reaches the view unvalidated. Permission is asked of
the policy module before anything else is read.
"""

from __future__ import annotations

import functools
import hmac
import inspect
import json
import re
from dataclasses import dataclass, field, replace
from typing import Any, Callable

from chalice import Chalice, Response
from pydantic import BaseModel, ValidationError

from chalicelib import policy
from chalicelib.accounts.principals import principal_from_session
from chalicelib.config import ORIGIN_SECRET_HEADER, get_settings, origin_secrets
from chalicelib.adapters.aws import unavailable
from chalicelib.errors import (
    Forbidden, Internal, InvalidInput, NoperError, ServiceUnavailable, TooLarge, UnsupportedMediaType,
)
from chalicelib.later import now
from chalicelib.models import Model
from chalicelib.observability import logger
from chalicelib.publishers.links import principal_from_link
from chalicelib.store import idempotency
from chalicelib.web.gateway import no_such_route

MAX_JSON_BODY = 64 * 1024
# Only application/json: the types an HTML form can send (text/plain among them) reach no JSON route, so
# a third-party page's form cannot post JSON here (docs/architecture.md, Requests from elsewhere).
JSON_TYPES = ("application/json",)
OTHER_BODY_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data", "text/plain", "application/xml",
                    "text/xml")
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Where the local and test stages' site lives when NOPER_SITE_URL is not set (`make run`, the stack tests).
LOCAL_ORIGIN = re.compile(r"http://(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?")
BASE_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
IDEMPOTENCY_HEADER = idempotency.HEADER
# Seconds a client waits before asking again when the database is away or throttling (503).
RETRY_AFTER = 2


@dataclass(frozen=True)
class RouteDoc:
    """What the OpenAPI document says of one route; filled by `Api.route`."""

    path: str
    method: str
    name: str
    summary: str
    action: str
    path_model: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    errors: tuple[int, ...] = ()  # statuses answered with ErrorResponse
    other_responses: tuple[tuple[int, type[BaseModel]], ...] = ()  # e.g. 503 with its own body
    media_type: str = "application/json"
    wants: tuple[str, ...] = ()  # the view's parameters: it gets `principal`, `request` when it asks
    # False for a route whose authority is a signed token in the request, not a session (the one-click
    # unsubscribe, RFC 8058): it never reads the session, so it needs no CSRF header; its rule must be `anyone`.
    session: bool = True
    # Form bodies (RFC 8058's `List-Unsubscribe=One-Click`) the view reads itself from `request`.
    form: bool = False
    # True only for a route without the session that other sites may post to (the one-click unsubscribe:
    # a mail client may send it from a web page); every other state-changing request must come from the site.
    cross_site: bool = False
    # True for a creation: an `Idempotency-Key` header makes a retry answer what the first attempt answered
    # instead of creating twice (chalicelib/store/idempotency.py). Every new creation route sets it.
    idempotent: bool = False

    def with_models(self) -> RouteDoc:
        """This route with its models imported: app.py names them with `later` (chalicelib/later.py), so that a
        request imports only its own route's; the OpenAPI document needs them all."""
        return replace(self, path_model=now(self.path_model), query=now(self.query), body=now(self.body),
                       response=now(self.response),
                       other_responses=tuple((status, now(model)) for status, model in self.other_responses))


@dataclass
class Reply:
    """A response with a status or headers other than the route's default."""

    body: BaseModel | str | bytes | dict[str, Any] | None
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)


class ErrorDetail(Model):
    code: str
    message: str
    fields: dict[str, str] = {}


class ErrorResponse(Model):
    error: ErrorDetail


class Api:
    def __init__(self, app: Chalice):
        self.app = app
        self.docs: list[RouteDoc] = []
        # The HTTP API's catch-all route brings requests no route takes: our 404/405, not Chalice's body.
        app.register_middleware(no_such_route(app, BASE_HEADERS), "http")

    def get(self, path: str, **options: Any) -> Callable:
        return self.route(path, "GET", **options)

    def put(self, path: str, **options: Any) -> Callable:
        return self.route(path, "PUT", **options)

    def post(self, path: str, **options: Any) -> Callable:
        return self.route(path, "POST", **options)

    def patch(self, path: str, **options: Any) -> Callable:
        return self.route(path, "PATCH", **options)

    def delete(self, path: str, **options: Any) -> Callable:
        return self.route(path, "DELETE", **options)

    def route(self, path: str, method: str, *, action: str, summary: str, **options: Any) -> Callable:
        if action not in policy.RULES:
            raise ValueError(f"route {method} {path}: action {action!r} is not in the policy module")

        def register(view: Callable) -> Callable:
            wants = tuple(inspect.signature(view).parameters)
            doc = RouteDoc(path=path, method=method, name=view.__name__, summary=summary, action=action, wants=wants,
                           **options)
            if not doc.session and policy.RULES[action] is not policy.anyone:
                raise ValueError(f"route {method} {path}: a route without the session must be open to anyone")
            if doc.cross_site and doc.session:
                raise ValueError(f"route {method} {path}: only a route without the session may be posted from elsewhere")

            @functools.wraps(view)
            def handler(**path_params: str) -> Response:
                request = self.app.current_request
                try:
                    if method in STATE_CHANGING and not doc.cross_site:
                        refuse_other_sites(request)
                    principal = policy.principal_for(request) if doc.session else policy.ANONYMOUS
                    policy.authorize(doc.action, principal, path_params)
                    arguments = _arguments(doc, request, path_params)
                    if "principal" in doc.wants:
                        arguments["principal"] = principal
                    if "request" in doc.wants:
                        arguments["request"] = request
                    key = idempotency.checked_key(request.headers.get(IDEMPOTENCY_HEADER)) if doc.idempotent else None
                    if key is not None:
                        return _answer_once(doc, principal, key, path_params, arguments, lambda: view(**arguments))
                    return _render(view(**arguments), doc)
                except NoperError as error:
                    return error_response(error)
                except Exception as error:
                    if unavailable(error):  # the database is away, slow or throttling: not a bug, ask again
                        logger.warning("database unavailable", route=f"{method} {path}", error=type(error).__name__)
                        return error_response(ServiceUnavailable(
                            "The service is briefly unavailable; try again in a moment.", retry_after=RETRY_AFTER))
                    # a bug: say so in our JSON shape, log it with the request id
                    logger.exception("request failed unexpectedly", route=f"{method} {path}")
                    return error_response(Internal("Something went wrong on our side; it has been logged."))

            self.docs.append(doc)
            # Accept the other usual body types too, so that they get our JSON 415 rather than Chalice's.
            content_types = [*JSON_TYPES, *OTHER_BODY_TYPES] if doc.body or doc.form else ["application/json"]
            self.app.route(path, methods=[method], content_types=content_types)(handler)
            return view

        return register


def _answer_once(doc: RouteDoc, principal: Any, key: str, path_params: dict[str, str], arguments: dict[str, Any],
                 run: Callable[[], Any]) -> Response:
    """A creation with an Idempotency-Key: the first attempt's answer, whatever the number of retries. The
    key is the principal's own: another person's same key is another request."""
    link = principal.publisher_link
    scope = principal.user_id or (f"link-{link.link_id}" if link else "anonymous")
    body = arguments["body"].model_dump_json() if "body" in arguments else ""
    print_ = idempotency.fingerprint(doc.method, f"{doc.path} {json.dumps(path_params, sort_keys=True)}", body)

    def attempt() -> idempotency.Answer:
        try:
            response = _render(run(), doc)
        except NoperError as error:
            response = error_response(error)
        return idempotency.Answer(response.status_code, response.body)

    answer = idempotency.once(scope, key, print_, attempt)
    media_type = doc.media_type if answer.status < 400 else "application/json"
    return Response(body=answer.body, status_code=answer.status, headers={**BASE_HEADERS, "Content-Type": media_type})


def identify(request: Any) -> policy.Principal | None:
    """Who sent the request: a publisher link's bearer when it carries one (X-Publisher-Link; a refused
    link answers why), else its session's person, else nobody (the policy's anonymous)."""
    link = request.headers.get("x-publisher-link")
    if link:
        return principal_from_link(link)
    return principal_from_session(request)


policy.identify_requests_with(identify)


def client_ip(request: Any) -> str:
    """The resident's IP address, for per-client rate limits. Behind CloudFront (and ops/origin.py
    locally) the one origin passes it as CloudFront-Viewer-Address ("ip:port"), and API Gateway's
    sourceIp is the edge's. Anyone can send that header straight to API Gateway, so it is believed only
    next to the origin secret CloudFront adds; otherwise the caller's own address, API Gateway's sourceIp."""
    viewer = request.headers.get("cloudfront-viewer-address")
    if viewer and through_cloudfront(request):
        return viewer.rsplit(":", 1)[0].strip("[]")
    return (request.context.get("identity") or {}).get("sourceIp") or "unknown"


def through_cloudfront(request: Any) -> bool:
    """Whether the request carries the origin secret (constant-time compare, each accepted secret)."""
    sent = (request.headers.get(ORIGIN_SECRET_HEADER.lower()) or "").encode()
    return bool(sent) and any([hmac.compare_digest(sent, secret.encode()) for secret in origin_secrets()])


def refuse_other_sites(request: Any) -> None:
    """A state-changing request sent by another site's page answers 403: the browser says so in
    `Sec-Fetch-Site: cross-site`, or in an `Origin` that is not the site's. Requests with neither
    (curl, servers, older browsers' same-origin forms) pass: a browser sends Origin on every cross-origin POST."""
    if (request.headers.get("sec-fetch-site") or "").strip().lower() == "cross-site":
        raise Forbidden("This request comes from another site.", {"Sec-Fetch-Site": "cross-site requests are refused"})
    origin = request.headers.get("origin")
    if origin is not None and not _our_origin(origin.strip().rstrip("/").lower()):
        raise Forbidden("This request comes from another site.", {"Origin": "must be the site's own origin"})


def _our_origin(origin: str) -> bool:
    settings = get_settings()
    if settings.site_url:
        return origin == settings.site_url.rstrip("/").lower()
    if settings.stage in ("local", "test"):  # `make run` and the stack tests, on whatever port
        return LOCAL_ORIGIN.fullmatch(origin) is not None
    # prod before its SiteUrl is set (the first deploy, docs/deployment.md): Sec-Fetch-Site alone decides.
    return True


def _arguments(doc: RouteDoc, request: Any, path_params: dict[str, str]) -> dict[str, Any]:
    arguments: dict[str, Any] = {}
    if doc.path_model:
        arguments["path"] = _validate(doc.path_model, path_params, where="path")
    if doc.query:
        arguments["query"] = _validate(doc.query, dict(request.query_params or {}), where="query")
    if doc.body:
        arguments["body"] = _validate(doc.body, parse_json_body(request), where="body")
    return arguments


def parse_json_body(request: Any) -> dict[str, Any]:
    content_type = (request.headers.get("content-type") or "application/json").split(";")[0].strip().lower()
    if content_type not in JSON_TYPES:
        raise UnsupportedMediaType("Send the request body as application/json.", {"body": "not JSON"})
    raw = request.raw_body or b""
    if len(raw) > MAX_JSON_BODY:
        raise TooLarge(f"The request body is larger than {MAX_JSON_BODY} bytes.", {"body": "too large"})
    if not raw.strip():
        raise InvalidInput("The request needs a JSON body.", {"body": "missing"})
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        where = f" at line {error.lineno}, column {error.colno}" if isinstance(error, json.JSONDecodeError) else ""
        raise InvalidInput(f"The request body is not valid JSON{where}.", {"body": "malformed JSON"}) from None
    if not isinstance(data, dict):
        raise InvalidInput("The request body must be a JSON object.", {"body": "not an object"})
    return data


def _validate(model: type[BaseModel], data: dict[str, Any], where: str) -> BaseModel:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        fields = {}
        for problem in error.errors(include_url=False):
            name = ".".join(str(part) for part in problem["loc"]) or where
            fields.setdefault(name, problem["msg"])
        names = ", ".join(fields)
        raise InvalidInput(f"Invalid {where}: check {names}.", fields) from None


def _render(result: Any, doc: RouteDoc) -> Response:
    reply = result if isinstance(result, Reply) else Reply(result)
    headers = {**BASE_HEADERS, "Content-Type": doc.media_type, **reply.headers}
    body = reply.body
    if isinstance(body, BaseModel):
        body = body.model_dump_json()
    elif isinstance(body, dict):
        body = json.dumps(body, ensure_ascii=False)
    elif body is None:
        body = ""
    return Response(body=body, status_code=reply.status or doc.status, headers=headers)


def error_response(error: NoperError) -> Response:
    if error.status >= 500:
        logger.warning("request failed", code=error.code, status=error.status)
    body = ErrorResponse(error=ErrorDetail(code=error.code, message=error.message, fields=error.fields))
    headers = {**BASE_HEADERS, "Content-Type": "application/json", **error.headers}
    return Response(body=body.model_dump_json(), status_code=error.status, headers=headers)
