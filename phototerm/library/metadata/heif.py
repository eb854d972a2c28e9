"""HEIC, HEIF and AVIF beyond what exifread reads: the pixel size from the container, and
the EXIF block that exifread cannot find in some files (pillow-heif, ``phototerm[heif]``).

exifread reads the EXIF of most phone HEICs but returns nothing for some brands, stops with
an assertion on others (pillow-heif's own files among them), and a HEIF without EXIF (the
Nokia files of the exif-samples corpus) has no pixel size in it at all. pillow-heif opens
the container without decoding the picture: its EXIF goes through exifread as a plain TIFF
block, and its size is the primary image's.

pillow-heif reports the size after the container's rotation (``irot``), as it shows the
picture. The index keeps a picture's size as stored with its EXIF orientation beside it (as
for JPEG), so a size from the container is turned back when the EXIF says 5-8.
"""

from __future__ import annotations

import io
from typing import Any, BinaryIO

import exifread

from phototerm.library import extras
from phototerm.library.pictures.budget import MAX_PIXELS

TIFF_STARTS = (b"II*\x00", b"MM\x00*")


def read_heif(fh: BinaryIO, fields: dict[str, Any]) -> tuple[dict[str, Any] | None, str]:
    """(exifread tags of the container's EXIF or None, error) with ``width``/``height``
    put in ``fields``. Without pillow-heif: (None, '') and nothing read."""
    if not extras.installed(extras.HEIF):
        return None, ""
    import pillow_heif  # the heif extra; imported here so the reader starts without it

    fh.seek(0)
    try:
        heif = pillow_heif.open_heif(fh, convert_hdr_to_8bit=True)
        width, height = heif.size
        exif = heif.info.get("exif") or b""
    except (ValueError, RuntimeError, OSError, EOFError, SyntaxError) as exc:
        return None, f"damaged HEIF: {str(exc)[:200] or type(exc).__name__}"
    if 0 < width and 0 < height and width * height <= MAX_PIXELS:
        fields["width"], fields["height"] = width, height
    return _tags(exif), ""


def _tags(exif: bytes) -> dict[str, Any] | None:
    start = min((i for i in (exif.find(m) for m in TIFF_STARTS) if i >= 0), default=-1)
    if start < 0:
        return None
    try:
        tags = exifread.process_file(
            io.BytesIO(exif[start:]), details=False, extract_thumbnail=False, builtin_types=False
        )
    except Exception:  # noqa: BLE001 - exifread raises anything on damaged input
        return None
    return tags if isinstance(tags, dict) and tags else None


def stored_size(fields: dict[str, Any], orientation: int) -> None:
    """Turn a size as shown back into the size as stored (see the module doc)."""
    if orientation in (5, 6, 7, 8) and "width" in fields:
        fields["width"], fields["height"] = fields["height"], fields["width"]
