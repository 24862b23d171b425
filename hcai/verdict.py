"""Old home of the test-cell verdict; it now lives in :mod:`hcai.judge` (docs/GRADING-MODEL.md).

A thin re-export kept for callers that still import ``hcai.verdict`` (the assignment tests):
``LocalFetcher(values)`` is a :class:`hcai.judge.local.LocalChannel` over a dict of learner
values, so ``TrustedNamespace(LocalFetcher(values))`` judges exactly as the grader does.
"""

from __future__ import annotations

from hcai.judge.local import LocalChannel as LocalFetcher
from hcai.judge.local import check_cells
from hcai.judge.namespace import TrustedNamespace
from hcai.judge.verdict import (GENERIC_FAILURE, HIDDEN_FAILURE, CellVerdict, run_test_source)
from hcai.judge.verdict import default_hidden_lines as hidden_lines

__all__ = ["CellVerdict", "GENERIC_FAILURE", "HIDDEN_FAILURE", "LocalFetcher", "TrustedNamespace",
           "check_cells", "hidden_lines", "run_test_source"]
