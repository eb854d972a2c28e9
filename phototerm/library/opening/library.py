"""An open library: what ``open_library`` hands back."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Self

from phototerm.library.edits import Editor
from phototerm.library.index import Index, compaction, snapshot
from phototerm.library.ingest.indexer import IndexResult
from phototerm.library.ingest.listing import Listing
from phototerm.library.settings import Settings
from phototerm.library.spaces import SpaceSetup
from phototerm.library.store import Store, StoreStatus


@dataclass
class Library:
    """An open library. Close it (or use ``with``) to close its stores."""

    settings: Settings
    setup: SpaceSetup
    index: Index
    stores: dict[str, Store]
    editor: Editor | None  # None when opened without stores
    scan: IndexResult
    writable: bool = False  # the stores were opened for edits
    problems: list[str] = field(default_factory=list)  # stores that cannot be read, caches
    from_snapshot: bool = False  # the index was loaded from its snapshot (then checked)
    changed: int = 0  # photos read or removed since the snapshot (all of them without one)
    listing: Listing = field(default_factory=Listing)  # what the last walk saw
    snapshot_path: Path | None = None  # where the index is saved (None: never)
    # The store tokens the snapshot came with, kept when opened without the stores
    saved_tokens: dict[str, tuple[int, int]] = field(default_factory=dict)

    def save_snapshot(self) -> str:
        """Save the index as it is now, for the next start; '' or why it was not saved (it
        is best-effort: a cache that cannot be written only means a slower next start)."""
        if self.snapshot_path is None:
            return ""
        # What the overlays are current to is read before the index is: a snapshot newer
        # than its tokens replays an edit on the next start, one older would lose it.
        tokens = self.store_tokens()
        extra = self.listing.to_extra()
        index = self.index
        if compaction.due(index):
            # Mostly rows of removed photos: saved as a compacted copy, so that no later start
            # carries them. The index in use is not touched (callers hold its ids).
            index = compaction.compacted(index).index
        index.prepare_orders()
        return snapshot.save(
            self.snapshot_path,
            index,
            [(space.name, space.root) for space in self.setup.on],
            tokens=tokens,
            extra=extra,
        )

    def store_tokens(self) -> dict[str, tuple[int, int]]:
        """Each store's change token the index is current to, with the store file's
        identity (a store replaced by another file starts its tokens again)."""
        if self.editor is None:
            return dict(self.saved_tokens)
        return {
            space: (token, store_identity(self.stores[space]))
            for space, token in self.editor.tokens().items()
            if space in self.stores
        }

    @property
    def unreadable_stores(self) -> dict[str, StoreStatus]:
        """The spaces whose store file is there but could not be read (space name -> its
        status; ``message`` names the file and says why). Their ratings, tags and albums
        are not on the index: a search by them is incomplete, and a read-only command
        should say so rather than print a partial answer. A space with no store yet is
        not listed."""
        return {name: s.status for name, s in self.stores.items() if s.status.unreadable}

    def close(self) -> None:
        for store in self.stores.values():
            store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def store_identity(store: Store) -> int:
    """Which file a store is: a store replaced by another file (a restore, a reset) has
    another inode, and its change tokens start again."""
    try:
        return os.stat(store.path).st_ino
    except OSError:
        return 0
