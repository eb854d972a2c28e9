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
from typing import Any

from PIL import Image
from rich.color import Color, ColorType
from rich.color_triplet import ColorTriplet
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from phototerm.tui import oklab

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


# Only the cube and greys for 256: the 16 system colours are themeable, so they would not
# match the RGB we assumed. For 16 the theme decides anyway; the nearest standard one is it.
_PALETTE_COLOURS: dict[str, tuple[RGB, ...]] = {"256": tuple(XTERM[16:]), "16": tuple(XTERM[:16])}


# Interned styles by packed colour key (see ``_key``): Textual caches the escape string on the
# Style object itself, and a first screen asks for thousands of them, so lookups must be cheap.
# A plain dict (GIL-atomic get/set; render_cells also runs on worker threads), cleared when big.
_STYLES: dict[int, Style] = {}
_STYLES_MAX = 65536
_NO_COLOUR = -1  # key of "no colour" (a run whose cells are all background)
_PALETTE = 1 << 24  # keys >= this are palette indices (key - _PALETTE); below, packed RGB
_new_tuple = tuple.__new__  # Segment, Color, ColorTriplet are NamedTuples: skip their __new__


def _style(fg: int, bg: int) -> Style:
    key = (fg + 1) << 26 | (bg + 1)
    style = _STYLES.get(key)
    if style is None:
        if len(_STYLES) >= _STYLES_MAX:
            _STYLES.clear()
            _COLOURS.clear()
        style = _STYLES[key] = Style.from_color(_color(fg), _color(bg))
    return style


_COLOURS: dict[int, Color] = {}
_TRUECOLOR = ColorType.TRUECOLOR


def _color(key: int) -> Color | None:
    """The Color of a key, built directly: equal to ``Color.from_rgb`` (same name, type and
    triplet) at a third of its cost, which matters for the thousands of new colours of a
    first screen."""
    if key == _NO_COLOUR:
        return None
    colour = _COLOURS.get(key)
    if colour is None:
        if key >= _PALETTE:
            colour = Color.from_ansi(key - _PALETTE)
        else:
            triplet = _new_tuple(ColorTriplet, (key >> 16, key >> 8 & 255, key & 255))
            colour = _new_tuple(Color, (f"#{key:06x}", _TRUECOLOR, None, triplet))
        _COLOURS[key] = colour
    return colour


def _key(rgb: RGB) -> int:
    return rgb[0] << 16 | rgb[1] << 8 | rgb[2]


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
        # Nearest in Oklab, with error diffusion, so muted hues do not turn grey (oklab.py).
        offset = _PALETTE + (16 if mode == "256" else 0)
        values: list = [v + offset for v in oklab.indices(image, _PALETTE_COLOURS[mode])]
    else:
        values = list(_data(image))
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
    bg_key = _key(background)
    if mode == "truecolor":
        runs = _runs_rgb
        span = 2 * tolerance
    else:
        runs = _runs_exact
        span = 0  # palette indices merge only when equal
    return [runs(grid_rows[2 * row], grid_rows[2 * row + 1], span, bg_key) for row in range(rows)]


# How runs merge (both functions below): greedy, left to right. A run holds two colour slots,
# fg ("a") and bg ("b"); a cell joins the run if each of its two pixels fits b, or else fits a
# (or becomes a when the run has no fg yet); otherwise the run ends as one segment and the cell
# starts the next. A cell that starts a run is a space when both pixels fit one slot, else ▀.
# The character follows from which slot each pixel went to (_CHARS).
#
# roles bits (top is fg, bottom is fg) -> character, with fg/bg as the run's two colours
_CHARS = (" ", LOWER, UPPER, FULL)


def _runs_rgb(tops: Sequence, bottoms: Sequence, span: int, bg_key: int) -> list[Segment]:
    """Truecolor runs. A slot is None (no fg yet), _BG (exact letterbox) or a per-channel
    range (lr, lg, lb, hr, hg, hb) no wider than ``span``, drawn as its midpoint, so no pixel
    is off by more than ``span // 2``. The hot loop of the first screen: everything is inlined
    (no helper calls, no per-cell allocations besides the widened ranges)."""
    segments: list[Segment] = []
    chars: list[str] = []
    # A slot: None, _BG, False (does not fit) or an (lr, lg, lb, hr, hg, hb) range.
    a: Any = None
    b: Any = _BG
    for top, bottom in zip(tops, bottoms):
        if chars:
            na = a
            nb = b
            roles = 0
            # -- top pixel: into b, else into a
            if top is _BG:
                if nb is not _BG:
                    if na is None or na is _BG:
                        na = _BG
                        roles = 2
                    else:
                        na = False
            else:
                r, g, bl = top
                fit = None
                if nb is not _BG:
                    lr, lg, lb, hr, hg, hb = nb
                    if r < lr:
                        lr = r
                    elif r > hr:
                        hr = r
                    if hr - lr <= span:
                        if g < lg:
                            lg = g
                        elif g > hg:
                            hg = g
                        if hg - lg <= span:
                            if bl < lb:
                                lb = bl
                            elif bl > hb:
                                hb = bl
                            if hb - lb <= span:
                                fit = nb = (lr, lg, lb, hr, hg, hb)
                if fit is None:
                    roles = 2
                    if na is None:
                        na = (r, g, bl, r, g, bl)
                    elif na is _BG:
                        na = False
                    else:
                        lr, lg, lb, hr, hg, hb = na
                        if r < lr:
                            lr = r
                        elif r > hr:
                            hr = r
                        if g < lg:
                            lg = g
                        elif g > hg:
                            hg = g
                        if bl < lb:
                            lb = bl
                        elif bl > hb:
                            hb = bl
                        if hr - lr <= span and hg - lg <= span and hb - lb <= span:
                            na = (lr, lg, lb, hr, hg, hb)
                        else:
                            na = False
            # -- bottom pixel: the same, against the slots as the top pixel left them
            if na is not False:
                if bottom is _BG:
                    if nb is not _BG:
                        if na is None or na is _BG:
                            na = _BG
                            roles |= 1
                        else:
                            na = False
                else:
                    r, g, bl = bottom
                    fit = None
                    if nb is not _BG:
                        lr, lg, lb, hr, hg, hb = nb
                        if r < lr:
                            lr = r
                        elif r > hr:
                            hr = r
                        if hr - lr <= span:
                            if g < lg:
                                lg = g
                            elif g > hg:
                                hg = g
                            if hg - lg <= span:
                                if bl < lb:
                                    lb = bl
                                elif bl > hb:
                                    hb = bl
                                if hb - lb <= span:
                                    fit = nb = (lr, lg, lb, hr, hg, hb)
                    if fit is None:
                        roles |= 1
                        if na is None:
                            na = (r, g, bl, r, g, bl)
                        elif na is _BG:
                            na = False
                        else:
                            lr, lg, lb, hr, hg, hb = na
                            if r < lr:
                                lr = r
                            elif r > hr:
                                hr = r
                            if g < lg:
                                lg = g
                            elif g > hg:
                                hg = g
                            if bl < lb:
                                lb = bl
                            elif bl > hb:
                                hb = bl
                            if hr - lr <= span and hg - lg <= span and hb - lb <= span:
                                na = (lr, lg, lb, hr, hg, hb)
                            else:
                                na = False
            if na is not False:
                a = na
                b = nb
                chars.append(_CHARS[roles])
                continue
            segments.append(_new_tuple(Segment, ("".join(chars), _rgb_style(a, b, bg_key), None)))
            chars = []
        # -- the cell starts a run: top into b; bottom joins it or becomes b (top moves to a)
        if top is _BG:
            if bottom is _BG:
                a, b = None, _BG
                chars.append(" ")
                continue
            a = _BG
        else:
            r, g, bl = top
            if bottom is not _BG:
                r2, g2, b2 = bottom
                if r2 < r:
                    lr, hr = r2, r
                else:
                    lr, hr = r, r2
                if g2 < g:
                    lg, hg = g2, g
                else:
                    lg, hg = g, g2
                if b2 < bl:
                    lb, hb = b2, bl
                else:
                    lb, hb = bl, b2
                if hr - lr <= span and hg - lg <= span and hb - lb <= span:
                    a, b = None, (lr, lg, lb, hr, hg, hb)
                    chars.append(" ")
                    continue
            a = (r, g, bl, r, g, bl)
        b = _BG if bottom is _BG else (*bottom, *bottom)
        chars.append(UPPER)
    if chars:
        segments.append(_new_tuple(Segment, ("".join(chars), _rgb_style(a, b, bg_key), None)))
    return segments


def _rgb_style(a: Any, b: Any, bg_key: int) -> Style:
    """The style of a truecolor run: each slot's range midpoint, the background, or none."""
    if a is None:
        fg = _NO_COLOUR
    elif a is _BG:
        fg = bg_key
    else:
        lr, lg, lb, hr, hg, hb = a
        fg = (lr + hr + 1) // 2 << 16 | (lg + hg + 1) // 2 << 8 | (lb + hb + 1) // 2
    if b is _BG:
        bg = bg_key
    else:
        lr, lg, lb, hr, hg, hb = b
        bg = (lr + hr + 1) // 2 << 16 | (lg + hg + 1) // 2 << 8 | (lb + hb + 1) // 2
    style = _STYLES.get((fg + 1) << 26 | (bg + 1))  # _style's lookup, inlined: one per segment
    return style if style is not None else _style(fg, bg)


def _runs_exact(tops: Sequence, bottoms: Sequence, span: int, bg_key: int) -> list[Segment]:
    """Palette runs: values are colour keys or _BG, and pixels share a slot only when equal."""
    segments: list[Segment] = []
    chars: list[str] = []
    a: object = None
    b: object = None
    for top, bottom in zip(tops, bottoms):
        if chars:
            if top == b:
                na, roles = a, 0
            elif a is None or top == a:
                na, roles = top, 2
            else:
                na = None
                roles = -1
            if roles >= 0:
                if bottom == b:
                    pass
                elif na is None or bottom == na:
                    na = bottom
                    roles |= 1
                else:
                    roles = -1
            if roles >= 0:
                a = na
                chars.append(_CHARS[roles])
                continue
            segments.append(_new_tuple(Segment, ("".join(chars), _exact_style(a, b, bg_key), None)))
            chars = []
        if top == bottom:
            a, b = None, top
            chars.append(" ")
        else:
            a, b = top, bottom
            chars.append(UPPER)
    if chars:
        segments.append(_new_tuple(Segment, ("".join(chars), _exact_style(a, b, bg_key), None)))
    return segments


def _exact_style(a: object, b: object, bg_key: int) -> Style:
    fg = _NO_COLOUR if a is None else bg_key if a is _BG else a
    return _style(fg, bg_key if b is _BG else b)  # type: ignore[arg-type]


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
