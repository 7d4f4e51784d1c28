"""`./noper budget import` and `./noper budget export`: a past election (pabulib `.pb`) loaded as a closed edition of
a commune, for demos and trials; an edition written out as `.pb`, voters anonymised (chalicelib/budget/exchange.py).
`./noper budget open-threads`: an upgrade step (docs/operations.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_commands(actions) -> None:
    loading = actions.add_parser("import", help="load a pabulib .pb election into a commune as a closed edition "
                                                "(projects, anonymous ballots) and compute its results")
    loading.add_argument("file", help="the election, in pabulib's .pb format")
    loading.add_argument("--commune", required=True, metavar="LAU2", help="the commune's LAU2 code, e.g. 0501")
    loading.add_argument("--open", action="store_true", help="leave its vote open (its voting phase) instead")
    loading.set_defaults(run=_import)
    writing = actions.add_parser("export", help="write an edition as a pabulib .pb file, voters anonymised")
    writing.add_argument("edition_id", help="the edition's id")
    writing.add_argument("-o", "--output", required=True, metavar="FILE", help="where to write it (- for stdout)")
    writing.add_argument("--envelope", help="the envelope to write (default: the first)")
    writing.set_defaults(run=_export)
    opening = actions.add_parser("open-threads", help="once, when upgrading: make the discussions of every edition "
                                                      "with published results readable by anyone, as its proposals "
                                                      "are (a Scan; idempotent)")
    opening.set_defaults(run=_open_threads)


def _import(args: argparse.Namespace) -> int:
    from chalicelib.budget import exchange, pabulib
    from chalicelib.errors import NotFound

    try:
        edition_id = exchange.import_file(args.file, args.commune, phase="voting" if args.open else "results")
    except OSError as error:
        print(f"noper: {args.file}: {error.strerror}", file=sys.stderr)
        return 1
    except pabulib.PabulibError as error:
        print(f"noper: {args.file}: {error}", file=sys.stderr)
        return 1
    except NotFound as error:
        print(f"noper: {error}", file=sys.stderr)
        return 1
    print(f"Imported {args.file} into commune {args.commune} as edition {edition_id}.")
    return 0


def _export(args: argparse.Namespace) -> int:
    from chalicelib.budget import exchange
    from chalicelib.errors import NotFound

    try:
        _, text = exchange.export_text(args.edition_id, args.envelope)
    except NotFound as error:
        print(f"noper: {error}", file=sys.stderr)
        return 1
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"Wrote {args.output}.")
    return 0


def _open_threads(_args: argparse.Namespace) -> int:
    from chalicelib.budget import discussion
    from chalicelib.budget.models import EditionItem, ProposalItem

    opened = 0
    for edition in EditionItem.scan((EditionItem.sk == "EDITION") & EditionItem.results_published_at.exists()):
        discussion.open_threads(edition.lau2, ProposalItem.query(EditionItem.key(edition.edition_id)[0],
                                                                 ProposalItem.sk.startswith(ProposalItem.PREFIX)))
        opened += 1
    print(f"Opened the discussions of {opened} editions with published results.")
    return 0
