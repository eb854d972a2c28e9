"""The index snapshot read on a thread of its own, from as early as a caller knows which
library it will open: the browser starts it before it even imports Textual, so that the
saved index is loaded while the interface starts (file reads and checksums let the other
thread go on meanwhile), and its first screen can show the whole library.

The thread only loads: what it needs is imported before it starts, since two threads
importing modules at once take turns on the GIL at every file the importer reads, and the
caller's own imports then crawl.
"""

from __future__ import annotations

import threading

from phototerm.library.index import snapshot
from phototerm.library.spaces import SpaceSetup


class Preload:
    """The snapshot of ``setup``'s library in ``cache_dir``, loaded on a daemon thread
    started at once."""

    def __init__(self, setup: SpaceSetup, cache_dir: str) -> None:
        self.setup = setup
        self.cache_dir = cache_dir
        self.result: snapshot.Loaded | None = None
        self._thread = threading.Thread(target=self._load, name="loading the index", daemon=True)
        self._thread.start()

    def _load(self) -> None:
        roots = [(space.name, space.root) for space in self.setup.on]
        if roots:
            self.result = snapshot.load(snapshot.snapshot_file(self.cache_dir, roots), roots)
        else:
            self.result = snapshot.Loaded(None)

    def wait(self, timeout: float | None = None) -> snapshot.Loaded | None:
        """The snapshot, or None when it is not loaded within ``timeout``."""
        self._thread.join(timeout)
        return None if self._thread.is_alive() else self.result
