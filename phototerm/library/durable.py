"""Making a finished write survive a power cut.

``fsync`` on a file makes its bytes durable, but not its name: after a create or an
``os.replace`` the directory entry lives in the folder, which needs its own fsync. Shared by
the store (a new ``library.db``) and the sidecar writer (an XMP file replaced in place).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable


def fsync_dir(folder: str) -> None:
    """Flush ``folder``'s entries to disk. Best effort: some filesystems (network mounts,
    Windows shares) cannot open or fsync a directory, and the write itself already happened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        pass


def new_file_mode(bits: int = 0o666) -> int:
    """The permission bits a new file gets under the process's umask (``bits`` asked for):
    a file made as a temporary one (0600) and renamed into place should not keep those."""
    umask = os.umask(0)
    os.umask(umask)
    return bits & ~umask


def atomic_write(
    path: str | os.PathLike[str],
    data: bytes | Iterable[bytes],
    *,
    durable: bool = True,
    mode: int | None = None,
) -> None:
    """Replace ``path`` with ``data`` so a reader (or a crash) sees the old file or the new
    one, never half of one: a temp file in the same folder, then ``os.replace``.

    ``data`` may be parts (an iterable, consumed once), written one after the other, so a
    large payload built in pieces never needs a second, joined copy in memory.

    ``durable`` also fsyncs the bytes and the folder (settings, sidecars); caches skip it.
    ``mode`` sets the permission bits (default: what a new file gets under the umask).
    Raises OSError; the temp file never stays behind.
    """
    folder = os.path.dirname(os.fspath(path)) or "."
    fd, tmp = tempfile.mkstemp(prefix=".phototerm-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            for part in (data,) if isinstance(data, bytes) else data:
                fh.write(part)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, new_file_mode() if mode is None else mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    if durable:
        fsync_dir(folder)
