"""Reference semantics of the search language on one Photo (slow, simple, obviously right).

The index evaluates queries column-wise (evaluate.py); tests check it agrees with this on
random libraries and queries. The benchmark's naive baseline is a hand-written loop instead.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date

from phototerm.library.photo import VIDEO, Photo, is_raw
from phototerm.library.query.nodes import (
    Album,
    And,
    Codec,
    Everything,
    Flag,
    Folder,
    Months,
    Name,
    Node,
    Not,
    Or,
    Query,
    Range,
    Space,
    Substring,
    Tag,
    Text,
)
from phototerm.library.values import camera_texts, day_of, f32, fold


def glob_regex(pattern: str) -> str:
    """A folded glob (``*`` any run, ``?`` one character) as a regex for whole names."""
    return "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)


def matches(
    query: Query | Node,
    photo: Photo,
    albums: Collection[str] = (),
    rotation: int = 0,
    pair: tuple[Photo, Collection[str], int] | None = None,
) -> bool:
    """Whether ``photo`` (with its effective rating/tags/description) matches.

    ``albums``: names of the albums the photo belongs to; ``rotation``: its view rotation.
    ``pair``: the file shown together with it (a RAW beside its JPEG, a Live Photo's movie),
    with its albums and rotation: the two match as one item, each key by either file.
    Slow and simple on purpose: this is the definition the index is tested against.
    """
    node = query.node if isinstance(query, Query) else query
    files = [(photo, tuple(fold(a) for a in albums), rotation)]
    if pair is not None:
        files.append((pair[0], tuple(fold(a) for a in pair[1]), pair[2]))
    return _match(node, files)


def _match(node: Node, files: list[tuple[Photo, tuple[str, ...], int]]) -> bool:
    match node:
        case Everything():
            return True
        case Not(item):
            return not _match(item, files)
        case And(items):
            return all(_match(i, files) for i in items)
        case Or(items):
            return any(_match(i, files) for i in items)
    return any(_key(node, p, albums, rotation) for p, albums, rotation in files)


def _key(node: Node, p: Photo, albums: tuple[str, ...], rotation: int) -> bool:
    match node:
        case Text(needle):
            texts = (
                fold(p.name),
                fold(p.folder),
                *camera_texts(p.make, p.model),
                fold(p.lens),
                fold(p.description),
                *(fold(t) for t in p.tags),
                *albums,
            )
            return any(needle in t for t in texts)
        case Range(field, lo, hi, lo_open, hi_open):
            return _in_range(_field_value(field, p), field, lo, hi, lo_open, hi_open)
        case Months(months):
            day = day_of(p.taken)
            return day != 0 and date.fromordinal(day).month in months
        case Substring(field, needle):
            if field == "camera":
                return any(needle in t for t in camera_texts(p.make, p.model))
            return needle in fold({"make": p.make, "model": p.model, "lens": p.lens}[field])
        case Folder(prefix):
            return fold(p.folder).startswith(prefix)
        case Name(pattern, glob):
            name = fold(p.name)
            if glob:
                return re.fullmatch(glob_regex(pattern), name, re.DOTALL) is not None
            return pattern in name
        case Flag(flag):
            return {
                "photo": lambda: p.kind != VIDEO,
                "video": lambda: p.kind == VIDEO,
                "raw": lambda: is_raw(p.rel),
                "gps": lambda: p.lat is not None and p.lon is not None,
                "error": lambda: bool(p.error),
                "description": lambda: bool(p.description),
                "tags": lambda: bool(p.tags),
                "rotated": lambda: rotation % 360 != 0,
            }[flag]()
        case Space(space):
            return p.space == space
        case Tag(tag):
            return any(fold(t) == tag for t in p.tags)
        case Album(album):
            return album in albums
        case Codec(codec):
            return p.codec.lower() == codec
    raise TypeError(f"not a query node: {node!r}")


def _field_value(field: str, p: Photo) -> float:
    return {
        "iso": lambda: p.iso,
        "f": lambda: f32(p.fnumber),
        "mm": lambda: f32(p.focal),
        "shutter": lambda: f32(p.exposure),
        "size": lambda: p.size,
        "rating": lambda: p.rating,
        "duration": lambda: p.duration,
        "day": lambda: day_of(p.taken),
    }[field]()


def _in_range(
    v: float, field: str, lo: float | None, hi: float | None, lo_open: bool, hi_open: bool
) -> bool:
    if field in ("iso", "f", "mm", "shutter", "duration", "day") and v <= 0:
        return False  # 0 = unknown: never inside a range
    if field in ("f", "mm", "shutter"):
        lo = None if lo is None else f32(lo)
        hi = None if hi is None else f32(hi)
    if lo is not None and (v < lo or (lo_open and v == lo)):
        return False
    return not (hi is not None and (v > hi or (hi_open and v == hi)))
