"""Camera RAW files beyond what exifread reads (rawpy, ``phototerm[raw]``).

exifread reads the TIFF-based RAWs (CR2, NEF, ARW, DNG, ORF, RW2, PEF, ...), but for many
of them the size it finds is the small preview's of IFD0, and for CR3 and RAF it finds no
EXIF at all. LibRaw knows every format: it gives the sensor's size as stored and its
``flip`` (the orientation), and the embedded preview, whose own EXIF (a RAF's JPEG has the
camera's whole EXIF) stands in when exifread found none. Opening parses the file's
structure only; the raw data is never unpacked.

LibRaw opens files by name. It is given the name of the descriptor the reader already
opened (``/proc/self/fd/N``) where the system has one, so it reads the very file that was
checked to be a regular file, not whatever the name leads to a moment later.
"""

from __future__ import annotations

import io
import os
from typing import Any, BinaryIO

import exifread

from phototerm.library import extras

# LibRaw's flip -> EXIF orientation
FLIP_ORIENTATION = {0: 1, 3: 3, 5: 8, 6: 6}


def fd_path(fh: BinaryIO) -> str | None:
    """A name that opens the same file as ``fh``, or None."""
    try:
        path = f"/proc/self/fd/{fh.fileno()}"
    except (AttributeError, OSError, ValueError):
        return None
    return path if os.path.exists(path) else None


def read_raw(
    fh: BinaryIO, path: str, tags_found: bool, fields: dict[str, Any]
) -> tuple[dict[str, Any] | None, str]:
    """(exifread tags of the embedded preview when ``tags_found`` is False, else None; error).
    Puts width, height and orientation in ``fields``. Without rawpy: (None, '')."""
    if not extras.installed(extras.RAW):
        return None, ""
    import rawpy  # the raw extra; imported here so the reader starts without it

    raw = rawpy.RawPy()
    try:
        raw.open_file(fd_path(fh) or path)
        sizes = raw.sizes
        if 0 < sizes.width < 1_000_000 and 0 < sizes.height < 1_000_000:
            fields["width"], fields["height"] = int(sizes.width), int(sizes.height)
        fields["orientation"] = FLIP_ORIENTATION.get(int(sizes.flip), 1)
        tags = None if tags_found else _preview_tags(raw)
    except rawpy.LibRawFileUnsupportedError:
        # Not a format this LibRaw knows (a camera newer than it): nothing more to read,
        # and nothing wrong that phototerm could say.
        return None, ""
    except rawpy.LibRawError as exc:
        return None, f"damaged RAW: {_message(exc)}"
    except (OSError, ValueError, MemoryError) as exc:
        return None, f"damaged RAW: {type(exc).__name__}"
    finally:
        raw.close()
    return tags, ""


def _preview_tags(raw: Any) -> dict[str, Any] | None:
    import rawpy

    try:
        thumb = raw.extract_thumb()
    except (rawpy.LibRawError, MemoryError, ValueError):
        return None
    if thumb.format != rawpy.ThumbFormat.JPEG:
        return None
    try:
        tags = exifread.process_file(
            io.BytesIO(thumb.data), details=False, extract_thumbnail=False, builtin_types=False
        )
    except Exception:  # noqa: BLE001 - exifread raises anything on damaged input
        return None
    return tags if isinstance(tags, dict) and tags else None


def _message(exc: BaseException) -> str:
    text = exc.args[0] if exc.args else ""
    if isinstance(text, bytes):
        text = text.decode("ascii", "replace")
    return str(text)[:200] or type(exc).__name__
