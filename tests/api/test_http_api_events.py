"""The API function as the HTTP API calls it in prod: payload format 1.0 events (infra/http_api.py).

Each event is built like the 1.0 example of AWS's "Create AWS Lambda proxy integrations for HTTP APIs"
(docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html): every key of
it, the header names lowercase, `path` with the stage in front (a named stage), and requestContext.resourcePath
the route's template. The rest of the suite goes through Chalice's test client, which builds REST events.
"""

from __future__ import annotations

import base64
import json
from types import SimpleNamespace
from urllib.parse import urlencode

from chalicelib.addresses.service import import_addresses
from infra.http_api import STAGE
from tests.addresses.factories import sample_bytes
from tests.api.test_letters import pending_resident, staff_headers
from tests.api.test_residence import publish_clervaux
from tests.api.test_sign_in import code_from_outbox

VIEWER = "198.51.100.7"


def http_api_event(method: str, route: str, path: str, *, path_parameters: dict[str, str] | None = None,
                   query: dict[str, list[str]] | None = None, headers: dict[str, str] | None = None,
                   body: bytes | None = None, base64_body: bool = False) -> dict:
    """An HTTP API payload 1.0 event for `method path`, matched by the route whose template is `route`."""
    headers = {name.lower(): value for name, value in {"user-agent": "Mozilla/5.0", **(headers or {})}.items()}
    text = None if body is None else base64.b64encode(body).decode() if base64_body else body.decode()
    return {
        "version": "1.0",
        "resource": route,
        "path": f"/{STAGE}{path}",
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": {name: values[-1] for name, values in query.items()} if query else None,
        "multiValueQueryStringParameters": query or None,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "id",
            "authorizer": {"claims": None, "scopes": None},
            "domainName": "id.execute-api.eu-west-1.amazonaws.com",
            "domainPrefix": "id",
            "extendedRequestId": "request-id",
            "httpMethod": method,
            "identity": {
                "accessKey": None, "accountId": None, "caller": None, "cognitoAuthenticationProvider": None,
                "cognitoAuthenticationType": None, "cognitoIdentityId": None, "cognitoIdentityPoolId": None,
                "principalOrgId": None, "sourceIp": VIEWER, "user": None, "userAgent": headers["user-agent"],
                "userArn": None,
            },
            "path": f"/{STAGE}{path}",
            "protocol": "HTTP/1.1",
            "requestId": "id=",
            "requestTime": "06/Dec/2026:19:15:17 +0000",
            "requestTimeEpoch": 1796584517135,
            "resourceId": None,
            "resourcePath": route,
            "stage": STAGE,
        },
        "pathParameters": path_parameters,
        "stageVariables": None,
        "body": text,
        "isBase64Encoded": base64_body,
    }


def call(app, event: dict) -> dict:
    return app(event, SimpleNamespace(function_name="noper-prod-APIHandler", aws_request_id="r-1"))


def error_of(answer: dict) -> dict:
    assert answer["headers"]["Content-Type"] == "application/json", answer
    return json.loads(answer["body"])["error"]


def post_json(path: str, payload: dict, **options) -> dict:
    return http_api_event("POST", path, path, headers={"Content-Type": "application/json"},
                          body=json.dumps(payload).encode(), **options)


def test_a_get_with_path_parameters_and_a_query_string(app):
    import_addresses(sample_bytes(), create_communes=True)

    answer = call(app, http_api_event(
        "GET", "/api/v1/communes/{lau2}/addresses", "/api/v1/communes/0501/addresses",
        path_parameters={"lau2": "0501"}, query={"q": ["kaesfurter 20"]}))

    assert answer["statusCode"] == 200, answer
    assert json.loads(answer["body"])["addresses"][0]["label"] == "Kaesfurterstrooss 20, 9755 Hupperdange"
    assert not answer.get("isBase64Encoded")


def test_a_query_string_the_route_does_not_take_is_named(app):
    answer = call(app, http_api_event(
        "GET", "/api/v1/communes/{lau2}/addresses", "/api/v1/communes/0501/addresses",
        path_parameters={"lau2": "0501"}, query={"q": ["kaesfurter"], "page": ["1", "2"]}))

    assert answer["statusCode"] == 400
    assert "page" in error_of(answer)["fields"]


def test_a_post_with_a_json_body_and_the_cookies_it_sets(app, outbox):
    # Given a code asked with a JSON body (as it comes, and as the HTTP API would base64-encode it)
    asked = call(app, post_json("/api/v1/auth/code", {"email": "anna@example.lu", "language": "fr"}))
    again = call(app, post_json("/api/v1/auth/code", {"email": "anna@example.lu", "language": "fr"}, base64_body=True))
    assert (asked["statusCode"], again["statusCode"]) == (202, 202), (asked, again)

    # When the resident signs in with it
    answer = call(app, post_json("/api/v1/auth/session",
                                 {"email": "anna@example.lu", "code": code_from_outbox(outbox, "anna@example.lu")}))

    # Then both cookies are set, each its own Set-Cookie header (payload 1.0: multiValueHeaders)
    assert answer["statusCode"] == 200, answer
    cookies = answer["multiValueHeaders"]["Set-Cookie"]
    assert sorted(cookie.split("=", 1)[0] for cookie in cookies) == ["noper_csrf", "noper_session"]
    assert all("HttpOnly" in cookie for cookie in cookies if cookie.startswith("noper_session="))


def test_a_pdf_goes_back_base64_encoded_for_the_http_api_to_decode(app, client, outbox):
    # Given a resident waiting for a letter and a clerk of the commune
    publish_clervaux()
    pending_resident("anna@example.lu")
    clerk = staff_headers(client, outbox)

    # When the clerk prints the letters
    answer = call(app, http_api_event(
        "POST", "/api/v1/communes/{lau2}/letters", "/api/v1/communes/0501/letters", path_parameters={"lau2": "0501"},
        headers={**clerk, "Accept": "application/pdf"}, body=json.dumps({"pending": True}).encode()))

    # Then the PDF is in the body, base64-encoded, and the event says so
    assert answer["statusCode"] == 201, answer
    assert answer["headers"]["Content-Type"] == "application/pdf"
    assert answer["isBase64Encoded"] is True
    assert base64.b64decode(answer["body"]).startswith(b"%PDF")


def test_the_catch_all_route_gets_the_apis_404(app):
    # The $default route: whatever API Gateway names its resource, it is no route of the app
    for resource in ("$default", "/api/v1/nowhere", "/{proxy+}"):
        answer = call(app, http_api_event("GET", resource, "/api/v1/nowhere"))

        assert answer["statusCode"] == 404, (resource, answer)
        assert error_of(answer) == {"code": "no_such_route", "message": "No such route: check the path and the method.",
                                    "fields": {}}
        assert answer["headers"]["Cache-Control"] == "no-store"


def test_a_known_path_with_another_method_gets_405_naming_the_methods(app):
    answer = call(app, http_api_event("DELETE", "/api/v1/health", "/api/v1/health"))

    assert answer["statusCode"] == 405
    assert error_of(answer)["code"] == "no_such_route"
    assert answer["headers"]["Allow"] == "GET"


def test_a_route_template_asked_literally_is_no_route(app):
    # A path that is a template (no path parameters came with it): never a 500
    answer = call(app, http_api_event("GET", "/api/v1/communes/{lau2}", "/api/v1/communes/{lau2}"))

    assert answer["statusCode"] == 404
    assert error_of(answer)["code"] == "no_such_route"
