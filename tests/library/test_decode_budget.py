"""Decoding budget and damaged pictures: what the grid cannot show, ``index`` reports.

A picture whose decoding would take more than DECODE_BUDGET is refused ("too large to
preview") before a byte of it is decoded, by the thumbnails and the viewer alike; the
metadata reader applies the same test to the size in the file's header, and finds cut-off
PNG and TIFF files, so ``index --json`` lists what the grid marks unreadable.
"""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from PIL import Image

from phototerm.library.metadata import reader as metadata
from phototerm.library.photo import Photo
from phototerm.library.pictures import budget as decode_budget
from phototerm.library.pictures.budget import DECODE_BUDGET, decode_cost, too_large
from phototerm.library.thumbnails import ThumbnailService

REPO = str(Path(__file__).resolve().parents[2])


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def big_png(path: Path, side: int = 9400, colour_type: int = 2) -> Path:
    """A real, complete PNG of side x side pixels (RGB by default), written in a blink: its
    rows are all black, so the compressed stream is small."""
    channels = {0: 1, 2: 3, 6: 4}[colour_type]
    row = b"\x00" + bytes(side * channels)
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 8, colour_type, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )
    return path


def photo_of(path: Path) -> Photo:
    st = os.stat(path)
    return Photo("personal", str(path.parent), path.name, size=st.st_size, mtime=st.st_mtime)


def read(path: Path) -> Photo:
    st = os.stat(path)
    return metadata.read(str(path.parent), path.name, st.st_size, st.st_mtime, None)


@pytest.fixture(scope="module")
def huge(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return big_png(tmp_path_factory.mktemp("huge") / "huge.png")


@pytest.fixture
def service():
    svc = ThumbnailService(None, workers=1, freedesktop_dir="")
    yield svc
    svc.close()


def test_cost_counts_what_pillow_holds_and_the_copies_scaling_needs() -> None:
    assert decode_cost(100, 100, "L") == 10_000
    assert decode_cost(100, 100, "RGB") == 40_000  # Pillow keeps RGB as 4 bytes a pixel
    assert decode_cost(100, 100, "RGBA") == 80_000  # + the premultiplied copy
    assert decode_cost(100, 100, "P") == 50_000  # + the RGB it is made before scaling
    assert decode_cost(100, 100, "P", transparency=True) == 90_000
    assert decode_cost(100, 100, "I;16") == 60_000
    assert too_large(9400, 9400, "RGB").startswith("too large to preview (9400x9400 pixels")
    assert too_large(8000, 8000, "RGB") == ""  # 244 MB: inside the 256 MB budget
    assert DECODE_BUDGET == 256 * 1024 * 1024


def test_a_9400_pixel_png_is_refused_by_grid_viewer_and_index(huge: Path, service) -> None:
    path = huge
    photo = photo_of(path)
    grid = service.load(photo, (24, 18))
    viewer = service.load(photo, (200, 96))
    for result in (grid, viewer):
        assert result.image is None and result.error.startswith("too large to preview")
    assert read(path).error.startswith("too large to preview")


def test_refusing_a_huge_png_costs_no_memory(huge: Path) -> None:
    """Peak memory of the thumbnail path (grid tile, then viewer) in a fresh process."""
    path = huge
    script = f"""
import os
from phototerm.library.photo import Photo
from phototerm.library.thumbnails import ThumbnailService
path = {str(path)!r}
st = os.stat(path)
photo = Photo("personal", os.path.dirname(path), "huge.png", size=st.st_size, mtime=st.st_mtime)
service = ThumbnailService(None, workers=1, freedesktop_dir="")
service.load(photo, (24, 18)); service.load(photo, (200, 96))
# VmHWM: this process's own peak (getrusage's maxrss may carry the parent's over exec)
with open("/proc/self/status") as fh:
    print(next(int(ln.split()[1]) for ln in fh if ln.startswith("VmHWM:")) // 1024)
"""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([REPO, os.environ.get("PYTHONPATH", "")]))
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    peak_mb = int(out.stdout.strip())
    assert peak_mb < 120, f"{peak_mb} MB"  # decoding it whole takes about 370 MB


def test_under_the_budget_a_large_png_is_decoded_and_scaled_first(tmp_path: Path, service):
    path = big_png(tmp_path / "wide.png", side=3000, colour_type=6)  # RGBA: 72 MB to decode
    result = service.load(photo_of(path), (24, 18))
    assert result.image is not None and result.image.size == (18, 18)
    assert read(path).error == ""


def test_budget_boundary_is_the_same_for_reader_and_thumbnails(
    tmp_path: Path, service, monkeypatch
) -> None:
    path = tmp_path / "p.png"
    Image.new("RGB", (200, 100), (10, 200, 10)).save(path)
    monkeypatch.setattr(decode_budget, "DECODE_BUDGET", 200 * 100 * 4 - 1)
    assert read(path).error.startswith("too large to preview")
    assert service.load(photo_of(path), (24, 18)).error.startswith("too large to preview")
    monkeypatch.setattr(decode_budget, "DECODE_BUDGET", 200 * 100 * 4)
    assert read(path).error == ""
    assert service.load(photo_of(path), (24, 18)).image is not None


# -- damaged files: the index and the grid agree -------------------------------------------------


def damaged(folder: Path) -> dict[str, Path]:
    """Files the grid cannot show, and intact ones it can, by what they are."""
    folder.mkdir(parents=True, exist_ok=True)
    noise = Image.effect_noise((300, 200), 60).convert("RGB")
    files: dict[str, Path] = {}
    png = io.BytesIO()
    noise.save(png, "PNG")
    data = png.getvalue()
    files["cut.png"] = folder / "cut.png"
    files["cut.png"].write_bytes(data[: len(data) * 2 // 3])
    files["trailer.png"] = folder / "trailer.png"  # bytes after IEND: intact
    files["trailer.png"].write_bytes(data + bytes(10_000))
    files["no-iend.png"] = folder / "no-iend.png"  # everything but IEND: Pillow shows it
    files["no-iend.png"].write_bytes(data[: data.index(b"IEND") - 4])
    tif = io.BytesIO()
    noise.save(tif, "TIFF")
    data = tif.getvalue()
    files["cut.tif"] = folder / "cut.tif"
    files["cut.tif"].write_bytes(data[: len(data) // 2])
    files["whole.tif"] = folder / "whole.tif"
    files["whole.tif"].write_bytes(data)
    jpeg = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 10, 10)).save(jpeg, "JPEG")
    data = bytearray(jpeg.getvalue())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", 65535, 65535)  # the header claims 65535x65535
    files["claims.jpg"] = folder / "claims.jpg"
    files["claims.jpg"].write_bytes(bytes(data))
    return files


UNREADABLE = {"cut.png", "cut.tif", "claims.jpg"}


def test_reader_flags_what_the_thumbnails_cannot_show(tmp_path: Path, service) -> None:
    files = damaged(tmp_path / "lib")
    for name, path in files.items():
        indexed = read(path).error
        shown = service.load(photo_of(path), (24, 18))
        assert bool(indexed) == (name in UNREADABLE), (name, indexed)
        assert (shown.image is None) == (name in UNREADABLE), (name, shown.error)
    assert read(files["cut.png"]).error == metadata.TRUNCATED_PNG
    assert read(files["cut.tif"]).error == metadata.TRUNCATED_TIFF
    assert read(files["claims.jpg"]).error.startswith("too large to preview")
    assert read(files["claims.jpg"]).width == 65535  # the header is still read


def test_index_json_lists_them(tmp_path: Path, capsys) -> None:
    from phototerm.cli import main

    files = damaged(tmp_path / "lib")
    assert main(["index", "--json", "--personal", str(tmp_path / "lib"), "--shared", ""]) == 0
    errors = {
        Path(e["path"]).name: e["reason"] for e in json.loads(capsys.readouterr().out)["errors"]
    }
    assert set(errors) == UNREADABLE
    assert len(files) == 6
