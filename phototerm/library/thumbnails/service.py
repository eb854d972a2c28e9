"""Small images for the grid and the viewer: sources cheapest first, caches, background work.

Sources, in order (``ThumbnailService.load``):
1. in-memory LRU of finished thumbnails (``get_cached``)
2. phototerm's disk cache: ``<cache_dir>/thumbs/ab/<sha1>.jpg``, keyed by path + size + mtime +
   box, written atomically (temp file + ``os.replace``), total size bounded
3. Synology's ``@eaDir/<name>/SYNOPHOTO_THUMB_SM.jpg`` / ``_M.jpg`` when not older than the
   photo, for videos too (ready_made.py)
4. the freedesktop thumbnail cache (read only), valid when ``Thumb::MTime`` matches
5. HEIF, RAW and video files: their decoder (pillow-heif, rawpy, PyAV) in a helper process,
   within a time bound (helper.py); without the extra, no picture and a note saying which
   extra would show one
6. the embedded EXIF (IFD1) thumbnail, when large enough for the box
7. a drafted decode of the photo itself (libjpeg scales by 1/2..1/8 while decoding)

Orientation: sources 3 to 5 are upright already (pillow-heif applies the container's
rotation, RAW previews are turned by the RAW's flip, posters by the video's display matrix);
6 and 7 get the EXIF orientation applied. The store's view rotation (``rotation``) is applied
last and is part of the in-memory key, but not of the disk key, so rotating a photo does not
decode it again.

Decoding runs on worker threads: Pillow releases the GIL while decoding and resizing, so two
threads use both cores (the bench measures it). It stays within a memory budget
(pictures/decoding.py): a picture too large for it is refused before anything is decoded.
Only regular files are opened (a FIFO would block a worker for ever), and an ``@eaDir``
thumbnail reached through a link is used only while the link stays inside the space.
Nothing here imports textual.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import logging
import os
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeAlias

from PIL import Image, ImageFile, UnidentifiedImageError

from phototerm.library import extras
from phototerm.library.files.regular import open_regular
from phototerm.library.photo import VIDEO, Photo
from phototerm.library.pictures.decoding import (
    Box,
    TooLargeToPreview,
    fit,
    rgb,
    rotate,
)
from phototerm.library.thumbnails import helper, ready_made, stills
from phototerm.library.thumbnails.disk import DISK_LIMIT, DiskCache
from phototerm.library.thumbnails.helper import DecoderPool

log = logging.getLogger(__name__)

# (cache key, the picture or None, why there is none) once a requested thumbnail is ready
Callback: TypeAlias = Callable[[str, "Image.Image | None", str], None]

MEMORY_ITEMS = 6000  # thumbnails kept decoded (a medium one is ~1.3 KB of pixels)

# Truncated files must fail, not come back half grey: keep Pillow strict. (Exception: a JPEG
# the index already flagged as truncated, whose tile shows ⚠; see _find.)
ImageFile.LOAD_TRUNCATED_IMAGES = False
# Between MAX_IMAGE_PIXELS and twice that Pillow only *warns*, on stderr, which would scribble
# over a TUI. The hard limit (DecompressionBombError above 2x) stays on; below it, the
# decoding budget (pictures/budget.py) decides, per picture, from its size after draft().
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)


@dataclass(slots=True)
class ThumbResult:
    """What ``load`` found. ``image`` None with an ``error``: unreadable; None without an
    error: nothing to show yet (a video or RAW file with no ready-made thumbnail)."""

    image: Image.Image | None
    error: str = ""
    source: str = ""  # memory, disk, synology, freedesktop, exif, decode, heif, raw, video, none
    note: str = ""  # why there is no picture when that is no error ("install phototerm[raw]...")


class ThumbnailService:
    """Finds, caches and decodes thumbnails. Thread-safe; callbacks run on worker threads."""

    def __init__(
        self,
        cache_dir: str | None,
        *,
        workers: int = 2,
        read_only: bool = False,
        disk_limit: int = DISK_LIMIT,
        memory_items: int = MEMORY_ITEMS,
        freedesktop_dir: str | None = None,
    ) -> None:
        self.disk = DiskCache(cache_dir, read_only=read_only, limit=disk_limit)
        self.cache_dir = self.disk.folder
        self.read_only = read_only
        self.memory_items = memory_items
        if freedesktop_dir is None:
            xdg = os.environ.get("XDG_CACHE_HOME", "")
            base = xdg if os.path.isabs(xdg) else os.path.expanduser("~/.cache")
            freedesktop_dir = os.path.join(base, "thumbnails")
        self.freedesktop_dir = freedesktop_dir
        self._memory: OrderedDict[str, Image.Image] = OrderedDict()
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._heap: list[tuple[float, int, str]] = []
        self._jobs: dict[str, tuple[int, Photo, Box, int, list[Callback]]] = {}
        self._running: dict[str, list[Callback]] = {}
        self._seq = itertools.count()
        self._closed = False
        self._real_roots: dict[str, str] = {}  # space root -> its realpath
        self._decoders: DecoderPool | None = None  # HEIF, RAW, video (helper.py)
        self._threads = [
            threading.Thread(target=self._worker, name=f"thumbs-{i}", daemon=True)
            for i in range(max(1, workers))
        ]
        for thread in self._threads:
            thread.start()

    # ------------------------------------------------------------------ keys

    @staticmethod
    def key(photo: Photo, box: Box, rotation: int = 0) -> str:
        """The in-memory key: changes when the file (size, mtime), box or rotation change."""
        return f"{photo.path}\0{photo.size}\0{photo.mtime!r}\0{box[0]}x{box[1]}\0{rotation % 360}"

    @staticmethod
    def _source_box(box: Box, rotation: int) -> Box:
        # A photo shown at 90/270 degrees must fit the box turned sideways before rotating.
        return (box[1], box[0]) if rotation % 180 == 90 else box

    # ------------------------------------------------------------------ cheap path

    def get_cached(self, photo: Photo, box: Box, rotation: int = 0) -> Image.Image | None:
        """Memory or disk hit only (a disk hit decodes a ~1 KB JPEG: well under a millisecond)."""
        key = self.key(photo, box, rotation)
        with self._lock:
            image = self._memory.get(key)
            if image is not None:
                self._memory.move_to_end(key)
                return image
        image = self.disk.read(photo, self._source_box(box, rotation))
        if image is None:
            return None
        image = rotate(image, rotation)
        self._remember(key, image)
        return image

    def put(self, photo: Photo, box: Box, image: Image.Image, rotation: int = 0) -> None:
        """Store a finished (unrotated, already fitted) thumbnail in both caches."""
        source_box = self._source_box(box, rotation)
        image = fit(rgb(image), source_box)
        self.disk.write(photo, source_box, image)
        self._remember(self.key(photo, box, rotation), rotate(image, rotation))

    def _remember(self, key: str, image: Image.Image) -> None:
        with self._lock:
            self._memory[key] = image
            self._memory.move_to_end(key)
            while len(self._memory) > self.memory_items:
                self._memory.popitem(last=False)

    # ------------------------------------------------------------------ full chain

    def load(self, photo: Photo, box: Box, rotation: int = 0) -> ThumbResult:
        """Every source in order, synchronously. Never raises for a bad file."""
        cached = self.get_cached(photo, box, rotation)
        if cached is not None:
            return ThumbResult(cached, source="memory")
        source_box = self._source_box(box, rotation)
        try:
            image, source = self._find(photo, source_box)
        except Image.DecompressionBombError as exc:
            return ThumbResult(None, f"too large to preview ({exc})", "decode")
        except TooLargeToPreview as exc:
            return ThumbResult(None, str(exc), "decode")
        except UnidentifiedImageError:
            return ThumbResult(None, "not an image Pillow can read", "decode")
        except _HelperError as exc:
            return ThumbResult(None, str(exc) or "cannot decode this file", "decode")
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            return ThumbResult(None, _reason(exc), "decode")
        except Exception as exc:  # a hostile file must not kill a worker
            log.debug("thumbnail failed for %r", photo.path, exc_info=True)
            return ThumbResult(None, f"{type(exc).__name__}: {exc}", "decode")
        if image is None:
            if photo.error:  # what the index found wrong says more than the extra would
                return ThumbResult(None, photo.error, source)
            missing = extras.missing(photo.rel)
            return ThumbResult(None, "", source, extras.install_hint(missing) if missing else "")
        image = fit(rgb(image), source_box)
        if source != "disk":
            self.disk.write(photo, source_box, image)
        image = rotate(image, rotation)
        self._remember(self.key(photo, box, rotation), image)
        return ThumbResult(image, source=source)

    def _find(self, photo: Photo, box: Box) -> tuple[Image.Image | None, str]:
        path = photo.path
        st = os.stat(path)
        image = ready_made.synology(path, st.st_mtime, box, self._real_root(photo.root))
        if image is not None:
            return image, "synology"
        image = ready_made.freedesktop(self.freedesktop_dir, path, st.st_mtime, box)
        if image is not None:
            return image, "freedesktop"
        kind = _decoder_kind(photo)
        if kind is not None and extras.installed(kind):
            decoded = self._helpers().decode(kind, path, box)
            if decoded.image is None:
                raise _HelperError(decoded.error)
            return decoded.image, kind
        if photo.kind == VIDEO:
            return None, "none"  # without PyAV: the grid draws a film strip
        # Only a regular file is opened (a FIFO under a photo's name would block the worker
        # for ever); Pillow reads from our handle, which the stack closes after it.
        with contextlib.ExitStack() as stack:
            fh = stack.enter_context(open_regular(path))
            try:
                im = stack.enter_context(Image.open(fh))
            except UnidentifiedImageError:
                if kind is not None:
                    return None, "none"  # its extra is missing: no preview, not an error
                raise
            return stills.still(photo, path, im, box)

    def _helpers(self) -> DecoderPool:
        with self._lock:
            if self._decoders is None:
                self._decoders = DecoderPool()
            return self._decoders

    def _real_root(self, root: str) -> str:
        real = self._real_roots.get(root)
        if real is None:
            real = self._real_roots[root] = os.path.realpath(root)
        return real

    # ------------------------------------------------------------------ disk cache

    def disk_usage(self) -> int:
        return self.disk.usage()

    def prune(self, target: float = 0.8) -> int:
        """Remove least recently used entries until the cache is under ``target`` of its
        limit. Returns the bytes it holds afterwards."""
        return self.disk.prune(target)

    # ------------------------------------------------------------------ background work

    def request(
        self, photo: Photo, box: Box, priority: float, callback: Callback, rotation: int = 0
    ) -> str:
        """Queue a background ``load``; ``callback(key, image | None, error)`` runs on a worker
        thread. Lower priority runs first. A key already queued only gets its priority raised."""
        key = self.key(photo, box, rotation)
        with self._cond:
            if self._closed:
                return key
            # The same callback asking again (a grid re-prioritising after a scroll) is not
            # called twice; a different one (another view of the same photo) is added.
            running = self._running.get(key)
            if running is not None:
                if callback not in running:
                    running.append(callback)
                return key
            job = self._jobs.get(key)
            if job is not None and callback not in job[4]:
                job[4].append(callback)
            seq = next(self._seq)
            callbacks = job[4] if job is not None else [callback]
            self._jobs[key] = (seq, photo, box, rotation, callbacks)
            heapq.heappush(self._heap, (priority, seq, key))
            self._cond.notify()
        return key

    def cancel_except(self, keys: Iterable[str]) -> int:
        """Drop queued work whose key is not in ``keys``; returns how many were dropped."""
        keep = set(keys)
        with self._cond:
            drop = [k for k in self._jobs if k not in keep]
            for k in drop:
                del self._jobs[k]
            if len(self._heap) > 4 * max(16, len(self._jobs)):
                self._heap = [e for e in self._heap if e[2] in self._jobs]
                heapq.heapify(self._heap)
        return len(drop)

    def pending(self) -> int:
        with self._lock:
            return len(self._jobs) + len(self._running)

    def memory_count(self) -> int:
        """Thumbnails kept decoded in memory now (at most ``memory_items``)."""
        with self._lock:
            return len(self._memory)

    def _worker(self) -> None:
        while True:
            with self._cond:
                while not self._closed:
                    job = self._next_job()
                    if job is not None:
                        break
                    self._cond.wait()
                else:
                    return
                key, photo, box, rotation, callbacks = job
                self._running[key] = callbacks
            result = self.load(photo, box, rotation)
            with self._cond:
                callbacks = self._running.pop(key, callbacks)
            for callback in callbacks:
                try:
                    callback(key, result.image, result.error or result.note)
                except Exception:  # a UI callback failing must not stop decoding
                    log.exception("thumbnail callback failed")

    def _next_job(self) -> tuple[str, Photo, Box, int, list[Callback]] | None:
        while self._heap:
            _priority, seq, key = heapq.heappop(self._heap)
            job = self._jobs.get(key)
            if job is None or job[0] != seq:
                continue  # cancelled, or superseded by a later request
            del self._jobs[key]
            return key, job[1], job[2], job[3], job[4]
        return None

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._jobs.clear()
            self._heap.clear()
            self._cond.notify_all()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(timeout=5)
        with self._lock:
            decoders, self._decoders = self._decoders, None
        if decoders is not None:
            decoders.close()


class _HelperError(Exception):
    """A decoder process could not make a picture (the message says why)."""


def _decoder_kind(photo: Photo) -> str | None:
    """Which decoder process handles the file (helper.py), None for Pillow's formats."""
    if photo.kind == VIDEO:
        return helper.VIDEO
    return extras.extra_for(photo.rel)


def is_note(text: str) -> bool:
    """Whether a callback's text is a note (no picture, no error) rather than an error."""
    return text.startswith(extras.NOTE_PREFIX)


def _reason(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    if "truncated" in text.lower() or isinstance(exc, EOFError):
        return "file is truncated"
    return text
