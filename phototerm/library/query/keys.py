"""Values of the search language's keys: ``rating:>=4``, ``date:2023-05..2023-08-15``, ...

Part of the parser (parser.py): each handler turns the text after ``key:`` into a node of
the tree, or raises QueryError pointing at the offending part of the value.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import TypeAlias

from phototerm.library.query.nodes import (
    KEYS,
    Album,
    Codec,
    Flag,
    Folder,
    Months,
    Name,
    Node,
    QueryError,
    Range,
    Space,
    Substring,
    Tag,
)
from phototerm.library.values import fold

# A key's handler: (key, the text after ``key:``, its offset in the query) -> node.
Handler: TypeAlias = Callable[[str, str, int], Node]
# An endpoint's parser: (text, its offset) -> a number, or the (first, last) days it covers.
NumberParser: TypeAlias = Callable[[str, int], float]
DaysParser: TypeAlias = Callable[[str, int], tuple[int, int]]

_OPS = (">=", "<=", ">", "<", "=")


def _comparison(value: str, pos: int) -> tuple[str, str, str, int, int]:
    """Split a value into (op, a, b, pos_a, pos_b): op is one of _OPS, '..' or '' (equal)."""
    for op in _OPS:
        if value.startswith(op):
            rest = value[len(op) :]
            if not rest:
                raise QueryError(f"a value is needed after '{op}'", pos + len(op))
            return op, rest, "", pos + len(op), 0
    if ".." in value:
        a, _, b = value.partition("..")
        if not a and not b:
            raise QueryError("a range needs at least one end", pos)
        return "..", a, b, pos, pos + len(a) + 2
    return "", value, "", pos, 0


_NUMBER = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)\Z", re.ASCII)


def _number(text: str, pos: int, what: str) -> float:
    if not _NUMBER.match(text):
        raise QueryError(f"'{text}' is not a number for {what}", pos)
    value = float(text)
    if not math.isfinite(value):
        raise QueryError(f"'{text}' is too large for {what}", pos)
    return value


def _numeric_range(key: str, value: str, pos: int, parse_one: NumberParser, integer: bool) -> Range:
    """Range node from a comparison; ``parse_one(text, pos) -> float``."""
    op, a, b, pa, pb = _comparison(value, pos)
    field = _FIELD_OF[key]
    if op == "..":
        lo = parse_one(a, pa) if a else None
        hi = parse_one(b, pb) if b else None
        if lo is not None and hi is not None and lo > hi:
            raise QueryError("the range starts after it ends", pos)
        return Range(field, lo, hi)
    v = parse_one(a, pa)
    if op in ("", "="):
        return Range(field, v, v)
    if op == ">=":
        return Range(field, v, None)
    if op == "<=":
        return Range(field, None, v)
    if integer:  # exclusive ends of integer fields become inclusive ones
        return Range(field, v + 1, None) if op == ">" else Range(field, None, v - 1)
    return Range(field, v, None, lo_open=True) if op == ">" else Range(field, None, v, hi_open=True)


_FIELD_OF = {
    "iso": "iso",
    "f": "f",
    "mm": "mm",
    "shutter": "shutter",
    "size": "size",
    "rating": "rating",
    "duration": "duration",
}


def _iso(key: str, value: str, pos: int) -> Node:
    def one(text: str, p: int) -> float:
        v = _number(text, p, "iso")
        if v != int(v):
            raise QueryError("iso is a whole number", p)
        return int(v)

    return _numeric_range(key, value, pos, one, integer=True)


def _float_key(unit_prefix: str = "", unit_suffix: str = "") -> Handler:
    def handler(key: str, value: str, pos: int) -> Node:
        def one(text: str, p: int) -> float:
            t = text.lower()
            if unit_prefix and t.startswith(unit_prefix):
                t, p = t[len(unit_prefix) :], p + len(unit_prefix)
            if unit_suffix and t.endswith(unit_suffix):
                t = t[: -len(unit_suffix)]
            return _number(t, p, key)

        return _numeric_range(key, value, pos, one, integer=False)

    return handler


def _shutter(key: str, value: str, pos: int) -> Node:
    def one(text: str, p: int) -> float:
        t = text.lower().removesuffix("s")
        if "/" in t:
            num, _, den = t.partition("/")
            n, d = _number(num, p, "shutter"), _number(den, p + len(num) + 1, "shutter")
            if d == 0:
                raise QueryError("division by zero", p + len(num) + 1)
            return n / d
        return _number(t, p, "shutter")

    return _numeric_range(key, value, pos, one, integer=False)


_SIZE_UNITS = {
    "": 1,
    "b": 1,
    "k": 10**3,
    "kb": 10**3,
    "m": 10**6,
    "mb": 10**6,
    "g": 10**9,
    "gb": 10**9,
}
_SIZE = re.compile(r"([0-9.]+)\s*([a-z]*)\Z", re.ASCII)


def _size(key: str, value: str, pos: int) -> Node:
    def one(text: str, p: int) -> float:
        m = _SIZE.match(text.lower())
        if not m or m.group(2) not in _SIZE_UNITS:
            raise QueryError(f"'{text}' is not a size (like 500kb, 12mb, 1.5gb)", p)
        return int(_number(m.group(1), p, "size") * _SIZE_UNITS[m.group(2)])

    return _numeric_range(key, value, pos, one, integer=True)


_DURATION = re.compile(r"(?:(\d+):)?(\d+):(\d{2}(?:\.\d*)?)\Z|(\d+(?:\.\d*)?|\.\d+)(s|m|min)?\Z")


def _duration(key: str, value: str, pos: int) -> Node:
    """Seconds (``90``, ``1.5``, ``10s``), minutes (``2m``) or a clock (``1:30``, ``1:02:03``)."""

    def one(text: str, p: int) -> float:
        m = _DURATION.match(text.lower())
        if not m:
            raise QueryError(
                f"'{text}' is not a duration (seconds like 90 or 10s, 2m, or m:ss like 1:30)", p
            )
        hours, minutes, seconds, plain, unit = m.groups()
        if plain is not None:
            value = float(plain) * (60 if unit in ("m", "min") else 1)
        else:
            value = int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)
        if not math.isfinite(value):
            raise QueryError(f"'{text}' is too large for duration", p)
        return value

    return _numeric_range(key, value, pos, one, integer=False)


_CODEC_NAME = re.compile(r"[a-z0-9][a-z0-9_.\-]*\Z", re.ASCII)
# Names people use for a codec -> FFmpeg's name of it.
_CODEC_ALIASES = {
    "h265": "hevc",
    "x265": "hevc",
    "avc": "h264",
    "x264": "h264",
    "h.264": "h264",
    "h.265": "hevc",
    "av01": "av1",
    "mp4v": "mpeg4",
}


def _codec(key: str, value: str, pos: int) -> Node:
    name = value.lower()
    if not _CODEC_NAME.match(name):
        raise QueryError(f"'{value}' is not a codec name (like h264, hevc, vp9)", pos)
    return Codec(_CODEC_ALIASES.get(name, name))


_RATING_WORDS = {"rejected": -1, "reject": -1, "x": -1, "unrated": 0, "none": 0}


def _rating(key: str, value: str, pos: int) -> Node:
    def one(text: str, p: int) -> float:
        t = text.lower()
        if t in _RATING_WORDS:
            return _RATING_WORDS[t]
        neg = t.startswith("-")
        if not t.lstrip("-").isdigit() or not t.isascii() or t.count("-") > 1:
            raise QueryError(f"'{text}' is not a rating (-1 rejected, 0 unrated, 1-5)", p)
        v = -int(t[1:]) if neg else int(t)
        if not -1 <= v <= 5:
            raise QueryError("a rating is -1 (rejected), 0 (unrated) or 1 to 5", p)
        return v

    return _numeric_range(key, value, pos, one, integer=True)


# Dates: every endpoint is a day, a month or a year, i.e. an interval of days.
_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\Z", re.ASCII)


def _date_interval(text: str, pos: int) -> tuple[int, int]:
    m = _DATE.match(text)
    if not m:
        raise QueryError(f"'{text}' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)", pos)
    y, mo, d = int(m.group(1)), m.group(2), m.group(3)
    try:
        if d is not None:
            day = date(y, int(mo), int(d)).toordinal()
            return day, day
        if mo is not None:
            first = date(y, int(mo), 1)
            nxt = date(y + 1, 1, 1) if first.month == 12 else date(y, first.month + 1, 1)
            return first.toordinal(), nxt.toordinal() - 1
        return date(y, 1, 1).toordinal(), date(y, 12, 31).toordinal()
    except ValueError:
        raise QueryError(f"'{text}' is not a valid date", pos) from None


def _day_range(value: str, pos: int, interval: DaysParser) -> Range:
    op, a, b, pa, pb = _comparison(value, pos)
    if op == "..":
        lo = interval(a, pa)[0] if a else None
        hi = interval(b, pb)[1] if b else None
        if lo is not None and hi is not None and lo > hi:
            raise QueryError("the range starts after it ends", pos)
        return Range("day", lo, hi)
    first, last = interval(a, pa)
    return {
        "": Range("day", first, last),
        "=": Range("day", first, last),
        ">=": Range("day", first, None),
        ">": Range("day", last + 1, None),
        "<=": Range("day", None, last),
        "<": Range("day", None, first - 1),
    }[op]


def _date(key: str, value: str, pos: int) -> Node:
    return _day_range(value, pos, _date_interval)


def _year(key: str, value: str, pos: int) -> Node:
    def interval(text: str, p: int) -> tuple[int, int]:
        if not (text.isascii() and text.isdigit() and len(text) == 4):
            raise QueryError(f"'{text}' is not a year", p)
        return _date_interval(text, p)

    return _day_range(value, pos, interval)


_MONTH_NAMES = {
    name: i + 1
    for i, names in enumerate(
        (
            "january jan",
            "february feb",
            "march mar",
            "april apr",
            "may",
            "june jun",
            "july jul",
            "august aug",
            "september sep sept",
            "october oct",
            "november nov",
            "december dec",
        )
    )
    for name in names.split()
}


def _month(key: str, value: str, pos: int) -> Node:
    def one(text: str, p: int) -> int:
        t = text.lower()
        if t in _MONTH_NAMES:
            return _MONTH_NAMES[t]
        if t.isascii() and t.isdigit() and 1 <= int(t) <= 12:
            return int(t)
        raise QueryError(f"'{text}' is not a month (1-12 or a name like 'july')", p)

    op, a, b, pa, pb = _comparison(value, pos)
    if op == "..":
        lo = one(a, pa) if a else 1
        hi = one(b, pb) if b else 12
        months = range(lo, hi + 1) if lo <= hi else [*range(lo, 13), *range(1, hi + 1)]
        return Months(frozenset(months))
    v = one(a, pa)
    chosen = {
        "": [v],
        "=": [v],
        ">=": range(v, 13),
        ">": range(v + 1, 13),
        "<=": range(1, v + 1),
        "<": range(1, v),
    }[op]
    return Months(frozenset(chosen))


def _substring(key: str, value: str, pos: int) -> Node:
    return Substring(key, fold(value))


def _folder(key: str, value: str, pos: int) -> Node:
    return Folder(fold(value.strip("/")))


_GLOB_CHARS = frozenset("*?")


def _name(key: str, value: str, pos: int) -> Node:
    folded = fold(value)
    return Name(folded, glob=bool(_GLOB_CHARS & set(folded)))


def _choice(options: Mapping[str, Node], what: str) -> Handler:
    def handler(key: str, value: str, pos: int) -> Node:
        node = options.get(value.lower())
        if node is None:
            raise QueryError(f"'{key}:' takes {what}", pos)
        return node

    return handler


_TYPES = {
    "photo": Flag("photo"),
    "photos": Flag("photo"),
    "image": Flag("photo"),
    "video": Flag("video"),
    "videos": Flag("video"),
    "movie": Flag("video"),
    "raw": Flag("raw"),
}
_SPACES = {"personal": Space("personal"), "shared": Space("shared")}
_HAS = {
    "gps": Flag("gps"),
    "location": Flag("gps"),
    "description": Flag("description"),
    "tags": Flag("tags"),
    "tag": Flag("tags"),
}
_IS: dict[str, Node] = {
    "error": Flag("error"),
    "broken": Flag("error"),
    "raw": Flag("raw"),
    "photo": Flag("photo"),
    "video": Flag("video"),
    "rotated": Flag("rotated"),
    "rejected": Range("rating", -1, -1),
    "unrated": Range("rating", 0, 0),
    "rated": Range("rating", 1, 5),
}

HANDLERS: dict[str, Handler] = {
    "rating": _rating,
    "type": _choice(_TYPES, "photo, video or raw"),
    "camera": _substring,
    "make": _substring,
    "model": _substring,
    "lens": _substring,
    "iso": _iso,
    "f": _float_key(unit_prefix="f/"),
    "mm": _float_key(unit_suffix="mm"),
    "shutter": _shutter,
    "size": _size,
    "duration": _duration,
    "codec": _codec,
    "date": _date,
    "year": _year,
    "month": _month,
    "folder": _folder,
    "space": _choice(_SPACES, "personal or shared"),
    "has": _choice(_HAS, "gps, description or tags"),
    "is": _choice(_IS, "error, raw, photo, video, rotated, rejected, unrated or rated"),
    "name": _name,
    "tag": lambda key, value, pos: Tag(fold(value)),
    "album": lambda key, value, pos: Album(fold(value)),
}
assert tuple(HANDLERS) == KEYS, "query.KEYS lists the keys in this order"
