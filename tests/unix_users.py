"""Real Unix users for the roles tests: alice, bob and carol, and a group photos (bob is a
member), created for one test and removed after it.

Roles are about who is acting, and the filesystem is the real boundary: only a process of
another user shows what a grant does (root ignores permission bits). Names carry a random
suffix, so parallel workers and leftovers of a killed run never collide. phototerm runs as
them with ``runuser`` from a Python they can execute and a public copy of the package (see
nobody.py). Skipped when not root or when users cannot be made.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from nobody import package_path, public_tempdir, user_python

SKIP_REASON = "needs root, useradd/groupadd and a Python >= 3.11 that other users can run"


def _run(*cmd: str) -> None:
    subprocess.run(cmd, check=True, capture_output=True, timeout=60)


@dataclass(frozen=True)
class Users:
    alice: str
    bob: str
    carol: str
    photos: str  # a group; bob is a member
    base: str  # a public folder, removed afterwards
    python: list[str]  # runuser ... python, for alice (each run swaps the user)
    system_config: str  # the PHOTOTERM_SYSTEM_CONFIG every run uses (absent at first)

    def home(self, user: str) -> str:
        path = os.path.join(self.base, "home", user)
        if not os.path.isdir(path):
            os.makedirs(path)
            shutil.chown(path, user)
        return path

    def phototerm(
        self, user: str, *argv: str, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        """``phototerm ARGV...`` as ``user``: exit status, stdout, stderr."""
        home = self.home(user)
        cmd = [*self.python]
        cmd[cmd.index("-u") + 1] = user
        env = {
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": package_path(),
            "HOME": home,
            "XDG_CONFIG_HOME": os.path.join(home, "config"),
            "XDG_CACHE_HOME": os.path.join(home, "cache"),
            "XDG_STATE_HOME": os.path.join(home, "state"),
            "PHOTOTERM_SYSTEM_CONFIG": self.system_config,
        }
        code = "import sys; from phototerm.cli import main; sys.exit(main(sys.argv[1:]))"
        return subprocess.run(
            [*cmd, "-c", code, *argv],
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout,
            check=False,
            cwd=home,
        )

    def library(self, name: str = "photo") -> Path:
        """A public folder of three photos, owned by root: a Shared Space."""
        from PIL import Image

        root = Path(self.base) / name
        (root / "2023").mkdir(parents=True)
        for i in range(3):
            Image.new("RGB", (16, 12), (40 * i, 100, 200)).save(root / "2023" / f"p{i}.jpg")
        for path in (root, root / "2023"):
            path.chmod(0o755)
        for i in range(3):
            (root / "2023" / f"p{i}.jpg").chmod(0o644)
        return root


@pytest.fixture
def unix_users() -> Iterator[Users]:
    if os.geteuid() != 0 or not all(shutil.which(c) for c in ("useradd", "groupadd", "runuser")):
        pytest.skip(SKIP_REASON)
    tag = secrets.token_hex(3)
    names = {who: f"pt{who}{tag}" for who in ("alice", "bob", "carol")}
    group = f"ptphotos{tag}"
    made_users: list[str] = []
    made_group = False
    base = public_tempdir("phototerm-users-")
    try:
        try:
            _run("groupadd", group)
            made_group = True
            for who, name in names.items():
                extra = ["-G", group] if who == "bob" else []
                _run("useradd", "-M", "-N", "-s", "/usr/sbin/nologin", *extra, name)
                made_users.append(name)
        except (OSError, subprocess.CalledProcessError) as exc:
            pytest.skip(f"{SKIP_REASON} ({exc})")
        python = user_python(names["alice"])
        if python is None:
            pytest.skip(SKIP_REASON)
        system = os.path.join(base, "system-config.toml")
        yield Users(names["alice"], names["bob"], names["carol"], group, base, python, system)
    finally:
        shutil.rmtree(base, ignore_errors=True)
        for name in made_users:
            subprocess.run(["userdel", name], capture_output=True, check=False, timeout=60)
        if made_group:
            subprocess.run(["groupdel", group], capture_output=True, check=False, timeout=60)
