"""Shared code for the Healthcare AI Credentials course.

Modules:
    paths    -- where the repository, data and assignments live (one place for paths)
    data     -- load and validate the course's tables by name
    judge    -- judge test cells outside the learner's kernel (docs/GRADING-MODEL.md)
    checks   -- friendly assertion helpers used by test cells
"""

__version__ = "0.1.0"
