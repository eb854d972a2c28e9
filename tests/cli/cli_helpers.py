"""Helpers for the command-line tests: a small two-space library and ways to run `main`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from PIL import Image

from phototerm.cli import main
from phototerm.library.store import Store

Lib = tuple[Path, Path]


def make_lib(tmp_path: Path) -> Lib:
    """A Personal Space with four photos (one with a hostile, non-UTF-8 name) and a text
    file, and a Shared Space with two photos."""
    personal, shared = tmp_path / "Photos", tmp_path / "photo"
    for root, names in (
        (personal, ["2023/a.jpg", "2023/b.jpg", "2024/c.jpg", "2024/caf\udce9 [bold].jpg"]),
        (shared, ["team/s1.jpg", "team/s2.jpg"]),
    ):
        for i, name in enumerate(names):
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            Image.new("RGB", (16, 12), (40 * i, 100, 200)).save(path, "JPEG")
    (personal / "notes.txt").write_text("not a photo")
    return personal, shared


@pytest.fixture(name="lib")
def lib_fixture(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Lib:
    """make_lib's library, with no terminal on stdin (import this fixture into a module)."""
    # XDG_* dirs and PHOTOTERM_* variables: the top conftest's autouse xdg_home fixture.
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False, raising=False)
    return make_lib(tmp_path)


def run(lib: Lib, *argv: str) -> int:
    """`phototerm ARGV... --personal P --shared S`."""
    personal, shared = lib
    return main([*argv, "--personal", str(personal), "--shared", str(shared)])


def run_before(lib: Lib, *argv: str) -> int:
    """`phototerm --personal P --shared S ARGV...`: the options before the sub-command."""
    personal, shared = lib
    return main(["--personal", str(personal), "--shared", str(shared), *argv])


def states(root: Path, *rels: str) -> dict[str, Any]:
    with Store.open("x", str(root), read_only=True) as st:
        return st.get_states(rels)


def albums(root: Path) -> dict[str, list[str]]:
    with Store.open("x", str(root), read_only=True) as st:
        return {a.name: [r for _, r in a.members] for a in st.albums.all()}


def store_path(root: Path) -> Path:
    return root / ".phototerm" / "library.db"


class Text:
    """capsys-like text view of a binary capture (for commands that write raw bytes)."""

    def __init__(self, binary: Any) -> None:
        self.binary = binary

    def readouterr(self) -> SimpleNamespace:
        got = self.binary.readouterr()
        return SimpleNamespace(out=os.fsdecode(got.out), err=got.err.decode())


def error_lines(err: str) -> list[str]:
    """The lines of stderr that are neither usage nor a query's caret lines."""
    skip = ("usage:", " ")
    return [line for line in err.splitlines() if line and not line.startswith(skip)]


def run_in_terminal(
    argv: list[str], *, quit_key: bytes | None = None, timeout: float = 60.0
) -> tuple[int, bytes]:
    """Run `python -m phototerm ARGV` with stdin, stdout and stderr on a new 120x40
    pseudo-terminal; with ``quit_key``, type it once the browser has drawn its first screen.
    Returns the exit status and every byte written to the terminal."""
    import fcntl
    import pty
    import select
    import struct
    import subprocess
    import termios
    import time

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env["TERM"] = "xterm-256color"
    proc = subprocess.Popen(
        [sys.executable, "-m", "phototerm", *argv],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
    )
    os.close(slave)
    out = bytearray()
    deadline = time.monotonic() + timeout
    sent = False
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the child closed the terminal
                    break
                if not chunk:
                    break
                out += chunk
            if quit_key and not sent and b"Personal" in out and b"\x1b[?1049h" in out:
                time.sleep(0.5)  # let it settle: a key during start-up is still a key
                os.write(master, quit_key)
                sent = True
            if proc.poll() is not None and not ready:
                break
        code = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    return code, bytes(out)
