"""``phototerm import`` (importing.py): copies into a space, never moves, never overwrites."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from phototerm.library.access.grants import Grants, write_grants
from phototerm.library.access.role import Role
from phototerm.library.edits.importing import ImportProblem, import_photos
from phototerm.library.roles import Access, Identity, not_allowed

ROOT = Identity("root", frozenset({"root"}), 0)


def _card(tmp_path: Path) -> Path:
    """A memory card: photos in folders, a sidecar, a text file, a hidden folder."""
    card = tmp_path / "card" / "DCIM"
    (card / "100CANON").mkdir(parents=True)
    (card / ".thumbs").mkdir()
    (card / "100CANON" / "IMG_1.JPG").write_bytes(b"\xff\xd8one")
    (card / "100CANON" / "IMG_1.JPG.xmp").write_text("<x:xmpmeta/>")
    (card / "100CANON" / "IMG_2.JPG").write_bytes(b"\xff\xd8two")
    (card / "100CANON" / "notes.txt").write_text("not a photo")
    (card / ".thumbs" / "IMG_1.JPG").write_bytes(b"thumb")
    return card


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".phototerm" not in p.parts
    }


def test_copies_folders_and_sidecars_never_moves_never_overwrites(tmp_path):
    shared = tmp_path / "photo"
    shared.mkdir()
    card = _card(tmp_path)
    before = _files(card)
    access = Access(ROOT, {}, roots={"shared": str(shared)})
    (shared / "2024" / "Trip" / "DCIM" / "100CANON").mkdir(parents=True)
    (shared / "2024" / "Trip" / "DCIM" / "100CANON" / "IMG_2.JPG").write_bytes(b"\xff\xd8else")
    result = import_photos(access, "shared", [str(card)], "2024/Trip")
    assert result.ok and (len(result.copied), result.renamed, result.skipped) == (2, 1, 1)
    assert _files(card) == before  # the originals are where they were
    assert _files(shared) == {
        "2024/Trip/DCIM/100CANON/IMG_1.JPG": b"\xff\xd8one",
        "2024/Trip/DCIM/100CANON/IMG_1.JPG.xmp": b"<x:xmpmeta/>",
        "2024/Trip/DCIM/100CANON/IMG_2 (2).JPG": b"\xff\xd8two",
        "2024/Trip/DCIM/100CANON/IMG_2.JPG": b"\xff\xd8else",  # not overwritten
    }
    stamp = os.stat(card / "100CANON" / "IMG_1.JPG").st_mtime_ns
    assert os.stat(shared / "2024/Trip/DCIM/100CANON/IMG_1.JPG").st_mtime_ns == stamp
    again = import_photos(access, "shared", [str(card)], "2024/Trip")
    assert (len(again.copied), again.already) == (0, 2)  # the same bytes: not copied twice
    assert not any(n.startswith(".phototerm-import") for n in os.listdir(shared / "2024/Trip"))


def test_bad_arguments_copy_nothing(tmp_path):
    shared = tmp_path / "photo"
    shared.mkdir()
    card = _card(tmp_path)
    access = Access(ROOT, {}, roots={"shared": str(shared)})
    cases = [
        ([str(card / "100CANON" / "notes.txt")], "", "is not a photo or video"),
        ([str(card / "100CANON" / "IMG_1.JPG"), str(tmp_path / "nope.jpg")], "", "no such"),
        ([str(card)], "../elsewhere", "is not inside the space"),
        ([str(card)], "#recycle", "phototerm never shows what is kept there"),
        ([str(shared)], "sub", "holds the target folder"),
    ]
    for sources, folder, message in cases:
        with pytest.raises(ImportProblem, match=message):
            import_photos(access, "shared", sources, folder)
    assert _files(shared) == {}


def test_import_needs_the_upload_role(tmp_path):
    shared = tmp_path / "photo"
    (shared / ".phototerm").mkdir(parents=True)
    write_grants(str(shared), Grants({"alice": Role.VIEW, "bob": Role.UPLOAD}))
    card = _card(tmp_path)
    alice = Identity("alice", frozenset(), 54321)
    result = import_photos(Access(alice, {}, roots={"shared": str(shared)}), "shared", [str(card)])
    assert not_allowed(result.refusal)
    assert result.refusal == "Your role in the Shared Space is view: importing photos needs upload"
    assert _files(shared) == {}
    bob = Identity("bob", frozenset(), 54322)
    result = import_photos(Access(bob, {}, roots={"shared": str(shared)}), "shared", [str(card)])
    assert result.ok and len(result.copied) == 2
