"""Run Python snippets as the unprivileged user nobody, for permission tests.

Tests run as root in CI, and root ignores permission bits: "this folder cannot be listed" or
"this store cannot be written" is only real for another user. Such a test runs its code in a child
Python as nobody (``runuser -u nobody``) and skips only when that is impossible: not root, no
runuser, or no Python >= 3.11 that nobody may execute. The test venv's interpreter can live under
root's 0700 home; a system ``/usr/bin/python3.x`` then does, importing a public copy of phototerm
(and the pure-Python packages phototerm.library imports) through PYTHONPATH.

Use the ``as_nobody`` fixture (made available to every test module by conftest.py), or
``run_as_nobody`` directly with a folder nobody can enter.
"""

from __future__ import annotations

import atexit
import functools
import importlib
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

SKIP_REASON = "needs root, runuser and a Python >= 3.11 that user 'nobody' can run"

# What phototerm.library imports beyond the standard library; all pure Python, so any
# Python >= 3.11 can import the copies.
PACKAGES = ("phototerm", "exifread", "tomli_w")


@functools.cache
def user_python(user: str) -> list[str] | None:
    """A command prefix running a Python >= 3.11 as ``user``, or None when impossible."""
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        return None
    check = "import sys; assert sys.version_info >= (3, 11)"
    same_minor = f"/usr/bin/python{sys.version_info[0]}.{sys.version_info[1]}"
    candidates = (
        sys.executable,
        os.path.realpath(sys.executable),
        shutil.which("python3"),
        same_minor,
        "/usr/bin/python3",
    )
    for python in dict.fromkeys(c for c in candidates if c):
        cmd = ["runuser", "-u", user, "--", python]
        try:
            done = subprocess.run(cmd + ["-c", check], capture_output=True, timeout=60, check=False)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0:
            return cmd
    return None


def nobody_python() -> list[str] | None:
    """A command prefix running a Python >= 3.11 as user nobody, or None when impossible."""
    return user_python("nobody")


def copy_package(dest: str) -> str:
    """Copy phototerm and PACKAGES into dest, readable by everyone; returns dest (a PYTHONPATH).

    The checkout and the venv's site-packages may sit where nobody cannot read them.
    """
    for name in PACKAGES:
        module = importlib.import_module(name)
        src = os.path.dirname(os.path.abspath(module.__file__ or ""))
        shutil.copytree(src, os.path.join(dest, name), ignore=shutil.ignore_patterns("__pycache__"))
    make_public(dest)
    return dest


def make_public(root: str | os.PathLike[str]) -> None:
    """Folders under root (root included) 0755, files 0644, whatever root's umask made them."""
    for dirpath, _dirnames, filenames in os.walk(root):
        os.chmod(dirpath, 0o755)
        for name in filenames:
            os.chmod(os.path.join(dirpath, name), 0o644)


def public_tempdir(prefix: str = "phototerm-nobody-") -> str:
    """A new 0755 folder under /tmp (pytest's tmp dirs are 0700: nobody cannot enter them)."""
    path = tempfile.mkdtemp(prefix=prefix, dir="/tmp" if os.path.isdir("/tmp") else None)
    os.chmod(path, 0o755)
    return path


@functools.cache
def package_path() -> str:
    # One copy per test process, kept out of the tests' folders (a test may check that nothing
    # under its folder changed) and removed when the process ends.
    top = public_tempdir("phototerm-nobody-pkg-")
    atexit.register(shutil.rmtree, top, True)
    return copy_package(os.path.join(top, "pkg"))


def run_as_nobody(
    code: str, *args: str, base: str, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run ``python -c code args...`` as nobody in folder base (which nobody must be able to
    enter), with phototerm importable. Skips the test when nobody cannot run Python."""
    prefix = nobody_python()
    if prefix is None:
        pytest.skip(SKIP_REASON)
    # A small environment of its own: the test's XDG_* folders are root's and 0700.
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": package_path(), "HOME": base}
    return subprocess.run(
        [*prefix, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
        cwd=base,
    )


@dataclass(frozen=True)
class Nobody:
    """What the as_nobody fixture gives: a public folder and ways to run code there."""

    base: str

    def run(self, code: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return run_as_nobody(code, *args, base=self.base, timeout=timeout)

    def __call__(self, code: str, *args: str, timeout: float = 60) -> str:
        """Run code, require a zero exit status, return what it printed."""
        out = self.run(code, *args, timeout=timeout)
        assert out.returncode == 0, out.stderr
        return out.stdout


@pytest.fixture
def as_nobody() -> Iterator[Nobody]:
    """A Nobody over a fresh public folder (removed afterwards); skips when impossible."""
    if nobody_python() is None:
        pytest.skip(SKIP_REASON)
    base = public_tempdir()
    try:
        yield Nobody(base)
    finally:
        shutil.rmtree(base, ignore_errors=True)
