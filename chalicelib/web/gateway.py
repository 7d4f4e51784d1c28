"""Answers to requests no route of the app takes, in the API's error shape {"error": {"code", "message", "fields"}}.

In prod an API Gateway HTTP API sends every request to the app: one route per app route, and a catch-all
`$default` route for the rest (infra/http_api.py), since an HTTP API has no gateway responses to reshape.
`no_such_route` answers those: 404 for an unknown path, 405 for a known path with another method.
`chalice local` answers unknown routes itself, with its own bodies, which ops/origin.py rewrites with
`in_error_shape` (its 403 for an unknown route, a REST API's answer, becoming the 404 of prod). What API Gateway still answers by itself (429 when the account's limit
is reached, 413, its own 5xx) carries its {"message": …} body: the web app falls back on the status.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from chalice.app import Response

# Our code and message by status: for requests no route takes (here, or `chalice local` in place of API Gateway).
LOCAL_ANSWERS = {
    403: ("no_such_route", "No such route: check the path and the method."),
    404: ("no_such_route", "No such route: check the path and the method."),
    405: ("no_such_route", "This route does not take that method."),
    413: ("too_large", "The request body is too large."),
    415: ("unsupported_media_type", "Send the request body as application/json."),
    429: ("rate_limited", "Too many requests: wait a moment."),
}


# The keys of chalice local's own error bodies (`{"message": …}`, `{"Code": …, "Message": …}`).
CHALICE_LOCAL_KEYS = {"message", "Code", "Message"}


def gateway_error(status: int) -> dict:
    """The error body API Gateway's response for `status` carries (as chalice local would answer it)."""
    code, message = LOCAL_ANSWERS.get(status, ("internal" if status >= 500 else "bad_request",
                                               "The request could not be answered."))
    return {"error": {"code": code, "message": message, "fields": {}}}


def in_error_shape(status: int, payload: bytes) -> bytes | None:
    """The body of an error answer not in our shape (chalice local's `{"message": …}` or `{"Code": …}`),
    rewritten into it; None when the body is already ours or the status is not an error."""
    if status < 400:
        return None
    try:
        data = json.loads(payload) if payload else None
    except ValueError:
        data = None
    if isinstance(data, dict) and not set(data) <= CHALICE_LOCAL_KEYS:
        return None  # the app's own answer: our error shape, or a documented body such as /health's 503
    return json.dumps(gateway_error(status)).encode()


def no_such_route(app: Any, headers: dict[str, str]) -> Callable[[Any, Callable[[Any], Response]], Response]:
    """Chalice http middleware: a request that reaches the function on no route of `app` (the HTTP API's
    catch-all: requestContext.resourcePath is not a route template, or the method is not the route's, or a
    path parameter is missing) gets our 404 or 405, never Chalice's own {"Code", "Message"} body; with
    `headers`, the API's own."""

    def answer(request: Any, get_response: Callable[[Any], Response]) -> Response:
        methods = app.routes.get(request.path) or {}  # .get: the route table is a defaultdict
        route = methods.get(request.method)
        if route is not None and all(name in (request.uri_params or {}) for name in route.view_args):
            return get_response(request)
        status = 405 if route is None and methods else 404
        allow = {"Allow": ", ".join(sorted(methods))} if status == 405 else {}
        return Response(body=json.dumps(gateway_error(status)), status_code=status,
                        headers={**headers, "Content-Type": "application/json", **allow})

    return answer
