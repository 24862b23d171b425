"""Run nbgrader from the repository root with the course in ``assignments/``.

The real settings live in ``assignments/nbgrader_config.py``; this file only loads them
(with an absolute path, so the working directory never matters).
"""

from pathlib import Path

load_subconfig(str(Path(__file__).resolve().parent / "assignments" / "nbgrader_config.py"))  # noqa: F821
