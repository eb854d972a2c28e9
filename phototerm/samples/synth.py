"""Synthetic Photo records (no files) for the query benchmark and the index tests.

The records look like a real family library on a NAS: years 2005-2026 with more photos in
recent years, events in folders like "2019/2019-07-14 Paris trip", a dozen cameras of their
era with their lenses and file naming, phones with GPS and time zones, some RAW files, some
videos, a few unreadable files, ratings mostly unset, a few descriptions and tags, some of
them with accents. Records come in the order a scanner walks the folders.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import TypeVar

from phototerm.library.photo import PERSONAL, PHOTO, SHARED, VIDEO, Photo

T = TypeVar("T")

ROOTS = {PERSONAL: "/synth/home/user/Photos", SHARED: "/synth/photo"}

# (make, model, first year, last year, name style, lenses, photo ext, raw ext, video ext)
_CAMERAS = [
    (
        "Canon",
        "Canon EOS 400D DIGITAL",
        2005,
        2011,
        "IMG_{:04d}",
        ["EF-S18-55mm f/3.5-5.6", "EF 50mm f/1.8 II"],
        "JPG",
        "CR2",
        "",
    ),
    (
        "Canon",
        "Canon EOS 5D Mark III",
        2012,
        2020,
        "IMG_{:04d}",
        ["EF24-105mm f/4L IS USM", "EF 35mm f/1.4L USM", "EF70-200mm f/2.8L IS II USM"],
        "JPG",
        "CR2",
        "MOV",
    ),
    (
        "Canon",
        "Canon EOS R6",
        2020,
        2026,
        "IMG_{:04d}",
        ["RF24-105mm F4 L IS USM", "RF50mm F1.8 STM", "RF100-400mm F5.6-8 IS USM"],
        "JPG",
        "CR3",
        "MP4",
    ),
    (
        "NIKON CORPORATION",
        "NIKON D90",
        2008,
        2014,
        "DSC_{:04d}",
        ["AF-S DX NIKKOR 18-105mm f/3.5-5.6G ED VR"],
        "JPG",
        "NEF",
        "AVI",
    ),
    (
        "NIKON CORPORATION",
        "NIKON Z 6",
        2018,
        2026,
        "DSC_{:04d}",
        ["NIKKOR Z 24-70mm f/4 S", "NIKKOR Z 35mm f/1.8 S"],
        "JPG",
        "NEF",
        "MOV",
    ),
    (
        "SONY",
        "ILCE-7M3",
        2018,
        2026,
        "DSC{:05d}",
        ["FE 28-70mm F3.5-5.6 OSS", "FE 85mm F1.8"],
        "JPG",
        "ARW",
        "MP4",
    ),
    (
        "FUJIFILM",
        "X-T3",
        2018,
        2026,
        "DSCF{:04d}",
        ["XF18-55mmF2.8-4 R LM OIS", "XF23mmF2 R WR"],
        "JPG",
        "RAF",
        "MOV",
    ),
    (
        "OLYMPUS IMAGING CORP.",
        "E-M10MarkII",
        2015,
        2021,
        "P{:07d}",
        ["OLYMPUS M.14-42mm F3.5-5.6 EZ"],
        "JPG",
        "ORF",
        "MOV",
    ),
    (
        "Panasonic",
        "DMC-GX80",
        2016,
        2022,
        "P{:07d}",
        ["LUMIX G VARIO 12-32/F3.5-5.6"],
        "JPG",
        "RW2",
        "MP4",
    ),
    (
        "Apple",
        "iPhone 6",
        2014,
        2019,
        "IMG_{:04d}",
        ["iPhone 6 back camera 4.15mm f/2.2"],
        "JPG",
        "",
        "MOV",
    ),
    (
        "Apple",
        "iPhone 12 Pro",
        2020,
        2026,
        "IMG_{:04d}",
        ["iPhone 12 Pro back triple camera 4.2mm f/1.6"],
        "HEIC",
        "",
        "MOV",
    ),
    ("samsung", "SM-G991B", 2021, 2026, "{date}_{time}", ["Samsung S21 Main"], "jpg", "", "mp4"),
    ("Google", "Pixel 7", 2022, 2026, "PXL_{date}_{time}{ms:03d}", [""], "jpg", "", "mp4"),
]
_PHONES = {"Apple", "samsung", "Google"}

_EVENTS = [
    "Paris trip",
    "Birthday",
    "Beach day",
    "Hiking",
    "Wedding",
    "Christmas",
    "Zoo",
    "Garden",
    "Snow",
    "Concert",
    "Île de Ré",
    "Zürich weekend",
    "Kraków",
    "São Paulo",
    "First day of school",
    "Camping",
    "Grandma's 80th",
    "Lake Tahoe",
    "Easter",
    "Museum",
    "Rome",
    "Barcelona",
    "Skiing",
    "Road trip",
    "Football match",
    "New year",
    "Picnic",
]
_SHARED_TOPS = ["Family", "Events", "Archive"]
_DESCRIPTIONS = [
    "Sunset over the harbour",
    "Café de Flore",
    "Everyone at the table",
    "First steps",
    "View from the top",
    "Niño con perro",
    "The old bridge",
    "Grandpa's garden",
]
_TAGS = ["family", "beach", "friends", "holiday", "food", "pets", "best", "print"]
_ISOS = [100, 100, 100, 200, 200, 400, 400, 800, 1600, 3200, 6400]
_APERTURES = [1.4, 1.8, 2.0, 2.8, 2.8, 4.0, 4.0, 5.6, 5.6, 8.0, 11.0]
_SHUTTERS = [1 / 4000, 1 / 1000, 1 / 500, 1 / 250, 1 / 125, 1 / 60, 1 / 30, 1 / 8, 0.5]
_FOCALS = [24.0, 35.0, 50.0, 70.0, 85.0, 105.0, 200.0]
_RATINGS = [0] * 70 + [-1] * 3 + [1] * 5 + [2] * 7 + [3] * 8 + [4] * 5 + [5] * 2


def synthesize(n: int, seed: int = 0, roots: dict[str, str] | None = None) -> Iterator[Photo]:
    """``n`` realistic records, deterministic for a seed, in scanner order."""
    rng = random.Random(seed)
    roots = roots or ROOTS
    shared_n = n // 5
    yield from _space(rng, PERSONAL, roots[PERSONAL], n - shared_n)
    yield from _space(rng, SHARED, roots[SHARED], shared_n)


def _space(rng: random.Random, space: str, root: str, n: int) -> Iterator[Photo]:
    if n <= 0:
        return
    years = list(range(2005, 2027))
    weights = [1 + (y - 2005) * 0.25 for y in years]
    total_w = sum(weights)
    made = 0
    counters: dict[str, int] = {}
    seen: dict[str, set[str]] = {}  # names per recent folder: no two files share a path
    for y, w in zip(years, weights, strict=True):
        quota = min(n - made, round(n * w / total_w) if y != years[-1] else n - made)
        made += quota
        events = []
        while quota > 0:  # events of ~20-400 photos, then walked in date order
            size = min(quota, rng.randint(20, 400))
            start = datetime(
                y,
                rng.randint(1, 12),
                rng.randint(1, 28),
                rng.randint(7, 19),
                rng.randint(0, 59),
                tzinfo=UTC,
            ).timestamp()
            events.append((start, size, rng.choice(_EVENTS), rng.random()))
            quota -= size
        for start, size, event, r in sorted(events):
            day = datetime.fromtimestamp(start, UTC).strftime("%Y-%m-%d")
            if space == SHARED:
                folder = f"{_SHARED_TOPS[int(r * 3)]}/{y}/{day} {event}"
            elif r < 0.1:
                folder = f"Phone/Camera Roll/{day[:7]}"
            else:
                folder = f"{y}/{day} {event}"
            names = seen.setdefault(folder, set())
            if len(seen) > 8:
                del seen[next(iter(seen))]
            yield from _event(rng, space, root, folder, start, size, y, counters, names)


def _event(
    rng: random.Random,
    space: str,
    root: str,
    folder: str,
    start: float,
    size: int,
    year: int,
    counters: dict[str, int],
    names: set[str],
) -> Iterator[Photo]:
    choices = [c for c in _CAMERAS if c[2] <= year <= c[3]]
    cam = rng.choice(choices)
    make, model, _, _, style, lenses, ext, raw_ext, video_ext = cam
    phone = make in _PHONES
    dated = "{date}" in style
    lat0, lon0 = rng.uniform(-50, 65), rng.uniform(-120, 140)
    t = start
    broken = rng.random() < 0.02  # an event copied from a failing card: a few bad files
    rand = rng.random

    def pick(seq: Sequence[T]) -> T:  # rng.choice, without its overhead
        return seq[int(rand() * len(seq))]

    for _ in range(size):
        t += rng.expovariate(1 / 90)
        c = counters[model] = (counters.get(model, 0) + 1) % 9999
        if dated:
            dt = datetime.fromtimestamp(t, UTC)
            stem = style.format(
                c, date=dt.strftime("%Y%m%d"), time=dt.strftime("%H%M%S"), ms=int(t * 1000) % 1000
            )
        else:
            stem = style.format(c)
        r = rand()
        kind = PHOTO
        if video_ext and r < 0.04:
            kind, e = VIDEO, video_ext
        elif raw_ext and r < 0.2:
            e = raw_ext
        else:
            e = ext
        while f"{stem}.{e}" in names:
            stem += "_1"
        names.add(f"{stem}.{e}")
        error = "cannot identify image file" if (broken and rand() < 0.1) or rand() < 0.001 else ""
        gps = not error and ((phone and rand() < 0.9) or rand() < 0.1)
        big = 3024 if phone else 4000
        size_factor = (3 if e == raw_ext else 1) * (20 if kind == VIDEO else 1)
        p = Photo(
            space=space,
            root=root,
            rel=f"{folder}/{stem}.{e}",
            kind=kind,
            size=int((2e6 + 1e7 * rand()) * size_factor),
            mtime=t + 3e7 * rand(),
            taken=None if error else round(t),
            tz_offset=pick((0, 60, 120, -300)) if phone else None,
            orientation=6 if rand() < 0.15 else 1,
            lat=lat0 + 0.1 * rand() if gps else None,
            lon=lon0 + 0.1 * rand() if gps else None,
            description=pick(_DESCRIPTIONS) if rand() < 0.03 else "",
            error=error,
            tags=tuple(rng.sample(_TAGS, 1 + (rand() < 0.5))) if rand() < 0.03 else (),
        )
        if not error:
            p.make, p.model, p.lens = make, model, pick(lenses)
            p.iso, p.fnumber = pick(_ISOS), pick(_APERTURES)
            p.exposure, p.focal = pick(_SHUTTERS), pick(_FOCALS)
            p.width, p.height = big, big * 3 // 4
            p.rating = pick(_RATINGS)
        yield p
