"""What a link shows: its share record, read from the store on every request (a revoke or an
expiry applies to the very next request), and the photos of its album, each under an id made
for that link (a keyed hash of the photo's space and path), so a URL never carries a path and
only the shared album's photos can be named at all.

Everything here blocks (SQLite, the index's lock): the server calls it on a worker thread.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

from phototerm.library import Index, Photo
from phototerm.library.edits import Editor
from phototerm.library.sharing.links import looks_like_token
from phototerm.library.store import ShareRecord, Store, StoreError

REFRESH_EVERY = 2.0  # seconds between looks at other sessions' edits (conditional albums)
OPENED_EVERY = 60.0  # seconds between two writes of a link's last_opened
MAX_CACHED = 256  # links whose albums are kept built


@dataclass(frozen=True, slots=True)
class Shown:
    """One photo of a shared album as a link shows it."""

    key: str  # the photo's id in this link's URLs
    photo: Photo
    rotation: int


@dataclass(frozen=True, slots=True)
class Album:
    """The photos of a link's album in order, and where each key is."""

    photos: tuple[Shown, ...]
    positions: dict[str, int]


@dataclass(frozen=True, slots=True)
class Shared:
    """A link that is open now: its record, its space and its photos in album order."""

    share: ShareRecord
    space: str
    album: Album

    @property
    def photos(self) -> tuple[Shown, ...]:
        return self.album.photos

    def find(self, key: str) -> tuple[int, Shown] | None:
        position = self.album.positions.get(key)
        return None if position is None else (position, self.album.photos[position])


def photo_key(token: str, space: str, rel: str) -> str:
    """A photo's id in one link's URLs: 16 hex digits of a hash keyed by the link's token."""
    data = f"{space}\0{rel}".encode("utf-8", "surrogateescape")
    return hashlib.blake2b(data, digest_size=8, key=token.encode("ascii")[:64]).hexdigest()


class Catalog:
    """The open stores and the index, as the server asks them. Thread-safe."""

    def __init__(self, index: Index, stores: Mapping[str, Store], editor: Editor | None) -> None:
        self.index = index
        self.stores = dict(stores)
        self.editor = editor
        self._lock = threading.Lock()
        self._refreshed = 0.0
        self._opened: dict[int, float] = {}
        # token -> (what the album was built from, the album): rebuilt only when the store
        # changed (its change log) or the index did (a conditional album's search).
        self._albums: dict[str, tuple[tuple[object, ...], Album]] = {}

    def link(self, token: str) -> Shared | None:
        """The open link ``token`` names, or None: unknown, revoked, expired, a share with
        people (not a link), or its album gone. Every case takes the same path (one store
        read per space), so none answers noticeably faster than another."""
        if not looks_like_token(token):
            return None
        found: tuple[str, ShareRecord] | None = None
        for space, store in self.stores.items():
            try:
                share = store.shares.get(token)
            except StoreError:
                continue
            if share is not None and found is None:
                found = (space, share)
        if found is None:
            return None
        space, share = found
        if not share.is_link or share.expired() or share.album is None:
            return None
        album = self._album(space, share)
        return None if album is None else Shared(share, space, album)

    def _album(self, space: str, share: ShareRecord) -> Album | None:
        """The link's album: from the cache while neither the store nor the index changed
        since it was built (the share record itself is read on every request)."""
        store = self.stores[space]
        self._catch_up()  # other sessions' edits first: a conditional album follows them
        try:
            stamp: tuple[object, ...] = (share.album, store.change_token(), self.index.version)
        except StoreError:
            return None
        with self._lock:
            cached = self._albums.get(share.token)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        photos = self._photos(space, share)
        if photos is None:
            return None
        album = Album(photos, {shown.key: n for n, shown in enumerate(photos)})
        with self._lock:
            if len(self._albums) > MAX_CACHED:
                self._albums.clear()
            self._albums[share.token] = (stamp, album)
        return album

    def _photos(self, space: str, share: ShareRecord) -> tuple[Shown, ...] | None:
        try:
            record = self.stores[space].albums.get(share.album or "")
        except StoreError:
            return None
        if record is None:
            return None
        if record.query is not None:
            try:
                ids = self.index.search(record.query)
            except ValueError:
                return ()
        else:
            # A pair's two files are both members; the page shows the pair once, by its still.
            ids = self.index.shown_ids(
                pid
                for pid in (self.index.id_of(s, rel) for s, rel in record.members)
                if pid is not None
            )
        out = []
        for pid in ids:
            photo = self.index.get(pid)
            key = photo_key(share.token, photo.space, photo.rel)
            out.append(Shown(key, photo, self.index.rotation(pid)))
        return tuple(out)

    def _catch_up(self) -> None:
        """Other sessions' ratings and tags onto the index, at most every REFRESH_EVERY
        (a conditional album's search depends on them)."""
        if self.editor is None:
            return
        with self._lock:
            now = time.monotonic()
            if now - self._refreshed < REFRESH_EVERY:
                return
            self._refreshed = now
        self.editor.refresh()

    def opened(self, shared: Shared) -> None:
        """Note that the link was opened (``last_opened``): only in a store this session may
        write, and at most once a minute per link (each write is an fsync)."""
        share_id = shared.share.id
        with self._lock:
            now = time.monotonic()
            if now - self._opened.get(share_id, -OPENED_EVERY) < OPENED_EVERY:
                return
            self._opened[share_id] = now
        try:
            self.stores[shared.space].shares.opened(share_id)
        except StoreError:
            pass  # a busy or read-only store: the page is served all the same
