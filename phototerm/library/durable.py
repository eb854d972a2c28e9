"""Making a finished write survive a power cut.

``fsync`` on a file makes its bytes durable, but not its name: after a create or an
``os.replace`` the directory entry lives in the folder, which needs its own fsync. Shared by
the store (a new ``library.db``) and the sidecar writer (an XMP file replaced in place).
"""

from __future__ import annotations

import os


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
