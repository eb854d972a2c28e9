"""Bench "browser": how fast the thumbnail grid answers keys and fills a screen.

- keypress-to-repaint p50 for cursor and page moves on a 100,000-photo model (headless Pilot,
  a host App holding only the grid, thumbnails warm in the disk cache);
- first screen after the index is ready, with cached thumbnails;
- a cold page of 24 tiles from embedded EXIF thumbnails and from 12 MP drafted decodes;
- bytes written to a real pty (200x50, truecolor) for a full repaint and a one-row cursor move,
  beside rich-pixels' per-cell printing of the same screen.

Pictures are generated (see ``photo_image``): textured on purpose, since flat synthetic images
would flatter the byte figures. ``python -m phototerm.bench.browser host ...`` is the grid host
that the pty measurement runs.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import math
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PIL import Image, ImageChops, ImageDraw, ImageFilter

from phototerm.bench import BenchOptions, Figure, in_pty
from phototerm.library.photo import PERSONAL, Photo
from phototerm.library.thumbnails import ThumbnailService, fit

if TYPE_CHECKING:
    from rich.segment import Segment
    from textual.app import App
    from textual.pilot import Pilot

    from phototerm.tui.widgets.grid_model import GridModel

AREA = "browser"
SIZE = (200, 50)
DAY = 86400


# ---------------------------------------------------------------------- pictures


def photo_image(seed: int, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A photo-like picture: sky gradient, sun, textured hills, posts, sensor noise."""
    rng = random.Random(seed)
    w, h = size
    top = [rng.randint(20, 120) for _ in range(3)]
    low = [min(255, c + rng.randint(60, 130)) for c in top]
    ramp = Image.linear_gradient("L").resize((w, h))
    bands = [ramp.point(lambda v, a=a, b=b: a + (b - a) * v // 255) for a, b in zip(top, low)]
    img = Image.merge("RGB", bands)
    draw = ImageDraw.Draw(img)
    sx, sy, r = rng.randint(0, w), rng.randint(0, h // 2), rng.randint(w // 20, w // 8)
    draw.ellipse((sx - r, sy - r, sx + r, sy + r), fill=(255, 230, 180))
    for layer in range(rng.randint(2, 4)):
        base = h * (0.45 + 0.15 * layer)
        colour = tuple(rng.randint(10, 160) for _ in range(3))
        period = rng.randint(30, 90) * w / 640
        pts = [(0.0, float(h))]
        for x in range(0, w + 20, max(1, w // 32)):
            y = base + math.sin(x / period + layer) * h * 0.06 + rng.randint(-8, 8) * h / 480
            pts.append((float(x), y))
        pts.append((float(w), float(h)))
        draw.polygon(pts, fill=colour)
    for _ in range(rng.randint(5, 30)):
        x, y, s = rng.randint(0, w), rng.randint(h // 2, h), rng.randint(5, 60) * w // 640
        draw.rectangle(
            (x, y - s * 2, x + s // 3, y), fill=tuple(rng.randint(0, 90) for _ in range(3))
        )
    img = img.filter(ImageFilter.GaussianBlur(1.2 * w / 640))
    noise = Image.effect_noise((w, h), 10).convert("RGB")
    img = ImageChops.add(img, noise, scale=1.0, offset=-128)
    texture = Image.effect_noise((max(1, w // 8), max(1, h // 8)), 28)
    texture = texture.resize((w, h), Image.Resampling.BICUBIC).convert("RGB")
    return ImageChops.add(img, texture, scale=1.0, offset=-128)


# ---------------------------------------------------------------------- model


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    label: str
    start: int
    count: int


class ListModel:
    """A GridModel over a list of Photos, grouped by capture day (what the app builds)."""

    def __init__(self, photos: Sequence[Photo], group_by_day: bool = True) -> None:
        self.photos = list(photos)
        self._sections: list[Section] = []
        if group_by_day:
            start = 0
            for i in range(1, len(self.photos) + 1):
                if i == len(self.photos) or _day(self.photos[i]) != _day(self.photos[start]):
                    day = _day(self.photos[start])
                    label = time.strftime("%A %d %B %Y", time.gmtime(day * DAY))
                    self._sections.append(Section(str(day), label, start, i - start))
                    start = i

    def __len__(self) -> int:
        return len(self.photos)

    def sections(self) -> Sequence[Section]:
        return self._sections

    def photo_id(self, pos: int) -> int:
        return pos

    def photo(self, pos: int) -> Photo:
        return self.photos[pos]

    def position_of(self, photo_id: int) -> int | None:
        return photo_id if 0 <= photo_id < len(self.photos) else None


def _day(photo: Photo) -> int:
    return int((photo.taken or 0) // DAY)


def synthetic_photos(
    n: int, root: str = "/nonexistent/phototerm-bench", seed: int = 7
) -> list[Photo]:
    """``n`` Photo records (no files), a few to a few dozen per day, newest last."""
    rng = random.Random(seed)
    photos: list[Photo] = []
    when = 1_400_000_000.0
    while len(photos) < n:
        when += DAY * rng.randint(1, 4)
        for i in range(min(rng.randint(1, 60), n - len(photos))):
            number = len(photos) + 1
            photos.append(
                Photo(
                    space=PERSONAL,
                    root=root,
                    rel=f"{time.strftime('%Y/%m', time.gmtime(when))}/IMG_{number:06d}.JPG",
                    size=2_000_000 + number,
                    mtime=when + i,
                    taken=when + i * 60,
                    rating=rng.choice((0, 0, 0, 0, 1, 3, 5, -1)),
                    width=4000,
                    height=3000,
                )
            )
    return photos


def warm_disk_cache(
    service: ThumbnailService, photos: Sequence[Photo], positions: range, box: tuple[int, int]
) -> None:
    """Put thumbnails for ``positions`` in the disk (and memory) cache, as after a first visit."""
    pool = [fit(photo_image(seed, (320, 240)), box) for seed in range(24)]
    for pos in positions:
        if 0 <= pos < len(photos):
            service.put(photos[pos], box, pool[pos % len(pool)])


# ---------------------------------------------------------------------- host app


def make_host(service: ThumbnailService, model: GridModel | None, *, tile_size: str = "medium",
              color: str = "truecolor", start: int = 0) -> App[None]:  # fmt: skip
    """A minimal App that only contains the grid (what the bench and the pty host run)."""
    from textual.app import App, ComposeResult

    from phototerm.tui.widgets.grid import ThumbnailGrid

    class GridHost(App[None]):
        CSS = "ThumbnailGrid { height: 1fr; }"

        def compose(self) -> ComposeResult:
            yield ThumbnailGrid(service, tile_size=tile_size, color=color)

        def on_mount(self) -> None:
            grid = self.query_one(ThumbnailGrid)
            if model is not None:
                grid.set_model(model)
                grid.cursor = start
            grid.focus()

    return GridHost()


async def _settle(pilot: Pilot[None], service: ThumbnailService, limit: float = 5.0) -> None:
    deadline = time.perf_counter() + limit
    await pilot.pause()
    while service.pending() and time.perf_counter() < deadline:
        await asyncio.sleep(0.005)
    await pilot.pause()
    await pilot.pause()


async def _keys(service: ThumbnailService, model: ListModel, start: int,
                keys: Sequence[str], rounds: int) -> dict[str, list[float]]:  # fmt: skip
    app = make_host(service, model, start=start)
    times: dict[str, list[float]] = {k: [] for k in keys}
    times.update({k + " cpu": [] for k in keys})
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot, service)
        for _ in range(rounds):
            for key in keys:
                t0, c0 = time.perf_counter(), time.thread_time()
                await pilot.press(key)
                await pilot.pause()
                times[key].append((time.perf_counter() - t0) * 1000)
                times[key + " cpu"].append((time.thread_time() - c0) * 1000)
                await _settle(pilot, service)  # a person's pace: prefetch runs between keys
    return times


async def _first_screen(service: ThumbnailService, model: GridModel) -> tuple[float, float, int]:
    from phototerm.tui.widgets.grid import ThumbnailGrid

    app = make_host(service, None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        grid = app.query_one(ThumbnailGrid)
        t0, c0 = time.perf_counter(), time.thread_time()
        grid.set_model(model)  # the index is ready: from here to a full first screen
        await pilot.pause()
        elapsed = (time.perf_counter() - t0) * 1000
        cpu = (time.thread_time() - c0) * 1000
        done, visible = grid.loaded_on_screen()
    return elapsed, cpu, visible - done


# ---------------------------------------------------------------------- cold pages


def _write_jpegs(folder: str, count: int, size: tuple[int, int], exif_thumb: bool) -> list[Photo]:
    """``count`` JPEGs of ``size``; four distinct pictures, one encode each, spliced EXIF."""
    from phototerm.samples import exifwrite

    os.makedirs(folder, exist_ok=True)
    bases = []
    for seed in range(4):
        image = photo_image(100 + seed, (size[0] // 4, size[1] // 4)).resize(size)
        data = exifwrite.encode_jpeg(image, 88)
        thumb = exifwrite.thumbnail_jpeg(image) if exif_thumb else None
        bases.append((data, thumb))
    photos = []
    for i in range(count):
        data, thumb = bases[i % 4]
        fields: dict[str, Any] = {
            "model": "Bench",
            "orientation": 1,
            "width": size[0],
            "height": size[1],
        }
        if thumb:
            fields["thumbnail"] = thumb
        path = os.path.join(folder, f"IMG_{i:04d}.JPG")
        with open(path, "wb") as fh:
            fh.write(exifwrite.splice_jpeg(data, exifwrite.exif_bytes(fields)))
        st = os.stat(path)
        photos.append(
            Photo(PERSONAL, folder, os.path.basename(path), size=st.st_size, mtime=st.st_mtime)
        )
    return photos


def _cold_page(photos: Sequence[Photo], cache: str, workers: int) -> tuple[float, set[str]]:
    """Time for ``photos`` through the service and into half-block cells (what the grid does)."""
    from phototerm.tui import pixels

    shutil.rmtree(cache, ignore_errors=True)
    service = ThumbnailService(cache, workers=workers, freedesktop_dir="")
    done = threading.Event()
    left = [len(photos)]
    errors: set[str] = set()
    lock = threading.Lock()

    def callback(key: str, image: Image.Image | None, error: str) -> None:
        if image is not None:
            pixels.render_cells(image, (24, 9), (30, 30, 30), "truecolor")
        with lock:
            if error:
                errors.add(error)
            left[0] -= 1
            if not left[0]:
                done.set()

    t0 = time.perf_counter()
    for i, photo in enumerate(photos):
        service.request(photo, (24, 18), i, callback)
    done.wait(60)
    elapsed = (time.perf_counter() - t0) * 1000
    service.close()
    return elapsed, errors


# ---------------------------------------------------------------------- bytes through a pty


def _pty_bytes(workdir: str, n: int, start: int, keys: Sequence[tuple[str, bytes]],
               color: str = "truecolor", baseline: bool = False,
               ) -> dict[str, tuple[int, float]]:  # fmt: skip
    """Run the grid host under a 200x50 pty: (bytes written after each key until quiet,
    milliseconds from the key to the last of those bytes)."""
    env = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor")
    env.pop("NO_COLOR", None)
    argv = [sys.executable, "-m", "phototerm.bench.browser", "host", "--photos", str(n),
            "--cache", workdir, "--start", str(start), "--color", color]  # fmt: skip
    if baseline:
        argv.append("--rich-pixels")
    pid, fd = in_pty.spawn(argv, env, SIZE)
    out: dict[str, tuple[int, float]] = {}
    try:
        out["start-up"] = _drain(fd, first_wait=20.0, quiet=2.0)
        for name, data in keys:
            c0 = _cpu_ms(pid)
            os.write(fd, data)
            out[name] = _drain(fd, first_wait=3.0, quiet=0.8)
            out[name + " cpu"] = (0, _cpu_ms(pid) - c0)
    finally:
        in_pty.stop(pid, fd, b"\x03", 0.3)  # ctrl+c: Textual's quit
    return out


def _cpu_ms(pid: int) -> float:
    """User + system CPU of a process so far (10 ms ticks), from /proc."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def _drain(fd: int, first_wait: float, quiet: float) -> tuple[int, float]:
    """Bytes until nothing arrives for ``quiet`` seconds (waiting up to ``first_wait`` for
    any), and the milliseconds from the call to the last byte."""
    start = time.monotonic()
    total, last = in_pty.drain(fd, first_wait, quiet)
    return total, (last - start) * 1000 if total else 0.0


def _host_cache(workdir: str) -> str:
    return os.path.join(workdir, "cache")


def host_main(argv: Sequence[str]) -> int:
    """The pty host: a 100k model with the disk cache warmed by the bench beforehand."""
    parser = argparse.ArgumentParser(prog="phototerm.bench.browser host")
    parser.add_argument("--photos", type=int, required=True)
    parser.add_argument("--cache", required=True)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--color", default="truecolor")
    parser.add_argument("--rich-pixels", action="store_true",
                        help="baseline: draw tiles with rich-pixels' per-cell segments")  # fmt: skip
    args = parser.parse_args(argv)
    if args.rich_pixels:
        from phototerm.tui import pixels

        pixels.render_cells = rich_pixels_cells  # the grid looks it up on the module
    model = ListModel(synthetic_photos(args.photos))
    service = ThumbnailService(_host_cache(args.cache), workers=2, freedesktop_dir="")
    try:
        make_host(service, model, start=args.start, color=args.color).run()
    finally:
        service.close()
    return 0


def rich_pixels_cells(image: Image.Image, size: tuple[int, int],
                      background: tuple[int, int, int], mode: str = "truecolor",
                      tolerance: int = 0) -> list[list[Segment]]:  # fmt: skip
    """The baseline tile renderer: the same fitted, letterboxed picture as rich-pixels prints
    it (``Pixels.from_image``: one segment and one Style per cell)."""
    from rich.console import Console
    from rich_pixels import Pixels

    cols, rows = size
    canvas = Image.new("RGB", (cols, rows * 2), tuple(background))
    canvas.paste(image, ((cols - image.width) // 2, (rows * 2 - image.height) // 2))
    console = Console(file=io.StringIO(), color_system="truecolor", width=cols * 2)
    lines: list[list[Segment]] = [[]]
    for segment in console.render(Pixels.from_image(canvas), console.options):
        if segment.text == "\n":
            lines.append([])
        else:
            lines[-1].append(segment)
    return [line for line in lines if line][:rows]


# ---------------------------------------------------------------------- run


def run(opts: BenchOptions) -> list[Figure]:
    figures: list[Figure] = []
    n = 10_000 if opts.quick else 100_000
    rounds = 3 if opts.quick else 15
    tmp = tempfile.mkdtemp(prefix="phototerm-bench-browser-", dir=opts.workdir)
    try:
        figures += _run_interactive(tmp, n, rounds)
        figures += _run_cold(tmp, opts.quick)
        figures += _run_bytes(tmp, n)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return figures


def _run_interactive(tmp: str, n: int, rounds: int) -> list[Figure]:
    photos = synthetic_photos(n)
    model = ListModel(photos)
    start = n // 2
    cache = _host_cache(tmp)
    service = ThumbnailService(cache, workers=2, freedesktop_dir="")
    warm_disk_cache(service, photos, range(start - 200, start + 80 * (rounds + 4)), (24, 18))
    service.close()
    # A fresh service: memory empty, disk warm (as after a restart).
    service = ThumbnailService(cache, workers=2, freedesktop_dir="")
    try:
        first_ms, first_cpu, missing = asyncio.run(_first_screen(service, _shifted(model, start)))
        keys = ("right", "down", "pagedown", "x")  # x: bound to nothing, Pilot's own cost
        times = asyncio.run(_keys(service, model, start, keys, rounds))
    finally:
        service.close()
    cursor = statistics.median(times["right"] + times["down"])
    page = statistics.median(times["pagedown"])
    noop = statistics.median(times["x"])
    cpu = {k: statistics.median(times[k + " cpu"]) for k in ("right", "down", "pagedown", "x")}
    return [
        Figure(AREA, "cursor move, UI-thread CPU per key p50 (headless)",
               statistics.median([cpu["right"], cpu["down"]]), "ms", baseline=cpu["x"],
               baseline_name="a key bound to nothing"),
        Figure(AREA, "page move, UI-thread CPU per key p50 (headless)", cpu["pagedown"], "ms",
               baseline=cpu["x"], baseline_name="a key bound to nothing"),
        Figure(AREA, "first screen after index ready, UI-thread CPU", first_cpu, "ms"),
        Figure(AREA, f"cursor move, headless Pilot press+pause p50 ({n} photos)", cursor, "ms",
               baseline=noop, baseline_name="a key bound to nothing"),
        Figure(AREA, f"page move, headless Pilot press+pause p50 ({n} photos)", page, "ms",
               baseline=noop, baseline_name="a key bound to nothing"),
        Figure(AREA, f"first screen after index ready, cached thumbnails ({missing} tiles late)",
               first_ms, "ms", target="<= 150 ms", ok=first_ms <= 150 and missing == 0),
    ]  # fmt: skip


def _shifted(model: ListModel, start: int) -> ListModel:
    """The model seen from ``start``: the first screen of the bench is a warm page."""
    return ListModel(model.photos[start:], group_by_day=True)


def _run_cold(tmp: str, quick: bool) -> list[Figure]:
    size = (1600, 1200) if quick else (4000, 3000)
    with_thumbs = _write_jpegs(os.path.join(tmp, "exif"), 24, size, exif_thumb=True)
    without = _write_jpegs(os.path.join(tmp, "plain"), 24, size, exif_thumb=False)
    cache = os.path.join(tmp, "cold-cache")
    exif_ms, exif_err = _cold_page(with_thumbs, cache, 2)
    draft_ms, draft_err = _cold_page(without, cache, 2)
    draft_one, _ = _cold_page(without, cache, 1)
    mp = size[0] * size[1] / 1e6
    return [
        Figure(AREA, "cold page of 24 tiles from embedded EXIF thumbnails", exif_ms, "ms",
               target="<= 300 ms", ok=exif_ms <= 300 and not exif_err),
        Figure(AREA, f"cold page of 24 tiles from {mp:.0f} MP drafted decodes (2 threads)",
               draft_ms, "ms", baseline=draft_one, baseline_name="1 thread",
               ratio=draft_one / draft_ms if draft_ms else None, ratio_name="speed-up",
               target="<= 1500 ms", ok=draft_ms <= 1500 and not draft_err),
    ]  # fmt: skip


_CURSOR = [("down", b"\x1b[B"), ("up", b"\x1b[A"), ("right", b"\x1b[C"), ("left", b"\x1b[D")]
PTY_KEYS = [
    *[(f"{name} {i}", data) for i in range(3) for name, data in _CURSOR],
    ("page 1", b"\x1b[6~"), ("page 2", b"\x1b[6~"), ("page 3", b"\x1b[6~"),
    ("page 4 (seen)", b"\x1b[5~"), ("page 5 (seen)", b"\x1b[5~"),
]  # fmt: skip


def _run_bytes(tmp: str, n: int) -> list[Figure]:
    """Run after _run_interactive: the pages around n // 2 are warm in tmp's disk cache.
    The same keys go to the grid and to the grid drawing rich-pixels' segments."""
    try:
        ours = _pty_bytes(tmp, n, n // 2, PTY_KEYS)
        theirs = _pty_bytes(tmp, n, n // 2, PTY_KEYS, baseline=True)
    except OSError as exc:
        return [Figure(AREA, f"pty bytes: not measured ({exc})", 0, "B")]

    def pick(got: dict[str, tuple[int, float]], prefix: str) -> list[tuple[int, float]]:
        return [got[name] for name, _ in PTY_KEYS if name.startswith(prefix)]

    load = os.getloadavg()[0]

    full = max(b for b, _ms in pick(ours, "page"))  # the worst page move
    full_seen = max(ours[name][0] for name, _ in PTY_KEYS if "seen" in name)
    base_seen = max(theirs[name][0] for name, _ in PTY_KEYS if "seen" in name)
    row = max(ours[f"down {i}"][0] for i in range(3))
    base_row = max(theirs[f"down {i}"][0] for i in range(3))
    cursor_ms = statistics.median(ms for name, _ in _CURSOR for _b, ms in pick(ours, name))
    page_ms = statistics.median(ms for _b, ms in pick(ours, "page"))
    cursor_keys = [f"{name} {i}" for i in range(3) for name, _ in _CURSOR]
    page_keys = [name for name, _ in PTY_KEYS if name.startswith("page")]
    cursor_cpu = sum(ours[k + " cpu"][1] for k in cursor_keys) / len(cursor_keys)
    page_cpu = sum(ours[k + " cpu"][1] for k in page_keys) / len(page_keys)
    return [
        Figure(AREA, "cursor move, grid process CPU per key (pty, mean)", cursor_cpu, "ms"),
        Figure(AREA, "page move, grid process CPU per key (pty, mean)", page_cpu, "ms"),
        Figure(AREA, f"cursor move key-to-repaint p50 (pty: key to last byte; load {load:.1f})",
               cursor_ms, "ms",
               target="<= 30 ms", ok=cursor_ms <= 30),
        Figure(AREA, f"page move key-to-repaint p50 (pty: key to last byte; load {load:.1f})",
               page_ms, "ms",
               target="<= 60 ms", ok=page_ms <= 60),
        Figure(AREA, "bytes for a full repaint of loaded thumbnails (pty 200x50, page seen before)",
               full_seen / 1000, "KB", baseline=base_seen / 1000,
               baseline_name="rich-pixels segments, same screen",
               ratio=base_seen / full_seen if full_seen else None, ratio_name="x fewer bytes",
               target="<= 250 KB", ok=full_seen <= 250_000),
        Figure(AREA, "bytes for the largest page move (pty)", full / 1000, "KB",
               target="<= 250 KB", ok=full <= 250_000),
        Figure(AREA, "bytes for a one-row cursor move (pty, worst of 3)", row / 1000, "KB",
               baseline=base_row / 1000, baseline_name="rich-pixels", target="<= 10 KB",
               ok=row <= 10_000),
        Figure(AREA, "bytes for a one-tile cursor move (pty)", ours["right 0"][0] / 1000, "KB"),
        Figure(AREA, "bytes at start-up, to the first full screen (pty)",
               ours["start-up"][0] / 1000, "KB", baseline=theirs["start-up"][0] / 1000,
               baseline_name="rich-pixels"),
    ]  # fmt: skip


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "host":
        sys.exit(host_main(sys.argv[2:]))
    sys.exit(2)
