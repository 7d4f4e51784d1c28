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
    policy = json.loads((root / ".chalice" / config["iam_policy_file"]).read_text(encoding="utf-8"))
    allowed = [s for s in policy["Statement"]
               if "sqs:SendMessage" in s["Action"] and "sqs:ReceiveMessage" in s["Action"]]
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
        assert any(f"arn:aws:sqs:*:*:{handler.queue}" in (s["Resource"] if isinstance(s["Resource"], list)
                                                         else [s["Resource"]]) for s in allowed), handler.queue
