"""Formats figures: the time to a thumbnail of a phone HEIC and to a video's poster.

Each figure is the median over ``COPIES`` files, every one cold (a new path: no cache of
phototerm's, no Synology or freedesktop thumbnail), through ``ThumbnailService.load`` as the
grid's threads call it, helper processes included (started before the clock runs: that is
paid once per session). These time code inside this process: where a tile's time goes, not a
key-to-screen figure.

- HEIC, 4032x3024 as a phone writes it (with its 320-pixel thumbnail), and the same picture
  without a thumbnail (a camera or converter's HEIC: the whole picture is decoded). Baseline:
  a JPEG of the same size and content, decoded at a reduced scale.
- Video poster: a 1280x720 H.264 MP4 of 10 s, its frame at 10%. Baseline: the same poster
  decoded in this process (no helper process, no pipe).

Needs the heif and video extras; without one, its figures are left out with a note.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw

from phototerm.bench import BenchOptions, Figure
from phototerm.library import extras
from phototerm.library.metadata import reader
from phototerm.library.photo import Photo
from phototerm.library.thumbnails import ThumbnailService
from phototerm.library.thumbnails.helper import VIDEO, decode_here

AREA = "formats"
COPIES = 8
BOX = (24, 18)  # a medium tile's picture, in pixels (24 cells x 9 rows of half blocks)


def run(opts: BenchOptions) -> list[Figure]:
    owned = opts.workdir is None
    work = tempfile.mkdtemp(prefix="phototerm-bench-") if owned else str(opts.workdir)
    try:
        folder = os.path.join(work, "formats")
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        copies = 2 if opts.quick else COPIES
        figures: list[Figure] = []
        if extras.installed(extras.HEIF):
            figures += _heic(folder, copies, opts.quick)
        else:
            print(f"  heic: left out ({extras.install_hint(extras.HEIF)})", file=sys.stderr)
        if extras.installed(extras.VIDEO):
            figures += _video(folder, copies, opts.quick)
        else:
            print(f"  video: left out ({extras.install_hint(extras.VIDEO)})", file=sys.stderr)
        return figures
    finally:
        if owned:
            shutil.rmtree(work, ignore_errors=True)


def _scene(size: tuple[int, int]) -> Image.Image:
    """A smooth picture (sky, ground, sun) like a photo's, quick to encode."""
    w, h = size
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    image = Image.merge("RGB", (image.getchannel(0).point(lambda v: 60 + v // 3),) * 2
                        + (image.getchannel(0).point(lambda v: 255 - v // 3),))  # fmt: skip
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, h * 2 // 3, w, h), fill=(60, 120, 40))
    draw.ellipse((w * 2 // 3, h // 6, w * 2 // 3 + h // 5, h // 6 + h // 5), fill=(250, 230, 120))
    return image


def _copies(source: str, count: int) -> list[str]:
    stem, ext = os.path.splitext(source)
    paths = []
    for i in range(count):
        path = f"{stem}-{i}{ext}"
        shutil.copyfile(source, path)
        paths.append(path)
    return paths


def _photo(path: str) -> Photo:
    st = os.stat(path)
    folder, name = os.path.split(path)
    return reader.read(folder, name, st.st_size, st.st_mtime, sidecar=None)


def _median_ms(paths: list[str], load: Callable[[Photo], object]) -> float:
    photos = [_photo(p) for p in paths]
    times = []
    for photo in photos:
        start = time.perf_counter()
        load(photo)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _service(folder: str) -> ThumbnailService:
    return ThumbnailService(os.path.join(folder, "cache"), workers=1, freedesktop_dir="")


def _heic(folder: str, copies: int, quick: bool) -> list[Figure]:
    import pillow_heif

    size = (1600, 1200) if quick else (4032, 3024)
    scene = _scene(size)
    with_thumb = os.path.join(folder, "phone.heic")
    heif = pillow_heif.from_pillow(scene)
    heif.info["thumbnails"] = [320]
    heif.save(with_thumb, quality=80)
    bare = os.path.join(folder, "plain.heic")
    pillow_heif.from_pillow(scene).save(bare, quality=80)
    jpeg = os.path.join(folder, "same.jpg")
    scene.save(jpeg, quality=90)
    service = _service(folder)
    try:
        service.load(_photo(bare), (8, 8))  # the helper process starts here, not timed
        phone = _median_ms(_copies(with_thumb, copies), lambda p: _must(service.load(p, BOX)))
        whole = _median_ms(_copies(bare, copies), lambda p: _must(service.load(p, BOX)))
        base = _median_ms(_copies(jpeg, copies), lambda p: _must(service.load(p, BOX)))
    finally:
        service.close()
    label = f"{size[0]}x{size[1]}"
    return [
        Figure(AREA, f"HEIC thumbnail, {label} phone file (its thumbnail)", phone, "ms",
               base, f"JPEG {label}, drafted", phone / base, "x JPEG"),
        Figure(AREA, f"HEIC thumbnail, {label} without thumbnail", whole, "ms",
               base, f"JPEG {label}, drafted", whole / base, "x JPEG"),
    ]  # fmt: skip


def _video(folder: str, copies: int, quick: bool) -> list[Figure]:
    from phototerm.samples.formats import write_mp4

    size, seconds = ((640, 360), 3.0) if quick else ((1280, 720), 10.0)
    path = os.path.join(folder, "clip.mp4")
    write_mp4(Path(path), seconds=seconds, size=size, fps=25, codec="libx264")
    service = _service(folder)
    try:
        service.load(_photo(path), (8, 8))  # the helper process starts here, not timed
        poster = _median_ms(_copies(path, copies), lambda p: _must(service.load(p, BOX)))
    finally:
        service.close()
    here = _median_ms(_copies(path, copies), lambda p: decode_here(VIDEO, p.path, BOX))
    return [
        Figure(AREA, f"video poster, {size[0]}x{size[1]} H.264 {seconds:g} s, at 10%", poster,
               "ms", here, "the same decode in this process", poster / here, "x in-process"),
    ]  # fmt: skip


def _must(result: object) -> None:
    image = getattr(result, "image", None)
    if image is None:
        raise RuntimeError(f"no thumbnail: {getattr(result, 'error', '')}")
