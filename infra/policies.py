"""Each Lambda function's own IAM policy, only what its code path calls: `python -m infra.policies [--check]`.

Writes `.chalice/policy-prod-<function>.json`, which the prod stage of `.chalice/config.json` names per
function (`autogen_policy: false`, `iam_policy_file`); `make package` rewrites them before `chalice
package`, and tests/unit/test_infra_policies.py fails when the committed files are not what this builds.
Resource names come from the prod stage's environment (table, uploads bucket, mail sender) and the
queues' names in chalicelib, so a rename changes the policies with it. The files hold CloudFormation
`Fn::Sub`s (region, account, stack): they are for `chalice package`, not `chalice deploy`.

Who calls what (docs/deployment.md, Permissions per function):
- api_handler: the table; presigned POSTs into `incoming/`, presigned GETs of the stored files and prepared
  exports, deleting a resident's photos and exports when they erase their account; sign-in codes by SES; urgent alerts enqueued.
- the five `*_upload` handlers (S3 -> EventBridge): the table; read and delete their own `incoming/`
  prefix, write their stored prefix. ListBucket so that an upload already consumed answers 404, not 403
  (a repeated event is then recognised as "gone" instead of failing).
- digest_schedule: reads the communes' neighbourhoods, enqueues one digest job each.
- digest_neighbourhood, urgent_alerts: consume their queue, send mail; urgent_alerts also splits a job
  into one message per neighbourhood on its own queue, and prepares residents' exports into `exports/`.
- loan_reminders, unread_message_reminders, event_reminders: the table and mail.
- indicator_snapshots: the table (reads a month's weekly counters, writes its frozen snapshot).
- budget_phases: the table; enqueues a participatory budget's results' job on the alerts queue when its vote closes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from infra.template import CHALICE_CONFIG, stage_environment

CHALICE_DIR = CHALICE_CONFIG.parent

TABLE_READ = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:DescribeTable"]
TABLE_WRITE = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
               "dynamodb:ConditionCheckItem"]
QUEUE_CONSUME = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"]
QUEUE_SEND = ["sqs:SendMessage", "sqs:GetQueueUrl"]


def policy_file(function: str) -> str:
    return f"policy-prod-{function}.json"


def _table(env: dict[str, str], write: bool = True) -> dict[str, Any]:
    table = env["NOPER_TABLE"]
    return {"Sid": "Table", "Effect": "Allow", "Action": TABLE_READ + (TABLE_WRITE if write else []),
            "Resource": [{"Fn::Sub": f"arn:${{AWS::Partition}}:dynamodb:${{AWS::Region}}:${{AWS::AccountId}}:table/{table}"},
                         {"Fn::Sub": f"arn:${{AWS::Partition}}:dynamodb:${{AWS::Region}}:${{AWS::AccountId}}"
                                     f":table/{table}/index/*"}]}


def _logs() -> dict[str, Any]:
    # CloudFormation names the functions <stack>-<LogicalId>-<suffix>; Lambda writes to /aws/lambda/<name>.
    return {"Sid": "Logs", "Effect": "Allow",
            "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": {"Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}"
                                    ":log-group:/aws/lambda/${AWS::StackName}-*"}}


def _objects(env: dict[str, str], sid: str, actions: list[str], prefixes: list[str]) -> dict[str, Any]:
    bucket = env["NOPER_UPLOADS_BUCKET"]
    return {"Sid": sid, "Effect": "Allow", "Action": actions,
            "Resource": [f"arn:aws:s3:::{bucket}/{prefix}*" for prefix in prefixes]}


def _list_bucket(env: dict[str, str]) -> dict[str, Any]:
    return {"Sid": "MissingObjectIs404", "Effect": "Allow", "Action": ["s3:ListBucket"],
            "Resource": f"arn:aws:s3:::{env['NOPER_UPLOADS_BUCKET']}"}


def _list_prefix(env: dict[str, str], sid: str, prefix: str) -> dict[str, Any]:
    return {"Sid": sid, "Effect": "Allow", "Action": ["s3:ListBucket"],
            "Resource": f"arn:aws:s3:::{env['NOPER_UPLOADS_BUCKET']}",
            "Condition": {"StringLike": {"s3:prefix": [f"{prefix}*"]}}}


def _mail(env: dict[str, str]) -> dict[str, Any]:
    """Only as the sender, through its address's or its domain's SES identity (whichever is verified).
    SES v2 SendEmail with raw content is authorised as ses:SendRawEmail as well."""
    sender = env["NOPER_MAIL_SENDER"]
    domain = sender.rpartition("@")[2]
    return {"Sid": "MailAsTheSender", "Effect": "Allow", "Action": ["ses:SendEmail", "ses:SendRawEmail"],
            "Resource": [{"Fn::Sub": f"arn:${{AWS::Partition}}:ses:${{AWS::Region}}:${{AWS::AccountId}}:identity/{name}"}
                         for name in (domain, sender)],
            "Condition": {"StringEquals": {"ses:FromAddress": sender}}}


def _queue(sid: str, queue: str, actions: list[str]) -> dict[str, Any]:
    return {"Sid": sid, "Effect": "Allow", "Action": actions,
            "Resource": {"Fn::Sub": f"arn:${{AWS::Partition}}:sqs:${{AWS::Region}}:${{AWS::AccountId}}:{queue}"}}


def _upload_handler(env: dict[str, str], incoming: list[str], stored: list[str]) -> list[dict[str, Any]]:
    statements = [_table(env), _logs(), _objects(env, "ReadAndDeleteUploads", ["s3:GetObject", "s3:DeleteObject"],
                                                 incoming), _list_bucket(env)]
    if stored:
        statements.append(_objects(env, "WriteStoredFiles", ["s3:PutObject"], stored))
    return statements


def statements_by_function(env: dict[str, str] | None = None) -> dict[str, list[dict[str, Any]]]:
    """Every packaged function (its name in app.py; the API is `api_handler`) and its policy's statements."""
    from chalicelib.accounts.exports import PREFIX as EXPORTS
    from chalicelib.addresses.imports import UPLOAD_PREFIX as ADDRESSES
    from chalicelib.announcements.attachments import UPLOAD_PREFIX as ATTACHMENTS
    from chalicelib.budget.documents import STORED_PREFIX as BUDGET_STORED, UPLOAD_PREFIX as BUDGET_UPLOADS
    from chalicelib.digest.fanout import QUEUE as DIGEST_QUEUE
    from chalicelib.notifications.alert_queue import QUEUE as ALERT_QUEUE
    from chalicelib.photos.service import UPLOAD_PREFIX as PHOTOS
    from chalicelib.publishers.service import LOGO_UPLOAD_PREFIX as LOGOS

    env = env or stage_environment()
    publishing = ATTACHMENTS.rpartition("attachments/")[0]  # incoming/publishing/: logos and attachments
    assert LOGOS.startswith(publishing)
    consultations = "incoming/consultations/"
    # Stored files, as the services name them (photos/service.py display_key, publishers logo_key,
    # announcements/attachments.py stored_key, consultations/service.py stored_key).
    stored_photos, stored_logos, stored_attachments, stored_documents = (
        "photos/", "publishers/", "announcements/", "consultations/")
    return {
        "api_handler": [
            _table(env), _logs(),
            # The presigned POSTs the browser uploads with are signed by this role.
            _objects(env, "PresignedUploads", ["s3:PutObject"], ["incoming/"]),
            _objects(env, "PresignedViews", ["s3:GetObject"],
                     [stored_photos, stored_logos, stored_attachments, stored_documents, BUDGET_STORED, EXPORTS]),
            # Erasing one's account removes one's photos (chalicelib/photos/service.py erase_photos) and the
            # prepared exports of one's data (chalicelib/accounts/exports.py erase_exports: listed by prefix).
            _objects(env, "ErasePhotos", ["s3:DeleteObject"], [PHOTOS, stored_photos, EXPORTS]),
            _list_prefix(env, "ListExports", EXPORTS),
            _mail(env),  # sign-in codes
            _queue("EnqueueUrgentAlerts", ALERT_QUEUE, QUEUE_SEND),
        ],
        "address_upload": _upload_handler(env, [ADDRESSES], []),
        "photo_upload": _upload_handler(env, [PHOTOS], [stored_photos]),
        "publishing_upload": _upload_handler(env, [publishing], [stored_logos, stored_attachments]),
        "consultation_document_upload": _upload_handler(env, [consultations], [stored_documents]),
        "budget_document_upload": _upload_handler(env, [BUDGET_UPLOADS], [BUDGET_STORED]),
        "digest_schedule": [_table(env, write=False), _logs(), _queue("EnqueueDigests", DIGEST_QUEUE, QUEUE_SEND)],
        "digest_neighbourhood": [_table(env), _logs(), _mail(env),
                                 _queue("ConsumeDigests", DIGEST_QUEUE, QUEUE_CONSUME)],
        "urgent_alerts": [_table(env), _logs(), _mail(env),
                          _queue("ConsumeAndSplitAlerts", ALERT_QUEUE, QUEUE_CONSUME + QUEUE_SEND),
                          # A resident's data prepared (chalicelib/accounts/your_data.py prepare_export): stored, their
                          # earlier exports listed and deleted; the photos' links in it are presigned by this role.
                          _objects(env, "StoreExports", ["s3:PutObject", "s3:DeleteObject"], [EXPORTS]),
                          _list_prefix(env, "ListExports", EXPORTS),
                          _objects(env, "PresignedPhotoViews", ["s3:GetObject"], [stored_photos])],
        "loan_reminders": [_table(env), _logs(), _mail(env)],
        "unread_message_reminders": [_table(env), _logs(), _mail(env)],
        "event_reminders": [_table(env), _logs(), _mail(env)],
        "indicator_snapshots": [_table(env), _logs()],
        # Participatory budgets' phases at their dates; closing a vote enqueues its results' job (urgent_alerts runs it).
        "budget_phases": [_table(env), _logs(), _queue("EnqueueBudgetResults", ALERT_QUEUE, QUEUE_SEND)],
    }


def documents() -> dict[str, str]:
    """{file name in .chalice/: its JSON text}."""
    return {policy_file(function): json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=2) + "\n"
            for function, statements in statements_by_function().items()}


def main(argv: list[str]) -> int:
    check = argv == ["--check"]
    stale = []
    for name, text in documents().items():
        path = CHALICE_DIR / name
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(name)
        if not check:
            path.write_text(text, encoding="utf-8")
    if check and stale:
        print(f"out of date: {', '.join(stale)} (python -m infra.policies)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
