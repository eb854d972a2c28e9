"""The kiosk writes nothing at all, seen from outside phototerm:

- an audit hook (``sys.addaudithook``) in a child Python that runs ``phototerm kiosk`` (its
  screen headless, driven by a pilot through every key, the palette and Textual's own
  writers) records every open for writing, rename, removal, new folder, new process or
  SQLite connection not opened read-only;
- ``strace -f`` on ``phototerm kiosk`` in a real terminal (tmux) sees what the audit hook
  cannot (SQLite opens its files in C; worker processes): no write-mode ``openat``, no
  ``rename*``, ``unlink*``, ``mkdir*`` or ``rmdir``, no new process with a warm cache; with a
  cold one, only multiprocessing's own semaphores and ``pymp-`` folder, all gone at the end;
- the same headless session as user nobody, on a read-only copy of a library, with a
  read-only home and no XDG folders.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import Shot, make_library
from kiosk_helpers import ALBUM, album_library, files, make_album
from nobody import make_public, package_path, public_tempdir, user_python

from phototerm.cli import main

pytestmark = [pytest.mark.slow]

# Runs in the child: the hook first, then `phototerm kiosk ARGV` with its screen headless.
SESSION = r"""
import json, os, sys

WRITES = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
CHANGES = {
    "os.rename", "os.remove", "os.rmdir", "os.mkdir", "os.truncate", "os.utime", "os.chmod",
    "os.chown", "os.link", "os.symlink", "shutil.copyfile", "shutil.rmtree", "shutil.move",
    "tempfile.mkstemp", "tempfile.mkdtemp", "os.fork", "os.forkpty", "os.posix_spawn",
    "os.exec", "os.system", "os.spawn", "subprocess.Popen", "pty.spawn", "webbrowser.open",
    "os.kill", "os.killpg",
}
seen = []

def hook(event, args):
    if event == "open":
        path, _mode, flags = args
        if not isinstance(path, int) and flags & WRITES:
            seen.append([event, str(path), flags])
            raise PermissionError("the kiosk may not write " + str(path))
    elif event in CHANGES:
        seen.append([event, repr(args)[:200]])
        raise PermissionError("the kiosk may not " + event)
    elif event == "sqlite3.connect":
        database = str(args[0])
        if database != ":memory:" and "mode=ro" not in database:
            seen.append([event, database])

sys.addaudithook(hook)

import asyncio
from phototerm.cli import main
from phototerm.tui.kiosk import app as kiosk_app

FORBIDDEN = [*"012345", "x", "t", "a", "e", "u", "r", "R", "y", "v", "ctrl+a", "f", "s",
             "slash", "colon", "w", "z", "ctrl+b", "ctrl+g", "ctrl+z", "ctrl+c",
             "ctrl+backslash", "ctrl+q", "ctrl+s", "tab", "S", "c", "ctrl+d", "ctrl+e",
             "ctrl+n", "ctrl+o", "ctrl+r", "plus", "minus", "i", "i"]
shown = {}

async def pilot_script(pilot):
    app = pilot.app
    while not app.screen_stack or type(app.screen).__name__ != "KioskGridScreen":
        await pilot.pause(0.05)
    await pilot.pause(0.5)
    shown["grid"] = len(app.model)
    await pilot.press(*FORBIDDEN)
    await pilot.press("enter")

    while app.screen.photo is None:
        await pilot.pause(0.05)
    shown["photo"] = app.screen.photo.name
    await pilot.press(*FORBIDDEN, "space", "right", "left", "space")
    await pilot.press("ctrl+p", *"Screenshot", "enter")
    await pilot.pause(0.3)
    await pilot.press("escape")
    commands = list(app.get_system_commands(app.screen))
    themes = [c for c in commands if c.title.startswith("Theme: ")][:2]
    for command in [*themes, *(c for c in commands if c.title.startswith("Info"))]:
        command.callback()  # a theme for this session: config.toml is not written
        await pilot.pause(0.05)
    app.action_screenshot()
    app.deliver_screenshot()
    app.save_screenshot()
    app.copy_to_clipboard("x")
    app.open_url("https://example.org")
    app.action_suspend_process()
    await pilot.press("escape", "question_mark")
    await pilot.pause(0.2)
    await pilot.press("q", "q")

run = kiosk_app.KioskApp.run
kiosk_app.KioskApp.run = lambda self, **kw: run(
    self, headless=True, size=(120, 40), auto_pilot=pilot_script
)
for stream in (sys.stdin, sys.stdout):
    stream.isatty = lambda: True
os.environ["TERM"] = "xterm-256color"
code = main(sys.argv[1:])
children = []
for entry in os.listdir("/proc"):
    if entry.isdigit():
        try:
            with open(f"/proc/{entry}/stat") as fh:
                if int(fh.read().rsplit(")", 1)[1].split()[1]) == os.getpid():
                    children.append(int(entry))
        except (OSError, ValueError, IndexError):
            pass
print(json.dumps({"code": code, "seen": seen, "shown": shown, "children": children}))
"""


def run_session(argv: list[str], *, prefix: list[str] | None = None, **kw) -> dict:
    done = subprocess.run(
        [*(prefix or [sys.executable]), "-B", "-c", SESSION, *argv],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        **kw,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_kiosk_session_writes_nothing_the_audit_hook_sees(tmp_path: Path) -> None:
    root = album_library(tmp_path)
    assert main(["index", "--personal", str(root), "--shared", ""]) == 0  # a warm cache
    before = files(tmp_path)
    result = run_session(["kiosk", "--album", ALBUM, "--personal", str(root), "--shared", ""])
    assert result["code"] == 0
    assert result["shown"] == {"grid": 4, "photo": "IMG_0000.jpg"}  # it did show the album
    assert result["seen"] == []
    assert result["children"] == []  # a warm cache: no worker process
    assert files(tmp_path) == before


BROWSER = """
from phototerm.cli import main
from phototerm.tui import app as browser

async def quit_soon(pilot):
    await pilot.pause(1.0)
    await pilot.press("q")

run = browser.PhotoApp.run
browser.PhotoApp.run = lambda self, **kw: run(
    self, headless=True, size=(120, 40), auto_pilot=quit_soon
)
for stream in (sys.stdin, sys.stdout):
    stream.isatty = lambda: True
os.environ["TERM"] = "xterm-256color"
main(sys.argv[1:])
print(json.dumps({"seen": seen}))
"""


def test_the_audit_hook_sees_the_browser_write(tmp_path: Path) -> None:
    """The hook is not blind: the browser (not the kiosk) opens its store for writing and
    makes its cache folders."""
    root = album_library(tmp_path)
    code = SESSION.split("import asyncio")[0] + BROWSER
    done = subprocess.run(
        [sys.executable, "-B", "-c", code, "--personal", str(root), "--shared", ""],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    seen = json.loads(done.stdout.strip().splitlines()[-1])["seen"]
    assert any(e[0] == "sqlite3.connect" and "mode=rw" in e[1] for e in seen), seen  # store
    assert any(e[0] in ("open", "os.mkdir") and "/xdg/" in e[1] for e in seen), seen  # caches


# -- strace -----------------------------------------------------------------------------------

STRACE = shutil.which("strace")
TMUX = shutil.which("tmux")
TRACED = (
    "openat,open,creat,rename,renameat,renameat2,unlink,unlinkat,mkdir,mkdirat,rmdir,link,"
    "linkat,symlink,symlinkat,truncate,ftruncate,chmod,fchmodat,utimensat,execve,clone,clone3,"
    "fork,vfork"
)
WRITE_OPEN = re.compile(
    r'open(?:at)?\((?:AT_FDCWD, )?"([^"]*)", ([A-Z_|]*O_(?:WRONLY|RDWR|CREAT|TRUNC|APPEND)[A-Z_|]*)'
)
CHANGE = re.compile(
    r"\b(rename\w*|unlink\w*|mkdir\w*|rmdir|link\w*|symlink\w*|truncate|chmod|fchmodat|utimensat)\((.*)\)\s+= 0"
)
PROCESS = re.compile(r"\b(clone3?|fork|vfork)\((?!.*CLONE_THREAD).* = \d+")


def traced_kiosk(tmp_path: Path, env: dict[str, str], argv: list[str]) -> str:
    """`phototerm kiosk ARGV` under strace -f in a 120x40 tmux terminal; a few keys, then q.
    Returns strace's log."""
    log = tmp_path / "strace.log"
    socket = str(tmp_path / "tmux.sock")
    name = f"kiosk-{uuid.uuid4().hex[:8]}"
    command = [STRACE, "-f", "-qq", "-o", str(log), "-e", f"trace={TRACED}"]
    command += [sys.executable, "-B", "-m", "phototerm", "kiosk", *argv]

    def tmux(*args: str) -> str:
        return subprocess.run(
            [TMUX, "-S", socket, *args], capture_output=True, text=True, timeout=20, check=False
        ).stdout

    env_args = [f"{k}={v}" for k, v in env.items()]
    tmux("new-session", "-d", "-s", name, "-x", "120", "-y", "40", "env", *env_args, *command)
    try:
        deadline = time.monotonic() + 120
        while "Slideshow" not in tmux("capture-pane", "-p", "-t", name):
            assert time.monotonic() < deadline, tmux("capture-pane", "-p", "-t", name)
            time.sleep(0.2)
        for key in ("Enter", "Right", "Space", "i", "Escape", "t", "y", "5", "C-z", "C-p"):
            tmux("send-keys", "-t", name, key)
            time.sleep(0.3)
        tmux("send-keys", "-t", name, "Escape")
        time.sleep(0.3)
        tmux("send-keys", "-t", name, "q")
        while (
            tmux("has-session", "-t", name)
            or subprocess.run(
                [TMUX, "-S", socket, "has-session", "-t", name], capture_output=True, check=False
            ).returncode
            == 0
        ):
            assert time.monotonic() < deadline, "the kiosk did not end on q"
            time.sleep(0.2)
    finally:
        tmux("kill-server")
    return log.read_text(errors="replace")


def kiosk_env(tmp_path: Path, cache: str = "cache") -> dict[str, str]:
    base = tmp_path / "xdg"
    return {
        "XDG_CONFIG_HOME": str(base / "config"),
        "XDG_CACHE_HOME": str(base / cache),
        "XDG_STATE_HOME": str(base / "state"),
        "PHOTOTERM_SYSTEM_CONFIG": os.environ["PHOTOTERM_SYSTEM_CONFIG"],
        "TERM": "xterm-256color",
        "HOME": str(tmp_path),
        "PATH": os.environ.get("PATH", ""),
    }


def whole_calls(log: str) -> str:
    """strace's log with each call on one line: a call that another thread interrupted
    ("<unfinished ...>") joined to its end ("<... unlink resumed>")."""
    out: list[str] = []
    waiting: dict[str, int] = {}  # pid -> the line of its unfinished call
    for line in log.splitlines():
        pid, _, rest = line.partition(" ")
        if rest.endswith("<unfinished ...>"):
            waiting[pid] = len(out)
            out.append(line.removesuffix("<unfinished ...>"))
        elif rest.lstrip().startswith("<... ") and pid in waiting:
            out[waiting.pop(pid)] += rest.split("resumed>", 1)[-1]
        else:
            out.append(line)
    return "\n".join(out)


def findings(log: str) -> tuple[list[str], list[str], list[str]]:
    """(files opened for writing, files changed, new processes) in strace's log."""
    log = whole_calls(log)
    opened = [m.group(1) for m in WRITE_OPEN.finditer(log)]
    changed = [f"{m.group(1)}({m.group(2)})" for m in CHANGE.finditer(log)]
    processes = [line for line in log.splitlines() if PROCESS.search(line)]
    return opened, changed, processes


@pytest.mark.tmux
@pytest.mark.skipif(not (STRACE and TMUX), reason="needs strace and tmux (.ci/run installs them)")
def test_strace_sees_no_write_with_a_warm_cache(tmp_path: Path) -> None:
    root = album_library(tmp_path)
    assert main(["index", "--personal", str(root), "--shared", ""]) == 0
    before = files(tmp_path / "Photos", tmp_path / "xdg")
    env = kiosk_env(tmp_path)
    # What would make Textual write a log and a screenshot: dropped before Textual loads.
    env |= {"TEXTUAL_LOG": str(tmp_path / "textual.log"), "TEXTUAL_SCREENSHOT": "1"}
    env |= {"TEXTUAL_SCREENSHOT_LOCATION": str(tmp_path), "TEXTUAL": "devtools,debug"}
    log = traced_kiosk(tmp_path, env, ["--album", ALBUM, "--personal", str(root), "--shared", ""])
    assert "/Photos/.phototerm/library.db" in log  # it did read the store (in C)
    opened, changed, processes = findings(log)
    assert opened == [] and changed == [] and processes == []
    assert len(re.findall(r"\bexecve\(", log)) == 1  # phototerm itself, nothing else
    assert files(tmp_path / "Photos", tmp_path / "xdg") == before
    assert not list(tmp_path.glob("*.svg")) and not (tmp_path / "textual.log").exists()


@pytest.mark.tmux
@pytest.mark.skipif(not (STRACE and TMUX), reason="needs strace and tmux (.ci/run installs them)")
def test_strace_a_cold_start_writes_only_multiprocessing_s_own_files(tmp_path: Path) -> None:
    # Enough photos for the indexer's worker processes (a smaller library is read in-process).
    day = datetime(2022, 1, 1)
    shots = [Shot(f"a/{n:03d}.jpg", day + timedelta(minutes=n), size=(24, 16)) for n in range(300)]
    root = make_library(tmp_path / "Photos", shots)
    make_album(root, ALBUM, ["a/000.jpg", "a/001.jpg"])
    before = files(tmp_path / "Photos", tmp_path / "xdg")
    log = traced_kiosk(
        tmp_path,
        kiosk_env(tmp_path, cache="cold-cache"),
        ["--album", ALBUM, "--personal", str(root), "--shared", ""],
    )
    opened, changed, processes = findings(log)
    log = whole_calls(log)
    assert processes, "a cold start of 300 photos reads them in worker processes"
    mp_file = re.compile(r"^(/dev/shm/sem\.[\w-]+|/tmp/pymp-\w+(/[\w-]+)?|/tmp/\w{8}|/dev/null)$")
    assert [p for p in opened if not mp_file.match(p)] == []
    made = {p for p in opened if p.startswith(("/dev/shm/", "/tmp/"))}
    made |= set(re.findall(r'mkdir\("(/tmp/pymp-\w+)"', log))
    for path in made:  # everything multiprocessing made, it removed
        assert f'"{path}"' in "".join(c for c in changed if c.startswith(("unlink", "rmdir"))), path
        assert not os.path.exists(path)
    for change in changed:
        assert re.search(r'"(/dev/shm/sem\.|/tmp/pymp-|/tmp/\w{8}"|listener-)', change), change
    assert files(tmp_path / "Photos", tmp_path / "xdg") == before  # no cache, nothing


# -- as nobody ---------------------------------------------------------------------------------


def test_as_nobody_on_a_read_only_library_with_a_read_only_home(tmp_path: Path) -> None:
    python = user_python("nobody")
    if python is None:
        pytest.skip("needs root, runuser and a Python >= 3.11 that user 'nobody' can run")
    import textual

    site = os.path.dirname(os.path.dirname(textual.__file__))  # textual, rich, PIL, ...
    base = Path(public_tempdir("phototerm-kiosk-"))
    try:
        # root's library, as the Shared Space: nobody may read it (a view role), not write it.
        shared = album_library(base / "lib", space="shared")
        assert main(["access", "enable", "--shared", str(shared)]) == 0
        assert main(["access", "grant", "nobody", "view", "--shared", str(shared)]) == 0
        home = base / "home"  # root's and read-only: no ~/.config, ~/.cache, ~/.local
        home.mkdir()
        make_public(base)
        for dirpath, dirnames, filenames in os.walk(base):
            for name in [*dirnames, *filenames]:
                path = os.path.join(dirpath, name)
                os.chmod(path, os.stat(path).st_mode & ~0o222)
        os.chmod(base, 0o555)
        before = files(base)
        env = {
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": f"{package_path()}:{site}",
            "HOME": str(home),
            "PHOTOTERM_SYSTEM_CONFIG": str(base / "no-system-config.toml"),
        }
        probe = subprocess.run(
            [*python, "-c", "import textual, PIL.Image"], env=env, capture_output=True, check=False
        )
        if probe.returncode != 0:
            pytest.skip(f"nobody cannot import Textual and Pillow from {site}")
        argv = ["kiosk", "--album", ALBUM, "--shared", str(shared), "--personal", ""]
        result = run_session(argv, prefix=python, env=env, cwd=str(home))
        assert result["code"] == 0
        assert result["shown"] == {"grid": 4, "photo": "IMG_0000.jpg"}
        assert result["seen"] == [] and result["children"] == []
        assert files(base) == before
    finally:
        for dirpath, dirnames, _filenames in os.walk(base):
            os.chmod(dirpath, 0o755)
        shutil.rmtree(base, ignore_errors=True)
