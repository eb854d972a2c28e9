"""The open library following the disk while the browser runs, as the app sees it.

The library's watcher (library/opening/live.py) calls back on its own thread; here each
callback only posts a message (``DiskChanged``, ``NewPhotosWaiting``) or a notification,
which Textual hands to the UI thread. The ids of photos moved on disk are gathered until
the next refresh of the grid, so its cursor and selection follow them.
"""

from __future__ import annotations

from typing import Any

from textual.app import App

from phototerm.library.ingest.watch import Watcher
from phototerm.library.opening import Library
from phototerm.library.opening.live import MOVED, LiveEvent, follow
from phototerm.tui.messages import DiskChanged, NewPhotosWaiting
from phototerm.tui.threads import close_within

STOP_WAIT = 3.0  # seconds quitting waits for watching to stop (the index is saved)


class Following:
    def __init__(self, app: App[Any], library: Library, watcher: Watcher | None) -> None:
        self.app = app
        self.moved: dict[int, int] = {}  # old id -> new id, since the last refresh
        self.index = library.index
        self.live = follow(
            library, self._changed, note=self._note, pending=self._waiting, watcher=watcher
        )

    # -- the watcher's thread --------------------------------------------------------------------

    def _changed(self, events: list[LiveEvent]) -> None:
        # Called inside the batch (the watcher's lock held): no compaction renumbers the
        # index between the events' ids and the numbering read here.
        moved = {
            e.from_id: e.id
            for e in events
            if e.kind == MOVED and e.from_id is not None and e.id is not None
        }
        numbering = self.index.numbering
        self.app.post_message(DiskChanged(len(events), moved, numbering))

    def _note(self, message: str) -> None:
        self.app.notify(message, severity="warning", timeout=12, markup=False)  # posts

    def _waiting(self, count: int) -> None:
        self.app.post_message(NewPhotosWaiting(count))

    # -- the UI thread ---------------------------------------------------------------------------

    def add_moved(self, moved: dict[int, int]) -> None:
        """Moves told by a ``DiskChanged``: a photo moved twice maps to where it is now."""
        for old, new in moved.items():
            for before, now in list(self.moved.items()):
                if now == old:
                    self.moved[before] = new
            self.moved[old] = new

    @property
    def has_moved(self) -> bool:
        """Moves told but not yet shown (their ids are the index's as it is now)."""
        return bool(self.moved)

    def take_moved(self) -> dict[int, int]:
        moved, self.moved = self.moved, {}
        return moved

    def stop(self) -> None:
        """Stop watching (the index is saved for the next start); a disk that stopped
        answering does not keep quitting waiting."""
        close_within(self.live.stop, STOP_WAIT, "live-stop")
