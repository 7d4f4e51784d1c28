"""The production CloudFormation merge template (infra/template.py): no AWS, no emulators."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chalicelib.store.table import TABLE_DEFINITION, TTL_ATTRIBUTE
from infra import template as infra_template


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = Path(tmp_path_factory.mktemp("infra")) / "infra.json"
    assert infra_template.main([str(out)]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


def test_table_is_the_one_table_definition(generated: dict[str, Any]) -> None:
    table = generated["Resources"]["NoperTable"]
    props = table["Properties"]
    assert table["Type"] == "AWS::DynamoDB::Table"
    assert props["KeySchema"] == TABLE_DEFINITION["KeySchema"]
    assert props["GlobalSecondaryIndexes"] == TABLE_DEFINITION["GlobalSecondaryIndexes"]
    assert props["AttributeDefinitions"] == TABLE_DEFINITION["AttributeDefinitions"]
    assert props["BillingMode"] == TABLE_DEFINITION["BillingMode"]
    assert props["TableName"] == infra_template.stage_environment("prod")["NOPER_TABLE"]
    assert props["TimeToLiveSpecification"] == {"AttributeName": TTL_ATTRIBUTE, "Enabled": True}
    assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"


def test_api_behaviour_is_not_cached(generated: dict[str, Any]) -> None:
    config = generated["Resources"]["SiteDistribution"]["Properties"]["DistributionConfig"]
    (api,) = [b for b in config["CacheBehaviors"] if b["PathPattern"] == "/api/*"]
    assert api["CachePolicyId"] == infra_template.CACHING_DISABLED
    policy = generated["Resources"]["ApiOriginRequestPolicy"]["Properties"]["OriginRequestPolicyConfig"]
    assert api["OriginRequestPolicyId"] == {"Ref": "ApiOriginRequestPolicy"}
    assert "Host" not in policy["HeadersConfig"]["Headers"]
    assert "CloudFront-Viewer-Address" in policy["HeadersConfig"]["Headers"]
    assert {"POST", "PUT", "PATCH", "DELETE"} <= set(api["AllowedMethods"])
    (origin,) = [o for o in config["Origins"] if o["Id"] == api["TargetOriginId"]]
    assert origin["OriginPath"] == "/api"
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    # SPA routing is a function on the site behaviour, never error pages that would swallow API 404s.
    assert "CustomErrorResponses" not in config
    assert "FunctionAssociations" not in api


def test_site_bucket_is_not_public(generated: dict[str, Any]) -> None:
    resources = generated["Resources"]
    block = resources["SiteBucket"]["Properties"]["PublicAccessBlockConfiguration"]
    assert block == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert "WebsiteConfiguration" not in resources["SiteBucket"]["Properties"]
    statements = resources["SiteBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    allows = [s for s in statements if s["Effect"] == "Allow"]
    assert allows and all(s["Principal"] == {"Service": "cloudfront.amazonaws.com"} for s in allows)
    assert all("AWS:SourceArn" in s["Condition"]["StringEquals"] for s in allows)


def test_every_sqs_handler_has_its_queue_dead_letters_permissions_and_timeout(generated: dict[str, Any]) -> None:
    """Each `@app.on_sqs_message` queue (the digest's, the urgent alerts') exists with a dead-letter queue,
    is created before its function, outlasts the function's timeout, and the function may use it."""
    from chalice.app import SQSEventConfig
    from chalice.utils import to_cfn_resource_name

    import app

    root = Path(infra_template.__file__).resolve().parent.parent
    config = json.loads((root / ".chalice" / "config.json").read_text(encoding="utf-8"))["stages"]["prod"]
    resources = generated["Resources"]
    queues = {r["Properties"]["QueueName"]: (name, r) for name, r in resources.items()
              if r.get("Type") == "AWS::SQS::Queue"}

    handlers = [e for e in app.app.event_sources if isinstance(e, SQSEventConfig)]
    assert {e.queue for e in handlers} >= {"noper-digest", "noper-alerts"}
    for handler in handlers:
        logical, queue = queues[handler.queue]
        dead_letters = queue["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        assert queues[f"{handler.queue}-dead-letters"][0] == dead_letters
        assert queue["Properties"]["RedrivePolicy"]["maxReceiveCount"] >= 3
        assert resources[to_cfn_resource_name(handler.name)]["DependsOn"] == [logical]
        timeout = config["lambda_functions"][handler.name]["lambda_timeout"]
        assert queue["Properties"]["VisibilityTimeout"] >= 6 * timeout  # AWS's advice for SQS-to-Lambda
        # Its own policy (infra/policies.py) lets it consume that queue.
        function = config["lambda_functions"][handler.name]
        policy = json.loads((root / ".chalice" / function["iam_policy_file"]).read_text(encoding="utf-8"))
        assert any("sqs:ReceiveMessage" in s["Action"] and "sqs:DeleteMessage" in s["Action"]
                   and s["Resource"]["Fn::Sub"].endswith(f":{handler.queue}") for s in policy["Statement"]), handler.queue
        # SQS never hands messages to a throttled function (they would end in the dead-letter queue).
        assert 2 <= handler.maximum_concurrency <= function["reserved_concurrency"], handler.name


# --- alarms --------------------------------------------------------------------------------------

def _alarms(generated: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: r["Properties"] for name, r in generated["Resources"].items()
            if r.get("Type") == "AWS::CloudWatch::Alarm"}


def test_every_alarm_goes_to_the_alarm_topic_when_something_failed(generated: dict[str, Any]) -> None:
    alarms = _alarms(generated)
    assert alarms
    for name, alarm in alarms.items():
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}], name
        assert alarm["ComparisonOperator"] == "GreaterThanThreshold" and alarm["Threshold"] == 0, name
        assert alarm["Period"] == 300, name
        assert alarm["TreatMissingData"] == "notBreaching", name  # no data is no failure
    assert generated["Outputs"]["AlarmTopicArn"]["Value"] == {"Ref": "AlarmTopic"}


def test_every_dead_letter_queue_has_an_alarm(generated: dict[str, Any]) -> None:
    resources = generated["Resources"]
    dead_letters = {q["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
                    for q in resources.values() if "RedrivePolicy" in q.get("Properties", {})}
    assert {"DigestDeadLetterQueue", "AlertDeadLetterQueue"} <= dead_letters
    watched = {a["Dimensions"][0]["Value"]["Fn::GetAtt"][0]: a for a in _alarms(generated).values()
               if a["Namespace"] == "AWS/SQS"}
    for queue in dead_letters:
        alarm = watched[queue]
        assert (alarm["MetricName"], alarm["Statistic"]) == ("ApproximateNumberOfMessagesVisible", "Maximum"), queue
        assert alarm["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [queue, "QueueName"]}}]


def test_the_alarm_email_subscription_exists_only_when_an_address_is_given(generated: dict[str, Any]) -> None:
    parameter = generated["Parameters"]["AlarmEmail"]
    assert (parameter["Type"], parameter["Default"]) == ("String", "")
    assert generated["Conditions"]["HasAlarmEmail"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]}
    resources = generated["Resources"]
    subscriptions = [r for r in resources.values() if r.get("Type") == "AWS::SNS::Subscription"]
    assert subscriptions and all(s["Condition"] == "HasAlarmEmail" for s in subscriptions)
    assert all(s["Properties"]["Endpoint"] == {"Ref": "AlarmEmail"} for s in subscriptions)
    # CloudWatch cannot publish to a topic under the AWS-managed key: the alarms would fail silently.
    assert resources["AlarmTopic"]["Properties"].get("KmsMasterKeyId") != "alias/aws/sns"


def test_the_app_alarm_names_the_metric_as_powertools_emits_it(generated: dict[str, Any], monkeypatch,
                                                               capsys) -> None:
    """A request whose urgent alerts could not be enqueued: the alarm's namespace, metric and dimensions are
    those of the EMF the middleware prints; an ordinary request prints no metric at all (none is billed)."""
    from types import SimpleNamespace

    from chalice.app import Response

    from chalicelib.adapters import queue
    from chalicelib.notifications import alert_queue
    from chalicelib.observability import metrics, observe_request

    def refused(*args, **kwargs):
        raise ConnectionError("SQS is away")

    def publishing(event):
        alert_queue._enqueue({"kind": "lost_pet", "post_id": "P1"})
        return Response(body="", status_code=201)

    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    monkeypatch.setattr(queue, "enqueue", refused)
    metrics.clear_metrics()
    capsys.readouterr()
    event = SimpleNamespace(context={"requestId": "r-1"}, path="/api/v1/x")
    observe_request(event, lambda event: Response(body="", status_code=500))
    assert '{"_aws"' not in capsys.readouterr().out  # API Gateway counts requests and 5xx for free
    observe_request(event, publishing)
    (emf,) = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith('{"_aws"')]
    (emitted,) = emf["_aws"]["CloudWatchMetrics"]
    dimensions = [[{"Name": name, "Value": emf[name]} for name in names] for names in emitted["Dimensions"]]

    alarm = _alarms(generated)["AlertsNotEnqueuedAlarm"]
    assert alarm["MetricName"] == alert_queue.NOT_ENQUEUED_METRIC and emf[alarm["MetricName"]] == [1.0]
    assert alarm["Namespace"] == emitted["Namespace"] and alarm["Statistic"] == "Sum"
    assert [alarm["Dimensions"]] == dimensions == [[{"Name": "service", "Value": "noper"}]]


def test_five_alarms_one_for_every_functions_errors_and_api_gateways_own_5xx(generated: dict[str, Any]) -> None:
    alarms = _alarms(generated)
    assert set(alarms) == {"LambdaErrorsAlarm", "ApiServerErrorAlarm", "AlertsNotEnqueuedAlarm",
                           "DigestDeadLetterAlarm", "AlertDeadLetterAlarm"}
    errors = alarms["LambdaErrorsAlarm"]
    assert (errors["Namespace"], errors["MetricName"], errors["Statistic"]) == ("AWS/Lambda", "Errors", "Sum")
    assert "Dimensions" not in errors  # every function of the account (the stack's own account)
    server = alarms["ApiServerErrorAlarm"]
    # an HTTP API's metrics: 5xx (not a REST API's 5XXError), by ApiId (not ApiName)
    assert (server["Namespace"], server["MetricName"]) == ("AWS/ApiGateway", "5xx")
    assert server["Dimensions"] == [{"Name": "ApiId", "Value": {"Ref": "HttpApi"}}]
    assert generated["Resources"]["HttpApi"]["Type"] == "AWS::ApiGatewayV2::Api"


def test_every_function_chalice_packages_logs_to_its_own_group_kept_30_days(generated: dict[str, Any]) -> None:
    """Chalice names each function's logical id after its name in app.py (the API's is APIHandler): each one
    writes JSON to its own log group, kept `LogRetentionDays`. (No test runs `chalice package`; `make package`
    does, with cfn-lint and checkov.)"""
    from chalice.utils import to_cfn_resource_name

    import app

    functions = {"APIHandler"} | {to_cfn_resource_name(e.name) for e in app.app.event_sources} | {
        to_cfn_resource_name(name) for name in app.app.pure_lambda_functions}
    assert {"DigestSchedule", "DigestNeighbourhood", "UrgentAlerts", "LoanReminders"} <= functions
    assert functions == set(infra_template.FUNCTIONS)
    resources = generated["Resources"]
    parameter = generated["Parameters"]["LogRetentionDays"]
    assert parameter["Default"] == 30 and 30 in parameter["AllowedValues"]
    for function in functions:
        logging = resources[function]["Properties"]["LoggingConfig"]
        assert logging["LogGroup"] == {"Ref": f"{function}LogGroup"} and logging["LogFormat"] == "JSON", function
        group = resources[f"{function}LogGroup"]["Properties"]
        assert group["LogGroupName"] == {"Fn::Sub": f"/aws/lambda/${{AWS::StackName}}-{function}"}
    assert resources["DigestNeighbourhood"]["DependsOn"] == ["DigestQueue"]  # merged, not replaced
    groups = [r for r in resources.values() if r.get("Type") == "AWS::Logs::LogGroup"]
    assert len(groups) == len(functions) + 1  # and the API's access log
    assert all(g["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"} for g in groups)


def test_every_function_knows_the_site_for_links_in_emails(generated: dict[str, Any]) -> None:
    import re

    variables = generated["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["NOPER_SITE_URL"] == {"Ref": "SiteUrl"}
    pattern = re.compile(generated["Parameters"]["SiteUrl"]["AllowedPattern"])
    assert pattern.match("https://noper.example.lu") and pattern.match("")  # empty on the first deploy only
    assert not pattern.match("http://noper.example.lu") and not pattern.match("https://noper.example.lu/")


def test_cloudfront_proves_itself_to_the_api_with_a_rotatable_secret(generated: dict[str, Any]) -> None:
    from chalicelib.config import ORIGIN_SECRET_HEADER

    origins = generated["Resources"]["SiteDistribution"]["Properties"]["DistributionConfig"]["Origins"]
    api = next(origin for origin in origins if origin["Id"] == "api")
    assert api["OriginCustomHeaders"] == [{"HeaderName": ORIGIN_SECRET_HEADER, "HeaderValue": {"Ref": "OriginSecret"}}]
    parameters = generated["Parameters"]
    assert parameters["OriginSecret"]["NoEcho"] and parameters["OriginSecret"]["MinLength"] >= 32
    assert parameters["OriginSecretPrevious"]["NoEcho"] and parameters["OriginSecretPrevious"]["Default"] == ""
    variables = generated["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["NOPER_ORIGIN_SECRET"] == {"Ref": "OriginSecret"}
    assert variables["NOPER_ORIGIN_SECRET_PREVIOUS"] == {"Ref": "OriginSecretPrevious"}
    # A viewer cannot send it: CloudFront forwards only the listed headers.
    policy = generated["Resources"]["ApiOriginRequestPolicy"]["Properties"]["OriginRequestPolicyConfig"]
    assert ORIGIN_SECRET_HEADER not in policy["HeadersConfig"]["Headers"]


def test_no_gateway_responses_but_a_catch_all_route_to_the_app(generated: dict[str, Any]) -> None:
    """An HTTP API has no gateway responses: an unknown path or method reaches the app through the catch-all
    route, and the app answers it in its error shape (tests/api/test_http_api_events.py)."""
    resources = generated["Resources"]
    assert not [r for r in resources.values() if r.get("Type") == "AWS::ApiGateway::GatewayResponse"]
    paths = resources["HttpApi"]["Properties"]["Body"]["paths"]
    assert set(paths["$default"]) == {"x-amazon-apigateway-any-method"}


def test_cloudfront_forwards_the_idempotency_key_within_its_limit_of_10_headers(generated: dict[str, Any]) -> None:
    from chalicelib.store.idempotency import HEADER

    policy = generated["Resources"]["ApiOriginRequestPolicy"]["Properties"]["OriginRequestPolicyConfig"]
    headers = policy["HeadersConfig"]["Headers"]
    assert HEADER in headers  # else CloudFront drops it and every retry creates again
    assert len(headers) <= 10  # CloudFront refuses an origin request policy with more


def test_cloudfront_forwards_every_viewer_header_the_api_reads(generated: dict[str, Any]) -> None:
    """A header CloudFront does not forward never reaches the API in prod (the publisher form's link, the
    cross-site check): every `headers.get("…")` in the deployed code is in the origin request policy."""
    import re

    from chalicelib.accounts.principals import CSRF_HEADER
    from chalicelib.config import ORIGIN_SECRET_HEADER
    from chalicelib.store.idempotency import HEADER as IDEMPOTENCY_HEADER

    root = Path(__file__).resolve().parents[2]
    sources = [root / "app.py", *sorted((root / "chalicelib").rglob("*.py"))]
    read = {name.lower() for path in sources
            for name in re.findall(r'headers\.get\("([^"]+)"', path.read_text(encoding="utf-8"))}
    read |= {CSRF_HEADER.lower(), IDEMPOTENCY_HEADER.lower()}
    read -= {"cookie", ORIGIN_SECRET_HEADER.lower()}  # cookies: CookieBehavior all; the secret: CloudFront adds it
    policy = generated["Resources"]["ApiOriginRequestPolicy"]["Properties"]["OriginRequestPolicyConfig"]
    forwarded = {header.lower() for header in policy["HeadersConfig"]["Headers"]}
    assert read - forwarded == set()
    assert "host" not in forwarded  # API Gateway answers 403 to CloudFront's Host
