"""HEIC, HEIF and AVIF pictures through pillow-heif (``phototerm[heif]``), in the decoder
process (helper.py).

pillow-heif applies the container's rotation and mirroring (``irot``, ``imir``) as it
decodes, and sets the EXIF orientation it hands on to 1: the picture comes out upright, and
the EXIF orientation the index keeps (an iPhone's "Rotate 90 CW") must not be applied again.

A phone's HEIC carries a small thumbnail image (320 pixels on an iPhone): when it covers
the box it is decoded instead of the 12-megapixel picture (measured 9 ms against 640 ms).
pillow-heif's security limits stay on, and the decoding budget applies to the size the
container declares before anything is decoded.
"""

from __future__ import annotations

from typing import Any, BinaryIO

from PIL import Image

from phototerm.library.pictures.budget import too_large
from phototerm.library.pictures.decoding import Box, TooLargeToPreview, covers, fit, rgb


def picture(fh: BinaryIO, box: Box) -> Image.Image:
    """The picture, upright, fitted to twice ``box`` (so the caller's LANCZOS has pixels)."""
    import pillow_heif

    heif = pillow_heif.open_heif(fh, convert_hdr_to_8bit=True)
    primary = heif[heif.primary_index]
    target = (box[0] * 2, box[1] * 2)
    image = _thumbnail(primary, target)
    if image is None:
        width, height = primary.size
        reason = too_large(width, height, "RGBA" if primary.has_alpha else "RGB")
        if reason:
            raise TooLargeToPreview(reason)
        image = primary.to_pillow()
    return fit(rgb(image), target)


def _thumbnail(primary: Any, target: Box) -> Image.Image | None:
    """The smallest embedded thumbnail that covers ``target``, decoded; None if none does."""
    sizes = primary.info.get("thumbnails") or []
    for index in sorted(range(len(sizes)), key=lambda i: sizes[i]):
        try:
            thumb = primary.get_thumbnail(index)
            if not covers(thumb.size, target):
                continue
            image: Image.Image = thumb.to_pillow()
        except (IndexError, ValueError, RuntimeError, OSError):
            continue  # a broken thumbnail: the next one, or the picture itself
        return image
    return None
