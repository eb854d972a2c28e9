"""What the thumbnail grid shows: the GridModel contract between the app and the grid.

It lives apart from the widget so that the grid's helper modules (tiles, layout) can name it
without importing the widget. ``phototerm.tui.widgets.grid`` re-exports ``GridModel``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from phototerm.library.photo import Photo

# What a model gives for a photo gone from the index before the model was made again (a
# file deleted on disk, between two refreshes): the grid draws it as removed.
REMOVED = "removed from disk"
REMOVED_PHOTO = Photo("", "", "", error=REMOVED)


class GridModel(Protocol):
    """What the grid shows; the app builds it from Index.search + Index.group. A model may
    also offer ``rotation(pos) -> int`` (the store's view rotation); the grid uses it if so.
    ``photo`` gives ``REMOVED_PHOTO`` for a photo the index no longer has."""

    def __len__(self) -> int: ...
    def sections(self) -> Sequence: ...  # library.index.Group: label, start, count
    def photo_id(self, pos: int) -> int: ...
    def photo(self, pos: int) -> Photo: ...
    def position_of(self, photo_id: int) -> int | None: ...


class EmptyModel:
    """The model of a grid that has not been given one yet."""

    def __len__(self) -> int:
        return 0

    def sections(self) -> Sequence:
        return ()

    def photo_id(self, pos: int) -> int:
        raise IndexError(pos)

    def photo(self, pos: int) -> Photo:
        raise IndexError(pos)

    def position_of(self, photo_id: int) -> int | None:
        return None
