"""Small helpers shared by the tests."""

import json

from chalicelib.policy import ANONYMOUS, EVERY_COMMUNE, LOCAL_STAFF, Principal

# Staff of every commune, with every staff role; and one who may do anything at all.
STAFF = LOCAL_STAFF
EVERYTHING = Principal(user_id="U-EVERYTHING", staff=LOCAL_STAFF.staff, operator=True)
__all__ = ["ANONYMOUS", "EVERY_COMMUNE", "STAFF", "EVERYTHING", "JSON", "body", "error_of"]

JSON = {"Content-Type": "application/json"}


def body(payload) -> bytes:
    return json.dumps(payload).encode()


def error_of(response) -> dict:
    """The error object of a JSON error answer; fails the test if the answer is not one."""
    assert response.headers["Content-Type"].startswith("application/json"), response.headers
    return json.loads(response.body)["error"]
