"""``python -m hcai release|collect|grade|report|check|release-feedback ASSIGNMENT`` for instructors.

Exit codes: 0 all fine; 1 some submissions had errors (the others were graded) or a check
found problems; 2 a usage or configuration error stopped the command.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from hcai import paths

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _course_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("assignment", help="assignment name, e.g. 01-credential-landscape")
    parser.add_argument("--course-dir", default=None, metavar="DIR",
                        help=f"course folder (default: {paths.ASSIGNMENTS_DIR})")


def _guard(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn the workflow's exceptions into a clear message and an exit code."""
    def wrapped(args: argparse.Namespace) -> int:
        from hcai.grading.config import CourseError
        from hcai.grading.course import CheckFailed, WorkflowError
        try:
            return run(args)
        except (WorkflowError, CourseError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        except CheckFailed as exc:
            print(str(exc), file=sys.stderr)
            return EXIT_PROBLEMS
        except KeyboardInterrupt:
            print("Interrupted; what was graded so far is kept (re-run to continue).", file=sys.stderr)
            return 130
        except Exception as exc:
            from hcai.grading.database import lost_connection
            message = lost_connection(exc)
            if message is None:
                raise
            print(f"error: {message}", file=sys.stderr)
            return EXIT_USAGE
    return wrapped


@_guard
def _release(args: argparse.Namespace) -> int:
    from hcai.grading.distribute import release
    release(args.assignment, args.course_dir, due=args.due, exchange=not args.no_exchange)
    return EXIT_OK


@_guard
def _release_feedback(args: argparse.Namespace) -> int:
    from hcai.grading.distribute import release_feedback
    release_feedback(args.assignment, args.course_dir)
    return EXIT_OK


@_guard
def _collect(args: argparse.Namespace) -> int:
    from hcai.grading.distribute import collect
    collect(args.assignment, args.course_dir, from_zip=args.from_zip)
    return EXIT_OK


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


@_guard
def _grade(args: argparse.Namespace) -> int:
    from hcai.grading.workflow import GradeOptions, grade
    run = grade(args.assignment, args.course_dir, GradeOptions(
        workers=args.workers, force=args.force, timeout=args.timeout,
        submission_timeout=args.submission_timeout, unsandboxed=args.unsandboxed,
        feedback=not args.no_feedback, students=args.student or None))
    return run.exit_code


@_guard
def _report(args: argparse.Namespace) -> int:
    from hcai.grading.report import report
    report(args.assignment, args.course_dir)
    return EXIT_OK


@_guard
def _check(args: argparse.Namespace) -> int:
    from hcai.grading.preflight import check
    if args.unsandboxed:
        print("WARNING: --unsandboxed: the check may run notebook code WITHOUT the sandbox.", file=sys.stderr)
    check(args.assignment, args.course_dir, timeout=args.timeout, unsandboxed=args.unsandboxed)
    return EXIT_OK


def _sandbox_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--unsandboxed", action="store_true",
                        help="allow learner code to run WITHOUT the bubblewrap sandbox where bubblewrap "
                             "is missing (dangerous: it runs with your rights)")
    parser.add_argument("--timeout", type=_positive_float, default=None, metavar="SECONDS",
                        help="time limit per cell (default: the course config's Execute.timeout)")


def register(subparsers: Any) -> None:
    """Add the instructor subcommands to ``python -m hcai``."""
    p = subparsers.add_parser("release", help="instructors: generate, check and release an assignment",
                              description="Generate the student version, check it gives nothing away, "
                                          "release it to the nbgrader exchange and write lms/<A>.zip.")
    _course_arg(p)
    p.add_argument("--due", default=None, metavar="WHEN",
                   help="due date, ISO 8601 (e.g. 2026-12-01T17:00+01:00; no zone means UTC)")
    p.add_argument("--no-exchange", action="store_true", help="skip the nbgrader exchange (LMS only)")
    p.set_defaults(func=_release)

    p = subparsers.add_parser("collect", help="instructors: collect submissions",
                              description="Copy submissions into submitted/ from the nbgrader exchange, "
                                          "or from an LMS download zip.")
    _course_arg(p)
    p.add_argument("--from-zip", default=None, metavar="ZIP",
                   help="an LMS download: one folder per student, or files named with the student id")
    p.set_defaults(func=_collect)

    p = subparsers.add_parser("grade", help="instructors: autograde, feedback and grades CSV",
                              description="Autograde every new or changed submission in parallel, write "
                                          "feedback and exports/<A>-grades.csv, print a summary.")
    _course_arg(p)
    p.add_argument("--workers", type=_positive_int, default=None, metavar="N",
                   help="parallel grading processes (default: all cores)")
    p.add_argument("--force", action="store_true", help="regrade every submission, changed or not")
    p.add_argument("--submission-timeout", type=_positive_float, default=None, metavar="SECONDS",
                   help="stop grading one submission after this long (default: from cell count and --timeout)")
    p.add_argument("--no-feedback", action="store_true", help="skip generating feedback")
    p.add_argument("--student", action="append", metavar="ID", help="grade only this student (repeatable)")
    _sandbox_arg(p)
    p.set_defaults(func=_grade)

    p = subparsers.add_parser("report", help="instructors: HTML report and item statistics",
                              description="Write reports/<A>-report.html (figures embedded) and "
                                          "reports/<A>-items.csv from the gradebook.")
    _course_arg(p)
    p.set_defaults(func=_report)

    p = subparsers.add_parser("release-feedback", help="instructors: return feedback through the exchange",
                              description="Release generated feedback to learners (they fetch it in the "
                                          "Assignments tab).")
    _course_arg(p)
    p.set_defaults(func=_release_feedback)

    p = subparsers.add_parser("check", help="instructors: preflight an assignment before release",
                              description="The solution must score full marks and the blank student version "
                                          "zero on every autograded cell; ids and metadata must be sound.")
    _course_arg(p)
    _sandbox_arg(p)
    p.set_defaults(func=_check)


__all__ = ["main", "register"]


def main(argv: list[str] | None = None) -> int:
    """Only the instructor commands (``python -m hcai.grading.cli``); ``python -m hcai`` has all."""
    parser = argparse.ArgumentParser(prog="python -m hcai", description="Instructor grading commands.")
    register(parser.add_subparsers(dest="command", metavar="COMMAND"))
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
