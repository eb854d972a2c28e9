"""The kiosk as an SSH ForceCommand runs it: `phototerm kiosk --album X` as the only command
of a terminal session (tmux here). The keys that would get out of it (ctrl+z, ctrl+c, ctrl+\\,
the palette) do not, and q ends the session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from kiosk_helpers import ALBUM, album_library

from phototerm.cli import main

pytestmark = [pytest.mark.tmux, pytest.mark.slow]

TMUX = shutil.which("tmux")


class Session:
    """A tmux session on a private server whose only command is ``argv``."""

    def __init__(self, tmp_path: Path, argv: list[str], env: dict[str, str]) -> None:
        self.socket = str(tmp_path / "tmux.sock")
        self.name = f"kiosk-{uuid.uuid4().hex[:8]}"
        env_args = [f"{k}={v}" for k, v in env.items()]
        # Several words: tmux runs the command itself, with no shell around it to fall into.
        self.tmux(
            "new-session", "-d", "-s", self.name, "-x", "120", "-y", "40", "env", "-i",
            *env_args, *argv,
        )  # fmt: skip

    def tmux(self, *args: str) -> subprocess.CompletedProcess[str]:
        assert TMUX is not None
        return subprocess.run(
            [TMUX, "-S", self.socket, *args],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )

    def alive(self) -> bool:
        return self.tmux("has-session", "-t", self.name).returncode == 0

    def text(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name).stdout

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", self.name, key)
            time.sleep(0.3)

    def pid(self) -> int:
        return int(self.tmux("display-message", "-p", "-t", self.name, "#{pane_pid}").stdout)

    def wait_for(self, check: Callable[[str], bool], timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.text()
            if check(text):
                return text
            time.sleep(0.2)
        raise AssertionError(f"timed out; the screen was:\n{text}")


def state(pid: int) -> str:
    """The process's state letter (T: stopped, as ctrl+z would leave it)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        return fh.read().rsplit(")", 1)[1].split()[0]


@pytest.mark.skipif(TMUX is None, reason="needs tmux (.ci/run installs it)")
def test_as_a_forcecommand_keys_that_would_escape_do_not_and_q_ends_it(tmp_path: Path) -> None:
    root = album_library(tmp_path)
    assert main(["index", "--personal", str(root), "--shared", ""]) == 0
    env = {
        "PATH": os.environ.get("PATH", ""),
        "TERM": "xterm-256color",
        "HOME": str(tmp_path),
        "PHOTOTERM_SYSTEM_CONFIG": os.environ["PHOTOTERM_SYSTEM_CONFIG"],
        **{k: os.environ[k] for k in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")},
    }
    argv = [sys.executable, "-m", "phototerm", "kiosk", "--album", ALBUM]
    session = Session(tmp_path, [*argv, "--personal", str(root), "--shared", ""], env)
    try:
        session.wait_for(lambda t: "phototerm kiosk · Album: Family · 4 photos" in t)
        pid = session.pid()
        for key in ("C-z", "C-c", "C-\\", "C-q", "C-d"):
            session.keys(key)
            assert session.alive(), f"{key} ended the session"
            assert state(pid) != "T", f"{key} stopped phototerm"
        text = session.text()
        assert "phototerm kiosk · Album: Family" in text and "$" not in text.splitlines()[-1]
        # The palette: nothing that leaves, writes or runs another program is found.
        session.keys("C-p")
        session.wait_for(lambda t: "Search for commands" in t)
        session.tmux("send-keys", "-t", session.name, "-l", "shell")
        session.wait_for(lambda t: "Help: every key" not in t)  # nothing matches "shell"
        session.keys("Enter", "Escape")
        session.tmux("send-keys", "-t", session.name, "-l", "!sh")
        session.keys("Enter")
        assert session.alive() and state(pid) != "T"
        # The kiosk's own keys still work: a photo, the slideshow, back.
        session.keys("Right", "Enter")
        session.wait_for(lambda t: "⏸ 2 / 4" in t)
        session.keys("Space")
        session.wait_for(lambda t: "⏸" not in t)
        session.keys("Escape", "q")
        deadline = time.monotonic() + 20
        while session.alive():  # q ends the kiosk, and with it the session
            assert time.monotonic() < deadline, session.text()
            time.sleep(0.2)
    finally:
        session.tmux("kill-server")
