"""The course's late-submission penalty, as an nbgrader ``LateSubmissionPlugin``.

nbgrader's ``AssignLatePenalties`` preprocessor (in the autograde list of
``assignments/nbgrader_config.py``) asks its plugin for a penalty whenever a submission's
timestamp is after the due date, and stores it per notebook in the gradebook
(``late_submission_penalty``); the final score is the points minus that penalty, never
below zero. nbgrader's own plugin knows only ``none`` and ``zero``; this one takes a
share of the notebook's *maximum* points per started day late::

    c.AssignLatePenalties.plugin_class = "hcai.grading.late.PerDayLatePenalty"
    c.PerDayLatePenalty.fraction_per_day = 0.1   # 10 % of the maximum per started day
    c.PerDayLatePenalty.grace_minutes = 0        # minutes after the due date still on time

Why the maximum and not the score: nbgrader computes the penalty when it autogrades,
before manually graded answers have points; a share of the maximum does not change when
an instructor grades them later (nbgrader caps the penalty at the score it sees then).
"""

from __future__ import annotations

import math

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Float


class PerDayLatePenalty(LateSubmissionPlugin):
    """``fraction_per_day`` of the notebook's maximum points per started day late."""

    fraction_per_day = Float(
        0.1, min=0.0, max=1.0,
        help="Share of the notebook's maximum points taken per started day after the due date.",
    ).tag(config=True)

    grace_minutes = Float(
        0.0, min=0.0,
        help="Minutes after the due date that still count as on time (no penalty).",
    ).tag(config=True)

    def days_late(self, total_seconds_late: float) -> int:
        """Started days late after the grace period: 1 s late is one day, 24 h 1 s two."""
        seconds = total_seconds_late - self.grace_minutes * 60
        return max(0, math.ceil(seconds / 86400))

    def max_points(self, student_id: str, score: float) -> float:
        """The notebook's maximum points, from the gradebook the preprocessor has open.

        ``AssignLatePenalties`` (this plugin's parent) holds the open gradebook and the
        notebook's ids while it asks for the penalty; without them (another caller) the
        score stands in for the maximum.
        """
        parent = self.parent
        gradebook = getattr(parent, "gradebook", None)
        if gradebook is None:
            return score
        notebook = gradebook.find_notebook(parent.notebook_id, parent.assignment_id)
        return float(notebook.max_score)

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float) -> float | None:
        days = self.days_late(total_seconds_late)
        if days == 0:
            return None
        share = min(1.0, days * self.fraction_per_day)
        penalty = round(share * self.max_points(student_id, score), 4)  # 0.1 * 7 is 0.7000000000000001
        self.log.info("%s: %d day(s) late, penalty %g point(s) (%g %% of the maximum)",
                      student_id, days, penalty, share * 100)
        return penalty


__all__ = ["PerDayLatePenalty"]
