"""Outdoor scenes: landscapes, sea, snow, beach, dunes, aurora, forest."""

from __future__ import annotations

import math
import random

from PIL import Image, ImageDraw

from phototerm.samples.paint.primitives import (
    Color,
    Stops,
    at,
    fill_below,
    glow,
    jitter,
    mix,
    over,
    pine,
    reflect,
    ridge,
    ripples,
    soft_layer,
    stars,
    vgradient,
)

SKIES: list[Stops] = [
    [(0, (58, 112, 190)), (0.55, (134, 180, 226)), (1, (214, 230, 240))],  # clear day
    [(0, (52, 66, 140)), (0.5, (222, 132, 96)), (1, (252, 208, 140))],  # golden hour
    [(0, (150, 170, 196)), (0.6, (214, 206, 212)), (1, (240, 228, 214))],  # misty morning
    [(0, (36, 34, 84)), (0.5, (176, 80, 120)), (1, (250, 160, 104))],  # dusk
    [(0, (96, 150, 204)), (0.7, (176, 206, 230)), (1, (232, 224, 200))],  # hazy summer
]


GREENS: list[Color] = [(46, 92, 52), (84, 110, 46), (120, 88, 40), (38, 70, 66), (60, 80, 40)]


def _clouds(
    rng: random.Random,
    size: tuple[int, int],
    top: float,
    bottom: float,
    color: Color,
    count: int,
    alpha: int = 170,
) -> Image.Image:
    w, h = size

    def paint_clouds(d: ImageDraw.ImageDraw, s: float) -> None:
        for _ in range(count):
            cx, cy = rng.uniform(-0.1, 1.1) * w, rng.uniform(top, bottom) * h
            cw, ch = rng.uniform(0.08, 0.25) * w, rng.uniform(0.02, 0.06) * h
            for _ in range(rng.randint(3, 7)):
                ox, oy = rng.uniform(-cw, cw) * 0.6, rng.uniform(-ch, ch) * 0.5
                d.ellipse(
                    [
                        (cx + ox - cw / 2) * s,
                        (cy + oy - ch) * s,
                        (cx + ox + cw / 2) * s,
                        (cy + oy + ch) * s,
                    ],
                    fill=(*color, alpha),
                )

    return soft_layer(size, paint_clouds, blur=3)


def landscape(rng: random.Random, size: tuple[int, int], mood: int) -> Image.Image:
    w, h = size
    sky = SKIES[mood % len(SKIES)]
    img = vgradient(size, sky)
    sun = (rng.uniform(0.15, 0.85) * w, rng.uniform(0.12, 0.4) * h)
    glow(img, sun, h * 0.5, at(sky, 1), 0.7, 1.6)
    glow(img, sun, h * 0.06, (255, 250, 230), 1.0, 0.4)
    img = over(img, _clouds(rng, size, 0.05, 0.35, (255, 250, 245), rng.randint(2, 6)))
    d = ImageDraw.Draw(img)
    haze = at(sky, 0.95)
    green = jitter(rng, GREENS[mood % len(GREENS)], 10)
    layers = rng.randint(3, 4)
    lake = rng.random() < 0.5
    horizon = int(h * rng.uniform(0.58, 0.68))
    for i in range(layers):
        far = (layers - 1 - i) / max(1, layers - 1)
        base = horizon - h * (0.06 + 0.24 * far) if not lake or i < layers - 1 else horizon - 4
        rough = h * (0.2 * far + 0.03)
        pts = ridge(rng, w, base, rough, decay=0.58)
        rock = mix(mix((92, 96, 124), green, 1 - far), haze, 0.6 * far)
        fill_below(d, pts, h, rock)
        if far > 0.6 and mood % len(SKIES) != 4:
            top, low = min(y for _, y in pts), max(y for _, y in pts)
            line = top + (low - top) * 0.4
            cap = [(x, y + max(0.0, line - y) * 0.5) for x, y in reversed(pts)]
            d.polygon(pts + cap, fill=mix((248, 248, 252), haze, 0.25))
    if lake:
        img = reflect(img, horizon, mix(at(sky, 0.2), (20, 40, 60), 0.4))
        d = ImageDraw.Draw(img)
        ripples(d, rng, size, horizon, mix(at(sky, 0.9), (255, 255, 255), 0.3), 60)
    else:
        near = mix(green, (20, 30, 20), 0.3)
        fill_below(d, ridge(rng, w, h * 0.86, h * 0.03, decay=0.5), h, near)
        for _ in range(rng.randint(4, 14)):
            x = rng.uniform(0, w)
            pine(
                d,
                x,
                h * rng.uniform(0.88, 1.0),
                h * rng.uniform(0.15, 0.38),
                mix(near, (10, 20, 10), 0.5),
            )
    return img


def sunset_sea(rng: random.Random, size: tuple[int, int], mood: int) -> Image.Image:
    w, h = size
    skies: list[Stops] = [
        [(0, (40, 40, 96)), (0.45, (196, 86, 92)), (0.8, (246, 160, 80)), (1, (255, 214, 130))],
        [(0, (26, 30, 70)), (0.5, (120, 64, 128)), (0.85, (240, 120, 96)), (1, (255, 190, 120))],
        [(0, (70, 110, 170)), (0.6, (232, 170, 130)), (1, (255, 226, 170))],
    ]
    sky = skies[mood % len(skies)]
    horizon = int(h * rng.uniform(0.55, 0.68))
    img = vgradient(size, sky)
    sun = (rng.uniform(0.25, 0.75) * w, horizon - rng.uniform(0.0, 0.12) * h)
    glow(img, sun, h * 0.7, (255, 170, 90), 0.6, 1.5)
    glow(img, sun, h * 0.05, (255, 240, 200), 1.0, 0.3)
    streaks = at(sky, 0.55)
    img = over(
        img,
        _clouds(rng, size, 0.1, 0.45, mix(streaks, (255, 200, 180), 0.3), rng.randint(3, 7), 150),
    )
    d = ImageDraw.Draw(img)
    if rng.random() < 0.6:  # a headland on one side
        side = rng.choice((0, 1))
        pts = ridge(rng, int(w * 0.45), horizon - h * 0.05, h * 0.05)
        pts = [(x if side == 0 else w - x, y + (x / (w * 0.45)) * h * 0.06) for x, y in pts]
        fill_below(d, pts, horizon + 1, (40, 28, 48))
    water = mix(sky[0][1], (10, 20, 40), 0.3)
    img = reflect(img, horizon, water, 0.5, 3)
    d = ImageDraw.Draw(img)
    for _ in range(260):  # the glittering path under the sun
        t = rng.random() ** 1.5
        y = horizon + 2 + t * (h - horizon)
        spread = w * (0.02 + 0.22 * t)
        x = sun[0] + rng.gauss(0, spread / 2)
        d.line(
            [(x, y), (x + rng.uniform(6, 30) * (0.5 + t), y)],
            fill=mix((255, 220, 150), water, t * 0.5),
        )
    if rng.random() < 0.5:  # a sailboat
        bx, by = rng.uniform(0.1, 0.9) * w, horizon + h * 0.03
        d.polygon([(bx, by - h * 0.12), (bx, by - 2), (bx + h * 0.06, by - 2)], fill=(30, 24, 36))
        d.polygon(
            [
                (bx - h * 0.04, by - 2),
                (bx + h * 0.07, by - 2),
                (bx + h * 0.05, by + 4),
                (bx - h * 0.03, by + 4),
            ],
            fill=(30, 24, 36),
        )
    return img


def snow(rng: random.Random, size: tuple[int, int], mood: int) -> Image.Image:
    w, h = size
    skies: list[Stops] = [
        [(0, (150, 180, 214)), (1, (232, 238, 246))],
        [(0, (190, 196, 210)), (1, (236, 236, 240))],
        [(0, (90, 120, 190)), (0.7, (220, 170, 170)), (1, (250, 214, 190))],
    ]
    sky = skies[mood % len(skies)]
    img = vgradient(size, sky)
    d = ImageDraw.Draw(img)
    fill_below(d, ridge(rng, w, h * 0.42, h * 0.12), h, mix((236, 240, 250), sky[0][1], 0.35))
    for i, base in enumerate((0.6, 0.75, 0.9)):
        shade = mix((250, 252, 255), (170, 186, 214), 0.5 - i * 0.2)
        pts = ridge(rng, w, h * base, h * 0.04, decay=0.45)
        fill_below(d, pts, h, shade)
        for _ in range(rng.randint(3, 9)):
            x = rng.uniform(0, w)
            gy = min(y for px, y in pts if abs(px - x) < w / 60) if pts else h * base
            pine(
                d,
                x,
                gy + 4,
                h * rng.uniform(0.08, 0.16) * (1 + i * 0.6),
                mix((30, 60, 50), sky[0][1], 0.4 - i * 0.15),
                (244, 248, 252),
            )

    def flakes(dd: ImageDraw.ImageDraw, s: float) -> None:
        for _ in range(int(w * h / 2500)):
            x, y, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(1, 3)
            dd.ellipse(
                [(x - r) * s, (y - r) * s, (x + r) * s, (y + r) * s], fill=(255, 255, 255, 200)
            )

    if rng.random() < 0.6:
        img = over(img, soft_layer(size, flakes, blur=0.6, scale=2))
    return img


def beach(rng: random.Random, size: tuple[int, int], mood: int) -> Image.Image:
    w, h = size
    sky = [SKIES[0], SKIES[4], [(0, (40, 140, 220)), (1, (180, 226, 250))]][mood % 3]
    img = vgradient(size, sky)
    img = over(img, _clouds(rng, size, 0.05, 0.4, (255, 255, 255), rng.randint(3, 8), 200))
    d = ImageDraw.Draw(img)
    horizon = int(h * rng.uniform(0.45, 0.55))
    shore = int(h * rng.uniform(0.66, 0.76))
    sea = vgradient(
        (w, shore - horizon), [(0, (30, 90, 150)), (0.6, (40, 160, 170)), (1, (110, 210, 200))]
    )
    img.paste(sea, (0, horizon))
    d = ImageDraw.Draw(img)
    ripples(d, rng, size, horizon, (160, 220, 230), 60)
    sand = vgradient((w, h - shore), [(0, (236, 220, 180)), (1, (214, 190, 140))])
    img.paste(sand, (0, shore))
    d = ImageDraw.Draw(img)
    foam = [(x, y + rng.uniform(-3, 3)) for x, y in ridge(rng, w, shore, h * 0.01, steps=6)]
    d.line(foam, fill=(250, 252, 250), width=max(2, h // 120))
    for _ in range(rng.randint(0, 3)):  # parasols
        x, y = rng.uniform(0.1, 0.9) * w, rng.uniform(shore + h * 0.08, h * 0.95)
        r = h * rng.uniform(0.06, 0.1)
        d.line([(x, y - r * 0.9), (x + 2, y)], fill=(90, 70, 50), width=3)
        c = rng.choice([(230, 60, 60), (250, 200, 40), (40, 120, 220), (240, 120, 170)])
        d.pieslice([x - r, y - r * 1.6, x + r, y - r * 0.3], 180, 360, fill=c)
    if rng.random() < 0.5:  # a palm leaning in from the side
        side = rng.choice((0.05, 0.95))
        x0, y0 = side * w, h * 1.0
        x1, y1 = x0 + (0.12 if side < 0.5 else -0.12) * w, h * 0.25
        d.line(
            [(x0, y0), ((x0 + x1) / 2 + 20, (y0 + y1) / 2), (x1, y1)],
            fill=(70, 50, 30),
            width=max(4, h // 60),
            joint="curve",
        )
        for k in range(8):
            a = k * math.pi / 4 + rng.uniform(-0.2, 0.2)
            ex, ey = x1 + math.cos(a) * h * 0.2, y1 + abs(math.sin(a)) * h * 0.12 - h * 0.04
            d.line(
                [(x1, y1), ((x1 + ex) / 2, min(y1, ey) - h * 0.03), (ex, ey)],
                fill=(30, 90, 40),
                width=max(3, h // 80),
                joint="curve",
            )
    return img


def desert(rng: random.Random, size: tuple[int, int], mood: int) -> Image.Image:
    w, h = size
    sky = [SKIES[4], SKIES[1], [(0, (90, 140, 200)), (1, (240, 220, 190))]][mood % 3]
    img = vgradient(size, sky)
    glow(img, (rng.uniform(0.2, 0.8) * w, h * 0.2), h * 0.4, (255, 240, 200), 0.6)
    d = ImageDraw.Draw(img)
    sand = [(226, 160, 96), (214, 130, 80), (236, 190, 130)][mood % 3]
    for i in range(4):
        t = i / 3
        base = h * (0.5 + 0.15 * i)
        ph, f = rng.uniform(0, 6), rng.uniform(2, 5)
        crest = [
            (x, y + h * 0.07 * math.sin(x / w * f + ph) + h * 0.025 * math.sin(x / w * 11 + ph))
            for x, y in ridge(rng, w, base, h * 0.02, steps=6, decay=0.4)
        ]
        lit = mix(mix(sand, at(sky, 1), 0.4 * (1 - t)), (255, 230, 180), 0.15)
        fill_below(d, crest, h, lit)
        # The lee side: below the crest where the dune falls away to the right.
        shadow = [
            (x, y + h * 0.05 * (1 + t) * max(0.0, math.cos(x / w * f + ph))) for x, y in crest
        ]
        fill_below(d, shadow, h, mix(lit, (120, 60, 50), 0.35))
    return img


def aurora(rng: random.Random, size: tuple[int, int], mood: int) -> Image.Image:
    w, h = size
    img = vgradient(size, [(0, (6, 12, 30)), (1, (24, 44, 70))])
    d = ImageDraw.Draw(img)
    stars(d, rng, (0, 0, w, h), int(w * h / 3000))
    colors = [
        [(60, 255, 150), (40, 200, 220)],
        [(120, 255, 120), (200, 90, 220)],
        [(80, 220, 255), (60, 255, 160)],
    ][mood % 3]

    def curtains(dd: ImageDraw.ImageDraw, s: float) -> None:
        for band in range(rng.randint(2, 3)):
            c = colors[band % 2]
            y0, amp, ph = rng.uniform(0.15, 0.4) * h, rng.uniform(0.04, 0.12) * h, rng.random() * 6
            for x in range(0, w, 6):
                y = y0 + amp * math.sin(x / w * 5 + ph) + amp * 0.5 * math.sin(x / w * 13 + ph)
                length = h * rng.uniform(0.08, 0.2)
                dd.line([(x * s, y * s), (x * s, (y + length) * s)], fill=(*c, 110), width=2)

    img = over(img, soft_layer(size, curtains, blur=3))
    d = ImageDraw.Draw(img)
    horizon = int(h * 0.72)
    fill_below(d, ridge(rng, w, horizon - h * 0.08, h * 0.06), horizon + 1, (8, 12, 18))
    img = reflect(img, horizon, (6, 10, 20), 0.4, 3)
    return img


def forest(rng: random.Random, size: tuple[int, int], mood: int) -> Image.Image:
    w, h = size
    mists = [(200, 214, 206), (226, 208, 170), (170, 190, 200)]
    mist = mists[mood % len(mists)]
    img = vgradient(size, [(0, mist), (1, mix(mist, (40, 60, 40), 0.5))])
    d = ImageDraw.Draw(img)
    for depth in range(5):
        t = depth / 4
        c = mix(mist, (20, 36, 24), 0.25 + 0.7 * t)
        for _ in range(rng.randint(6, 12)):
            x = rng.uniform(-0.05, 1.05) * w
            pine(d, x, h * (0.7 + 0.3 * t), h * (0.35 + 0.5 * t), c)
        if depth == 2:

            def rays(dd: ImageDraw.ImageDraw, s: float) -> None:
                sx = rng.uniform(0.2, 0.8) * w
                for _ in range(6):
                    x = sx + rng.uniform(-0.3, 0.3) * w
                    dd.polygon(
                        [(sx * s, 0), ((x - 20) * s, h * s), ((x + 20) * s, h * s)],
                        fill=(255, 250, 220, 50),
                    )

            img = over(img, soft_layer(size, rays, blur=4))
            d = ImageDraw.Draw(img)
    return img
