"""``python -m hcai COMMAND``: the course's command line.

Each area registers its own subcommands, so this file only wires them together:

* ``hcai.data``          -- ``data`` (list and validate the tables)
* ``hcai.grading.cli``   -- ``release``, ``collect``, ``grade``, ``report``, ``check``,
  ``release-feedback`` (instructors)
* ``hcai.learner``       -- ``validate``, ``workspace`` (learners)
* ``hcai.authoring``     -- ``sources`` (build/check assignment notebooks from their .md)
* ``hcai.grading.lms``   -- ``roster``, ``lms-export`` (the LMS round trip)
"""

from __future__ import annotations

import argparse
import importlib
import sys

# jsonschema (imported by nbformat, so by every grading command) imports rfc3987-syntax when
# it is installed, only to check the "iri" string format; that module compiles some thirty
# Lark grammars as it is imported, about 2 s of CPU per command (jsonschema issue #1428).
# No schema these commands validate uses that format (tests/test_cli_startup.py checks the
# installed ones), so the commands tell Python the module is absent: jsonschema then leaves
# "iri" unchecked, as it does wherever rfc3987-syntax is not installed.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

_AREAS = {
    "hcai.data": ("data",),
    "hcai.grading.cli": ("release", "collect", "grade", "report", "check", "release-feedback"),
    "hcai.learner": ("validate", "workspace"),
    "hcai.authoring": ("sources",),
    "hcai.grading.lms": ("roster", "lms-export"),
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``command``, only the area that owns it is imported.

    Importing an area can cost a second (pandas, nbgrader); a grading run should not pay for
    the data tools' imports, nor a learner's validate for the grader's.
    """
    parser = argparse.ArgumentParser(
        prog="python -m hcai",
        description="Healthcare AI Credentials: course tools for learners and instructors.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    owners = [a for a, cmds in _AREAS.items() if command in cmds] or list(_AREAS)
    for area in owners:
        importlib.import_module(area).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    first = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(first)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
