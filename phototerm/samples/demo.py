"""The demo library behind `phototerm demo`: about 330 procedurally drawn photos with real EXIF.

``DIR/Personal`` and ``DIR/Shared`` hold events by year (``2021/2021-07-14 Lake Annecy``),
five-plus cameras, GPS, ratings (EXIF, embedded XMP, sidecars), portrait shots stored
rotated with EXIF orientation 6/8, screenshots (PNG), video stubs, and the files a real
library also has: broken ones, hostile names and hostile EXIF text (see demo_plan.py).

A marker file ``DIR/.phototerm-demo.json`` lists every file the demo wrote. A complete marker
of this version means "reuse"; a stale or partial one means "remove exactly those files and
draw again". A non-empty DIR without a marker is never touched.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from PIL import Image

from phototerm.library import paths
from phototerm.library.photo import PHOTO, VIDEO, Photo, kind_of
from phototerm.samples import exifwrite
from phototerm.samples.demo_plan import PERSONAL_DIR, SHARED_DIR, Extra, Shot, plan
from phototerm.samples.paint import paint

VERSION = 1
MARKER = ".phototerm-demo.json"
IMAGE_SIZE = (1024, 768)
QUALITY = 85

Progress = Callable[[int, int], None]


class DemoError(Exception):
    """The demo library cannot be made in that place (message is for the user)."""


@dataclass(slots=True)
class DemoSummary:
    root: str
    photos: dict[str, int]  # space dir name -> readable photos
    videos: dict[str, int]
    broken: dict[str, int]  # files that are meant to fail (truncated, empty, bomb...)
    folders: dict[str, list[tuple[str, int]]]  # space dir -> [(folder, media files)]
    cameras: list[str]
    years: list[int]
    created: bool = False
    seconds: float = 0.0
    skipped: list[str] = field(default_factory=list)  # hostile names the filesystem refused

    @property
    def personal(self) -> str:
        return os.path.join(self.root, PERSONAL_DIR)

    @property
    def shared(self) -> str:
        return os.path.join(self.root, SHARED_DIR)


def default_dir() -> Path:
    return paths.cache_dir() / "demo"


# Marker paths go through latin-1 so any byte string (non-UTF-8 names) survives JSON.
def _to_json_path(rel: str) -> str:
    return os.fsencode(rel).decode("latin-1")


def _from_json_path(text: str) -> str:
    return os.fsdecode(text.encode("latin-1"))


def _read_marker(root: str) -> dict[str, Any] | None:
    try:
        with open(os.path.join(root, MARKER), encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write_marker(root: str, data: dict[str, Any]) -> None:
    path = os.path.join(root, MARKER)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh)
    os.replace(tmp, path)


def _remove_listed(root: str, marker: dict[str, Any]) -> None:
    """Remove the files an earlier run listed, then folders left empty. Nothing else."""
    files = marker.get("files", [])
    dirs: set[str] = set()
    for text in files if isinstance(files, list) else []:
        if not isinstance(text, str):
            continue
        rel = _from_json_path(text)
        if rel.startswith("/") or ".." in rel.split("/"):
            continue  # a tampered marker must not reach outside DIR
        try:
            os.remove(os.path.join(root, rel))
        except OSError:
            pass
        parent = os.path.dirname(rel)
        while parent:
            dirs.add(parent)
            parent = os.path.dirname(parent)
    for rel in sorted(dirs, key=len, reverse=True):
        try:
            os.rmdir(os.path.join(root, rel))
        except OSError:
            pass  # not empty: something not ours lives there
    try:
        os.remove(os.path.join(root, MARKER))
    except OSError:
        pass


def _draw(job: tuple[str, Shot, tuple[int, int], int]) -> bool:
    """Draw one shot and write it (runs in a worker process). False: name refused."""
    root, shot, size, quality = job
    w, h = size
    img = paint(shot.seed, (h, w) if shot.portrait else (w, h), shot.scene, shot.mood)
    # Stored pixels are what the sensor saw; orientation says how to turn them upright.
    if shot.orientation == 6:
        img = img.transpose(Image.Transpose.ROTATE_90)
    elif shot.orientation == 8:
        img = img.transpose(Image.Transpose.ROTATE_270)
    path = os.path.join(root, shot.rel)
    if shot.fmt == "png":
        import io

        buf = io.BytesIO()
        img.save(buf, "PNG")
        data = buf.getvalue()
    else:
        exif = None
        if shot.fields:
            fields = dict(shot.fields, width=img.width, height=img.height)
            fields["thumbnail"] = exifwrite.thumbnail_jpeg(img)
            fields["orientation"] = shot.orientation
            exif = exifwrite.exif_bytes(fields)
        xmp = exifwrite.xmp_packet(shot.xmp_rating) if shot.xmp_rating is not None else None
        data = exifwrite.splice_jpeg(exifwrite.encode_jpeg(img, quality), exif, xmp)
        if shot.fmt == "truncated":
            data = data[: len(data) * 45 // 100]
    try:
        _write(path, data, shot.mtime)
    except OSError:
        if shot.optional:
            return False
        raise
    return True


def _write(path: str, data: bytes, mtime: float) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
    os.utime(path, (mtime, mtime))


def _summarise(root: str, shots: list[Shot], extras: list[Extra], skipped: set[str]) -> DemoSummary:
    photos = {PERSONAL_DIR: 0, SHARED_DIR: 0}
    videos = dict.fromkeys(photos, 0)
    broken = dict.fromkeys(photos, 0)
    folders: dict[str, dict[str, int]] = {PERSONAL_DIR: {}, SHARED_DIR: {}}
    cameras: set[str] = set()
    years: set[int] = set()
    items = [(s.rel, "broken" if s.fmt == "truncated" else "photo") for s in shots]
    items += [(e.rel, e.kind) for e in extras]
    for rel, what in items:
        if what == "junk" or rel in skipped:
            continue
        space, inner = rel.split("/", 1)
        kind = kind_of(inner)
        if kind is None:
            continue
        folder = inner.rsplit("/", 1)[0] if "/" in inner else ""
        folders[space][folder] = folders[space].get(folder, 0) + 1
        if what == "broken":
            broken[space] += 1
        elif kind == VIDEO:
            videos[space] += 1
        elif kind == PHOTO:
            photos[space] += 1
    for s in shots:
        make, model = s.fields.get("make"), s.fields.get("model")
        if isinstance(make, str) and isinstance(model, str) and s.rel not in skipped:
            cameras.add(Photo(space="", root="", rel="", make=make, model=model).camera)
        taken = s.fields.get("datetime_original")
        if isinstance(taken, date):  # the plan gives datetimes, a kind of date
            years.add(taken.year)
    return DemoSummary(
        root=root,
        photos=photos,
        videos=videos,
        broken=broken,
        folders={k: sorted(v.items()) for k, v in folders.items()},
        cameras=sorted(cameras),
        years=sorted(years),
        skipped=sorted(skipped),
    )


def _summary_from_marker(root: str, data: dict[str, Any]) -> DemoSummary | None:
    try:
        s = data["summary"]
        return DemoSummary(
            root=root,
            photos=dict(s["photos"]),
            videos=dict(s["videos"]),
            broken=dict(s["broken"]),
            folders={k: [(str(f), int(n)) for f, n in v] for k, v in s["folders"].items()},
            cameras=list(s["cameras"]),
            years=list(s["years"]),
            skipped=[_from_json_path(p) for p in s.get("skipped", [])],
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def make_demo(
    root: str | os.PathLike[str] | None = None,
    *,
    size: tuple[int, int] = IMAGE_SIZE,
    quality: int = QUALITY,
    workers: int | None = None,
    progress: Progress | None = None,
) -> DemoSummary:
    """Create the demo library in ``root`` (default: the cache dir), or reuse a complete one.

    ``size`` is the landscape picture size (tests pass a small one). ``workers`` processes
    draw in parallel (default: up to 2). Raises DemoError when ``root`` holds other files.
    """
    root = os.path.abspath(os.fspath(root if root is not None else default_dir()))
    marker = _read_marker(root)
    wanted = {"version": VERSION, "size": list(size), "quality": quality}
    if marker and marker.get("complete") and all(marker.get(k) == v for k, v in wanted.items()):
        summary = _summary_from_marker(root, marker)
        if summary and os.path.isdir(summary.personal) and os.path.isdir(summary.shared):
            return summary
    if marker is not None:
        _remove_listed(root, marker)
    elif os.path.isdir(root) and os.listdir(root):
        raise DemoError(f"{root} is not empty and is not a phototerm demo library")
    try:
        os.makedirs(root, exist_ok=True)
    except OSError as exc:
        raise DemoError(f"cannot create {root}: {exc.strerror or exc}") from exc

    started = time.perf_counter()
    shots, extras = plan()
    rels = [s.rel for s in shots] + [x.rel for x in extras]
    files = [_to_json_path(rel) for rel in rels]
    # Written first, so an interrupted run is cleaned up by the next one.
    _write_marker(root, {**wanted, "complete": False, "files": files})
    for rel in sorted({os.path.dirname(rel) for rel in rels}):
        os.makedirs(os.path.join(root, rel), exist_ok=True)
    for extra in extras:
        _write(os.path.join(root, extra.rel), extra.data, extra.mtime)

    jobs = [(root, shot, size, quality) for shot in shots]
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    skipped: set[str] = set()
    done = 0
    if progress:
        progress(0, len(jobs))
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = pool.map(_draw, jobs, chunksize=4)
            for shot, ok in zip(shots, results, strict=True):
                done += 1
                if not ok:
                    skipped.add(shot.rel)
                if progress:
                    progress(done, len(jobs))
    else:
        for shot, job in zip(shots, jobs, strict=True):
            if not _draw(job):
                skipped.add(shot.rel)
            done += 1
            if progress:
                progress(done, len(jobs))

    summary = _summarise(root, shots, extras, skipped)
    summary.created = True
    summary.seconds = time.perf_counter() - started
    record = asdict(summary)
    record["skipped"] = [_to_json_path(p) for p in summary.skipped]
    for key in ("root", "created", "seconds"):
        record.pop(key)
    _write_marker(root, {**wanted, "complete": True, "files": files, "summary": record})
    return summary
