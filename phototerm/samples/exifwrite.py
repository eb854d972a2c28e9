"""A small EXIF writer: the APP1 segment a camera writes, built by hand.

Used by the demo library and the bench's synthetic library, so the reader (exifread) meets
files shaped like real camera output: IFD0, the EXIF sub-IFD, a GPS IFD and IFD1 with an
embedded JPEG thumbnail. Pillow's ``Image.Exif`` cannot write IFD1 thumbnails, hence this.

Layout (little-endian TIFF, every offset relative to the TIFF header)::

    "Exif\\0\\0" | "II*\\0" 8 | IFD0 + data | EXIF IFD + data | GPS IFD + data | IFD1 + data | thumb

``fields`` keys (all optional; unknown keys raise ``ValueError`` so typos do not pass
silently). Text values may be ``str`` or ``bytes`` (bytes are written as given, to make
hostile EXIF for tests)::

    make, model, software, description (ImageDescription), datetime (DateTime),
    orientation (1..8), rating (0x4746), rating_percent (0x4749),
    datetime_original, offset_time_original ("+02:00"), exposure (seconds),
    fnumber, iso, focal (mm), lens (LensModel), width, height (PixelX/YDimension),
    lat, lon (decimal degrees, signed), altitude (m), thumbnail (JPEG bytes for IFD1)

Datetimes may be ``datetime`` objects or EXIF text ("2023:05:01 10:11:12").
"""

from __future__ import annotations

import functools
import io
import struct
from collections.abc import Mapping
from datetime import datetime
from fractions import Fraction
from typing import Any

from PIL import Image

EXIF_HEADER = b"Exif\x00\x00"
XMP_HEADER = b"http://ns.adobe.com/xap/1.0/\x00"
THUMB_SIZE = (160, 120)
MAX_SEGMENT = 65533  # bytes of payload one JPEG marker segment can hold

# TIFF field types
BYTE, ASCII, SHORT, LONG, RATIONAL, UNDEFINED = 1, 2, 3, 4, 5, 7

# Tags
T_DESCRIPTION, T_MAKE, T_MODEL, T_ORIENTATION = 0x010E, 0x010F, 0x0110, 0x0112
T_XRES, T_YRES, T_RESUNIT, T_SOFTWARE, T_DATETIME = 0x011A, 0x011B, 0x0128, 0x0131, 0x0132
T_COMPRESSION, T_THUMB_OFFSET, T_THUMB_LENGTH = 0x0103, 0x0201, 0x0202
T_RATING, T_RATING_PERCENT = 0x4746, 0x4749
T_EXIF_IFD, T_GPS_IFD = 0x8769, 0x8825
T_EXPOSURE, T_FNUMBER, T_ISO, T_EXIF_VERSION = 0x829A, 0x829D, 0x8827, 0x9000
T_DATETIME_ORIGINAL, T_OFFSET_TIME_ORIGINAL = 0x9003, 0x9011
T_FOCAL, T_PIXEL_X, T_PIXEL_Y, T_LENS_MODEL = 0x920A, 0xA002, 0xA003, 0xA434
G_VERSION, G_LAT_REF, G_LAT, G_LON_REF, G_LON, G_ALT_REF, G_ALT = 0, 1, 2, 3, 4, 5, 6

FIELDS = frozenset(
    [
        "make",
        "model",
        "software",
        "description",
        "datetime",
        "orientation",
        "rating",
        "rating_percent",
        "datetime_original",
        "offset_time_original",
        "exposure",
        "fnumber",
        "iso",
        "focal",
        "lens",
        "width",
        "height",
        "lat",
        "lon",
        "altitude",
        "thumbnail",
    ]
)

# An entry: (tag, type, count, payload bytes already in file byte order)
Entry = tuple[int, int, int, bytes]


def _ascii(tag: int, value: str | bytes) -> Entry:
    raw = value if isinstance(value, bytes) else value.encode("utf-8")
    raw += b"\x00"
    return (tag, ASCII, len(raw), raw)


def _short(tag: int, *values: int) -> Entry:
    return (tag, SHORT, len(values), struct.pack(f"<{len(values)}H", *values))


def _long(tag: int, value: int) -> Entry:
    return (tag, LONG, 1, struct.pack("<I", value))


Rational = float | Fraction | tuple[int, int]


@functools.lru_cache(maxsize=4096)
def _fraction(value: float, max_den: int) -> tuple[int, int]:
    # Cached: apertures, focal lengths and exposures repeat across a whole library.
    f = Fraction(value).limit_denominator(max_den)
    return f.numerator, f.denominator


def _rational(tag: int, *values: Rational, max_den: int = 100_000) -> Entry:
    parts: list[int] = []
    for v in values:
        if isinstance(v, tuple):
            parts += v
        elif isinstance(v, int):
            parts += [v, 1]
        elif isinstance(v, Fraction):
            parts += [v.numerator, v.denominator]
        else:
            parts += _fraction(float(v), max_den)
    return (tag, RATIONAL, len(values), struct.pack(f"<{len(parts)}I", *parts))


def _exif_time(value: datetime | str) -> str:
    return value.strftime("%Y:%m:%d %H:%M:%S") if isinstance(value, datetime) else value


def _dms(value: float) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
    """Decimal degrees -> degrees, minutes, seconds (1/10000 s), as cameras store them."""
    # Integer arithmetic: 45.9 must give 45 54 0, not 45 53 60 from float round-off.
    total = round(abs(value) * 3600 * 10000)
    deg, rest = divmod(total, 3600 * 10000)
    minutes, seconds = divmod(rest, 60 * 10000)
    return (deg, 1), (minutes, 1), (seconds, 10000)


def _exposure(value: float | Fraction) -> Fraction | tuple[int, int]:
    # 1/250 s is stored as 1/250, not 0.004 rounded: exifread then prints "1/250".
    if isinstance(value, Fraction):
        return value
    if 0 < value < 1:
        inverse = 1 / value
        if abs(inverse - round(inverse)) < 1e-6:
            return (1, round(inverse))
    return _fraction(float(value), 10_000)


def _pad(n: int) -> int:
    return n + (n & 1)


def _ifd_size(entries: list[Entry]) -> int:
    data = sum(_pad(len(e[3])) for e in entries if len(e[3]) > 4)
    return 2 + 12 * len(entries) + 4 + data


def _ifd_bytes(entries: list[Entry], offset: int, next_ifd: int) -> bytes:
    """Serialise one IFD at ``offset``; values over 4 bytes follow the directory."""
    entries = sorted(entries)
    head = [struct.pack("<H", len(entries))]
    data: list[bytes] = []
    data_off = offset + 2 + 12 * len(entries) + 4
    for tag, typ, count, payload in entries:
        if len(payload) <= 4:
            head.append(struct.pack("<HHI", tag, typ, count) + payload.ljust(4, b"\x00"))
        else:
            head.append(struct.pack("<HHII", tag, typ, count, data_off))
            padded = payload + b"\x00" * (len(payload) & 1)
            data.append(padded)
            data_off += len(padded)
    head.append(struct.pack("<I", next_ifd))
    return b"".join(head) + b"".join(data)


def _entries(fields: Mapping[str, Any]) -> tuple[list[Entry], list[Entry], list[Entry]]:
    f = fields
    ifd0: list[Entry] = []
    exif: list[Entry] = []
    gps: list[Entry] = []
    if f.get("description") is not None:
        ifd0.append(_ascii(T_DESCRIPTION, f["description"]))
    if f.get("make") is not None:
        ifd0.append(_ascii(T_MAKE, f["make"]))
    if f.get("model") is not None:
        ifd0.append(_ascii(T_MODEL, f["model"]))
    if f.get("orientation") is not None:
        ifd0.append(_short(T_ORIENTATION, int(f["orientation"])))
    ifd0 += [_rational(T_XRES, 72), _rational(T_YRES, 72), _short(T_RESUNIT, 2)]
    if f.get("software") is not None:
        ifd0.append(_ascii(T_SOFTWARE, f["software"]))
    if f.get("datetime") is not None:
        ifd0.append(_ascii(T_DATETIME, _exif_time(f["datetime"])))
    if f.get("rating") is not None:
        ifd0.append(_short(T_RATING, int(f["rating"])))
    if f.get("rating_percent") is not None:
        ifd0.append(_short(T_RATING_PERCENT, int(f["rating_percent"])))

    exif.append((T_EXIF_VERSION, UNDEFINED, 4, b"0232"))
    if f.get("exposure") is not None:
        exif.append(_rational(T_EXPOSURE, _exposure(f["exposure"])))
    if f.get("fnumber") is not None:
        exif.append(_rational(T_FNUMBER, f["fnumber"], max_den=100))
    if f.get("iso") is not None:
        exif.append(_short(T_ISO, int(f["iso"])))
    if f.get("datetime_original") is not None:
        exif.append(_ascii(T_DATETIME_ORIGINAL, _exif_time(f["datetime_original"])))
    if f.get("offset_time_original") is not None:
        exif.append(_ascii(T_OFFSET_TIME_ORIGINAL, f["offset_time_original"]))
    if f.get("focal") is not None:
        exif.append(_rational(T_FOCAL, f["focal"], max_den=100))
    if f.get("width") is not None:
        exif.append(_long(T_PIXEL_X, int(f["width"])))
    if f.get("height") is not None:
        exif.append(_long(T_PIXEL_Y, int(f["height"])))
    if f.get("lens") is not None:
        exif.append(_ascii(T_LENS_MODEL, f["lens"]))

    lat, lon = f.get("lat"), f.get("lon")
    if lat is not None and lon is not None:
        gps.append((G_VERSION, BYTE, 4, bytes([2, 3, 0, 0])))
        gps.append(_ascii(G_LAT_REF, "N" if lat >= 0 else "S"))
        gps.append(_rational(G_LAT, *_dms(lat)))
        gps.append(_ascii(G_LON_REF, "E" if lon >= 0 else "W"))
        gps.append(_rational(G_LON, *_dms(lon)))
        if f.get("altitude") is not None:
            alt = float(f["altitude"])
            gps.append((G_ALT_REF, BYTE, 1, bytes([0 if alt >= 0 else 1])))
            gps.append(_rational(G_ALT, abs(alt), max_den=100))
    return ifd0, exif, gps


def exif_bytes(fields: Mapping[str, Any]) -> bytes:
    """The APP1 payload ("Exif\\0\\0" + TIFF) for ``fields``; see the module docstring."""
    unknown = set(fields) - FIELDS
    if unknown:
        raise ValueError(f"unknown EXIF field(s): {', '.join(sorted(unknown))}")
    ifd0, exif, gps = _entries(fields)
    thumb: bytes | None = fields.get("thumbnail")

    # Pointer tags hold 4-byte LONGs, so every IFD's size is known before any offset is.
    ifd0.append(_long(T_EXIF_IFD, 0))
    if gps:
        ifd0.append(_long(T_GPS_IFD, 0))
    off0 = 8
    off_exif = off0 + _ifd_size(ifd0)
    off_gps = off_exif + _ifd_size(exif)
    off_1 = off_gps + (_ifd_size(gps) if gps else 0)
    ifd0 = [e for e in ifd0 if e[0] not in (T_EXIF_IFD, T_GPS_IFD)]
    ifd0.append(_long(T_EXIF_IFD, off_exif))
    if gps:
        ifd0.append(_long(T_GPS_IFD, off_gps))

    ifd1: list[Entry] = []
    if thumb:
        ifd1 = [
            _short(T_COMPRESSION, 6),
            _rational(T_XRES, 72),
            _rational(T_YRES, 72),
            _short(T_RESUNIT, 2),
            _long(T_THUMB_OFFSET, 0),
            _long(T_THUMB_LENGTH, len(thumb)),
        ]
        thumb_off = off_1 + _ifd_size(ifd1)
        ifd1[4] = _long(T_THUMB_OFFSET, thumb_off)

    parts = [b"II*\x00", struct.pack("<I", off0)]
    parts.append(_ifd_bytes(ifd0, off0, off_1 if thumb else 0))
    parts.append(_ifd_bytes(exif, off_exif, 0))
    if gps:
        parts.append(_ifd_bytes(gps, off_gps, 0))
    if thumb:
        parts.append(_ifd_bytes(ifd1, off_1, 0))
        parts.append(thumb)
    out = EXIF_HEADER + b"".join(parts)
    if len(out) > MAX_SEGMENT:
        raise ValueError(f"EXIF segment too long ({len(out)} bytes); use a smaller thumbnail")
    return out


def _xml_escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def xmp_packet(
    rating: float | None = None,
    subjects: tuple[str, ...] | list[str] = (),
    description: str | None = None,
) -> bytes:
    """An XMP packet with xmp:Rating (and dc:subject / dc:description when given).

    The same bytes serve as an embedded APP1 packet and as a ``NAME.JPG.xmp`` sidecar.
    """
    attrs = ""
    if rating is not None:
        attrs = f' xmp:Rating="{rating}"'
    inner = ""
    if subjects:
        items = "".join(f"<rdf:li>{_xml_escape(s)}</rdf:li>" for s in subjects)
        inner += f"<dc:subject><rdf:Bag>{items}</rdf:Bag></dc:subject>"
    if description is not None:
        inner += (
            '<dc:description><rdf:Alt><rdf:li xml:lang="x-default">'
            f"{_xml_escape(description)}</rdf:li></rdf:Alt></dc:description>"
        )
    desc_open = (
        '<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/"'
        f' xmlns:dc="http://purl.org/dc/elements/1.1/"{attrs}'
    )
    desc = f"{desc_open}>{inner}</rdf:Description>" if inner else f"{desc_open}/>"
    text = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f"{desc}</rdf:RDF></x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    )
    return text.encode("utf-8")


def thumbnail_jpeg(
    image: Image.Image, size: tuple[int, int] = THUMB_SIZE, quality: int = 70
) -> bytes:
    """The IFD1 thumbnail: ``image`` scaled and centre-cropped to exactly ``size``, as JPEG.

    Cameras crop or letterbox to 160x120; cropping keeps the thumbnail full of picture.
    """
    from PIL import ImageOps

    small = ImageOps.fit(image.convert("RGB"), size, Image.Resampling.BILINEAR)
    buf = io.BytesIO()
    small.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def _segment(marker: int, payload: bytes) -> bytes:
    if len(payload) > MAX_SEGMENT:
        raise ValueError("segment too long")
    return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


def splice_jpeg(jpeg: bytes, exif: bytes | None = None, xmp: bytes | None = None) -> bytes:
    """Insert APP1 EXIF (and APP1 XMP) segments into encoded JPEG bytes.

    Any APP0 (JFIF) segment right after SOI is dropped, so EXIF comes first as in camera
    files. This is how the synthetic library stamps per-file EXIF onto shared pixel data
    without re-encoding.
    """
    if jpeg[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG")
    rest = jpeg[2:]
    if rest[:2] == b"\xff\xe0":
        (length,) = struct.unpack(">H", rest[2:4])
        rest = rest[2 + length :]
    parts = [b"\xff\xd8"]
    if exif:
        parts.append(_segment(0xE1, exif))
    if xmp:
        parts.append(_segment(0xE1, XMP_HEADER + xmp))
    parts.append(rest)
    return b"".join(parts)


def encode_jpeg(image: Image.Image, quality: int = 85) -> bytes:
    buf = io.BytesIO()
    image.convert("RGB").save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def write_jpeg(
    path: str | bytes,
    image: Image.Image,
    fields: Mapping[str, Any],
    quality: int = 85,
    xmp_rating: float | None = None,
    thumbnail: bool = True,
) -> None:
    """Save ``image`` as a JPEG with the EXIF of ``fields`` (and an embedded XMP rating).

    When ``thumbnail`` is true and ``fields`` has none, a 160x120 thumbnail is made from
    the pixels as stored (a camera's thumbnail follows the same orientation as its pixels).
    ``path`` may be bytes, for names that are not UTF-8.
    """
    fields = dict(fields)
    if thumbnail and "thumbnail" not in fields:
        fields["thumbnail"] = thumbnail_jpeg(image)
    data = splice_jpeg(
        encode_jpeg(image, quality),
        exif_bytes(fields),
        xmp_packet(xmp_rating) if xmp_rating is not None else None,
    )
    with open(path, "wb") as fh:
        fh.write(data)
