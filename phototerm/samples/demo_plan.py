"""What the demo library holds: events, shots, sidecars, videos, broken and hostile files.

The plan is pure data (no pixels): ``plan()`` returns the shots to draw and the small extra
files to write, all derived from a fixed seed, so every machine gets the same library.
demo.py draws and writes them.
"""

from __future__ import annotations

import os
import random
import struct
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from phototerm.samples import exifwrite
from phototerm.samples.synthlib import CAMERAS, MP4_STUB, camera_file_name

SEED = 2024
PERSONAL_DIR, SHARED_DIR = "Personal", "Shared"
NIGHT_SCENES = frozenset({"city", "aurora", "bokeh"})
PORTRAIT_SCENES = frozenset({"silhouette", "flowers", "forest", "city"})


@dataclass(frozen=True, slots=True)
class Event:
    space: str  # PERSONAL_DIR or SHARED_DIR
    date: str  # first day, YYYY-MM-DD
    title: str
    scenes: tuple[str, ...]
    mood: int
    count: int
    camera: int  # index in CAMERAS
    place: tuple[float, float] | None  # where the GPS points, when the camera records it
    tz: str  # OffsetTimeOriginal
    days: int = 1


# Short names for synthlib.CAMERAS, in its order.
CAMERA_KEYS = ("R6", "5D", "Z6", "A7", "XT4", "iPhone", "Pixel", "EM10")
PHONE = CAMERA_KEYS.index("iPhone")  # the second camera of many events

# space | first day | title | scenes | mood | photos | camera | GPS (lat lon) | UTC offset | days
_EVENT_TABLE = """
Shared   | 2018-07-28 | Family holiday Crete     | beach sunset              | 0 | 20 | A7     | 35.2401 24.8093   | +03:00 | 6
Shared   | 2019-05-18 | Emma's 7th birthday      | bokeh silhouette flowers  | 0 | 14 | iPhone | -                 | +02:00 | 1
Personal | 2019-08-03 | Iceland Ring Road        | landscape aurora snow     | 2 | 22 | 5D     | 64.1466 -21.9426  | +00:00 | 9
Personal | 2019-12-24 | Christmas at home        | bokeh silhouette          | 0 | 12 | Pixel  | -                 | +01:00 | 2
Personal | 2020-06-21 | Garden in June           | flowers                   | 1 | 16 | XT4    | -                 | +02:00 | 1
Personal | 2020-09-12 | Forest walk              | forest landscape          | 0 | 14 | A7     | 48.4047 2.7016    | +02:00 | 1
Shared   | 2020-12-31 | New Year's Eve           | city bokeh                | 2 | 14 | Pixel  | 48.8584 2.2945    | +01:00 | 1
Personal | 2021-02-06 | Ski weekend Chamonix     | snow landscape            | 1 | 18 | XT4    | 45.9237 6.8694    | +01:00 | 2
Personal | 2021-07-14 | Lake Annecy              | landscape sunset          | 1 | 22 | R6     | 45.8992 6.1294    | +02:00 | 3
Shared   | 2021-08-14 | Wedding of Léa & Tom     | silhouette flowers sunset | 3 | 22 | EM10   | 43.5297 5.4474    | +02:00 | 1
Personal | 2021-10-30 | Tokyo nights             | city bokeh                | 0 | 18 | Z6     | 35.6595 139.7005  | +09:00 | 4
Shared   | 2022-01-22 | Snow day                 | snow                      | 0 | 12 | iPhone | 46.5197 6.6323    | +01:00 | 1
Personal | 2022-04-17 | Sahara trek              | desert silhouette         | 0 | 20 | Z6     | 31.0802 -4.0133   | +01:00 | 5
Personal | 2022-08-20 | Brittany coast           | sunset beach              | 2 | 18 | R6     | 47.8667 -4.2236   | +02:00 | 3
Shared   | 2023-07-08 | Camping in the Vercors   | landscape forest sunset   | 4 | 18 | 5D     | 44.9167 5.4167    | +02:00 | 3
Personal | 2023-05-13 | New York                 | city silhouette           | 1 | 18 | Pixel  | 40.758 -73.9855   | -04:00 | 4
Personal | 2023-11-04 | Autumn light             | forest landscape          | 1 | 14 | XT4    | -                 | +01:00 | 1
Personal | 2024-03-09 | Flower market            | flowers bokeh             | 2 | 16 | iPhone | 43.6961 7.276     | +01:00 | 1
Shared   | 2024-06-15 | Beach weekend            | beach sunset desert       | 1 | 18 | A7     | 36.5298 -6.2924   | +02:00 | 2
"""


def _events(table: str) -> tuple[Event, ...]:
    out = []
    for line in table.strip().splitlines():
        space, date, title, scenes, mood, count, cam, place, tz, days = (
            c.strip() for c in line.split("|")
        )
        lat_lon = None
        if place != "-":
            lat, lon = (float(v) for v in place.split())
            lat_lon = (lat, lon)
        out.append(
            Event(
                space,
                date,
                title,
                tuple(scenes.split()),
                int(mood),
                int(count),
                CAMERA_KEYS.index(cam),
                lat_lon,
                tz,
                int(days),
            )
        )
    return tuple(out)


EVENTS = _events(_EVENT_TABLE)


@dataclass(slots=True)
class Shot:
    """One picture to draw and write (JPEG or PNG)."""

    rel: str  # relative to the demo root, '/'-separated; may hold surrogate escapes
    seed: int
    scene: str
    mood: int
    mtime: float
    fields: dict[str, Any] = field(default_factory=dict)  # EXIF; {} = none at all
    orientation: int = 1  # how the pixels are stored: 6 and 8 are rotated, as cameras do
    portrait: bool = False  # drawn upright as a tall picture
    xmp_rating: int | None = None  # embedded XMP packet
    fmt: str = "jpeg"  # "jpeg", "png" or "truncated" (a broken file)
    optional: bool = False  # a hostile name some filesystems refuse: skipped if refused


@dataclass(slots=True)
class Extra:
    """A small file written as is: sidecar, video stub, broken file, NAS junk."""

    rel: str
    data: bytes
    mtime: float
    kind: str  # "sidecar" | "video" | "broken" | "junk"
    optional: bool = False


def _stamp(when: datetime) -> float:
    return when.timestamp()


def _exposure(rng: random.Random, scene: str, fnums: tuple[float, ...]) -> dict[str, Any]:
    if scene in NIGHT_SCENES:
        longest = (15.0, 8.0, 2.0) if scene == "aurora" else (1 / 4, 1 / 2)
        return {
            "exposure": rng.choice((1 / 30, 1 / 15, 1 / 8, *longest)),
            "iso": rng.choice((1600, 3200, 6400)),
            "fnumber": min(fnums),
        }
    return {
        "exposure": rng.choice((1 / 2000, 1 / 1000, 1 / 500, 1 / 250, 1 / 125)),
        "iso": rng.choice((100, 100, 200, 400)),
        "fnumber": rng.choice(fnums),
    }


def _camera_fields(rng: random.Random, cam: int, scene: str, when: datetime) -> dict[str, Any]:
    make, model, lens, _style, (f_lo, f_hi), fnums = CAMERAS[cam]
    fields: dict[str, Any] = {
        "make": make,
        "model": model,
        "software": "phototerm demo",
        "datetime": when,
        "datetime_original": when,
        "focal": rng.randint(f_lo, f_hi),
        **_exposure(rng, scene, fnums),
    }
    if lens:
        fields["lens"] = lens
    return fields


def _event_shots(ev: Event, rng: random.Random, numbers: dict[int, int]) -> list[Shot]:
    folder = f"{ev.space}/{ev.date[:4]}/{ev.date} {ev.title}"
    start = datetime.fromisoformat(ev.date)
    drafts = []
    for i in range(ev.count):
        scene = rng.choice(ev.scenes)
        day = i * ev.days // ev.count
        hour = rng.uniform(19, 23) if scene in NIGHT_SCENES else rng.uniform(8, 18)
        when = start + timedelta(days=day, hours=hour, seconds=rng.randrange(60))
        cam = ev.camera if ev.camera == PHONE or rng.random() < 0.75 else PHONE
        drafts.append((when, scene, cam))
    drafts.sort()
    shots: list[Shot] = []
    used: set[str] = set()
    portraits = 0
    for i, (when, scene, cam) in enumerate(drafts):
        numbers[cam] = numbers.get(cam, 0) + rng.randint(1, 4)
        # The phone's pictures of a long trip go to a subfolder, as a phone import does.
        sub = f"{folder}/Phone" if cam == PHONE and ev.camera != PHONE and ev.days > 3 else folder
        name = camera_file_name(CAMERAS[cam][3], numbers[cam], when)
        while f"{sub}/{name}" in used:  # two cameras with IMG_ names in one folder
            numbers[cam] += 1
            name = camera_file_name(CAMERAS[cam][3], numbers[cam], when)
        used.add(f"{sub}/{name}")
        fields = _camera_fields(rng, cam, scene, when)
        fields["offset_time_original"] = ev.tz
        if ev.place and rng.random() < 0.85:
            fields["lat"] = ev.place[0] + rng.uniform(-0.02, 0.02)
            fields["lon"] = ev.place[1] + rng.uniform(-0.02, 0.02)
            fields["altitude"] = round(rng.uniform(0, 900), 1)
        if i == 0:
            fields["description"] = ev.title
        if rng.random() < 0.14:
            fields["rating"] = rng.choice((1, 2, 3, 3, 4, 4, 5))
            if rng.random() < 0.5:
                fields["rating_percent"] = {1: 1, 2: 25, 3: 50, 4: 75, 5: 99}[fields["rating"]]
        shot = Shot(
            f"{sub}/{name}",
            rng.randrange(1 << 30),
            scene,
            ev.mood + rng.randint(0, 1),
            _stamp(when),
            fields,
        )
        if scene in PORTRAIT_SCENES and not portraits and rng.random() < 0.3:
            portraits += 1
            shot.portrait = True
            # Cameras store the sensor's landscape pixels and say how to turn them; phones
            # here store them upright, as an edited export would.
            shot.orientation = 1 if cam == PHONE else rng.choice((6, 8))
        if rng.random() < 0.04:
            shot.xmp_rating = rng.randint(2, 5)
        shots.append(shot)
    return shots


def _png_bomb() -> bytes:
    """A valid PNG header claiming 60000 x 60000 pixels: Pillow refuses it as a bomb."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", 60000, 60000, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _odd_files(rng: random.Random) -> tuple[list[Shot], list[Extra]]:
    """Screenshots, scans without EXIF, broken files and hostile names and metadata."""
    unsorted = f"{PERSONAL_DIR}/Unsorted"
    base = _stamp(datetime(2024, 9, 1, 12, 0))
    shots = [
        Shot(
            f"{PERSONAL_DIR}/Screenshots/Screenshot 2023-03-02 at 10.14.22.png",
            11,
            "bokeh",
            1,
            _stamp(datetime(2023, 3, 2, 10, 14, 22)),
            fmt="png",
        ),
        Shot(
            f"{PERSONAL_DIR}/Screenshots/Screenshot 2024-01-15 at 18.40.03.png",
            12,
            "city",
            0,
            _stamp(datetime(2024, 1, 15, 18, 40, 3)),
            fmt="png",
        ),
        Shot(
            f"{SHARED_DIR}/Scans/Grandma's garden 1986.jpg",
            13,
            "flowers",
            3,
            _stamp(datetime(2020, 4, 2, 15, 0)),
            {"make": "EPSON", "model": "Perfection V600"},
        ),
        Shot(
            f"{SHARED_DIR}/Scans/Beach 1992.jpg",
            14,
            "beach",
            2,
            _stamp(datetime(2020, 4, 2, 15, 5)),
            {},
        ),
        Shot(
            f"{unsorted}/[bold]beach.jpg",
            15,
            "beach",
            0,
            base,
            _camera_fields(rng, 0, "beach", datetime(2022, 7, 1, 11, 0)),
        ),
        Shot(
            f"{unsorted}/[@click=app.quit]sunset.jpg",
            16,
            "sunset",
            0,
            base,
            _camera_fields(rng, 3, "sunset", datetime(2022, 7, 1, 21, 0)),
        ),
        # Invalid dates (readers fall back to the mtime) and a hostile description.
        Shot(
            f"{unsorted}/IMG_0000.JPG",
            17,
            "landscape",
            3,
            base,
            {
                "make": "Canon",
                "model": "Canon EOS R6",
                "datetime": "0000:00:00 00:00:00",
                "datetime_original": "0000:00:00 00:00:00",
                "description": b"[bold red]Hi[/] \x1b]0;pwned\x07\x1b[2J \xff\xfe",
            },
        ),
        Shot(
            f"{unsorted}/truncated.jpg",
            18,
            "landscape",
            0,
            base,
            _camera_fields(rng, 1, "landscape", datetime(2021, 5, 5, 10, 0)),
            fmt="truncated",
        ),
        Shot(f"{unsorted}/\x1b[31mred\x1b[0m.jpg", 19, "flowers", 0, base, {}, optional=True),
        Shot(
            f"{unsorted}/" + os.fsdecode(b"caf\xe9 terrasse.jpg"),
            20,
            "city",
            1,
            base,
            _camera_fields(rng, 2, "city", datetime(2019, 6, 1, 21, 30)),
            optional=True,
        ),
    ]
    extras = [
        Extra(f"{unsorted}/empty.jpg", b"", base, "broken"),
        Extra(f"{unsorted}/notes.jpg", b"Shopping list: film, batteries\n", base, "broken"),
        Extra(f"{unsorted}/huge.png", _png_bomb(), base, "broken"),
        Extra(f"{unsorted}/.DS_Store", b"\x00\x00\x00\x01Bud1", base, "junk"),
        Extra(f"{unsorted}/Thumbs.db", b"\xd0\xcf\x11\xe0", base, "junk"),
    ]
    return shots, extras


def plan() -> tuple[list[Shot], list[Extra]]:
    """Every file of the demo library, deterministic."""
    rng = random.Random(SEED)
    numbers: dict[int, int] = {}
    shots: list[Shot] = []
    extras: list[Extra] = []
    for ev in sorted(EVENTS, key=lambda e: e.date):
        ev_shots = _event_shots(ev, rng, numbers)
        shots += ev_shots
        if rng.random() < 0.35:  # a short clip now and then
            when = ev_shots[len(ev_shots) // 2].mtime + 30
            folder = f"{ev.space}/{ev.date[:4]}/{ev.date} {ev.title}"
            name = f"VID_{ev.date.replace('-', '')}_{rng.randrange(100000, 999999)}.mp4"
            extras.append(Extra(f"{folder}/{name}", MP4_STUB, when, "video"))
    # Sidecars, as darktable and digiKam write them (NAME.JPG.xmp) and Lightroom (NAME.xmp).
    jpegs = [s for s in shots if s.rel.upper().endswith(".JPG")]
    for k, shot in enumerate(rng.sample(jpegs, 9)):
        rating = (-1, 5, 4, 1, 3, 5, 2, 0, 4)[k]
        subjects = ("favourite", "print") if rating == 5 else ()
        if k == 8:
            path = shot.rel.rsplit(".", 1)[0] + ".xmp"
        else:
            path = shot.rel + ".xmp"
        extras.append(Extra(path, exifwrite.xmp_packet(rating, subjects), shot.mtime, "sidecar"))
    # A Synology NAS leaves thumbnails in @eaDir folders; the scanner must skip them.
    first = jpegs[0]
    folder, name = first.rel.rsplit("/", 1)
    extras.append(Extra(f"{folder}/@eaDir/{name}/SYNOPHOTO_THUMB_SM.jpg", b"", first.mtime, "junk"))
    extras.append(Extra(f"{folder}/._{name}", b"\x00\x05\x16\x07", first.mtime, "junk"))
    odd_shots, odd_extras = _odd_files(rng)
    return shots + odd_shots, extras + odd_extras
