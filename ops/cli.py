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


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="noper", description="Operate Noper: the table, data imports, demo data.")
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("init", help="create or update the DynamoDB table (idempotent)").set_defaults(run=init)
    commands.add_parser("demo", help="load the demo data (idempotent)").set_defaults(run=demo)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    _use_local_stack_unless_told()
    from botocore.exceptions import EndpointConnectionError

    try:
        return args.run(args)
    except EndpointConnectionError as error:
        print(f"noper: cannot reach {error.kwargs.get('endpoint_url')}: is `make run` going?", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
