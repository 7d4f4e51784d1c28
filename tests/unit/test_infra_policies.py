"""Each Lambda function's own IAM policy (infra/policies.py, .chalice/policy-prod-*.json), its reserved
concurrency, and what the packaged template must keep for the security scan: no AWS, no emulators."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from infra import policies
from infra import template as infra_template

CHALICE = Path(infra_template.__file__).resolve().parent.parent / ".chalice"


def _prod() -> dict[str, Any]:
    return json.loads((CHALICE / "config.json").read_text(encoding="utf-8"))["stages"]["prod"]


def _app_functions() -> set[str]:
    import app

    return {"api_handler", *(e.name for e in app.app.event_sources), *app.app.pure_lambda_functions}


def _statements(function: str) -> list[dict[str, Any]]:
    return json.loads((CHALICE / policies.policy_file(function)).read_text(encoding="utf-8"))["Statement"]


def _actions(function: str) -> set[str]:
    return {action for s in _statements(function) for action in s["Action"]}


def _resources(statement: dict[str, Any]) -> list[Any]:
    resource = statement["Resource"]
    return resource if isinstance(resource, list) else [resource]


def test_the_committed_policy_files_are_what_infra_policies_builds() -> None:
    assert policies.main(["--check"]) == 0, "run: python -m infra.policies"


def test_every_function_has_its_own_policy_file_and_a_reserved_concurrency() -> None:
    prod = _prod()
    assert prod["autogen_policy"] is False
    assert "iam_policy_file" not in prod  # no shared policy: a new function without its own fails to package
    functions = _app_functions()
    assert set(policies.statements_by_function()) == functions
    assert {p.name for p in CHALICE.glob("policy-prod*.json")} == {policies.policy_file(f) for f in functions}
    for function in functions:
        config = prod["lambda_functions"][function]
        assert config["iam_policy_file"] == policies.policy_file(function), function
        assert 1 <= config["reserved_concurrency"] <= 100, function
    # Below the default account quota of 1000, of which Lambda keeps 100 unreserved.
    assert sum(prod["lambda_functions"][f]["reserved_concurrency"] for f in functions) <= 900


@pytest.mark.parametrize("function", sorted(_app_functions()))
def test_no_statement_allows_everything(function: str) -> None:
    for statement in _statements(function):
        assert statement["Effect"] == "Allow"
        assert all(not action.endswith("*") for action in statement["Action"]), statement
        assert all(resource != "*" for resource in _resources(statement)), statement


def test_only_the_api_the_upload_handlers_and_the_exports_touch_the_uploads_bucket() -> None:
    uploads = {"address_upload", "photo_upload", "publishing_upload", "consultation_document_upload",
               "budget_document_upload"}
    for function in _app_functions():
        s3 = {a for a in _actions(function) if a.startswith("s3:")}
        assert bool(s3) == (function in uploads | {"api_handler", "urgent_alerts"}), function
    # The API deletes nothing but a resident's own photos and prepared exports (account erasure).
    (delete,) = [s for s in _statements("api_handler") if "s3:DeleteObject" in s["Action"]]
    bucket = infra_template.stage_environment()["NOPER_UPLOADS_BUCKET"]
    assert delete["Resource"] == [f"arn:aws:s3:::{bucket}/incoming/photos/*", f"arn:aws:s3:::{bucket}/photos/*",
                                  f"arn:aws:s3:::{bucket}/exports/*"]
    # The alerts' queue prepares residents' exports: it writes and deletes under exports/ only, lists only there,
    # and reads the photos whose links the export holds (presigned by its role).
    writes = [s for s in _statements("urgent_alerts") if {"s3:PutObject", "s3:DeleteObject"} & set(s["Action"])]
    assert [r for s in writes for r in _resources(s)] == [f"arn:aws:s3:::{bucket}/exports/*"]
    (listing,) = [s for s in _statements("urgent_alerts") if "s3:ListBucket" in s["Action"]]
    assert listing["Condition"] == {"StringLike": {"s3:prefix": ["exports/*"]}}
    # An upload handler reads and deletes only its own incoming prefix.
    (incoming,) = [s for s in _statements("photo_upload") if "s3:DeleteObject" in s["Action"]]
    assert incoming["Resource"] == [f"arn:aws:s3:::{bucket}/incoming/photos/*"]


def test_mail_only_from_the_sender_and_only_where_mail_is_sent() -> None:
    sender = infra_template.stage_environment()["NOPER_MAIL_SENDER"]
    senders = {"api_handler", "digest_neighbourhood", "urgent_alerts", "loan_reminders", "unread_message_reminders",
               "event_reminders"}
    for function in _app_functions():
        mail = [s for s in _statements(function) if any(a.startswith("ses:") for a in s["Action"])]
        assert bool(mail) == (function in senders), function
        for statement in mail:
            assert statement["Condition"] == {"StringEquals": {"ses:FromAddress": sender}}
            assert all(r["Fn::Sub"].endswith((f":identity/{sender}", f":identity/{sender.partition('@')[2]}"))
                       for r in _resources(statement))


def test_queues_only_where_jobs_are_sent_or_consumed() -> None:
    queues = {f: {a for a in _actions(f) if a.startswith("sqs:")} for f in _app_functions()}
    assert queues["api_handler"] == {"sqs:SendMessage", "sqs:GetQueueUrl"}  # urgent alerts only
    assert queues["digest_schedule"] == {"sqs:SendMessage", "sqs:GetQueueUrl"}
    assert "sqs:ReceiveMessage" in queues["digest_neighbourhood"] and "sqs:SendMessage" not in queues["digest_neighbourhood"]
    assert {f for f, actions in queues.items() if actions} == {"api_handler", "digest_schedule", "digest_neighbourhood",
                                                               "urgent_alerts", "budget_phases"}
    assert queues["budget_phases"] == {"sqs:SendMessage", "sqs:GetQueueUrl"}  # a closed vote's results' job
    # The weekly schedule only reads the table.
    assert not {a for a in _actions("digest_schedule") if a.startswith("dynamodb:")} & set(policies.TABLE_WRITE)


def test_uploads_bucket_keeps_deleted_objects_for_a_while() -> None:
    bucket = infra_template.build()["Resources"]["UploadsBucket"]["Properties"]
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    (rule,) = [r for r in bucket["LifecycleConfiguration"]["Rules"] if "NoncurrentVersionExpiration" in r]
    assert rule["NoncurrentVersionExpiration"] == {"NoncurrentDays": infra_template.NONCURRENT_DAYS}
    assert rule["Status"] == "Enabled" and "Prefix" not in rule


def test_the_api_stage_writes_an_access_log_that_expires() -> None:
    resources = infra_template.build()["Resources"]
    setting = resources["HttpApiStage"]["Properties"]["AccessLogSettings"]
    assert setting["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogs", "Arn"]}
    assert json.loads(setting["Format"])["requestId"] == "$context.requestId"
    assert resources["ApiAccessLogs"]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    # an HTTP API logs through CloudWatch Logs' log delivery: no account-wide CloudWatch role to set
    assert not [r for r in resources.values() if r.get("Type") == "AWS::ApiGateway::Account"]


def test_every_checkov_skip_in_the_template_says_why() -> None:
    for name, resource in infra_template.build()["Resources"].items():
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", []):
            assert skip["id"].startswith("CKV_") and len(skip["comment"]) > 20, name
