"""Truncated JPEGs: the header and the EXIF thumbnail are intact, only the file's end tells."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from phototerm.library.metadata import reader as metadata
from phototerm.library.metadata import xmp
from phototerm.library.photo import Photo


def read(path: Path) -> Photo:
    st = os.stat(path)
    return metadata.read(str(path.parent), path.name, st.st_size, st.st_mtime)


def camera_jpeg(path: Path, size: tuple[int, int] = (1024, 768), noise: bool = True) -> bytes:
    """A JPEG as the demo writes it: EXIF with an IFD1 thumbnail (which has its own EOI)."""
    from phototerm.samples import exifwrite

    if noise:  # detailed pixels: the scan data is far larger than the 64 KiB tail window
        image = Image.effect_noise(size, 40).convert("RGB")
    else:
        image = Image.new("RGB", size, (90, 140, 200))
    exifwrite.write_jpeg(str(path), image, {"make": "Canon", "model": "EOS R6"})
    data = path.read_bytes()
    assert data.endswith(b"\xff\xd9")
    return data


def scan_start(data: bytes) -> int:
    with io.BytesIO(data) as fh:
        marker, offset, length = xmp.jpeg_segments(fh, data)[-1]
    assert marker == 0xDA
    return offset + length


def test_truncated_jpeg_is_flagged(tmp_path: Path) -> None:
    data = camera_jpeg(tmp_path / "full.jpg")
    assert len(data) // 2 - scan_start(data) > metadata.TAIL_WINDOW  # the heuristic case
    assert data.index(b"\xff\xd9") < scan_start(data)  # the thumbnail's EOI comes first
    (tmp_path / "half.jpg").write_bytes(data[: len(data) // 2])
    photo = read(tmp_path / "half.jpg")
    assert (
        photo.error
        == metadata.TRUNCATED_JPEG
        == "truncated JPEG (the file ends before the image does)"
    )
    assert (photo.model, photo.width, photo.height) == ("EOS R6", 1024, 768)  # metadata kept
    assert read(tmp_path / "full.jpg").error == ""
    # Cut so that the window reaches back to the scan start (no guessing needed) and right
    # after the scan header.
    for cut in (scan_start(data) + metadata.TAIL_WINDOW - 100, scan_start(data)):
        (tmp_path / "cut.jpg").write_bytes(data[:cut])
        assert read(tmp_path / "cut.jpg").error == metadata.TRUNCATED_JPEG, cut


def test_small_jpeg_whose_only_eoi_is_the_thumbnails_is_flagged(tmp_path: Path) -> None:
    data = camera_jpeg(tmp_path / "full.jpg", (320, 240))
    start = scan_start(data)
    assert len(data) < metadata.HEAD_BYTES  # the whole file is in the first read
    cut = data[: (start + len(data)) // 2]  # mid-scan
    assert b"\xff\xd9" in cut[:start] and b"\xff\xd9" not in cut[start:]
    (tmp_path / "cut.jpg").write_bytes(cut)
    assert read(tmp_path / "cut.jpg").error == metadata.TRUNCATED_JPEG
    assert read(tmp_path / "full.jpg").error == ""


@pytest.mark.parametrize(
    "trailer",
    [
        b"SEFH" + bytes(range(256)) * 8 + b"SEFT",  # Samsung-style trailer after EOI
        "mpf",  # MPF: a second (preview) JPEG appended, ending in its own EOI
        "video",  # a motion photo: an MP4 larger than the tail window after the EOI
        bytes(200_000),  # zero padding larger than the window
        b"\xff" * 200_000,  # 0xFF padding larger than the window
    ],
    ids=["samsung", "mpf", "video", "zeros", "ff-fill"],
)
def test_intact_jpeg_with_a_trailer_is_not_flagged(tmp_path: Path, trailer: Any) -> None:
    data = camera_jpeg(tmp_path / "a.jpg")
    if trailer == "mpf":
        trailer = camera_jpeg(tmp_path / "preview.jpg", (320, 240), noise=False)
    elif trailer == "video":
        # random bytes stand in for compressed video, without an FF D9 by chance
        trailer = b"\x00\x00\x00\x18ftypmp42" + os.urandom(300_000).replace(b"\xff\xd9", b"")
    (tmp_path / "b.jpg").write_bytes(data + trailer)
    photo = read(tmp_path / "b.jpg")
    assert (photo.error, photo.model) == ("", "EOS R6")


def test_progressive_jpeg_is_judged_by_its_last_scan(tmp_path: Path) -> None:
    image = Image.effect_noise((1024, 768), 40).convert("RGB")
    image.save(tmp_path / "p.jpg", "JPEG", progressive=True, quality=90)
    data = (tmp_path / "p.jpg").read_bytes()
    assert data.count(b"\xff\xda") > 2  # several scans, DHT segments between them
    assert read(tmp_path / "p.jpg").error == ""
    (tmp_path / "cut.jpg").write_bytes(data[: len(data) * 2 // 3])
    assert read(tmp_path / "cut.jpg").error == metadata.TRUNCATED_JPEG
