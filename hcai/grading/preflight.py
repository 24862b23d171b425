"""``check``: the instructor's preflight before releasing an assignment."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hcai.grading import config as gconfig
from hcai.grading import notebooks as nbcheck
from hcai.grading.console import Printer, printer, tail
from hcai.grading.course import CheckFailed, Course
from hcai.grading.gradebook import autograded_points
from hcai.grading.outcome import Outcome, Status
from hcai.grading.workflow import GradeOptions, grade


@dataclass
class CheckReport:
    problems: list[str]
    reference: Outcome | None
    blank: Outcome | None

    @property
    def ok(self) -> bool:
        return not self.problems


def check(assignment: str, course_dir: str | None = None, *, timeout: float | None = None,
          unsandboxed: bool = False, say: Printer | None = None) -> CheckReport:
    """Preflight: static checks, then the solution must score full marks and the blank release 0."""
    say = say or printer()
    course = Course.open(course_dir)
    src = course.require_assignment(assignment)
    problems: list[str] = []
    say(f"[1/3] Static checks of {assignment}'s source notebooks ...")
    problems += [str(p) for nb in sorted(src.glob("*.ipynb")) for p in nbcheck.check_source(nb)]
    if problems:
        raise CheckFailed("Check failed:\n" + "\n".join(f"  - {p}" for p in problems))

    with tempfile.TemporaryDirectory(prefix=f"hcai-check-{assignment}-") as tmp:
        copy = Path(tmp) / "course"
        (copy / "source").mkdir(parents=True)
        shutil.copytree(src, copy / "source" / assignment)
        config_file = course.root / gconfig.CONFIG_NAME
        if config_file.is_file():
            shutil.copy(config_file, copy / gconfig.CONFIG_NAME)
        say("[2/3] Generating the student version in a scratch course and checking it ...")
        scratch = Course.open(copy)
        gconfig.ensure_gradebook(scratch.cfg)
        result = scratch.api().generate_assignment(assignment, force=True, create=True)
        if not result["success"]:
            raise CheckFailed("nbgrader generate_assignment failed:\n" + tail(result))
        release_dir = copy / "release" / assignment
        problems += [str(p) for nb in sorted(release_dir.glob("*.ipynb")) for p in nbcheck.check_release(nb)]

        for student, folder in (("reference", src), ("blank", release_dir)):
            dest = copy / "submitted" / student / assignment
            shutil.copytree(folder, dest)
        say("[3/3] Autograding the reference solution and the blank student version ...")
        run = grade(assignment, str(copy), GradeOptions(workers=2, force=True, timeout=timeout,
                                                        unsandboxed=unsandboxed, feedback=False),
                    say=lambda line: say("      " + line) if line.startswith("[") else None)
        by_id = {o.student_id: o for o in run.outcomes}
        reference, blank = by_id.get("reference"), by_id.get("blank")
        with scratch.gradebook() as gb:
            autograded = autograded_points(gb, assignment)
        for label, outcome, want in (("reference solution", reference, "full"), ("blank release", blank, "zero")):
            if outcome is None or outcome.status in (Status.ERROR, Status.MISSING):
                problems.append(f"the {label} could not be graded: {outcome.reason if outcome else 'no result'}")
                continue
            for cell, points in autograded.items():
                got = outcome.items.get(cell)
                if want == "full" and (got is None or abs(got - points) > 1e-9):
                    problems.append(f"the {label} scores {got if got is not None else 'nothing'} of {points:g} "
                                    f"on {cell} (a test fails on the solution, or the cell errors)")
                if want == "zero" and (got is None or abs(got) > 1e-9):
                    problems.append(f"the {label} scores {got if got is not None else 'nothing'} on {cell} "
                                    f"(it should be 0: the test passes without an answer)")
    report = CheckReport(problems, reference, blank)
    if problems:
        raise CheckFailed("Check failed:\n" + "\n".join(f"  - {p}" for p in problems))
    say(f"Check passed: {assignment} is sound; the solution scores full marks on "
        f"{len(autograded)} autograded cell(s) and the blank release scores 0 on each.")
    return report


__all__ = ["CheckReport", "check"]
