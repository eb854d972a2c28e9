"""An open library: what ``open_library`` hands back."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import TracebackType
from typing import Self

from phototerm.library.edits import Editor
from phototerm.library.index import Index
from phototerm.library.ingest.indexer import IndexResult
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
