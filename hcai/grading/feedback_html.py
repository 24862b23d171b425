"""The feedback step's HTML exporter: nbconvert's, with its compiled templates kept per process.

nbgrader's ``GenerateFeedback`` builds a new exporter, and with it a new Jinja environment,
every time it starts. Plain ``nbgrader generate_feedback`` starts once for a whole class;
``python -m hcai grade`` starts it once per submission in each worker, so every feedback
page paid for compiling nbconvert's templates again (about half a second, several times the
rendering itself). :class:`FeedbackHTMLExporter` is ``HTMLExporter`` with a Jinja *bytecode
cache* shared by the process (Jinja's documented hook for this, ``Environment.bytecode_cache``):
a template is compiled once and later environments load the compiled code. Jinja checks each
cached entry against the template's current source, so an edited template is compiled anew.

It is selected in the course config (``c.GenerateFeedback.exporter_class``); ``HTMLExporter``'s
config (nbgrader's ``feedback`` template) applies to it unchanged, and the pages it writes are
byte for byte what ``HTMLExporter`` writes (tested).
"""

from __future__ import annotations

import threading
from typing import Any

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from nbconvert.exporters import HTMLExporter


class ProcessBytecodeCache(BytecodeCache):
    """Compiled Jinja templates kept in memory for the life of the process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        with self._lock:
            data = self._store.get(bucket.key)
        if data is not None:
            # Jinja resets the bucket when its checksum no longer matches the source.
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: Bucket) -> None:
        data = bucket.bytecode_to_string()
        with self._lock:
            self._store[bucket.key] = data

    def clear(self) -> None:
        with self._lock:
            self._store.clear()


#: One cache for every feedback exporter in this process.
TEMPLATE_CACHE = ProcessBytecodeCache()


class FeedbackHTMLExporter(HTMLExporter):
    """``HTMLExporter`` whose Jinja environment shares :data:`TEMPLATE_CACHE`."""

    def _create_environment(self) -> Any:
        environment = super()._create_environment()
        environment.bytecode_cache = TEMPLATE_CACHE
        return environment


__all__ = ["FeedbackHTMLExporter", "ProcessBytecodeCache", "TEMPLATE_CACHE"]
