"""`./noper digest` and `./noper reminders`: run (or preview) the weekly digest, or the hourly reminders, on this machine
(the local stack by default)."""

from __future__ import annotations

import argparse
import sys


def add_commands(commands) -> None:
    digest = commands.add_parser("digest", help="send (or preview with --dry-run) the weekly digest of a week")
    digest.add_argument("--week", metavar="YYYY-Www",
                        help="the ISO week to tell about, e.g. 2026-W48, or `this` for the week so far (the "
                             "demo's posts are this week's) (default: last week, Luxembourg time)")
    digest.add_argument("--neighbourhood", metavar="ID", help="only this neighbourhood, e.g. 0501-891fa065313")
    digest.add_argument("--dry-run", action="store_true",
                        help="print what each resident would get; send nothing, mark nothing as sent")
    digest.set_defaults(run=_digest)
    commands.add_parser("reminders", help="run the hourly reminders now, as the scheduled job does: events tomorrow, "
                        "shifts tomorrow, and organisers of shifts that are over asked to confirm who came (each "
                        "sent once)").set_defaults(run=_reminders)


def _reminders(_args: argparse.Namespace) -> int:
    from chalicelib.notifications.event_reminders import hourly

    hourly()
    print("hourly reminders run: events, shifts and organisers' asks (what was due was sent; the emails are in the "
          "outbox on the local stack)")
    return 0


def _digest(args: argparse.Namespace) -> int:
    from chalicelib.adapters.clock import now
    from chalicelib.digest.service import run_week
    from chalicelib.digest.weeks import week_before, week_of
    from chalicelib.errors import NoperError

    week = week_of(now()) if args.week == "this" else args.week or week_before(now())
    try:
        reports = run_week(week, neighbourhood_id=args.neighbourhood, dry_run=args.dry_run)
    except NoperError as error:
        print(f"noper: {error}", file=sys.stderr)
        return 1
    if not reports:
        print(f"no published neighbourhood: nothing to send for {week}")
    for report in reports:
        print(report.line())
        for preview in report.previews:
            counts = ", ".join(f"{value} {name.replace('_', ' ')}" for name, value in preview.counts.items() if value)
            print(f"  would send to {preview.email} ({preview.language}): {preview.subject} — {counts}")
        for user_id in report.failed:
            print(f"  NOT sent to {user_id}: run the same command again to retry (the others stay sent)")
    if args.dry_run:
        print("dry run: nothing was sent, nothing marked as sent")
    return 1 if any(report.failed for report in reports) else 0
