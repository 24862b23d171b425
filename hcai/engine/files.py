"""The submission's files as test cells see them, and the learner's written files afterwards.

Plain nbgrader runs a notebook with its working folder in ``autograded/<student>/<assignment>/``:
a test cell reads files beside the notebook by relative path, and files learner code writes
end up there (nbgrader's ``test_side_effects``). Here test cells run in the grader, so:

* before a test cell that follows learner cells, the kernel copies the files in its working
  folder into ``<run dir>/out`` (one channel request; regular files only, capped), and
  :class:`FilesView` builds ``<scratch>/view``: the submission's files as the grader received
  them (instructor files already put back by nbgrader's ``Autograde``) plus what learner code
  wrote. A learner-written file never replaces one of those: instructor and source files win.
  The test cell runs with ``view`` as its working folder;
* after the run, :meth:`FilesView.write_back` copies the files learner code wrote (never
  over an existing one) into the submission folder, as plain nbgrader leaves them.
"""

from __future__ import annotations

import contextlib
import inspect
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from hcai.engine import sandbox, tree
from hcai.engine.channel import ChannelError, KernelChannel
from hcai.engine.kernel import LearnerKernel

#: Files and bytes the kernel may hand back from its working folder.
MAX_FILES = 500
MAX_BYTES = 50 * 1024 * 1024

#: What the kernel runs to export its working folder: :mod:`hcai.engine.tree`'s own source
#: and an ``agent`` that calls it, defined afresh for each request by
#: :class:`~hcai.engine.channel.KernelChannel` in its private dict, so no learner name is bound
#: or replaced (and, being one user expression, no cell for IPython to hash and transform).
EXPORT_AGENT = inspect.getsource(tree) + f"""

def agent(out):
    copy_regular_files('.', out, max_files={MAX_FILES}, max_bytes={MAX_BYTES},
                       skip_dirs=('.ipynb_checkpoints',), empty_dirs=False, fresh=True)
    return 'ok'
"""


class FilesView:
    """A working folder for test cells: the submission's files plus what learner code wrote."""

    def __init__(self, kernel: LearnerKernel) -> None:
        self.kernel = kernel
        self.view = kernel.scratch / "view"
        self.out = kernel.run_dir / "out"
        self.stale = True
        self.channel = KernelChannel(kernel, EXPORT_AGENT)

    def _written_dir(self) -> Path:
        """Where the learner's working folder can be read from on this side."""
        if not self.kernel.sandboxed:
            return self.kernel.input_dir  # the kernel works in it directly
        try:
            self.channel.request(str(self.out), 30.0)
        except ChannelError:
            shutil.rmtree(self.out, ignore_errors=True)  # what it left is not taken as written
        return self.out

    def refresh(self) -> None:
        """Rebuild the view if learner cells ran since the last one."""
        if not self.stale:
            return
        self.stale = False
        shutil.rmtree(self.view, ignore_errors=True)
        trusted = self.kernel.workdir
        if trusted is not None and trusted.is_dir():
            sandbox.copy_submission(trusted, self.view, max_files=MAX_FILES, max_bytes=MAX_BYTES)
        else:
            self.view.mkdir(parents=True, exist_ok=True)
        if not self.kernel.alive():
            return
        written = self._written_dir()
        if written.is_dir():
            _merge_new(written, self.view)

    @contextlib.contextmanager
    def cwd(self) -> Iterator[None]:
        """Run the body with the view as the working folder (then back)."""
        self.refresh()
        before = os.getcwd()
        os.chdir(self.view)
        try:
            yield
        finally:
            os.chdir(before)

    def write_back(self, folder: Path) -> None:
        """Copy files learner code wrote into ``folder``, never replacing one that is there."""
        self.stale = True
        self.refresh()
        if self.view.is_dir() and Path(folder).is_dir():
            _merge_new(self.view, Path(folder))


def _merge_new(src: Path, dst: Path) -> None:
    """Copy regular files of ``src`` into ``dst`` where ``dst`` has no such file yet."""
    staging = dst.parent / f".{dst.name}.hcai-incoming"
    shutil.rmtree(staging, ignore_errors=True)
    sandbox.copy_submission(src, staging, max_files=MAX_FILES, max_bytes=MAX_BYTES)
    for path in sorted(staging.rglob("*")):
        rel = path.relative_to(staging)
        target = dst / rel
        if path.is_file() and not target.exists() and not target.is_symlink():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    shutil.rmtree(staging, ignore_errors=True)


__all__ = ["EXPORT_AGENT", "FilesView", "MAX_BYTES", "MAX_FILES"]
