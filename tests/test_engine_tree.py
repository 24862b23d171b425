"""The one capped folder walk (:mod:`hcai.engine.tree`), as the grader and the kernel use it.

No kernel: the kernel's export request (:data:`hcai.engine.files.EXPORT_AGENT`, as
:class:`~hcai.engine.channel.KernelChannel` sends it) is evaluated here in a plain namespace,
as the kernel evaluates it.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from hcai.engine import sandbox, tree
from hcai.engine.channel import KernelChannel
from hcai.engine.files import EXPORT_AGENT


def _files(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def submission(tmp_path: Path) -> Path:
    sub = tmp_path / "sub"
    (sub / "data").mkdir(parents=True)
    (sub / "empty").mkdir()
    (sub / ".ipynb_checkpoints").mkdir()
    (sub / "a.txt").write_text("a")
    (sub / "data" / "b.csv").write_text("x,y\n")
    (sub / ".ipynb_checkpoints" / "a-checkpoint.txt").write_text("old")
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the grader's copy")
    (sub / "link.txt").symlink_to(secret)
    (sub / "linked_dir").symlink_to(tmp_path, target_is_directory=True)
    os.mkfifo(sub / "pipe")
    return sub


def test_copy_submission_keeps_regular_files_and_folders_only(submission, tmp_path):
    dst = tmp_path / "copy"
    assert sandbox.copy_submission(submission, dst) is True
    assert _files(dst) == {"a.txt": "a", "data/b.csv": "x,y\n", ".ipynb_checkpoints/a-checkpoint.txt": "old"}
    assert (dst / "empty").is_dir()
    assert not any(p.is_symlink() for p in dst.rglob("*"))
    assert not (dst / "linked_dir").exists() and not (dst / "pipe").exists()


def test_the_kernel_export_uses_the_same_walk_and_binds_no_learner_name(submission, tmp_path):
    out = tmp_path / "out"
    (out / "stale").mkdir(parents=True)
    (out / "stale" / "old.txt").write_text("from the last export")
    learner = {"os": "the learner's own os", "ns": 1}
    before = os.getcwd()
    os.chdir(submission)
    try:
        channel = KernelChannel(None, EXPORT_AGENT)  # type: ignore[arg-type] -- only builds the text
        assert eval(channel.expression(str(out)), learner) == "ok"
    finally:
        os.chdir(before)
    # only the channel's private dict is added; no learner name is bound or replaced
    assert {k: v for k, v in learner.items() if k not in ("__builtins__", channel.holder)} == {
        "os": "the learner's own os", "ns": 1}
    # fresh copy, checkpoints skipped, empty folders not recreated
    assert _files(out) == {"a.txt": "a", "data/b.csv": "x,y\n"}
    assert not (out / "empty").exists() and not (out / "stale").exists()


@pytest.mark.parametrize("max_files,max_bytes,expected", [
    (2, 10_000, {"a.txt": "a", "b.txt": "bb"}),
    (10, 3, {"a.txt": "a", "b.txt": "bb"}),
    (10, 10_000, {"a.txt": "a", "b.txt": "bb", "c.txt": "ccc"}),
])
def test_caps_stop_the_copy_at_the_first_file_over_either(tmp_path, max_files, max_bytes, expected):
    src = tmp_path / "src"
    src.mkdir()
    for name, text in {"c.txt": "ccc", "a.txt": "a", "b.txt": "bb"}.items():
        (src / name).write_text(text)
    complete = tree.copy_regular_files(src, tmp_path / "dst", max_files=max_files, max_bytes=max_bytes)
    assert _files(tmp_path / "dst") == expected
    assert complete is (len(expected) == 3)


def test_a_file_swapped_for_a_symlink_is_not_followed(tmp_path, monkeypatch):
    """A file replaced by a symlink between the walk's check and its open is refused."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "answer.txt").write_text("mine")
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    real_open = os.open

    def swapping_open(path, flags, *args, **kwargs):
        if path == "answer.txt":  # what learner code racing the copy could do
            os.unlink(src / "answer.txt")
            os.symlink(secret, src / "answer.txt")
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(tree.os, "open", swapping_open)
    tree.copy_regular_files(src, tmp_path / "dst", max_files=10, max_bytes=10_000)
    assert _files(tmp_path / "dst") == {}


def test_a_fifo_never_blocks_the_copy(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    os.mkfifo(src / "a-pipe")
    (src / "b.txt").write_text("b")
    worker = threading.Thread(target=tree.copy_regular_files, args=(src, tmp_path / "dst"),
                              kwargs={"max_files": 10, "max_bytes": 100}, daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive()
    assert _files(tmp_path / "dst") == {"b.txt": "b"}
