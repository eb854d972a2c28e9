"""A command in a pseudo-terminal of a given size, for the figures measured the way a
terminal sees them: its bytes, and when the last of them came."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import termios
import time
from collections.abc import Mapping, Sequence
from contextlib import suppress


def spawn(argv: Sequence[str], env: Mapping[str, str], size: tuple[int, int]) -> tuple[int, int]:
    """(pid, the pty's fd) of ``argv`` started in a ``size`` (columns, rows) pty."""
    pid, fd = pty.fork()
    if pid == 0:  # child
        try:
            os.execvpe(argv[0], list(argv), dict(env))
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
    return pid, fd


def drain(fd: int, first_wait: float, quiet: float, enough: int = 1) -> tuple[int, float]:
    """Read until nothing comes for ``quiet`` seconds once ``enough`` bytes have come (up to
    ``first_wait`` seconds for them): (bytes read, ``time.monotonic()`` of the last one, or
    of the call when none came)."""
    total = 0
    last = time.monotonic()
    deadline = last + first_wait
    while True:
        timeout = quiet if total >= enough else max(0.0, deadline - time.monotonic())
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            break
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        total += len(chunk)
        last = time.monotonic()
    return total, last


def stop(pid: int, fd: int, quit_key: bytes, wait: float) -> None:
    """Send ``quit_key``, give the program ``wait`` seconds, then end it and close the pty."""
    with suppress(OSError):
        os.write(fd, quit_key)
    time.sleep(wait)
    with suppress(OSError):
        os.kill(pid, signal.SIGTERM)
    with suppress(ChildProcessError):
        os.waitpid(pid, 0)
    os.close(fd)
