"""pixels: half-block strips, run merging, colour modes, exact sizes."""

from __future__ import annotations

import io
import random

import pytest
from PIL import Image
from rich.color import ColorType
from rich.console import Console

from phototerm.tui import pixels
from phototerm.tui.pixels import FULL, LOWER, UPPER, render_cells, render_strips

BG = (30, 30, 30)


def noise_image(size=(24, 18), seed=1) -> Image.Image:
    rng = random.Random(seed)
    image = Image.new("RGB", size)
    image.putdata([tuple(rng.randrange(256) for _ in range(3)) for _ in range(size[0] * size[1])])
    return image


def smooth_image(size=(24, 18)) -> Image.Image:
    """A gentle gradient with small noise, like sky in a photo."""
    rng = random.Random(3)
    w, h = size
    data = [
        (60 + x + rng.randint(-3, 3), 120 + y + rng.randint(-3, 3), 200)
        for y in range(h)
        for x in range(w)
    ]
    image = Image.new("RGB", size)
    image.putdata(data)
    return image


def decode(lines, size, background=BG) -> list[list[tuple]]:
    """Pixels back from segments: what a terminal would show (2 rows per line)."""
    cols, rows = size
    out = [[None] * cols for _ in range(rows * 2)]
    for y, segments in enumerate(lines):
        x = 0
        for seg in segments:
            fg = seg.style.color.triplet if seg.style and seg.style.color else None
            bg = seg.style.bgcolor.triplet if seg.style and seg.style.bgcolor else None
            for ch in seg.text:
                top, bottom = {UPPER: (fg, bg), LOWER: (bg, fg), FULL: (fg, fg), " ": (bg, bg)}[ch]
                out[2 * y][x] = tuple(top)
                out[2 * y + 1][x] = tuple(bottom)
                x += 1
        assert x == cols
    return out


@pytest.mark.parametrize("mode", pixels.MODES)
@pytest.mark.parametrize("image_size", [(24, 18), (10, 18), (24, 7), (1, 1)])
def test_exact_cell_count_in_every_mode(mode, image_size):
    strips = render_strips(noise_image(image_size), (24, 9), BG, mode)
    assert len(strips) == 9
    assert all(strip.cell_length == 24 for strip in strips)


@pytest.mark.parametrize("mode", ["truecolor", "256", "16"])
def test_oversized_image_is_fitted_not_overflowing(mode):
    strips = render_strips(noise_image((100, 80)), (16, 6), BG, mode)
    assert [s.cell_length for s in strips] == [16] * 6


def test_merging_reduces_segments_and_bytes():
    image = smooth_image()
    exact = render_cells(image, (24, 9), BG, "truecolor", tolerance=0)
    merged = render_cells(image, (24, 9), BG, "truecolor")
    assert sum(map(len, exact)) >= 9 * 20  # nearly one segment per cell without merging
    assert sum(map(len, merged)) <= sum(map(len, exact)) // 4

    console = Console(file=io.StringIO(), color_system="truecolor", force_terminal=True)

    def written(tolerance: int) -> int:
        strips = render_strips(image, (24, 9), BG, "truecolor", tolerance)
        return sum(len(strip.render(console)) for strip in strips)

    assert written(8) < written(0) / 3


def test_flat_image_is_one_segment_per_row():
    lines = render_cells(Image.new("RGB", (24, 18), (10, 100, 200)), (24, 9), BG)
    assert all(len(line) == 1 for line in lines)
    assert all(seg.text == " " * 24 for line in lines for seg in line)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("tolerance", [0, 4, 8])
def test_no_pixel_is_off_by_more_than_the_tolerance(seed, tolerance):
    image = noise_image(seed=seed) if seed % 2 else smooth_image()
    shown = decode(render_cells(image, (24, 9), BG, "truecolor", tolerance), (24, 9))
    for y in range(18):
        for x in range(24):
            want = image.getpixel((x, y))
            assert max(abs(a - b) for a, b in zip(want, shown[y][x])) <= tolerance


def test_letterbox_uses_exact_background():
    tall = Image.new("RGB", (8, 18), (200, 10, 10))
    shown = decode(render_cells(tall, (24, 9), BG), (24, 9))
    assert shown[5][0] == BG and shown[5][23] == BG
    assert shown[5][12] == (200, 10, 10)


def test_odd_height_gets_half_cell_background():
    image = Image.new("RGB", (24, 17), (0, 200, 0))
    shown = decode(render_cells(image, (24, 9), BG), (24, 9))
    column = [shown[y][3] for y in range(18)]
    assert column.count(BG) == 1 and column.count((0, 200, 0)) == 17


@pytest.mark.parametrize(
    ("mode", "kinds"),
    [("truecolor", {ColorType.TRUECOLOR}), ("256", {ColorType.EIGHT_BIT}),
     ("16", {ColorType.STANDARD})],
)  # fmt: skip
def test_colour_modes_use_their_palette(mode, kinds):
    lines = render_cells(noise_image(), (24, 9), BG, mode)
    used = set()
    for line in lines:
        for seg in line:
            for colour in (seg.style.color, seg.style.bgcolor):
                if colour is not None and colour.triplet != BG:
                    used.add(colour.type)
    assert used and used <= kinds | {ColorType.TRUECOLOR if mode != "truecolor" else None}
    assert kinds <= used


def test_256_mode_is_cheaper_and_still_recognisable():
    image = smooth_image()
    lines = render_cells(image, (24, 9), BG, "256")
    first = lines[0][0].style.bgcolor
    assert 16 <= first.number <= 255
    # error diffusion: single cells alternate between palette colours; the area averages
    # to the photo's colour (about (72, 129, 200))
    shown = [
        colour.get_truecolor()
        for line in lines
        for seg in line
        for colour in (seg.style.color, seg.style.bgcolor)
        for _ in seg.text
        if colour is not None
    ]
    r, g, b = (sum(c[i] for c in shown) / len(shown) for i in range(3))
    assert abs(r - 72) < 25 and abs(g - 129) < 25 and abs(b - 200) < 25


def test_plain_mode_has_no_colour_and_follows_brightness():
    image = Image.new("RGB", (24, 18), (0, 0, 0))
    image.paste((255, 255, 255), (12, 0, 24, 18))
    lines = render_cells(image, (24, 9), BG, "plain")
    text = lines[4][0].text
    assert lines[4][0].style is None
    assert text[:12] == " " * 12 and text[12:] == "@" * 12


def test_unknown_mode_is_rejected():
    with pytest.raises(ValueError):
        render_cells(noise_image(), (24, 9), BG, "sixel")


def test_strip_cache_is_lru():
    cache = pixels.StripCache(items=2)
    cache.put(("a", 1), [[]])
    cache.put(("b", 1), [[]])
    assert cache.get(("a", 1)) is not None  # a is now the most recent
    cache.put(("c", 1), [[]])
    assert ("b", 1) not in cache and ("a", 1) in cache and ("c", 1) in cache
