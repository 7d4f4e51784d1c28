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
    ("GET", "/api/v1/communes/{lau2}/addresses"): {A, S},
    ("POST", "/api/v1/communes/{lau2}/address-imports"): {S},
    ("GET", "/api/v1/communes/{lau2}/address-imports"): {S},
    ("GET", "/api/v1/communes/{lau2}/address-imports/{import_id}"): {S},
    ("GET", "/api/v1/communes/{lau2}/neighbourhoods"): {A, S},
    ("GET", "/api/v1/communes/{lau2}/neighbourhoods.geojson"): {A, S},
    ("GET", "/api/v1/communes/{lau2}/neighbourhood-draft"): {S},
    ("GET", "/api/v1/communes/{lau2}/neighbourhood-draft.geojson"): {S},
    ("PUT", "/api/v1/communes/{lau2}/neighbourhood-draft"): {S},
    ("POST", "/api/v1/communes/{lau2}/neighbourhood-draft/proposal"): {S},
    ("PATCH", "/api/v1/communes/{lau2}/neighbourhood-draft/{nbh_id}"): {S},
    ("POST", "/api/v1/communes/{lau2}/neighbourhood-draft/merge"): {S},
    ("POST", "/api/v1/communes/{lau2}/neighbourhood-draft/{nbh_id}/split"): {S},
    ("POST", "/api/v1/communes/{lau2}/neighbourhood-draft/publish"): {S},
}
SAMPLE_BODIES = {
    ("PUT", "/api/v1/communes/{lau2}"): {"name": "Clervaux"},
    ("POST", "/api/v1/communes/{lau2}/address-imports"): {"filename": "register.csv", "size": 1000},
}
_SQUARE = [[[6.0, 50.0], [6.1, 50.0], [6.1, 50.1], [6.0, 50.1], [6.0, 50.0]]]
SAMPLE_BODIES.update({
    ("PUT", "/api/v1/communes/{lau2}/neighbourhood-draft"): {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Centre"}, "geometry": {"type": "Polygon", "coordinates": _SQUARE}}]},
    ("POST", "/api/v1/communes/{lau2}/neighbourhood-draft/proposal"): {"households": 300},
    ("PATCH", "/api/v1/communes/{lau2}/neighbourhood-draft/{nbh_id}"): {"name": "Centre"},
    ("POST", "/api/v1/communes/{lau2}/neighbourhood-draft/merge"): {"ids": ["0501-891fa1d5aa3", "0501-891fa1d5ab3"]},
    ("POST", "/api/v1/communes/{lau2}/neighbourhood-draft/{nbh_id}/split"): {},
    ("POST", "/api/v1/communes/{lau2}/neighbourhood-draft/publish"): {"version": 1},
})


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
