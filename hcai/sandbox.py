"""Moved to :mod:`hcai.engine.sandbox`; this name stays until every caller imports it there."""

from hcai.engine.sandbox import *  # noqa: F401,F403
from hcai.engine.sandbox import __all__  # noqa: F401
