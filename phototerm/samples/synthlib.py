"""A fast synthetic library of N files on disk, for `phototerm bench` and indexing tests.

Shaped like a real NAS library: ``YYYY/YYYY-MM-DD Event/IMG_0001.JPG`` with 100-300 files per
event, camera-style names, full EXIF (IFD0, EXIF, GPS on some, ratings on some) with a 160x120
IFD1 thumbnail, a few XMP sidecars (``NAME.JPG.xmp`` and ``NAME.xmp``), some PNGs, some
videos (``.mp4``/``.mov`` stubs holding only an ISO BMFF header: only names and stat are read for videos) and a few
Synology ``@eaDir`` folders that the scanner must skip.

Speed: a few dozen base pictures and thumbnails are encoded once; each file is the shared
JPEG pixel data with its own EXIF segment spliced in and written with one ``write()``.
Deterministic for a given (n, seed). A marker file records a finished library, so a second
call with the same arguments reuses it.
"""

from __future__ import annotations

import functools
import json
import os
import random
import shutil
import struct
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from PIL import Image

from phototerm.samples import exifwrite
from phototerm.samples.paint import paint

# A minimal ISO BMFF 'ftyp' box: enough for `file` to say "MP4"; only names/stat are read.
MP4_STUB = struct.pack(">I", 24) + b"ftypisom" + struct.pack(">I", 512) + b"isomiso2mp41"

MARKER = ".phototerm-synthlib.json"
VERSION = 2  # 2: video stubs carry an ftyp header (0-byte files index as errors)
BASE_IMAGES = 32
IMAGE_SIZE = (320, 240)
QUALITY = 80

# (make, model, lens or None, name style, focal range, f-number choices)
CAMERAS: list[tuple[str, str, str | None, str, tuple[int, int], tuple[float, ...]]] = [
    ("Canon", "Canon EOS R6", "RF24-105mm F4 L IS USM", "IMG", (24, 105), (4.0, 5.6, 8.0)),
    ("Canon", "Canon EOS 5D Mark IV", "EF50mm f/1.8 STM", "IMG", (50, 50), (1.8, 2.8, 4.0)),
    ("NIKON CORPORATION", "NIKON Z 6_2", "NIKKOR Z 24-70mm f/4 S", "DSC", (24, 70), (4.0, 8.0)),
    ("SONY", "ILCE-7M3", "FE 35mm F1.8", "DSC", (35, 35), (1.8, 2.8, 5.6)),
    ("FUJIFILM", "X-T4", "XF18-55mmF2.8-4 R LM OIS", "DSCF", (18, 55), (2.8, 4.0, 8.0)),
    (
        "Apple",
        "iPhone 13 Pro",
        "iPhone 13 Pro back triple camera 5.7mm f/1.5",
        "IMG",
        (6, 6),
        (1.5,),
    ),
    ("Google", "Pixel 7", None, "PXL", (7, 7), (1.9,)),
    (
        "OLYMPUS CORPORATION",
        "E-M10MarkIII",
        "OLYMPUS M.12-42mm F3.5-5.6",
        "P",
        (12, 42),
        (3.5, 5.6),
    ),
]
EVENTS = [
    "Paris trip",
    "Birthday",
    "Lake Annecy",
    "Christmas",
    "Beach weekend",
    "Hiking Alps",
    "Garden",
    "Wedding",
    "Zoo",
    "Road trip",
    "Concert",
    "Snow days",
    "Family dinner",
    "City walk",
    "Camping",
    "Museum",
    "Sailing",
    "Harvest",
    "Marathon",
    "New Year",
]
PLACES = [
    (48.8566, 2.3522),
    (45.8992, 6.1294),
    (51.5072, -0.1276),
    (40.4168, -3.7038),
    (35.6762, 139.6503),
    (-33.8688, 151.2093),
    (37.7749, -122.4194),
    (46.5197, 6.6323),
    (64.1466, -21.9426),
    (-22.9068, -43.1729),
]
ISOS = (100, 100, 200, 400, 800, 1600, 3200)
EXPOSURES = (1 / 1000, 1 / 500, 1 / 250, 1 / 125, 1 / 60, 1 / 30, 1 / 8, 0.5, 2.0)


@dataclass(slots=True)
class _Base:
    jpeg: bytes  # encoded pixels without metadata
    thumb: bytes  # 160x120 JPEG for IFD1
    width: int
    height: int


@functools.lru_cache(maxsize=2)
def _bases(seed: int) -> tuple[_Base, ...]:
    rng = random.Random(seed * 7919 + 1)
    out = []
    for i in range(BASE_IMAGES):
        image = paint(rng.randrange(1 << 30), IMAGE_SIZE)
        if i % 8 == 7:  # a few portrait-orientation pictures
            image = image.transpose(Image.Transpose.ROTATE_90).resize(
                (IMAGE_SIZE[1], IMAGE_SIZE[0]), Image.Resampling.BILINEAR
            )
        out.append(
            _Base(
                exifwrite.encode_jpeg(image, QUALITY),
                exifwrite.thumbnail_jpeg(image),
                image.width,
                image.height,
            )
        )
    return tuple(out)


def _plan_folders(n: int, rng: random.Random) -> list[tuple[str, datetime, int]]:
    """(relative folder, event start, file count) covering n files, 100-300 per folder."""
    folders: list[tuple[str, datetime, int]] = []
    left = n
    start = datetime(2012, 1, 1)
    span_days = 12 * 365
    used: set[str] = set()
    while left > 0:
        count = min(left, rng.randint(100, 300))
        day = start + timedelta(days=rng.randrange(span_days), hours=rng.randint(7, 17))
        name = f"{day:%Y-%m-%d} {rng.choice(EVENTS)}"
        rel = f"{day:%Y}/{name}"
        if rel in used:
            continue
        used.add(rel)
        # Now and then an event keeps a second camera's files in a subfolder.
        if count > 150 and rng.random() < 0.15:
            half = count // 2
            folders.append((rel, day, count - half))
            folders.append((f"{rel}/Phone", day, half))
        else:
            folders.append((rel, day, count))
        left -= count
    folders.sort(key=lambda f: (f[1], f[0]))
    return folders


def camera_file_name(style: str, number: int, when: datetime) -> str:
    """Camera-style file names: IMG_0042.JPG, DSC01234.JPG, DSCF0042.JPG, PXL_..., P...."""
    if style == "PXL":
        return f"PXL_{when:%Y%m%d_%H%M%S}{number % 1000:03d}.jpg"
    if style == "P":
        return f"P{when:%m%d}{number % 10000:04d}.JPG"
    if style == "DSC":
        return f"DSC{number % 100000:05d}.JPG"
    return f"{style}_{number % 10000:04d}.JPG"


def _fields(
    rng: random.Random,
    cam: int,
    base: _Base,
    when: datetime,
    offset: str | None,
    place: tuple[float, float] | None,
) -> dict[str, Any]:
    """One photo's EXIF: the event's camera, varied exposure, GPS and ratings on some."""
    make, model, lens, _style, focal, fnums = CAMERAS[cam]
    fields: dict[str, Any] = {
        "make": make,
        "model": model,
        "software": "phototerm synthlib",
        "datetime": when,
        "datetime_original": when,
        "orientation": 1 if base.width >= base.height else rng.choice((6, 8)),
        "exposure": rng.choice(EXPOSURES),
        "fnumber": rng.choice(fnums),
        "iso": rng.choice(ISOS),
        "focal": rng.randint(*focal),
        "width": base.width,
        "height": base.height,
        "thumbnail": base.thumb,
    }
    if lens:
        fields["lens"] = lens
    if offset:
        fields["offset_time_original"] = offset
    if place and rng.random() < 0.8:
        fields["lat"] = place[0] + rng.uniform(-0.05, 0.05)
        fields["lon"] = place[1] + rng.uniform(-0.05, 0.05)
    if rng.random() < 0.08:
        fields["rating"] = rng.randint(1, 5)
        fields["rating_percent"] = (0, 1, 25, 50, 75, 99)[fields["rating"]]
    return fields


def _remove_previous(root: str) -> None:
    """Remove a library this module made before (listed in its marker), and only that."""
    path = os.path.join(root, MARKER)
    try:
        with open(path, encoding="utf-8") as fh:
            tops = json.load(fh).get("top", [])
    except (OSError, ValueError, AttributeError):
        tops = []
    for name in tops:
        if isinstance(name, str) and name and "/" not in name and name not in (".", ".."):
            shutil.rmtree(os.path.join(root, name), ignore_errors=True)
    if os.path.exists(path):
        os.remove(path)


def _marker_matches(root: str, n: int, seed: int) -> bool:
    try:
        with open(os.path.join(root, MARKER), encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return False
    return (
        isinstance(data, dict)
        and data.get("version") == VERSION
        and data.get("complete") is True
        and (data.get("n") == n and data.get("seed") == seed)
    )


def make_library(
    root: str, n: int, seed: int = 0, progress: Callable[[int, int], None] | None = None
) -> None:
    """Create (or reuse) a library of ``n`` media files under ``root``.

    ``n`` counts photos and videos (what an indexer reports); about 1% are PNGs and 1%
    videos, the rest camera JPEGs. Sidecars and ``@eaDir`` thumbnails come on top.
    ``root`` must be empty, absent, or a library this function made (it is then reused when
    ``n`` and ``seed`` match, or replaced). Anything else raises ``ValueError``: this never
    deletes files it did not create.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    os.makedirs(root, exist_ok=True)
    if _marker_matches(root, n, seed):
        return
    if os.path.exists(os.path.join(root, MARKER)):
        _remove_previous(root)
    if os.listdir(root):
        raise ValueError(f"{root!r} is not empty and not a synthetic library")

    rng = random.Random(seed)
    bases = _bases(seed)
    png_bytes = _png_bytes(bases[0])
    folders = _plan_folders(n, rng)
    record: dict[str, Any] = {"version": VERSION, "n": n, "seed": seed, "complete": False}
    record["top"] = sorted({rel.split("/", 1)[0] for rel, _, _ in folders})
    # Written first, so leftovers of an interrupted run are known as ours and replaced.
    _write_marker(root, record)
    done = 0
    for rel, start, count in folders:
        folder = os.path.join(root, rel)
        os.makedirs(folder, exist_ok=True)
        cam = rng.randrange(len(CAMERAS))
        number = rng.randint(1, 9000)
        when = start
        place = rng.choice(PLACES) if rng.random() < 0.5 else None
        offset = rng.choice(("+01:00", "+02:00", "-05:00", "+09:00", None))
        eadir = rng.random() < 0.1
        for i in range(count):
            when += timedelta(seconds=rng.randint(2, 600))
            number += 1
            roll = rng.random()
            if roll < 0.01:
                _write(os.path.join(folder, f"VID_{number:04d}.MP4"), MP4_STUB, when)
            elif roll < 0.012:
                _write(os.path.join(folder, f"MVI_{number:04d}.MOV"), MP4_STUB, when)
            elif roll < 0.022:
                _write(os.path.join(folder, f"Screenshot_{number:04d}.png"), png_bytes, when)
            else:
                style = CAMERAS[cam][3]
                name = camera_file_name(style, number, when)
                base = bases[rng.randrange(len(bases))]
                fields = _fields(rng, cam, base, when, offset, place)
                if rng.random() < 0.03:
                    fields["description"] = f"{rel.rsplit('/', 1)[-1][11:]} #{i}"
                xmp = exifwrite.xmp_packet(rng.randint(1, 5)) if rng.random() < 0.01 else None
                data = exifwrite.splice_jpeg(base.jpeg, exifwrite.exif_bytes(fields), xmp)
                path = os.path.join(folder, name)
                _write(path, data, when)
                side = rng.random()
                if side < 0.02:
                    _write(path + ".xmp", exifwrite.xmp_packet(rng.randint(-1, 5)), when)
                elif side < 0.025:
                    stem = path.rsplit(".", 1)[0]
                    _write(stem + ".xmp", exifwrite.xmp_packet(rng.randint(0, 5)), when)
                if eadir and i < 3:
                    thumb_dir = os.path.join(folder, "@eaDir", name)
                    os.makedirs(thumb_dir, exist_ok=True)
                    _write(os.path.join(thumb_dir, "SYNOPHOTO_THUMB_SM.jpg"), base.thumb, when)
            done += 1
            if progress and done % 1000 == 0:
                progress(done, n)
    if progress:
        progress(done, n)
    _write_marker(root, {**record, "complete": True})


def _write_marker(root: str, record: dict[str, Any]) -> None:
    path = os.path.join(root, MARKER)
    with open(path + ".tmp", "w", encoding="utf-8") as fh:
        json.dump(record, fh)
    os.replace(path + ".tmp", path)


def _png_bytes(base: _Base) -> bytes:
    import io

    image = Image.open(io.BytesIO(base.jpeg))
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def _write(path: str, data: bytes, when: datetime) -> None:
    # O_EXCL: two files with the same name would silently shrink the library.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    stamp = when.timestamp()
    os.utime(path, (stamp, stamp))
