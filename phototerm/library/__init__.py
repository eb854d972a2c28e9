"""The photo library: scanning, metadata, the in-memory index, search and the store.

Pure Python. This package never imports Textual or Rich (tests/library/test_layering.py
checks it), so the CLI, the TUI, the HTTP share server and scripts all stand on the same code.
``open_library`` is the way in; the names below are what callers need around it.

The names load on first use: a worker process that imports ``phototerm.library.metadata``
(or a script that needs only ``text``) does not pay for the index, the store and the Editor.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_WHERE = {
    "PERSONAL": "photo",
    "SHARED": "photo",
    "Photo": "photo",
    "Access": "roles",
    "Identity": "roles",
    "Role": "roles",
    "EditResult": "edits",
    "Editor": "edits",
    "Index": "index",
    "IndexProgress": "ingest.indexer",
    "IndexResult": "ingest.indexer",
    "Library": "opening",
    "open_library": "opening",
    "Query": "query",
    "QueryError": "query",
    "parse": "query",
    "Settings": "settings",
    "load_settings": "settings",
    "SpaceRoot": "spaces",
    "SpaceSetup": "spaces",
    "resolve": "spaces",
    "Store": "store",
    "StoreError": "store",
    "safe": "text",
}

__all__ = [
    "PERSONAL",
    "SHARED",
    "Access",
    "EditResult",
    "Editor",
    "Identity",
    "Index",
    "IndexProgress",
    "IndexResult",
    "Library",
    "Photo",
    "Query",
    "QueryError",
    "Role",
    "Settings",
    "SpaceRoot",
    "SpaceSetup",
    "Store",
    "StoreError",
    "load_settings",
    "open_library",
    "parse",
    "resolve",
    "safe",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'phototerm.library' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"phototerm.library.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])


if TYPE_CHECKING:
    from phototerm.library.edits import Editor, EditResult
    from phototerm.library.index import Index
    from phototerm.library.ingest.indexer import IndexProgress, IndexResult
    from phototerm.library.opening import Library, open_library
    from phototerm.library.photo import PERSONAL, SHARED, Photo
    from phototerm.library.query import Query, QueryError, parse
    from phototerm.library.roles import Access, Identity, Role
    from phototerm.library.settings import Settings, load_settings
    from phototerm.library.spaces import SpaceRoot, SpaceSetup, resolve
    from phototerm.library.store import Store, StoreError
    from phototerm.library.text import safe
