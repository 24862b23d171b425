"""nbgrader configuration for the course (the one source of nbgrader settings).

nbgrader reads this file when it runs from ``assignments/``; the repository root's
``nbgrader_config.py`` loads it, so running from the root uses the same course. The
``python -m hcai`` grading commands load it explicitly and then point the course root at
whatever ``--course-dir`` they were given (tests grade a temporary copy).

Everything that names a path is absolute and built from this file's own location: a
relative root would resolve against the working directory, and nbgrader would quietly
create an empty ``gradebook.db`` wherever it happened to be started.
"""

import os
from pathlib import Path

c = get_config()  # noqa: F821 -- injected by traitlets when it runs this file

COURSE_ROOT = Path(__file__).resolve().parent

# --- the course ----------------------------------------------------------------------
c.CourseDirectory.root = str(COURSE_ROOT)
# One hub can serve several courses: each has its own id (the exchange keeps them apart
# with Exchange.path_includes_course; hub/setup.py writes such a course config).
c.CourseDirectory.course_id = os.environ.get("HCAI_COURSE_ID") or "hcai"
# The gradebook. SQLite beside this file suits one instructor (a held write lock would
# otherwise abort a whole run after SQLite's 5 s default, hence the timeout). Several graders
# or a hub: a PostgreSQL URL here (or in $HCAI_DB_URL), e.g.
#   postgresql+psycopg2://grader:PASSWORD@127.0.0.1:5432/hcai
# The grading commands honour it (hcai/grading/database.py); INSTRUCTORS.md says how to
# move an existing gradebook.db there.
c.CourseDirectory.db_url = os.environ.get("HCAI_DB_URL") or f"sqlite:///{COURSE_ROOT / 'gradebook.db'}?timeout=30"
c.CourseDirectory.ignore = [
    ".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".DS_Store", "*.db-journal",
]
# Only the exchange moves between machines: a shared folder on a JupyterHub, or a local
# folder when assignments travel through an LMS instead.
c.Exchange.root = os.environ.get("HCAI_EXCHANGE") or str(COURSE_ROOT / "exchange")
# nbgrader's collect, except that an inbound entry named for one learner but owned by
# another, or holding symbolic links, is not taken at its word (hcai/grading/exchange.py;
# SECURITY.md): every learner can write into a course's inbound folder.
c.ExchangeFactory.collect = "hcai.grading.exchange.CheckedCollect"

# --- generating the student version ---------------------------------------------------
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
c.ClearSolutions.enforce_metadata = True
c.ClearHiddenTests.enforce_metadata = True

# --- autograding ------------------------------------------------------------------------
# nbgrader's default sanitize list, after one step of ours: a submission's nbgrader cell
# metadata is reset from the gradebook first, so a relabelled test cell or stripped
# metadata grades as an ordinary submission instead of making OverwriteCells raise
# (hcai/grading/sanitize.py; SECURITY.md, "Residual risks").
c.Autograde.sanitize_preprocessors = [
    "hcai.grading.sanitize.RestoreGradebookMetadata",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# nbgrader's default list with one change: learner cells run in the sandboxed kernel and
# test cells are judged outside it (docs/DESIGN.md, "Grading architecture"). Dotted names
# are resolved when grading starts, so a problem with the sandbox module surfaces as a
# clear import error there instead of breaking this file (traitlets would then silently
# fall back to defaults: the wrong root and nbgrader's unsandboxed Execute).
c.Autograde.autograde_preprocessors = [
    "hcai.grading.execute.TrustedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "hcai.grading.preprocessors.LimitOutputSize",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
    "hcai.grading.preprocessors.RecordProblems",
]
# Late submissions (INSTRUCTORS.md, "Late submissions"): AssignLatePenalties above stores a
# penalty in the gradebook for a submission timestamped after the due date; the final score
# is the points minus it. This course takes 10 % of the notebook's maximum points per started
# day late, so after ten days nothing is left (hcai/grading/late.py).
c.AssignLatePenalties.plugin_class = "hcai.grading.late.PerDayLatePenalty"
c.PerDayLatePenalty.fraction_per_day = 0.10
c.PerDayLatePenalty.grace_minutes = 0

# A test cell deleted from a submission is put back from the gradebook and run, so the
# learner's answer is still judged (without this the cell's grade is silently empty).
c.OverwriteCells.add_missing_cells = True

# Execution: TrustedExecute (a subclass of Execute) reads these four traits; the engine
# fixes the rest (kernels are always stopped at once, errors never stop the run, no timing
# is recorded, the notebook's kernelspec is ignored): see hcai/grading/execute.py.
c.Execute.timeout = 30                      # seconds per cell; a loop is interrupted
c.Execute.startup_timeout = 60              # seconds a fresh kernel has to answer
c.Execute.interrupt_on_timeout = True       # False: a cell that runs too long stops the kernel
c.Execute.extra_arguments = []              # more kernel flags (the sandbox adds its own)
# The next submission's kernel starts while the current one runs (hcai/engine/pool.py).
c.TrustedExecute.prestart_kernel = True

c.LimitOutput.max_lines = 1000
c.LimitOutput.max_traceback = 100
# max_lines counts lines, so one 50 MB line would pass whole; this caps characters.
c.LimitOutputSize.max_chars_per_output = 20_000
c.LimitOutputSize.max_chars_per_cell = 50_000

# --- feedback -----------------------------------------------------------------------------
# The learner sees results and the visible tests; never the hidden tests, neither as code
# nor quoted inside a traceback.
# nbconvert's HTML exporter, with compiled templates kept per process: `grade` starts the
# feedback step once per submission, and compiling the templates each time cost more than
# rendering the page (hcai/grading/feedback_html.py).
c.GenerateFeedback.exporter_class = "hcai.grading.feedback_html.FeedbackHTMLExporter"
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "hcai.grading.preprocessors.HideTestTracebacks",
    "nbgrader.preprocessors.ClearHiddenTests",
    "hcai.grading.preprocessors.LimitOutputSize",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]

# --- headless runs ----------------------------------------------------------------------
# The sandboxed kernel gets its own minimal environment (hcai.sandbox), including a headless
# matplotlib backend. Nothing is set in os.environ here: this file is also loaded inside the
# book build (student downloads), whose notebook kernels must keep the inline backend.

# Instructors (and tests) may layer personal settings on top without editing this file.
_extra = os.environ.get("HCAI_NBGRADER_EXTRA_CONFIG")
if _extra:
    load_subconfig(_extra)  # noqa: F821 -- injected by traitlets
