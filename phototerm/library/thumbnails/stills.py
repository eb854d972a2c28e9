"""Pictures Pillow reads (JPEG, PNG, TIFF, WebP, ...): the EXIF thumbnail when it is large
enough, else a decode at a reduced scale, turned by the EXIF orientation; within the memory
budget (pictures/budget.py)."""

from __future__ import annotations

import io

from PIL import Image

from phototerm.library.files.regular import open_regular
from phototerm.library.metadata.rows import TRUNCATED_JPEG
from phototerm.library.photo import Photo
from phototerm.library.pictures.decoding import (
    Box,
    check_budget,
    decode,
    exif_orientation,
    exif_thumbnail,
    orient,
    swap,
    taking_turns,
)


def still(photo: Photo, path: str, im: Image.Image, box: Box) -> tuple[Image.Image, str]:
    """(the picture fitted near ``box`` and upright, its source: "exif" or "decode")."""
    if im.format == "JPEG":  # decoded at a reduced scale: decode() counts that size
        return _within_budget(photo, path, im, box)
    # Any other format is decoded whole, and may be by the first look at its EXIF (a
    # PNG's can follow the pixels): its full size counts before anything is read.
    check_budget(im)
    with taking_turns(im):
        return _within_budget(photo, path, im, box)


def _within_budget(photo: Photo, path: str, im: Image.Image, box: Box) -> tuple[Image.Image, str]:
    orientation = exif_orientation(im, photo.orientation)
    want = swap(box, orientation)
    thumb = exif_thumbnail(im, want)
    if thumb is not None:
        return orient(thumb, orientation), "exif"
    try:
        small = decode(im, want)
    except OSError:
        if photo.error != TRUNCATED_JPEG or im.format != "JPEG":
            raise
        # The index knows this JPEG is cut short, so the tile and the viewer carry
        # the ⚠ mark and the reason: show what decodes (the rest grey) rather than
        # nothing. An EOI appended lets libjpeg finish without LOAD_TRUNCATED_IMAGES.
        with open_regular(path) as fh:
            data = fh.read()
        with Image.open(io.BytesIO(data + b"\xff\xd9")) as cut:
            small = decode(cut, want)
    return orient(small, orientation), "decode"
