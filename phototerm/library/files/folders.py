"""Folders of a space opened one name at a time, never through a symbolic link.

Moving files inside a space (rejects into ``#recycle``) must not be redirected out of it: a
``#recycle`` that is a link to ``/elsewhere`` (set up by anyone who may write the space, or
swapped in while the move runs) would take photos there and create folders there. So every
folder on the way is opened relative to its parent's descriptor with ``O_NOFOLLOW``
(``openat``), checked to be on the space's own device, and the moves themselves name their
folders by descriptor (``linkat``/``renameat``): once a folder is open, renaming or
replacing something on its path cannot change where the move goes.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from phototerm.library.files.links import inside
from phototerm.library.text import safe

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


class Refused(Exception):
    """A folder or file that a move must not go through; the message says which and why."""


class SpaceFolders:
    """The space's root, open, and the folders below it opened safely from there."""

    def __init__(self, root: str) -> None:
        self.root = root
        # The root itself may be a link (~/Photos -> /volume1/...): the user chose it.
        self.real_root = os.path.realpath(root)
        self.fd = os.open(self.real_root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        self.device = os.fstat(self.fd).st_dev

    def close(self) -> None:
        os.close(self.fd)

    @contextmanager
    def folder(self, parts: Sequence[str], *, create: bool = False) -> Iterator[int]:
        """The folder ``root/parts...`` opened (created when ``create``); Refused when a
        folder on the way is a link, not a folder, or on another device."""
        fd = os.dup(self.fd)
        try:
            for depth, name in enumerate(parts):
                shown = safe(os.path.join(self.root, *parts[: depth + 1]))
                child = self._open(fd, name, shown, create)
                os.close(fd)
                fd = child
            yield fd
        finally:
            os.close(fd)

    def real_folder(self, path: str) -> list[str]:
        """The folders from the root to ``path``'s real location (links resolved, which the
        scanner allows while they stay inside); Refused when it is outside the space."""
        real = os.path.realpath(path)
        if not inside(real, self.real_root):
            raise Refused(f"{safe(path)} leads outside the space")
        rel = os.path.relpath(real, self.real_root)
        return [] if rel == "." else rel.split(os.sep)

    def _open(self, parent: int, name: str, shown: str, create: bool) -> int:
        try:
            fd = os.open(name, _DIR_FLAGS, dir_fd=parent)
        except FileNotFoundError:
            if not create:
                raise
            try:
                os.mkdir(name, dir_fd=parent)
            except FileExistsError:
                pass  # made meanwhile by someone else: opened (and checked) below
            return self._open(parent, name, shown, create=False)
        except OSError as exc:
            # A link opened with O_NOFOLLOW fails with ELOOP, or with ENOTDIR when
            # O_DIRECTORY is checked first (Linux): look at the name itself to say which.
            if exc.errno not in (errno.ELOOP, errno.ENOTDIR):
                raise
            if is_link(os.stat(name, dir_fd=parent, follow_symlinks=False)):
                raise Refused(f"{shown} is a symbolic link; phototerm does not follow it") from exc
            raise Refused(f"{shown} is not a folder") from exc
        if os.fstat(fd).st_dev != self.device:
            os.close(fd)
            raise Refused(f"{shown} is on another device than the space")
        return fd


def entry(folder: int, name: str) -> os.stat_result | None:
    """What ``name`` is in the open ``folder`` (a link as itself); None when absent."""
    try:
        return os.stat(name, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        return None


def move_noreplace(source: int, name: str, target: int, wanted: str, seen: os.stat_result) -> str:
    """Move ``name`` from folder ``source`` into folder ``target`` as ``wanted`` (or, when
    that is taken, ``wanted`` with " (2)", " (3)"... before its extension), never replacing
    a file; a link moves as itself. ``seen``: what the caller looked at and decided to move
    (``entry``). Returns the name it got. Raises OSError, or Refused when what would move is
    not what was seen (swapped meanwhile: nothing moves)."""
    before = entry(source, name)
    if before is None:
        raise FileNotFoundError(errno.ENOENT, "vanished", name)
    if (before.st_dev, before.st_ino) != (seen.st_dev, seen.st_ino):
        raise Refused(f"{safe(name)} changed while it was being moved; left where it was")
    stem, ext = os.path.splitext(wanted)
    candidate, n = wanted, 1
    while True:
        try:
            # link() fails if the candidate exists: no overwrite race.
            os.link(name, candidate, src_dir_fd=source, dst_dir_fd=target, follow_symlinks=False)
        except FileExistsError:
            n += 1
            candidate = f"{stem} ({n}){ext}"
            continue
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS):
                raise
            # No hard links here (some network filesystems): check, then rename.
            if entry(target, candidate) is not None:
                n += 1
                candidate = f"{stem} ({n}){ext}"
                continue
            os.rename(name, candidate, src_dir_fd=source, dst_dir_fd=target)
            return candidate
        moved = entry(target, candidate)
        if moved is None or (moved.st_dev, moved.st_ino) != (before.st_dev, before.st_ino):
            _unlink_quietly(target, candidate)
            raise Refused(f"{safe(name)} changed while it was being moved; left where it was")
        try:
            os.unlink(name, dir_fd=source)  # the file lives on under its new name
        except OSError:
            _unlink_quietly(target, candidate)  # could not finish: leave things as they were
            raise
        return candidate


def is_link(st: os.stat_result) -> bool:
    return stat.S_ISLNK(st.st_mode)


def _unlink_quietly(folder: int, name: str) -> None:
    try:
        os.unlink(name, dir_fd=folder)
    except OSError:
        pass
