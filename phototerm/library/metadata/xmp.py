"""XMP: the rating and keywords other photo tools leave in sidecars and inside files.

Only two things are read: ``xmp:Rating`` (-1 rejected, 0 unrated, 1..5; decimals are rounded)
and ``dc:subject`` (keywords). XMP is untrusted XML, and Python's parsers expand internal
entities (the "billion laughs" bomb), so a packet holding a DOCTYPE or ENTITY declaration is
refused before it reaches ``xml.etree``; packets are also capped in size. A packet that is not
well-formed XML still gets its rating read by a narrow regular expression, because some
writers produce sloppy packets and a rating is worth keeping.

``embedded_packet`` finds the XMP packet inside a JPEG (APP1), PNG (iTXt), WebP ("XMP "
chunk) or TIFF (tag 700, also most TIFF-based RAW files) by walking the container's structure
from the start: it reads headers, never the whole file. (exifread skips tag 700 unless asked
for details, and its own XMP search reads the whole file.)
"""

from __future__ import annotations

import math
import os
import re
import struct
import zlib
from dataclasses import dataclass
from typing import BinaryIO
from xml.etree import ElementTree

from phototerm.library.files.regular import open_regular

NS_XMP = "http://ns.adobe.com/xap/1.0/"
NS_DC = "http://purl.org/dc/elements/1.1/"
NS_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XMP_APP1_HEADER = b"http://ns.adobe.com/xap/1.0/\x00"

MAX_PACKET = 4 * 1024 * 1024  # bytes; real packets are a few KB, sidecars rarely 100 KB
MAX_SUBJECTS = 500
MAX_SEGMENTS = 1000  # JPEG segments walked before giving up (real files have < 30)

_RATING_TAG = f"{{{NS_XMP}}}Rating"
_SUBJECT_TAG = f"{{{NS_DC}}}subject"
_LI_TAG = f"{{{NS_RDF}}}li"
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
# Fallback for packets that are not well-formed: xmp:Rating="4" or <xmp:Rating>4</xmp:Rating>.
_RATING_RE = re.compile(rb"""[:\s<]Rating\s*(?:=\s*["']([^"'<>]{1,16})["']|>\s*([^<]{1,16})</)""")


@dataclass(frozen=True, slots=True)
class XmpData:
    rating: int | None = None  # None: no valid rating in the packet
    subjects: tuple[str, ...] = ()


EMPTY = XmpData()


def parse_rating(text: str | bytes | None) -> int | None:
    """An xmp:Rating value as an int in -1..5, or None when absent or out of range."""
    if text is None:
        return None
    if isinstance(text, bytes):
        text = text.decode("ascii", "replace")
    try:
        value = float(text.strip())
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    rounded = math.floor(value + 0.5)  # half away from zero for positives: 2.5 -> 3
    if value < 0:
        rounded = -math.floor(-value + 0.5)
    return rounded if -1 <= rounded <= 5 else None


def parse_packet(data: bytes | str | None) -> XmpData:
    """Rating and subjects from an XMP packet; EMPTY for anything unusable. Never raises."""
    if not data:
        return EMPTY
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if len(data) > MAX_PACKET or _DECLARATION.search(data):
        return EMPTY
    # Trailing NULs/padding after the packet trailer upset the parser; cut at the last '>'.
    end = data.rfind(b">")
    if end < 0:
        return EMPTY
    body = data[: end + 1]
    start = body.find(b"<")
    if start < 0:
        return EMPTY
    try:
        root = ElementTree.fromstring(body[start:])
    except (ElementTree.ParseError, ValueError, UnicodeError):
        return _regex_fallback(body)
    except Exception:  # noqa: BLE001 - hostile input must never escape the reader
        return EMPTY
    return _from_tree(root)


def _from_tree(root: ElementTree.Element) -> XmpData:
    rating: int | None = None
    subjects: list[str] = []
    for element in root.iter():
        if rating is None:
            value = element.get(_RATING_TAG)
            if value is None and element.tag == _RATING_TAG:
                value = element.text
            if value is not None:
                rating = parse_rating(value)
        if element.tag == _SUBJECT_TAG:
            for li in element.iter(_LI_TAG):
                text = (li.text or "").strip()
                if text and text not in subjects and len(subjects) < MAX_SUBJECTS:
                    subjects.append(text)
    return XmpData(rating, tuple(subjects))


def _regex_fallback(body: bytes) -> XmpData:
    match = _RATING_RE.search(body)
    if not match:
        return EMPTY
    return XmpData(parse_rating(match.group(1) or match.group(2)), ())


def read_sidecar(path: str | os.PathLike[str]) -> XmpData:
    """Rating and subjects of an XMP sidecar file. Missing/unreadable/garbage, or not a
    regular file (a FIFO would block the read for ever) -> EMPTY."""
    try:
        with open_regular(path) as fh:
            data = fh.read(MAX_PACKET + 1)
    except OSError:
        return EMPTY
    return parse_packet(data)


# --- packets embedded in image files ------------------------------------------------------


def embedded_packet(fh: BinaryIO, head: bytes) -> bytes | None:
    """The XMP packet inside an open image file, or None. ``head``: its first bytes (at least
    12; the more, the fewer reads).

    Reads segment/chunk headers only and stops at the image data; never raises OSError or
    struct errors out (a damaged file simply has no packet).
    """
    try:
        if head[:2] == b"\xff\xd8":
            return jpeg_packet(fh, head, jpeg_segments(fh, head))
        if head[:8] == b"\x89PNG\r\n\x1a\n":
            return _png_packet(fh)
        if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            return _webp_packet(fh)
        if head[:4] in (b"II*\x00", b"MM\x00*"):
            return _tiff_packet(fh, head)
    except (OSError, struct.error, ValueError, zlib.error, OverflowError, MemoryError):
        return None
    return None


def read_at(fh: BinaryIO, head: bytes, offset: int, size: int) -> bytes:
    """``size`` bytes at ``offset``: from ``head`` (the file's first bytes) when it holds
    them, else from the file."""
    if offset + size <= len(head):
        return head[offset : offset + size]
    fh.seek(offset)
    return fh.read(size)


def jpeg_segments(fh: BinaryIO, head: bytes = b"", limit: int = 0) -> list[tuple[int, int, int]]:
    """(marker, payload offset, payload length) of a JPEG's segments up to the scan data
    (the last one is then SOS, 0xDA), at most ``limit`` (default MAX_SEGMENTS) of them."""
    limit = limit or MAX_SEGMENTS
    out: list[tuple[int, int, int]] = []
    pos = 2
    while len(out) < limit:
        header = read_at(fh, head, pos, 4)
        if len(header) < 4 or header[0] != 0xFF:
            break
        marker = header[1]
        if marker == 0xFF:  # fill byte before a marker
            pos += 1
            continue
        length = (header[2] << 8) | header[3]
        if length < 2:
            break
        out.append((marker, pos + 4, length - 2))
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            break
        pos += 2 + length
    return out


def jpeg_packet(fh: BinaryIO, head: bytes, segments: list[tuple[int, int, int]]) -> bytes | None:
    """The XMP packet of a JPEG (the APP1 segment with Adobe's XMP header), or None."""
    size = len(XMP_APP1_HEADER)
    for marker, offset, length in segments:
        if marker == 0xE1 and length > size and read_at(fh, head, offset, size) == XMP_APP1_HEADER:
            return read_at(fh, head, offset + size, length - size)
    return None


def _tiff_packet(fh: BinaryIO, head: bytes) -> bytes | None:
    """XMP in TIFF tag 700 of the first IFD (TIFF, DNG and most TIFF-based RAW files)."""
    order = "<" if head[:2] == b"II" else ">"
    (ifd,) = struct.unpack(order + "I", read_at(fh, head, 4, 4))
    (count,) = struct.unpack(order + "H", read_at(fh, head, ifd, 2))
    entries = read_at(fh, head, ifd + 2, 12 * min(count, 1000))
    for i in range(len(entries) // 12):
        tag, kind, n, value = struct.unpack_from(order + "HHII", entries, 12 * i)
        if tag == 0x02BC and kind in (1, 7) and 4 < n <= MAX_PACKET:
            return read_at(fh, head, value, n)
    return None


def _png_packet(fh: BinaryIO) -> bytes | None:
    fh.seek(8)
    for _ in range(256):
        header = fh.read(8)
        if len(header) < 8:
            return None
        size, kind = struct.unpack(">I4s", header)
        if kind in (b"IDAT", b"IEND"):
            return None
        if kind == b"iTXt" and size <= MAX_PACKET:
            chunk = fh.read(size)
            keyword, _, rest = chunk.partition(b"\x00")
            if keyword == b"XML:com.adobe.xmp" and len(rest) >= 2:
                compressed = rest[0] == 1
                # skip compression method, language tag and translated keyword
                text = rest[2:].split(b"\x00", 2)[-1]
                if compressed:
                    return zlib.decompressobj().decompress(text, MAX_PACKET)
                return text
            fh.seek(4, os.SEEK_CUR)  # CRC
        else:
            fh.seek(size + 4, os.SEEK_CUR)
    return None


def _webp_packet(fh: BinaryIO) -> bytes | None:
    fh.seek(12)
    for _ in range(64):
        header = fh.read(8)
        if len(header) < 8:
            return None
        kind, size = struct.unpack("<4sI", header)
        if kind == b"XMP " and size <= MAX_PACKET:
            return fh.read(size)
        fh.seek(size + (size & 1), os.SEEK_CUR)
    return None
