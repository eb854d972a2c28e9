"""The known library the Index tests share: nine photos whose ids 0..8 follow the order below
(a fresh Index numbers records as they come), hostile file names, and small helpers.

Imported by test_index.py, test_index_search.py and test_index_albums.py."""

from __future__ import annotations

from datetime import UTC, datetime

from phototerm.library.index import Index
from phototerm.library.photo import PERSONAL, SHARED, VIDEO, Photo

ROOTS = {PERSONAL: "/lib/Personal", SHARED: "/lib/Shared"}


def ts(y: int, m: int, d: int, hh: int = 12, mm: int = 0) -> float:
    return datetime(y, m, d, hh, mm, tzinfo=UTC).timestamp()


def photo(rel: str, space: str = PERSONAL, **kw) -> Photo:
    return Photo(space=space, root=ROOTS[space], rel=rel, **kw)


CANON = {"make": "Canon", "model": "Canon EOS R6"}
NIKON = {"make": "NIKON CORPORATION", "model": "NIKON Z 6"}

# ids 0..8 in this order (a fresh index numbers records as they come)
LIBRARY = [
    photo(
        "2019/2019-07-14 Paris trip/IMG_0001.JPG",
        taken=ts(2019, 7, 14, 9),
        **CANON,
        lens="RF24-105mm F4 L IS USM",
        iso=100,
        fnumber=4.0,
        focal=24.0,
        exposure=1 / 250,
        size=5_000_000,
        mtime=500.0,
        rating=5,
        lat=48.85,
        lon=2.35,
        width=6000,
        height=4000,
    ),
    photo(
        "2019/2019-07-14 Paris trip/IMG_0002.CR3",
        taken=ts(2019, 7, 14, 10),
        **CANON,
        iso=1600,
        fnumber=2.8,
        focal=50.0,
        size=25_000_000,
        mtime=400.0,
        rating=-1,
    ),
    photo(
        "2019/2019-07-14 Paris trip/MVI_0003.MP4",
        kind=VIDEO,
        taken=ts(2019, 7, 14, 11),
        **CANON,
        size=90_000_000,
        mtime=300.0,
    ),
    photo(
        "2020/Zürich/DSC_0100.NEF",
        taken=ts(2020, 1, 5),
        **NIKON,
        lens="NIKKOR Z 35mm f/1.8 S",
        iso=800,
        fnumber=1.8,
        focal=35.0,
        exposure=1 / 60,
        size=30_000_000,
        mtime=200.0,
        rating=3,
        description="Café by the lake",
    ),
    photo(
        "2020/Zürich/DSC_0101.jpg",
        taken=ts(2020, 1, 5),
        **NIKON,
        iso=200,
        fnumber=8.0,
        focal=70.0,
        size=6_000_000,
        mtime=100.0,
        tags=("family", "Zoé"),
    ),
    photo(
        "2021/IMG_5000.HEIC",
        taken=ts(2021, 12, 31, 23, 59),
        make="Apple",
        model="iPhone 12 Pro",
        iso=32,
        fnumber=1.6,
        focal=4.2,
        size=2_000_000,
        mtime=50.0,
        rating=4,
        lat=40.7,
        lon=-74.0,
        tz_offset=-300,
    ),
    photo("broken.jpg", error="cannot identify image file", mtime=10.0),
    photo(
        "Family/2019/2019-07-20 Beach/IMG_0001.JPG",
        SHARED,
        taken=ts(2019, 7, 20),
        make="Canon",
        model="Canon EOS 5D Mark III",
        iso=6400,
        fnumber=2.0,
        focal=85.0,
        size=8_000_000,
        mtime=900.0,
        rating=2,
        lat=43.3,
        lon=-1.5,
    ),
    photo(
        "Family/2023/2023-05-14 Garden/PXL_20230514.jpg",
        SHARED,
        taken=ts(2023, 5, 14),
        make="Google",
        model="Pixel 7",
        iso=50,
        fnumber=1.9,
        focal=6.8,
        size=3_000_000,
        mtime=800.0,
        rating=1,
    ),
]


HOSTILE_NAMES = [
    "[bold]x.jpg",
    "[@click=app.quit]x.jpg",
    "esc\x1b]0;pwned\x07.jpg",
    "bad\udcffname.jpg",
    "new\nline.jpg",
    "😀 smile.jpg",
    "nul\x00byte.jpg",
    " spaced .jpg",
    "αβγ.JPG",
]


def library_index() -> Index:
    """A fresh Index holding LIBRARY (what the ``ix`` fixtures return)."""
    index = Index()
    assert index.add_many(LIBRARY) == list(range(len(LIBRARY)))
    return index


def found(ix: Index, query: str) -> set[int]:
    return set(ix.search(query))
