"""`./noper publisher-link ...`: issue, list and revoke the signed links publishers use to publish
announcements (chalicelib/publishers/links.py)."""

from __future__ import annotations

import argparse
import re

from ops.neighbourhoods import _commune, _fail, _reporting

CATEGORIES = ("information", "works", "waste", "event", "emergency", "consultation")


def _days(text: str) -> int:
    match = re.fullmatch(r"(\d+)d?", text.strip())
    if not match or not 1 <= int(match[1]) <= 366:
        raise argparse.ArgumentTypeError("give days, e.g. 90d (1 to 366)")
    return int(match[1])


def add_commands(commands) -> None:
    link = commands.add_parser("publisher-link", help="issue a signed publisher link (or --list, --revoke ID)")
    _commune(link)
    link.add_argument("--publisher", metavar="ID", help="the publisher's id (see --list-publishers)")
    link.add_argument("--expires", metavar="DAYS", type=_days, default=90, help="how long it works, e.g. 90d (default)")
    link.add_argument("--neighbourhood", metavar="ID", action="append",
                      help="a neighbourhood it may target (repeat; default: the whole commune)")
    link.add_argument("--category", choices=CATEGORIES, action="append", help="a category it may use (repeat; default: all)")
    link.add_argument("--label", default="", help="a note for the list, e.g. who holds the link")
    link.add_argument("--list", action="store_true", help="list the commune's links instead")
    link.add_argument("--list-publishers", action="store_true", help="list the commune's publishers instead")
    link.add_argument("--revoke", metavar="LINK_ID", help="revoke a link instead")
    link.set_defaults(run=_publisher_link)


def _publisher_link(args: argparse.Namespace) -> int:
    from chalicelib.publishers import links, service
    from chalicelib.publishers.models import LinkRequest

    if args.list_publishers:
        for publisher in service.list_publishers(args.commune).publishers:
            print(f"{publisher.id}  {publisher.kind:<8} {publisher.status:<9} {publisher.name}")
        return 0
    if args.list:
        for item in links.list_links(args.commune).links:
            scope = ",".join(item.neighbourhoods) if item.neighbourhoods is not None else "whole commune"
            print(f"{item.id}  {item.status:<7} until {item.expires_at:%Y-%m-%d}  {item.publisher_name}  [{scope}]  {item.label}")
        return 0
    if args.revoke:
        return _reporting(lambda: print(f"revoked {links.revoke(args.commune, args.revoke).id}"))
    if not args.publisher:
        return _fail("give --publisher ID (see --list-publishers), or --list, or --revoke LINK_ID")

    def issue() -> None:
        request = LinkRequest(publisher_id=args.publisher, neighbourhoods=args.neighbourhood,
                              categories=args.category or list(CATEGORIES), expires_in_days=args.expires,
                              label=args.label)
        issued = links.issue(args.commune, request, issued_by="cli")
        print(f"link {issued.id} for {issued.publisher_name}, valid until {issued.expires_at:%Y-%m-%d %H:%M} UTC")
        print(issued.url)

    try:
        return _reporting(issue)
    except ValueError as error:  # pydantic: a malformed publisher id
        return _fail(str(error).splitlines()[0])
