"""``report A``: an HTML report with figures, and a CSV of item statistics.

The report is one self-contained file (figures are PNG data URIs with alt text) so it can
be mailed or archived. Item statistics use every submission with autograded results:

* ``mean`` / ``mean_fraction`` -- average points on the item, and as a share of its points;
* ``discrimination`` -- corrected point-biserial correlation between the item's score and
  the rest of the submission's score (how well the item separates strong from weak work;
  below ~0.2 deserves a look, negative means strong submissions do worse on it);
* ``upper_lower`` -- mean fraction in the top 27 % minus the bottom 27 % by total score.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import math
import os
import statistics
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from hcai.grading import gradebook
from hcai.grading.console import Printer, printer
from hcai.grading.course import Course, WorkflowError, read_roster
from hcai.grading.outcome import SCORED, Outcome, Status, compute_outcomes, count_statuses
from hcai.grading.state import GradingState

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass
class ItemStats:
    grade_id: str
    kind: str
    max_points: float
    n: int
    mean: float | None
    mean_fraction: float | None
    discrimination: float | None
    upper_lower: float | None


def _pearson(xs: list[float], ys: list[float]) -> float | None:
    if len(xs) < 3:
        return None
    sx, sy = statistics.pstdev(xs), statistics.pstdev(ys)
    if sx == 0 or sy == 0:
        return None
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / (len(xs) * sx * sy)


def item_statistics(outcomes: list[Outcome], items: list[tuple[str, str, float]]) -> list[ItemStats]:
    """Statistics per ``(grade_id, kind, max_points)`` over submissions that have scores."""
    scored = [o for o in outcomes if o.items and o.status in SCORED]
    totals = {o.student_id: sum(v for v in o.items.values() if v is not None) for o in scored}
    ranked = sorted(scored, key=lambda o: totals[o.student_id])
    k = max(1, round(0.27 * len(ranked))) if len(ranked) >= 4 else 0
    lower, upper = ranked[:k], ranked[-k:] if k else []
    stats = []
    for grade_id, kind, points in items:
        have = {o.student_id: v for o in scored if (v := o.items.get(grade_id)) is not None}
        values = list(have.values())
        rest = [totals[sid] - v for sid, v in have.items()]
        mean = statistics.fmean(values) if values else None
        ul = None
        if k and points:
            up = [have[o.student_id] for o in upper if o.student_id in have]
            lo = [have[o.student_id] for o in lower if o.student_id in have]
            if up and lo:
                ul = (statistics.fmean(up) - statistics.fmean(lo)) / points
        stats.append(ItemStats(grade_id, kind, points, len(values), mean,
                               (mean / points) if mean is not None and points else None,
                               _pearson(values, rest), ul))
    return stats


def _png(fig: Figure) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _figures(outcomes: list[Outcome], stats: list[ItemStats], max_score: float) -> list[tuple[str, str, str]]:
    """``(title, alt text, data URI)`` for each figure."""
    import matplotlib
    matplotlib.use("Agg")
    return [_score_figure(outcomes, max_score), _item_figure(stats), _status_figure(outcomes)]


def _score_figure(outcomes: list[Outcome], max_score: float) -> tuple[str, str, str]:
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    final = [o.score for o in outcomes if o.status == Status.GRADED and o.score is not None]
    partial = [o.auto_score for o in outcomes
               if o.status == Status.NEEDS_MANUAL_GRADING and o.auto_score is not None]
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    bins = max(5, min(20, int(max_score) + 1)) if max_score else 10
    data, labels = [], []
    if final:
        data.append(final)
        labels.append("graded (final score)")
    if partial:
        data.append(partial)
        labels.append("awaiting manual grading (autograded part)")
    if data:
        ax.hist(data, bins=bins, range=(0, max_score) if max_score else None, stacked=True, label=labels,
                color=["#1f77b4", "#ff7f0e"][:len(data)])
        ax.legend(frameon=False, fontsize=8)
    ax.set_xlabel(f"points (of {max_score:g})")
    ax.set_ylabel("submissions")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title("Score distribution")
    med = f"median final score {statistics.median(final):g} of {max_score:g}" if final else "no final scores yet"
    alt = (f"Histogram of scores: {len(final)} graded submission(s), {len(partial)} awaiting manual grading "
           f"shown by their autograded part; {med}.")
    figure = ("Score distribution", alt, _png(fig))
    plt.close(fig)
    return figure


def _item_figure(stats: list[ItemStats]) -> tuple[str, str, str]:
    import matplotlib.pyplot as plt

    names = [s.grade_id for s in stats]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.4))
    means = [s.mean_fraction if s.mean_fraction is not None else 0 for s in stats]
    ax1.barh(names, means, color="#2ca02c")
    ax1.set_xlim(0, 1)
    ax1.set_xlabel("mean score (share of the item's points)")
    ax1.set_title("Per-question mean")
    ax1.invert_yaxis()
    disc = [s.discrimination if s.discrimination is not None else 0 for s in stats]
    ax2.barh(names, disc, color=["#d62728" if d < 0.2 else "#9467bd" for d in disc])
    ax2.axvline(0.2, color="grey", linestyle="--", linewidth=1)
    ax2.set_xlim(-1, 1)
    ax2.set_xlabel("discrimination (corrected point-biserial)")
    ax2.set_title("Discrimination")
    ax2.invert_yaxis()
    parts = [f"{s.grade_id}: mean {_fmt(s.mean_fraction, pct=True)}, discrimination {_fmt(s.discrimination)}"
             for s in stats]
    alt = "Two bar charts, one bar per graded item. " + "; ".join(parts) + "."
    figure = ("Per-question mean and discrimination", alt, _png(fig))
    plt.close(fig)
    return figure


def _status_figure(outcomes: list[Outcome]) -> tuple[str, str, str]:
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    counts = count_statuses(outcomes)
    fig, ax = plt.subplots(figsize=(6.4, 2.6))
    ax.barh([k.label for k in counts], list(counts.values()),
            color=["#1f77b4", "#ff7f0e", "#7f7f7f", "#d62728"])
    ax.invert_yaxis()
    ax.set_xlabel("students")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title("Submission status")
    alt = "Bar chart of students by status: " + ", ".join(f"{k.label} {v}" for k, v in counts.items()) + "."
    figure = ("Submission status", alt, _png(fig))
    plt.close(fig)
    return figure


def _fmt(value: float | None, pct: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:.0%}" if pct else f"{value:.2f}"


def _table(headers: list[str], rows: list[list[str]], caption: str) -> str:
    if not rows:
        return f"<p>{html.escape(caption)}: none.</p>"
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return (f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>")


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
color:#1a1a1a;line-height:1.45}
table{border-collapse:collapse;margin:1rem 0;width:100%}caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{border:1px solid #bbb;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#eef}
figure{margin:1.5rem 0}img{max-width:100%;height:auto}figcaption{font-size:.9rem;color:#333}
"""


def _write_items_csv(items_csv: Path, stats: list[ItemStats]) -> Path:
    with items_csv.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["grade_id", "kind", "max_points", "n", "mean", "mean_fraction", "discrimination",
                         "upper_lower"])
        for s in stats:
            writer.writerow([s.grade_id, s.kind, f"{s.max_points:g}", s.n,
                             "" if s.mean is None else f"{s.mean:.3f}",
                             "" if s.mean_fraction is None else f"{s.mean_fraction:.3f}",
                             "" if s.discrimination is None else f"{s.discrimination:.3f}",
                             "" if s.upper_lower is None else f"{s.upper_lower:.3f}"])
    return items_csv


def _html(assignment: str, outcomes: list[Outcome], stats: list[ItemStats], max_score: float,
          due: datetime | None) -> list[str]:
    """The report page's HTML, as lines."""
    figures = _figures(outcomes, stats, max_score)
    problems = [[o.student_id, str(o.status), o.reason] for o in outcomes
                if o.status in (Status.ERROR, Status.MISSING)]
    late = [[o.student_id, o.timestamp, f"{o.seconds_late / 3600:.1f} h", str(o.status)]
            for o in outcomes if o.late]
    item_rows = [[s.grade_id, s.kind, f"{s.max_points:g}", str(s.n), _fmt(s.mean_fraction, pct=True),
                  _fmt(s.discrimination), _fmt(s.upper_lower)] for s in stats]
    counts = count_statuses(outcomes)
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Grading report: {html.escape(assignment)}</title><style>{_CSS}</style></head><body><main>",
        f"<h1>Grading report: {html.escape(assignment)}</h1>",
        f"<p>{len(outcomes)} student(s): " + ", ".join(f"{v} {k.label}" for k, v in counts.items())
        + f". Maximum score {max_score:g}."
        + (f" Due {due:%Y-%m-%d %H:%M} UTC." if due else " No due date is set.") + "</p>",
    ]
    for title, alt, uri in figures:
        parts.append(f'<figure><img src="{uri}" alt="{html.escape(alt)}">'
                     f"<figcaption>{html.escape(title)}</figcaption></figure>")
    parts.append("<h2>Items</h2>")
    parts.append("<p>Discrimination is the correlation between an item's score and the rest of the "
                 "submission's score; items below 0.2 separate strong from weak work poorly. "
                 "Upper-lower is the difference in mean share between the top and bottom 27%.</p>")
    parts.append(_table(["item", "kind", "points", "n", "mean", "discrimination", "upper-lower"], item_rows,
                        "Per-item statistics"))
    parts.append("<h2>Errors and missing submissions</h2>")
    parts.append(_table(["student", "status", "reason"], problems, "Submissions with errors or missing"))
    parts.append("<h2>Late submissions</h2>")
    parts.append(_table(["student", "submitted", "late by", "status"], late, "Late submissions"))
    parts.append("</main></body></html>")
    return parts


def report(assignment: str, course_dir: str | None = None, say: Printer | None = None) -> tuple[Path, Path]:
    """Write ``reports/<A>-report.html`` and ``reports/<A>-items.csv``; return both paths."""
    say = say or printer()
    course = Course.open(course_dir)
    course.require_assignment(assignment)
    state = GradingState(course.root, assignment)
    if not state.students:
        raise WorkflowError(f"{assignment} has not been graded yet; run `grade {assignment}` first.")
    say(f"Reporting on {assignment} ...")
    roster = [r["student_id"] for r in read_roster(course.root)]
    students = sorted(set(roster) | set(state.students))
    outcomes = compute_outcomes(course, assignment, students, state, course.cell_timeout)
    with course.gradebook() as gb:
        info = gradebook.assignment_items(gb, assignment)
    max_score, due = info.max_score, info.due
    stats = item_statistics(outcomes, info.items)

    out_dir = course.root / "reports"
    out_dir.mkdir(parents=True, exist_ok=True)
    items_csv = _write_items_csv(out_dir / f"{assignment}-items.csv", stats)
    parts = _html(assignment, outcomes, stats, max_score, due)
    report_html = out_dir / f"{assignment}-report.html"
    tmp = report_html.with_suffix(".tmp")
    tmp.write_text("\n".join(parts), encoding="utf-8")
    os.replace(tmp, report_html)
    say(f"Report: {report_html}\nItems:  {items_csv}")
    return report_html, items_csv


__all__ = ["ItemStats", "item_statistics", "report"]
