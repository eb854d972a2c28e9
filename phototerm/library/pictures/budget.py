"""How much memory decoding one picture for a thumbnail or the viewer may take.

A terminal shows a few hundred pixels of a photo, but a decoder produces all of them: a
9400x9400 PNG is 353 MB of pixels once decoded (Pillow keeps RGB as 4 bytes a pixel), and
the copies a naive resize makes multiplied that to over a gigabyte per tile. So:

- a JPEG is decoded at a reduced scale (libjpeg's ``draft``: 1/2, 1/4, 1/8), and only its
  reduced size counts;
- other formats cannot be decoded smaller, so their full size counts, plus the RGB copy that
  palette and 16-bit images need before they can be scaled down;
- a picture whose decoding would take more than ``DECODE_BUDGET`` bytes is not decoded: it
  shows "too large to preview", and ``phototerm index`` lists it with that reason.

The metadata reader applies the same test to the size the file's header declares (at
indexing, nothing is decoded), so what ``index`` reports and what the grid shows agree.
Nothing here imports Pillow: the reader's worker processes never need it for a JPEG.
"""

from __future__ import annotations

DECODE_BUDGET = 256 * 1024 * 1024  # bytes of decoded pixels one picture may take
TOO_LARGE = "too large to preview"  # how every refusal starts
# Pillow refuses to open an image above twice its MAX_IMAGE_PIXELS (DecompressionBombError):
# the same limit for headers the reader checks without Pillow (its default, 89,478,485 x 2).
MAX_PIXELS = 2 * (1024 * 1024 * 1024 // 4 // 3)

# Bytes a pixel takes in Pillow's memory, by mode (every mode not listed takes 4).
_PIXEL_BYTES = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2, "I;16N": 2}
# Modes Pillow cannot scale down as they are (a palette's indices cannot be averaged): they
# are converted to RGB(A), 4 bytes a pixel, first.
CONVERT_FIRST = frozenset({"1", "P", "PA", "I;16", "I;16B", "I;16L", "I;16N"})
# Modes with an alpha channel: Pillow scales them through a premultiplied copy of the same
# size (4 bytes a pixel more). So does a palette with a transparent colour (made RGBA).
_ALPHA = frozenset({"RGBA", "LA", "PA"})


def decode_cost(width: int, height: int, mode: str, transparency: bool = False) -> int:
    """Bytes of memory decoding a ``width`` x ``height`` picture of ``mode`` (with a
    transparent colour: ``transparency``) and scaling it down take at their peak."""
    pixels = max(0, width) * max(0, height)
    per_pixel = _PIXEL_BYTES.get(mode, 4)
    if mode in CONVERT_FIRST:
        per_pixel += 4
    if mode in _ALPHA or (transparency and mode == "P"):
        per_pixel += 4
    return pixels * per_pixel


def too_large(width: int, height: int, mode: str, transparency: bool = False) -> str:
    """Why a picture of this decoded size is not decoded, or '' when it may be."""
    if width * height > MAX_PIXELS:
        return f"{TOO_LARGE} ({width}x{height} pixels)"
    cost = decode_cost(width, height, mode, transparency)
    if cost > DECODE_BUDGET:
        return (
            f"{TOO_LARGE} ({width}x{height} pixels would take {_mb(cost)} to "
            f"decode; the limit is {_mb(DECODE_BUDGET)})"
        )
    return ""


def jpeg_too_large(width: int, height: int) -> str:
    """``too_large`` for a JPEG whose header says this size. Decoded at 1/8 (libjpeg's
    smallest scale, which is what the grid and the viewer get from any large JPEG), even the
    largest JPEG Pillow opens is a few MB, so only Pillow's own limit refuses one."""
    if width * height > MAX_PIXELS:
        return f"{TOO_LARGE} ({width}x{height} pixels)"
    return ""


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB"
