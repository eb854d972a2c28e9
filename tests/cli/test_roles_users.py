"""Roles and the application privilege from the command line, with real Unix users.

Root (the owner of the test's Shared Space) runs ``phototerm access ...`` in this process;
alice, bob (a member of the group photos) and carol run phototerm as themselves through
``runuser``, so what the file permissions allow is real. Skipped when not root.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from cli_helpers import states

from phototerm.cli import main
from phototerm.library.store import PhotoState


def _err_lines(done) -> list[str]:
    return [line for line in done.stderr.splitlines() if line]


def _own(path: Path, user: str) -> Path:
    for dirpath, _dirnames, filenames in os.walk(path):
        shutil.chown(dirpath, user)
        for name in filenames:
            shutil.chown(os.path.join(dirpath, name), user)
    return path


def test_no_role_view_group_highest_and_revoke(unix_users, capsys):
    u = unix_users
    shared = u.library()
    mine = _own(u.library("alice-photos"), u.alice)
    s = ["--shared", str(shared)]
    photo = str(shared / "2023" / "p0.jpg")

    # Not enabled: the Shared Space is off for alice, like a missing folder, with who can help.
    done = u.phototerm(u.alice, "ls", "--personal", str(mine), *s)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [str(mine / "2023" / f"p{i}.jpg") for i in range(3)]
    assert _err_lines(done) == [
        (
            f"phototerm: Shared Space is off: access to {shared} is not enabled; root or its owner "
            "(root) can enable it (phototerm access enable) and grant you a role"
        )
    ]
    done = u.phototerm(u.alice, "ls", "--personal", "", *s)
    assert done.returncode == 3 and "phototerm: error: no space is on: " in done.stderr

    assert main(["access", "enable", *s]) == 0
    assert main(["access", "grant", u.alice, "view", *s]) == 0
    capsys.readouterr()
    done = u.phototerm(u.alice, "ls", "--personal", "", *s)
    assert done.returncode == 0 and len(done.stdout.splitlines()) == 3, done.stderr
    done = u.phototerm(u.alice, "rate", "3", photo, "--personal", "", *s)
    assert done.returncode == 3
    assert _err_lines(done)[-1] == (
        "phototerm: error: Your role in the Shared Space is view: rating needs manage; "
        "nothing was changed"
    )
    assert states(shared, "2023/p0.jpg")["2023/p0.jpg"] == PhotoState()

    # A group's role: bob writes the store through the group's permissions.
    assert main(["access", "grant", f"@{u.photos}", "manage", *s]) == 0
    done = u.phototerm(u.bob, "rate", "4", photo, "--personal", "", *s)
    assert (done.returncode, done.stdout) == (0, "Rated 1 photo 4 stars\n"), done.stderr
    assert states(shared, "2023/p0.jpg")["2023/p0.jpg"].rating == 4
    assert os.stat(shared / ".phototerm" / "library.db").st_uid == 0  # still the owner's

    # The highest role wins: bob's own grant is view, his group's manage.
    assert main(["access", "grant", u.bob, "view", *s]) == 0
    done = u.phototerm(u.bob, "rate", "5", photo, "--personal", "", *s)
    assert done.returncode == 0, done.stderr
    done = u.phototerm(u.bob, "access", "list", "--json", *s)
    assert json.loads(done.stdout)["you"] == {
        "user": u.bob,
        "role": "manage",
        "through": f"@{u.photos}",
    }

    # A revoke applies at the next start: bob is back to his own view.
    assert main(["access", "revoke", f"@{u.photos}", *s]) == 0
    done = u.phototerm(u.bob, "tag", "add", "x", photo, "--personal", "", *s)
    assert done.returncode == 3
    assert "Your role in the Shared Space is view: tagging needs manage" in done.stderr
    assert states(shared, "2023/p0.jpg")["2023/p0.jpg"].rating == 5
    for argv, doing in (
        (["album", "create", "Trip"], "changing albums"),
        (["reset", "--albums", "--yes"], "resetting"),
    ):
        done = u.phototerm(u.bob, *argv, "--personal", "", *s)
        assert done.returncode == 3, done.stderr
        assert f"Your role in the Shared Space is view: {doing} needs manage" in done.stderr

    # carol has no role: her photo path is in a space that is off for her: not allowed.
    done = u.phototerm(u.carol, "rate", "1", photo, "--personal", "", *s)
    assert done.returncode == 3 and f"you ({u.carol}) have no role in {shared}" in done.stderr


def test_the_application_privilege_and_a_broken_system_config(unix_users, monkeypatch, capsys):
    u = unix_users
    shared = u.library()
    s = ["--personal", "", "--shared", str(shared)]
    assert main(["access", "enable", *s[2:]]) == 0
    assert main(["access", "grant", f"@{u.photos}", "view", *s[2:]]) == 0
    assert main(["access", "grant", u.alice, "view", *s[2:]]) == 0
    Path(u.system_config).write_text(f'[app]\nallow = ["@{u.photos}"]\n')
    os.chmod(u.system_config, 0o644)
    done = u.phototerm(u.alice, "ls", *s)
    assert (done.returncode, done.stdout) == (3, "")
    assert _err_lines(done) == [
        (
            f"phototerm: error: phototerm is not enabled for {u.alice} on this machine: an "
            f"administrator can add {u.alice} (or one of your groups as @group) to [app] allow in "
            f"{u.system_config}"
        )
    ]
    assert u.phototerm(u.alice, "--help").returncode == 0
    assert u.phototerm(u.alice, "ls", "--help").returncode == 0
    assert u.phototerm(u.alice, "--version").returncode == 0
    assert u.phototerm(u.alice, "no-such-command").returncode == 3  # said before the usage
    done = u.phototerm(u.bob, "ls", *s)
    assert done.returncode == 0 and len(done.stdout.splitlines()) == 3, done.stderr

    Path(u.system_config).write_text("[app\nallow = [")  # broken: everyone but root is out
    done = u.phototerm(u.bob, "ls", *s)
    assert done.returncode == 3
    assert f"{u.system_config} is not valid TOML" in done.stderr
    assert done.stderr.rstrip().endswith("only root may use phototerm until it is fixed")
    monkeypatch.setenv("PHOTOTERM_SYSTEM_CONFIG", u.system_config)
    capsys.readouterr()
    assert main(["ls", *s]) == 0  # root always may
    assert len(capsys.readouterr().out.splitlines()) == 3


def test_another_users_personal_root(unix_users):
    u = unix_users
    bobs = _own(u.library("bob-photos"), u.bob)
    shared = u.library()
    assert main(["access", "enable", "--shared", str(shared)]) == 0
    assert main(["access", "grant", u.alice, "view", "--shared", str(shared)]) == 0
    done = u.phototerm(u.alice, "ls", "--personal", str(bobs), "--shared", str(shared))
    assert done.returncode == 0 and len(done.stdout.splitlines()) == 3
    assert all(line.startswith(str(shared)) for line in done.stdout.splitlines())
    assert _err_lines(done) == [
        f"phototerm: Personal Space is off: {bobs} belongs to {u.bob}, and only {u.bob} uses it"
    ]
    done = u.phototerm(u.alice, "rate", "2", str(bobs / "2023" / "p1.jpg"), "--personal", str(bobs))
    assert done.returncode == 3 and f"belongs to {u.bob}" in done.stderr


def test_access_commands_exit_statuses(unix_users, capsys):
    u = unix_users
    shared = u.library()
    s = ["--shared", str(shared)]
    assert main(["access", "grant", u.alice, "view", *s]) == 1  # not enabled yet
    assert "is not enabled" in capsys.readouterr().err
    assert main(["access", "enable", *s]) == 0
    assert main(["access", "grant", "ptnosuchuser", "view", *s]) == 2
    assert main(["access", "grant", u.alice, "boss", *s]) == 2
    assert "not a role: 'boss' (one of view, download, upload, manage)" in capsys.readouterr().err
    assert main(["access", "grant", f"@{u.photos}", "manage", *s]) == 0
    os.chmod(shared / ".phototerm" / "library.db", 0o666)
    capsys.readouterr()
    assert main(["access", "check", *s]) == 1
    out = capsys.readouterr().out
    assert f"mismatch: everyone can write {shared}/.phototerm/library.db" in out
    assert main(["access", "revoke", f"@{u.photos}", *s]) == 0
    capsys.readouterr()
    assert main(["access", "check", *s]) == 0
    assert "No mismatch" in capsys.readouterr().out
    # A manager who is neither root nor the owner may not give a role that writes.
    assert main(["access", "grant", f"@{u.photos}", "manage", *s]) == 0
    done = u.phototerm(u.bob, "access", "grant", u.carol, "manage", *s)
    assert done.returncode == 3 and "which only root or its owner (root) may change" in done.stderr
    done = u.phototerm(u.carol, "access", "grant", u.carol, "view", *s)
    assert done.returncode == 3 and "have no role" in done.stderr
    done = u.phototerm(u.bob, "access", "grant", u.carol, "view", *s)
    assert done.returncode == 0, done.stderr
    done = u.phototerm(u.carol, "access", "list", *s)
    assert done.returncode == 0 and f"You ({u.carol}): view (as {u.carol})" in done.stdout


def test_import_needs_upload(unix_users):
    u = unix_users
    shared = u.library()
    inbox = shared / "inbox"
    inbox.mkdir()
    inbox.chmod(0o777)  # the folder may be written; the role decides
    card = Path(u.base) / "card"
    card.mkdir()
    shutil.copy(shared / "2023" / "p0.jpg", card / "new.jpg")
    card.chmod(0o755)
    (card / "new.jpg").chmod(0o644)
    s = ["--personal", "", "--shared", str(shared)]
    assert main(["access", "enable", "--shared", str(shared)]) == 0
    assert main(["access", "grant", u.bob, "view", "--shared", str(shared)]) == 0
    assert main(["access", "grant", u.carol, "upload", "--shared", str(shared)]) == 0
    done = u.phototerm(u.bob, "import", str(card), "--to", "inbox", *s)
    assert done.returncode == 3
    assert "Your role in the Shared Space is view: importing photos needs upload" in done.stderr
    assert os.listdir(inbox) == []
    done = u.phototerm(u.carol, "import", str(card), "--to", "inbox", *s)
    assert (done.returncode, done.stdout) == (0, f"Copied 1 file into {inbox}\n"), done.stderr
    assert (inbox / "card" / "new.jpg").owner() == u.carol
