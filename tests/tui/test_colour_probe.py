"""Asking the terminal for 24-bit colour: a pty plays the terminal on the other side."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from phototerm.library.settings import Settings
from phototerm.tui import colour_probe, terminal

KITTY = b"\x1bP1+r524742=382f382f38\x1b\\\x1bP0+r5463\x1b\\\x1bP1$r0;48:2::1:2:3m\x1b\\\x1b[?62;22c"
XTERM_SGR = b"\x1bP1$r0;48:2:1:2:3m\x1b\\\x1b[?64;1;2c"
DOWNGRADED = b"\x1bP0+r524742\x1b\\\x1bP1$r0;48;5;16m\x1b\\\x1b[?62c"
TMUX = b"\x1b[?1;2c"  # answers DA1 only


def _terminal(answer: bytes | None, delay: float = 0.0):
    """A pty whose far side reads the queries and sends ``answer`` (None: never answers).
    Returns (the probed side's fd, what the far side received, the far side's fd)."""
    far, near = os.openpty()
    got: list[bytes] = []

    def play() -> None:
        data = b""
        while b"\x1b[c" not in data:
            ready, _, _ = select.select([far], [], [], 2)
            if not ready:
                return
            data += os.read(far, 4096)
        got.append(data)
        if answer is not None:
            time.sleep(delay)
            os.write(far, answer)

    threading.Thread(target=play, daemon=True).start()
    return near, got, far


def _leftover(fd: int) -> bytes:
    ready, _, _ = select.select([fd], [], [], 0.2)
    return os.read(fd, 4096) if ready else b""


def test_a_terminal_that_says_rgb_is_truecolor_and_leaves_no_reply_behind() -> None:
    for answer in (KITTY, XTERM_SGR):
        near, got, far = _terminal(answer)
        try:
            assert colour_probe.ask_fd(near, timeout=2) is True
            assert got and got[0] == colour_probe.QUERY.encode()
            assert _leftover(near) == b""  # no reply left to be read as keys
            assert _leftover(far) == b""  # nor echoed back to the screen
        finally:
            os.close(near)
            os.close(far)


def test_a_terminal_that_does_not_say_so_is_not_and_answers_end_the_wait_at_once() -> None:
    for answer in (DOWNGRADED, TMUX):
        near, _got, far = _terminal(answer)
        try:
            start = time.monotonic()
            assert colour_probe.ask_fd(near, timeout=5) is False
            assert time.monotonic() - start < 1.0  # the DA1 answer ended it, not the timeout
        finally:
            os.close(near)
            os.close(far)


def test_a_terminal_that_never_answers_costs_the_timeout_and_nothing_else() -> None:
    near, _got, far = _terminal(None)
    try:
        start = time.monotonic()
        assert colour_probe.ask_fd(near, timeout=0.3) is None
        assert time.monotonic() - start < 1.0
    finally:
        os.close(near)
        os.close(far)


def test_a_slow_answer_is_waited_for_and_read_whole() -> None:
    near, _got, far = _terminal(KITTY, delay=0.15)
    try:
        assert colour_probe.ask_fd(near, timeout=0.5) is True
        assert _leftover(near) == b""
    finally:
        os.close(near)
        os.close(far)


def test_the_terminals_answer_counts_only_when_nothing_else_decided() -> None:
    env = {"TERM": "xterm-256color"}
    assert terminal.detect(env, Settings(), ask=lambda: True).mode == "truecolor"
    assert terminal.detect(env, Settings(), ask=lambda: None).mode == "256"
    # the user's word wins, and the terminal is then not even asked
    asked: list[bool] = []

    def ask() -> bool:
        asked.append(True)
        return True

    assert terminal.detect(env, Settings(color="256"), ask=ask).mode == "256"
    assert terminal.detect({**env, "PHOTOTERM_COLOR": "16"}, Settings(), ask=ask).mode == "16"
    assert (
        terminal.detect({**env, "COLORTERM": "truecolor"}, Settings(), ask=ask).mode == "truecolor"
    )
    assert not asked


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("xterm") is None or shutil.which("xvfb-run") is None,
    reason="needs xterm and xvfb-run (apt-get install xterm xvfb xauth)",
)
def test_a_real_xterm_answers_that_it_shows_true_colour(tmp_path) -> None:
    """xterm (checked with 379) reads the 24-bit background back through DECRQSS."""
    result = tmp_path / "answer"
    code = (
        "import sys; from phototerm.tui import colour_probe; "
        f"open({str(result)!r}, 'w').write(repr(colour_probe.ask()))"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    subprocess.run(
        ["xvfb-run", "-a", "xterm", "-e", sys.executable, "-c", code],
        env=env,
        timeout=60,
        check=False,
        capture_output=True,
    )
    assert result.read_text() == "True"
