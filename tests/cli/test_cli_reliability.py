"""Commands on hostile libraries: a root whose path is not UTF-8, files with impossible
dates, FIFOs named like sidecars, #recycle turned into a link. Each must finish, say what it
could not do, and lose nothing."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from PIL import Image

from phototerm.cli import main
from phototerm.library.store import Store


@pytest.fixture(autouse=True)
def no_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False, raising=False)


def _photos(root: Path, *rels: str) -> list[Path]:
    out = []
    for i, rel in enumerate(rels):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (16, 12), (40 * i % 255, 100, 200)).save(path, "JPEG")
        out.append(path)
    return out


def _run(root: Path, *argv: str) -> int:
    return main([*argv, "--personal", str(root), "--shared", ""])


# -- a root whose path is not valid UTF-8 --------------------------------------------------------


def test_every_edit_command_works_in_a_root_that_is_not_utf8(tmp_path: Path, capsysbinary) -> None:
    root = Path(os.fsdecode(os.path.join(os.fsencode(tmp_path), b"caf\xe9 Photos")))
    a, b = _photos(root, "2023/a.jpg", "2023/b.jpg")
    commands = [
        ("rate", "4", str(a), str(b)),
        ("tag", "add", "sea", str(a)),
        ("tag", "remove", "sea", str(a)),
        ("album", "create", "Trip"),
        ("album", "add", "Trip", str(a), str(b)),
        ("album", "remove", "Trip", str(b)),
        ("album", "rename", "Trip", "Voyage"),
        ("album", "list"),
        ("album", "show", "Voyage"),
        ("album", "delete", "Voyage"),
        ("reset", "--sort-orders", "--yes"),
        ("rate", "x", str(b)),
        ("recycle-rejects", "--yes"),
    ]
    for command in commands:
        code = _run(root, *command)
        err = capsysbinary.readouterr().err.decode("utf-8", "replace")
        assert code == 0, (command, err)
        assert "Traceback" not in err
    db = os.path.join(os.fsencode(root), b".phototerm", b"library.db")
    assert os.path.isfile(db)  # the store is where it belongs, under the real bytes
    with Store.open("personal", str(root), read_only=True) as store:
        assert store.get_states(["2023/a.jpg"])["2023/a.jpg"].rating == 4
    assert not b.exists() and (root / "#recycle" / "2023" / "b.jpg").exists()


# -- modification times outside the years 1 to 9999 ---------------------------------------------


@pytest.fixture
def tmpfs(tmp_path: Path):
    """A folder on tmpfs, which keeps any mtime (ext4 clamps to 2446)."""
    import shutil
    import tempfile

    if not os.path.isdir("/dev/shm"):
        pytest.skip("no /dev/shm")
    folder = Path(tempfile.mkdtemp(dir="/dev/shm", prefix="phototerm-test-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


FAR_FUTURE = 253402300800  # 10000-01-01T00:00:00Z
FAR_PAST = -62135596900  # before 0001-01-01


def _impossible_dates(root: Path) -> list[Path]:
    photos = _photos(root, "a/good.jpg", "a/future.jpg", "a/past.jpg", "b/also good.jpg")
    for path, stamp in ((photos[1], FAR_FUTURE), (photos[2], FAR_PAST)):
        os.utime(path, (0, stamp))
        if os.stat(path).st_mtime != stamp:
            pytest.skip("this filesystem does not keep such an mtime")
    return photos


def test_impossible_mtimes_are_unknown_dates_in_index_and_ls(tmpfs: Path, capsys) -> None:
    _impossible_dates(tmpfs)
    # Images without EXIF: their capture time would be the file's mtime.
    assert _run(tmpfs, "index", "--json") == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["photos"] == 4
    assert _run(tmpfs, "ls") == 0
    out = capsys.readouterr()
    assert len(out.out.splitlines()) == 4 and "Traceback" not in out.err
    assert _run(tmpfs, "ls", "--json", "--sort", "mtime") == 0
    out = capsys.readouterr()
    records = {Path(r["path"]).name: r for r in map(json.loads, out.out.splitlines())}
    assert records["future.jpg"]["taken"] is None and records["past.jpg"]["taken"] is None
    assert records["good.jpg"]["taken"] is not None
    assert _run(tmpfs, "ls", "date:2000..") == 0
    assert sorted(Path(p).name for p in capsys.readouterr().out.splitlines()) == [
        "also good.jpg",
        "good.jpg",
    ]


def test_an_impossible_taken_time_is_unknown_on_the_index() -> None:
    from phototerm.library.index import Index
    from phototerm.library.photo import Photo

    index = Index()
    index.add_many(
        [
            Photo("personal", "/r", "late.jpg", size=1, mtime=1.0, taken=float(FAR_FUTURE)),
            Photo("personal", "/r", "early.jpg", size=1, mtime=1.0, taken=float(FAR_PAST)),
            Photo("personal", "/r", "fine.jpg", size=1, mtime=1.0, taken=1.6e9),
        ]
    )
    assert [index.get(i).taken for i in index.ids()] == [None, None, 1.6e9]
    assert [index.get(i).name for i in index.search("date:2020")] == ["fine.jpg"]
