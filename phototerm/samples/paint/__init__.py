"""Procedural pictures for the demo and synthetic libraries.

Each scene is a function ``(rng, size, mood) -> Image`` that builds a plausible photograph
out of gradients, soft glows, ridgelines and silhouettes, so a grid of thumbnails looks like a
photo library rather than colour swatches. ``mood`` picks the palette (time of day, flower
kind...). Everything comes from a ``random.Random``: the same seed gives the same picture.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from PIL import Image

from phototerm.samples.paint.nature import (
    aurora,
    beach,
    desert,
    forest,
    landscape,
    snow,
    sunset_sea,
)
from phototerm.samples.paint.primitives import finish
from phototerm.samples.paint.subjects import bokeh, city_night, flowers, silhouette

Scene = Callable[[random.Random, tuple[int, int], int], Image.Image]

SCENES: dict[str, Scene] = {
    "landscape": landscape,
    "sunset": sunset_sea,
    "city": city_night,
    "flowers": flowers,
    "bokeh": bokeh,
    "silhouette": silhouette,
    "snow": snow,
    "beach": beach,
    "desert": desert,
    "aurora": aurora,
    "forest": forest,
}


def paint(
    seed: int,
    size: tuple[int, int] = (1024, 768),
    scene: str | None = None,
    mood: int | None = None,
) -> Image.Image:
    """A picture for ``seed``: the scene and mood are drawn from the seed unless given."""
    rng = random.Random(seed)
    name = scene if scene is not None else rng.choice(sorted(SCENES))
    img = SCENES[name](rng, size, mood if mood is not None else rng.randrange(5))
    return finish(img, rng)
