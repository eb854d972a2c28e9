"""`phototerm share link | user | list | revoke` and `phototerm export` from the command line:
what they print, store and copy, and their exit codes (2 unknown album or id, bad date; 3 not
allowed, with real users)."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import pytest
from cli_helpers import Lib, lib_fixture, run  # noqa: F401  (fixture)

from phototerm.cli import main
from phototerm.library.sharing.passwords import check_password
from phototerm.library.store import Recipient, Store


def _shares(root: Path) -> list:
    with Store.open("x", str(root), read_only=True) as store:
        return store.shares.all()


def test_share_link_prints_the_url_and_keeps_it(
    lib: Lib, capsys: pytest.CaptureFixture[str]
) -> None:
    personal, _shared = lib
    assert run(lib, "album", "create", "Trip") == 0
    assert run(lib, "album", "add", "Trip", str(personal / "2023" / "a.jpg")) == 0
    capsys.readouterr()
    assert run(lib, "share", "link", "Trip") == 0
    url = capsys.readouterr().out.strip()
    [share] = _shares(personal)
    assert url == f"http://127.0.0.1:5080/s/{share.token}" and len(share.token) >= 22
    assert share.permission == "view" and share.password_hash is None and share.expires is None
    # Again, with options: the same address, the options as given.
    sys.stdin = io.StringIO("pass word\n")
    try:
        assert (
            run(lib, "share", "link", "Trip", "--password", "--download", "--expires", "2099-01-31")
            == 0
        )
    finally:
        sys.stdin = sys.__stdin__
    assert capsys.readouterr().out.strip() == url
    [share] = _shares(personal)
    assert share.permission == "download" and check_password("pass word", share.password_hash)


def test_share_link_refuses_bad_input_with_exit_2(
    lib: Lib, capsys: pytest.CaptureFixture[str]
) -> None:
    personal, _shared = lib
    assert run(lib, "album", "create", "Trip") == 0
    capsys.readouterr()
    assert run(lib, "share", "link", "Nope") == 2
    assert "no album named 'Nope'" in capsys.readouterr().err
    assert run(lib, "share", "link", "Trip", "--expires", "2001-02-03") == 2
    assert "2001-02-03 is in the past" in capsys.readouterr().err
    assert run(lib, "share", "link", "Trip", "--expires", "soon") == 2
    assert run(lib, "share", "revoke", "99") == 2
    assert run(lib, "share", "revoke", "x") == 2
    assert run(lib, "share", "user", "Trip", "root", "boss") == 2
    assert _shares(personal) == []


def test_share_list_json_and_revoke(lib: Lib, capsys: pytest.CaptureFixture[str]) -> None:
    personal, shared = lib
    assert run(lib, "album", "create", "Trip") == 0
    assert run(lib, "album", "create", "Team", "--space", "shared") == 0
    assert run(lib, "share", "link", "Trip", "--expires", "2099-12-31") == 0
    assert run(lib, "share", "user", "Team", "@root", "downloader") == 0
    capsys.readouterr()
    assert run(lib, "share", "list", "--json") == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [set(r) for r in records] == [
        {
            "id",
            "space",
            "album",
            "url",
            "permission",
            "expires",
            "password",
            "recipients",
            "last_opened",
        }
    ] * 2
    link = next(r for r in records if r["album"] == "Trip")
    people = next(r for r in records if r["album"] == "Team")
    assert link["url"].startswith("http://127.0.0.1:5080/s/") and link["expires"] == "2099-12-31"
    assert link["password"] is False and link["last_opened"] is None and link["recipients"] == []
    assert people["url"] is None and people["recipients"] == [
        {"who": "@root", "role": "downloader"}
    ]
    assert run(lib, "share", "revoke", str(link["id"]), "--space", "personal") == 0
    assert "Revoked the link of 'Trip'" in capsys.readouterr().out
    assert _shares(personal) == []
    assert [s.recipients for s in _shares(shared)] == [(Recipient("@root", "downloader"),)]
    assert run(lib, "share", "user", "Team", "@root", "none") == 0
    assert _shares(shared) == []


def test_a_personal_album_is_not_shared_with_people(
    lib: Lib, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(lib, "album", "create", "Trip") == 0
    capsys.readouterr()
    assert run(lib, "share", "user", "Trip", "root", "viewer") == 1
    assert "share it with a public link, or copy it to the Shared Space" in capsys.readouterr().err


def test_export_copies_originals_never_overwriting(
    lib: Lib, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    personal, _shared = lib
    dest = tmp_path / "out"
    dest.mkdir()
    (dest / "a.jpg").write_bytes(b"someone else's file")
    assert run(lib, "album", "create", "Trip") == 0
    assert (
        run(
            lib,
            "album",
            "add",
            "Trip",
            str(personal / "2023" / "a.jpg"),
            str(personal / "2023" / "b.jpg"),
        )
        == 0
    )
    capsys.readouterr()
    assert run(lib, "export", "--album", "Trip", str(dest)) == 0
    assert "Copied 2 photos" in capsys.readouterr().out
    assert (dest / "a.jpg").read_bytes() == b"someone else's file"  # never overwritten
    assert (dest / "a (2).jpg").read_bytes() == (personal / "2023" / "a.jpg").read_bytes()
    assert (dest / "b.jpg").read_bytes() == (personal / "2023" / "b.jpg").read_bytes()
    assert run(lib, "export", "--album", "Trip", str(dest)) == 0  # twice: nothing copied twice
    assert "2 photos already there" in capsys.readouterr().out
    assert sorted(os.listdir(dest)) == ["a (2).jpg", "a.jpg", "b.jpg"]
    assert run(lib, "export", "folder:2024", str(tmp_path / "new")) == 0
    assert len(os.listdir(tmp_path / "new")) == 2
    assert run(lib, "export", "--album", "Nope", str(dest)) == 2
    assert run(lib, "export", str(dest)) == 2  # neither a query nor --album
    (tmp_path / "file").write_text("x")
    assert run(lib, "export", "--album", "Trip", str(tmp_path / "file")) == 2


def test_not_allowed_is_exit_3_and_a_downloader_may_export(unix_users, tmp_path: Path) -> None:
    u = unix_users
    shared = u.library()
    s = ["--shared", str(shared), "--personal", ""]
    assert main(["access", "enable", *s[:2]]) == 0
    assert main(["access", "grant", u.alice, "view", *s[:2]]) == 0
    assert main(["access", "grant", u.bob, "view", *s[:2]]) == 0
    assert main(["album", "create", "Team", "--space", "shared", *s]) == 0
    assert main(["album", "add", "Team", str(shared / "2023" / "p0.jpg"), *s]) == 0
    assert main(["share", "user", "Team", u.bob, "downloader", *s]) == 0
    done = u.phototerm(u.alice, "share", "link", "Team", *s)
    assert done.returncode == 3, done.stderr
    assert "Your role in the Shared Space is view: sharing needs manage" in done.stderr
    out = os.path.join(u.home(u.alice), "out")
    done = u.phototerm(u.alice, "export", "--album", "Team", out, *s)
    assert done.returncode == 3, done.stderr
    out = os.path.join(u.home(u.bob), "out")
    done = u.phototerm(u.bob, "export", "--album", "Team", out, *s)
    assert done.returncode == 0, done.stderr
    assert os.listdir(out) == ["p0.jpg"]
    done = u.phototerm(u.bob, "share", "list", *s)
    assert "shared with you by root: Team (downloader)" in done.stdout, done.stdout
