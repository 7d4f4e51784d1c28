"""The CloudFormation merge template for production: `python -m infra.template OUT.json`.

`chalice package --merge-template OUT.json` deep-merges this into Chalice's SAM output, which
already holds the Lambda functions and a REST API (`RestAPI`, stage `api`), which `infra.http_api` then
replaces by the HTTP API declared here (`HttpApi`, stage `api`: infra/http_api.py says why). This adds what
Chalice does not know about:

- `NoperTable`: built from `chalicelib.store.table.TABLE_DEFINITION`, the one definition the
  local bootstrap and the tests also use; its name is the prod stage's NOPER_TABLE.
- `UploadsBucket`: the prod stage's NOPER_UPLOADS_BUCKET; private, SSE-S3, EventBridge
  notifications, CORS for the browser's presigned POST, `incoming/` expires after 7 days.
- `SiteBucket` + CloudFront: one origin, as in DESIGN.md: the static site at `/`, the API at
  `/api/*` (uncached), security headers on every response.
- `AlarmTopic` and the five alarms mailed through it (to the `AlarmEmail` parameter, when given):
  messages in either dead-letter queue, the API's server errors (API Gateway's own 5xx), urgent
  alerts not enqueued, and one account-wide alarm on every function's errors (docs/operations.md, Alarms).
- The HTTP API (infra/http_api.py) and its access log.
- A log group per function, and the API's access log, kept `LogRetentionDays` (30 by default); the
  functions log JSON and, by default, none of Lambda's START/END/REPORT lines (`LambdaSystemLogLevel`).

Data stays in the EU: a template rule refuses any region outside the EU member states.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

from chalicelib.observability import NAMESPACE, SERVICE
from chalicelib.store.table import TABLE_DEFINITION, TTL_ATTRIBUTE
from chalicelib.config import ORIGIN_SECRET_HEADER
from infra import http_api

ROOT = Path(__file__).resolve().parent.parent
CHALICE_CONFIG = ROOT / ".chalice" / "config.json"
STAGE = "prod"

# AWS regions located in EU member states (eu-west-2 London and eu-central-2 Zurich are not).
EU_REGIONS = ["eu-west-1", "eu-central-1", "eu-west-3", "eu-north-1", "eu-south-1", "eu-south-2"]

# CloudFront managed policies.
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
# Every viewer header the API reads (tests/unit/test_infra_template.py checks it against chalicelib/);
# CloudFront forwards at most 10. The origin secret is not here: CloudFront adds it itself.
API_HEADERS = ["Accept", "Accept-Language", "Content-Type", "Origin", "Sec-Fetch-Site", "User-Agent", "X-CSRF-Token",
               "X-Publisher-Link", "CloudFront-Viewer-Address", "Idempotency-Key"]

# connect-src: the browser posts uploads straight to the uploads bucket (presigned POST); the
# bucket is named by its known name, not a Ref, which would make the bucket's CORS rule circular.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; connect-src 'self' https://{bucket}.s3.${{AWS::Region}}.amazonaws.com "
    "https://{bucket}.s3.amazonaws.com; img-src 'self' data: https://tile.openstreetmap.org "
    "https://{bucket}.s3.${{AWS::Region}}.amazonaws.com https://{bucket}.s3.amazonaws.com; "
    "style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
)

# Viewer-request function on the site behaviour only: an app route ("/communes/123") has no
# file extension in its last segment and is served the app's index.html; files are left alone.
# (CustomErrorResponses would do this too, but would also turn API 404s into the HTML page.)
SITE_ROUTES_FUNCTION = """\
function handler(event) {
  var request = event.request;
  var last = request.uri.substring(request.uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') === -1) {
    request.uri = '/index.html';
  }
  return request;
}
"""

RETAIN = {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}
PRIVATE = {
    "BlockPublicAcls": True,
    "BlockPublicPolicy": True,
    "IgnorePublicAcls": True,
    "RestrictPublicBuckets": True,
}
SSE_S3 = {"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}
SITE_ORIGIN = {"Fn::Sub": "https://${SiteDistribution.DomainName}"}
# How long the uploads bucket keeps a deleted or overwritten object (as the table's point-in-time recovery
# keeps 35 days): a resident's erasure is complete after that.
NONCURRENT_DAYS = 30
# Every log group (the functions', API Gateway's access log with the callers' addresses) is kept this many days
# by default (the `LogRetentionDays` parameter); longer needs a reason, as the logs hold personal data.
LOG_RETENTION_DAYS = 30
RETENTION_CHOICES = [1, 3, 5, 7, 14, 30, 60, 90]


def checkov_skip(**reasons: str) -> dict[str, Any]:
    """Metadata that skips checkov checks on this one resource, each with its reason (infra/checkov.yaml
    holds the checks skipped everywhere)."""
    return {"Metadata": {"checkov": {"skip": [{"id": check, "comment": reason} for check, reason in reasons.items()]}}}


def packaged_functions() -> list[str]:
    """Every Lambda function Chalice packages, by logical id (chalice.utils.to_cfn_resource_name of its
    name in app.py; the API's is APIHandler), read from the app itself so that a new handler gets its
    log group."""
    from chalice.utils import to_cfn_resource_name

    import app

    names = [*(source.name for source in app.app.event_sources), *(f.name for f in app.app.pure_lambda_functions)]
    return ["APIHandler", *(to_cfn_resource_name(name) for name in names)]


# Each with its log group.
FUNCTIONS = packaged_functions()


def stage_environment(stage: str = STAGE) -> dict[str, str]:
    """The stage's environment variables from .chalice/config.json (global ones overridden)."""
    config = json.loads(CHALICE_CONFIG.read_text(encoding="utf-8"))
    return {**config.get("environment_variables", {}), **config["stages"][stage]["environment_variables"]}


def _deny_insecure_transport(bucket: str) -> dict[str, Any]:
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [
            {"Fn::GetAtt": [bucket, "Arn"]},
            {"Fn::Sub": "${" + bucket + ".Arn}/*"},
        ],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def table(name: str) -> dict[str, Any]:
    properties = copy.deepcopy(TABLE_DEFINITION)
    properties.update(
        {
            "TableName": name,
            "TimeToLiveSpecification": {"AttributeName": TTL_ATTRIBUTE, "Enabled": True},
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "SSESpecification": {"SSEEnabled": True},
        }
    )
    return {"Type": "AWS::DynamoDB::Table", **RETAIN, "Properties": properties}


def uploads_bucket(name: str) -> dict[str, Any]:
    return {
        "Type": "AWS::S3::Bucket",
        **RETAIN,
        "Properties": {
            "BucketName": name,
            "PublicAccessBlockConfiguration": PRIVATE,
            "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
            "BucketEncryption": SSE_S3,
            # An object deleted or overwritten by mistake (or by a bug) stays recoverable for
            # NONCURRENT_DAYS as a noncurrent version; after that it is gone, erased photos included.
            "VersioningConfiguration": {"Status": "Enabled"},
            "NotificationConfiguration": {"EventBridgeConfiguration": {"EventBridgeEnabled": True}},
            "CorsConfiguration": {
                "CorsRules": [
                    {
                        "Id": "BrowserPresignedPost",
                        "AllowedMethods": ["POST"],
                        "AllowedOrigins": [SITE_ORIGIN],
                        "AllowedHeaders": ["*"],
                        "MaxAge": 3600,
                    }
                ]
            },
            "LifecycleConfiguration": {
                "Rules": [
                    {
                        "Id": "ExpireIncoming",
                        "Status": "Enabled",
                        "Prefix": "incoming/",
                        "ExpirationInDays": 7,
                    },
                    {
                        # Residents' prepared data (chalicelib/accounts/exports.py KEPT_DAYS): gone after a week.
                        "Id": "ExpireExports",
                        "Status": "Enabled",
                        "Prefix": "exports/",
                        "ExpirationInDays": 7,
                    },
                    {
                        "Id": "ExpireNoncurrentVersions",
                        "Status": "Enabled",
                        "NoncurrentVersionExpiration": {"NoncurrentDays": NONCURRENT_DAYS},
                        "ExpiredObjectDeleteMarker": True,
                        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
                    },
                ]
            },
        },
    }


def site_resources(uploads_bucket_name: str) -> dict[str, Any]:
    return {
        "SiteBucket": {
            "Type": "AWS::S3::Bucket",
            # The site is rebuilt from frontend/ on every release: nothing to keep.
            "DeletionPolicy": "Delete",
            "UpdateReplacePolicy": "Delete",
            **checkov_skip(CKV_AWS_21="No versions to keep: every release re-uploads frontend/dist from git."),
            "Properties": {
                "PublicAccessBlockConfiguration": PRIVATE,
                "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                "BucketEncryption": SSE_S3,
            },
        },
        "SiteBucketPolicy": {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {
                "Bucket": {"Ref": "SiteBucket"},
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "CloudFrontReadsThroughOriginAccessControl",
                            "Effect": "Allow",
                            "Principal": {"Service": "cloudfront.amazonaws.com"},
                            "Action": "s3:GetObject",
                            "Resource": {"Fn::Sub": "${SiteBucket.Arn}/*"},
                            "Condition": {
                                "StringEquals": {
                                    "AWS:SourceArn": {
                                        "Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}"
                                        ":distribution/${SiteDistribution}"
                                    }
                                }
                            },
                        },
                        _deny_insecure_transport("SiteBucket"),
                    ],
                },
            },
        },
        "SiteOriginAccessControl": {
            "Type": "AWS::CloudFront::OriginAccessControl",
            "Properties": {
                "OriginAccessControlConfig": {
                    "Name": {"Fn::Sub": "${AWS::StackName}-site"},
                    "Description": "CloudFront reads the static site from the private SiteBucket",
                    "OriginAccessControlOriginType": "s3",
                    "SigningBehavior": "always",
                    "SigningProtocol": "sigv4",
                }
            },
        },
        "SiteRoutesFunction": {
            "Type": "AWS::CloudFront::Function",
            "Properties": {
                "Name": {"Fn::Sub": "${AWS::StackName}-site-routes"},
                "AutoPublish": True,
                "FunctionConfig": {
                    "Comment": "App routes without a file extension get /index.html",
                    "Runtime": "cloudfront-js-2.0",
                },
                "FunctionCode": SITE_ROUTES_FUNCTION,
            },
        },
        # What the API needs of the viewer's request, plus CloudFront-Viewer-Address: the resident's
        # IP for rate limits (API Gateway's sourceIp would be the edge's). Never the Host header.
        "ApiOriginRequestPolicy": {
            "Type": "AWS::CloudFront::OriginRequestPolicy",
            "Properties": {
                "OriginRequestPolicyConfig": {
                    "Name": {"Fn::Sub": "${AWS::StackName}-api"},
                    "HeadersConfig": {"HeaderBehavior": "whitelist", "Headers": API_HEADERS},
                    "CookiesConfig": {"CookieBehavior": "all"},
                    "QueryStringsConfig": {"QueryStringBehavior": "all"},
                }
            },
        },
        "SecurityHeadersPolicy": {
            "Type": "AWS::CloudFront::ResponseHeadersPolicy",
            "Properties": {
                "ResponseHeadersPolicyConfig": {
                    "Name": {"Fn::Sub": "${AWS::StackName}-security-headers"},
                    "SecurityHeadersConfig": {
                        "StrictTransportSecurity": {
                            "AccessControlMaxAgeSec": 63072000,
                            "IncludeSubdomains": False,
                            "Override": True,
                        },
                        "ContentTypeOptions": {"Override": True},
                        "FrameOptions": {"FrameOption": "DENY", "Override": True},
                        "ReferrerPolicy": {"ReferrerPolicy": "same-origin", "Override": True},
                        "ContentSecurityPolicy": {
                            "ContentSecurityPolicy": {"Fn::Sub": CONTENT_SECURITY_POLICY.format(bucket=uploads_bucket_name)},
                            "Override": True,
                        },
                    },
                }
            },
        },
        "SiteDistribution": {
            "Type": "AWS::CloudFront::Distribution",
            "Properties": {
                "DistributionConfig": {
                    "Enabled": True,
                    "Comment": {"Fn::Sub": "Noper (${AWS::StackName}): site at /, API at /api/*"},
                    "PriceClass": "PriceClass_100",
                    "HttpVersion": "http2and3",
                    "IPV6Enabled": True,
                    "DefaultRootObject": "index.html",
                    "Origins": [
                        {
                            "Id": "site",
                            "DomainName": {"Fn::GetAtt": ["SiteBucket", "RegionalDomainName"]},
                            "S3OriginConfig": {"OriginAccessIdentity": ""},
                            "OriginAccessControlId": {"Fn::GetAtt": ["SiteOriginAccessControl", "Id"]},
                        },
                        {
                            "Id": "api",
                            "DomainName": {"Fn::Sub": "${HttpApi}.execute-api.${AWS::Region}.amazonaws.com"},
                            # The HTTP API's stage `api`; routes start with /api/v1, so CloudFront's
                            # /api/v1/health reaches stage `api`, route /api/v1/health.
                            "OriginPath": "/" + http_api.STAGE,
                            # The proof that a request came through this distribution: the API believes
                            # CloudFront-Viewer-Address only next to it (API Gateway is reachable directly,
                            # with any header). The viewer cannot send it: the origin request policy does
                            # not forward it, and CloudFront sets its own value (docs/deployment.md).
                            "OriginCustomHeaders": [
                                {"HeaderName": ORIGIN_SECRET_HEADER, "HeaderValue": {"Ref": "OriginSecret"}},
                            ],
                            "CustomOriginConfig": {
                                "OriginProtocolPolicy": "https-only",
                                "OriginSSLProtocols": ["TLSv1.2"],
                            },
                        },
                    ],
                    "DefaultCacheBehavior": {
                        "TargetOriginId": "site",
                        "ViewerProtocolPolicy": "redirect-to-https",
                        "Compress": True,
                        "AllowedMethods": ["GET", "HEAD"],
                        "CachedMethods": ["GET", "HEAD"],
                        "CachePolicyId": CACHING_OPTIMIZED,
                        "ResponseHeadersPolicyId": {"Ref": "SecurityHeadersPolicy"},
                        "FunctionAssociations": [
                            {
                                "EventType": "viewer-request",
                                "FunctionARN": {"Fn::GetAtt": ["SiteRoutesFunction", "FunctionARN"]},
                            }
                        ],
                    },
                    "CacheBehaviors": [
                        {
                            "PathPattern": "/api/*",
                            "TargetOriginId": "api",
                            "ViewerProtocolPolicy": "redirect-to-https",
                            "Compress": True,
                            "AllowedMethods": ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"],
                            "CachedMethods": ["GET", "HEAD"],
                            "CachePolicyId": CACHING_DISABLED,
                            "OriginRequestPolicyId": {"Ref": "ApiOriginRequestPolicy"},
                            "ResponseHeadersPolicyId": {"Ref": "SecurityHeadersPolicy"},
                        }
                    ],
                }
            },
        },
    }


def alarm_topic() -> dict[str, Any]:
    """Where every alarm goes. Not KMS-encrypted on purpose: CloudWatch cannot publish to a topic under
    the AWS-managed key alias/aws/sns (its key policy cannot grant cloudwatch.amazonaws.com), so every
    alarm would fail silently; the messages name alarms and metrics, never residents' data. The email
    subscription exists only when `AlarmEmail` is given, and SNS waits for the address to confirm it."""
    return {
        "AlarmTopic": {
            "Type": "AWS::SNS::Topic",
            **checkov_skip(CKV_AWS_26="CloudWatch cannot publish to a topic under alias/aws/sns, and a customer "
                           "managed key (about 1 USD a month) would protect alarm names only, no resident's data."),
            "Properties": {"DisplayName": "Noper alarms"},
        },
        "AlarmEmailSubscription": {
            "Type": "AWS::SNS::Subscription",
            "Condition": "HasAlarmEmail",
            "Properties": {"TopicArn": {"Ref": "AlarmTopic"}, "Protocol": "email",
                           "Endpoint": {"Ref": "AlarmEmail"}},
        },
    }


def alarm(name: str, description: str, metric: dict[str, Any], statistic: str = "Sum") -> dict[str, Any]:
    """An alarm on `AlarmTopic` as soon as `metric` is above 0 over five minutes: each of these is a failure
    someone must look at. No data is no failure (notBreaching): a quiet night must not alarm."""
    return {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {
            "AlarmName": {"Fn::Sub": "${AWS::StackName}-" + name},
            "AlarmDescription": f"{description} See docs/operations.md, Alarms.",
            **metric,
            "Statistic": statistic,
            "Period": 300,
            "EvaluationPeriods": 1,
            "Threshold": 0,
            "ComparisonOperator": "GreaterThanThreshold",
            "TreatMissingData": "notBreaching",
            "AlarmActions": [{"Ref": "AlarmTopic"}],
        },
    }


def app_metric(name: str) -> dict[str, Any]:
    """A metric chalicelib/observability.py's Powertools `Metrics` emits: its namespace, and `service` as
    the one dimension (Powertools adds it to every metric; the alarm must name the same dimensions)."""
    return {"Namespace": NAMESPACE, "MetricName": name, "Dimensions": [{"Name": "service", "Value": SERVICE}]}


def app_alarms() -> dict[str, Any]:
    """Three alarms on metrics AWS publishes for free, and the one failure only the app can count.

    - Lambda's `Errors` without a dimension: every function of the account in this region (a stack has its
      own account, docs/deployment.md). The alarm says that one failed; which one, the per-function `Errors`
      metrics and log groups say (docs/operations.md, Alarms). One alarm instead of one per function.
    - API Gateway's `5xx` of this stack's HTTP API (by its id): the API answered 500 or 503, or its function
      crashed or timed out (502, 504). It replaces a custom metric of the app counting the same.
    - `AlertsNotEnqueued` (chalicelib/notifications/alert_queue.py): a request published an emergency or a
      lost pet but its alerts could not be enqueued; the request itself succeeded, so nothing else sees it."""
    from chalicelib.notifications.alert_queue import NOT_ENQUEUED_METRIC

    return {
        "LambdaErrorsAlarm": alarm(
            "lambda-errors", "A Lambda function of the account failed (an exception, a timeout or a crash): find "
            "which in the per-function Errors metrics.", {"Namespace": "AWS/Lambda", "MetricName": "Errors"}),
        "ApiServerErrorAlarm": alarm(
            "api-server-errors", "The API answered 5xx: a bug, a failing dependency, a crash or a timeout.",
            {"Namespace": "AWS/ApiGateway", "MetricName": "5xx",
             "Dimensions": [{"Name": "ApiId", "Value": {"Ref": "HttpApi"}}]}),
        "AlertsNotEnqueuedAlarm": alarm(
            "alerts-not-enqueued", "Urgent alerts (emergency, lost pet) were not enqueued: nobody was emailed.",
            app_metric(NOT_ENQUEUED_METRIC)),
    }


LOG_GROUP_SKIPS = {
    "CKV_AWS_158": "Encrypted at rest by CloudWatch Logs already; a customer managed key costs more than it adds "
                   "for logs kept 30 days.",
    "CKV_AWS_338": "Kept LogRetentionDays (30 by default) on purpose: the logs hold personal data (data "
                   "minimisation), and 30 days cover any investigation.",
}


def function_logs() -> dict[str, Any]:
    """A log group per function, kept `LogRetentionDays`, and the function told to write there in JSON. Named
    /aws/lambda/<stack>-<function> (the functions' IAM policies allow /aws/lambda/<stack>-*): not the group
    Lambda would create by itself (<stack>-<function>-<suffix>, kept forever), so that this template never
    collides with a group an earlier deploy left (docs/deployment.md says how to delete those). Lambda's own
    START/END/REPORT lines are INFO: left out at the default `LambdaSystemLogLevel` WARN (durations and
    memory are in Lambda's free metrics)."""
    resources: dict[str, Any] = {}
    for function in FUNCTIONS:
        resources[f"{function}LogGroup"] = {
            "Type": "AWS::Logs::LogGroup",
            **checkov_skip(**LOG_GROUP_SKIPS),
            "Properties": {"LogGroupName": {"Fn::Sub": "/aws/lambda/${AWS::StackName}-" + function},
                           "RetentionInDays": {"Ref": "LogRetentionDays"}},
        }
        resources[function] = {"Properties": {"LoggingConfig": {
            "LogGroup": {"Ref": f"{function}LogGroup"}, "LogFormat": "JSON",
            "ApplicationLogLevel": "INFO", "SystemLogLevel": {"Ref": "LambdaSystemLogLevel"}}}}
    return resources


def queue_with_dead_letters(prefix: str, name: str, function: str) -> dict[str, Any]:
    """An SQS queue read by a Chalice `on_sqs_message` handler (by the name Chalice was given; its
    function's logical id is `function`) and its dead-letter queue: a message failing 5 times waits
    there for 14 days, and its alarm goes off as soon as one does. The visibility timeout outlasts the
    handler's (300 s in .chalice/config.json) as SQS-to-Lambda requires."""
    receives = 5
    return {
        f"{prefix}DeadLetterQueue": {
            "Type": "AWS::SQS::Queue",
            "Properties": {"QueueName": f"{name}-dead-letters", "MessageRetentionPeriod": 1209600,
                           "SqsManagedSseEnabled": True},
        },
        f"{prefix}DeadLetterAlarm": alarm(
            f"{name}-dead-letters", f"Messages of {name} failed {receives} times and wait in {name}-dead-letters.",
            {"Namespace": "AWS/SQS", "MetricName": "ApproximateNumberOfMessagesVisible",
             "Dimensions": [{"Name": "QueueName",
                             "Value": {"Fn::GetAtt": [f"{prefix}DeadLetterQueue", "QueueName"]}}]},
            statistic="Maximum"),
        f"{prefix}Queue": {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": name,
                "VisibilityTimeout": 1800,
                "MessageRetentionPeriod": 345600,
                "SqsManagedSseEnabled": True,
                "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": [f"{prefix}DeadLetterQueue", "Arn"]},
                                  "maxReceiveCount": receives},
            },
        },
        # The event source mapping names the queue by ARN, not Ref: create the queue first.
        function: {"DependsOn": [f"{prefix}Queue"]},
    }


def digest_queues() -> dict[str, Any]:
    """The weekly digest's queue (one message per neighbourhood; app.py `digest_neighbourhood`)."""
    from chalicelib.digest.fanout import QUEUE

    return queue_with_dead_letters("Digest", QUEUE, "DigestNeighbourhood")


def alert_queues() -> dict[str, Any]:
    """The urgent alerts' queue (an item's job, split into one message per neighbourhood; app.py
    `urgent_alerts`)."""
    from chalicelib.notifications.alert_queue import QUEUE

    return queue_with_dead_letters("Alert", QUEUE, "UrgentAlerts")


def api_access_log() -> dict[str, Any]:
    """The HTTP API's access log: one JSON line per request (infra/http_api.py, its stage) into a log group kept
    LogRetentionDays. An HTTP API writes it through CloudWatch Logs' log delivery (the deploying user needs
    logs:CreateLogDelivery and logs:PutResourcePolicy), not the REST API's account-wide CloudWatch role."""
    return {
        "ApiAccessLogs": {
            "Type": "AWS::Logs::LogGroup",
            **checkov_skip(**LOG_GROUP_SKIPS),
            "Properties": {"RetentionInDays": {"Ref": "LogRetentionDays"}},
        },
    }


def build() -> dict[str, Any]:
    env = stage_environment()
    resources = {
        "NoperTable": table(env["NOPER_TABLE"]),
        "UploadsBucket": uploads_bucket(env["NOPER_UPLOADS_BUCKET"]),
        **site_resources(env["NOPER_UPLOADS_BUCKET"]),
        **alarm_topic(),
        **app_alarms(),
        **api_access_log(),
        **http_api.resources(),
    }
    for extra in (digest_queues(), alert_queues(), function_logs()):
        merge(resources, extra)
    uploads_policy = {
        "Type": "AWS::S3::BucketPolicy",
        "Properties": {
            "Bucket": {"Ref": "UploadsBucket"},
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [_deny_insecure_transport("UploadsBucket")]},
        },
    }
    resources["UploadsBucketPolicy"] = uploads_policy
    return {
        # The key for HMACs (sign-in codes, sessions, signed links): given at deploy time, never in the repo.
        "Parameters": {
            "SecretKey": {
                "Type": "String",
                "NoEcho": True,
                "MinLength": 32,
                "Description": "NOPER_SECRET_KEY: at least 32 random characters (e.g. openssl rand -base64 48)",
            },
            # What CloudFront adds to every API request and the API checks before it believes the viewer's
            # address (chalicelib/web/api.py, client_ip). Rotation: the new one here and the old one in
            # OriginSecretPrevious for one deploy, then the previous one emptied (docs/deployment.md).
            "OriginSecret": {
                "Type": "String",
                "NoEcho": True,
                "MinLength": 32,
                "AllowedPattern": "^[A-Za-z0-9+/=_-]+$",
                "ConstraintDescription": "at least 32 characters from A-Z a-z 0-9 + / = _ -",
                "Description": "NOPER_ORIGIN_SECRET: at least 32 random characters (e.g. openssl rand -hex 32)",
            },
            "OriginSecretPrevious": {
                "Type": "String",
                "NoEcho": True,
                "Default": "",
                "AllowedPattern": "^[A-Za-z0-9+/=_-]*$",
                "Description": "NOPER_ORIGIN_SECRET_PREVIOUS: the origin secret being replaced, during a rotation "
                "only; empty otherwise",
            },
            # Links in emails and paper digests need the site's address, which no request carries there.
            # CloudFront names it only once the stack exists (and the functions cannot refer to the
            # distribution, which refers to the API, which refers to them): empty on the first deploy,
            # the SiteUrl output (or the commune's own domain) from the second on (docs/deployment.md).
            "SiteUrl": {
                "Type": "String",
                "Default": "",
                "AllowedPattern": "^(https://[A-Za-z0-9.-]+)?$",
                "ConstraintDescription": "https://<host>, without a path or a trailing slash",
                "Description": "NOPER_SITE_URL: the origin residents open (https://...); empty on the first deploy "
                "only, until then no email or paper digest is sent",
            },
            "LogRetentionDays": {
                "Type": "Number",
                "Default": LOG_RETENTION_DAYS,
                "AllowedValues": RETENTION_CHOICES,
                "Description": "How many days every log group keeps its lines (they hold personal data: more than "
                "30 needs a reason)",
            },
            "LambdaSystemLogLevel": {
                "Type": "String",
                "Default": "WARN",
                "AllowedValues": ["DEBUG", "INFO", "WARN"],
                "Description": "Lambda's own log lines: WARN leaves out START/END/REPORT (each invocation's "
                "duration and memory); INFO while investigating",
            },
            "AlarmEmail": {
                "Type": "String",
                "Default": "",
                "Description": "Where alarms are emailed (confirm the subscription from the email SNS sends); "
                "empty: no email, the alarms are only in CloudWatch",
            },
        },
        "Conditions": {"HasAlarmEmail": {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]}},
        "Globals": {"Function": {"Environment": {"Variables": {
            "NOPER_SECRET_KEY": {"Ref": "SecretKey"}, "NOPER_SITE_URL": {"Ref": "SiteUrl"},
            "NOPER_ORIGIN_SECRET": {"Ref": "OriginSecret"}, "NOPER_ORIGIN_SECRET_PREVIOUS": {"Ref": "OriginSecretPrevious"},
        }}}},
        "Rules": {
            "DataStaysInTheEU": {
                "Assertions": [
                    {
                        "Assert": {"Fn::Contains": [EU_REGIONS, {"Ref": "AWS::Region"}]},
                        "AssertDescription": "Noper keeps residents' data in the EU: deploy in "
                        + ", ".join(EU_REGIONS)
                        + " (docs/deployment.md)",
                    }
                ]
            }
        },
        "Resources": resources,
        "Outputs": {
            "SiteUrl": {
                "Description": "The site and its API (/api/v1/...), one origin",
                "Value": SITE_ORIGIN,
            },
            "DistributionId": {
                "Description": "CloudFront distribution to invalidate after uploading the site",
                "Value": {"Ref": "SiteDistribution"},
            },
            "SiteBucketName": {
                "Description": "Upload frontend/dist here (aws s3 sync --delete)",
                "Value": {"Ref": "SiteBucket"},
            },
            "TableName": {"Description": "The DynamoDB table", "Value": {"Ref": "NoperTable"}},
            "AlarmTopicArn": {
                "Description": "Every alarm is sent here (subscribe more addresses or a chat integration)",
                "Value": {"Ref": "AlarmTopic"},
            },
            "UploadsBucketName": {
                "Description": "Residents' uploads (presigned POST)",
                "Value": {"Ref": "UploadsBucket"},
            },
        },
    }


def merge(into: dict[str, Any], extra: dict[str, Any]) -> None:
    """Deep-merge `extra` into `into` (several parts add properties to the same function)."""
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            merge(into[key], value)
        elif isinstance(value, list) and isinstance(into.get(key), list):
            into[key] = into[key] + value
        else:
            into[key] = value


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m infra.template OUT.json", file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(build(), indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
