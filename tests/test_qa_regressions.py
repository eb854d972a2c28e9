"""Regressions found by hand-testing phototerm (QA pass over issues 3 and 4)."""

from __future__ import annotations

import sys

import pytest
from PIL import Image

from phototerm.cli import main
from phototerm.cli.library_cmds import unknown_albums


@pytest.fixture
def lib(tmp_path, monkeypatch):
    # XDG_* dirs: conftest's autouse fixture points them at tmp_path.
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False, raising=False)
    personal, shared = tmp_path / "Photos", tmp_path / "photo"
    for root, names in ((personal, ["2023/a.jpg", "2023/b.jpg"]), (shared, ["team/s1.jpg"])):
        for i, name in enumerate(names):
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            Image.new("RGB", (16, 12), (60 * i, 90, 200)).save(path, "JPEG")
    return personal, shared


def run(lib, *argv: str) -> int:
    personal, shared = lib
    return main([*argv, "--personal", str(personal), "--shared", str(shared)])


def test_ls_unknown_album_is_an_error(lib, capsys):
    # Issue 4: "Unknown paths or albums: a clear error, exit 2". `ls 'album:"Nope"'` used to
    # print nothing and exit 0, so a script could not tell a typo from an empty album.
    personal, _ = lib
    assert run(lib, "album", "create", "Trip") == 0
    assert run(lib, "album", "add", "Trip", str(personal / "2023/a.jpg")) == 0
    capsys.readouterr()
    assert run(lib, "ls", 'album:"Nope"') == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "no album named 'nope'" in captured.err
    assert "Trip" in captured.err  # the albums that do exist are named
    # A known album (any case) still lists its photos.
    assert run(lib, "ls", 'album:"trip"') == 0
    assert capsys.readouterr().out.strip() == str(personal / "2023/a.jpg")


def test_unknown_albums_walks_the_whole_query():
    names = ["Trip", "Good beaches"]
    assert unknown_albums('album:"Good beaches" beach', names) == []
    assert unknown_albums("beach OR (-album:Nope rating:>=3)", names) == ["nope"]
    assert unknown_albums("album:X album:x album:trip", names) == ["x"]
    assert unknown_albums("", names) == []


def test_damaged_store_says_read_only_in_the_status_line(tmp_path):
    # Issue 4: a corrupt store opens the space read-only "and says so". The notification
    # naming the file goes away after a few seconds; the status line must keep saying it,
    # or a user who starts rating later only learns it from refusals.
    from datetime import datetime

    from conftest import Shot, make_app, make_library, run, screen_lines, settle

    root = make_library(
        tmp_path / "P", [Shot(f"a{n}.jpg", datetime(2020, 1, 1 + n)) for n in range(2)]
    )
    db = root / ".phototerm" / "library.db"
    db.parent.mkdir()
    db.write_bytes(b"this is not a database" * 100)
    healthy = make_library(tmp_path / "S", [Shot("s.jpg", datetime(2021, 5, 5))])

    async def scenario() -> None:
        app = make_app(tmp_path, personal=root, shared=healthy)
        async with app.run_test(size=(200, 50)) as pilot:
            await settle(pilot)
            status = screen_lines(app)[-2]
            assert "Personal Space read-only" in status
            assert "Shared Space read-only" not in status  # only the damaged space

    run(scenario())


def test_healthy_stores_show_no_read_only_mark(tmp_path):
    from conftest import make_app, run, screen_lines, settle

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=(200, 50)) as pilot:
            await settle(pilot)
            assert "read-only" not in screen_lines(app)[-2]

    run(scenario())
