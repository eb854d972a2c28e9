"""Drawing primitives for procedural photographs (Pillow only, no numpy).

Soft elements are drawn at a quarter of the size, blurred and scaled up: cheaper, and more
photographic than sharp vector shapes. ``finish`` adds the lens vignette and film grain that
make flat shapes read as photographs.
"""

from __future__ import annotations

import functools
import itertools
import random
from collections.abc import Callable, Sequence
from typing import TypeAlias

from PIL import Image, ImageChops, ImageDraw, ImageFilter

Color: TypeAlias = tuple[int, int, int]
Stops: TypeAlias = Sequence[tuple[float, Color]]  # (t from 0 to 1, colour at t), ascending t


def mix(a: Color, b: Color, t: float) -> Color:
    t = min(1.0, max(0.0, t))
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def jitter(rng: random.Random, c: Color, amount: int = 18) -> Color:
    r, g, b = (max(0, min(255, v + rng.randint(-amount, amount))) for v in c)
    return r, g, b


def at(stops: Stops, t: float) -> Color:
    for (t0, c0), (t1, c1) in itertools.pairwise(stops):
        if t <= t1:
            return mix(c0, c1, (t - t0) / (t1 - t0) if t1 > t0 else 0.0)
    return stops[-1][1]


def vgradient(size: tuple[int, int], stops: Stops) -> Image.Image:
    """Vertical gradient through colour stops (t from 0 at the top to 1 at the bottom)."""
    w, h = size
    column = Image.new("RGB", (1, h))
    column.putdata([at(stops, y / max(1, h - 1)) for y in range(h)])
    return column.resize((w, h), Image.Resampling.NEAREST)


_RADIAL = Image.radial_gradient("L")  # 0 at the centre, 181 at 128 px, 255 in the corners


@functools.lru_cache(maxsize=64)
def _falloff(power: float, strength: float) -> Image.Image:
    lut = [round(255 * strength * max(0.0, 1 - v / 181) ** power) for v in range(256)]
    return _RADIAL.point(lut)


def glow(
    img: Image.Image,
    xy: tuple[float, float],
    radius: float,
    color: Color,
    strength: float = 1.0,
    power: float = 2.0,
) -> None:
    """Soft radial light (sun haze, lamps, bokeh) added in place."""
    r = max(2, int(radius))
    mask = _falloff(power, strength).resize((2 * r, 2 * r), Image.Resampling.BILINEAR)
    img.paste(Image.new("RGB", mask.size, color), (int(xy[0]) - r, int(xy[1]) - r), mask)


def ridge(
    rng: random.Random, width: int, base: float, rough: float, steps: int = 7, decay: float = 0.55
) -> list[tuple[float, float]]:
    """A mountain/hill skyline by midpoint displacement: 2**steps + 1 points."""
    ys = [base + rng.uniform(-rough, rough), base + rng.uniform(-rough, rough)]
    amp = rough
    for _ in range(steps):
        amp *= decay
        out = []
        for a, b in itertools.pairwise(ys):
            out += [a, (a + b) / 2 + rng.uniform(-amp, amp)]
        ys = out + [ys[-1]]
    n = len(ys) - 1
    return [(width * i / n, y) for i, y in enumerate(ys)]


def fill_below(
    draw: ImageDraw.ImageDraw, pts: list[tuple[float, float]], bottom: int, color: Color
) -> None:
    draw.polygon([(pts[0][0], bottom), *pts, (pts[-1][0], bottom)], fill=color)


def soft_layer(
    size: tuple[int, int],
    painter: Callable[[ImageDraw.ImageDraw, float], None],
    blur: float,
    scale: int = 4,
) -> Image.Image:
    """An RGBA layer drawn at 1/scale size, blurred and scaled up (cheap soft shapes)."""
    small = (max(1, size[0] // scale), max(1, size[1] // scale))
    layer = Image.new("RGBA", small, (0, 0, 0, 0))
    painter(ImageDraw.Draw(layer), 1 / scale)
    if blur:
        # Premultiplied, or the transparent black around a shape bleeds in as a dark rim.
        layer = layer.convert("RGBa").filter(ImageFilter.GaussianBlur(blur)).convert("RGBA")
    return layer.resize(size, Image.Resampling.BICUBIC)


def over(img: Image.Image, layer: Image.Image) -> Image.Image:
    return Image.alpha_composite(img.convert("RGBA"), layer).convert("RGB")


def pine(
    draw: ImageDraw.ImageDraw,
    x: float,
    ground: float,
    height: float,
    color: Color,
    snow: Color | None = None,
) -> None:
    w = height * 0.38
    tiers = 4
    for i in range(tiers):
        top = ground - height + i * height * 0.2
        bottom = top + height * 0.42
        half = w * (0.45 + 0.55 * (i + 1) / tiers) / 2
        draw.polygon([(x, top), (x - half, bottom), (x + half, bottom)], fill=color)
        if snow:
            draw.polygon(
                [
                    (x, top),
                    (x - half * 0.45, top + (bottom - top) * 0.45),
                    (x + half * 0.3, top + (bottom - top) * 0.35),
                ],
                fill=snow,
            )
    draw.rectangle([x - w * 0.05, ground - height * 0.1, x + w * 0.05, ground], fill=color)


def stars(
    draw: ImageDraw.ImageDraw, rng: random.Random, box: tuple[int, int, int, int], count: int
) -> None:
    x0, y0, x1, y1 = box
    for _ in range(count):
        x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
        v = rng.randint(120, 255)
        if rng.random() < 0.1:
            draw.ellipse([x - 1, y - 1, x + 1, y + 1], fill=(v, v, min(255, v + 20)))
        else:
            draw.point((x, y), fill=(v, v, v))


@functools.lru_cache(maxsize=8)
def _vignette(w: int, h: int, amount: float) -> Image.Image:
    """Darkening mask towards the corners (cached: every picture of a size shares it)."""
    side = int(max(w, h) * 1.5)
    mask = _RADIAL.point([round(255 * amount * min(1.0, v / 181) ** 2.2) for v in range(256)])
    mask = mask.resize((side, side), Image.Resampling.BILINEAR)
    left, top = (side - w) // 2, (side - h) // 2
    return mask.crop((left, top, left + w, top + h))


def finish(
    img: Image.Image, rng: random.Random, vignette: float = 0.35, grain: float = 6.0
) -> Image.Image:
    """Lens vignette and film grain: what makes flat vector shapes read as photographs."""
    w, h = img.size
    if vignette:
        img = Image.composite(Image.new("RGB", img.size, (0, 0, 0)), img, _vignette(w, h, vignette))
    if grain:
        # From the seeded rng, not Image.effect_noise (C rand(): different on every run).
        gw, gh = max(1, w // 2), max(1, h // 2)
        lut = [max(0, min(255, round(128 + (v - 128) * grain / 74))) for v in range(256)]
        noise = Image.frombytes("L", (gw, gh), rng.randbytes(gw * gh)).point(lut)
        noise = noise.resize((w, h), Image.Resampling.BILINEAR).convert("RGB")
        img = ImageChops.overlay(img, noise)
    return img


def reflect(
    img: Image.Image, horizon: int, water: Color, amount: float = 0.45, blur: float = 2.0
) -> Image.Image:
    """Mirror everything above ``horizon`` into the water below it."""
    w, h = img.size
    depth = h - horizon
    src = img.crop((0, max(0, horizon - depth), w, horizon)).transpose(
        Image.Transpose.FLIP_TOP_BOTTOM
    )
    if src.height < depth:
        src = src.resize((w, depth))
    src = src.filter(ImageFilter.GaussianBlur(blur))
    src = Image.blend(
        src, vgradient((w, depth), [(0, water), (1, mix(water, (0, 0, 0), 0.4))]), amount
    )
    img.paste(src, (0, horizon))
    return img


def ripples(
    draw: ImageDraw.ImageDraw,
    rng: random.Random,
    size: tuple[int, int],
    horizon: int,
    color: Color,
    count: int,
) -> None:
    w, h = size
    for _ in range(count):
        y = rng.uniform(horizon + 2, h)
        length = rng.uniform(10, 60) * (1 + (y - horizon) / (h - horizon + 1) * 3)
        x = rng.uniform(-20, w)
        draw.line([(x, y), (x + length, y)], fill=color, width=1)
