"""Subjects: a city at night, flowers, bokeh lights, people against the light."""

from __future__ import annotations

import math
import random

from PIL import Image, ImageDraw, ImageFilter

from phototerm.samples.paint.nature import SKIES
from phototerm.samples.paint.primitives import (
    Stops,
    fill_below,
    glow,
    jitter,
    mix,
    over,
    reflect,
    ridge,
    ripples,
    soft_layer,
    stars,
    vgradient,
)


def city_night(rng: random.Random, size: tuple[int, int], mood: int) -> Image.Image:
    w, h = size
    skies: list[Stops] = [
        [(0, (8, 12, 36)), (0.6, (36, 40, 96)), (1, (150, 80, 110))],
        [(0, (6, 8, 20)), (0.7, (26, 34, 70)), (1, (90, 70, 90))],
        [(0, (20, 24, 70)), (0.6, (70, 60, 140)), (1, (230, 120, 90))],  # blue hour
    ]
    sky = skies[mood % len(skies)]
    img = vgradient(size, sky)
    d = ImageDraw.Draw(img)
    stars(d, rng, (0, 0, w, int(h * 0.45)), int(w * h / 6000))
    if rng.random() < 0.6:
        m = (rng.uniform(0.1, 0.9) * w, rng.uniform(0.08, 0.25) * h)
        glow(img, m, h * 0.15, (160, 170, 210), 0.5)
        r = h * 0.03
        d.ellipse([m[0] - r, m[1] - r, m[0] + r, m[1] + r], fill=(240, 236, 220))
    ground = int(h * rng.uniform(0.66, 0.78))
    warm = [(255, 214, 130), (255, 236, 190), (250, 190, 100), (200, 220, 255)]
    for row, (shade, lit) in enumerate(((0.55, 0.25), (0.15, 0.45))):
        x = rng.uniform(-40, 0)
        while x < w:
            bw = rng.uniform(0.04, 0.11) * w
            top = ground - rng.uniform(0.12, 0.45 if row else 0.55) * h
            body = mix((14, 16, 26), sky[-1][1], shade * rng.uniform(0.6, 1.0))
            d.rectangle([x, top, x + bw, ground], fill=body)
            if rng.random() < 0.2:
                d.line([(x + bw / 2, top), (x + bw / 2, top - h * 0.06)], fill=body, width=2)
            step_x, step_y = max(4.0, w / 160), max(5.0, h / 90)
            wy = top + step_y
            p = lit * rng.uniform(0.5, 1.6)
            while wy < ground - step_y:
                wx = x + step_x * 0.7
                while wx < x + bw - step_x:
                    if rng.random() < p:
                        c = mix(rng.choice(warm), body, 0.3 * rng.random() + 0.25 * (1 - row))
                        d.rectangle([wx, wy, wx + step_x * 0.55, wy + step_y * 0.5], fill=c)
                    wx += step_x
                wy += step_y
            x += bw + rng.uniform(0, 0.02) * w
    if rng.random() < 0.6:
        img = reflect(img, ground, (10, 14, 30), 0.35, 2.5)
        d = ImageDraw.Draw(img)
        ripples(d, rng, size, ground, (60, 60, 80), 80)
    else:
        d.rectangle([0, ground, w, h], fill=(12, 12, 18))
        for i in range(12):  # street lamps
            lx = (i + rng.random()) * w / 12
            glow(img, (lx, ground + h * 0.03), h * 0.06, (255, 190, 110), 0.8)
    return img


def flowers(rng: random.Random, size: tuple[int, int], mood: int) -> Image.Image:
    w, h = size
    kinds = [  # petal colour, centre colour, petals
        ((222, 40, 40), (30, 20, 20), 5),  # poppy
        ((250, 200, 30), (90, 50, 20), 16),  # sunflower
        ((236, 120, 170), (250, 210, 80), 8),  # cosmos
        ((250, 250, 246), (246, 200, 40), 20),  # daisy
        ((150, 90, 200), (250, 220, 120), 6),  # violet
    ]
    petal_c, centre_c, petals = kinds[mood % len(kinds)]
    base = jitter(rng, (70, 120, 50), 20)
    img = vgradient(size, [(0, mix(base, (200, 220, 160), 0.5)), (1, mix(base, (20, 40, 20), 0.4))])

    def blobs(d: ImageDraw.ImageDraw, s: float) -> None:
        for _ in range(40):
            x, y, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(0.03, 0.12) * w
            c = mix(base, rng.choice([(230, 240, 180), (20, 50, 20), petal_c]), rng.random() * 0.6)
            d.ellipse([(x - r) * s, (y - r) * s, (x + r) * s, (y + r) * s], fill=(*c, 150))

    img = over(img, soft_layer(size, blobs, blur=6))
    d = ImageDraw.Draw(img)
    heads = sorted(
        (
            (rng.uniform(0.1, 0.9) * w, rng.uniform(0.2, 0.7) * h, rng.uniform(0.06, 0.16) * h)
            for _ in range(rng.randint(1, 5))
        ),
        key=lambda f: f[2],
    )
    for x, y, r in heads:
        d.line(
            [(x, y), (x + rng.uniform(-0.05, 0.05) * w, h)],
            fill=(50, 90, 40),
            width=max(2, int(r / 10)),
        )
        tilt = rng.uniform(0, math.pi)
        c = jitter(rng, petal_c, 12)
        for i in range(petals):
            a = tilt + i * 2 * math.pi / petals
            pts = []
            for k in range(16):
                t = k * 2 * math.pi / 16
                lx, ly = (
                    r * (0.5 + 0.5 * math.cos(t)),
                    r * (0.22 if petals > 10 else 0.38) * math.sin(t),
                )
                pts.append(
                    (
                        x + lx * math.cos(a) - ly * math.sin(a),
                        y + lx * math.sin(a) + ly * math.cos(a),
                    )
                )
            d.polygon(
                pts, fill=mix(c, (255, 255, 255), 0.15 * (i % 2)), outline=mix(c, (0, 0, 0), 0.25)
            )
        cr = r * (0.32 if petals > 10 else 0.2)
        d.ellipse([x - cr, y - cr, x + cr, y + cr], fill=centre_c)
    return img


def bokeh(rng: random.Random, size: tuple[int, int], mood: int) -> Image.Image:
    w, h = size
    sets = [
        ([(255, 190, 90), (255, 140, 60), (255, 230, 170)], (20, 12, 10)),  # fairy lights
        ([(90, 170, 255), (60, 230, 220), (180, 120, 255)], (6, 10, 24)),  # city blue
        ([(255, 110, 170), (200, 90, 255), (255, 200, 230)], (24, 8, 24)),  # pink
        ([(140, 230, 120), (250, 240, 120), (80, 200, 160)], (8, 20, 12)),  # garden
    ]
    colors, dark = sets[mood % len(sets)]
    img = vgradient(size, [(0, dark), (1, mix(dark, colors[0], 0.25))])
    for sharp in (False, True):

        def discs(d: ImageDraw.ImageDraw, s: float, sharp: bool = sharp) -> None:
            for _ in range(rng.randint(18, 34) if not sharp else rng.randint(8, 18)):
                x, y = rng.uniform(0, w), rng.gauss(h * 0.5, h * 0.25)
                r = rng.uniform(0.03, 0.09 if sharp else 0.14) * w
                c = rng.choice(colors)
                d.ellipse(
                    [(x - r) * s, (y - r) * s, (x + r) * s, (y + r) * s],
                    fill=(*c, rng.randint(40, 110)),
                    outline=(*mix(c, (255, 255, 255), 0.3), 150) if sharp else None,
                )

        img = over(img, soft_layer(size, discs, blur=1 if sharp else 5, scale=2 if sharp else 4))
    return img


def silhouette(rng: random.Random, size: tuple[int, int], mood: int) -> Image.Image:
    w, h = size
    backs = [
        SKIES[1],
        SKIES[3],
        [(0, (30, 40, 70)), (1, (120, 150, 190))],
        [(0, (240, 200, 150)), (1, (200, 110, 80))],
    ]
    sky = backs[mood % len(backs)]
    img = vgradient(size, sky)
    ground = h * rng.uniform(0.72, 0.85)
    people = rng.randint(1, 3) if rng.random() < 0.5 else 1
    close = people == 1 and rng.random() < 0.6
    light = (rng.uniform(0.3, 0.7) * w, ground - h * (0.35 if close else 0.05))
    glow(img, light, h * 0.6, (255, 220, 170), 0.8, 1.4)
    d = ImageDraw.Draw(img)
    dark = mix(sky[0][1], (5, 5, 10), 0.8)
    fill_below(d, ridge(rng, w, ground, h * 0.02), h, dark)
    if close:  # head and shoulders, portrait style
        x, r = light[0] + rng.uniform(-0.15, 0.15) * w, h * 0.12
        y = h * 0.42
        rim = Image.new("RGBA", size, (0, 0, 0, 0))
        rd = ImageDraw.Draw(rim)
        for draw_, c, grow in ((rd, (255, 230, 190, 230), max(3, h // 120)), (d, dark, 0)):
            draw_.ellipse(
                [x - r - grow, y - r * 1.2 - grow, x + r + grow, y + r * 1.2 + grow], fill=c
            )
            draw_.rectangle([x - r * 0.4 - grow, y + r, x + r * 0.4 + grow, y + r * 1.8], fill=c)
            draw_.rounded_rectangle(
                [x - r * 2.6 - grow, y + r * 1.55 - grow, x + r * 2.6 + grow, h + r * 2],
                radius=r * 1.3,
                fill=c,
            )
        rim = rim.convert("RGBa").filter(ImageFilter.GaussianBlur(max(2, h // 150)))
        img = over(img, rim.convert("RGBA"))
        d = ImageDraw.Draw(img)
        d.ellipse([x - r, y - r * 1.2, x + r, y + r * 1.2], fill=dark)
        d.rectangle([x - r * 0.4, y + r, x + r * 0.4, y + r * 1.8], fill=dark)
        d.rounded_rectangle(
            [x - r * 2.6, y + r * 1.55, x + r * 2.6, h + r * 2], radius=r * 1.3, fill=dark
        )
    else:
        for i in range(people):
            x = w * (0.3 + 0.4 * (i + 0.5) / people) + rng.uniform(-20, 20)
            ph = h * rng.uniform(0.22, 0.34) * (0.7 if i == 2 else 1)
            top = ground - ph
            hr = ph * 0.08
            d.ellipse([x - hr, top, x + hr, top + 2 * hr], fill=dark)
            d.rounded_rectangle(
                [x - ph * 0.11, top + 2.1 * hr, x + ph * 0.11, top + ph * 0.58],
                radius=ph * 0.05,
                fill=dark,
            )
            for leg in (-1, 1):
                d.line(
                    [(x + leg * ph * 0.05, top + ph * 0.55), (x + leg * ph * 0.08, ground + 2)],
                    fill=dark,
                    width=max(2, int(ph * 0.07)),
                )
    return img
