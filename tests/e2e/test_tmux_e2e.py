"""phototerm in a real terminal: tmux runs `python -m phototerm` on a generated library; the
test types keys and reads the pane as a person would see it. Skipped only without tmux."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from conftest import Shot, make_library, make_standard

pytestmark = [pytest.mark.tmux, pytest.mark.slow]

TMUX = shutil.which("tmux")
WIDTH, HEIGHT = 200, 50


class Pane:
    def __init__(self, tmp_path: Path, args: list[str], env: dict[str, str]) -> None:
        self.name = f"phototerm-{uuid.uuid4().hex[:8]}"
        self.socket = str(tmp_path / "tmux.sock")  # a private server: nothing else is touched
        command = " ".join(_quote(a) for a in [sys.executable, "-m", "phototerm", *args])
        env_args = [f"{k}={v}" for k, v in env.items()]
        # COLUMNS/LINES (set by some test runners) would override the pane's real size.
        self.tmux(
            "new-session",
            "-d",
            "-s",
            self.name,
            "-x",
            str(WIDTH),
            "-y",
            str(HEIGHT),
            "env",
            "-u",
            "COLUMNS",
            "-u",
            "LINES",
            *env_args,
            "sh",
            "-c",
            f"{command}; echo EXITED $?; sleep 30",
        )

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            [TMUX, "-S", self.socket, *args],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
        return result.stdout

    def text(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name)

    def escapes(self) -> str:
        return self.tmux("capture-pane", "-p", "-e", "-t", self.name)

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", self.name, key)
            time.sleep(0.15)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", self.name, "-l", text)

    def wait_for(self, check: Callable[[str], bool], timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.text()
            if check(text):
                return text
            time.sleep(0.2)
        raise AssertionError(f"timed out; the screen was:\n{text}")

    def close(self) -> None:
        self.tmux("kill-server")


def _quote(arg: str) -> str:
    return "'" + arg.replace("'", "'\\''") + "'"


@pytest.fixture
def pane_env(tmp_path: Path) -> dict[str, str]:
    env = {
        var: os.environ[var]
        for var in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME")
    }
    env.update(
        TERM="xterm-256color",
        PHOTOTERM_COLOR="truecolor",
        LANG="C.UTF-8",
        PYTHONPATH=str(Path(__file__).resolve().parents[2]),
    )
    return env


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed (.ci/run installs it)")
def test_browse_view_and_search_in_tmux(tmp_path: Path, pane_env: dict[str, str]) -> None:
    personal, _shared = make_standard(tmp_path / "lib")
    make_library(personal, [Shot("Unsorted/esc\x1b]0;pwned\x07.jpg", datetime(2018, 1, 1))])
    pane = Pane(tmp_path, ["--personal", str(personal), "--shared", ""], pane_env)
    try:
        screen = pane.wait_for(lambda t: "16 / 16 shown" in t)
        # The first screen: sidebar, a day header, captions, status line and footer.
        assert "Personal Space" in screen and "Shared Space (off)" in screen
        assert "Timeline by day" in screen and "Saturday 6 March 2021" in screen
        assert "IMG_0014.jpg" in screen and "q Quit" in screen
        # Thumbnails arrive as half blocks in 24-bit colour (truecolor asked for over a
        # TERM that only says 256 colours).
        pane.wait_for(lambda t: t.count("▀") > 200)
        assert "\x1b[38;2;" in pane.escapes()
        # The hostile file name did not retitle the window.
        assert "pwned" not in pane.tmux("display-message", "-p", "-t", pane.name, "#{pane_title}")

        pane.keys("Right", "Right")
        pane.keys("Enter")
        viewer = pane.wait_for(lambda t: "3 / 16" in t and "Back" in t)
        assert "IMG_0012.jpg" in viewer
        pane.keys("i")
        info = pane.wait_for(lambda t: "Exposure" in t)
        assert "1/250 s f/4" in info and "Camera" in info
        pane.keys("Right")
        pane.wait_for(lambda t: "4 / 16" in t and "IMG_0011.jpg" in t)
        pane.keys("Escape")
        grid = pane.wait_for(lambda t: "16 / 16 shown" in t and "Timeline" in t)
        assert "Back" not in grid.splitlines()[-1]

        pane.keys("/")
        pane.type("garden")
        found = pane.wait_for(lambda t: "5 / 16 shown" in t)
        assert "garden" in found.splitlines()[0]
        pane.keys("Enter")  # applied: back in the grid
        pane.keys("/")
        pane.type(" (")
        error = pane.wait_for(lambda t: "unclosed '('" in t)
        assert "5 / 16 shown" in error  # the last good result stays
        pane.keys("Escape", "Escape")
        pane.wait_for(lambda t: "16 / 16 shown" in t)

        pane.keys("q")
        pane.wait_for(lambda t: "EXITED 0" in t)
        assert (Path(pane_env["XDG_STATE_HOME"]) / "phototerm" / "session.json").exists()
    finally:
        pane.close()


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed (.ci/run installs it)")
def test_bad_arguments_and_no_library_in_tmux(tmp_path: Path, pane_env: dict[str, str]) -> None:
    pane = Pane(tmp_path, ["--personal", str(tmp_path / "missing"), "--shared", ""], pane_env)
    try:
        screen = pane.wait_for(lambda t: "0 / 0 shown" in t)
        assert "Personal Space (off)" in screen and "(--personal)" in screen
        sidebar = "".join(line[:29].strip(" │├└▕") for line in screen.splitlines()[:8])
        assert "missingisnotafolder" in "".join(sidebar.split())  # wrapped in the sidebar
        pane.keys("q")
        pane.wait_for(lambda t: "EXITED 0" in t)
    finally:
        pane.close()
