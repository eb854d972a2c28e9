"""A command that reads a space's store and cannot read it says so (naming the file) and
exits 1, unless --ignore-store; the store is left exactly as it was."""

from __future__ import annotations

import os
import pwd
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from cli_helpers import (
    Lib,
    Text,
    error_lines,
    lib_fixture,  # noqa: F401  (the lib fixture)
    run,
    store_path,
)

from phototerm.library.store import PhotoState, Store

A, B, C = "2023/a.jpg", "2023/b.jpg", "2024/c.jpg"

# A writer killed in the middle of a big transaction: its changed pages spilled into the file
# (a cache of 2 pages), so only rolling the journal back gives the last committed state.
_KILLED_WRITER = """
import os, signal, sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA cache_size = 2")
db.execute("BEGIN IMMEDIATE")
db.execute("UPDATE photo SET rating = 1, tags = 'spilled'")
os.kill(os.getpid(), signal.SIGKILL)
"""


def hot_journal(root: Path) -> None:
    path = store_path(root)
    with Store.open("personal", str(root)) as st:  # enough rows for the pages to spill
        st.put_states({f"pad/{i:05d}.jpg": PhotoState(tags=("x" * 60,)) for i in range(3000)})
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_KILLED_WRITER), str(path)], check=False
    )
    assert done.returncode == -9
    assert Path(f"{path}-journal").stat().st_size > 0


def truncated(root: Path) -> None:
    path = store_path(root)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def garbage(root: Path) -> None:
    store_path(root).write_bytes(os.urandom(3000) + b"\x00" * 5000)


def foreign(root: Path) -> None:
    path = store_path(root)
    path.unlink()
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE invoices(id INTEGER PRIMARY KEY, total REAL)")


def table_gone(root: Path) -> None:
    # Opens and checks fine (schema version, quick_check); fails only when its rows are read.
    with sqlite3.connect(store_path(root)) as db:
        db.execute("ALTER TABLE photo RENAME TO photo_old")


BREAKS = {
    "hot journal": hot_journal,
    "truncated": truncated,
    "garbage": garbage,
    "foreign": foreign,
    "table gone": table_gone,
}


def _files(root: Path) -> dict[str, bytes]:
    folder = store_path(root).parent
    return {name: (folder / name).read_bytes() for name in sorted(os.listdir(folder))}


@pytest.fixture(params=list(BREAKS))
def broken(request, lib: Lib, capsysbinary) -> Lib:
    """The library, with two photos rated 5 and an album, then its Personal store broken."""
    personal, _ = lib
    assert run(lib, "rate", "5", str(personal / A), str(personal / B)) == 0
    assert run(lib, "album", "create", "Trip") == 0
    assert run(lib, "album", "add", "Trip", str(personal / C)) == 0
    capsysbinary.readouterr()
    assert run(lib, "ls", "rating:5") == 0
    assert len(capsysbinary.readouterr().out.splitlines()) == 2
    BREAKS[request.param](personal)
    return lib


@pytest.mark.parametrize(
    "argv", [["ls", "rating:5"], ["ls", "--json"], ["album", "list"], ["album", "show", "Trip"]]
)
def test_a_store_that_cannot_be_read_is_exit_1_naming_it(broken, capsysbinary, argv):
    # Before: `ls rating:5` printed what the files alone say (nothing here) and `album list`
    # printed no album, both with exit 0 and no word on stderr.
    personal, _ = broken
    capsys = Text(capsysbinary)
    before = _files(personal)
    assert run(broken, *argv) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = error_lines(captured.err)
    assert lines[0].startswith("phototerm: error: ") and str(store_path(personal)) in lines[0]
    assert lines[-1].startswith("phototerm: error: ") and "--ignore-store" in lines[-1]
    assert _files(personal) == before  # read-only: not even a hot journal is touched
    finishes = "the next edit by a user allowed to write it" in captured.err
    assert finishes == (f"{store_path(personal)}-journal" in {str(p) for p in _paths(personal)})


def _paths(root: Path) -> list[Path]:
    return list(store_path(root).parent.iterdir())


def test_the_next_edit_finishes_an_interrupted_one(lib, capsysbinary):
    personal, _ = lib
    assert run(lib, "rate", "5", str(personal / A)) == 0
    hot_journal(personal)
    assert run(lib, "rate", "4", str(personal / B)) == 0  # SQLite rolls the journal back
    capsysbinary.readouterr()
    assert run(lib, "ls", "rating:>=4", "--sort", "name") == 0
    assert capsysbinary.readouterr().out.splitlines() == [
        os.fsencode(personal / A),
        os.fsencode(personal / B),
    ]
    assert not Path(f"{store_path(personal)}-journal").exists()


def test_ignore_store_goes_on_and_still_says_it(broken, capsysbinary):
    personal, _ = broken
    capsys = Text(capsysbinary)
    before = _files(personal)
    assert run(broken, "ls", "--ignore-store", "--sort", "path") == 0
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 6  # every photo, without the stored ratings
    assert str(store_path(personal)) in captured.err and "--ignore-store" in captured.err
    assert "error" not in captured.err
    assert run(broken, "ls", "rating:5", "--ignore-store") == 0
    assert capsys.readouterr().out == ""  # the ratings were only in the store
    assert run(broken, "album", "list", "--ignore-store") == 0
    assert str(store_path(personal)) in capsys.readouterr().err
    assert _files(personal) == before


def test_the_other_space_alone_is_still_readable(broken, capsysbinary):
    _, shared = broken
    assert main_only_shared(shared, "ls") == 0
    assert len(capsysbinary.readouterr().out.splitlines()) == 2


def main_only_shared(shared: Path, *argv: str) -> int:
    from phototerm.cli import main

    return main([*argv, "--personal", "", "--shared", str(shared)])


def test_recycling_with_a_store_that_cannot_be_read_moves_nothing(lib, capsys):
    # Before: "No rejected photos." and exit 0, as the rejects were in the unread store.
    personal, _ = lib
    assert run(lib, "rate", "x", str(personal / A)) == 0
    garbage(personal)
    capsys.readouterr()
    assert run(lib, "recycle-rejects", "--yes") == 1
    lines = error_lines(capsys.readouterr().err)
    assert str(store_path(personal)) in lines[0] and "nothing was moved" in lines[-1]
    assert (personal / A).exists() and not (personal / "#recycle").exists()
    assert run(lib, "recycle-rejects", "--yes", "--space", "shared") == 0


def test_an_edit_on_a_store_that_cannot_be_read_is_refused(lib, capsys):
    personal, _ = lib
    assert run(lib, "rate", "3", str(personal / A)) == 0
    garbage(personal)
    before = _files(personal)
    capsys.readouterr()
    assert run(lib, "rate", "4", str(personal / A)) == 1
    lines = error_lines(capsys.readouterr().err)
    assert lines[0].startswith("phototerm: error: ") and str(store_path(personal)) in lines[0]
    assert _files(personal) == before


def test_album_list_and_show_create_no_store(lib, capsys):
    personal, shared = lib
    assert run(lib, "album", "list") == 0
    assert run(lib, "album", "show", "Nope") == 2
    assert not (personal / ".phototerm").exists() and not (shared / ".phototerm").exists()


def test_a_store_nobody_may_read(as_nobody):
    base = Path(as_nobody.base)
    root = base / "space"
    (root / "2023").mkdir(parents=True, mode=0o755)
    from PIL import Image

    Image.new("RGB", (8, 8)).save(root / "2023" / "a.jpg")
    with Store.open("personal", str(root)) as st:
        st.put_states({"2023/a.jpg": PhotoState(rating=5)})
    os.chmod(root, 0o755)
    os.chmod(root / "2023", 0o755)
    os.chmod(root / "2023" / "a.jpg", 0o644)
    os.chmod(root / ".phototerm", 0o755)
    store_path(root).chmod(0o600)
    os.chown(root, pwd.getpwnam("nobody").pw_uid, -1)  # nobody's own Personal Space
    done = as_nobody.run(
        f"""
        import sys
        from phototerm.cli import main
        sys.exit(main(["ls", "rating:5", "--personal", {str(root)!r}, "--shared", ""]))
        """
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    assert f"phototerm: error: Cannot open {store_path(root)}" in done.stderr
