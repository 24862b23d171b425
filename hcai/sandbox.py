"""Moved to :mod:`hcai.engine.sandbox`; this name is the same module until every caller moves.

The module object itself is replaced, so ``from hcai import sandbox`` and
``hcai.engine.sandbox`` are one module (a test that monkeypatches one patches both).
"""

import sys

from hcai.engine import sandbox as engine_sandbox

sys.modules[__name__] = engine_sandbox
