"""Photos in 256 or 16 colours that keep their hues: the nearest palette colour is chosen in
Oklab (a perceptual colour space), with Floyd-Steinberg error diffusion.

Chosen by RGB distance, a muted purple or blue is nearer to one of the xterm palette's 24
greys than to any of its 216 cube colours (six steps per channel), so skies and shadows turn
flat grey. In Oklab, distance follows what the eye sees: lightness, then hue and chroma, so
the nearest colours keep the hue, and error diffusion mixes neighbouring palette colours
so that an area averages to the photo's colour.

Pillow does the search and the diffusion (in C): the picture and the palette are both
written as Oklab coordinates in the three 8-bit channels of an RGB image (L, a + 0.5,
b + 0.5, scaled by 255), so Pillow's Euclidean RGB distance is the Oklab distance.
"""

from __future__ import annotations

from functools import lru_cache

from PIL import Image

RGB = tuple[int, int, int]


def _linear(c: int) -> float:
    v = c / 255
    return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4


_LINEAR = [_linear(i) for i in range(256)]


def oklab(rgb: RGB) -> tuple[float, float, float]:
    """(L, a, b) of an sRGB colour (Björn Ottosson's Oklab)."""
    r, g, b = _LINEAR[rgb[0]], _LINEAR[rgb[1]], _LINEAR[rgb[2]]
    l_ = (0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b) ** (1 / 3)
    m_ = (0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b) ** (1 / 3)
    s_ = (0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b) ** (1 / 3)
    return (
        0.2104542553 * l_ + 0.7936177850 * m_ - 0.0040720468 * s_,
        1.9779984951 * l_ - 2.4285922050 * m_ + 0.4505937099 * s_,
        0.0259040371 * l_ + 0.7827717662 * m_ - 0.8086757660 * s_,
    )


def distance(one: RGB, other: RGB) -> float:
    """Perceptual distance (Oklab Euclidean, about 0.02 is just noticeable)."""
    a, b = oklab(one), oklab(other)
    return ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2 + (a[2] - b[2]) ** 2) ** 0.5


def _encode(rgb: RGB) -> RGB:
    lightness, a, b = oklab(rgb)
    return (
        max(0, min(255, round(lightness * 255))),
        max(0, min(255, round((a + 0.5) * 255))),
        max(0, min(255, round((b + 0.5) * 255))),
    )


# rgb -> encoded, shared by the tile workers (dict get/set are atomic); bounded
_CACHE: dict[RGB, RGB] = {}
_CACHE_MAX = 1 << 16


def encoded(image: Image.Image) -> Image.Image:
    """``image`` (RGB) with each pixel written as its Oklab coordinates."""
    cache = _CACHE
    if len(cache) > _CACHE_MAX:
        cache.clear()
    flat = getattr(image, "get_flattened_data", None)
    pixels: list[RGB] = list(flat() if flat is not None else image.getdata())  # type: ignore[arg-type]
    out = []
    for rgb in pixels:
        value = cache.get(rgb)
        if value is None:
            value = cache[rgb] = _encode(rgb)
        out.append(value)
    result = Image.new("RGB", image.size)
    result.putdata(out)
    return result


@lru_cache(maxsize=4)
def palette(colours: tuple[RGB, ...]) -> Image.Image:
    """A "P" image whose palette is ``colours`` in Oklab coordinates, in the same order (for
    ``Image.quantize(palette=...)``)."""
    flat = [c for rgb in colours for c in _encode(rgb)]
    flat += flat[-3:] * (256 - len(colours))
    image = Image.new("P", (1, 1))
    image.putpalette(flat)
    return image


def indices(image: Image.Image, colours: tuple[RGB, ...]) -> bytes:
    """For each pixel of ``image`` (RGB), the index into ``colours`` to show, chosen in Oklab
    with Floyd-Steinberg error diffusion."""
    indexed = encoded(image).quantize(palette=palette(colours), dither=Image.Dither.FLOYDSTEINBERG)
    return indexed.tobytes()
