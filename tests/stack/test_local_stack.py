"""The app as a developer and a browser meet it: one origin, the site at /, the API at /api/v1."""

import json
import os
import subprocess
import urllib.error
import urllib.request

from openapi_spec_validator import validate

from ops import stack


def fetch(url, method="GET", data=None, headers=None):
    request = urllib.request.Request(url, method=method, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_health_through_the_one_origin(site_url):
    status, headers, body = fetch(f"{site_url}/api/v1/health")

    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"status": "ok", "stage": "local", "version": "0.1.0"}


def test_the_web_app_is_served_at_the_root_and_for_app_routes(site_url):
    for path in ("/", "/status", "/some/deep/link"):
        status, headers, body = fetch(f"{site_url}{path}")

        assert status == 200, path
        assert headers["Content-Type"].startswith("text/html")
        assert b'<div id="app"' in body
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


def test_a_missing_asset_is_404_not_the_app(site_url):
    status, _, _ = fetch(f"{site_url}/assets/missing-file.js")

    assert status == 404


def test_openapi_through_the_one_origin_is_valid(site_url):
    status, _, body = fetch(f"{site_url}/api/v1/openapi.json")

    assert status == 200
    validate(json.loads(body))


def test_malformed_json_through_the_origin_is_a_json_400(site_url):
    status, _, body = fetch(
        f"{site_url}/api/v1/auth/code", "POST", b'{"email": "anna@example.lu"', {"Content-Type": "application/json"}
    )

    assert status == 400
    assert json.loads(body)["error"]["fields"] == {"body": "malformed JSON"}


def test_a_form_post_gets_our_json_415(site_url):
    status, _, body = fetch(
        f"{site_url}/api/v1/auth/code", "POST", b"email=x", {"Content-Type": "application/x-www-form-urlencoded"}
    )

    assert status == 415
    assert json.loads(body)["error"]["fields"] == {"body": "not JSON"}


def test_a_third_party_form_through_the_origin_gets_403_and_the_sites_own_origin_passes(site_url):
    payload = b'{"email": "mallory@example.lu", "code": "123456"}'
    form = {"Content-Type": "text/plain", "Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}

    status, _, body = fetch(f"{site_url}/api/v1/auth/session", "POST", payload, form)
    own, _, _ = fetch(f"{site_url}/api/v1/auth/code", "POST", b'{"email": "anna@example.lu"}',
                      {"Content-Type": "application/json", "Origin": site_url, "Sec-Fetch-Site": "same-origin"})

    assert status == 403 and json.loads(body)["error"]["code"] == "forbidden"
    assert own == 202


def test_what_chalice_answers_itself_comes_in_the_api_error_shape(site_url):
    # No such route, a wrong method, a media type no route takes: the app's answers in prod (the HTTP API's
    # catch-all route, chalicelib/web/gateway.py), chalice local's here, rewritten by the origin as in prod.
    for method, path, data, headers, status in (
        ("GET", "/api/v1/no-such-route", None, {}, 404),
        ("PATCH", "/api/v1/health", b"{}", {"Content-Type": "application/json"}, 405),
        ("POST", "/api/v1/auth/code", b"\x89PNG", {"Content-Type": "image/png"}, 415),
    ):
        answer_status, answer_headers, body = fetch(f"{site_url}{path}", method, data, headers)

        assert answer_status == status, (method, path, body)
        assert answer_headers["Content-Type"] == "application/json"
        error = json.loads(body)["error"]
        assert set(error) == {"code", "message", "fields"} and error["fields"] == {}, body
        assert error["code"] in ("no_such_route", "unsupported_media_type")


def test_browser_status_map_and_join_in_chromium(site_url, stack_env):
    # The browser tests live in tests/browser (node's test runner, playwright-core, Debian chromium);
    # NOPER_BROWSER_TESTS names one file of them to run alone.
    result = subprocess.run(
        ["node", "--test", "--test-reporter=spec", os.environ.get("NOPER_BROWSER_TESTS", "tests/browser/")],
        cwd=stack.ROOT, capture_output=True, text=True, timeout=600,
        env={**os.environ, **stack_env, "NOPER_BASE_URL": site_url,
             "NOPER_LETTER_CODE_CMD": f"{stack.VENV_BIN / 'python'} tests/browser/letter_code.py"},
    )
    print(result.stdout[-6000:])

    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
