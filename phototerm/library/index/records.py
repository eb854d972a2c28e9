"""How the index stores one record: values clamped into its columns, interned tables.

Part of the index (index.py). ``clean()`` turns a Photo into the tuple of entries of the
index's value columns; well-formed values take inline fast paths (this runs a million
times when a library is indexed), odd ones (None, NaN, huge, wrong types from a damaged file
or a test) are clamped by the helpers, never raised about.
"""

from __future__ import annotations

import math
import zlib
from array import array
from collections.abc import Callable, Hashable, Iterable
from datetime import date
from typing import Generic, TypeAlias, TypeVar

from phototerm.library.photo import PHOTO, RAW_EXTENSIONS, VIDEO, Photo
from phototerm.library.values import EPOCH_ORDINAL, MAX_ORDINAL, f32, f32_storable

# Bits of the flags column. DESC, TAGS and ROT follow the effective (store-overlaid) values.
GPS, ERROR, RAW, DESC, TAGS, ROT = 1, 2, 4, 8, 16, 32

NO_TZ = -32768
INT32 = 2**31 - 1  # SWAR compares need the top bit of every lane clear (see masks.py)
UINT32 = 2**32 - 1
INT63 = 2**63 - 1
NAN = float("nan")

# What ``clean()`` returns, one entry per value column in the order its docstring lists.
Record: TypeAlias = tuple[
    float, int, int, int, int, float, int, float, float, float, int, int, float, float, int,
    int, int, int,
]  # fmt: skip

K = TypeVar("K", bound=Hashable)  # an interned value
F = TypeVar("F")  # its folded form


class Table(Generic[K, F]):
    """Interned values with live counts and postings (rows per value) for fast filters.

    ``folded`` holds what searches compare against, computed once per distinct value."""

    __slots__ = ("_fold", "counts", "folded", "ids", "postings", "values")

    def __init__(self, fold: Callable[[K], F]) -> None:
        self.values: list[K] = []
        self.ids: dict[K, int] = {}
        self.counts: list[int] = []
        self.postings: list[array[int]] = []
        self.folded: list[F] = []
        self._fold = fold

    def intern(self, value: K) -> int:
        i = self.ids.get(value)
        if i is None:
            i = self.ids[value] = len(self.values)
            self.values.append(value)
            self.counts.append(0)
            self.postings.append(array("I"))
            self.folded.append(self._fold(value))
        return i

    def nbytes(self) -> int:
        return sum(p.itemsize * p.buffer_info()[1] for p in self.postings) + 200 * len(self.values)


class KeyTable:
    """Row of a (folder id, file name) key: open addressing over an array of row + 1.

    A dict keyed by (space, rel) would cost ~150 bytes a record; this costs 8-16. The caller
    hashes the key and confirms a candidate row with ``match`` (it holds the columns)."""

    __slots__ = ("slots", "used")
    EMPTY, TOMB = 0, 0xFFFFFFFF

    def __init__(self) -> None:
        self.slots = array("I", bytes(4 * 1024))
        self.used = 0  # slots not EMPTY (tombstones included, until the next rebuild)

    def find(self, h: int, match: Callable[[int], bool]) -> int | None:
        slots = self.slots
        mask = len(slots) - 1
        i = h & mask
        while (v := slots[i]) != 0:
            if v != self.TOMB and match(v - 1):
                return v - 1
            i = (i + 1) & mask
        return None

    def insert(self, h: int, row: int) -> bool:
        """False (nothing done) when the table is half full: rebuild() it instead."""
        if 2 * (self.used + 1) > len(self.slots):
            return False
        slots = self.slots
        mask = len(slots) - 1
        i = h & mask
        while slots[i] not in (0, self.TOMB):
            i = (i + 1) & mask
        if slots[i] == 0:
            self.used += 1
        slots[i] = row + 1
        return True

    def delete(self, h: int, row: int) -> None:
        slots = self.slots
        mask = len(slots) - 1
        i = h & mask
        while slots[i] != row + 1:
            if slots[i] == 0:
                return
            i = (i + 1) & mask
        slots[i] = self.TOMB

    def rebuild(self, want: int, items: Iterable[tuple[int, int]]) -> None:
        """A table of at least ``want`` slots holding the (hash, row) items."""
        size = 1024
        while size < want:
            size *= 2
        slots = array("I", bytes(4 * size))
        mask = size - 1
        used = 0
        for h, row in items:
            i = h & mask
            while slots[i]:
                i = (i + 1) & mask
            slots[i] = row + 1
            used += 1
        self.slots, self.used = slots, used

    def nbytes(self) -> int:
        return 4 * len(self.slots)


def key_hash(fid: int, name_b: bytes) -> int:
    """The KeyTable hash of a (folder id, file name) key. Deterministic (not Python's
    ``hash``, which changes with every process), so a saved table stays valid when loaded."""
    return zlib.crc32(name_b, fid)


def clean(
    p: Photo, name: str, month_of: dict[int, int], kind_id: Callable[[object], int]
) -> Record:
    """(taken, day, month, tz, size, mtime, iso, fnumber, exposure, focal, width, height,
    lat, lon, orientation, kind, flags, rating + 1) for the index's value columns."""
    taken = p.taken
    if taken.__class__ is int:
        taken = float(taken)
    if taken.__class__ is float and -1e14 < taken < 1e14:
        day = EPOCH_ORDINAL + int(taken // 86400)
        if not 1 <= day <= MAX_ORDINAL:  # no date shows it (before year 1, after 9999)
            taken, day = -math.inf, 0
    else:
        taken, day = -math.inf, 0
    month = month_of.get(day)
    if month is None:
        month = month_of[day] = date.fromordinal(day).month if day else 0
    tz = p.tz_offset
    if not (tz.__class__ is int and -32767 <= tz <= 32767):
        tz = NO_TZ
    size, iso, width, height = p.size, p.iso, p.width, p.height
    if not (size.__class__ is int and 0 <= size <= INT63):
        size = clamp(size, 0, INT63)
    if not (iso.__class__ is int and 0 <= iso <= INT32):
        iso = clamp(iso, 0, INT32)
    if not (width.__class__ is int and 0 <= width <= UINT32):
        width = clamp(width, 0, UINT32)
    if not (height.__class__ is int and 0 <= height <= UINT32):
        height = clamp(height, 0, UINT32)
    mtime = p.mtime
    if not (mtime.__class__ is float and -1e14 < mtime < 1e14):
        mtime = finite(mtime, 0.0)
    fnumber, exposure, focal = p.fnumber, p.exposure, p.focal
    if not (fnumber.__class__ is float and 0.0 <= fnumber < 1e38):
        fnumber = f32_storable(fnumber)
    if not (exposure.__class__ is float and 0.0 <= exposure < 1e38):
        exposure = f32_storable(exposure)
    if not (focal.__class__ is float and 0.0 <= focal < 1e38):
        focal = f32_storable(focal)
    orientation = p.orientation
    if not (orientation.__class__ is int and 0 <= orientation <= 255):
        orientation = clamp(orientation, 0, 255)
    lat, lon = p.lat, p.lon
    flags = 0
    if lat is None or lon is None:
        lat = lon = NAN
    else:
        lat, lon = finite(lat, NAN), finite(lon, NAN)
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            flags = GPS
        else:
            lat = lon = NAN
    kind = p.kind
    kind_no = 0 if kind == PHOTO else 1 if kind == VIDEO else kind_id(kind)
    if p.error:
        flags |= ERROR
    dot = name.rfind(".")
    if dot > 0 and name[dot + 1 :].lower() in RAW_EXTENSIONS:
        flags |= RAW
    rating = p.rating
    if not (rating.__class__ is int and -1 <= rating <= 5):
        rating = 0
    return (
        taken,
        day,
        month,
        tz,
        size,
        mtime,
        iso,
        fnumber,
        exposure,
        focal,
        width,
        height,
        lat,
        lon,
        orientation,
        kind_no,
        flags,
        rating + 1,
    )


def finite(value: object, default: float) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            v = float(value)
        except OverflowError:
            return default
        if math.isfinite(v):
            return v
    return default


def clamp(value: object, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return lo
    if isinstance(value, float):
        if not math.isfinite(value):
            return lo if math.isnan(value) or value < 0 else hi
        value = int(value)
    return lo if value < lo else min(value, hi)


def text(value: object) -> str:
    if isinstance(value, str):
        return value
    return "" if value is None else str(value)


def tags_of(tags: Iterable[object] | None) -> tuple[str, ...]:
    """A clean tag tuple: strings only, no empties, no duplicates, order kept."""
    if not tags or isinstance(tags, (str, bytes)):
        return (tags,) if isinstance(tags, str) and tags else ()
    try:
        return tuple(dict.fromkeys(t for t in tags if isinstance(t, str) and t))
    except TypeError:
        return ()


def short_f32(value: float) -> float:
    """A float32 read back as the number it most likely was: the shortest decimal that
    rounds to it (2.8, not 2.799999952), else 1/N (exposure times are 1/60, 1/3, ...)."""
    if value == 0:
        return 0.0
    short = float(f"{value:.6g}")
    if f32(short) == value:
        return short
    if value < 1:
        inverse = 1 / round(1 / value)
        if f32(inverse) == value:
            return inverse
    for digits in (7, 8):
        short = float(f"{value:.{digits}g}")
        if f32(short) == value:
            return short
    return value
