"""What the parts of the browser tell each other, as Textual messages.

Opening the library (a thread worker) tells the app how far it is: ``IndexLoaded`` (the
saved index is on the Index), ``IndexingProgress``, ``PhotosArrived`` (photos were added,
changed or removed: refresh the grid), and at last ``LibraryOpened`` with the ``Library``.
From then on the library follows the disk: ``DiskChanged`` and ``NewPhotosWaiting``; a
compacted copy of the index made in the background is handed over as ``IndexCompacted``.

Edits (ours, an undo, another session's) are told to the app as ``PhotosEdited``; the app
passes it to every screen, and each screen to the widgets that show photos: each repaints
what it shows itself. Album edits that change what a view is (a rename, a delete, "open")
are told to the app, which steers the library screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # what opening the library needs is imported once it is opened
    from phototerm.library.index.compaction import Compacted
    from phototerm.library.ingest.indexer import IndexProgress
    from phototerm.library.ingest.watch import Watcher
    from phototerm.library.opening import Library
    from phototerm.tui.model import Renumbered


class IndexingProgress(Message):
    def __init__(self, progress: IndexProgress) -> None:
        super().__init__()
        self.progress = progress

    def can_replace(self, message: Message) -> bool:
        # A newer count replaces one still queued: a fast indexer never floods the UI.
        return isinstance(message, IndexingProgress)


class IndexLoaded(Message):
    """The saved index is on the Index (``count`` photos): the library can be shown whole
    while the disk is checked."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count


class PhotosArrived(Message):
    """A batch of ``count`` photos is on the index (with its stored ratings, tags...), or
    was taken off it."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count


class DiskChanged(Message):
    """Photos were added, changed, moved or removed on disk while the browser runs, and the
    index follows (from the watcher's thread). ``moved``: {old id: new id} of the photos
    moved, so a cursor and a selection stay on them; ``numbering``: the index's numbering
    those ids belong to (a compaction since makes them mean other photos)."""

    def __init__(self, count: int, moved: dict[int, int], numbering: int = 0) -> None:
        super().__init__()
        self.count = count
        self.moved = moved
        self.numbering = numbering


class IndexCompacted(Message):
    """A compacted copy of the index is ready (built on a thread), to be swapped in on the
    UI thread when nothing holds ids that the swap would not remap (tui/compaction.py)."""

    def __init__(self, built: Compacted, ready: Renumbered | None = None) -> None:
        super().__init__()
        self.built = built
        self.ready = ready  # the library screen's model (as it was) under the new ids


class NewPhotosWaiting(Message):
    """How many new photos on disk wait to be indexed (0: none)."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, NewPhotosWaiting)  # only the latest count matters


class LibraryOpened(Message):
    """Indexing is over and the stores are open: the albums are on the index, the Editor
    exists, and what other sessions did meanwhile is applied. ``watcher`` has listened to
    the disk since before the walk: the library is to follow it from now on."""

    def __init__(self, library: Library, watcher: Watcher | None = None) -> None:
        super().__init__()
        self.library = library
        self.watcher = watcher


class PhotosEdited(Message, bubble=False):
    """Photos changed: ``ids`` (None: not known, as after an undo or another session's edits;
    look at every photo shown). ``albums``: the albums may have changed too (a conditional
    album follows ratings and tags). ``removed``: photos left the index (moved to #recycle),
    so every view runs again.

    It does not bubble: the app hands a copy to each screen, and a screen to its widgets.
    """

    def __init__(
        self, ids: tuple[int, ...] | None, *, albums: bool = False, removed: bool = False
    ) -> None:
        super().__init__()
        self.ids = ids
        self.albums = albums
        self.removed = removed

    def copy(self) -> PhotosEdited:
        return PhotosEdited(self.ids, albums=self.albums, removed=self.removed)

    def touches(self, photo_id: int | None) -> bool:
        """Whether the photo ``photo_id`` may have changed."""
        return photo_id is not None and (self.ids is None or photo_id in self.ids)


class AlbumOpened(Message):
    """Show the album ``name`` in the library (from the album dialog, anywhere)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name


class AlbumRenamed(Message):
    def __init__(self, old: str, new: str) -> None:
        super().__init__()
        self.old = old
        self.new = new


class AlbumDeleted(Message):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
