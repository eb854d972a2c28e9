"""Real camera files (the shared exif-samples corpus): no crash, no slow file, and the same
capture times and camera models as the reference dump that exifread's own tool printed."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from shared_corpus import CORPUS

from phototerm.library.ingest.indexer import index_spaces
from phototerm.library.metadata import reader as metadata
from phototerm.library.photo import kind_of
from phototerm.library.spaces import SpaceRoot

PREFIX = "exif-samples-master/"

pytestmark = pytest.mark.skipif(
    not (CORPUS / "dump").is_file(), reason=f"corpus not present at {CORPUS}"
)


def parse_dump(path: Path) -> dict[str, dict[str, str]]:
    """{rel: {"Image Model": ..., "EXIF DateTimeOriginal": ...}} from the dump's blocks."""
    blocks: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("Opening: "):
            name = line[len("Opening: ") :]
            current = blocks.setdefault(name.removeprefix(PREFIX), {})
        elif current is not None and " (" in line and "): " in line:
            key, rest = line.split(" (", 1)
            current[key] = rest.split("): ", 1)[1]
    return blocks


def wall_clock_text(taken: float) -> str:
    return datetime.fromtimestamp(taken, UTC).strftime("%Y:%m:%d %H:%M:%S")


def valid_exif_date(text: str) -> bool:
    try:
        datetime.strptime(text.strip(), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return False
    return True


def test_every_file_reads_quickly_and_without_exceptions() -> None:
    files = [p for p in CORPUS.rglob("*") if p.is_file() and kind_of(p.name)]
    assert len(files) > 50
    for path in files:
        st = path.stat()
        rel = str(path.relative_to(CORPUS))
        start = time.perf_counter()
        row, _ = metadata.read_row(str(CORPUS), rel, st.st_size, st.st_mtime, None)
        elapsed = time.perf_counter() - start
        assert elapsed < 2, f"{rel} took {elapsed:.2f} s"
        assert len(row) == len(metadata.ROW_FIELDS)


def test_index_agrees_with_reference_dump() -> None:
    dump = parse_dump(CORPUS / "dump")
    result = index_spaces([SpaceRoot("shared", str(CORPUS))], None)
    photos = {p.rel: p for p in result.photos}
    assert result.errors == []
    checked_models = checked_dates = 0
    for rel, tags in dump.items():
        if not rel.lower().endswith((".jpg", ".jpeg")) or not (CORPUS / rel).is_file():
            continue  # the dump lists a few files this copy of the corpus does not hold
        photo = photos[rel]
        if not tags:
            # "No EXIF information found": exifread's own search looks only a few KB into the
            # file; phototerm walks the segments and finds EXIF behind a large XMP segment
            # (jpg/xmp/no_exif.jpg). Nothing to compare with, but it must read cleanly.
            assert photo.error == "", rel
            continue
        model = tags.get("Image Model", "").strip()
        assert photo.model == model, rel
        checked_models += bool(model)
        original = tags.get("EXIF DateTimeOriginal", "")
        if valid_exif_date(original):
            assert photo.taken is not None
            assert wall_clock_text(photo.taken) == original.strip(), rel
            checked_dates += 1
        elif valid_exif_date(tags.get("Image DateTime", "")):
            assert photo.taken is not None
            assert wall_clock_text(photo.taken) == tags["Image DateTime"].strip(), rel
            checked_dates += 1
        else:  # no usable date in the file: the file's mtime, as wall clock
            assert photo.taken == metadata.wall_clock(os.stat(CORPUS / rel).st_mtime)[0], rel
    assert checked_models > 40 and checked_dates > 40


def test_real_files_fill_the_fields() -> None:
    result = index_spaces([SpaceRoot("shared", str(CORPUS))], None)
    photos = {p.rel: p for p in result.photos}
    gps = photos["jpg/gps/DSCN0010.jpg"]
    assert gps.lat == pytest.approx(43.4674483, abs=1e-6)
    assert gps.lon == pytest.approx(11.8851267, abs=1e-6)
    assert (gps.iso, gps.fnumber, gps.focal) == (64, 5.9, 24.0)
    assert [photos[f"jpg/orientation/portrait_{i}.jpg"].orientation for i in range(1, 9)] == list(
        range(1, 9)
    )
    iphone = photos["heic/mobile/iphone_13_pro_max.HEIC"]
    assert (iphone.error, iphone.tz_offset, iphone.width, iphone.height) == ("", 60, 4032, 3024)
    assert iphone.lens.startswith("iPhone 13 Pro Max back triple camera")
    assert photos["jpg/xmp/BlueSquare.jpg"].tags  # dc:subject from the embedded XMP packet


def test_pruned_exif_block_reads_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    # exifread is handed a copy of the EXIF block holding only the entries indexing uses;
    # on every real file that must give exactly the record the full block gives.
    files = [p for p in CORPUS.rglob("*") if p.is_file() and kind_of(p.name)]

    def rows() -> list[tuple]:
        out = []
        for path in files:
            st = path.stat()
            rel = str(path.relative_to(CORPUS))
            out.append(metadata.read_row(str(CORPUS), rel, st.st_size, st.st_mtime, None)[0])
        return out

    pruned = rows()
    monkeypatch.setattr(metadata, "slim_exif", lambda segment: segment)
    assert rows() == pruned
