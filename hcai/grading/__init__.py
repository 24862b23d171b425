"""The instructor workflow on top of nbgrader: release, collect, grade, report, check.

nbgrader stays the system of record (gradebook, formgrader, feedback, export); this package
drives it so that one command does each step, submissions are graded in parallel, every
submission ends with a truthful status, and feedback never shows hidden tests.

Modules:
    config         -- load ``assignments/nbgrader_config.py`` for any course folder
    preprocessors  -- nbgrader/nbconvert preprocessors: output size limits, hidden-test
                      scrubbing for feedback, recording grading problems
    notebooks      -- static checks of source and release notebooks
    outcome        -- the ``Status`` enum and the status of one submission
    scores         -- what the workflow reads from nbgrader's gradebook
    state          -- what the last run graded, so re-runs grade only what changed
    fingerprint    -- everything besides a submission that decides its grade
    pool           -- parallel workers that survive crashing or hanging submissions
    worker         -- what a worker does for one submission (autograde, feedback)
    lifeline       -- no worker or kernel outlives the command (PDEATHSIG, signals, /proc)
    console        -- printing: progress lines and nbgrader log tails
    course         -- the course folder, roster and gradebook shared by the commands
    distribute     -- release and collect
    workflow       -- grade: plan what changed, run it on the pool, statuses
    preflight      -- check: the solution scores full marks, the blank release zero
    export         -- the truthful grades CSV
    report         -- HTML report with figures, and the per-item CSV
    cli            -- ``python -m hcai release|collect|grade|report|check``
    (execute       -- the sandboxed execute preprocessor, written separately)
"""
