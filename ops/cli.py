"""`./noper`: the operator's command line. Run `./noper --help`.

Without NOPER_STAGE in the environment it works on the local stack of `make run`; with
NOPER_STAGE=prod (and AWS credentials) on the real table.
"""

from __future__ import annotations

import argparse
import os
import sys


def _use_local_stack_unless_told() -> None:
    if "NOPER_STAGE" not in os.environ:
        from ops.stack import local_environment

        for name, value in local_environment().items():
            os.environ.setdefault(name, value)


def init(_args: argparse.Namespace) -> int:
    from chalicelib.store.bootstrap import ensure_table

    print(f"table: {ensure_table()}")
    return 0


def demo(_args: argparse.Namespace) -> int:
    from ops.demo import load_demo

    for line in load_demo():
        print(f"loaded {line}")
    return 0


def copy_blocks_to_volunteering(_args: argparse.Namespace) -> int:
    from chalicelib.messages.service import copy_blocks_to_volunteering as copy

    print(f"blocks noted on the volunteering profiles: {copy()}")
    return 0


def copy_blocks(_args: argparse.Namespace) -> int:
    from chalicelib.messages.service import copy_blocks_to_profiles

    print(f"blocks copied onto their blockers' profiles: {copy_blocks_to_profiles()}")
    return 0


def head_threads(_args: argparse.Namespace) -> int:
    from chalicelib.events.service import head_threads as head_events
    from chalicelib.lending.items import head_threads as head_items
    from chalicelib.posts.service import head_threads as head_posts

    print(f"comment threads given their head: {head_posts()} of posts, {head_items()} of lent items, "
          f"{head_events()} of events")
    return 0


def snapshot_reports(_args: argparse.Namespace) -> int:
    from chalicelib.moderation.service import copy_into_reports

    print(f"reports given a copy of what they report: {copy_into_reports()}")
    return 0


def index_professionals(_args: argparse.Namespace) -> int:
    from chalicelib.posts.professionals import index_professionals as index

    print(f"professionals indexed next to their recommendations: {index()}")
    return 0


def _in_every_commune(step, done: str) -> int:
    """An upgrade step run for each commune in turn (`step(lau2)` answers how many items it wrote)."""
    from chalicelib.communes.service import list_communes

    print(f"{done}: {sum(step(c.lau2) for c in list_communes().communes)}")
    return 0


def copy_loans(_args: argparse.Namespace) -> int:
    from chalicelib.lending.loans import copy_loans_on_links

    print(f"loans copied onto their links: {copy_loans_on_links()}")
    return 0


def reach_announcements(_args: argparse.Namespace) -> int:
    from chalicelib.announcements.service import reach_neighbourhoods

    return _in_every_commune(reach_neighbourhoods, "whole-commune announcements copied into neighbourhoods")


def queue_pending_calls(_args: argparse.Namespace) -> int:
    from chalicelib.communes.service import list_communes
    from chalicelib.volunteering.approval import queue_pending_calls as queue

    print(f"partners' pending calls queued for the staff: {sum(queue(c.lau2) for c in list_communes().communes)}")
    return 0


def show_calls_on_events(_args: argparse.Namespace) -> int:
    from chalicelib.volunteering.service import show_calls_on_events as show

    return _in_every_commune(show, "open calls for volunteers listed on their events")


def index_ended_shifts(args: argparse.Namespace) -> int:
    from chalicelib.notifications.volunteer_reminders import index_ended_shifts as index

    print(f"shifts indexed for their organisers' ask to confirm who came: {index(args.days)}")
    return 0


def count_call_sign_ups(_args: argparse.Namespace) -> int:
    from chalicelib.volunteering.service import count_sign_ups

    print(f"calls for volunteers given their count of sign-ups: {count_sign_ups()}")
    return 0


def retarget_consultations(_args: argparse.Namespace) -> int:
    from chalicelib.consultations.service import retarget

    return _in_every_commune(retarget, "consultation target entries written")


def index_pending(_args: argparse.Namespace) -> int:
    from chalicelib.verification.service import index_pending_residents

    return _in_every_commune(index_pending_residents, "pending residents copied into their commune's index")


def name_audit_entries(_args: argparse.Namespace) -> int:
    from chalicelib.communes.audit import name_entries

    return _in_every_commune(name_entries, "audit log entries given their staff member's name")


def move_consultation_texts(_args: argparse.Namespace) -> int:
    from chalicelib.consultations.service import move_texts

    return _in_every_commune(move_texts, "consultation free-text answers moved into their consultation's partition")


def count_members(_args: argparse.Namespace) -> int:
    from chalicelib.neighbours.service import recount_members

    return _in_every_commune(recount_members, "neighbourhoods counted")


def head_residents(_args: argparse.Namespace) -> int:
    from chalicelib.neighbourhoods.publishing import head_residents as write_heads

    return _in_every_commune(write_heads, "neighbourhoods given the head of their residents")


def move_drafts(_args: argparse.Namespace) -> int:
    from chalicelib.neighbourhoods.service import move_draft

    return _in_every_commune(move_draft, "neighbourhood drafts moved next to their cells")


def copy_vouches(_args: argparse.Namespace) -> int:
    from chalicelib.neighbours.vouching import copy_vouches_onto_accounts

    print(f"accounts given their vouches: {copy_vouches_onto_accounts()}")
    return 0


def list_documents(_args: argparse.Namespace) -> int:
    from chalicelib.consultations.documents import list_documents as list_them

    print(f"consultations given the list of their documents: {list_them()}")
    return 0


def calendar_days(_args: argparse.Namespace) -> int:
    from chalicelib.events.calendar import rekey_calendars

    print(f"events whose calendar entries were rewritten by day: {rekey_calendars()}")
    return 0


def list_publisher_events(_args: argparse.Namespace) -> int:
    from chalicelib.events.publishing import index_publisher_events

    print(f"publishers' events listed for their links: {index_publisher_events()}")
    return 0


def index_roles(_args: argparse.Namespace) -> int:
    from chalicelib.accounts.roles import index_role_holders

    print(f"roles listed for the admin page: {index_role_holders()}")
    return 0


# Exit codes of `import-addresses` besides 0 (imported) and 2 (usage): docs/operations.md.
FILE_REFUSED, NEEDS_ALLOW_RETIRE, INTERRUPTED = 1, 3, 4


def import_addresses(args: argparse.Namespace) -> int:
    from chalicelib.addresses.importer import ImportInterrupted, RetirementNeedsConsent
    from chalicelib.addresses.register import InvalidRegister
    from chalicelib.addresses.service import import_addresses as run_import

    try:
        data = open(args.file, "rb").read()
    except OSError as error:
        print(f"noper: cannot read {args.file}: {error.strerror}", file=sys.stderr)
        return FILE_REFUSED
    bar = _ProgressBar()
    try:
        report = run_import(data, only_lau2=args.commune, create_communes=True, allow_retire=args.allow_retire,
                            retire_despite_refused=args.retire_despite_refused, progress=bar)
    except InvalidRegister as error:
        return _fail(bar, f"{args.file}: {error}", FILE_REFUSED)
    except RetirementNeedsConsent as error:
        return _fail(bar, f"{error} (--allow-retire)", NEEDS_ALLOW_RETIRE)
    except ImportInterrupted as error:
        return _fail(bar, str(error), INTERRUPTED)
    print("", file=sys.stderr)
    for line in report.lines():
        print(line)
    if report.kept:
        print(f"(--retire-despite-refused retires the {report.kept} kept addresses)")
    return 0


def _fail(bar, message: str, code: int) -> int:
    """One line on stderr (after ending the progress bar, if it was drawn)."""
    print(("\n" if bar.drawn else "") + f"noper: {message}", file=sys.stderr)
    return code


def _lau2(text: str) -> str:
    if not (len(text) == 4 and text.isdigit()):
        raise argparse.ArgumentTypeError(f"{text!r} is not a LAU2 commune code (four digits, e.g. 0501)")
    return text


class _ProgressBar:
    """A plain progress bar on stderr, redrawn in place with \\r."""

    def __init__(self, width: int = 30, doing: str = "importing", unit: str = "rows") -> None:
        self.width, self.drawn, self.doing, self.unit = width, False, doing, unit

    def __call__(self, done: int, total: int) -> None:
        self.drawn = True
        filled = self.width * done // total if total else self.width
        print(f"\r{self.doing} [{'#' * filled}{'.' * (self.width - filled)}] {done}/{total} {self.unit}", end="",
              file=sys.stderr, flush=True)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="noper", description="Operate Noper: the table, data imports, demo data.")
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("init", help="create or update the DynamoDB table (idempotent)").set_defaults(run=init)
    commands.add_parser("demo", help="load the demo data (idempotent)").set_defaults(run=demo)
    commands.add_parser("copy-blocks", help="once, when upgrading: copy every block onto its blocker's profile, "
                        "where the weekly digest reads it (idempotent)").set_defaults(run=copy_blocks)
    commands.add_parser("copy-blocks-to-volunteering", help="once, when upgrading to skills offered and welcome "
                        "buddies: note every block on both people's volunteering profiles (idempotent)"
                        ).set_defaults(run=copy_blocks_to_volunteering)
    commands.add_parser("index-roles", help="once, when upgrading: list every role held before the admin page listed "
                        "roles (idempotent)").set_defaults(run=index_roles)
    commands.add_parser("index-professionals", help="once, when upgrading: index every recommended professional "
                        "next to its neighbourhood's recommendations, so the directory is one Query (idempotent)"
                        ).set_defaults(run=index_professionals)
    commands.add_parser("copy-loans", help="once, when upgrading: copy every loan onto its borrower's and owner's "
                        "links, so \"my loans\" is one Query (idempotent)").set_defaults(run=copy_loans)
    commands.add_parser("reach-announcements", help="once, when upgrading: copy every current whole-commune announcement "
                        "into each neighbourhood's channel, so \"from the commune\" is one Query (idempotent)"
                        ).set_defaults(run=reach_announcements)
    commands.add_parser("queue-pending-calls", help="once, when upgrading: give every partner's call for volunteers "
                        "still pending its review, so that staff decide it in \"Calls to approve\" (idempotent)"
                        ).set_defaults(run=queue_pending_calls)
    commands.add_parser("show-calls-on-events", help="once, when upgrading: list every open call for volunteers on the "
                        "event it hangs on, so that the event's page shows \"Volunteers wanted\" (idempotent)"
                        ).set_defaults(run=show_calls_on_events)
    ended = commands.add_parser("index-ended-shifts", help="once, when upgrading to organisers asked to confirm who "
                                "came: index the shifts reminded before, still to end or ended lately, so the hourly "
                                "job asks their organisers (idempotent)")
    ended.add_argument("--days", type=int, default=14, help="also the shifts ended within these days (default 14)")
    ended.set_defaults(run=index_ended_shifts)
    commands.add_parser("count-call-sign-ups", help="once, when upgrading (right after deploying): count the people "
                        "signed up on every call for volunteers, so a publisher's list of calls is one Query "
                        "(idempotent)").set_defaults(run=count_call_sign_ups)
    commands.add_parser("retarget-consultations", help="once, when upgrading: write the target entries of listed "
                        "consultations again, with their titles and a whole-commune one in each neighbourhood, so a "
                        "neighbourhood's consultations are one Query (idempotent)").set_defaults(run=retarget_consultations)
    commands.add_parser("index-pending", help="once, when upgrading: copy every resident waiting for verification "
                        "into their commune's index, so the staff's list is one Query (idempotent)"
                        ).set_defaults(run=index_pending)
    commands.add_parser("name-audit-entries", help="once, when upgrading: give each entry of the communes' audit logs "
                        "its staff member's name, so a page of the log is one Query (idempotent)"
                        ).set_defaults(run=name_audit_entries)
    commands.add_parser("move-consultation-texts", help="once, when upgrading: move each consultation's free-text "
                        "answers into its partition and keep the names of its neighbourhoods on it, so its results "
                        "are one Query (idempotent)").set_defaults(run=move_consultation_texts)
    commands.add_parser("count-members", help="once, when upgrading (right after deploying): set each neighbourhood's "
                        "count of verified members, kept since by the residents' transactions (idempotent)"
                        ).set_defaults(run=count_members)
    commands.add_parser("head-residents", help="once, when upgrading: give each published neighbourhood the head of "
                        "its residents, so the staff's list of an empty one is one Query (idempotent)"
                        ).set_defaults(run=head_residents)
    commands.add_parser("move-drafts", help="once, when upgrading: move each commune's neighbourhood draft next to its "
                        "cell summaries, so the draft screens are one Query (idempotent)").set_defaults(run=move_drafts)
    commands.add_parser("copy-vouches", help="once, when upgrading: copy the vouches onto the pending candidates and "
                        "this month's count onto each voucher, so the pending list is one Query (idempotent)"
                        ).set_defaults(run=copy_vouches)
    commands.add_parser("list-documents", help="once, when upgrading: list each consultation's ready documents on it, "
                        "so a resident's view is one read (idempotent)").set_defaults(run=list_documents)
    commands.add_parser("calendar-days", help="once, when upgrading: rewrite every event's calendar entries by day, so "
                        "that a calendar window reads only what can be in it (idempotent)").set_defaults(run=calendar_days)
    commands.add_parser("list-publisher-events", help="once, when upgrading: list each publisher's events for its "
                        "link's screen (idempotent)").set_defaults(run=list_publisher_events)
    commands.add_parser("head-threads", help="once, when upgrading: give the comments of every post, lent item and event the head that lets "
                        "one Query read them (idempotent)").set_defaults(run=head_threads)
    commands.add_parser("snapshot-reports", help="once, when upgrading: give every report a copy of what it reports, so "
                        "that a neighbourhood's reports queue is one Query (idempotent)").set_defaults(run=snapshot_reports)
    addresses = commands.add_parser(
        "import-addresses", help="import the address register (BD-Adresses CSV); a new edition updates, adds and retires"
    )
    addresses.add_argument("file", help="the register file, ';'-separated UTF-8 (as published, CC0)")
    addresses.add_argument("--commune", metavar="LAU2", type=_lau2, help="import only this commune's rows (four digits)")
    addresses.add_argument("--allow-retire", action="store_true",
                           help="allow retiring more than 10 %% of a commune's addresses (refused without it: "
                                "a cut-off or wrong file)")
    addresses.add_argument("--retire-despite-refused", action="store_true",
                           help="retire the addresses the file no longer lists even though some of its lines were "
                                "refused (without it they are kept)")
    addresses.set_defaults(run=import_addresses)
    from ops.neighbourhoods import add_commands as add_neighbourhood_commands

    add_neighbourhood_commands(commands)
    from ops.residents import add_commands as add_resident_commands

    add_resident_commands(commands)
    from ops.digest import add_commands as add_digest_commands

    add_digest_commands(commands)
    from ops.publishing import add_commands as add_publishing_commands

    add_publishing_commands(commands)
    from ops.budget import add_commands as add_budget_commands

    add_budget_commands(commands)
    from ops.indicators import add_commands as add_indicator_commands

    add_indicator_commands(commands)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    _use_local_stack_unless_told()
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")  # the commands say what happened in plain words
    from botocore.exceptions import EndpointConnectionError

    try:
        return args.run(args)
    except EndpointConnectionError as error:
        print(f"noper: cannot reach {error.kwargs.get('endpoint_url')}: is `make run` going?", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
