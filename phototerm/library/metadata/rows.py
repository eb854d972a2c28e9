"""What a row read from a file holds, and which reader filled it: the schema the metadata
cache and the index snapshot are written with. Kept apart from the reader, so that loading
a cache or a snapshot does not import the EXIF and container parsers."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeAlias

from phototerm.library.photo import Photo

# Bump when reading gives different rows for the same file (a field added, a bug fixed):
# metadata caches written by another reader version are then rebuilt.
# 2: truncated JPEGs (no EOI after the scan) are flagged; 3: truncated PNG and TIFF, pictures
# over the decoding budget, and mtimes no date can show (unknown, not a crash); 4: videos
# (duration, codec, size, creation time), HEIF sizes from the container, RAW sizes from
# LibRaw, truncated HEIF and video files
READER_VERSION = 4

# A row is a Photo's fields after (space, root), in Photo's order, so Photo(space, root, *row).
# Derived from Photo itself: a field added there is carried (and the cache schema changes);
# so its entries are typed by Photo's fields at run time, not by a static tuple type. The
# last field, ``pair``, is the index's to fill (a file never says what it is paired with).
ROW_DEFS = [f for f in dataclasses.fields(Photo)[2:] if f.name != "pair"]
ROW_FIELDS = tuple(f.name for f in ROW_DEFS)

# A row's error for a JPEG whose data stops early; the thumbnails draw what there is of it.
TRUNCATED_JPEG = "truncated JPEG (the file ends before the image does)"

Row: TypeAlias = tuple[Any, ...]
# (rel, size, mtime, sidecar path or None)
Item: TypeAlias = tuple[str, int, float, str | None]


def photo_from_row(space: str, root: str, row: Row) -> Photo:
    return Photo(space, root, *row)


def row_of(photo: Photo) -> Row:
    return tuple(getattr(photo, name) for name in ROW_FIELDS)
