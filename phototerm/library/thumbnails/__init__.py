"""Thumbnails for the grid and the viewer (service.py), from ready-made ones (ready_made.py),
Pillow, and the HEIF, RAW and video decoders in helper processes (helper.py)."""

from phototerm.library.pictures.decoding import fit
from phototerm.library.thumbnails.ready_made import (
    FREEDESKTOP_SIZES,
    SYNOLOGY_NAMES,
    freedesktop_name,
    freedesktop_uri,
)
from phototerm.library.thumbnails.service import ThumbnailService, ThumbResult, is_note

__all__ = [
    "FREEDESKTOP_SIZES",
    "SYNOLOGY_NAMES",
    "ThumbResult",
    "ThumbnailService",
    "fit",
    "freedesktop_name",
    "freedesktop_uri",
    "is_note",
]
