"""Decoding pictures with Pillow for thumbnails and the viewer: within the memory budget
(pictures/budget.py), scaled down before any copy is made, oriented, letterboxed on black.

The grid's workers and the viewer share these helpers (through ``ThumbnailService``); large
decodes take turns (``BIG_DECODE``), so the peak stays near one budget whatever runs at once.
"""

from __future__ import annotations

import contextlib
import io
import threading
from typing import TypeAlias

from PIL import ExifTags, Image

from phototerm.library.pictures.budget import CONVERT_FIRST, decode_cost, too_large

Box: TypeAlias = tuple[int, int]  # (width, height) in pixels


def fit(image: Image.Image, box: Box) -> Image.Image:
    """Resize to fit inside ``box`` keeping the aspect ratio (LANCZOS, with a cheap reduce
    first when the image is much larger). Never enlarges by more than the box allows."""
    w, h = image.size
    bw, bh = max(1, box[0]), max(1, box[1])
    scale = min(bw / w, bh / h)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    if size == image.size:
        return image
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)


def rotate(image: Image.Image, rotation: int) -> Image.Image:
    """Apply a view rotation in degrees clockwise (0/90/180/270)."""
    rotation %= 360
    if rotation == 90:
        return image.transpose(Image.Transpose.ROTATE_270)
    if rotation == 180:
        return image.transpose(Image.Transpose.ROTATE_180)
    if rotation == 270:
        return image.transpose(Image.Transpose.ROTATE_90)
    return image


def orient(image: Image.Image, orientation: int) -> Image.Image:
    """Apply EXIF orientation 2..8 (other values are ignored, as the spec says)."""
    method = {
        2: Image.Transpose.FLIP_LEFT_RIGHT,
        3: Image.Transpose.ROTATE_180,
        4: Image.Transpose.FLIP_TOP_BOTTOM,
        5: Image.Transpose.TRANSPOSE,
        6: Image.Transpose.ROTATE_270,
        7: Image.Transpose.TRANSVERSE,
        8: Image.Transpose.ROTATE_90,
    }.get(orientation)
    return image.transpose(method) if method is not None else image


def rgb(image: Image.Image) -> Image.Image:
    """RGB pixels; transparency composited on black so letterboxing stays uniform."""
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        base = Image.new("RGB", rgba.size, (0, 0, 0))
        base.paste(rgba, mask=rgba.getchannel("A"))
        return base
    return image.convert("RGB")


def covers(size: Box, box: Box) -> bool:
    """Whether an image of ``size`` is at least as large as ``box`` needs (after fitting)."""
    w, h = size
    scale = min(box[0] / w, box[1] / h)
    return scale <= 1.0


def swap(box: Box, orientation: int) -> Box:
    return (box[1], box[0]) if orientation in (5, 6, 7, 8) else box


class TooLargeToPreview(Exception):
    """Decoding the picture would take more memory than the budget (pictures/budget.py)."""


# Decodes costing more than this take turns (the grid's workers and the viewer share it), so
# two large pictures never sit in memory at once: the peak stays near one budget. Re-entrant:
# a photo's decode holds it while its parts (EXIF, pixels) are read.
BIG_DECODE = 64 * 1024 * 1024
_big_decodes = threading.RLock()


def check_budget(im: Image.Image) -> None:
    """Raise TooLargeToPreview when decoding ``im`` at its present size is over budget."""
    reason = too_large(im.width, im.height, im.mode, "transparency" in im.info)
    if reason:
        raise TooLargeToPreview(reason)


def taking_turns(im: Image.Image) -> contextlib.AbstractContextManager[object]:
    """The big decodes' turn when decoding ``im`` is one, else nothing to wait for."""
    if decode_cost(im.width, im.height, im.mode, "transparency" in im.info) > BIG_DECODE:
        return _big_decodes
    return contextlib.nullcontext()


def decode(im: Image.Image, want: Box) -> Image.Image:
    """``im`` decoded, scaled to fit twice ``want`` (so LANCZOS has pixels to average),
    within the memory budget; raises TooLargeToPreview rather than go over it."""
    target = (want[0] * 2, want[1] * 2)
    # draft() picks the largest libjpeg scale (1/2..1/8) still >= the requested size, and
    # gives the size the decoder will then produce; other formats ignore it.
    im.draft("RGB", target)
    check_budget(im)
    with taking_turns(im):
        im.load()
        # Scaled down before anything else: the RGB conversion and the resize then work on
        # a few hundred pixels, not on another full-size copy.
        small = _reduce(im, target)
    return fit(rgb(small), target)


def _reduce(im: Image.Image, target: Box) -> Image.Image:
    """A cheap integer downscale (box averaging) to no less than ``target``; palette and
    16-bit pictures are made RGB(A) first, since their values cannot be averaged."""
    factor = min(im.width // max(1, target[0]), im.height // max(1, target[1]))
    if factor < 2:
        return im
    if im.mode in CONVERT_FIRST:
        alpha = im.mode in ("PA",) or "transparency" in im.info
        im = im.convert("RGBA" if alpha else "RGB")
    return im.reduce(factor)


def exif_orientation(im: Image.Image, fallback: int) -> int:
    try:
        value = im.getexif().get(0x0112, fallback)
        value = int(value)
    except Exception:  # noqa: BLE001 - broken EXIF: trust the index's value
        value = fallback
    return value if 1 <= value <= 8 else 1


def exif_thumbnail(im: Image.Image, box: Box) -> Image.Image | None:
    """The IFD1 JPEG thumbnail, if present, decodable and large enough for ``box``."""
    raw = im.info.get("exif")
    if not raw or im.format != "JPEG":
        return None
    try:
        ifd1 = im.getexif().get_ifd(ExifTags.IFD.IFD1)
        offset, length = ifd1.get(0x0201), ifd1.get(0x0202)
        if not offset or not length:
            return None
        tiff = raw[6:] if raw.startswith(b"Exif\x00\x00") else raw
        data = tiff[offset : offset + length]
        if len(data) != length:
            return None
        thumb: Image.Image = Image.open(io.BytesIO(data))
        if not covers(thumb.size, box):
            return None
        thumb.load()
        thumb = rgb(thumb)
    except Exception:  # noqa: BLE001 - a broken thumbnail just means: decode the photo
        return None
    return _crop_to_aspect(thumb, im.size)


def _crop_to_aspect(thumb: Image.Image, full: tuple[int, int]) -> Image.Image:
    """Cameras pad a 3:2 photo's 160x120 thumbnail with black bars: cut them off."""
    tw, th = thumb.size
    fw, fh = full
    if not fw or not fh:
        return thumb
    want = fw / fh
    have = tw / th
    if abs(want - have) / want < 0.04:
        return thumb
    if want > have:  # full image wider: bars top and bottom
        h = max(1, round(tw / want))
        top = (th - h) // 2
        return thumb.crop((0, top, tw, top + h))
    w = max(1, round(th * want))
    left = (tw - w) // 2
    return thumb.crop((left, 0, left + w, th))
