"""The bench's synthetic library: n media files, deterministic, camera-like, reusable."""

from __future__ import annotations

import hashlib
import os

import exifread
import pytest

from phototerm.library.photo import VIDEO, kind_of
from phototerm.samples import synthlib
from phototerm.samples.synthlib import MARKER, make_library

SKIP_DIRS = {"@eaDir"}


def _tree(root) -> dict[str, str]:
    """rel path -> sha1 of the content, for every file (marker included)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in filenames:
            path = os.path.join(dirpath, name)
            with open(path, "rb") as fh:
                out[os.path.relpath(path, root)] = hashlib.sha1(fh.read()).hexdigest()
    return out


def _media(tree: dict[str, str]) -> list[str]:
    return [rel for rel in tree if kind_of(rel) and not SKIP_DIRS.intersection(rel.split(os.sep))]


def test_n_files_deterministic_and_realistic(tmp_path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    make_library(str(a), 500, seed=3)
    synthlib._bases.cache_clear()  # the pictures too must come out the same, not just reused
    make_library(str(b), 500, seed=3)
    tree_a, tree_b = _tree(a), _tree(b)
    assert tree_a == tree_b
    media = _media(tree_a)
    assert len(media) == 500
    assert any(rel.endswith(".xmp") for rel in tree_a)
    years = {rel.split(os.sep)[0] for rel in media}
    assert all(y.isdigit() and len(y) == 4 for y in years)
    assert len({os.path.dirname(rel) for rel in media}) >= 3  # 100-300 files per folder

    jpegs = [rel for rel in media if rel.lower().endswith(".jpg")]
    assert len(jpegs) > 430
    videos = [rel for rel in media if kind_of(rel) == VIDEO]
    pngs = [rel for rel in media if rel.endswith(".png")]
    assert len(videos) + len(pngs) + len(jpegs) == 500
    cameras = set()
    for rel in jpegs[::25]:
        with open(a / rel, "rb") as fh:
            tags = exifread.process_file(fh, details=False, extract_thumbnail=True)
        assert str(tags["EXIF DateTimeOriginal"])[:4] == rel.split(os.sep)[0]
        assert tags["JPEGThumbnail"][:2] == b"\xff\xd8"
        assert "EXIF ISOSpeedRatings" in tags and "EXIF FNumber" in tags
        cameras.add(str(tags["Image Model"]))
    assert len(cameras) >= 2


def test_other_seed_differs(tmp_path) -> None:
    make_library(str(tmp_path / "a"), 150, seed=1)
    make_library(str(tmp_path / "b"), 150, seed=2)
    assert _tree(tmp_path / "a") != _tree(tmp_path / "b")


def test_reuse_replace_and_refuse(tmp_path) -> None:
    root = tmp_path / "lib"
    make_library(str(root), 120, seed=0)
    marker = root / MARKER
    stamp = marker.stat().st_mtime_ns
    before = _tree(root)
    make_library(str(root), 120, seed=0)  # reused as is
    assert marker.stat().st_mtime_ns == stamp and _tree(root) == before

    make_library(str(root), 230, seed=0)  # replaced: only the new library remains
    assert len(_media(_tree(root))) == 230

    # An interrupted run (marker not complete) is replaced, not refused.
    marker.write_text(marker.read_text().replace('"complete": true', '"complete": false'))
    make_library(str(root), 230, seed=0)
    assert '"complete": true' in marker.read_text()
    assert len(_media(_tree(root))) == 230

    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "mine.jpg").write_bytes(b"precious")
    with pytest.raises(ValueError, match="not empty"):
        make_library(str(foreign), 10)
    assert (foreign / "mine.jpg").read_bytes() == b"precious"


def test_zero_files(tmp_path) -> None:
    make_library(str(tmp_path / "z"), 0)
    assert _media(_tree(tmp_path / "z")) == []
