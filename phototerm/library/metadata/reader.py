"""One file -> the fields of a Photo: exifread for EXIF, a cheap header check, XMP ratings.

Reading is per file and never raises: whatever goes wrong becomes the record's ``error``
text, so a broken photo shows up as an error tile (``is:error``) instead of stopping a scan.
The work is shaped for the indexer's worker processes: ``read_chunk`` takes plain tuples and
returns plain tuples (cheap to pickle), ``photo_from_row`` turns a row back into a Photo.

What "cheap" means here: the file is opened once and its first 64 KiB read; the container
header is checked from them (JPEG segments are walked up to the scan data, other formats get
Pillow's lazy ``Image.open``, which reads the header only); nothing is decoded. For a JPEG,
exifread gets an in-memory copy of the EXIF segment holding only the entries used here
(``exiftags.slim_exif``), which saves exifread ~40% of its work on camera files. A JPEG larger
than the first read gets one more small read at its end, to see whether it ends with EOI
(a truncated file's header and EXIF thumbnail are intact: only its end tells).
"""

from __future__ import annotations

import dataclasses
import io
import logging
import os
import re
import struct
import warnings
from collections.abc import Sequence
from typing import Any, BinaryIO

from phototerm.library.files.links import stays_inside
from phototerm.library.files.regular import is_regular, open_regular
from phototerm.library.metadata import bmff, heif, raw, video, xmp
from phototerm.library.metadata.exiftags import exif_fields, slim_exif, wall_clock
from phototerm.library.metadata.rows import (  # noqa: F401 - re-exported
    ROW_DEFS,
    ROW_FIELDS,
    TRUNCATED_JPEG,
    Item,
    Row,
    photo_from_row,
    row_of,
)
from phototerm.library.photo import PHOTO, RAW_EXTENSIONS, VIDEO, Photo, extension, kind_of
from phototerm.library.pictures.budget import TOO_LARGE, jpeg_too_large, too_large
from phototerm.library.text import clean_metadata

# exifread logs through `logging`; unhandled, its warnings would land on stderr, i.e. over the
# TUI. Nothing it says is useful to a user: the record's error field carries what matters.
_exif_log = logging.getLogger("exifread")
_exif_log.addHandler(logging.NullHandler())
_exif_log.propagate = False
_exif_log.setLevel(logging.CRITICAL + 1)


_DEFAULTS = {
    f.name: f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
    for f in ROW_DEFS
    if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
}

HEAD_BYTES = 65536  # first read of a file

# JPEG start-of-frame markers (C4 DHT, C8 JPG, CC DAC are not frames).
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
# RAW containers by their first bytes: TIFF-based ones, and the few that are not.
_RAW_MAGIC = (
    b"II*\x00",
    b"MM\x00*",
    b"IIRO",
    b"IIRS",
    b"MMOR",
    b"IIU\x00",
    b"FUJIFILM",
    b"FOVb",
    b"\x00MRM",
    b"II\x1a\x00\x00\x00HEAP",
)
# Truncated JPEGs: see _jpeg_truncated. The first look at the file's end is small (a whole
# JPEG ends in EOI, or in a camera trailer that a few KB usually cover); only when that finds
# no EOI is the larger window read.
TAIL_PROBE = 4096
TAIL_WINDOW = 65536
TRUNCATED_PNG = "truncated PNG (the file ends before the image does)"
TRUNCATED_TIFF = "truncated TIFF (the file ends before the image does)"
TRUNCATED_HEIF = "truncated HEIF (the file ends before the image does)"
TRUNCATED_VIDEO = "truncated video (the file ends before the movie does)"
_INTACT_HEADER = frozenset({TRUNCATED_JPEG, TRUNCATED_PNG, TRUNCATED_TIFF, TRUNCATED_HEIF})
_IEND = b"IEND\xaeB`\x82"  # the IEND chunk's type and its (fixed) CRC
_MAX_PNG_CHUNKS = 100_000
_EOI = b"\xff\xd9"
# A byte pair that cannot occur in the scan data of a JPEG we would flag: inside a scan an FF is
# stuffed (FF 00) or a restart marker (FF D0-D7); between the scans of a progressive JPEG come
# DHT, SOS, DQT, DRI (C4, DA, DB, DD). Anything else (fill bytes FF FF included, rare before a
# marker) means: not (only) scan data, so not flagged.
_NOT_SCAN = re.compile(rb"\xff[^\x00\xd0-\xd7\xc4\xda\xdb\xdd]")
_MIN_STUFFED = 16  # FF 00 pairs a 64 KiB window of real scan data has (expected ~250)
# Formats exifread understands; for the others (GIF, BMP) it is not worth a call.
_EXIF_FORMATS = ("jpeg", "tiff", "png", "webp", "heif")


def read(
    root: str, rel: str, size: int, mtime: float, sidecar: str | None | bool = True, space: str = ""
) -> Photo:
    """The Photo for one file. ``sidecar``: its XMP sidecar's path, None when there is none,
    True to look for ``NAME.EXT.xmp`` / ``NAME.xmp`` beside the file."""
    if sidecar is True:
        sidecar = find_sidecar(os.path.join(root, rel), root)
    row, _ = read_row(root, rel, size, mtime, sidecar or None)
    return photo_from_row(space, root, row)


def read_chunk(root: str, items: Sequence[Item]) -> list[tuple[Row, bool]]:
    """Rows for a chunk of files of one space root (the unit of work of a worker process).

    Each result is (row, cacheable): errors that may go away without the file changing
    (a permission fixed, a network share back) are not worth caching.
    """
    return [read_row(root, rel, size, mtime, sidecar) for rel, size, mtime, sidecar in items]


def find_sidecar(path: str, root: str) -> str | None:
    """``NAME.EXT.xmp`` (darktable, digiKam: preferred) or ``NAME.xmp`` (Lightroom): a
    regular file, reached through links only inside the space ``root`` (as the scanner
    attaches them)."""
    stem, _ = os.path.splitext(path)
    real_root = os.path.realpath(root)
    for candidate in (path + ".xmp", path + ".XMP", stem + ".xmp", stem + ".XMP"):
        if is_regular(candidate) and stays_inside(candidate, real_root):
            return candidate
    return None


def error_row(rel: str, size: int, mtime: float, reason: str) -> Row:
    """The row of a file that could not be read: what the walk knew, and why."""
    taken, tz = wall_clock(mtime)
    return make_row(rel, kind_of(rel) or PHOTO, size, mtime, taken, tz, error=reason)


def read_row(root: str, rel: str, size: int, mtime: float, sidecar: str | None) -> tuple[Row, bool]:
    """Never raises: every failure is recorded in the row's error field."""
    try:
        return _read_row(root, rel, size, mtime, sidecar)
    except Exception as exc:  # noqa: BLE001 - last line of defence for one bad file
        row = error_row(rel, size, mtime, f"unreadable: {_describe(exc)}")
        return row, not isinstance(exc, OSError)


def _read_row(
    root: str, rel: str, size: int, mtime: float, sidecar: str | None
) -> tuple[Row, bool]:
    kind = kind_of(rel) or PHOTO
    side = xmp.read_sidecar(sidecar) if sidecar else xmp.EMPTY
    path = os.path.join(root, rel)
    try:
        # Only a regular file is opened: a FIFO under a photo's name would block for ever.
        with open_regular(path, buffering=16384) as fh:
            if kind == VIDEO:
                return _read_video(fh, rel, size, mtime, side), True
            return _read_open(fh, rel, kind, size, mtime, side, path)
    except OSError as exc:  # open failed (reads inside are handled by _read_open)
        taken, tz = wall_clock(mtime)
        return make_row(
            rel, kind, size, mtime, taken, tz, error=f"cannot open: {_oserror(exc)}"
        ), False


def _read_video(fh: BinaryIO, rel: str, size: int, mtime: float, side: xmp.XmpData) -> Row:
    """A video's row: its container checked from the first bytes, its streams read by PyAV
    when installed, its capture time from the container, else its mtime."""
    fields: dict[str, Any] = {}
    try:
        head = fh.read(HEAD_BYTES)
        error = video.container_error(head)
        if not error and video.is_bmff(head):
            error = TRUNCATED_VIDEO if bmff.truncated(fh) else ""
    except OSError as exc:
        return error_row(rel, size, mtime, f"cannot read: {_oserror(exc)}")
    if not error or error == TRUNCATED_VIDEO:
        problem = video.read_video(fh, fields)
        error = error or problem
    taken, tz = fields.pop("taken", None), fields.pop("tz_offset", None)
    if taken is None:
        taken, tz = wall_clock(mtime)
    rating = side.rating if side.rating is not None else 0
    return make_row(
        rel, VIDEO, size, mtime, taken, tz, rating=rating, tags=side.subjects, error=error,
        **fields,
    )  # fmt: skip


def _read_open(
    fh: BinaryIO, rel: str, kind: str, size: int, mtime: float, side: xmp.XmpData, path: str
) -> tuple[Row, bool]:
    fields: dict[str, Any] = {}
    try:
        # One read holds a camera JPEG's whole metadata (APP1 is at most 64 KiB): the segment
        # walk and exifread then work in memory instead of seeking the file hundreds of times.
        head = fh.read(HEAD_BYTES)
    except OSError as exc:
        return error_row(rel, size, mtime, f"cannot read: {_oserror(exc)}"), False
    fmt, error, source = _identify(fh, head, rel, fields)
    if fmt == "heif" and not error:
        try:
            error = TRUNCATED_HEIF if bmff.truncated(fh) else ""
        except OSError as exc:
            return error_row(rel, size, mtime, f"cannot read: {_oserror(exc)}"), False
    tags: dict[str, Any] = {}
    # A truncated or too large picture's header and EXIF are intact: read them (its date
    # still sorts it).
    intact = not error or error in _INTACT_HEADER or error.startswith(TOO_LARGE)
    if intact and fmt in _EXIF_FORMATS:
        # Imported here: what only needs this module's rows and versions (a warm start that
        # reads no file) does not pay for exifread's import.
        import exifread

        try:
            # builtin_types=False: converting every tag costs ~10% of the read; the dozen
            # values used here are converted by _num()/_raw() instead.
            tags = exifread.process_file(
                source, details=False, extract_thumbnail=False, builtin_types=False
            )
        except Exception as exc:  # noqa: BLE001 - exifread raises anything on damaged input
            # exifread's HEIF support is partial (it stops on files other readers open):
            # only pillow-heif, below, says whether a HEIF is damaged.
            if fmt != "heif":
                error = error or f"EXIF unreadable: {_describe(exc)}"
        if not isinstance(tags, dict):
            tags = {}
    packet = fields.pop("_xmp", None)
    if intact and fmt and not fmt.startswith("jpeg"):
        packet = xmp.embedded_packet(fh, head)
    if intact and fmt == "heif" and ("EXIF ExifImageWidth" not in tags or not tags):
        more, problem = heif.read_heif(fh, fields)
        error = error or _clean(problem)
        if more and not tags:
            tags = more
        exif_fields(tags, fields)
        heif.stored_size(fields, fields.get("orientation", 1))
    else:
        exif_fields(tags, fields)
    if intact and fmt == "tiff" and extension(rel) in RAW_EXTENSIONS:
        more, problem = raw.read_raw(fh, path, bool(tags), fields)
        error = error or _clean(problem)
        if more:  # the preview's EXIF, for what LibRaw did not say (its size is the preview's)
            known: dict[str, Any] = {
                k: fields[k] for k in ("orientation", "width", "height") if k in fields
            }
            exif_fields(more, fields)
            fields.update(known)
    taken, tz = fields.pop("taken", None), fields.pop("tz_offset", None)
    if taken is None:
        taken, tz = wall_clock(mtime)
    embedded = xmp.parse_packet(packet) if packet else xmp.EMPTY
    rating = _first(side.rating, embedded.rating, fields.pop("exif_rating", None))
    return make_row(
        rel,
        kind,
        size,
        mtime,
        taken,
        tz,
        rating=rating if rating is not None else 0,
        tags=side.subjects or embedded.subjects,
        error=error,
        **fields,
    ), True


def _identify(
    fh: BinaryIO, head: bytes, rel: str, fields: dict[str, Any]
) -> tuple[str, str, BinaryIO]:
    """(format, error, what exifread should read). The cheapest check that the file is what
    its name says."""
    if not head:
        return "", "empty file", fh
    if head[:3] == b"\xff\xd8\xff":
        error, exif = _jpeg_header(fh, head, fields)
        # exifread gets just SOI + the EXIF segment: it then neither seeks around the file
        # nor misses an EXIF segment that follows large APP segments (its own search only
        # looks at the first few KB). No EXIF segment: nothing for exifread to do.
        return ("jpeg" if exif else "jpeg-no-exif"), error, io.BytesIO(exif)
    ext = extension(rel)
    if ext in RAW_EXTENSIONS:
        if head.startswith(_RAW_MAGIC) or head[4:11] == b"ftypcrx":
            return "tiff", "", fh
        return "", "not a RAW file (unrecognised content)", fh
    if head[4:8] == b"ftyp":  # HEIF/HEIC/AVIF: Pillow needs a plugin; exifread reads it
        return "heif", "", fh
    fmt, error = _pillow_header(fh, fields)
    return fmt, error, fh


def _jpeg_header(fh: BinaryIO, head: bytes, fields: dict[str, Any]) -> tuple[str, bytes]:
    """(error, SOI + the EXIF APP1 segment or b""). Fills width/height/_xmp in ``fields``."""
    exif = b""
    try:
        segments = xmp.jpeg_segments(fh, head)
        for marker, offset, length in segments:
            if marker in _SOF and length >= 5:
                frame = xmp.read_at(fh, head, offset + 1, 4)
                if len(frame) == 4 and "width" not in fields:
                    fields["height"] = (frame[0] << 8) | frame[1]
                    fields["width"] = (frame[2] << 8) | frame[3]
            elif (
                marker == 0xE1 and not exif and xmp.read_at(fh, head, offset, 6) == b"Exif\x00\x00"
            ):
                exif = slim_exif(b"\xff\xd8" + xmp.read_at(fh, head, offset - 4, length + 4))
        fields["_xmp"] = xmp.jpeg_packet(fh, head, segments)
    except OSError as exc:
        return f"cannot read: {_oserror(exc)}", b""
    if "width" not in fields:
        return "damaged JPEG: no image header (truncated?)", exif
    large = jpeg_too_large(fields["width"], fields["height"])
    if large:
        return large, exif
    if segments[-1][0] != 0xDA:
        if len(segments) < xmp.MAX_SEGMENTS:
            return "damaged JPEG: no image data (truncated?)", exif
        return "", exif
    _marker, offset, length = segments[-1]
    try:
        if _jpeg_truncated(fh, head, offset + length):
            return TRUNCATED_JPEG, exif
    except OSError as exc:
        return f"cannot read: {_oserror(exc)}", exif
    return "", exif


def _jpeg_truncated(fh: BinaryIO, head: bytes, scan: int) -> bool:
    """Whether the JPEG whose scan data starts at ``scan`` ends before its EOI marker.

    The rule, chosen so that an intact file is never flagged:
    - Only bytes from ``scan`` on count: the EXIF thumbnail's EOI (in APP1) is before it, and
      in scan data FF D9 cannot occur by chance (a data FF is stuffed as FF 00).
    - An EOI anywhere in the file's last TAIL_WINDOW bytes (after ``scan``): intact. This
      accepts camera trailers after the EOI (Samsung, MPF second images, which end in their
      own EOI) as long as they are shorter than the window.
    - No EOI and the window reaches back to ``scan``: everything after the scan header was
      seen and no EOI ends it: truncated.
    - No EOI and the window starts later: either a cut-off scan or the end of a trailer larger
      than the window (a motion photo's video) whose EOI we did not read. Flagged only when
      the window looks like scan data: at least _MIN_STUFFED FF 00 pairs and no FF pair that
      scan data cannot hold (_NOT_SCAN); video, padding or raw maps fail that, so at worst a
      truncated file goes unflagged, never an intact one.
    Cost: one TAIL_PROBE read (none for a file inside ``head``); the window only on a miss.
    """
    end = len(head) if len(head) < HEAD_BYTES else fh.seek(0, os.SEEK_END)
    after = end - scan
    if after <= 0:
        return True  # the file ends at (or inside) the scan header
    probe = min(TAIL_PROBE, after)
    if _EOI in xmp.read_at(fh, head, end - probe, probe):
        return False
    size = min(TAIL_WINDOW, after)
    window = xmp.read_at(fh, head, end - size, size)
    if _EOI in window:
        return False
    if size == after:
        return True
    return window.count(b"\xff\x00") >= _MIN_STUFFED and not _NOT_SCAN.search(window)


def _pillow_header(fh: BinaryIO, fields: dict[str, Any]) -> tuple[str, str]:
    from PIL import Image  # imported late: a JPEG-only library never needs it

    fh.seek(0)
    try:
        with warnings.catch_warnings():
            # DecompressionBombWarning and "cannot identify" chatter would reach the terminal.
            warnings.simplefilter("ignore")
            with Image.open(fh) as im:
                fields["width"], fields["height"] = width, height = im.size
                fmt = {"mpo": "jpeg"}.get((im.format or "").lower(), (im.format or "").lower())
                # What the grid would find when it decodes: too large for the budget (a
                # JPEG is decoded at a reduced scale), or data cut off.
                if fmt == "jpeg":
                    error = jpeg_too_large(width, height)
                else:
                    error = too_large(width, height, im.mode, "transparency" in im.info)
                if not error and fmt == "png" and _png_truncated(fh):
                    error = TRUNCATED_PNG
                elif not error and fmt == "tiff" and _tiff_truncated(fh, im):
                    error = TRUNCATED_TIFF
    except Image.DecompressionBombError as exc:
        return "", f"{TOO_LARGE} ({exc})"
    except Image.UnidentifiedImageError:
        return "", "not an image (unrecognised content)"
    except Exception as exc:  # noqa: BLE001 - Pillow plugins raise many types on garbage
        return "", f"damaged image: {_describe(exc)}"
    return fmt, error


def _png_truncated(fh: BinaryIO) -> bool:
    """Whether the PNG ends inside its chunks (its image data cut off). An intact PNG ends
    with IEND, which one small read at the end sees; only a file that does not is walked
    chunk by chunk (8 bytes read per chunk), which tells a cut file from one with bytes
    appended after its IEND."""
    end = fh.seek(0, os.SEEK_END)
    probe = min(TAIL_PROBE, end)
    fh.seek(end - probe)
    if _IEND in fh.read(probe):
        return False
    pos = 8
    for _ in range(_MAX_PNG_CHUNKS):
        fh.seek(pos)
        header = fh.read(8)
        if len(header) < 8:
            return pos < end  # a chunk header cut in two
        length, kind = struct.unpack(">I4s", header)
        if kind == b"IEND":
            return False
        pos += 12 + length
        if pos > end:
            return kind == b"IDAT"  # cut inside its image data (anything else is ignored)
        if pos == end:
            return False  # no IEND, but nothing is missing: Pillow shows it
    return False  # too many chunks to say: not flagged


def _tiff_truncated(fh: BinaryIO, im: Any) -> bool:
    """Whether a strip or tile of the TIFF's first image lies past the end of the file."""
    end = fh.seek(0, os.SEEK_END)
    tags = getattr(im, "tag_v2", {})
    for offsets_tag, counts_tag in ((273, 279), (324, 325)):  # strips, tiles
        offsets, counts = tags.get(offsets_tag), tags.get(counts_tag)
        if offsets is None or counts is None:
            continue
        offsets = offsets if isinstance(offsets, tuple) else (offsets,)
        counts = counts if isinstance(counts, tuple) else (counts,)
        try:
            return any(int(o) + int(c) > end for o, c in zip(offsets, counts, strict=False))
        except (TypeError, ValueError):
            return False
    return False


# --- helpers ------------------------------------------------------------------------------


def make_row(
    rel: str,
    kind: str,
    size: int,
    mtime: float,
    taken: float | None,
    tz_offset: int | None,
    **fields: Any,
) -> Row:
    """A row from the walk's facts plus any Photo fields (the others take Photo's defaults)."""
    values = {**_DEFAULTS, **fields}
    if len(values) != len(_DEFAULTS):
        raise TypeError(f"not Photo fields: {sorted(set(values) - set(_DEFAULTS))}")
    values.update(rel=rel, kind=kind, size=size, mtime=mtime, taken=taken, tz_offset=tz_offset)
    values["tags"] = tuple(values["tags"])
    return tuple(values[name] for name in ROW_FIELDS)


def _first(*values: int | None) -> int | None:
    return next((v for v in values if v is not None), None)


def _clean(text: str) -> str:
    return clean_metadata(text) if text else ""


def _oserror(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _describe(exc: BaseException) -> str:
    text = clean_metadata(str(exc))[:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
