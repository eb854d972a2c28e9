"""EXIF tags -> Photo fields: which tags phototerm reads, and how it reads them safely.

``exif_fields`` turns exifread's tags (``builtin_types=False``: values as exifread parsed
them) into Photo fields, ignoring every value that cannot be right (an impossible date, a
latitude over 90 degrees, a rating of 9). ``slim_exif`` cuts a JPEG's EXIF block down to the
entries ``exif_fields`` reads before exifread sees it: exifread decodes every entry it meets,
camera files carry dozens of unused ones (and IFD1, the thumbnail's), and the cut saves ~40%
of its work on real camera files. The two live together so that the tags kept and the tags
read cannot drift apart.
"""

from __future__ import annotations

import calendar
import itertools
import math
import re
import struct
import time
from datetime import datetime
from fractions import Fraction
from typing import Any

from phototerm.library.text import clean_metadata

MAX_TEXT = 2000  # a description longer than this is junk or hostile; keep the start
MAX_NAME = 200  # make, model, lens

_DATE = re.compile(
    r"\s*(\d{4})[:\-/.](\d{1,2})[:\-/.](\d{1,2})(?:[ T]+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?"
)
_OFFSET = re.compile(r"\s*([+-])(\d{1,2}):?(\d{2})\s*$")
_SUBSEC = re.compile(r"\s*(\d{1,9})")
_EPOCH = datetime(1970, 1, 1)
# The tags read by exif_fields from a JPEG, per IFD. Everything else in its EXIF block (IFD1,
# the thumbnail's; Interoperability; dozens of camera settings; the pixel size, which the
# JPEG frame header gives) is cut from the copy exifread parses: it decodes every entry it
# meets (measured: ~40% less work on real camera files).
# IFD0: ImageDescription, Make, Model, Orientation, DateTime, Rating, RatingPercent, and the
# pointers to the EXIF and GPS IFDs.
_KEEP_IFD0 = frozenset({0x010E, 0x010F, 0x0110, 0x0112, 0x0132, 0x4746, 0x4749, 0x8769,
                        0x8825})  # fmt: skip
# EXIF: ExposureTime, FNumber, ISO, DateTimeOriginal, OffsetTime, OffsetTimeOriginal,
# ShutterSpeedValue, ApertureValue (both only read when the two before are missing),
# FocalLength, SubSecTime, SubSecTimeOriginal, LensModel, and the two ratings some writers
# put here.
_KEEP_EXIF = frozenset({0x829A, 0x829D, 0x8827, 0x9003, 0x9010, 0x9011, 0x9201, 0x9202, 0x920A,
                        0x9290, 0x9291, 0xA434, 0x4746, 0x4749})  # fmt: skip
# APEX values that are dropped when the plain value is there: {plain: APEX}.
_FALLBACKS = {0x829A: 0x9201, 0x829D: 0x9202}
# GPS: latitude and longitude with their references.
_KEEP_GPS = frozenset({1, 2, 3, 4})
_ENTRY = {b"II": struct.Struct("<HHII"), b"MM": struct.Struct(">HHII")}  # an IFD entry
_TIFF_AT = 12  # in SOI + APP1 header + "Exif\0\0": where the TIFF header starts


def slim_exif(segment: bytes) -> bytes:
    """SOI + EXIF segment with only the entries exif_fields reads (see _KEEP_*), in place:
    offsets stay valid, entries are only dropped. Anything unusual (IFDs out of bounds or
    sharing bytes, as hostile files have): the segment as it was, for exifread to judge."""
    order = segment[_TIFF_AT : _TIFF_AT + 2]
    if order not in _ENTRY:
        return segment
    entry = _ENTRY[order]
    try:
        (ifd0,) = struct.unpack_from(entry.format[0] + "I", segment, _TIFF_AT + 4)
        first = _ifd(segment, entry, ifd0)
        if first is None:
            return segment
        plan = [(ifd0, first, _KEEP_IFD0)]
        for pointer_tag, keep in ((0x8769, _KEEP_EXIF), (0x8825, _KEEP_GPS)):
            pointer = next((e for e in first if e[0] == pointer_tag), None)
            if pointer is None:
                continue
            sub = _ifd(segment, entry, pointer[3]) if pointer[2] == 1 else None
            if sub is None:
                return segment
            plan.append((pointer[3], sub, keep))
    except struct.error:
        return segment
    regions = sorted((ifd, ifd + 6 + 12 * len(entries)) for ifd, entries, _ in plan)
    if any(a[1] > b[0] for a, b in itertools.pairwise(regions)):
        return segment  # IFDs that overlap: pruning one would damage another
    buf = bytearray(segment)
    for ifd, entries, keep in plan:
        if keep is _KEEP_EXIF:  # an APEX fallback goes when its plain value is usable
            usable = {e[0] for e in entries if e[0] in _FALLBACKS and _rational_ok(segment, e)}
            keep = keep - {_FALLBACKS[tag] for tag in usable}
        start = _TIFF_AT + ifd
        table = b"".join(
            segment[start + 2 + 12 * i : start + 14 + 12 * i]
            for i, e in enumerate(entries)
            if e[0] in keep
        )
        struct.pack_into(entry.format[0] + "H", buf, start, len(table) // 12)
        buf[start + 2 : start + 6 + len(table)] = table + b"\x00\x00\x00\x00"
    return bytes(buf)


def _rational_ok(segment: bytes, entry: tuple[int, int, int, int]) -> bool:
    """Whether a RATIONAL entry holds a non-zero value with a non-zero denominator."""
    _tag, kind, count, value = entry
    if kind != 5 or count != 1:
        return False
    endian = "<" if segment[_TIFF_AT] == 0x49 else ">"
    try:
        num, den = struct.unpack_from(endian + "II", segment, _TIFF_AT + value)
    except struct.error:
        return False
    return num != 0 and den != 0


def _ifd(data: bytes, entry: struct.Struct, ifd: int) -> list[tuple[int, int, int, int]] | None:
    """(tag, type, count, value) of each entry of the IFD at ``ifd``; None if out of bounds."""
    start = _TIFF_AT + ifd
    (count,) = struct.unpack_from(entry.format[0] + "H", data, start)
    end = start + 2 + 12 * count
    if ifd < 8 or end + 4 > len(data):
        return None
    return list(entry.iter_unpack(data[start + 2 : end]))


# --- EXIF fields --------------------------------------------------------------------------


def _raw(tags: dict[str, Any], key: str) -> Any:
    """A tag's raw values: str/bytes for text, a list for numbers, None when absent."""
    tag = tags.get(key)
    return None if tag is None else getattr(tag, "values", None)


def _num(tags: dict[str, Any], key: str) -> float | None:
    """A tag's first value as a number; None when absent, not a number or x/0.
    (Called a dozen times per file: kept to the fewest calls.)"""
    tag = tags.get(key)
    if tag is None:
        return None
    values = getattr(tag, "values", None)
    if type(values) is not list or not values:
        return None
    return _scalar(values[0])


def _nums(tags: dict[str, Any], key: str) -> list[float | None] | None:
    values = _raw(tags, key)
    if type(values) is not list:
        return None
    return [_scalar(v) for v in values]


def _scalar(value: Any) -> float | None:
    kind = type(value)
    if kind is int:
        return value
    if isinstance(value, Fraction):  # exifread's Ratio: x/0 is stored, not raised
        den = value.denominator
        result = value.numerator / den if den else None
    elif kind is tuple:  # FLOAT/DOUBLE come as 1-tuples
        result = value[0] if value else None
    elif kind is float:
        result = value
    else:
        return None
    return result if result is None or math.isfinite(result) else None


def exif_fields(tags: dict[str, Any], out: dict[str, Any]) -> None:
    if not tags:
        return
    out["make"] = _text(_raw(tags, "Image Make"), MAX_NAME)
    out["model"] = _text(_raw(tags, "Image Model"), MAX_NAME)
    out["lens"] = _text(_raw(tags, "EXIF LensModel"), MAX_NAME)
    out["description"] = _text(_raw(tags, "Image ImageDescription"), MAX_TEXT)
    iso = _num(tags, "EXIF ISOSpeedRatings")
    out["iso"] = int(iso) if iso and 0 < iso < 10_000_000 else 0
    fnumber = _num(tags, "EXIF FNumber")
    if not fnumber:
        apex = _num(tags, "EXIF ApertureValue")
        fnumber = 2 ** (apex / 2) if apex is not None and 0 <= apex < 32 else None
    out["fnumber"] = round(fnumber, 2) if fnumber and 0.3 < fnumber < 1000 else 0.0
    exposure = _num(tags, "EXIF ExposureTime")
    if not exposure:
        apex = _num(tags, "EXIF ShutterSpeedValue")
        exposure = 2**-apex if apex is not None and -20 < apex < 30 else None
    out["exposure"] = float(exposure) if exposure and 0 < exposure < 100_000 else 0.0
    focal = _num(tags, "EXIF FocalLength")
    out["focal"] = float(focal) if focal and 0 < focal < 100_000 else 0.0
    if "width" not in out:  # the container's own header is the truth when we have it
        width = _num(tags, "EXIF ExifImageWidth") or _num(tags, "Image ImageWidth")
        height = _num(tags, "EXIF ExifImageLength") or _num(tags, "Image ImageLength")
        if width and height and 0 < width < 1_000_000 and 0 < height < 1_000_000:
            out["width"], out["height"] = int(width), int(height)
    out["orientation"] = _orientation(_num(tags, "Image Orientation"))
    if "GPS GPSLatitude" in tags:
        lat = _coordinate(
            _nums(tags, "GPS GPSLatitude"), _raw(tags, "GPS GPSLatitudeRef"), "N", "S", 90
        )
        lon = _coordinate(
            _nums(tags, "GPS GPSLongitude"), _raw(tags, "GPS GPSLongitudeRef"), "E", "W", 180
        )
        if lat is not None and lon is not None and not (lat == 0 and lon == 0):
            out["lat"], out["lon"] = round(lat, 7), round(lon, 7)
    out["exif_rating"] = _exif_rating(tags)
    taken = _timestamp(_raw(tags, "EXIF DateTimeOriginal"), _raw(tags, "EXIF SubSecTimeOriginal"))
    offset = _raw(tags, "EXIF OffsetTimeOriginal")
    if taken is None:
        taken = _timestamp(_raw(tags, "Image DateTime"), _raw(tags, "EXIF SubSecTime"))
        offset = _raw(tags, "EXIF OffsetTime")
    if taken is not None:
        out["taken"] = taken
        out["tz_offset"] = _offset(offset)


def _text(value: Any, limit: int) -> str:
    if not isinstance(value, (str, bytes)):
        return ""
    text = clean_metadata(value)
    return text[:limit] if len(text) > limit else text


def _orientation(value: float | None) -> int:
    """EXIF orientation 1..8; anything else means "as stored" (1)."""
    if value is not None and value == int(value) and 1 <= value <= 8:
        return int(value)
    return 1


def _coordinate(
    parts: list[float | None] | None, ref: Any, positive: str, negative: str, limit: float
) -> float | None:
    """Degrees from EXIF [deg, min, sec] and a hemisphere reference; None when invalid."""
    if parts is None or len(parts) != 3:
        return None
    degrees, minutes, seconds = parts
    if degrees is None or minutes is None or seconds is None:
        return None
    if min(degrees, minutes, seconds) < 0 or minutes >= 60 or seconds >= 60 or degrees > limit:
        return None
    result = degrees + minutes / 60 + seconds / 3600
    if result > limit:
        return None
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "replace")
    if ref is None:
        return result  # some writers omit the reference; north/east is their meaning
    ref = str(ref).strip().upper()[:1]
    if ref == positive:
        return result
    if ref == negative:
        return -result
    return None


def _exif_rating(tags: dict[str, Any]) -> int | None:
    """EXIF Rating (0x4746, stars) or, failing that, RatingPercent (0x4749) mapped to stars."""
    for key in ("Image Rating", "EXIF Rating"):
        value = _num(tags, key)
        if value is not None:
            stars = int(value)
            if stars == value and -1 <= stars <= 5:
                return stars
    for key in ("Image Tag 0x4749", "EXIF Tag 0x4749"):
        value = _num(tags, key)
        if value is not None and 0 <= value <= 100:
            if value == 0:
                return 0
            for stars, upper in ((1, 12), (2, 37), (3, 62), (4, 87), (5, 100)):
                if value <= upper:
                    return stars
    return None


def _timestamp(value: Any, subsec: Any = None) -> float | None:
    """EXIF "YYYY:MM:DD HH:MM:SS" (tolerating '-', '/', '.', 'T' and a missing time) as
    wall-clock seconds; None for anything that is not a real date (0000:00:00, Feb 30)."""
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if not isinstance(value, str):
        return None
    match = _DATE.match(value)
    if not match:
        return None
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    if not 1800 <= year <= 2200:
        return None
    try:  # datetime checks the calendar (month lengths, leap years) in C
        moment = datetime(year, month, day, hour, minute, min(second, 59))
    except ValueError:
        return None
    seconds = (moment - _EPOCH).total_seconds()
    if isinstance(subsec, str):
        digits = _SUBSEC.match(subsec)
        if digits:
            seconds += float("0." + digits.group(1))
    return seconds


def _offset(value: Any) -> int | None:
    """Minutes east of UTC from "+02:00"; None when absent or not a real offset."""
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if not isinstance(value, str):
        return None
    match = _OFFSET.match(value)
    if not match:
        return None
    sign, hours, minutes = match.groups()
    total = int(hours) * 60 + int(minutes)
    if int(minutes) >= 60 or total > 14 * 60:
        return None
    return -total if sign == "-" else total


def wall_clock(posix: float) -> tuple[float | None, int | None]:
    """A POSIX time as local wall-clock seconds (see Photo.taken) and its UTC offset (min);
    (None, None), unknown, for a time outside the years 1 to 9999 (tmpfs and btrfs let
    ``touch -d @253402300800`` give a file such an mtime), which no date can show."""
    try:
        local = time.localtime(posix)
    except (OverflowError, OSError, ValueError):
        return None, None
    if not 1 <= local.tm_year <= 9999:
        return None, None
    return calendar.timegm(local) + (posix % 1), local.tm_gmtoff // 60
