"""How much faster is ``python -m hcai grade --workers N`` than plain, sequential nbgrader?

Grades the same synthetic class (default 30 submissions of the test fixture assignment)
in separate copies of a course, with the course's own nbgrader config (sandboxed execute):

1. ``nbgrader autograde A`` then ``nbgrader generate_feedback A`` -- what an instructor
   runs by hand, one submission after another. With ``--baseline plain`` (the default) this
   is plain nbgrader: the course config with nbgrader's own default sanitize, autograde and
   feedback steps (its ``Execute``, unsandboxed). ``--baseline course`` keeps the course's
   steps (sandboxed ``TrustedExecute``, one notebook after another);
2. ``python -m hcai grade A --workers N`` -- autograde, feedback and grades CSV;

and, for the autograding step alone, ``nbgrader autograde A`` against
``python -m hcai grade A --workers N --no-feedback``. Every run is a fresh process on a
fresh copy, so start-up costs count on both sides. Scores must come out identical,
submission by submission; the script exits 1 if they do not. ``--repeat`` alternates
which side runs first and reports the median ratio, since other load on the machine
skews single runs.

    python benchmarks/grade_speed.py [--count 30] [--workers 2] [--repeat 3] [--keep]

This is a measurement, not a test: the numbers depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "fixtures" / "grading"))

import fabricate  # noqa: E402

A = fabricate.ASSIGNMENT
BIN = Path(sys.executable).parent


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("HCAI_EXCHANGE", "HCAI_NBGRADER_EXTRA_CONFIG")}
    env["PATH"] = str(BIN) + os.pathsep + env.get("PATH", "")
    return env


def _run(cmd: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=_env(), capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        sys.stderr.write(done.stdout[-3000:] + done.stderr[-3000:])
        raise SystemExit(f"command failed ({done.returncode}): {' '.join(cmd)}")
    return seconds


PLAIN_NBGRADER = """
# --- benchmark baseline: plain nbgrader's own steps --------------------------------------
from nbgrader.converters import Autograde as _Autograde, GenerateFeedback as _Feedback
for _name in ("sanitize_preprocessors", "autograde_preprocessors"):
    setattr(c.Autograde, _name, list(_Autograde.class_traits()[_name].default_value))
c.GenerateFeedback.preprocessors = list(_Feedback.class_traits()["preprocessors"].default_value)
c.Execute.shutdown_kernel = "immediate"  # plain nbgrader at its fastest (saves ~0.3 s each)
c.Execute.extra_arguments = ["--HistoryManager.hist_file=:memory:"]
"""


def _course(root: Path, name: str, count: int, plain: bool = False) -> Path:
    course = fabricate.make_course(root / name)
    if plain:
        with (course / "nbgrader_config.py").open("a", encoding="utf-8") as fh:
            fh.write(PLAIN_NBGRADER)
    # Generate the student version (and the gradebook) outside the timed part.
    _run([str(BIN / "nbgrader"), "generate_assignment", A, "--force"], course)
    fabricate.fabricate_many(course, count)
    return course


def _scores(course: Path) -> dict[str, tuple]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {s.student.id: tuple(sorted((g.name, g.auto_score) for nb in s.notebooks for g in nb.grades))
                for s in gb.assignment_submissions(A)}


def _pair(tmp: Path, tag: str, count: int, workers: int, full: bool, par_first: bool,
          plain: bool = True) -> tuple[float, float, bool]:
    """Time sequential nbgrader and ``hcai grade`` on two identical fresh courses."""
    seq, par = _course(tmp, f"seq-{tag}", count, plain), _course(tmp, f"par-{tag}", count)
    nbgrader, hcai = str(BIN / "nbgrader"), [sys.executable, "-m", "hcai"]

    def run_seq() -> float:
        t = _run([nbgrader, "autograde", A], seq)
        return t + (_run([nbgrader, "generate_feedback", A], seq) if full else 0.0)

    def run_par() -> float:
        return _run([*hcai, "grade", A, "--course-dir", str(par), "--workers", str(workers),
                     *([] if full else ["--no-feedback"])], par)

    if par_first:
        t_par = run_par()
        t_seq = run_seq()
    else:
        t_seq = run_seq()
        t_par = run_par()
    scores = _scores(seq)
    return t_seq, t_par, scores == _scores(par) and len(scores) == count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1,
                        help="alternate the order and report the median ratio (the machine's load varies)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary courses")
    parser.add_argument("--baseline", choices=("plain", "course"), default="plain",
                        help="sequential side: plain nbgrader's steps, or the course's sandboxed ones")
    parser.add_argument("--only", choices=("autograde", "full"), default=None,
                        help="run one of the two comparisons only")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="hcai-grade-speed-"))
    ok = True
    try:
        print(f"{args.count} submissions, {os.cpu_count()} cores, workers={args.workers}, "
              f"baseline {args.baseline}, load average {os.getloadavg()[0]:.1f}; courses in {tmp}")
        for full, label in ((False, "autograde only: nbgrader autograde  vs  hcai grade --no-feedback"),
                            (True, "with feedback:  nbgrader autograde + generate_feedback  vs  hcai grade")):
            if args.only and (args.only == "full") != full:
                continue
            ratios = []
            print(f"\n{label}")
            for r in range(args.repeat):
                t_seq, t_par, same = _pair(tmp, f"{int(full)}{r}", args.count, args.workers, full,
                                           r % 2 == 1, args.baseline == "plain")
                ok = ok and same
                ratios.append(t_seq / t_par)
                print(f"  run {r + 1}: sequential {t_seq:6.1f} s   parallel {t_par:6.1f} s   "
                      f"ratio {t_seq / t_par:5.2f}x   identical scores: {'yes' if same else 'NO'}")
            print(f"  median ratio {statistics.median(ratios):.2f}x   "
                  f"(load average now {os.getloadavg()[0]:.1f})")
        return 0 if ok else 1
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
