"""The API's front door: an API Gateway HTTP API in place of the REST API `chalice package` writes.

`python -m infra.http_api build/package/sam.json` (after `chalice package`, in `make package`).

Chalice packages a REST API (`RestAPI`, stage `api`) at $3.50 a million calls; an HTTP API costs about $1.00
and does all this app asks of API Gateway: CloudFront in front already caches, holds TLS and adds the origin
secret, and the app does its own authentication, validation, rate limits and errors (docs/deployment.md,
"HTTP API"). So the merge template (infra/template.py) declares `HttpApi` and its stage `api` from this module,
and this step, run on the packaged template, removes Chalice's REST API, which a merge template cannot remove.

- One route per Chalice route ("GET /api/v1/posts/{post_id}"), read from the app's route table, all to the
  API function through one Lambda proxy integration with payload format 1.0: API Gateway then sends the
  REST API's event (resource, path, httpMethod, headers and multiValueHeaders, query strings,
  pathParameters, requestContext with resourcePath, httpMethod, identity.sourceIp, stage; body,
  isBase64Encoded), and Chalice routes on requestContext.resourcePath, the route's template, unchanged.
- A catch-all `$default` route to the same function: an HTTP API has no gateway responses, so an unknown
  path or method reaches the app, which answers it in its own error shape (chalicelib/web/gateway.py).
- The stage `api` (CloudFront's origin path) writes the access log to `ApiAccessLogs`.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

STAGE = "api"  # CloudFront's origin path /api: /api/v1/health reaches stage api, route /api/v1/health
INTEGRATION = "api-function"
CATCH_ALL = "$default"
# The function's invoke ARN, as Chalice writes it for the REST API.
FUNCTION_URI = {"Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
                "${APIHandler.Arn}/invocations"}
# One JSON line per request (HTTP API's $context variables: docs.aws.amazon.com/apigateway/latest/developerguide/
# http-api-logging-variables.html).
ACCESS_LOG_FIELDS = {"requestId": "$context.requestId", "ip": "$context.identity.sourceIp",
                     "time": "$context.requestTime", "method": "$context.httpMethod", "route": "$context.routeKey",
                     "status": "$context.status", "bytes": "$context.responseLength",
                     "latencyMs": "$context.responseLatency", "integrationError": "$context.integration.error"}


def routes() -> list[tuple[str, str]]:
    """(method, path) of every route of the app, as Chalice routes them."""
    import app

    return sorted((method, path) for path, methods in app.app.routes.items() for method in methods)


def definition() -> dict[str, Any]:
    """The HTTP API's OpenAPI 3.0 document: every route and the catch-all, one integration."""
    use = {"responses": {"default": {"description": "The API function's answer"}},
           "x-amazon-apigateway-integration": {"$ref": f"#/components/x-amazon-apigateway-integrations/{INTEGRATION}"}}
    paths: dict[str, dict[str, Any]] = {}
    for method, path in routes():
        paths.setdefault(path, {})[method.lower()] = copy.deepcopy(use)
    paths[CATCH_ALL] = {"x-amazon-apigateway-any-method": copy.deepcopy(use)}
    return {
        "openapi": "3.0.1",
        "info": {"title": {"Ref": "AWS::StackName"}, "version": "1.0"},
        "paths": paths,
        "components": {"x-amazon-apigateway-integrations": {INTEGRATION: {
            "type": "aws_proxy", "httpMethod": "POST", "uri": FUNCTION_URI,
            "payloadFormatVersion": "1.0", "timeoutInMillis": 30000}}},
    }


def resources() -> dict[str, Any]:
    """The HTTP API and its stage, for the merge template. No route throttling of its own: as the REST API
    had none, the account's limits apply (the app rate-limits per resident and address)."""
    return {
        "HttpApi": {
            "Type": "AWS::ApiGatewayV2::Api",
            "Properties": {"Body": definition(), "FailOnWarnings": True},
        },
        "HttpApiStage": {
            "Type": "AWS::ApiGatewayV2::Stage",
            "Properties": {
                "ApiId": {"Ref": "HttpApi"},
                "StageName": STAGE,
                "AutoDeploy": True,
                "AccessLogSettings": {"DestinationArn": {"Fn::GetAtt": ["ApiAccessLogs", "Arn"]},
                                      "Format": json.dumps(ACCESS_LOG_FIELDS, separators=(",", ":"))},
            },
        },
    }


def finish(template: dict[str, Any]) -> dict[str, Any]:
    """The packaged template with Chalice's REST API replaced by the HTTP API: the REST API and its output
    removed, the function's invoke permission for the HTTP API, the endpoint output its stage's URL. Refuses
    a template whose HTTP API lacks a route of Chalice's REST API."""
    resources_ = template["Resources"]
    rest = resources_.pop("RestAPI", None)
    if rest is None or "HttpApi" not in resources_:
        raise SystemExit("infra.http_api: expected Chalice's RestAPI and the merge template's HttpApi")
    body = resources_["HttpApi"]["Properties"]["Body"]["paths"]
    missing = [f"{method.upper()} {path}" for path, methods in rest["Properties"]["DefinitionBody"]["paths"].items()
               for method in methods if method in {"get", "put", "post", "patch", "delete"}
               and method not in body.get(path, {})]
    if missing:
        raise SystemExit(f"infra.http_api: no HTTP API route for {', '.join(missing)}")
    resources_["APIHandlerInvokePermission"]["Properties"]["SourceArn"] = {
        "Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${HttpApi}/*"}
    outputs = template.setdefault("Outputs", {})
    outputs.pop("RestAPIId", None)
    outputs["HttpApiId"] = {"Value": {"Ref": "HttpApi"}}
    outputs["EndpointURL"] = {"Value": {"Fn::Sub": "https://${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/"
                                                   + STAGE + "/"}}
    if '"RestAPI"' in json.dumps(template) or "${RestAPI" in json.dumps(template):
        raise SystemExit("infra.http_api: something still refers to the REST API")
    return template


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m infra.http_api build/package/sam.json", file=sys.stderr)
        return 2
    path = Path(argv[0])
    template = finish(json.loads(path.read_text(encoding="utf-8")))
    path.write_text(json.dumps(template, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
