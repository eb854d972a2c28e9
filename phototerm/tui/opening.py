"""Opening the library in the background: the saved index loaded on a thread while Textual
starts, then ``open_library`` on a thread worker, told with messages.

``Preload`` (library/preload.py) reads the index snapshot from before Textual is even
imported (the command line starts it), so the first screen can show the whole library.
``open_library`` then checks it against the disk on the worker's thread (or indexes
everything when there was no snapshot), changing the app's (thread-safe) Index batch by
batch with each photo's stored rating, tags... already on it; the callbacks only post messages, which Textual delivers on
the UI thread, where the grid is rebuilt. The walk waits until the first screen is drawn
(``first_screen``), so it does not compete with it. The disk is watched from just before the
walk on; the app starts applying what the watcher sees once the library is open. Progress messages replace each other in
the queue, so a fast indexer never floods the UI.

Textual cancels workers when the app exits; the callbacks notice and raise ``Cancelled``,
which unwinds ``open_library`` (it closes what it opened, and the indexer shuts its process
pool down), so quitting in the middle of a cold index does not wait for it to finish.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.message import Message
from textual.worker import get_current_worker

from phototerm.library.index import Index
from phototerm.library.preload import Preload
from phototerm.library.settings import Settings
from phototerm.library.spaces import SpaceSetup
from phototerm.tui.messages import IndexingProgress, IndexLoaded, LibraryOpened, PhotosArrived

if TYPE_CHECKING:
    from phototerm.library.ingest.indexer import IndexProgress
    from phototerm.library.opening import Library

FIRST_SCREEN_WAIT = 3.0  # seconds the walk waits for the first screen at most


class Cancelled(Exception):
    """The app is closing: stop opening."""


class Handover:
    """The opened Library, passed from the worker's thread to the app, and closed by the
    app on its way out, or by the worker itself when the app has already gone."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._library: Library | None = None
        self._closed = False

    def give(self, library: Library) -> bool:
        """(Worker thread.) False when the app has closed: the library is closed then."""
        with self._lock:
            if not self._closed:
                self._library = library
                return True
        library.close()
        return False

    def close(self) -> None:
        with self._lock:
            self._closed = True
            library, self._library = self._library, None
        if library is not None:
            library.close()


def open_library(*args: Any, **kwargs: Any) -> Library:
    """``phototerm.library.opening.open_library``, imported on first use: what opens a
    library (stores, edits, the indexer) is not needed for the first screen."""
    from phototerm.library.opening import open_library as opening

    return opening(*args, **kwargs)


def open_in_worker(
    post: Callable[[Message], object],
    handover: Handover,
    settings: Settings,
    setup: SpaceSetup,
    *,
    index: Index,
    read_only: bool,
    cache_dir: str | None,
    preload: Preload | None = None,
    first_screen: threading.Event | None = None,
) -> Library:
    """Body of the thread worker. ``post`` is ``App.post_message`` (thread-safe).
    ``first_screen`` is set by the app once the first screen is drawn."""
    worker = get_current_worker()

    def check() -> None:
        if worker.is_cancelled:
            raise Cancelled()

    def on_progress(progress: IndexProgress) -> None:
        check()
        post(IndexingProgress(progress))

    def on_batch(count: int) -> None:
        check()
        post(PhotosArrived(count))

    def on_loaded(count: int) -> None:
        check()
        post(IndexLoaded(count))

    def wait_for_first_screen() -> None:
        deadline = time.monotonic() + FIRST_SCREEN_WAIT
        while first_screen is not None and not first_screen.wait(0.05):
            check()  # quitting must not wait for the first screen
            if time.monotonic() > deadline:
                break

    preloaded = preload.wait() if preload is not None else None
    if preloaded is not None and preloaded.index is not None:
        # The saved index is on screen: opening the stores, and even importing what opens
        # them, waits until the first screen is drawn, not to compete with it for the GIL.
        wait_for_first_screen()
    from phototerm.library.opening.live import watcher_for

    # The disk is followed from before the walk, so nothing that changes meanwhile is missed.
    watcher = watcher_for(setup.on, settings, index)

    def before_rescan() -> None:
        wait_for_first_screen()
        watcher.listen()

    try:
        if preloaded is None or preloaded.index is None:
            watcher.listen()  # indexing from scratch: no first screen to wait for
        library = open_library(
            settings,
            setup,
            index=index,
            writable=not read_only,
            write_cache=not read_only,
            cache_dir=cache_dir,
            on_progress=on_progress,
            on_batch=on_batch,
            on_loaded=on_loaded,
            before_rescan=before_rescan,
            preloaded=preloaded,
        )
        if worker.is_cancelled:
            library.close()
            raise Cancelled()
        if not handover.give(library):
            raise Cancelled()
    except BaseException:
        watcher.stop()
        raise
    post(LibraryOpened(library, watcher))
    return library
