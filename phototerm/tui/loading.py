"""Indexing in the background: the indexer runs on a thread worker and reports with messages.

The indexer's callbacks run on that thread (and its process pool's results arrive there); they
only post messages, which Textual delivers on the UI thread, where the Index is mutated (the
Index is mutated from one thread only, see its contract). Progress messages replace each other
in the queue (``can_replace``), so a fast indexer never floods the UI.

Textual cancels workers when the app exits; the callbacks notice and raise ``Cancelled``,
which unwinds the indexer (its process pool is shut down in its own ``finally``), so quitting
in the middle of a cold index does not wait for it to finish.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence

from textual.message import Message
from textual.worker import get_current_worker

from phototerm.library.ingest.indexer import IndexProgress, IndexResult, index_spaces
from phototerm.library.photo import Photo
from phototerm.library.spaces import SpaceRoot


def prepare_processes() -> None:
    """Start multiprocessing's resource tracker now, while sys.stderr is the real one.

    The indexer's process pool (forkserver) starts the tracker on first use and hands it
    ``sys.stderr.fileno()``; inside ``App.run`` Textual has replaced sys.stderr with a capture
    object whose fileno() is -1, and the spawn fails ("bad value(s) in fds_to_keep").
    Started before the App runs, the tracker is simply reused.
    """
    from multiprocessing import resource_tracker

    # No tracker: the indexer's pool reports its own failure through the worker.
    with contextlib.suppress(Exception):
        resource_tracker.ensure_running()


class Cancelled(Exception):
    """The app is closing: stop indexing."""


class PhotosArrived(Message):
    def __init__(self, photos: list[Photo]) -> None:
        super().__init__()
        self.photos = photos


class IndexingProgress(Message):
    def __init__(self, progress: IndexProgress) -> None:
        super().__init__()
        self.progress = progress

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, IndexingProgress)


def run_indexing(
    post: Callable[[Message], object],
    spaces: Sequence[SpaceRoot],
    cache_dir: str | None,
    *,
    read_only: bool = False,
) -> IndexResult:
    """Body of the thread worker. ``post`` is ``App.post_message`` (thread-safe)."""
    worker = get_current_worker()

    def check() -> None:
        if worker.is_cancelled:
            raise Cancelled()

    def on_progress(progress: IndexProgress) -> None:
        check()
        post(IndexingProgress(progress))

    def on_batch(photos: list[Photo]) -> None:
        check()
        post(PhotosArrived(photos))

    return index_spaces(
        spaces, cache_dir, progress=on_progress, batch=on_batch, read_only=read_only
    )
