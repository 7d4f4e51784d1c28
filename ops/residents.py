"""`./noper staff|ambassador|moderator|operator|letters ...`: roles, and the letters that verify addresses."""

from __future__ import annotations

import argparse
import os
import sys

from ops.neighbourhoods import _commune, _fail, _reporting


def add_commands(commands) -> None:
    staff = commands.add_parser("staff", help="grant or revoke a commune staff role (admin, editor, verifier)")
    staff_actions = staff.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = staff_actions.add_parser("add", help="grant a role (creates the account if the email has none)")
    add.add_argument("email")
    _commune(add)
    add.add_argument("--role", required=True, choices=("admin", "editor", "verifier"))
    add.set_defaults(run=_staff_add)
    remove = staff_actions.add_parser("remove", help="revoke a role, or every role in the commune without --role")
    remove.add_argument("email")
    _commune(remove)
    remove.add_argument("--role", choices=("admin", "editor", "verifier"))
    remove.set_defaults(run=_staff_remove)

    ambassador = commands.add_parser("ambassador", help="appoint or dismiss a neighbourhood ambassador")
    ambassador_actions = ambassador.add_subparsers(dest="action", required=True, metavar="ACTION")
    for name, appoint, text in (("add", True, "appoint a verified resident of the neighbourhood"),
                                ("remove", False, "end the ambassadorship")):
        command = ambassador_actions.add_parser(name, help=text)
        command.add_argument("email")
        command.add_argument("--neighbourhood", required=True, metavar="ID", help="the neighbourhood id, e.g. 0501-891fa065313")
        command.set_defaults(run=_ambassador, appoint=appoint)

    moderator = commands.add_parser("moderator", help="appoint or dismiss a commune's moderator (a verified resident "
                                                      "who moderates the reports of every neighbourhood of the commune)")
    moderator_actions = moderator.add_subparsers(dest="action", required=True, metavar="ACTION")
    for name, appoint, text in (("add", True, "appoint a verified resident of the commune"),
                                ("remove", False, "end the appointment")):
        command = moderator_actions.add_parser(name, help=text)
        command.add_argument("email")
        _commune(command)
        command.set_defaults(run=_moderator, appoint=appoint)

    operator = commands.add_parser("operator", help="make an account operator, or not any more")
    operator_actions = operator.add_subparsers(dest="action", required=True, metavar="ACTION")
    for name, flag in (("add", True), ("remove", False)):
        command = operator_actions.add_parser(name, help="grant the operator role" if flag else "revoke it")
        command.add_argument("email")
        command.set_defaults(run=_operator, operator=flag)

    letters = commands.add_parser("letters", help="print letters with verification codes (PDF, one page per household)")
    _commune(letters)
    whom = letters.add_mutually_exclusive_group(required=True)
    whom.add_argument("--pending", action="store_true", help="to the addresses of residents waiting for verification")
    whom.add_argument("--neighbourhood", metavar="ID", help="to every address of the neighbourhood (launch campaign)")
    letters.add_argument("--only-neighbourhood", metavar="ID", help="with --pending: only this neighbourhood")
    letters.add_argument("--days", type=int, default=60, help="days the codes stay valid (default 60)")
    letters.add_argument("--site", help="the web app's address printed in the join link (default NOPER_SITE_URL, "
                                        "else http://localhost:8080)")
    letters.add_argument("-o", "--output", required=True, metavar="FILE.pdf")
    letters.set_defaults(run=_letters)


def _email(text: str) -> str:
    from chalicelib.accounts.models import normalise_email
    from chalicelib.errors import InvalidInput

    try:
        return normalise_email(text)
    except ValueError:
        raise InvalidInput(f"{text!r} is not an email address.", {"email": "not an email address"}) from None


def _staff_add(args: argparse.Namespace) -> int:
    from chalicelib.accounts.roles import grant_staff

    def run() -> None:
        user = grant_staff(_email(args.email), args.commune, args.role)
        print(f"{user.email} ({user.user_id}): {args.role} of commune {args.commune}")

    return _reporting(run)


def _staff_remove(args: argparse.Namespace) -> int:
    from chalicelib.accounts.roles import revoke_staff

    def run() -> None:
        user = revoke_staff(_email(args.email), args.commune, args.role)
        left = ", ".join(sorted(user.staff or ())) if user.staff else "none"
        print(f"{user.email}: {args.role or 'every role'} of commune {args.commune} revoked (staff roles before: {left})")

    return _reporting(run)


def _ambassador(args: argparse.Namespace) -> int:
    from chalicelib.accounts.roles import account_of, appoint_ambassador
    from chalicelib.communes import audit

    def run() -> None:
        user = appoint_ambassador(account_of(_email(args.email)), args.neighbourhood, appoint=args.appoint)
        if user.lau2:  # in the commune's audit log, as the operator's (no account)
            audit.record(user.lau2, "ambassador_appointed" if args.appoint else "ambassador_dismissed", None,
                         "resident", user.user_id)
        print(f"{user.email}: {'ambassador of' if args.appoint else 'no longer ambassador of'} {args.neighbourhood}")

    return _reporting(run)


def _moderator(args: argparse.Namespace) -> int:
    from chalicelib.accounts.roles import account_of, appoint_moderator
    from chalicelib.communes import audit

    def run() -> None:
        user = appoint_moderator(account_of(_email(args.email)), args.commune, appoint=args.appoint)
        audit.record(args.commune, "moderator_appointed" if args.appoint else "moderator_dismissed", None,
                     "resident", user.user_id)  # in the commune's audit log, as the operator's (no account)
        print(f"{user.email}: {'moderator of' if args.appoint else 'no longer moderator of'} commune {args.commune}")

    return _reporting(run)


def _operator(args: argparse.Namespace) -> int:
    from chalicelib.accounts.roles import make_operator

    def run() -> None:
        user = make_operator(_email(args.email), args.operator)
        print(f"{user.email} ({user.user_id}): {'operator' if args.operator else 'not operator'}")

    return _reporting(run)


def _letters(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from chalicelib.verification.models import LetterBatchRequest
    from chalicelib.verification.service import letter_batch
    from chalicelib.web.site import LOCAL_SITE

    try:
        request = LetterBatchRequest(pending=args.pending, valid_days=args.days,
                                     neighbourhood_id=args.neighbourhood or args.only_neighbourhood)
    except ValidationError as error:
        return _fail("; ".join(e["msg"] for e in error.errors()))
    site = args.site or os.environ.get("NOPER_SITE_URL") or LOCAL_SITE

    def run() -> None:
        batch = letter_batch(args.commune, request, site=site, by="operator-cli", max_letters=None)
        with open(args.output, "wb") as file:
            file.write(batch.pdf)
        print(f"{args.output}: {len(batch.codes)} letters (batch {batch.batch_id}), codes valid until "
              f"{batch.codes[0].expires_at.date().isoformat()}; join links to {site}")

    try:
        return _reporting(run)
    except OSError as error:
        print(f"noper: cannot write {args.output}: {error.strerror}", file=sys.stderr)
        return 1
