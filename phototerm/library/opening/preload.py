"""The index snapshot read on a thread of its own, from as early as a caller knows which
library it will open: a browser starts it before it even imports Textual, so that the
saved index is loaded while the interface starts (file reads and checksums let the other
thread go on meanwhile), and its first screen can show the whole library."""

from __future__ import annotations

import threading

from phototerm.library.index.snapshot import Loaded
from phototerm.library.opening.open import load_snapshot
from phototerm.library.spaces import SpaceSetup


class Preload:
    """``load_snapshot(setup, cache_dir)``, on a daemon thread started at once."""

    def __init__(self, setup: SpaceSetup, cache_dir: str | None) -> None:
        self.setup = setup
        self.cache_dir = cache_dir
        self.result: Loaded | None = None
        self._thread = threading.Thread(target=self._load, name="loading the index", daemon=True)
        self._thread.start()

    def _load(self) -> None:
        self.result = load_snapshot(self.setup, self.cache_dir)

    def wait(self, timeout: float | None = None) -> Loaded | None:
        """The snapshot, or None when it is not loaded within ``timeout``."""
        self._thread.join(timeout)
        return None if self._thread.is_alive() else self.result
