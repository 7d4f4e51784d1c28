"""Small helpers shared by the tests."""

import json

from chalicelib.policy import ANONYMOUS, Principal

# Communes the tests use; STAFF holds every staff role in each, EVERYTHING may also operate.
TEST_COMMUNES = ("0501", "0512", "1004", "1105", "0708", "0310", "0204", "9901", "0999", "9999", "0000")
_ALL_STAFF_ROLES = frozenset((lau2, role) for lau2 in TEST_COMMUNES for role in ("admin", "editor", "verifier"))
STAFF = Principal(user_id="U-STAFF", staff=_ALL_STAFF_ROLES)
EVERYTHING = Principal(user_id="U-EVERYTHING", staff=_ALL_STAFF_ROLES, operator=True)
__all__ = ["ANONYMOUS", "STAFF", "EVERYTHING", "JSON", "body", "error_of"]

JSON = {"Content-Type": "application/json"}


def body(payload) -> bytes:
    return json.dumps(payload).encode()


def error_of(response) -> dict:
    """The error object of a JSON error answer; fails the test if the answer is not one."""
    assert response.headers["Content-Type"].startswith("application/json"), response.headers
    return json.loads(response.body)["error"]
