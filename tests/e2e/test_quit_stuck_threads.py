"""Quitting a real phototerm process while its threads are stuck for good: every thumbnail
decode and the library's opening blocked (as on a FIFO named like a photo's thumbnail, or a
NAS that stopped answering). `q` must end the process about as fast as on a healthy library:
the way out never waits on a blocked thread for more than a second.

The process runs in a pseudo-terminal of its own; the blocking is put in by a small driver
that patches the library before calling phototerm's own `main`.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import textwrap
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import Shot, make_library

pytestmark = pytest.mark.slow

DRIVER = textwrap.dedent(
    """
    import sys, threading
    forever = threading.Event()  # never set: a system call that never returns
    if sys.argv[1] == "stuck":
        from phototerm.library import thumbnails
        from phototerm.tui import opening

        def decode(self, photo, box):
            forever.wait()

        real_open = opening.open_library

        def open_library(*args, **kwargs):
            library = real_open(*args, **kwargs)  # the photos are on screen...
            forever.wait()  # ... and the opening thread never comes back
            return library

        thumbnails.ThumbnailService._find = decode
        opening.open_library = open_library
    from phototerm.cli import main
    sys.exit(main(sys.argv[2:]))
    """
)


def run_and_quit(tmp_path: Path, root: Path, mode: str) -> tuple[float, int]:
    """Start phototerm in a 200x50 pty, wait for the grid, press q: (seconds from q to the
    process's end, exit status)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "XDG_CACHE_HOME": str(tmp_path / f"cache-{mode}"),
        "XDG_STATE_HOME": str(tmp_path / f"state-{mode}"),
    }
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    args = [sys.executable, "-c", DRIVER, mode, "--personal", str(root), "--shared", ""]
    process = subprocess.Popen(
        args, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    seen = b""
    try:
        deadline = time.monotonic() + 60
        while b"IMG_0005" not in seen:  # a caption: the grid is drawn
            assert time.monotonic() < deadline, seen[-2000:]
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                seen += os.read(master, 65536)
        time.sleep(0.5)  # the thumbnail threads are in their (stuck) decodes by now
        os.write(master, b"q")
        start = time.monotonic()
        while process.poll() is None:
            assert time.monotonic() - start < 30, "phototerm did not exit"
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    os.read(master, 65536)  # keep the pty drained
                except OSError:
                    pass
        return time.monotonic() - start, process.returncode
    finally:
        if process.poll() is None:
            process.kill()
        os.close(master)


def test_quitting_does_not_wait_for_stuck_threads(tmp_path: Path) -> None:
    shots = [
        Shot(f"a/IMG_{n:04d}.jpg", datetime(2020, 1, 1) + timedelta(hours=n)) for n in range(6)
    ]
    root = make_library(tmp_path / "lib", shots)
    healthy, status = run_and_quit(tmp_path, root, "healthy")
    assert status == 0
    stuck, status = run_and_quit(tmp_path, root, "stuck")
    assert status == 0
    # The way out may wait on the stuck threads at most a second more than on healthy ones.
    print(f"quit: healthy {healthy:.2f} s, stuck {stuck:.2f} s")
    assert stuck < healthy + 1.0, (healthy, stuck)
