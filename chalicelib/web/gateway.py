"""API Gateway's own answers, in the API's error shape.

API Gateway answers some requests before the Lambda runs: no such route (on a REST API a wrong method too),
an unsupported media type, throttling, a body too large, its own 4XX/5XX. infra/template.py gives each a
GatewayResponse with the body {"error": {"code", "message", "fields": {}}}; `chalice local` answers the same
requests with its own bodies, which ops/origin.py rewrites with `in_error_shape`, keeping the status.
"""

from __future__ import annotations

import json

# API Gateway's response type → our error code (https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html).
GATEWAY_RESPONSES = {
    "MISSING_AUTHENTICATION_TOKEN": "no_such_route",
    "RESOURCE_NOT_FOUND": "no_such_route",
    "UNSUPPORTED_MEDIA_TYPE": "unsupported_media_type",
    "REQUEST_TOO_LARGE": "too_large",
    "THROTTLED": "rate_limited",
    "QUOTA_EXCEEDED": "rate_limited",
    "BAD_REQUEST_BODY": "invalid_input",
    "BAD_REQUEST_PARAMETERS": "invalid_input",
    "INTEGRATION_TIMEOUT": "unavailable",
    "DEFAULT_4XX": "bad_request",
    "DEFAULT_5XX": "internal",
}

# What `chalice local` answers in place of API Gateway, by status: our code and message.
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
