"""What the app hands each screen it opens: the index and the spaces, the thumbnails and the
colour mode they are drawn in, and the editing components. A screen needs nothing else from
the app; what it has to tell the app goes up as a message.
"""

from __future__ import annotations

from dataclasses import dataclass

from phototerm.library.index import Index
from phototerm.library.spaces import SpaceSetup
from phototerm.library.thumbnails import ThumbnailService
from phototerm.tui.editing.albums import AlbumEdits
from phototerm.tui.editing.context import EditContext
from phototerm.tui.editing.photos import PhotoEdits
from phototerm.tui.editing.shares import ShareEdits


@dataclass(frozen=True, slots=True)
class Services:
    index: Index
    setup: SpaceSetup
    thumbnails: ThumbnailService
    color: str  # the colour mode photos are drawn in (pixels.MODES)
    edits: EditContext
    photos: PhotoEdits
    albums: AlbumEdits
    shares: ShareEdits
    advance: str  # advance_after_rating: viewer | always | never
