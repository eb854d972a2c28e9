"""The store: one SQLite file per space (``<root>/.phototerm/library.db``) holding what people
did to the photos (ratings, tags, descriptions, rotations), albums, shares and sort orders.
``overlay`` puts what the stores hold onto a freshly built index."""

from phototerm.library.store.albums import AlbumRecord
from phototerm.library.store.schema import (
    DB_NAME,
    SCHEMA_VERSION,
    StoreError,
    StoreReadOnly,
    StoreStatus,
)
from phototerm.library.store.shares import PERMISSIONS, ROLES, Recipient, ShareRecord
from phototerm.library.store.store import Changes, OverlayRow, PhotoState, Store, open_store

__all__ = [
    "DB_NAME",
    "PERMISSIONS",
    "ROLES",
    "SCHEMA_VERSION",
    "AlbumRecord",
    "Changes",
    "OverlayRow",
    "PhotoState",
    "Recipient",
    "ShareRecord",
    "Store",
    "StoreError",
    "StoreReadOnly",
    "StoreStatus",
    "open_store",
]
