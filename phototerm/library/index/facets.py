"""Grouping a result into day / month / year / folder sections, and the filter facets.

Part of the index (index.py): these read its columns and tables under its lock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from typing import Any, TypeVar

from phototerm.library.index import masks
from phototerm.library.index.columns import Columns
from phototerm.library.index.records import ERROR, GPS, Table
from phototerm.library.photo import VIDEO
from phototerm.library.text import safe
from phototerm.library.values import camera_name, fold

GROUP_KEYS = ("day", "month", "year", "folder")
SPACE_TITLES = {"personal": "Personal Space", "shared": "Shared Space"}
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
K = TypeVar("K")  # a grouping key: a folder id or a date key

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True, slots=True)
class Group:
    key: str  # "2019-07-14" / "2019-07" / "2019" / "unknown" / "personal:2019/Paris"
    label: str  # "Saturday 14 July 2019", "July 2019", "2019", "Unknown date", ...
    start: int  # index into the ids list given to group()
    count: int


@dataclass(frozen=True, slots=True)
class Facets:
    """What the filter dialog offers, with live counts. Lists of (value, count)."""

    total: int
    photos: int
    videos: int
    errors: int
    with_gps: int
    cameras: tuple[tuple[str, int], ...]  # display names ("Canon EOS R6"), most used first
    lenses: tuple[tuple[str, int], ...]  # most used first
    folders: dict[str, tuple[tuple[str, int], ...]]  # space -> (folder, count) by folder
    years: tuple[tuple[int, int], ...]  # ascending
    ratings: dict[int, int]  # -1..5 -> count
    tags: tuple[tuple[str, int], ...]  # by name
    first: date | None  # earliest / latest capture day
    last: date | None


def group(ix: Columns, ids: Sequence[int], by: str) -> list[Group]:
    """Consecutive runs of ``ids`` sharing a day / month / year / folder, in ids' order."""
    if by not in GROUP_KEYS:
        raise ValueError(f"unknown grouping {by!r} (known: {', '.join(GROUP_KEYS)})")
    if by == "folder":

        def label(fid: int) -> tuple[str, str]:
            sid, folder = ix._folders.values[fid]
            space = ix._space_names[sid]
            title = SPACE_TITLES.get(space) or safe(space)
            return f"{space}:{folder}", f"{title} / {safe(folder)}" if folder else title

        return _runs(map(ix._folder.__getitem__, ids), label)
    # one key per distinct day (a few thousand), then C-speed maps over the ids
    days = {d: day_key(d, by) for d in ix._days}
    days.setdefault(0, day_key(0, by))
    return _runs(map(days.__getitem__, map(ix._day.__getitem__, ids)), date_label)


def timeline_groups(
    ix: Columns, by: str, descending: bool, counts: dict[int, int] | None = None
) -> list[Group]:
    """The groups ``group(ids, by)`` gives for every live photo in capture-time order, from
    the live count of each day (``counts``, default the index's): no look at the photos
    themselves. Valid only when every photo without a day is also without a capture time
    (the caller checks)."""
    per_day = ix._days if counts is None else counts
    days = sorted((d for d in per_day if d), reverse=descending)
    unknown = per_day.get(0, 0)
    # Capture times of -inf sort first going up, last going down.
    order = ([0] if unknown else []) + days if not descending else days + ([0] if unknown else [])
    out: list[Group] = []
    start = 0
    key = ""
    count = 0
    for day in order:
        k = day_key(day, by)
        if k != key and count:
            out.append(Group(key, date_label(key)[1], start, count))
            start += count
            count = 0
        key = k
        count += per_day[day]
    if count:
        out.append(Group(key, date_label(key)[1], start, count))
    return out


def _runs(keys: Iterable[K], label: Callable[[K], tuple[str, str]]) -> list[Group]:
    """One Group per run of equal keys, labelled by ``label(key) -> (key, text)``."""
    out: list[Group] = []
    start = 0
    for key, run in groupby(keys):
        count = len(list(run))
        k, text = label(key)
        out.append(Group(k, text, start, count))
        start += count
    return out


def day_key(day: int, by: str) -> str:
    if not day:
        return "unknown"
    d = date.fromordinal(day)
    if by == "day":
        return d.isoformat()
    if by == "month":
        return f"{d.year:04d}-{d.month:02d}"
    return f"{d.year:04d}"


def date_label(key: str) -> tuple[str, str]:
    if key == "unknown":
        return key, "Unknown date"
    parts = [int(p) for p in key.split("-")]
    if len(parts) == 3:
        d = date(*parts)
        return key, f"{_WEEKDAYS[d.weekday()]} {d.day} {_MONTHS[d.month - 1]} {d.year}"
    if len(parts) == 2:
        return key, f"{_MONTHS[parts[1] - 1]} {parts[0]}"
    return key, key


def facets(ix: Columns) -> Facets:
    n = ix._n
    live = int.from_bytes(ix._live, "little")

    def count(col: bytearray, accept: Iterable[int]) -> int:
        m = masks.byte_mask(col, masks.table(accept), n) & live
        return masks.to_bytes(m, n).count(1)

    videos = count(ix._kind, [ix._kinds.index(VIDEO)])
    years: dict[int, int] = {}
    for day, c in ix._days.items():
        if day:
            y = date.fromordinal(day).year
            years[y] = years.get(y, 0) + c
    days = [d for d in ix._days if d]
    folders: dict[str, list[tuple[str, int]]] = {}
    t = ix._folders
    for fid, (sid, folder) in enumerate(t.values):
        if t.counts[fid] > 0:
            folders.setdefault(ix._space_names[sid], []).append((folder, t.counts[fid]))
    return Facets(
        total=ix._count,
        photos=ix._count - videos,
        videos=videos,
        errors=count(ix._flags, (v for v in range(256) if v & ERROR)),
        with_gps=count(ix._flags, (v for v in range(256) if v & GPS)),
        cameras=_counted(ix._cameras, lambda v: camera_name(*v)),
        lenses=_counted(ix._lenses, lambda v: v),
        folders={s: tuple(sorted(v)) for s, v in folders.items()},
        years=tuple(sorted(years.items())),
        ratings={r: count(ix._rating, [r + 1]) for r in range(-1, 6)},
        tags=tuple(sorted(ix._tags_live.items(), key=lambda kv: (fold(kv[0]), kv[0]))),
        first=date.fromordinal(min(days)) if days else None,
        last=date.fromordinal(max(days)) if days else None,
    )


def _counted(table: Table[K, Any], name: Callable[[K], str]) -> tuple[tuple[str, int], ...]:
    merged: dict[str, int] = {}
    for i, value in enumerate(table.values):
        if table.counts[i] > 0:
            label = name(value)
            if label:
                merged[label] = merged.get(label, 0) + table.counts[i]
    return tuple(sorted(merged.items(), key=lambda kv: (-kv[1], kv[0])))
