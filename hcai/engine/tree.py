"""Copy a folder's regular files under a file count and a byte cap: the one folder walk.

Used on the grader's side (:func:`hcai.engine.sandbox.copy_submission`: a submission into the
kernel's input folder, the files learner code wrote into the test cells' view) and inside the
learner's kernel (:mod:`hcai.engine.files` sends this module's source there to export the
kernel's working folder), so it imports nothing but the standard library and defines only
what it needs.

Only regular files and folders are copied: symlinks, devices, FIFOs and sockets are left
behind, so a submission cannot point the grader's copy at a file it should not read, and a
planted FIFO cannot hang the copy. The walk goes through folder descriptors
(:func:`os.fwalk`) and opens each file with ``O_NOFOLLOW`` relative to its folder, so a
folder or file swapped for a symlink while the copy runs (learner code may still be running
in the kernel) is not followed either. The caps keep one submission from filling the
grader's disk: the copy stops at the first file that would pass either cap.
"""

from __future__ import annotations

import os
import shutil
import stat

_CHUNK = 1024 * 1024


def _copy_open_file(fd: int, target: str, size: int) -> None:
    """Copy at most ``size`` bytes from ``fd`` (a file that may still grow) into ``target``."""
    with open(target, "wb") as out:
        left = size
        while left > 0:
            block = os.read(fd, min(_CHUNK, left))
            if not block:
                break
            out.write(block)
            left -= len(block)


def copy_regular_files(src: str | os.PathLike, dst: str | os.PathLike, *, max_files: int,
                       max_bytes: int, skip_dirs: tuple[str, ...] = (), empty_dirs: bool = True,
                       fresh: bool = False) -> bool:
    """Copy ``src``'s regular files into ``dst`` (created); False when a cap stopped the copy.

    ``skip_dirs`` are folder names not entered (``.ipynb_checkpoints``); ``empty_dirs`` also
    recreates folders that hold no file; ``fresh`` removes ``dst`` first. Names are walked in
    sorted order, so which files a cap leaves out does not depend on the file system.
    """
    src, dst = os.fspath(src), os.fspath(dst)
    if fresh:
        shutil.rmtree(dst, ignore_errors=True)
    os.makedirs(dst, exist_ok=True)
    count = total = 0
    for root, dirs, files, root_fd in os.fwalk(src, follow_symlinks=False):
        # fwalk never enters a symlinked folder with follow_symlinks=False; skip_dirs by name
        dirs[:] = sorted(d for d in dirs if d not in skip_dirs)
        target_root = os.path.join(dst, os.path.relpath(root, src))
        if empty_dirs:
            os.makedirs(target_root, exist_ok=True)
        for name in sorted(files):
            try:
                # lstat first: never even open a device; O_NOFOLLOW then refuses a file swapped
                # for a symlink since, and O_NONBLOCK a FIFO swapped in
                if not stat.S_ISREG(os.stat(name, dir_fd=root_fd, follow_symlinks=False).st_mode):
                    continue
                fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=root_fd)
            except OSError:
                continue  # vanished, unreadable, or a symlink by now (ELOOP)
            try:
                info = os.fstat(fd)
                if not stat.S_ISREG(info.st_mode):
                    continue
                count += 1
                total += info.st_size
                if count > max_files or total > max_bytes:
                    return False
                os.makedirs(target_root, exist_ok=True)
                _copy_open_file(fd, os.path.join(target_root, name), info.st_size)
            finally:
                os.close(fd)
    return True


__all__ = ["copy_regular_files"]
