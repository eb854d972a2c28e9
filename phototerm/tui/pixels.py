"""Images -> Strips of half-block cells, written to cost as few terminal bytes as possible.

One cell shows two pixels: ``▀`` with fg = top and bg = bottom. Textual writes every segment
as ``ESC[<style>m<text>ESC[0m``, so the bytes on the wire depend on the number of segments, not
cells. rich-pixels makes one segment per cell (~40 bytes each in truecolor); here one segment
covers a *run* of cells that use at most two colours, because a single style (fg A, bg B) can
draw any cell whose pixels are each A or B: ``▀`` (A over B), ``▄`` (B over A), ``█`` (A, A)
and a space (B, B). Colours within a small tolerance of the run's colours count as equal, which
merges the flat areas of a photo (sky, walls, letterboxing) without visibly changing them.

Colour modes: ``truecolor``, ``256`` (xterm palette indices, shorter escapes), ``16`` (the
standard ANSI colours, dithered) and ``plain`` (a luminance ramp of characters, no colour).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Sequence
from functools import lru_cache

from PIL import Image
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

MODES = ("truecolor", "256", "16", "plain")
UPPER, LOWER, FULL = "▀", "▄", "█"
RAMP = " .:-=+*#%@"  # plain mode: darkest to brightest
DEFAULT_TOLERANCE = 8  # max per-channel difference merged into a run (out of 255)

RGB = tuple[int, int, int]
_BG = object()  # a cell half that is letterbox background (drawn with the exact background)


def _xterm_palette() -> list[RGB]:
    """The 256 xterm colours, in index order."""
    base = [
        (0, 0, 0), (128, 0, 0), (0, 128, 0), (128, 128, 0), (0, 0, 128), (128, 0, 128),
        (0, 128, 128), (192, 192, 192), (128, 128, 128), (255, 0, 0), (0, 255, 0),
        (255, 255, 0), (0, 0, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]  # fmt: skip
    steps = (0, 95, 135, 175, 215, 255)
    cube = [(r, g, b) for r in steps for g in steps for b in steps]
    grey = [(8 + 10 * i,) * 3 for i in range(24)]
    return base + cube + grey  # type: ignore[return-value]


XTERM = _xterm_palette()


def _data(image: Image.Image):
    """Pixel values in row order (``getdata`` is deprecated from Pillow 13)."""
    flat = getattr(image, "get_flattened_data", None)
    return flat() if flat is not None else image.getdata()


@lru_cache(maxsize=4)
def _palette_image(mode: str) -> Image.Image:
    # Only the cube and greys for 256: the 16 system colours are themeable, so they would not
    # match the RGB we assumed. For 16 the theme decides anyway; the nearest standard one is it.
    colours = XTERM[16:] if mode == "256" else XTERM[:16]
    flat = [c for rgb in colours for c in rgb]
    flat += flat[-3:] * (256 - len(colours))
    pal = Image.new("P", (1, 1))
    pal.putpalette(flat)
    return pal


@lru_cache(maxsize=65536)
def _style(fg: Hashable, bg: Hashable) -> Style:
    """Interned styles: Textual caches the escape string on the Style object itself."""
    return Style.from_color(_color(fg), _color(bg))


def _color(value: Hashable) -> Color | None:
    if value is None:
        return None
    if isinstance(value, tuple):
        return Color.from_rgb(*value)
    return Color.from_ansi(int(value))  # type: ignore[arg-type]


def render_cells(
    image: Image.Image,
    size: tuple[int, int],
    background: RGB,
    mode: str = "truecolor",
    tolerance: int = DEFAULT_TOLERANCE,
) -> list[list[Segment]]:
    """Segments for ``size`` = (columns, rows) cells; ``image`` (already fitted to at most
    columns x 2*rows pixels) is centred, the rest is ``background``. Each row is exactly
    ``columns`` cells."""
    cols, rows = size
    if mode not in MODES:
        raise ValueError(f"unknown colour mode {mode!r}")
    image = image if image.mode == "RGB" else image.convert("RGB")
    if image.width > cols or image.height > rows * 2:
        image = image.copy()
        image.thumbnail((cols, rows * 2), Image.Resampling.LANCZOS)
    left = (cols - image.width) // 2
    top = (rows * 2 - image.height) // 2
    if mode == "plain":
        return _plain(image, size, left, top)

    if mode in ("256", "16"):
        dither = Image.Dither.FLOYDSTEINBERG if mode == "16" else Image.Dither.NONE
        indexed = image.quantize(palette=_palette_image(mode), dither=dither)
        offset = 16 if mode == "256" else 0
        values: list = [v + offset for v in _data(indexed)]
        tol = -1  # palette indices merge only when equal
    else:
        values = list(_data(image))
        tol = tolerance
    width, height = image.width, image.height
    # Rows of cells*2 pixel values, letterbox as _BG, built by slicing (no per-pixel calls).
    blank = [_BG] * cols
    pad_left, pad_right = [_BG] * left, [_BG] * (cols - left - width)
    grid_rows = []
    for y in range(rows * 2):
        py = y - top
        if 0 <= py < height:
            grid_rows.append(pad_left + values[py * width : (py + 1) * width] + pad_right)
        else:
            grid_rows.append(blank)
    return [
        _runs(list(zip(grid_rows[2 * row], grid_rows[2 * row + 1])), tol, background)
        for row in range(rows)
    ]


def _runs(cells: Sequence[tuple[object, object]], tol: int, background: Hashable) -> list[Segment]:
    """Greedy merge of cells into segments of at most two colours (see the module doc).

    Each of a run's two colours is a *range* per channel no wider than ``2 * tol``, drawn as its
    midpoint, so no pixel is off by more than ``tol`` (palette indices and letterbox only merge
    when equal)."""
    segments: list[Segment] = []
    span = 2 * tol
    a: object = None  # the run's fg slot (None while every cell so far is bg only)
    b: object = None  # the run's bg slot
    chars: list[str] = []
    for top, bottom in cells:
        if chars:
            # Can this cell be drawn with the run's colours (adopting a fg if it has none)?
            na, nb = a, b
            roles = 0  # bit 1: top is fg, bit 0: bottom is fg
            for bit, p in ((2, top), (1, bottom)):
                t = _widen(nb, p, span)
                if t is not None:
                    nb = t
                    continue
                t = _new(p, tol) if na is None else _widen(na, p, span)
                if t is None:
                    break
                na = t
                roles |= bit
            else:
                a, b = na, nb
                chars.append(_CHARS[roles])
                continue
            segments.append(_segment(chars, a, b, background))
            chars = []
        b = _new(top, tol)
        merged = _widen(b, bottom, span)
        if merged is not None:
            a, b = None, merged
            chars.append(" ")
        else:
            a, b = b, _new(bottom, tol)
            chars.append(UPPER)
    if chars:
        segments.append(_segment(chars, a, b, background))
    return segments


# roles bits (top is fg, bottom is fg) -> character, with fg/bg as the run's two colours
_CHARS = {0: " ", 1: LOWER, 2: UPPER, 3: FULL}


def _new(p: object, tol: int) -> object:
    if tol < 0 or not isinstance(p, tuple):
        return ("=", p)  # exact: palette index or letterbox
    return [p[0], p[1], p[2], p[0], p[1], p[2]]


def _widen(slot: object, p: object, span: int) -> object:
    """``slot`` grown to include ``p``, or None when that would exceed ``span``."""
    if slot is None:
        return None
    if type(slot) is tuple:
        return slot if slot[1] == p else None
    if type(p) is not tuple:
        return None
    r, g, b = p
    lr, lg, lb, hr, hg, hb = slot  # type: ignore[misc]
    # Hot loop: plain comparisons, no min()/max() calls.
    if r < lr:
        lr = r
    elif r > hr:
        hr = r
    if hr - lr > span:
        return None
    if g < lg:
        lg = g
    elif g > hg:
        hg = g
    if hg - lg > span:
        return None
    if b < lb:
        lb = b
    elif b > hb:
        hb = b
    if hb - lb > span:
        return None
    return [lr, lg, lb, hr, hg, hb]


def _colour(slot: object, background: Hashable) -> Hashable:
    if slot is None:
        return None
    if type(slot) is tuple:
        value = slot[1]
        return background if value is _BG else value
    lr, lg, lb, hr, hg, hb = slot  # type: ignore[misc]
    return ((lr + hr + 1) // 2, (lg + hg + 1) // 2, (lb + hb + 1) // 2)


def _segment(chars: list[str], a: object, b: object, background: Hashable) -> Segment:
    return Segment("".join(chars), _style(_colour(a, background), _colour(b, background)))


def _plain(image: Image.Image, size: tuple[int, int], left: int, top: int) -> list[list[Segment]]:
    cols, rows = size
    grey = image.convert("L")
    canvas = Image.new("L", (cols, rows * 2), 0)
    canvas.paste(grey, (left, top))
    halves = canvas.resize((cols, rows), Image.Resampling.BOX)
    data = list(_data(halves))
    scale = (len(RAMP) - 1) / 255
    out = []
    for row in range(rows):
        text = "".join(RAMP[round(v * scale)] for v in data[row * cols : (row + 1) * cols])
        out.append([Segment(text)])
    return out


def render_strips(
    image: Image.Image,
    size: tuple[int, int],
    background: RGB,
    mode: str = "truecolor",
    tolerance: int = DEFAULT_TOLERANCE,
) -> list[Strip]:
    return [Strip(line, size[0]) for line in render_cells(image, size, background, mode, tolerance)]


class StripCache:
    """LRU of rendered tiles: key (photo key, size, mode, background) -> rows of segments."""

    def __init__(self, items: int = 4000) -> None:
        self.items = items
        self._data: OrderedDict[Hashable, list[list[Segment]]] = OrderedDict()

    def get(self, key: Hashable) -> list[list[Segment]] | None:
        value = self._data.get(key)
        if value is not None:
            self._data.move_to_end(key)
        return value

    def put(self, key: Hashable, value: list[list[Segment]]) -> None:
        self._data[key] = value
        self._data.move_to_end(key)
        while len(self._data) > self.items:
            self._data.popitem(last=False)

    def discard_prefix(self, photo_key: Hashable) -> None:
        for key in [k for k in self._data if isinstance(k, tuple) and k[0] == photo_key]:
            del self._data[key]

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._data
