"""The scanner: what it lists, what it skips, symlinks, unreadable folders, odd names."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from nobody import Nobody, make_public

from phototerm.library.ingest.scanner import OUTSIDE, ScanError, scan, skipped


def touch(path: Path, data: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def listing(root: Path) -> tuple[set[str], list[ScanError]]:
    errors: list[ScanError] = []
    rels = [e.rel for e in scan(str(root), errors)]
    assert len(rels) == len(set(rels)), "a file was listed twice"
    return set(rels), errors


def test_media_by_extension_case_insensitive(tmp_path: Path) -> None:
    for name in [
        "a.jpg",
        "b.JPG",
        "c.Jpeg",
        "d.png",
        "e.HEIC",
        "f.tif",
        "g.webp",
        "h.NEF",
        "i.cr3",
        "j.mp4",
        "k.MOV",
        "l.3gp",
        "notes.txt",
        "x.xmp",
        "noext",
        "jpg",
    ]:
        touch(tmp_path / name)
    rels, errors = listing(tmp_path)
    assert rels == {
        "a.jpg",
        "b.JPG",
        "c.Jpeg",
        "d.png",
        "e.HEIC",
        "f.tif",
        "g.webp",
        "h.NEF",
        "i.cr3",
        "j.mp4",
        "k.MOV",
        "l.3gp",
    }
    assert errors == []


def test_skip_lists(tmp_path: Path) -> None:
    keep = ["a.jpg", "2023/Paris/b.jpg", "2023/Paris/sub/c.mp4", "eaDir/d.jpg"]
    skip = [
        "@eaDir/a.jpg/SYNOPHOTO_THUMB_SM.jpg",
        "2023/Paris/@eaDir/b.jpg/SYNOPHOTO_THUMB_XL.jpg",
        "@EADIR/e.jpg",  # Synology is case-insensitive about it; so are we
        "#recycle/old.jpg",
        "#snapshot/daily/x.jpg",
        "@SynoResource/y.jpg",
        "2023/Paris/b.jpg@SynoEAStream",
        "z.jpg@SynoEAStream",
        ".DS_Store",
        "._a.jpg",
        "2023/Paris/._b.jpg",
        "Thumbs.db",
        "thumbs.db",
        ".hidden/h.jpg",
        ".hidden.jpg",
        ".phototerm/cache.jpg",
        "2023/.git/objects/i.jpg",
    ]
    for name in keep + skip:
        touch(tmp_path / name)
    rels, errors = listing(tmp_path)
    assert rels == set(keep)
    assert errors == []
    assert skipped("@eaDir") and skipped("foo@SynoEAStream") and skipped(".phototerm")
    assert not skipped("eaDir") and not skipped("recycle")


def test_entries_carry_size_and_mtime(tmp_path: Path) -> None:
    path = touch(tmp_path / "a" / "b.jpg", b"12345")
    os.utime(path, (1_600_000_000.5, 1_600_000_000.25))
    (entry,) = list(scan(str(tmp_path)))
    assert entry.rel == "a/b.jpg"
    assert entry.size == 5
    assert entry.mtime == pytest.approx(1_600_000_000.25)
    assert entry.sidecar is None


def test_sidecars_found_while_listing(tmp_path: Path) -> None:
    touch(tmp_path / "A.JPG")
    touch(tmp_path / "A.JPG.xmp", b"<x/>")  # darktable/digiKam form wins
    touch(tmp_path / "A.xmp", b"<y/>..")
    touch(tmp_path / "B.NEF")
    touch(tmp_path / "B.XMP", b"<z/>")  # Lightroom form, upper case
    touch(tmp_path / "C.jpg")
    for name in ("P.NEF", "P.JPG", "P.xmp", "Q.JPG", "Q.NEF", "Q.xmp", "Q.JPG.xmp"):
        touch(tmp_path / "pair" / name)
    entries = {e.rel: e for e in scan(str(tmp_path))}
    assert entries["A.JPG"].sidecar is not None
    assert entries["A.JPG"].sidecar[:2] == ("A.JPG.xmp", 4)
    assert entries["B.NEF"].sidecar[:2] == ("B.XMP", 4)
    assert entries["C.jpg"].sidecar is None
    # A RAW+JPEG pair shares NAME.xmp, unless one has its own NAME.EXT.xmp.
    sides = {rel: e.sidecar[0] for rel, e in entries.items() if rel.startswith("pair/")}
    assert sides == {
        "pair/P.NEF": "pair/P.xmp",
        "pair/P.JPG": "pair/P.xmp",
        "pair/Q.JPG": "pair/Q.JPG.xmp",
        "pair/Q.NEF": "pair/Q.xmp",
    }


def test_symlink_loop_terminates_and_is_reported(tmp_path: Path) -> None:
    touch(tmp_path / "a" / "b" / "x.jpg")
    os.symlink("../..", tmp_path / "a" / "b" / "up")  # points at the root: a loop
    os.symlink(".", tmp_path / "a" / "self")
    os.symlink("selfloop.jpg", tmp_path / "selfloop.jpg")  # a link to itself
    rels, errors = listing(tmp_path)
    assert rels == {"a/b/x.jpg"}
    reasons = {os.path.relpath(e.path, tmp_path): e.reason for e in errors}
    assert "loop" in reasons["a/b/up"]
    assert "loop" in reasons["a/self"]
    assert "loop" in reasons["selfloop.jpg"]


def test_symlink_escaping_root_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    touch(outside / "secret.jpg")
    root = tmp_path / "root"
    touch(root / "in.jpg")
    os.symlink(outside, root / "escape")
    os.symlink(outside / "secret.jpg", root / "link.jpg")
    os.symlink("../outside", root / "relative-escape")
    rels, errors = listing(root)
    assert rels == {"in.jpg"}
    assert {os.path.basename(e.path) for e in errors} == {"escape", "link.jpg", "relative-escape"}
    assert all(e.reason == OUTSIDE for e in errors)


def test_symlinks_inside_root_are_followed_once(tmp_path: Path) -> None:
    touch(tmp_path / "real" / "a.jpg")
    touch(tmp_path / "other" / "b.jpg")
    os.symlink("real", tmp_path / "alias")  # the same folder again: listed once, real path
    os.symlink("other", tmp_path / "zz-link")
    os.symlink("real/a.jpg", tmp_path / "file-link.jpg")
    os.symlink("missing.jpg", tmp_path / "broken.jpg")
    rels, errors = listing(tmp_path)
    assert rels == {"real/a.jpg", "other/b.jpg", "file-link.jpg"}
    assert [(os.path.basename(e.path), e.reason) for e in errors] == [
        ("broken.jpg", "broken symbolic link")
    ]


def test_link_into_root_through_symlinked_root(tmp_path: Path) -> None:
    real = tmp_path / "volume1" / "photo"
    touch(real / "a.jpg")
    os.symlink(real, tmp_path / "photo")  # the space root itself is a link, as on a NAS
    os.symlink(real / "a.jpg", real / "b.jpg")
    rels, errors = listing(tmp_path / "photo")
    assert rels == {"a.jpg", "b.jpg"}
    assert errors == []


def test_link_into_skipped_folder_stays_skipped(tmp_path: Path) -> None:
    touch(tmp_path / "@eaDir" / "t.jpg")
    touch(tmp_path / ".hidden" / "h.jpg")
    os.symlink("@eaDir", tmp_path / "thumbs")
    os.symlink(".hidden/h.jpg", tmp_path / "h.jpg")
    rels, errors = listing(tmp_path)
    assert rels == set()
    assert errors == []


def test_fifo_named_like_a_photo_is_not_listed(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.jpg")
    touch(tmp_path / "a.jpg")
    rels, _ = listing(tmp_path)
    assert rels == {"a.jpg"}


def test_non_utf8_and_markup_names(tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/caf\xe9 \xff.jpg"
    with open(raw, "wb") as fh:
        fh.write(b"data")
    weird = [
        "[bold]x.jpg",
        "[@click=app.quit]x.jpg",
        "a\x1b[31mred.jpg",
        "[/]y.png",
        "sp ace/\u202eevil.jpg",
    ]
    for name in weird:
        touch(tmp_path / name)
    rels, errors = listing(tmp_path)
    assert errors == []
    assert set(weird) <= rels
    (odd,) = rels - set(weird)
    assert "\udce9" in odd and "\udcff" in odd  # surrogate escapes, as os.fsdecode gives
    # The rel is usable for I/O as it is.
    with open(os.path.join(tmp_path, odd), "rb") as fh:
        assert fh.read() == b"data"


def test_missing_root_is_an_error_not_an_exception(tmp_path: Path) -> None:
    errors: list[ScanError] = []
    assert list(scan(str(tmp_path / "nope"), errors)) == []
    assert len(errors) == 1 and errors[0].reason == "vanished while scanning"


# --- unreadable folders: root ignores permission bits, so run as an unprivileged user ---------


def test_unreadable_folder_reported_and_walk_goes_on(as_nobody: Nobody) -> None:
    root = Path(as_nobody.base) / "root"
    touch(root / "ok" / "a.jpg")
    touch(root / "locked" / "b.jpg")
    touch(root / "z" / "c.jpg")
    make_public(root)
    os.chmod(root / "locked", 0o700)  # owned by root: nobody cannot list it
    code = (
        "import json, sys\n"
        "from phototerm.library.ingest.scanner import scan\n"
        "errors = []\n"
        "rels = sorted(e.rel for e in scan(sys.argv[1], errors))\n"
        "print(json.dumps([rels, [[e.path, e.reason] for e in errors]]))\n"
    )
    rels, errors = json.loads(as_nobody(code, str(root)))
    assert rels == ["ok/a.jpg", "z/c.jpg"]
    assert errors == [[str(root / "locked"), "permission denied"]]
