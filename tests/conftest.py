"""Shared test set-up: XDG dirs under tmp_path, small generated libraries, a PhotoApp factory.

Every test gets its own XDG_* directories (autouse), so nothing reads or writes the real
home, and the phototerm/colour variables of the machine running the tests are cleared; the
system config is a file that does not exist (the machine's /etc/phototerm is not read).
"""

from __future__ import annotations

import asyncio
import html
import os
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from nobody import as_nobody  # noqa: F401  (fixture: run code as user nobody)
from PIL import Image, ImageDraw
from unix_users import unix_users  # noqa: F401  (fixture: real users alice, bob, carol)

from phototerm.samples import exifwrite

XDG_VARS = {
    "XDG_CONFIG_HOME": "config",
    "XDG_CACHE_HOME": "cache",
    "XDG_STATE_HOME": "state",
    "XDG_DATA_HOME": "data",
}
CLEARED_VARS = ("PHOTOTERM_PERSONAL", "PHOTOTERM_SHARED", "PHOTOTERM_COLOR", "NO_COLOR")


@pytest.fixture(autouse=True)
def xdg_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    base = tmp_path / "xdg"
    for var, name in XDG_VARS.items():
        monkeypatch.setenv(var, str(base / name))
    for var in CLEARED_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("PHOTOTERM_SYSTEM_CONFIG", str(base / "no-system-config.toml"))
    return base


# ---------------------------------------------------------------------------- libraries


@dataclass
class Shot:
    """One generated photo. ``rel`` may be str or bytes (bytes: a non-UTF-8 file name)."""

    rel: str | bytes
    taken: datetime
    color: tuple[int, int, int] = (90, 140, 200)
    make: str | bytes = "Canon"
    model: str | bytes = "Canon EOS R6"
    lens: str = "RF24-105mm F4 L IS USM"
    description: str | bytes | None = None
    rating: int | None = None
    iso: int = 200
    gps: tuple[float, float] | None = None
    size: tuple[int, int] = (320, 240)
    extra: dict[str, Any] = field(default_factory=dict)


def draw(shot: Shot) -> Image.Image:
    """A simple, recognisable picture: sky colour, a ground band and a sun."""
    w, h = shot.size
    image = Image.new("RGB", shot.size, shot.color)
    d = ImageDraw.Draw(image)
    r, g, b = shot.color
    d.rectangle((0, h * 2 // 3, w, h), fill=(r // 3, min(255, g // 2 + 60), b // 4))
    d.ellipse((w * 2 // 3, h // 6, w * 2 // 3 + h // 5, h // 6 + h // 5), fill=(250, 230, 120))
    return image


def write_shot(root: Path, shot: Shot) -> Path:
    rel = shot.rel if isinstance(shot.rel, bytes) else shot.rel.encode("utf-8", "surrogateescape")
    path = os.path.join(os.fsencode(root), rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fields: dict[str, Any] = {
        "make": shot.make,
        "model": shot.model,
        "lens": shot.lens,
        "iso": shot.iso,
        "datetime_original": shot.taken,
        "exposure": 1 / 250,
        "fnumber": 4.0,
        "focal": 50.0,
        "width": shot.size[0],
        "height": shot.size[1],
        **shot.extra,
    }
    if shot.description is not None:
        fields["description"] = shot.description
    if shot.rating is not None:
        fields["rating"] = shot.rating
    if shot.gps is not None:
        fields["lat"], fields["lon"] = shot.gps
    exifwrite.write_jpeg(os.fsdecode(path), draw(shot), fields)
    stamp = shot.taken.timestamp()
    os.utime(path, (stamp, stamp))
    return Path(os.fsdecode(path))


def make_library(root: Path, shots: Iterable[Shot]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for shot in shots:
        write_shot(root, shot)
    return root


COLORS = [
    (70, 130, 200),
    (200, 120, 80),
    (90, 170, 90),
    (180, 90, 160),
    (220, 200, 90),
    (60, 60, 120),
    (150, 200, 220),
    (200, 70, 70),
]


def standard_shots(space: str = "personal") -> list[Shot]:
    """Photos over three years in event folders, with a few cameras, ratings and GPS."""
    events = (
        [
            ("2019/2019-07-14 Paris", 6, datetime(2019, 7, 14, 9, 30)),
            ("2020/2020-05-02 Garden", 5, datetime(2020, 5, 2, 15, 0)),
            ("2021/Lake", 4, datetime(2021, 3, 5, 11, 0)),
        ]
        if space == "personal"
        else [
            ("2020/2020-03-01 Family", 4, datetime(2020, 3, 1, 12, 0)),
            ("2021/2021-12-24 Christmas", 3, datetime(2021, 12, 24, 18, 0)),
        ]
    )
    cameras = [
        ("Canon", "Canon EOS R6"),
        ("NIKON CORPORATION", "NIKON Z 6_2"),
        ("Apple", "iPhone 13"),
    ]
    shots: list[Shot] = []
    n = 0
    for e, (folder, count, day) in enumerate(events):
        for i in range(count):
            make, model = cameras[(n + e) % len(cameras)]
            shots.append(
                Shot(
                    rel=f"{folder}/IMG_{n:04d}.jpg",
                    taken=day + timedelta(hours=i // 3 * 24, minutes=7 * i),  # 3 a day
                    color=COLORS[n % len(COLORS)],
                    make=make,
                    model=model,
                    rating=(n % 6) if n % 3 == 0 else None,
                    gps=(48.85 + i / 100, 2.35) if e == 0 else None,
                )
            )
            n += 1
    return shots


def make_standard(base: Path) -> tuple[Path, Path]:
    personal = make_library(base / "Personal", standard_shots("personal"))
    shared = make_library(base / "Shared", standard_shots("shared"))
    return personal, shared


# ------------------------------------------------------------------------------- the app


def write_config(text: str) -> Path:
    path = Path(os.environ["XDG_CONFIG_HOME"]) / "phototerm" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def make_app(
    tmp_path: Path,
    *,
    personal: Path | str | None = None,
    shared: Path | str | None = "",
    config: str | None = None,
    theme: str | None = None,
    color: Any = None,
    library: bool = True,
    identity: Any = None,
    **kwargs: Any,
):
    """A PhotoApp over a generated library (the standard one unless roots are given).

    ``shared=""`` (the default) turns the Shared Space off, as the CLI's ``--shared ''``.
    ``identity``: who is acting (a ``roles.Identity``; default the user running the tests).
    """
    from phototerm.library.settings import load_settings
    from phototerm.library.spaces import resolve
    from phototerm.tui.app import PhotoApp

    if config is not None:
        write_config(config)
    if personal is None and library:
        personal, shared_root = make_standard(tmp_path / "lib")
        if shared is None:
            shared = shared_root
    settings = load_settings()
    setup = resolve(
        settings,
        "" if personal is None else str(personal),
        "" if shared is None else str(shared),
        env={},
        identity=identity,
    )
    return PhotoApp(setup, settings=settings, theme=theme, color=color, **kwargs)


async def settle(pilot: Any, timeout: float = 30.0) -> None:
    """Wait until indexing has finished and every requested thumbnail has arrived."""
    app = pilot.app
    deadline = time.monotonic() + timeout
    quiet = 0
    while time.monotonic() < deadline:
        await pilot.pause(0.05)
        busy = (
            app.indexing or app.thumbnails.pending() > 0 or any(w.is_running for w in app.workers)
        )
        quiet = 0 if busy else quiet + 1
        if quiet >= 4:  # a few quiet rounds: posted results have been handled
            await pilot.pause()
            return
    raise AssertionError("the app did not settle (indexing or thumbnails still running)")


async def until(pilot: Any, condition: Any, timeout: float = 10.0) -> None:
    """Let the app run until ``condition()`` holds (a screen that updates after a message
    the test cannot await directly); fails with the last screen after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("not reached in time:\n" + screen_text(pilot.app))
        await pilot.pause(0.05)


_TEXT = re.compile(
    r'<text class="[^"]*" x="([\d.]+)" y="[\d.]+" textLength="[\d.]+" '
    r'clip-path="url\(#[\w-]+-line-(\d+)\)">([^<]*)</text>'
)


CELL_WIDTH = 12.2


def screen_lines(app: Any) -> list[str]:
    """What a person sees, line by line, from the app's own screenshot (SVG) export."""
    svg = app.export_screenshot()
    lines: dict[int, list[str]] = {}
    width = app.size.width
    for x, line, text in _TEXT.findall(svg):
        row = lines.setdefault(int(line), [" "] * width)
        col = round(float(x) / CELL_WIDTH)  # Rich's SVG export: 12.2 px per cell
        for i, ch in enumerate(html.unescape(text).replace("\xa0", " ")):
            if 0 <= col + i < width:
                row[col + i] = ch
    return ["".join(lines.get(n, [])).rstrip() for n in range(max(lines, default=-1) + 1)]


def screen_text(app: Any) -> str:
    return "\n".join(screen_lines(app))


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def names(app: Any, ids: Sequence[int]) -> list[str]:
    return [app.index.get(i).name for i in ids]


# ---------------------------------------------------------------------------- app helpers

SIZE = (200, 50)  # the terminal the Pilot tests run in


def notes(messages: list) -> list[str]:
    """The notification texts among the messages a ``message_hook`` collected."""
    from textual.notifications import Notify

    return [m.notification.message for m in messages if isinstance(m, Notify)]


def cursor_name(app: Any) -> str:
    """The file name of the photo under the grid's cursor."""
    photo_id = app.library.grid.cursor_photo_id()
    assert photo_id is not None
    return app.index.get(photo_id).name
