"""An open library kept up to date with the disk while it runs.

The watcher (ingest/watch.py) hands batches of settled changes; each is put on the library
here, on the watcher's thread, in the order that keeps edits with their photos:

1. moves: the index row follows the file with its overlays and album places, then the
   stores' rows (``Editor.photos_moved``), so a moved photo keeps its rating, tags,
   description, rotation and albums whoever looks next;
2. removals;
3. new and changed files, read (in worker processes kept between batches), written on the
   index (a known path keeps its row), new ones with their stored state and albums;
4. walks of the spaces that give no events, as a start does (ingest/reconcile.py);

then the sort orders are brought up to date (the next search pays nothing), the listing of
the folders touched is kept for the next start, and whoever listens is told, photo by
photo (``LiveEvent``), still inside the batch: its ids are those of the index as the batch
left it. The index snapshot is saved now and then, and when watching stops.

Ids change meaning when the index is compacted (index/compaction.py). A batch resolves paths
to ids and uses them at once, under this object's lock; so whoever swaps a compacted index
in holds that lock while swapping (``quiet``). An owner that holds no ids of its own
(``phototerm watch``) lets the library compact itself after a batch (``compact=True``).

Other sessions' edits are not events on disk: ``poll_edits`` asks the stores' change logs.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from phototerm.library.index import compaction
from phototerm.library.ingest.listing import Listing
from phototerm.library.ingest.reading import Reader
from phototerm.library.ingest.reconcile import reconcile
from phototerm.library.ingest.scanner import ScanEntry
from phototerm.library.ingest.watch import Settled, Watcher
from phototerm.library.photo import Photo
from phototerm.library.store.overlay import apply_stored
from phototerm.library.text import safe

if TYPE_CHECKING:
    from phototerm.library.index import Index
    from phototerm.library.opening.library import Library
    from phototerm.library.settings import Settings
    from phototerm.library.spaces import SpaceRoot

SAVE_EVERY = 30.0  # seconds between snapshot saves while changes keep coming

ADDED, CHANGED, EDITED, MOVED, REMOVED = "added", "changed", "edited", "moved", "removed"


@dataclass(frozen=True, slots=True)
class LiveEvent:
    """One photo's change. ``id``: its index id now (None once removed); for a move,
    ``from_path`` and ``from_id`` say where it was."""

    kind: str  # ADDED, CHANGED (the file or its sidecar), EDITED (another session), ...
    space: str
    rel: str
    path: str
    id: int | None = None
    from_path: str = ""
    from_id: int | None = None


class LiveLibrary:
    def __init__(
        self,
        library: Library,
        on_events: Callable[[list[LiveEvent]], None],
        *,
        note: Callable[[str], None] | None = None,
        pending: Callable[[int], None] | None = None,
        workers: int | None = None,
        watcher: Watcher | None = None,
        compact: bool = False,
    ) -> None:
        """``on_events`` is called on the watcher's thread inside the batch (this object's
        lock held): it hands the events on and must not call back into this object.
        ``watcher``: one already listening (made with ``watcher_for`` before the walk
        that opened the library), else a new one. ``compact``: the caller holds no ids (it
        reads paths from the events): compact the index after a batch when it is due."""
        self.library = library
        self.on_events = on_events
        self.note = note
        self._pending = pending
        self.reader = Reader(workers)
        self.watcher = watcher or watcher_for(library.setup.on, library.settings, library.index)
        self._lock = threading.Lock()  # one batch or one poll at a time
        self._saved_at = time.monotonic()
        self._unsaved = False
        self.applied = 0  # batches put on the library (for tests and the bench)
        self.compacts = compact
        self.compacted = 0  # compactions swapped in by this object

    def start(self) -> None:
        self.watcher.start(self._apply, note=self.note, pending=self._pending)

    @contextmanager
    def quiet(self) -> Iterator[bool]:
        """Keep batches and polls off while the block runs, if none is running now: yields
        False at once (nothing held) when one is. Never waits: a UI thread may ask."""
        got = self._lock.acquire(blocking=False)
        try:
            yield got
        finally:
            if got:
                self._lock.release()

    def compact(self) -> compaction.Renumbering | None:
        """Compact the index if it is due (built outside every lock but the index's, for
        its copies; swapped between batches). Only for owners that hold no ids."""
        index = self.library.index
        if not compaction.due(index):
            return None
        built = compaction.compacted(index)
        with self._lock:
            renumbering = compaction.swap(index, built)
        if renumbering is not None:
            self.compacted += 1
        return renumbering

    def stop(self) -> None:
        """Stop watching; the index is saved if it changed since it last was."""
        self.watcher.stop()
        with self._lock:
            self.reader.close()
            if self._unsaved:
                self._save()

    # -- other sessions ------------------------------------------------------------------------

    def poll_edits(self) -> list[LiveEvent]:
        """What other sessions edited since the last poll (their stores' change logs), put on
        the index, as EDITED events of the photos that show something else now."""
        editor = self.library.editor
        if editor is None:
            return []
        with self._lock:
            caught = editor.catch_up(photos=True)
        return [self._event(EDITED, space, rel) for space, rel in caught.photos]

    # -- a batch, on the watcher's thread --------------------------------------------------------

    def _apply(self, batch: Settled) -> None:
        with self._lock:
            events: list[LiveEvent] = []
            events += self._moves(batch.moved)
            events += self._removals(batch.removed)
            if batch.ready:
                files: dict[str, list[ScanEntry]] = {}
                for space, entry in batch.ready:
                    files.setdefault(space, []).append(entry)
                roots = {s.name: s for s in self.library.setup.on}
                photos = self.reader.read([(roots[s], e) for s, e in files.items()])
                events += self._arrived(photos)
            else:
                self.reader.idle()
            listing = self.library.listing
            for (space, folder), entries in batch.folders.items():
                if entries:
                    listing.record(space, entries)
                else:
                    listing.forget((space, folder))
            if batch.walk:
                events += self._walk(batch.walk)
            self.library.index.refresh_orders()
            self.applied += 1
            if events:
                self._unsaved = True
                if time.monotonic() - self._saved_at > SAVE_EVERY:
                    self._save()
                # Told before the lock goes: no compaction can renumber the index between
                # this batch and its listeners hearing of it (see the module docstring).
                self.on_events(events)
        if self.compacts:
            self.compact()

    def _moves(self, moved: Iterable[tuple[str, str, str]]) -> list[LiveEvent]:
        index, editor = self.library.index, self.library.editor
        events: list[LiveEvent] = []
        done: dict[str, list[tuple[str, str]]] = {}
        for space, old, new in moved:
            mapping = index.move_many(space, [(old, new)])
            if not mapping:
                continue  # a file the index did not have yet: it comes as a new one
            (old_id, new_id), *_ = mapping.items()
            done.setdefault(space, []).append((old, new))
            events.append(self._event(MOVED, space, new, id=new_id, from_rel=old, from_id=old_id))
        for space, pairs in done.items():
            if editor is not None:
                for problem in editor.photos_moved(space, pairs):
                    self._say(problem)
        return events

    def _removals(self, removed: Iterable[tuple[str, str]]) -> list[LiveEvent]:
        index = self.library.index
        events = []
        for space, rel in removed:
            pid = index.id_of(space, rel)
            if pid is not None and index.remove(space, rel):
                events.append(self._event(REMOVED, space, rel, from_id=pid))
        return events

    def _arrived(self, photos: list[Photo]) -> list[LiveEvent]:
        """Records read: on the index, the new ones with what the stores hold for them."""
        index = self.library.index
        known = {(p.space, p.rel) for p in photos if index.id_of(p.space, p.rel) is not None}
        index.add_many(photos)
        new = {(p.space, p.rel) for p in photos} - known
        self._stored(new)
        events = []
        for photo in photos:
            key = (photo.space, photo.rel)
            kind = CHANGED if key in known else ADDED
            events.append(self._event(kind, *key, id=index.id_of(*key)))
        return events

    def _stored(self, new: set[tuple[str, str]]) -> None:
        """What the stores keep for photos new on the index (a file put back, a photo
        another session edited before this one saw it): their state and albums."""
        library = self.library
        if not new or library.editor is None:
            return
        by_space: dict[str, list[str]] = {}
        for space, rel in new:
            by_space.setdefault(space, []).append(rel)
        apply_stored(library.index, library.stores, by_space, clear=False)
        library.editor.albums.photos_arrived(new)

    def _walk(self, names: tuple[str, ...]) -> list[LiveEvent]:
        """Spaces that give no events (or lost some): one walk, as a start does."""
        library = self.library
        index = library.index
        spaces: list[SpaceRoot] = [s for s in library.setup.on if s.name in names]
        events: list[LiveEvent] = []
        read: list[Photo] = []

        def batch(photos: list[Photo]) -> None:
            read.extend(photos)

        def removed(gone: list[tuple[str, str]]) -> None:
            events.extend(self._event(REMOVED, space, rel) for space, rel in gone)

        # The reads come back through ``batch`` and go on the index below, where what was
        # new is told from what changed.
        result = reconcile(
            index, spaces, _subset(library.listing, names), batch=batch, removed=removed
        )
        for space, old, new in result.moved:
            pid = index.id_of(space, new)
            events.append(self._event(MOVED, space, new, id=pid, from_rel=old))
        moved: dict[str, list[tuple[str, str]]] = {}
        for space, old, new in result.moved:
            moved.setdefault(space, []).append((old, new))
        if library.editor is not None:
            for space, pairs in moved.items():
                for problem in library.editor.photos_moved(space, pairs):
                    self._say(problem)
        events += self._arrived(read)
        library.listing.take_spaces(result.listing, set(names))
        return events

    # -- helpers ---------------------------------------------------------------------------------

    def _event(
        self,
        kind: str,
        space: str,
        rel: str,
        *,
        id: int | None = None,
        from_rel: str = "",
        from_id: int | None = None,
    ) -> LiveEvent:
        root = next((s.root for s in self.library.setup.on if s.name == space), "")
        return LiveEvent(
            kind,
            space,
            rel,
            os.path.join(root, rel),
            id=id,
            from_path=os.path.join(root, from_rel) if from_rel else "",
            from_id=from_id,
        )

    def _save(self) -> None:
        problem = self.library.save_snapshot()
        self._saved_at = time.monotonic()
        self._unsaved = False
        if problem:
            self._say(f"index snapshot not saved: {safe(problem)}")

    def _say(self, message: str) -> None:
        if self.note is not None:
            self.note(message)


def follow(
    library: Library,
    on_events: Callable[[list[LiveEvent]], None],
    *,
    note: Callable[[str], None] | None = None,
    pending: Callable[[int], None] | None = None,
    watcher: Watcher | None = None,
    compact: bool = False,
) -> LiveLibrary:
    """Follow ``library``'s disk from now on: started; stop it when done. ``watcher``: one
    that listened since before the library's walk (``watcher_for``); ``compact``: see
    ``LiveLibrary``."""
    live = LiveLibrary(
        library, on_events, note=note, pending=pending, watcher=watcher, compact=compact
    )
    live.start()
    return live


def watcher_for(spaces: Sequence[SpaceRoot], settings: Settings, index: Index) -> Watcher:
    """A watcher for a library about to be opened: ``listen()`` before its walk, hand it to
    ``follow`` once open."""
    return Watcher(spaces, settings.watch, index)


def _subset(listing: Listing, names: Iterable[str]) -> Listing:
    wanted = set(names)
    return Listing(
        {k: v for k, v in listing.folders.items() if k[0] in wanted},
        {k: v for k, v in listing.sidecars.items() if k[0] in wanted},
        {r for r in listing.retry if r[0] in wanted},
    )
