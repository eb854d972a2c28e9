"""Opening a file that must be a regular file: a photo, a sidecar, a thumbnail.

Anything can sit under a photo's or a sidecar's name: a FIFO, whose ``open()`` waits for a
writer that never comes (indexing, thumbnails and edits would hang), a socket, a device
(reading ``/dev/zero`` never ends; opening a tape rewinds it). So every such file is

1. checked with ``stat`` first: only a regular file is opened at all;
2. opened with ``O_NONBLOCK``, so that if the name was swapped for a FIFO after the check,
   the open still returns at once instead of waiting;
3. checked again on the open descriptor (``fstat``), which is what will be read;
4. then set back to blocking reads, which a regular file always gets anyway.

Nothing here follows a policy about symbolic links: callers decide which links they follow
(a link must stay inside its space; see ingest/scanner.py).
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
from typing import BinaryIO


class NotRegularFile(OSError):
    """The name is there but is not a regular file; ``strerror`` says what it is."""


def kind_of(mode: int) -> str:
    """What a file of this ``st_mode`` is, in words."""
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a regular file"


def not_regular(path: str | os.PathLike[str], mode: int) -> NotRegularFile:
    return NotRegularFile(errno.EINVAL, f"not a regular file ({kind_of(mode)})", os.fspath(path))


def is_regular(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` (links followed) is a regular file; False when it is missing."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def open_regular(path: str | os.PathLike[str], buffering: int = -1) -> BinaryIO:
    """``open(path, "rb")`` for a regular file only (links followed); raises
    NotRegularFile for anything else, OSError as ``open`` does."""
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise not_regular(path, st.st_mode)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise not_regular(path, st.st_mode)
        flags = fcntl.fcntl(fd, fcntl.F_GETFL)
        fcntl.fcntl(fd, fcntl.F_SETFL, flags & ~os.O_NONBLOCK)
        return os.fdopen(fd, "rb", buffering=buffering)
    except BaseException:
        os.close(fd)
        raise
