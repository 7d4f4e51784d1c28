"""The local origin rewrites chalice local's own error bodies into the API's shape, and nothing else."""

from __future__ import annotations

import json

from chalicelib.web.gateway import in_error_shape


def test_chalice_locals_bodies_are_rewritten_keeping_their_meaning() -> None:
    for status, body in ((403, b'{"message":"Missing Authentication Token"}'),
                         (405, b'{"Code":"MethodNotAllowedError","Message":"Unsupported method"}'),
                         (415, b'{"Code":"UnsupportedMediaType","Message":"x"}'), (404, b"not json")):
        shaped = json.loads(in_error_shape(status, body) or b"null")
        assert set(shaped["error"]) == {"code", "message", "fields"}


def test_the_apps_own_answers_pass_untouched() -> None:
    assert in_error_shape(400, b'{"error":{"code":"invalid_input","message":"m","fields":{}}}') is None
    assert in_error_shape(503, b'{"status":"unavailable","checks":{}}') is None  # /health's documented body
    assert in_error_shape(200, b'{"message":"fine"}') is None
