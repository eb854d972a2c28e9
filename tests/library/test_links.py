"""Symbolic links obey one rule everywhere: followed only when they stay inside the space.

Photos and folders already did; sidecars and Synology's @eaDir thumbnails now do too. A
sidecar link out of the root is not read (its rating and tags are not imported; ``/etc/shadow``
is never opened) and is reported like a photo link, under ``errors`` of ``index --json``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from PIL import Image

from phototerm.library.ingest.scanner import EADIR_OUTSIDE, OUTSIDE, ScanError, scan
from phototerm.library.metadata import reader as metadata
from phototerm.library.metadata.sidecar import write_sidecar
from phototerm.library.photo import Photo
from phototerm.library.thumbnails import ThumbnailService

XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmp:Rating="{rating}">'
    "<dc:subject><rdf:Bag><rdf:li>{tag}</rdf:li></rdf:Bag></dc:subject>"
    "</rdf:Description></rdf:RDF></x:xmpmeta>"
)


def jpeg(path: Path, colour=(200, 80, 40), size=(64, 48)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path, "JPEG")
    return path


def sidecar(path: Path, rating: int, tag: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(XMP.format(rating=rating, tag=tag))
    return path


def library(tmp_path: Path) -> tuple[Path, Path]:
    """A root with sidecars linked out of it and inside it; and the folder outside."""
    root, outside = tmp_path / "Photos", tmp_path / "elsewhere"
    for name in ("out.jpg", "in.jpg", "etc.jpg", "plain.jpg"):
        jpeg(root / "2023" / name)
    sidecar(outside / "x.xmp", 5, "imported")
    sidecar(root / "shared-sidecars" / "in.xmp", 4, "kept")
    sidecar(root / "2023" / "plain.jpg.xmp", 2, "own")
    os.symlink(outside / "x.xmp", root / "2023" / "out.jpg.xmp")
    os.symlink("../shared-sidecars/in.xmp", root / "2023" / "in.jpg.xmp")
    os.symlink("/etc/shadow", root / "2023" / "etc.jpg.xmp")
    return root, outside


def test_scanner_follows_sidecar_links_only_inside_the_root(tmp_path: Path) -> None:
    root, _ = library(tmp_path)
    errors: list[ScanError] = []
    entries = {e.rel: e for e in scan(str(root), errors)}
    assert entries["2023/out.jpg"].sidecar is None
    assert entries["2023/etc.jpg"].sidecar is None
    assert entries["2023/in.jpg"].sidecar[0] == "2023/in.jpg.xmp"
    assert entries["2023/plain.jpg"].sidecar[0] == "2023/plain.jpg.xmp"
    assert sorted((os.path.basename(e.path), e.reason) for e in errors) == [
        ("etc.jpg.xmp", OUTSIDE),
        ("out.jpg.xmp", OUTSIDE),
    ]


def test_a_sidecar_linked_out_of_the_root_is_not_imported(tmp_path: Path) -> None:
    root, _ = library(tmp_path)
    rows = {}
    for rel in ("2023/out.jpg", "2023/in.jpg", "2023/etc.jpg"):
        st = os.stat(root / rel)
        rows[rel] = metadata.read(str(root), rel, st.st_size, st.st_mtime)  # finds its own
    assert (rows["2023/out.jpg"].rating, rows["2023/out.jpg"].tags) == (0, ())
    assert (rows["2023/in.jpg"].rating, rows["2023/in.jpg"].tags) == (4, ("kept",))
    assert rows["2023/etc.jpg"].error == ""


def test_index_json_reports_sidecar_links_out_of_the_root(tmp_path: Path, capsys) -> None:
    from phototerm.cli import main

    root, _ = library(tmp_path)
    assert main(["index", "--json", "--personal", str(root), "--shared", ""]) == 0
    summary = json.loads(capsys.readouterr().out)
    reported = {os.path.basename(e["path"]): e["reason"] for e in summary["errors"]}
    assert reported == {"out.jpg.xmp": OUTSIDE, "etc.jpg.xmp": OUTSIDE}
    assert main(["ls", "rating:5", "--personal", str(root), "--shared", ""]) == 0
    assert capsys.readouterr().out == ""  # the outside rating was not imported


def test_the_sidecar_writer_does_not_write_through_a_link(tmp_path: Path) -> None:
    root, outside = library(tmp_path)
    before = (outside / "x.xmp").read_bytes()
    try:
        write_sidecar(str(root / "2023" / "out.jpg"), rating=1)
    except Exception as exc:  # noqa: BLE001 - the message is the point
        assert "symbolic link" in str(exc)
    else:
        raise AssertionError("a linked sidecar was rewritten")
    assert (outside / "x.xmp").read_bytes() == before
    assert os.path.islink(root / "2023" / "out.jpg.xmp")


def test_eadir_thumbnails_follow_links_only_inside_the_root(tmp_path: Path) -> None:
    root, outside = tmp_path / "Photos", tmp_path / "elsewhere"
    for name in ("a.jpg", "b.jpg"):
        jpeg(root / "2023" / name, colour=(200, 30, 30), size=(400, 300))
    green = outside / "eadir" / "a.jpg" / "SYNOPHOTO_THUMB_SM.jpg"
    jpeg(green, colour=(30, 200, 30), size=(320, 240))
    os.symlink(outside / "eadir", root / "2023" / "@eaDir")  # the whole @eaDir leads out
    blue = root / "thumbs" / "SYNOPHOTO_THUMB_SM.jpg"  # a thumbnail linked within the root
    jpeg(blue, colour=(30, 30, 200), size=(320, 240))
    errors: list[ScanError] = []
    assert sorted(e.rel for e in scan(str(root), errors)) == [
        "2023/a.jpg",
        "2023/b.jpg",
        "thumbs/SYNOPHOTO_THUMB_SM.jpg",
    ]
    assert [(os.path.basename(e.path), e.reason) for e in errors] == [("@eaDir", EADIR_OUTSIDE)]

    def photo(rel: str) -> Photo:
        st = os.stat(root / rel)
        return Photo("personal", str(root), rel, size=st.st_size, mtime=st.st_mtime)

    service = ThumbnailService(None, workers=1, freedesktop_dir="")
    try:
        result = service.load(photo("2023/a.jpg"), (24, 18))
        assert result.source == "decode"  # the outside thumbnail was not used
        assert result.image.getpixel((12, 9))[0] > 150  # red: the photo itself
        os.unlink(root / "2023" / "@eaDir")
        (root / "2023" / "@eaDir" / "b.jpg").mkdir(parents=True)
        os.symlink(blue, root / "2023" / "@eaDir" / "b.jpg" / "SYNOPHOTO_THUMB_SM.jpg")
        os.utime(blue)  # newer than the photo, as Synology's are
        result = service.load(photo("2023/b.jpg"), (24, 18))
        assert result.source == "synology"  # a link inside the root is followed
    finally:
        service.close()
