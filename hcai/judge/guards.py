"""Test-side stand-ins for ``unittest.mock`` and ``inspect``, where the real ones would misjudge.

Learner code runs in the kernel, test cells run here. Two library tools used by nbgrader
tests reach across that line in a way the real modules cannot follow:

* ``unittest.mock.patch('__main__.min')`` patches *this* process's ``__main__``; the learner's
  ``mymin`` in the kernel still calls the real ``min``, so ``mock_min.assert_not_called()``
  would pass for wrong work. Every ``patch`` a test applies stays in this process, so none of
  them can observe or change what learner code does. :class:`MockModule` refuses them all
  (:class:`~hcai.judge.handles.GradingRefused`, a ``BaseException`` a test's
  ``except Exception`` cannot swallow) when the patcher is made, before any learner code runs.
  ``patch.object`` / ``patch.dict`` on the test's own objects (not a module, not a learner
  object, not the test's globals) stay allowed: they act on test-side code only. So does
  patching ``sys.stdout`` / ``sys.stderr``: learner output is relayed to them.
* ``inspect.getsource(f)`` of a learner function: the function lives in the kernel, so
  :class:`InspectModule` asks the kernel for the source text there (``inspect.getsource``
  run in the kernel, which reads the notebook cell IPython recorded). That text is
  learner-controlled, as it is in nbgrader's kernel: it is the learner's own answer text.
"""

from __future__ import annotations

import os
import sys
import types
from typing import Any

from hcai.judge.handles import GradingRefused, LearnerObject, ValueUnavailable

PATCH_REFUSED = ("This test patches a name with unittest.mock (`{target}`). Your code runs in "
                 "its own kernel, which this grader's patches cannot reach, so the check cannot "
                 "be graded here. Tell your instructor.")

#: Patch targets that stay faithful: learner output is relayed to the test's ``sys.stdout`` /
#: ``sys.stderr`` at the time it arrives, so a patched stream captures it as in one process.
STREAM_TARGETS = frozenset({"sys.stdout", "sys.stderr"})

#: The most characters of source text taken from the kernel.
MAX_SOURCE_CHARS = 200_000


class ModuleWrapper:
    """A library module with a few attributes replaced; everything else is the real module."""

    __slots__ = ("_module", "_namespace")

    def __init__(self, module: types.ModuleType, namespace: Any) -> None:
        object.__setattr__(self, "_module", module)
        object.__setattr__(self, "_namespace", namespace)

    def __getattr__(self, name: str) -> Any:
        return getattr(object.__getattribute__(self, "_module"), name)

    def __setattr__(self, name: str, value: Any) -> None:
        raise GradingRefused("A test cell may not change a library module; the change would not "
                             "reach your notebook. Tell your instructor.")

    def __dir__(self) -> list[str]:
        return dir(object.__getattribute__(self, "_module"))

    def __repr__(self) -> str:
        return repr(object.__getattribute__(self, "_module"))


def _refused(namespace: Any, target: str) -> GradingRefused:
    exc = GradingRefused(PATCH_REFUSED.format(target=target[:80]))
    refuse = getattr(namespace, "refuse", None)
    return refuse(exc) if callable(refuse) else exc


def _reaches_learner(target: Any, namespace: Any) -> bool:
    """True when patching ``target`` is meant to change what learner code sees."""
    # os.environ: learner code reads its own process's environment, not this one
    return (isinstance(target, (types.ModuleType, LearnerObject, ModuleWrapper))
            or target is namespace or target is os.environ
            or getattr(target, "hcai_module_proxy", False) is True)


class _Patch:
    """``unittest.mock.patch`` refusing every patch learner code would have to see."""

    def __init__(self, real: Any, namespace: Any) -> None:
        self._real, self._namespace = real, namespace
        self.TEST_PREFIX = real.TEST_PREFIX

    def __call__(self, target: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(target, str) and target in STREAM_TARGETS:
            return self._real(target, *args, **kwargs)
        raise _refused(self._namespace, str(target))

    def object(self, target: Any, attribute: Any, *args: Any, **kwargs: Any) -> Any:
        if target is sys and attribute in ("stdout", "stderr"):
            return self._real.object(target, attribute, *args, **kwargs)
        if _reaches_learner(target, self._namespace):
            raise _refused(self._namespace, f"{getattr(target, '__name__', type(target).__name__)}"
                                            f".{attribute}")
        return self._real.object(target, attribute, *args, **kwargs)

    def dict(self, in_dict: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(in_dict, str) or _reaches_learner(in_dict, self._namespace):
            raise _refused(self._namespace,
                           in_dict if isinstance(in_dict, str) else "the notebook's names")
        return self._real.dict(in_dict, *args, **kwargs)

    def multiple(self, target: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(target, str) or _reaches_learner(target, self._namespace):
            raise _refused(self._namespace, str(target))
        return self._real.multiple(target, *args, **kwargs)

    def stopall(self) -> None:
        self._real.stopall()


class MockModule(ModuleWrapper):
    """``unittest.mock`` in a test: the real module, with :class:`_Patch` as ``patch``."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        if name == "patch":
            return _Patch(object.__getattribute__(self, "_module").patch,
                          object.__getattribute__(self, "_namespace"))
        return super().__getattr__(name)


class UnittestModule(ModuleWrapper):
    """``unittest`` in a test: ``unittest.mock`` is :class:`MockModule`."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        value = super().__getattr__(name)
        if name == "mock":
            return MockModule(value, object.__getattribute__(self, "_namespace"))
        return value


def kernel_source(obj: LearnerObject) -> str:
    """The source text of a learner function or class, as the kernel's ``inspect`` finds it."""
    text = obj._op("source")
    if not isinstance(text, str) or len(text) > MAX_SOURCE_CHARS:
        raise ValueUnavailable("the source of your code could not be read")
    return text


class InspectModule(ModuleWrapper):
    """``inspect`` in a test: ``getsource``/``getsourcelines`` of a learner object ask the kernel."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        real = super().__getattr__(name)
        if name == "getsource":
            def getsource(obj: Any) -> str:
                return kernel_source(obj) if isinstance(obj, LearnerObject) else real(obj)
            return getsource
        if name == "getsourcelines":
            def getsourcelines(obj: Any) -> tuple[list[str], int]:
                if not isinstance(obj, LearnerObject):
                    return real(obj)
                return kernel_source(obj).splitlines(keepends=True), 0
            return getsourcelines
        return real


def wrap_module(module: types.ModuleType, namespace: Any) -> Any:
    """The stand-in for ``module`` in a test cell, or the module itself."""
    name = module.__name__
    if name == "unittest":
        return UnittestModule(module, namespace)
    if name == "unittest.mock":
        return MockModule(module, namespace)
    if name == "inspect":
        return InspectModule(module, namespace)
    return module


__all__ = ["InspectModule", "MAX_SOURCE_CHARS", "MockModule", "ModuleWrapper", "PATCH_REFUSED",
           "UnittestModule", "kernel_source", "wrap_module"]
