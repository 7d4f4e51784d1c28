"""bench/cost.py: what it reads from a template, and that the model answers to it (no AWS, no packaging)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

from infra import template as infra_template

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("cost", ROOT / "bench" / "cost.py")
cost = importlib.util.module_from_spec(spec)
sys.modules["cost"] = cost  # dataclasses look their module up
spec.loader.exec_module(cost)
PRICES = json.loads((ROOT / "bench" / "prices_eu_west_1.json").read_text(encoding="utf-8"))


def packaged(**function_properties) -> dict:
    """The merge template with Chalice's part reduced to what the model reads: the functions (the HTTP API is the
    merge template's own)."""
    built = infra_template.build()
    for name in infra_template.FUNCTIONS:
        resource = built["Resources"].setdefault(name, {})
        resource["Type"] = "AWS::Serverless::Function"
        resource.setdefault("Properties", {}).update({"MemorySize": 512, "Architectures": ["x86_64"],
                                                      **function_properties})
    return built


def line(lines, resource):
    return next(item for item in lines if item.resource == resource)


def test_the_model_reads_alarms_metrics_log_retention_and_polled_queues_from_the_template():
    template = packaged()
    template["Resources"]["DigestNeighbourhood"]["Properties"]["Events"] = {"Queue": {"Type": "SQS"}}
    stack = cost.Stack.of(template)

    assert stack.alarms == 5 and stack.custom_metrics == {("Noper", "AlertsNotEnqueued")}
    assert all(f.log_days == 30 and not f.platform_logs for f in stack.functions.values())
    assert stack.access_log_days == 30 and stack.pitr and stack.cloudfront and stack.queues_polled == 1


def test_logs_kept_forever_and_more_alarms_cost_more():
    profile = cost.Profile.of(cost.parser().parse_args([]))
    kept = cost.bill(cost.Stack.of(packaged()), profile, PRICES["prices"])
    forever = packaged()
    for name in infra_template.FUNCTIONS:
        del forever["Resources"][name]["Properties"]["LoggingConfig"]  # Lambda's own groups, no retention
    forever["Resources"]["ExtraAlarm"] = {"Type": "AWS::CloudWatch::Alarm", "Properties": {"Namespace": "AWS/SQS"}}
    more = cost.bill(cost.Stack.of(forever), profile, PRICES["prices"])

    assert line(more, "CloudWatch").parts["alarms"] > line(kept, "CloudWatch").parts["alarms"]
    assert line(more, "CloudWatch").parts["logs stored"] > line(kept, "CloudWatch").parts["logs stored"]
    assert line(more, "CloudWatch").parts["logs ingested"] > line(kept, "CloudWatch").parts["logs ingested"]


def test_the_digest_recipients_follow_the_profile():
    default = cost.Profile.of(cost.parser().parse_args([]))
    everyone = cost.Profile.of(cost.parser().parse_args(["--digest-recipients", "10000"]))

    assert round(default.recipients) == round(10_000 * 0.8 * (1 - 0.3 * 0.67))
    ses = {p.recipients: line(cost.bill(cost.Stack.of(packaged()), p, PRICES["prices"]), "SES (emails)").usd
           for p in (default, everyone)}
    assert ses[everyone.recipients] > ses[default.recipients]


def test_the_http_api_is_priced_as_one_and_a_rest_api_as_one():
    profile = cost.Profile.of(cost.parser().parse_args([]))
    http = cost.Stack.of(packaged())
    rest_template = packaged()
    for name in ("HttpApi", "HttpApiStage"):
        del rest_template["Resources"][name]
    rest_template["Resources"]["RestAPI"] = {"Type": "AWS::Serverless::Api", "Properties": {"AccessLogSetting": {
        "DestinationArn": {"Fn::GetAtt": ["ApiAccessLogs", "Arn"]}}}}
    rest = cost.Stack.of(rest_template)

    assert (http.api, rest.api) == ("HTTP", "REST")
    assert http.access_log_days == rest.access_log_days == 30  # each kind's access log found
    http_line = line(cost.bill(http, profile, PRICES["prices"]), "API Gateway (HTTP)")
    rest_line = line(cost.bill(rest, profile, PRICES["prices"]), "API Gateway (REST)")
    assert http_line.usd == profile.api_calls / 1e6 * PRICES["prices"]["api_gateway_http_per_million"]
    assert rest_line.usd == profile.api_calls / 1e6 * PRICES["prices"]["api_gateway_rest_per_million"]
    assert http_line.usd < rest_line.usd / 3
