"""Pictures for the share pages: thumbnails for the gallery and a larger view for the photo
page, made by the library's ``ThumbnailService`` (its caches, its decoding budget, Pillow's
decompression-bomb limit on, only regular files opened), encoded once as JPEG and kept in a
bounded cache of encoded bytes.

``picture`` blocks (decoding, disk): the server calls it on a worker thread.
"""

from __future__ import annotations

import io
import os
import threading
from collections import OrderedDict

from phototerm.library.files.links import stays_inside
from phototerm.library.thumbnails import ThumbnailService
from phototerm.serve.catalog import Shown

THUMB = (360, 360)  # a gallery tile: ~180 CSS px on a phone at 2x
VIEW = (1600, 1600)  # the photo page
SIZES = {"t": THUMB, "v": VIEW}
CACHE_BYTES = 64 * 1024 * 1024  # encoded JPEGs kept in memory
QUALITY = {"t": 80, "v": 85}


class Pictures:
    def __init__(self, thumbnails: ThumbnailService, cache_bytes: int = CACHE_BYTES) -> None:
        self.thumbnails = thumbnails
        self.cache_bytes = cache_bytes
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def cached(self, shown: Shown, size: str) -> bytes | None:
        """The encoded picture when it is in memory (cheap: the event loop may ask)."""
        key = self._key(shown, size)
        with self._lock:
            data = self._cache.get(key)
            if data is not None:
                self._cache.move_to_end(key)
            return data

    def picture(self, shown: Shown, size: str) -> bytes | None:
        """The photo at ``size`` ('t' or 'v') as JPEG bytes; None when there is no picture
        (a video without a ready-made thumbnail, a file that cannot be decoded)."""
        data = self.cached(shown, size)
        if data is not None:
            return data
        photo = shown.photo
        if not stays_inside(photo.path, os.path.realpath(photo.root)):
            return None  # swapped for a link to elsewhere since the space was indexed
        result = self.thumbnails.load(photo, SIZES[size], shown.rotation)
        if result.image is None:
            return None
        out = io.BytesIO()
        result.image.convert("RGB").save(out, "JPEG", quality=QUALITY[size], optimize=True)
        data = out.getvalue()
        self._keep(self._key(shown, size), data)
        return data

    @staticmethod
    def _key(shown: Shown, size: str) -> str:
        p = shown.photo
        return f"{p.path}\0{p.size}\0{p.mtime!r}\0{size}\0{shown.rotation}"

    def _keep(self, key: str, data: bytes) -> None:
        with self._lock:
            if key in self._cache:
                return
            self._cache[key] = data
            self._size += len(data)
            while self._size > self.cache_bytes and self._cache:
                _old, gone = self._cache.popitem(last=False)
                self._size -= len(gone)
