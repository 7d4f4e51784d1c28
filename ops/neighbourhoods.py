"""`./noper neighbourhoods ...`: propose, import drawn, show and publish a commune's neighbourhoods."""

from __future__ import annotations

import argparse
import json
import sys


def add_commands(commands) -> None:
    group = commands.add_parser("neighbourhoods", help="propose, draw, review and publish a commune's neighbourhoods")
    actions = group.add_subparsers(dest="action", required=True, metavar="ACTION")

    propose = actions.add_parser("propose", help="replace the draft by a proposal from address density")
    _commune(propose)
    propose.add_argument("--households", type=int, default=300, metavar="N",
                         help="about how many addresses per neighbourhood (default 300)")
    propose.set_defaults(run=_propose)

    drawn = actions.add_parser("import", help="replace the draft by drawn polygons (GeoJSON, `name` per feature)")
    drawn.add_argument("file", help="a GeoJSON FeatureCollection of Polygons/MultiPolygons, [lon, lat]")
    _commune(drawn)
    drawn.set_defaults(run=_import)

    show = actions.add_parser("show", help="the draft with its validation, and what is published")
    _commune(show)
    show.set_defaults(run=_show)

    publish = actions.add_parser("publish", help="publish the draft (refused while it has gaps)")
    _commune(publish)
    publish.set_defaults(run=_publish)


def _commune(command: argparse.ArgumentParser) -> None:
    command.add_argument("--commune", required=True, metavar="LAU2", type=_lau2, help="the commune (four digits)")


def _lau2(text: str) -> str:
    if not (len(text) == 4 and text.isdigit()):
        raise argparse.ArgumentTypeError("a LAU2 code has four digits, e.g. 0501")
    return text


def _propose(args: argparse.Namespace) -> int:
    from chalicelib.neighbourhoods.service import propose

    return _reporting(lambda: _print_draft(propose(args.commune, args.households)))


def _import(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from chalicelib.neighbourhoods.models import DrawnNeighbourhoods
    from chalicelib.neighbourhoods.service import import_drawn

    try:
        with open(args.file, encoding="utf-8") as file:
            drawn = DrawnNeighbourhoods.model_validate(json.load(file))
    except OSError as error:
        return _fail(f"cannot read {args.file}: {error.strerror}")
    except ValueError as error:  # JSON or pydantic
        if isinstance(error, ValidationError):
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()[:5])
            return _fail(f"{args.file} is not a FeatureCollection of named polygons: {problems}")
        return _fail(f"{args.file} is not JSON: {error}")
    return _reporting(lambda: _print_draft(import_drawn(args.commune, drawn)))


def _show(args: argparse.Namespace) -> int:
    from chalicelib.errors import NotFound
    from chalicelib.neighbourhoods.service import get_draft, list_published

    def show() -> None:
        try:
            _print_draft(get_draft(args.commune))
        except NotFound:
            print(f"commune {args.commune}: no draft")
        published = list_published(args.commune).neighbourhoods
        print(f"published: {len(published)} neighbourhoods")
        for n in published:
            print(f"  {n.name:<40} {n.address_count:>6} addresses  {n.id}")

    return _reporting(show)


def _publish(args: argparse.Namespace) -> int:
    from chalicelib.announcements.service import reach_neighbourhoods
    from chalicelib.consultations.service import retarget
    from chalicelib.neighbourhoods.service import get_draft, publish

    def run() -> None:
        done = publish(args.commune)
        reach_neighbourhoods(args.commune)  # whole-commune announcements and consultations into new neighbourhoods
        retarget(args.commune)
        print(f"commune {done.lau2}: published draft version {done.version} at {done.published_at}")
        print(f"  {done.neighbourhoods} neighbourhoods, {done.cells} cells, {done.addresses_assigned} addresses updated")
        print(f"  {done.changed_cells} cells changed neighbourhood (their residents move; see docs/neighbourhoods.md)")

    code = _reporting(run)
    if code:
        _reporting(lambda: _print_draft(get_draft(args.commune)))
    return code


def _print_draft(draft) -> None:
    check = draft.validation
    total = sum(n.address_count for n in draft.neighbourhoods)
    print(f"commune {draft.lau2}: draft version {draft.version} ({draft.source}"
          + (f", about {draft.households} addresses each" if draft.households else "") + ")"
          + (", published" if draft.published_version == draft.version else ""))
    print(f"  {len(draft.neighbourhoods)} neighbourhoods, {total} addresses")
    for n in sorted(draft.neighbourhoods, key=lambda n: (-n.address_count, n.name)):
        print(f"  {n.name:<40} {n.address_count:>6} addresses {n.cells:>4} cells  {n.id}")
    print(f"  validation: {'ok' if check.valid else 'NOT VALID'}")
    if check.gaps:
        print(f"    gaps: {len(check.gaps)} populated cells ({check.gap_addresses} addresses) in no neighbourhood")
    if check.overlaps:
        print(f"    overlaps: {len(check.overlaps)} cells drawn twice, given to the first polygon in the file")
    if check.non_contiguous:
        print(f"    not contiguous: {', '.join(check.non_contiguous)}")
    if check.empty:
        print(f"    without addresses (dropped): {', '.join(check.empty)}")
    if check.outside_cells:
        print(f"    {check.outside_cells} drawn cells hold no address of the commune (dropped)")


def _reporting(run) -> int:
    from chalicelib.errors import NoperError

    try:
        run()
    except NoperError as error:
        fields = "".join(f"\n  {name}: {problem}" for name, problem in error.fields.items())
        return _fail(f"{error.message}{fields}")
    return 0


def _fail(message: str) -> int:
    print(f"noper: {message}", file=sys.stderr)
    return 1
