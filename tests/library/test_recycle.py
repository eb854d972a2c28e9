"""Recycling rejects never leaves the space: a #recycle (or a folder in it) that is a link or
another device is refused, a swap during the move cannot redirect it, links move only while
they still lead where they did, and sidecars (NAME.EXT.xmp, Lightroom's NAME.xmp) go along."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from phototerm.library.edits import Editor
from phototerm.library.index import Index
from phototerm.library.photo import Photo
from phototerm.library.roles import Identity
from phototerm.library.store import Store

ROOT_ID = Identity("root", frozenset({"root"}), 0)


def jpeg(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (8, 6), (200, 80, 40)).save(path, "JPEG")
    return path


class Space:
    """A Personal Space with these files (photos listed by rel), its store and an Editor."""

    def __init__(self, root: Path, rels: list[str]) -> None:
        self.root = root
        self.index = Index()
        photos = []
        for rel in rels:
            st = os.stat(root / rel)
            photos.append(Photo("personal", str(root), rel, size=st.st_size, mtime=st.st_mtime))
        self.index.add_many(photos)
        self.store = Store.open("personal", str(root))
        self.editor = Editor(self.index, {"personal": self.store}, ROOT_ID, None)

    def reject(self, *rels: str) -> None:
        ids = [self.index.id_of("personal", rel) for rel in rels]
        assert self.editor.reject(ids).ok

    def recycle(self):
        return self.editor.recycle_rejects("personal")

    def close(self) -> None:
        self.store.close()


def files(folder: Path) -> set[str]:
    return {
        os.path.relpath(os.path.join(d, f), folder)
        for d, _dirs, names in os.walk(folder)
        for f in names
    }


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


# -- #recycle and the folders in it --------------------------------------------------------------


def test_a_recycle_folder_that_is_a_link_is_refused(tmp_path: Path, outside: Path) -> None:
    root = tmp_path / "Photos"
    jpeg(root / "2020" / "a.jpg")
    os.symlink(outside, root / "#recycle")
    space = Space(root, ["2020/a.jpg"])
    space.reject("2020/a.jpg")
    result = space.recycle()
    assert not result.ok and result.moved == ()
    assert "#recycle" in result.message and "symbolic link" in result.message
    assert (root / "2020" / "a.jpg").exists() and files(outside) == set()
    assert os.listdir(outside) == []  # not even a folder was made there
    space.close()


def test_a_link_inside_the_space_is_refused_too(tmp_path: Path) -> None:
    root = tmp_path / "Photos"
    jpeg(root / "2020" / "a.jpg")
    (root / "bin").mkdir()
    os.symlink("bin", root / "#recycle")
    space = Space(root, ["2020/a.jpg"])
    space.reject("2020/a.jpg")
    result = space.recycle()
    assert not result.ok and "symbolic link" in result.message
    assert (root / "2020" / "a.jpg").exists() and os.listdir(root / "bin") == []
    space.close()


def test_a_linked_folder_inside_recycle_is_refused_and_the_rest_moves(
    tmp_path: Path, outside: Path
) -> None:
    root = tmp_path / "Photos"
    jpeg(root / "2020" / "a.jpg")
    jpeg(root / "2021" / "b.jpg")
    (root / "#recycle").mkdir()
    os.symlink(outside, root / "#recycle" / "2020")
    space = Space(root, ["2020/a.jpg", "2021/b.jpg"])
    space.reject("2020/a.jpg", "2021/b.jpg")
    result = space.recycle()
    assert not result.ok and len(result.moved) == 1 and len(result.errors) == 1
    assert "symbolic link" in result.errors[0] and "#recycle/2020" in result.errors[0]
    assert (root / "2020" / "a.jpg").exists() and files(outside) == set()
    assert (root / "#recycle" / "2021" / "b.jpg").exists()
    space.close()


def test_a_swap_during_the_move_cannot_redirect_it(
    tmp_path: Path, outside: Path, monkeypatch
) -> None:
    root = tmp_path / "Photos"
    jpeg(root / "2020" / "a.jpg")
    space = Space(root, ["2020/a.jpg"])
    space.reject("2020/a.jpg")
    real_link = os.link
    swapped = []

    def swap_then_link(*args, **kwargs):
        # Right before the file moves, #recycle is replaced by a link out of the space.
        if not swapped:
            os.rename(root / "#recycle", root / "moved-aside")
            os.symlink(outside, root / "#recycle")
            swapped.append(True)
        return real_link(*args, **kwargs)

    monkeypatch.setattr(os, "link", swap_then_link)
    result = space.recycle()
    assert swapped and files(outside) == set()  # nothing went out of the space
    assert result.ok and (root / "moved-aside" / "2020" / "a.jpg").exists()
    space.close()


def test_a_recycle_folder_on_another_device_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "Photos"
    jpeg(root / "2020" / "a.jpg")
    (root / "#recycle").mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(root / "#recycle")],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        space = Space(root, ["2020/a.jpg"])
        space.reject("2020/a.jpg")
        result = space.recycle()
        assert not result.ok and "another device" in result.message
        assert (root / "2020" / "a.jpg").exists()
        assert os.listdir(root / "#recycle") == []
        space.close()
    finally:
        subprocess.run(["umount", "-l", str(root / "#recycle")], check=False)


def test_recycle_command_exits_1_with_the_reason(tmp_path: Path, outside: Path, capsys) -> None:
    from phototerm.cli import main

    root = tmp_path / "Photos"
    jpeg(root / "2020" / "a.jpg")
    os.symlink(outside, root / "#recycle")
    common = ["--personal", str(root), "--shared", ""]
    assert main(["rate", "x", str(root / "2020" / "a.jpg"), *common]) == 0
    sys_stdin_isatty = sys.stdin.isatty
    try:
        sys.stdin.isatty = lambda: False  # type: ignore[method-assign]
        code = main(["recycle-rejects", "--yes", *common])
    finally:
        sys.stdin.isatty = sys_stdin_isatty  # type: ignore[method-assign]
    out = capsys.readouterr()
    assert code == 1
    assert "symbolic link" in out.out + out.err
    assert (root / "2020" / "a.jpg").exists() and files(outside) == set()


# -- what moves with a photo, and links ---------------------------------------------------------


def test_lightroom_sidecar_moves_once_no_photo_of_its_name_is_left(tmp_path: Path) -> None:
    root = tmp_path / "Photos"
    for rel in ("2020/IMG_1.CR2", "2020/IMG_1.JPG", "2020/IMG_2.CR2", "2020/IMG_3.jpg"):
        jpeg(root / rel)  # content does not matter here
    for side in ("2020/IMG_1.xmp", "2020/IMG_2.XMP", "2020/IMG_3.jpg.xmp", "2020/IMG_3.xmp"):
        (root / side).write_text("<x/>")
    space = Space(root, ["2020/IMG_1.CR2", "2020/IMG_1.JPG", "2020/IMG_2.CR2", "2020/IMG_3.jpg"])
    # RAW+JPEG pairs apart (pair_raw_jpeg = false): the RAW can be rejected alone
    space.index.set_pairing(False)
    space.reject("2020/IMG_1.CR2", "2020/IMG_2.CR2", "2020/IMG_3.jpg")
    result = space.recycle()
    assert result.ok, result.errors
    assert files(root / "#recycle") == {
        "2020/IMG_1.CR2",
        "2020/IMG_2.CR2",
        "2020/IMG_2.XMP",  # no other IMG_2.* left: it goes along
        "2020/IMG_3.jpg",
        "2020/IMG_3.jpg.xmp",
        "2020/IMG_3.xmp",
    }
    # IMG_1.JPG stays, so the sidecar it shares with the RAW stays with it
    assert files(root / "2020") == {"IMG_1.JPG", "IMG_1.xmp"}
    space.reject("2020/IMG_1.JPG")
    assert space.recycle().ok
    assert files(root / "2020") == set()
    assert {"2020/IMG_1.JPG", "2020/IMG_1.xmp"} <= files(root / "#recycle")
    space.close()


def test_links_move_as_links_only_while_they_lead_to_the_same_file(tmp_path: Path) -> None:
    root = tmp_path / "Photos"
    jpeg(root / "2019" / "real.jpg")
    jpeg(root / "2020" / "here.jpg")
    os.symlink(root / "2019" / "real.jpg", root / "2020" / "absolute.jpg")
    os.symlink("../2019/real.jpg", root / "2020" / "relative.jpg")
    os.symlink("here.jpg", root / "2020" / "sibling.jpg")
    rels = ["2020/absolute.jpg", "2020/relative.jpg", "2020/sibling.jpg"]
    space = Space(root, rels)
    space.reject(*rels)
    result = space.recycle()
    assert [os.path.basename(t) for _, t in result.moved] == ["absolute.jpg"]
    moved = root / "#recycle" / "2020" / "absolute.jpg"
    assert moved.is_symlink() and moved.resolve() == (root / "2019" / "real.jpg")
    assert not result.ok and len(result.errors) == 2
    assert all("symbolic link" in e and "left where it is" in e for e in result.errors)
    assert (root / "2020" / "relative.jpg").is_symlink()  # left, still working
    assert (root / "2020" / "relative.jpg").resolve() == root / "2019" / "real.jpg"
    assert (root / "2020" / "sibling.jpg").is_symlink()
    assert (root / "2019" / "real.jpg").exists() and (root / "2020" / "here.jpg").exists()
    space.close()


def test_a_fifo_in_place_of_a_photo_is_left_alone(tmp_path: Path) -> None:
    root = tmp_path / "Photos"
    jpeg(root / "2020" / "a.jpg")
    space = Space(root, ["2020/a.jpg"])
    space.reject("2020/a.jpg")
    os.unlink(root / "2020" / "a.jpg")
    os.mkfifo(root / "2020" / "a.jpg")  # swapped after indexing
    result = space.recycle()
    assert not result.ok and "not a regular file" in result.errors[0]
    assert files(root / "#recycle") == set()
    space.close()


def test_nothing_is_created_outside_when_refused_by_a_subprocess_race(tmp_path: Path) -> None:
    """The CLI as a user runs it, end to end, with #recycle a link (no monkeypatching)."""
    root, outside = tmp_path / "Photos", tmp_path / "elsewhere"
    jpeg(root / "2020" / "a.jpg")
    outside.mkdir()
    os.symlink(outside, root / "#recycle")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    common = ["--personal", str(root), "--shared", ""]
    run = [sys.executable, "-m", "phototerm"]
    subprocess.run([*run, "rate", "x", str(root / "2020" / "a.jpg"), *common], env=env, check=True)
    done = subprocess.run(
        [*run, "recycle-rejects", "--yes", *common],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1 and "symbolic link" in done.stdout + done.stderr
    assert os.listdir(outside) == [] and (root / "2020" / "a.jpg").exists()
