"""``python -m hcai COMMAND``: the course's command line.

Each area registers its own subcommands, so this file only wires them together:

* ``hcai.data``          -- ``data`` (list and validate the tables)
* ``hcai.grading.cli``   -- ``release``, ``collect``, ``grade``, ``report``, ``check`` (instructors)
* ``hcai.learner``       -- ``validate``, ``workspace`` (learners)
"""

from __future__ import annotations

import argparse
import importlib
import sys

_AREAS = ("hcai.data", "hcai.grading.cli", "hcai.learner")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m hcai",
        description="Healthcare AI Credentials: course tools for learners and instructors.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for area in _AREAS:
        module = importlib.import_module(area)
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
