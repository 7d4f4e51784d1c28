"""Every route against every role. A new route fails here until its row is added below."""

import re

import pytest

from chalicelib.policy import ROLES, Role
from tests.helpers import JSON, body

A, S = Role.ANONYMOUS, Role.STAFF

# (method, path) -> the roles that may use it. Written out by hand on purpose: it is the
# reviewable statement of who may do what, checked against the policy module and the app.
EXPECTED = {
    ("GET", "/api/v1/health"): {A, S},
    ("GET", "/api/v1/openapi.json"): {A, S},
    ("GET", "/api/v1/communes"): {A, S},
    ("GET", "/api/v1/communes/{lau2}"): {A, S},
    ("PUT", "/api/v1/communes/{lau2}"): {S},
}
SAMPLE_BODIES = {("PUT", "/api/v1/communes/{lau2}"): {"name": "Clervaux"}}


def _routes(app):
    return sorted((method, path) for path, methods in app.routes.items() for method in methods)


def test_the_matrix_names_every_route_of_the_app(app):
    assert set(_routes(app)) == set(EXPECTED)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_the_matrix_allows(client, app, act_as, role):
    act_as(role)
    for method, path in _routes(app):
        url = re.sub(r"{\w+}", "0501", path)
        payload = SAMPLE_BODIES.get((method, path))
        response = client.request(method, url, headers=JSON, body=body(payload) if payload else b"")

        denied = response.status_code in (401, 403)
        allowed = role in EXPECTED[(method, path)]
        assert denied != allowed, f"{role} {method} {path}: {response.status_code} {response.body[:200]}"
        if denied:
            assert response.status_code == (401 if role == A else 403)


def test_the_local_stage_acts_as_staff_and_no_other_stage_does(monkeypatch):
    from chalicelib import policy
    from chalicelib.config import Settings

    monkeypatch.setattr(policy, "get_settings", lambda: Settings(stage="local"))
    assert policy.principal_for(None) == policy.LOCAL_STAFF
    for stage in ("test", "prod"):
        monkeypatch.setattr(policy, "get_settings", lambda stage=stage: Settings(stage=stage))
        assert policy.principal_for(None) == policy.ANONYMOUS
