"""`phototerm watch` as a script runs it: a subprocess printing one line per photo event while
files are written, moved and removed and another process edits; `ls` and `index` working
meanwhile; SIGINT and SIGTERM ending it with status 0."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from conftest import Shot, make_library, write_shot

REPO = str(Path(__file__).resolve().parents[2])


def library(root: Path, n: int) -> list[str]:
    shots = [Shot(f"{2020 + i % 2}/IMG_{i:04d}.jpg", datetime(2020, 1, 1 + i)) for i in range(n)]
    make_library(root, shots)
    return [str(shot.rel) for shot in shots]


def jpeg(path: Path, model: str = "Canon EOS R6") -> Path:
    return write_shot(path.parent, Shot(path.name, datetime(2021, 5, 4), model=model))


def env_for(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=REPO)
    config = Path(env["XDG_CONFIG_HOME"]) / "phototerm" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[watch]\nsettle = 0.3\n")
    return env


def phototerm(*args: str) -> list[str]:
    return [sys.executable, "-m", "phototerm", *args]


class Running:
    """`phototerm watch` in the background: its lines read as they come."""

    def __init__(self, root: Path, env: dict[str, str], *extra: str) -> None:
        self.proc = subprocess.Popen(
            phototerm("watch", "--personal", str(root), "--shared", "", *extra),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        self.out = b""
        self.err = b""
        self.wait_for(lambda: b"one line per change" in self.err, what="the watching note")

    def read(self, timeout: float) -> None:
        assert self.proc.stdout is not None and self.proc.stderr is not None
        ready, _, _ = select.select([self.proc.stdout, self.proc.stderr], [], [], timeout)
        for pipe in ready:
            chunk = os.read(pipe.fileno(), 65536)
            if pipe is self.proc.stdout:
                self.out += chunk
            else:
                self.err += chunk

    def wait_for(self, check, what: str, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while not check():
            assert self.proc.poll() is None, self.err.decode(errors="replace")
            assert time.monotonic() < deadline, f"no {what}: {self.out!r} {self.err!r}"
            self.read(0.1)

    def events(self) -> list[dict]:
        return [json.loads(line) for line in self.out.decode().splitlines()]

    def stop(self, sig: int) -> int:
        self.proc.send_signal(sig)
        try:
            rest, err = self.proc.communicate(timeout=30)
        finally:
            self.proc.kill()
        self.out += rest
        self.err += err
        return self.proc.returncode


@pytest.mark.slow
def test_watch_prints_each_event_once_and_ends_with_status_0(tmp_path: Path) -> None:
    root = tmp_path / "root"
    names = library(root, 4)
    env = env_for(tmp_path)
    watch = Running(root, env, "--json")
    try:
        whole = jpeg(tmp_path / "staged.jpg", model="Complete").read_bytes()
        with open(root / "new.jpg", "wb") as fh:  # written in three pieces, 0.15 s apart
            for i in range(3):
                fh.write(whole[i * len(whole) // 3 : (i + 1) * len(whole) // 3])
                fh.flush()
                time.sleep(0.15)
        watch.wait_for(lambda: b"new.jpg" in watch.out, "added")
        os.rename(root / names[0], root / "renamed.jpg")
        os.remove(root / names[1])
        watch.wait_for(lambda: watch.out.count(b"\n") >= 3, "moved and removed")
        # another process edits while it runs; ls and index work as before
        rated = subprocess.run(
            phototerm("rate", "5", str(root / "renamed.jpg"), "--personal", str(root), "--shared", ""),
            capture_output=True, env=env, timeout=120, check=False,
        )  # fmt: skip
        assert rated.returncode == 0, rated.stderr
        listed = subprocess.run(
            phototerm("ls", "rating:5", "--personal", str(root), "--shared", ""),
            capture_output=True, env=env, timeout=120, check=False,
        )  # fmt: skip
        assert (listed.returncode, listed.stdout) == (0, os.fsencode(root / "renamed.jpg") + b"\n")
        indexed = subprocess.run(
            phototerm("index", "--json", "--personal", str(root), "--shared", ""),
            capture_output=True, env=env, timeout=120, check=False,
        )  # fmt: skip
        assert indexed.returncode == 0 and json.loads(indexed.stdout)["photos"] == 4
        watch.wait_for(lambda: b'"edited"' in watch.out, "edited")
        time.sleep(1.0)
    finally:
        status = watch.stop(signal.SIGINT)
    assert status == 0, watch.err
    assert watch.events() == [
        {"event": "added", "path": str(root / "new.jpg")},
        {"event": "moved", "path": str(root / "renamed.jpg"), "from": str(root / names[0])},
        {"event": "removed", "path": str(root / names[1])},
        {"event": "edited", "path": str(root / "renamed.jpg")},
    ]
    assert b"Traceback" not in watch.err


def test_sigterm_ends_it_with_status_0_and_plain_lines(tmp_path: Path) -> None:
    root = tmp_path / "root"
    library(root, 2)
    env = env_for(tmp_path)
    watch = Running(root, env)
    try:
        jpeg(root / "caf\udce9 [bold].jpg")
        watch.wait_for(lambda: b"added" in watch.out, "added")
    finally:
        status = watch.stop(signal.SIGTERM)
    assert status == 0
    # to a pipe: the raw bytes of a name that is not UTF-8
    assert watch.out == b"added " + os.fsencode(root / "caf\udce9 [bold].jpg") + b"\n"
    assert watch.err.decode().startswith("phototerm: Shared Space is off")


def test_a_name_that_is_not_utf8_in_json(tmp_path: Path) -> None:
    from phototerm.cli.watch_cmd import event_json
    from phototerm.library.opening.live import LiveEvent

    event = LiveEvent("moved", "personal", "b\udce9.jpg", "/p/b\udce9.jpg", from_path="/p/a.jpg")
    assert event_json(event) == {
        "event": "moved",
        "path": "/p/b\ufffd.jpg",
        "path_bytes_hex": os.fsencode("/p/b\udce9.jpg").hex(),
        "from": "/p/a.jpg",
    }


def test_no_space_on_is_a_usage_error(tmp_path: Path) -> None:
    done = subprocess.run(
        phototerm("watch", "--personal", "", "--shared", ""),
        capture_output=True, text=True, env=env_for(tmp_path), timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.startswith("phototerm: error: no space is on")
