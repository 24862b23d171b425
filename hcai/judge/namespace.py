"""TrustedNamespace: the globals of test cells, and which test-side actions reach the kernel.

A test cell reads a name it did not define: the value is fetched from the learner's kernel
(data by value, anything else as a handle) and cached until learner code may have run again
(any call into the kernel) or until :meth:`TrustedNamespace.forget_learner_values` (after
each learner cell). Builtin names are never fetched: tests always get the real builtins.

Test-side actions mirrored into the kernel, as nbgrader's shared kernel would see them:

* ``del name`` of a learner name deletes it there (``NameError`` if it does not exist);
* assigning a name the learner's kernel has (or that the test read or deleted), other than
  a ``_private`` one, rebinds it there too, to the same handle, to the data, or to the test's own function (see
  :mod:`hcai.judge.outbound`);
* ``setattr``/``setitem`` on a handle happen on the kernel object;
* ``random.seed``/``np.random.seed`` in a test seed the kernel as well; from then on, in this
  test cell sequence, the global random states travel with every request both ways, so test
  and learner draw from one stream as in one process;
* ``import matplotlib...`` gives the learner's matplotlib (figures live in the kernel).

Imports in test cells refuse a module file found in the working directory: a learner may
have planted ``numpy.py`` beside the notebook.
"""

from __future__ import annotations

import builtins
import importlib
import importlib.machinery
import os
import random
import sys
import types
from collections.abc import Callable
from typing import Any

from hcai.judge import crossing
from hcai.judge.channel import Channel
from hcai.judge.guards import ModuleWrapper, wrap_module
from hcai.judge.handles import GradingRefused, ValueUnavailable
from hcai.judge.outbound import encode_for_kernel
from hcai.judge.session import Session


class ModuleProxy(ModuleWrapper):
    """``random``, ``numpy``, ``numpy.random`` in a test: the real module, with mirrored ``seed``."""

    hcai_module_proxy = True
    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        module = object.__getattribute__(self, "_module")
        namespace = object.__getattribute__(self, "_namespace")
        value = getattr(module, name)
        if name == "seed" and module.__name__ in ("random", "numpy.random"):
            return namespace.seeder(module.__name__, value)
        if isinstance(value, types.ModuleType) and value.__name__ == "numpy.random":
            return ModuleProxy(value, namespace)
        return value


class TrustedNamespace(dict):
    """Globals for test cells; see the module docstring for what reaches the kernel."""

    def __init__(self, channel: Channel, *, timeout: float = 30.0,
                 on_learner_code: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.session = Session(channel, timeout)
        self.session.on_learner_code = on_learner_code
        self.session.sync = self._sync_states
        self.session.on_sync = self._apply_states
        self.session.resolve_module = self.own_module
        self.seeded: set[str] = set()
        self._learner: dict[str, int] = {}  # cached learner name -> session epoch
        self._deleted: set[str] = set()
        self._names: tuple[int, set[str]] | None = None
        own_builtins = dict(vars(builtins))
        own_builtins["__import__"] = self._import
        dict.__setitem__(self, "__builtins__", own_builtins)
        dict.__setitem__(self, "__name__", "__main__")

    # reading ---------------------------------------------------------------------------------
    def __getitem__(self, name: str) -> Any:
        epoch = self._learner.get(name)
        if epoch is not None and epoch != self._epoch():
            dict.pop(self, name, None)
            del self._learner[name]
        return dict.__getitem__(self, name)

    def __missing__(self, name: str) -> Any:
        if not isinstance(name, str) or name.startswith("__") or hasattr(builtins, name):
            raise KeyError(name)
        try:
            value = self.session.request("get", name=name)
        except NameError:
            raise KeyError(name) from None
        dict.__setitem__(self, name, value)
        self._learner[name] = self._epoch()
        return value

    def __contains__(self, name: object) -> bool:
        # `'votes' in vars()` / `in globals()`: in nbgrader's kernel these are the learner's
        # globals, so a learner name is in them even before the test has read it
        if dict.__contains__(self, name):
            return True
        return isinstance(name, str) and not name.startswith("__") and (
            name not in self._deleted and name in self._kernel_names())

    def keys(self) -> list[str]:  # type: ignore[override]
        """The test's names and the learner's (``dir()`` in a test cell lists both)."""
        own = list(dict.keys(self))
        seen = set(own)
        return own + sorted(n for n in self._kernel_names() - seen if n not in self._deleted)

    def _epoch(self) -> int:
        return self.session.epoch

    def test_owned(self, name: str) -> bool:
        """True for a name the test itself defined (not a cached learner value)."""
        return dict.__contains__(self, name) and name not in self._learner and not (
            name.startswith("__") and name.endswith("__"))

    # mirrored actions ----------------------------------------------------------------------
    def _kernel_names(self) -> set[str]:
        if self._names is None or self._names[0] != self._epoch():
            names = self.session.request("names")
            names = names if isinstance(names, list) else []
            self._names = (self._epoch(), {n for n in names if isinstance(n, str)})
        return self._names[1]

    def _is_learner_name(self, name: str) -> bool:
        # A test's private names (`_exp`, `for _ in ...`) stay test-side: mirroring them would
        # cost a request each and could only matter to learner code reading `_`-names.
        if name.startswith("_"):
            return False
        return name in self._learner or name in self._deleted or name in self._kernel_names()

    def __setitem__(self, name: str, value: Any) -> None:
        if isinstance(name, str) and self._is_learner_name(name):
            self.session.request("set", name=name, value=encode_for_kernel(value, self.session))
            self._deleted.discard(name)
            if self._names is not None:
                self._names[1].add(name)
            dict.__setitem__(self, name, value)
            self._learner[name] = self._epoch()
            return
        self._learner.pop(name, None)
        dict.__setitem__(self, name, value)

    def __delitem__(self, name: str) -> None:
        local = dict.__contains__(self, name)
        if isinstance(name, str) and (not local or self._is_learner_name(name)):
            try:
                self.session.request("del", name=name)
            except NameError:
                if not local:
                    raise KeyError(name) from None
            else:
                self._deleted.add(name)
                if self._names is not None:
                    self._names[1].discard(name)
        self._learner.pop(name, None)
        if local:
            dict.__delitem__(self, name)

    def refuse(self, exc: GradingRefused) -> GradingRefused:
        """Record a refusal for this test cell (it stands even if the test catches it)."""
        if self.session.refusal is None:
            self.session.refusal = exc
        return exc

    def take_refusal(self) -> BaseException | None:
        """The refusal recorded during the test cell that just ran, if any (then cleared)."""
        exc, self.session.refusal = self.session.refusal, None
        return exc

    def forget_learner_values(self) -> None:
        """Drop cached learner values and random-state mirroring (a learner cell ran)."""
        for name in list(self._learner):
            dict.pop(self, name, None)
        self._learner.clear()
        self._deleted.clear()
        self._names = None
        self.seeded.clear()

    # seeding --------------------------------------------------------------------------------
    def seeder(self, module: str, seed: Any) -> Any:
        def mirrored_seed(*args: Any, **kwargs: Any) -> Any:
            result = seed(*args, **kwargs)
            self.seeded.add("random" if module == "random" else "numpy")
            return result
        return mirrored_seed

    def _sync_states(self) -> dict | None:
        if not self.seeded:
            return None
        out: dict[str, Any] = {}
        if "random" in self.seeded:
            out["random"] = crossing.encode(random.getstate())
        np = sys.modules.get("numpy")
        if "numpy" in self.seeded and np is not None:
            out["numpy"] = crossing.encode(np.random.get_state(legacy=False))
        return out

    def _apply_states(self, states: dict) -> None:
        try:
            if "random" in states:
                random.setstate(states["random"])
            if "numpy" in states:
                sys.modules["numpy"].random.set_state(states["numpy"])
        except (TypeError, ValueError, KeyError):
            raise ValueUnavailable("the random state could not be read back") from None

    # imports --------------------------------------------------------------------------------
    def _import(self, name: str, globals: Any = None, locals: Any = None,
                fromlist: Any = (), level: int = 0) -> Any:
        if level:
            raise ImportError("Relative imports are not available in test cells.")
        top = name.partition(".")[0]
        if top == "matplotlib":
            return self._kernel_import(name, fromlist)
        _refuse_planted(top)
        module = builtins.__import__(name, None, None, fromlist, 0)
        if top in ("random", "numpy"):
            return ModuleProxy(module, self)
        return wrap_module(module, self)

    def own_module(self, name: str) -> Any:
        """The grader's copy of a library module the learner holds (``np``), or None.

        Only one of :data:`OWN_LIBRARIES` and its submodules (never a module file beside the
        notebook); ``matplotlib`` stays in the kernel, where
        the figures are. The grader's numpy answers `np.ndarray`, `np.allclose`, not the
        learner's.
        """
        top = name.partition(".")[0]
        if top == "matplotlib" or not name or not all(p.isidentifier() for p in name.split(".")):
            return None
        if top not in OWN_LIBRARIES or (name != top and name not in sys.modules):
            return None  # a submodule only once the library loaded it: no import side effects
        try:
            _refuse_planted(top)
            module = importlib.import_module(name)
        except (ImportError, GradingRefused):
            return None
        if name in ("random", "numpy", "numpy.random"):
            return ModuleProxy(module, self)
        return wrap_module(module, self)

    def _kernel_import(self, name: str, fromlist: Any) -> Any:
        self.session.request("import", name=name)
        if not fromlist:
            return self.session.request("import", name=name.partition(".")[0])
        for item in fromlist:
            try:
                self.session.request("import", name=f"{name}.{item}")
            except ImportError:
                pass  # an attribute, not a submodule
        return self.session.request("import", name=name)


#: Libraries whose grader-side copy stands in for the learner's module of that name.
OWN_LIBRARIES = frozenset({"numpy", "pandas", "scipy", "sklearn", "math", "cmath", "statistics",
                           "random", "collections", "itertools", "functools", "datetime", "re",
                           "json", "string", "decimal", "fractions", "operator", "inspect"})


def _refuse_planted(top: str) -> None:
    """Refuse, before it runs, a module that would load from the working directory.

    The working directory of test cells is a view of the submission, where a learner may have
    planted ``numpy.py``; the grader must never import it.
    """
    if top in sys.modules:  # the grader's own, already loaded: nothing new runs
        return
    here = os.path.realpath(os.getcwd())
    try:
        spec = importlib.machinery.PathFinder.find_spec(top)
    except (ImportError, ValueError):
        spec = None
    path = getattr(spec, "origin", None)
    locations = list(getattr(spec, "submodule_search_locations", None) or [])
    if locations:
        path = os.path.join(locations[0], "__init__.py")
    if not isinstance(path, str):
        return
    folder = os.path.dirname(os.path.realpath(path))
    if os.path.basename(path).startswith("__init__."):
        folder = os.path.dirname(folder)
    if folder == here:
        raise GradingRefused(f"The test imports `{top}`, and a file beside the notebook has "
                             "that name; it was not used. Rename your file.")


__all__ = ["ModuleProxy", "TrustedNamespace"]
