"""Compacting the browser's index while it runs (library/index/compaction.py), safely.

After a compaction an old id may name ANOTHER photo. The browser holds ids in many places:
the library screen's model, its cursor, selection and info panel; the viewer's model; the
dialogs (tags, description, album, share) hold the photos they edit in closures; messages
on their way (``DiskChanged``, the grid's ``Activated``, ``PhotoActivated``). So:

1. When compacting is due, a copy is built on a thread worker once the library has been quiet
   for ``QUIET`` seconds and the library screen is shown (the index's lock is held only to
   take copies), and handed to the UI thread as ``IndexCompacted``.
2. On the UI thread, it is swapped in only when the library screen is the screen shown (no
   viewer, no dialog, no palette: nothing else holds ids), the library's watcher is between
   batches (``LiveLibrary.quiet``: held until the handler ends, so no batch resolves a path
   to an id meanwhile), and the screen's model shows the index as it is, with no move told
   but not yet shown. Otherwise it waits (``RETRY``) and tries again: a model brought up to
   date first, the retry comes after whatever messages were queued with the old model.
3. ``swap`` refuses a copy of an index that changed since (its version moved); the copy is
   dropped, and a new one built once the library is quiet again.
4. In the same handler, the library screen remaps every id it holds (``renumbered``): the
   model in place (the same object any queued ``PhotoActivated`` holds), the selection, the
   cursor's photo, the info panel. Edits run on the UI thread (editing/), so none is half
   done; thumbnails are keyed by path. ``DiskChanged`` carries the numbering its ids belong
   to, and the app drops the moves of an older one (never a wrong id).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.timer import Timer

from phototerm.library.index import Index
from phototerm.library.index.compaction import Compacted, compacted, due, swap
from phototerm.tui.messages import IndexCompacted
from phototerm.tui.model import IndexModel, Renumbered

if TYPE_CHECKING:
    from phototerm.tui.following import Following
    from phototerm.tui.screens.library import LibraryScreen

QUIET = 2.0  # seconds without changes to the library before a copy is built
RETRY = 0.5  # seconds between tries to swap a copy in while the moment is not right


class Compactor:
    def __init__(
        self,
        app: App[Any],
        index: Index,
        *,
        shown: Callable[[], LibraryScreen | None],
        following: Callable[[], Following | None],
        refresh: Callable[[], None],
    ) -> None:
        """``shown``: the library screen when it is the screen shown, else None;
        ``refresh``: bring the library screen up to date with the index (moves included)."""
        self.app = app
        self.index = index
        self._shown = shown
        self._following = following
        self._refresh = refresh
        self._quiet_timer: Timer | None = None
        self._retry_timer: Timer | None = None
        self._building = False
        self._waiting: Compacted | None = None  # built, waiting for the right moment
        self._ready: Renumbered | None = None  # the screen's model renumbered, made with it
        self.swapped = 0  # compactions swapped in (for tests)

    def changed(self) -> None:
        """The library changed (on the UI thread): build a copy once it is quiet, if due."""
        if self._quiet_timer is not None:
            self._quiet_timer.stop()
            self._quiet_timer = None
        if self._building or self._waiting is not None or not due(self.index):
            return
        self._quiet_timer = self.app.set_timer(QUIET, self._build)

    def _build(self) -> None:
        self._quiet_timer = None
        if self._building or self._waiting is not None:
            return
        if self._following() is None or not due(self.index):
            return
        screen = self._shown()
        if screen is None:  # a copy could not be swapped in now: not made until it can
            self._quiet_timer = self.app.set_timer(QUIET, self._build)
            return
        self._building = True
        model = screen.model
        self.app.run_worker(
            lambda: self._make(model),
            name="compacting the index",
            group="compaction",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )

    def _make(self, model: IndexModel | None) -> None:
        """On a thread worker: the copy, and the library screen's model (as it was when the
        build started) under its ids, so the UI thread only swaps them in if it is the same."""
        try:
            built = compacted(self.index)
            ready = model.renumbered(built.renumbering) if model is not None else None
        finally:
            self._building = False
        self.app.post_message(IndexCompacted(built, ready))

    def built(self, built: Compacted, ready: Renumbered | None = None) -> None:
        """A copy is ready (UI thread): swap it in now, or wait for the moment."""
        self._waiting, self._ready = built, ready
        self._try()

    def _try(self) -> None:
        self._retry_timer = None
        built = self._waiting
        if built is None:
            return
        if built.version != self.index.version or not due(self.index):
            # the index moved on (this copy is stale), or was compacted already
            self._waiting = self._ready = None
            self.changed()
            return
        screen, following = self._shown(), self._following()
        if screen is None or following is None:
            self._later()
            return
        with following.live.quiet() as between_batches:
            if not between_batches:
                self._later()
                return
            if not screen.model_is_current() or following.has_moved:
                # Shown first, swapped on the next try: anything queued meanwhile that holds
                # the model being replaced (Enter pressed just now) is handled before it.
                self._refresh()
                self._later()
                return
            renumbering = swap(self.index, built)
            ready, self._waiting, self._ready = self._ready, None, None
            if renumbering is None:
                self.changed()
                return
            screen.renumbered(renumbering, was_current=True, ready=ready)
            self.swapped += 1

    def _later(self) -> None:
        if self._retry_timer is None:
            self._retry_timer = self.app.set_timer(RETRY, self._try)

    def stop(self) -> None:
        for timer in (self._quiet_timer, self._retry_timer):
            if timer is not None:
                timer.stop()
        self._quiet_timer = self._retry_timer = None
        self._waiting = self._ready = None
