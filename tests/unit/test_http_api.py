"""infra/http_api.py: the HTTP API in place of Chalice's REST API (no AWS, no packaging: Chalice's own
swagger generator stands for `chalice package`, which `make package` runs with cfn-lint and checkov)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from chalice.deploy.swagger import CFNSwaggerGenerator

from infra import http_api, template as infra_template


@pytest.fixture(scope="module")
def rest_swagger() -> dict[str, Any]:
    import app

    return CFNSwaggerGenerator().generate_swagger(app.app)


def chalice_packaged(swagger: dict[str, Any]) -> dict[str, Any]:
    """What `chalice package --merge-template` writes for the API, reduced to what the step reads and changes,
    merged with infra/template.py's part."""
    packaged = infra_template.build()
    packaged["Resources"].update({
        "RestAPI": {"Type": "AWS::Serverless::Api",
                    "Properties": {"EndpointConfiguration": "REGIONAL", "StageName": "api",
                                   "DefinitionBody": copy.deepcopy(swagger)}},
        "APIHandlerInvokePermission": {"Type": "AWS::Lambda::Permission", "Properties": {
            "FunctionName": {"Ref": "APIHandler"}, "Action": "lambda:InvokeFunction",
            "Principal": "apigateway.amazonaws.com",
            "SourceArn": {"Fn::Sub": ["arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${RestAPIId}/*",
                                      {"RestAPIId": {"Ref": "RestAPI"}}]}}},
    })
    packaged["Outputs"].update({
        "RestAPIId": {"Value": {"Ref": "RestAPI"}},
        "EndpointURL": {"Value": {"Fn::Sub": "https://${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}/api/"}},
    })
    return packaged


def test_the_packaged_template_has_no_rest_api_and_an_http_api_route_for_every_chalice_route(rest_swagger):
    finished = http_api.finish(chalice_packaged(rest_swagger))
    resources = finished["Resources"]

    assert not [name for name, r in resources.items() if r.get("Type", "").startswith(("AWS::ApiGateway::", "AWS::Serverless::Api"))]
    assert "RestAPI" not in json.dumps(finished).replace("RestAPIId", "")  # nothing refers to it any more
    api = resources["HttpApi"]
    assert api["Type"] == "AWS::ApiGatewayV2::Api" and api["Properties"]["FailOnWarnings"] is True
    body = api["Properties"]["Body"]
    assert body["openapi"].startswith("3.0")

    chalice_routes = {(method, path) for path, methods in rest_swagger["paths"].items() for method in methods
                      if method != "parameters"}
    http_routes = {(method, path) for path, methods in body["paths"].items() for method in methods}
    assert len(chalice_routes) > 100
    assert chalice_routes <= http_routes
    assert http_routes - chalice_routes == {("x-amazon-apigateway-any-method", "$default")}  # the catch-all

    # every route, the catch-all too, goes to the API function with the REST-compatible payload 1.0
    integrations = body["components"]["x-amazon-apigateway-integrations"]
    for path, methods in body["paths"].items():
        for operation in methods.values():
            ref = operation["x-amazon-apigateway-integration"]["$ref"]
            integration = integrations[ref.rsplit("/", 1)[1]]
            assert integration["payloadFormatVersion"] == "1.0", path
            assert (integration["type"], integration["httpMethod"]) == ("aws_proxy", "POST")
            assert integration["uri"] == rest_swagger["paths"]["/api/v1/health"]["get"][
                "x-amazon-apigateway-integration"]["uri"]  # the function Chalice's REST API invoked

    permission = resources["APIHandlerInvokePermission"]["Properties"]
    assert permission["SourceArn"] == {
        "Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${HttpApi}/*"}
    assert "RestAPIId" not in finished["Outputs"]
    assert finished["Outputs"]["EndpointURL"]["Value"]["Fn::Sub"].endswith("/api/")


def test_a_route_the_http_api_lacks_fails_the_build(rest_swagger):
    swagger = copy.deepcopy(rest_swagger)
    swagger["paths"]["/api/v1/new-route"] = {"get": swagger["paths"]["/api/v1/health"]["get"]}

    with pytest.raises(SystemExit, match="GET /api/v1/new-route"):
        http_api.finish(chalice_packaged(swagger))


def test_the_stage_is_cloudfronts_origin_path_and_logs_each_request(rest_swagger):
    resources = http_api.finish(chalice_packaged(rest_swagger))["Resources"]
    stage = resources["HttpApiStage"]["Properties"]
    origins = resources["SiteDistribution"]["Properties"]["DistributionConfig"]["Origins"]
    (origin,) = [o for o in origins if o["Id"] == "api"]

    assert origin["DomainName"] == {"Fn::Sub": "${HttpApi}.execute-api.${AWS::Region}.amazonaws.com"}
    assert origin["OriginPath"] == "/" + stage["StageName"] == "/api"
    assert stage["ApiId"] == {"Ref": "HttpApi"} and stage["AutoDeploy"] is True
    assert "DefaultRouteSettings" not in stage  # no throttling of its own, as the REST API had none
    access = stage["AccessLogSettings"]
    assert access["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogs", "Arn"]}
    fields = json.loads(access["Format"])
    assert {"requestId", "ip", "route", "status", "latencyMs"} <= set(fields)
    assert fields["ip"] == "$context.identity.sourceIp" and fields["route"] == "$context.routeKey"
