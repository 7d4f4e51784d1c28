"""Bench: the yearly AWS bill of a Noper deployment, from its packaged template and a usage profile.

    PYTHONPATH=. .venv/bin/python bench/cost.py [--template build/package/sam.json] [--build]
        [--residents 10000] [--weekly-active 0.30] [--screens 10] [--calls-per-screen 2]
        [--digest-recipients N] [...every assumption is a flag: --help]

What it reads from the template (`make package` writes it; `--build`, or a missing file, builds it here the
same way without the scanners): the functions with their memory and architecture, the API (an HTTP API or a
REST API, each at its price), the
CloudFront distribution and its function, the queues Lambda polls, the table and its point-in-time
recovery, the alarms and the custom metrics they watch, and every log group with its retention (a
function without a declared group logs to one Lambda creates, kept forever). What it assumes about use
comes from the flags, each with its default and why in `--help` and docs/deployment.md. Prices: the one
dated table bench/prices_eu_west_1.json (eu-west-1 list prices, USD, and the EUR rate).

Prints each resource's yearly cost and share at list price, the total in EUR, and the total once the
always-free allowances every AWS account has (Lambda, CloudFront, CloudWatch, DynamoDB storage, SQS, data
transfer) are taken off: what a dedicated account is billed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PRICES = Path(__file__).resolve().parent / "prices_eu_west_1.json"
TEMPLATE = ROOT / "build" / "package" / "sam.json"
WEEKS, MONTHS, MINUTES = 52, 12, 525_600
MB, GB = 1024 ** 2, 1024 ** 3


def main() -> int:
    args = parser().parse_args()
    template_path = Path(args.template)
    if args.build or not template_path.exists():
        build(template_path)
    template = json.loads(template_path.read_text(encoding="utf-8"))
    table = json.loads(PRICES.read_text(encoding="utf-8"))
    stack = Stack.of(template)
    lines = bill(stack, Profile.of(args), table["prices"])
    free = always_free(stack, Profile.of(args), table["always_free_per_month"], table["prices"])
    report(lines, free, table, stack, Profile.of(args), template_path)
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--template", default=str(TEMPLATE), help="the packaged template (default build/package/sam.json)")
    p.add_argument("--build", action="store_true", help="build the template first (infra.template + chalice package)")
    p.add_argument("--residents", type=int, default=10_000, help="residents with an account (10,000)")
    p.add_argument("--weekly-active", type=float, default=0.30, help="share who open Noper in a week (0.30)")
    p.add_argument("--screens", type=float, default=10,
                   help="screens a weekly-active resident opens in a week (10: three visits of three or four screens)")
    p.add_argument("--calls-per-screen", type=float, default=2.0,
                   help="API calls per screen (2: the web app's target, issue 16; it measured 4.1 before)")
    p.add_argument("--visits", type=float, default=3, help="visits a week of an active resident (3): each loads "
                   "index.html and revalidates the app's files through CloudFront")
    p.add_argument("--site-requests-per-visit", type=float, default=3)
    p.add_argument("--seen-per-visit", type=float, default=1,
                   help="feed-position PUTs a visit (1: the web app sends one a day at most, when the feed has news; "
                        "what lets the digest skip a week read all of)")
    p.add_argument("--digest-opt-out", type=float, default=0.20,
                   help="share of residents who turned the digest off (0.20)")
    p.add_argument("--read-everything", type=float, default=0.67,
                   help="share of the weekly-active residents who saw every post of their week in the feed, and "
                        "so get no digest (0.67)")
    p.add_argument("--digest-recipients", type=int, default=None,
                   help="digests a week (default: residents x (1 - opt-out) x (1 - weekly-active x read-everything))")
    p.add_argument("--other-emails", type=float, default=6,
                   help="other emails per resident a year: sign-in codes, lost-pet and emergency alerts, loan and "
                        "message reminders (6)")
    p.add_argument("--api-ms", type=float, default=80, help="mean API function duration, ms (80)")
    p.add_argument("--email-ms", type=float, default=40, help="function time per email: render and SES call, ms (40)")
    p.add_argument("--rru-per-call", type=float, default=3, help="DynamoDB read units per API call (3: two round "
                   "trips, eventually consistent, a feed page of 20 posts about 4 units)")
    p.add_argument("--write-share", type=float, default=0.10, help="share of API calls that write (0.10)")
    p.add_argument("--wru-per-write", type=float, default=6, help="write units per writing call (6: transactions "
                   "bill twice; a post writes the post, its feed entries and a counter)")
    p.add_argument("--table-gb", type=float, default=0.5, help="table size, GB (0.5 after a year: profiles, posts, "
                   "comments, 400-day sent markers)")
    p.add_argument("--photos-gb", type=float, default=5, help="photos stored in S3, GB (5)")
    p.add_argument("--photos-per-screen", type=float, default=1, help="photos a screen loads from S3 (1)")
    p.add_argument("--photo-kb", type=float, default=40, help="mean size of a photo loaded, KB (40: thumbnails)")
    p.add_argument("--api-response-kb", type=float, default=3, help="mean API response, KB (3, compressed)")
    p.add_argument("--site-response-kb", type=float, default=15, help="mean site response, KB (15: index.html, "
                   "304s, the odd new bundle)")
    p.add_argument("--access-log-bytes", type=float, default=400, help="API Gateway access log line, bytes (400)")
    p.add_argument("--app-log-bytes", type=float, default=150,
                   help="application log per API call, bytes (150: warnings and errors of some calls)")
    p.add_argument("--platform-log-bytes", type=float, default=600,
                   help="Lambda's START/END/REPORT lines per invocation, bytes (600), when the system log level lets "
                        "them through")
    p.add_argument("--log-compression", type=float, default=0.15, help="stored log size / ingested (0.15)")
    p.add_argument("--unalarmed-metrics", type=int, default=0,
                   help="custom metrics the code emits that no alarm watches, which the template cannot show (0; "
                        "before issue 16: 1, ApiResponse)")
    p.add_argument("--pollers", type=float, default=5, help="Lambda's pollers per SQS queue (5)")
    p.add_argument("--polls-per-minute", type=float, default=3, help="empty receives per poller a minute (3: 20 s "
                   "long polls)")
    return p


def build(out: Path) -> None:
    """`make package` without the scanners: the merge template, chalice package, the HTTP API in place of REST."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "AWS_DEFAULT_REGION": "eu-west-1"}
    python, chalice = ROOT / ".venv" / "bin" / "python", ROOT / ".venv" / "bin" / "chalice"
    merge = ROOT / "build" / "infra.json"
    subprocess.run([str(python), "-m", "infra.template", str(merge)], cwd=ROOT, env=env, check=True)
    subprocess.run([str(chalice), "package", "--stage", "prod", "--merge-template", str(merge), str(out.parent)],
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([str(python), "-m", "infra.http_api", str(out)], cwd=ROOT, env=env, check=True)


@dataclass
class Function:
    name: str
    memory_gb: float
    arm64: bool
    sqs: bool
    log_days: float | None  # None: kept forever
    platform_logs: bool


@dataclass
class Stack:
    functions: dict[str, Function]
    api: str | None  # "HTTP" or "REST": API Gateway's kind, which sets the price of a call
    cloudfront: bool
    cloudfront_function: bool
    alarms: int
    custom_metrics: set[tuple[str, str]]
    log_groups: dict[str, float | None]
    access_log_days: float | None
    pitr: bool
    queues_polled: int

    @staticmethod
    def of(template: dict[str, Any]) -> "Stack":
        resources, parameters = template["Resources"], template.get("Parameters", {})

        def value(v: Any) -> Any:
            if isinstance(v, dict) and "Ref" in v and v["Ref"] in parameters:
                return parameters[v["Ref"]].get("Default")
            return v

        groups = {name: value(r["Properties"].get("RetentionInDays")) for name, r in resources.items()
                  if r["Type"] == "AWS::Logs::LogGroup"}
        functions = {}
        for name, r in resources.items():
            if r["Type"] not in ("AWS::Serverless::Function", "AWS::Lambda::Function"):
                continue
            props = r["Properties"]
            logging = props.get("LoggingConfig") or {}
            group = logging.get("LogGroup", {})
            days = groups.get(group.get("Ref")) if isinstance(group, dict) else None
            system = value(logging.get("SystemLogLevel", "INFO"))
            events = props.get("Events", {}).values()
            functions[name] = Function(
                name=name, memory_gb=props.get("MemorySize", 128) / 1024,
                arm64="arm64" in props.get("Architectures", ["x86_64"]),
                sqs=any(e.get("Type") == "SQS" for e in events),
                log_days=float(days) if days else None, platform_logs=system in ("INFO", "DEBUG"))
        alarms = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::CloudWatch::Alarm"]
        kinds = {r["Type"] for r in resources.values()}
        http = [r for r in resources.values() if r["Type"] == "AWS::Serverless::HttpApi" or (
            r["Type"] == "AWS::ApiGatewayV2::Api" and r["Properties"].get("ProtocolType", "HTTP") == "HTTP")]
        api = "HTTP" if http else "REST" if kinds & {"AWS::Serverless::Api", "AWS::ApiGateway::RestApi"} else None
        # the access log: the REST API's AccessLogSetting, an HTTP API stage's AccessLogSettings
        settings = [r["Properties"].get("AccessLogSetting") or r["Properties"].get("AccessLogSettings")
                    for r in resources.values() if r["Type"] in ("AWS::Serverless::Api", "AWS::ApiGateway::Stage",
                                                                 "AWS::ApiGatewayV2::Stage", "AWS::Serverless::HttpApi")]
        access = next((setting for setting in settings if setting), {})
        access_group = (access.get("DestinationArn") or {}).get("Fn::GetAtt", [None])[0]
        table = next((r for r in resources.values() if r["Type"] == "AWS::DynamoDB::Table"), {})
        return Stack(
            functions=functions,
            api=api,
            cloudfront=any(r["Type"] == "AWS::CloudFront::Distribution" for r in resources.values()),
            cloudfront_function=any(r["Type"] == "AWS::CloudFront::Function" for r in resources.values()),
            alarms=len(alarms),
            custom_metrics={(a["Namespace"], a["MetricName"]) for a in alarms
                            if "Namespace" in a and not str(a["Namespace"]).startswith("AWS/")},
            log_groups=groups,
            access_log_days=float(groups[access_group]) if access_group and groups.get(access_group) else None,
            pitr=bool(table.get("Properties", {}).get("PointInTimeRecoverySpecification", {})
                      .get("PointInTimeRecoveryEnabled")),
            queues_polled=sum(1 for f in functions.values() if f.sqs),
        )


@dataclass
class Profile:
    a: argparse.Namespace
    active: float = 0
    screens: float = 0
    api_calls: float = 0
    site_requests: float = 0
    digests: float = 0
    recipients: float = 0
    other_emails: float = 0
    seen_calls: float = 0

    @staticmethod
    def of(a: argparse.Namespace) -> "Profile":
        p = Profile(a)
        p.active = a.residents * a.weekly_active
        p.screens = p.active * a.screens * WEEKS
        p.seen_calls = p.active * a.visits * a.seen_per_visit * WEEKS
        p.api_calls = p.screens * a.calls_per_screen + p.seen_calls
        p.site_requests = p.active * a.visits * a.site_requests_per_visit * WEEKS
        p.recipients = (a.digest_recipients if a.digest_recipients is not None else
                        a.residents * (1 - a.digest_opt_out) * (1 - a.weekly_active * a.read_everything))
        p.digests = p.recipients * WEEKS
        p.other_emails = a.residents * a.other_emails
        return p


@dataclass
class Line:
    resource: str
    usd: float
    detail: str
    parts: dict[str, float] = field(default_factory=dict)


def bill(stack: Stack, p: Profile, price: dict[str, float]) -> list[Line]:
    a = p.a
    emails = p.digests + p.other_emails
    api = stack.functions.get("APIHandler")
    senders = [f for f in stack.functions.values() if f.name in ("DigestNeighbourhood", "UrgentAlerts")]
    email_fn = senders[0] if senders else api

    def gb_s(fn: Function | None, seconds: float) -> float:
        return seconds * (fn.memory_gb if fn else 0.5)

    def gb_s_price(fn: Function | None) -> float:
        return price["lambda_gb_second_arm64" if fn and fn.arm64 else "lambda_gb_second_x86_64"]

    api_gb_s = gb_s(api, p.api_calls * a.api_ms / 1000)
    email_gb_s = gb_s(email_fn, emails * a.email_ms / 1000)
    # schedules: the hourly unread reminders, daily loan reminders, two weekly digest runs; uploads
    other_invocations = 8760 + 365 + 2 * WEEKS
    other_gb_s = other_invocations * 1.0 * 0.5
    invocations = p.api_calls + other_invocations + emails / 100
    lambda_usd = (invocations / 1e6 * price["lambda_request_per_million"]
                  + api_gb_s * gb_s_price(api) + email_gb_s * gb_s_price(email_fn) + other_gb_s * gb_s_price(api))

    screen_calls = p.api_calls - p.seen_calls
    rru = screen_calls * a.rru_per_call + p.digests * 0.5
    # a feed-position PUT: one small conditional update; a sent marker: a transactional write
    wru = screen_calls * a.write_share * a.wru_per_write + p.seen_calls + emails * 2
    dynamodb = {"requests": rru / 1e6 * price["dynamodb_read_request_unit_per_million"]
                + wru / 1e6 * price["dynamodb_write_request_unit_per_million"],
                "storage": a.table_gb * price["dynamodb_storage_gb_month"] * MONTHS,
                "backups (PITR)": a.table_gb * price["dynamodb_pitr_gb_month"] * MONTHS if stack.pitr else 0.0}

    photo_gets = p.screens * a.photos_per_screen
    s3 = {"storage": a.photos_gb * price["s3_standard_gb_month"] * MONTHS,
          "requests": photo_gets / 1000 * price["s3_get_per_thousand"]
          + p.active * 0.2 * WEEKS * 3 / 1000 * price["s3_put_per_thousand"],
          "transfer out": photo_gets * a.photo_kb * 1024 / GB * price["data_transfer_out_gb"]}

    # logs: what each invocation writes, kept by each group's retention (forever: the first year's mean)
    def stored_gb(ingested_gb: float, days: float | None) -> float:
        kept = ingested_gb / 365 * days if days else ingested_gb / 2
        return kept * a.log_compression

    api_log_gb = p.api_calls * (a.app_log_bytes + (a.platform_log_bytes if api and api.platform_logs else 0)) / GB
    email_log_gb = emails * 200 / GB + (invocations - p.api_calls) * (a.platform_log_bytes if email_fn and
                                                                     email_fn.platform_logs else 0) / GB
    access_gb = p.api_calls * a.access_log_bytes / GB if stack.api else 0
    ingested = api_log_gb + email_log_gb + access_gb
    stored = (stored_gb(api_log_gb, api.log_days if api else None)
              + stored_gb(email_log_gb, email_fn.log_days if email_fn else None)
              + stored_gb(access_gb, stack.access_log_days))
    metrics = len(stack.custom_metrics) + a.unalarmed_metrics
    cloudwatch = {"alarms": stack.alarms * price["cloudwatch_alarm_month"] * MONTHS,
                  "custom metrics": metrics * price["cloudwatch_custom_metric_month"] * MONTHS,
                  "logs ingested": ingested * price["cloudwatch_logs_ingestion_gb"],
                  "logs stored": stored * price["cloudwatch_logs_storage_gb_month"] * MONTHS}

    cloudfront = {}
    if stack.cloudfront:
        requests = p.api_calls + p.site_requests
        cloudfront = {"requests": requests / 10_000 * price["cloudfront_https_per_10000"],
                      "transfer out": (p.api_calls * a.api_response_kb + p.site_requests * a.site_response_kb)
                      * 1024 / GB * price["cloudfront_transfer_out_gb"],
                      "function": (p.site_requests / 1e6 * price["cloudfront_function_per_million"]
                                   if stack.cloudfront_function else 0.0)}

    polls = stack.queues_polled * a.pollers * a.polls_per_minute * MINUTES
    sqs_requests = polls + (WEEKS * 40 + p.other_emails / 100) * 3

    return [
        Line("SES (emails)", emails / 1000 * price["ses_per_thousand_emails"],
             f"{p.recipients:,.0f} digests a week, {p.other_emails:,.0f} other emails a year; no attachments",
             {"digests": p.digests / 1000 * price["ses_per_thousand_emails"],
              "other emails": p.other_emails / 1000 * price["ses_per_thousand_emails"]}),
        Line(f"API Gateway ({stack.api or 'none'})",
             p.api_calls / 1e6 * price[f"api_gateway_{stack.api.lower()}_per_million"] if stack.api else 0,
             f"{p.api_calls / 1e6:.2f} M calls ({p.screens / 1e6:.2f} M screens x {a.calls_per_screen:g}, and the "
             f"feed-position PUTs)"),
        Line("CloudWatch", sum(cloudwatch.values()),
             f"{stack.alarms} alarms, {metrics} custom metrics, {ingested:.1f} GB logs, "
             f"{len(stack.log_groups)} log groups declared"
             + ("" if all(f.log_days for f in stack.functions.values()) else ", functions logging forever"),
             cloudwatch),
        Line("CloudFront", sum(cloudfront.values()), "API and site requests, transfer out, the site's routes function",
             cloudfront),
        Line("DynamoDB (on demand)", sum(dynamodb.values()),
             f"{rru / 1e6:.1f} M read units, {wru / 1e6:.1f} M write units, {a.table_gb:g} GB", dynamodb),
        Line("S3 (uploads)", sum(s3.values()), f"{a.photos_gb:g} GB of photos, {photo_gets / 1e6:.1f} M photo loads", s3),
        Line("Lambda", lambda_usd, f"{invocations / 1e6:.2f} M invocations, "
             f"{api_gb_s + email_gb_s + other_gb_s:,.0f} GB-s ({'arm64' if api and api.arm64 else 'x86_64'})"),
        Line("SQS", sqs_requests / 1e6 * price["sqs_standard_per_million"],
             f"{stack.queues_polled} queues long-polled by Lambda all year: {sqs_requests / 1e6:.1f} M requests"),
        Line("EventBridge", 0.0, "schedules and S3's own events: no charge"),
        Line("SNS (alarm emails)", 0.0, "a few emails a year"),
    ]


def always_free(stack: Stack, p: Profile, free: dict[str, Any], price: dict[str, float]) -> dict[str, float]:
    """What the always-free allowances take off each line (USD a year), never more than the line."""
    lines = {line.resource: line for line in bill(stack, p, price)}
    a = p.a
    off = {}
    lam = lines["Lambda"]
    off["Lambda"] = min(lam.usd, free["lambda_requests"] * MONTHS / 1e6 * price["lambda_request_per_million"]
                        + free["lambda_gb_seconds"] * MONTHS * price["lambda_gb_second_x86_64"])
    cf = lines["CloudFront"].parts
    if cf:
        off["CloudFront"] = (min(cf["requests"], free["cloudfront_requests"] * MONTHS / 10_000
                                 * price["cloudfront_https_per_10000"])
                             + min(cf["transfer out"], free["cloudfront_transfer_gb"] * MONTHS
                                   * price["cloudfront_transfer_out_gb"])
                             + min(cf["function"], free["cloudfront_function_invocations"] * MONTHS / 1e6
                                   * price["cloudfront_function_per_million"]))
    cw = lines["CloudWatch"].parts
    off["CloudWatch"] = (min(cw["alarms"], free["cloudwatch_alarms"] * MONTHS * price["cloudwatch_alarm_month"])
                         + min(cw["custom metrics"], free["cloudwatch_custom_metrics"] * MONTHS
                               * price["cloudwatch_custom_metric_month"])
                         + min(cw["logs ingested"] + cw["logs stored"], free["cloudwatch_logs_gb"] * MONTHS
                               * price["cloudwatch_logs_ingestion_gb"]))
    ddb = lines["DynamoDB (on demand)"].parts
    off["DynamoDB (on demand)"] = min(ddb["storage"], min(a.table_gb, free["dynamodb_storage_gb"])
                                      * price["dynamodb_storage_gb_month"] * MONTHS)
    off["SQS"] = min(lines["SQS"].usd, free["sqs_requests"] * MONTHS / 1e6 * price["sqs_standard_per_million"])
    s3 = lines["S3 (uploads)"].parts
    off["S3 (uploads)"] = min(s3["transfer out"], free["data_transfer_out_gb"] * MONTHS * price["data_transfer_out_gb"])
    return off


def report(lines: list[Line], free: dict[str, float], table: dict[str, Any], stack: Stack, p: Profile,
           template: Path) -> None:
    eur = table["usd_to_eur"]
    total = sum(line.usd for line in lines)
    billed = total - sum(free.values())
    print(f"Yearly AWS cost of {template} (prices: {PRICES.name}, {table['region']}, as of {table['as_of']}; "
          f"1 USD = {eur} EUR)")
    print(f"profile: {p.a.residents:,} residents, {p.active:,.0f} weekly active, {p.screens / WEEKS:,.0f} screens "
          f"a week, {p.api_calls / 1e6:.2f} M API calls a year, {p.recipients:,.0f} digests a week")
    print(f"stack: {len(stack.functions)} functions, {stack.alarms} alarms, {len(stack.custom_metrics)} custom "
          f"metrics, {len(stack.log_groups)} log groups declared\n")
    print(f"| resource | list price, EUR/year | share | after always-free, EUR/year | what |")
    print("|---|---:|---:|---:|---|")
    for line in sorted(lines, key=lambda line: -line.usd):
        share = line.usd / total if total else 0
        print(f"| {line.resource} | {line.usd * eur:.2f} | {share:.0%} | "
              f"{max(0.0, line.usd - free.get(line.resource, 0)) * eur:.2f} "
              f"| {line.detail} |")
    print(f"| **total** | **{total * eur:.2f}** | 100% | **{billed * eur:.2f}** | |\n")
    print(f"yearly total at list price: EUR {total * eur:.2f}")
    print(f"yearly total billed to an account of its own (always-free allowances taken off): EUR {billed * eur:.2f}")


if __name__ == "__main__":
    sys.exit(main())
