"""phototerm's own thumbnail cache on disk: ``<cache_dir>/thumbs/ab/<sha1>.jpg``, keyed by the
file's path, size and mtime and the box, written atomically, its total size bounded (the
least recently used entries go first)."""

from __future__ import annotations

import hashlib
import io
import logging
import os
import threading
import time
from contextlib import suppress

from PIL import Image

from phototerm.library.durable import atomic_write
from phototerm.library.files.regular import open_regular
from phototerm.library.photo import Photo
from phototerm.library.pictures.decoding import Box

log = logging.getLogger(__name__)

DISK_LIMIT = 512 * 1024 * 1024  # bytes of phototerm's own thumbnail cache
TOUCH_AFTER = 3600.0  # refresh a disk entry's mtime (its LRU age) at most hourly


class DiskCache:
    def __init__(self, cache_dir: str | None, *, read_only: bool, limit: int) -> None:
        self.folder = os.path.join(cache_dir, "thumbs") if cache_dir else None
        self.read_only = read_only
        self.limit = limit
        self._lock = threading.Lock()
        self._bytes: int | None = None  # measured lazily on the first write

    def path(self, photo: Photo, box: Box) -> str | None:
        if self.folder is None:
            return None
        raw = (
            os.fsencode(photo.path) + f"\0{photo.size}\0{photo.mtime!r}\0{box[0]}x{box[1]}".encode()
        )
        digest = hashlib.sha1(raw).hexdigest()
        return os.path.join(self.folder, digest[:2], digest + ".jpg")

    def read(self, photo: Photo, box: Box) -> Image.Image | None:
        path = self.path(photo, box)
        if path is None:
            return None
        try:
            with open_regular(path) as fh, Image.open(fh) as im:
                im.load()
                image = im.convert("RGB") if im.mode != "RGB" else im.copy()
            if not self.read_only:
                st = os.stat(path)
                if time.time() - st.st_mtime > TOUCH_AFTER:
                    os.utime(path)  # LRU-ish: pruning removes the least recently used first
            return image
        except (OSError, SyntaxError, ValueError):
            return None

    def write(self, photo: Photo, box: Box, image: Image.Image) -> None:
        path = self.path(photo, box)
        if path is None or self.read_only:
            return
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            buf = io.BytesIO()
            image.save(buf, "JPEG", quality=90, subsampling=0)
            atomic_write(path, buf.getvalue(), durable=False)
        except OSError as exc:
            log.debug("thumbnail cache write failed: %s", exc)
            return
        self._account(len(buf.getvalue()))

    def _account(self, added: int) -> None:
        with self._lock:
            if self._bytes is not None:
                self._bytes += added
                if self._bytes <= self.limit:
                    return
        self.prune()

    def usage(self) -> int:
        return sum(size for _path, size, _mtime in self._entries())

    def _entries(self) -> list[tuple[str, int, float]]:
        entries: list[tuple[str, int, float]] = []
        if self.folder is None or not os.path.isdir(self.folder):
            return entries
        for sub in os.scandir(self.folder):
            if not sub.is_dir(follow_symlinks=False):
                continue
            for entry in os.scandir(sub.path):
                try:
                    st = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                entries.append((entry.path, st.st_size, st.st_mtime))
        return entries

    def prune(self, target: float = 0.8) -> int:
        """Remove least recently used entries until the cache is under ``target`` of its
        limit. Returns the bytes it holds afterwards."""
        if self.read_only or self.folder is None:
            return 0
        entries = self._entries()
        total = sum(size for _p, size, _m in entries)
        if total > self.limit:
            entries.sort(key=lambda e: e[2])
            goal = self.limit * target
            for path, size, _mtime in entries:
                if total <= goal:
                    break
                with suppress(OSError):
                    os.unlink(path)
                    total -= size
        with self._lock:
            self._bytes = total
        return total
