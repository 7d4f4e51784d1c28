"""Small helpers shared by the tests."""

import json

JSON = {"Content-Type": "application/json"}


def body(payload) -> bytes:
    return json.dumps(payload).encode()


def error_of(response) -> dict:
    """The error object of a JSON error answer; fails the test if the answer is not one."""
    assert response.headers["Content-Type"].startswith("application/json"), response.headers
    return json.loads(response.body)["error"]
