"""300 submissions graded on 2 cores into a PostgreSQL gradebook, against plain nbgrader.

Side by side in one run, on two fresh copies of the same synthetic class (the grading
fixture assignment, right and partly right answers alternating):

1. plain nbgrader, sequential, its default SQLite gradebook: ``nbgrader autograde A`` then
   ``nbgrader generate_feedback A`` with nbgrader's own sanitize, autograde and feedback
   steps (its ``Execute``, unsandboxed), as ``grade_speed.py --baseline plain`` runs them;
2. ``python -m hcai grade A --workers 2`` (sandboxed, feedback and grades CSV) into a
   throwaway PostgreSQL server (``hcai.grading.pgtemp``, 127.0.0.1).

The student version is generated outside the timed part on both sides. Scores must come
out identical submission by submission (exit 1 otherwise). Goal: the PostgreSQL run under
3 minutes for 300 submissions on 2 cores.

    python benchmarks/grade_postgres.py [--count 300] [--workers 2] [--skip-sequential]

A measurement, not a test: the numbers depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import grade_speed as gs  # noqa: E402  -- shares the fixture class and the timing helpers

from hcai.grading import pgtemp  # noqa: E402
from hcai.grading.database import ENV_DB_URL  # noqa: E402

A = gs.A


def _scores(url: str) -> dict[str, tuple]:
    from nbgrader.api import Gradebook
    with Gradebook(url) as gb:
        return {s.student.id: tuple(sorted((g.name, g.auto_score) for nb in s.notebooks for g in nb.grades))
                for s in gb.assignment_submissions(A)}


GOAL_SECONDS, GOAL_COUNT = 180.0, 300


def _goal_line(seconds: float, count: int) -> str:
    """The 3-minute goal: checked when the run had 300 submissions, else only projected.

    A projection from a small run is pessimistic (start-up is a larger share of it), so it
    never counts as the check: only ``--count 300`` says met or not met.
    """
    if count >= GOAL_COUNT:
        verdict = "MET" if seconds < GOAL_SECONDS else "NOT MET"
        return f"goal: {GOAL_COUNT} submissions under {GOAL_SECONDS:.0f} s: {verdict} ({seconds:.1f} s for {count})"
    projected = seconds / count * GOAL_COUNT
    return (f"goal: {GOAL_COUNT} submissions under {GOAL_SECONDS:.0f} s: not checked (only {count} run); "
            f"projected {projected:.0f} s at this run's rate; run --count {GOAL_COUNT} to check it")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-sequential", action="store_true", help="time only the PostgreSQL run")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="hcai-grade-pg-"))
    server = pgtemp.start()
    try:
        url = server.create_database()
        print(f"{args.count} submissions, {os.cpu_count()} cores, workers={args.workers}, "
              f"load average {os.getloadavg()[0]:.1f}")
        pg = gs.fabricate.make_course(tmp / "pg")
        os.environ[ENV_DB_URL] = url  # the child processes inherit it through gs._env()
        gs._run([sys.executable, "-m", "hcai", "release", A, "--course-dir", str(pg), "--no-exchange"], pg)
        gs.fabricate.fabricate_many(pg, args.count)
        t_pg = gs._run([sys.executable, "-m", "hcai", "grade", A, "--course-dir", str(pg),
                        "--workers", str(args.workers)], pg)
        pg_scores = _scores(url)
        print(f"hcai grade --workers {args.workers} into PostgreSQL: {t_pg:7.1f} s "
              f"({t_pg / args.count:.2f} s per submission)")
        print(_goal_line(t_pg, args.count))
        ok = len(pg_scores) == args.count
        if not args.skip_sequential:
            del os.environ[ENV_DB_URL]
            seq = gs._course(tmp, "seq", args.count, plain=True)  # nbgrader's own steps, unsandboxed
            t_seq = gs._run([str(gs.BIN / "nbgrader"), "autograde", A], seq)
            t_seq += gs._run([str(gs.BIN / "nbgrader"), "generate_feedback", A], seq)
            same = gs._scores(seq) == pg_scores
            ok = ok and same
            print(f"plain nbgrader, sequential, SQLite:      {t_seq:7.1f} s")
            print(f"ratio sequential / parallel-PostgreSQL: {t_seq / t_pg:5.2f}x   "
                  f"identical scores: {'yes' if same else 'NO'}")
        return 0 if ok else 1
    finally:
        server.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
