"""RAW previews through rawpy (``phototerm[raw]``), in the decoder process (helper.py).

A RAW file is never developed here: cameras embed a JPEG preview (often full size) or an
RGB bitmap, which LibRaw extracts as it is. The preview is stored as the sensor saw it, so
it is turned by the RAW's ``flip`` (LibRaw's orientation), never by the preview JPEG's own
EXIF, which some cameras also set: one rotation, not two.

LibRaw is given the name of the already opened, checked descriptor (see
metadata/raw.py), so it reads the regular file that was checked.
"""

from __future__ import annotations

import io
from typing import BinaryIO

from PIL import Image

from phototerm.library.metadata.raw import FLIP_ORIENTATION, fd_path
from phototerm.library.pictures.budget import too_large
from phototerm.library.pictures.decoding import Box, TooLargeToPreview, decode, fit, orient, rgb

NO_PREVIEW = "no preview in this RAW file"


class NoPreview(Exception):
    """The file holds nothing to show (the message says why)."""


def picture(fh: BinaryIO, path: str, box: Box) -> Image.Image:
    """The embedded preview, upright, fitted to twice ``box``."""
    import rawpy

    raw = rawpy.RawPy()
    try:
        try:
            raw.open_file(fd_path(fh) or path)
            flip = int(raw.sizes.flip)
            thumb = raw.extract_thumb()
        except (rawpy.LibRawNoThumbnailError, rawpy.LibRawUnsupportedThumbnailError):
            raise NoPreview(NO_PREVIEW) from None
        except rawpy.LibRawFileUnsupportedError:
            raise NoPreview("a RAW format this LibRaw does not know") from None
        except rawpy.LibRawError as exc:
            text = exc.args[0] if exc.args else type(exc).__name__
            text = text.decode("ascii", "replace") if isinstance(text, bytes) else str(text)
            raise ValueError(f"damaged RAW: {text[:200]}") from None
    finally:
        raw.close()
    target = (box[0] * 2, box[1] * 2)
    data = thumb.data
    if isinstance(data, bytes):  # a JPEG (LibRaw's other compressed kinds are refused above)
        with Image.open(io.BytesIO(data)) as im:
            if im.format != "JPEG":
                raise NoPreview(NO_PREVIEW)
            image = decode(im, target)
    else:  # an RGB bitmap
        height, width = data.shape[:2]
        reason = too_large(width, height, "RGB")
        if reason:
            raise TooLargeToPreview(reason)
        image = fit(rgb(Image.fromarray(data)), target)
    return orient(image, FLIP_ORIENTATION.get(flip, 1))
