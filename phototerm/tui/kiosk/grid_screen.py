"""The kiosk's grid: the photos of its album, search or space, to look through and to start
the slideshow from. Only keys that look are bound: moving, opening, the thumbnail size (for
this session), the details panel and the slideshow; nothing selects, edits or copies.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from phototerm.library.index import Index
from phototerm.library.thumbnails import ThumbnailService
from phototerm.tui.keys import BindingGate
from phototerm.tui.model import IndexModel
from phototerm.tui.screens.footer_first import KIOSK_FIRST, first_in_footer
from phototerm.tui.widgets.grid import ThumbnailGrid, cursor_bindings
from phototerm.tui.widgets.infopanel import InfoPanel
from phototerm.tui.widgets.keys_footer import KeysFooter


class KioskGrid(ThumbnailGrid, inherit_bindings=False):
    """The thumbnail grid without selection (its keys are not bound at all)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *cursor_bindings("kiosk.grid"),
        Binding("enter", "activate", "Open", id="kiosk.grid.open", tooltip="Show the photo large"),
        Binding("plus,equals_sign", "tile_bigger", "Bigger", id="kiosk.grid.bigger", tooltip="Larger thumbnails (for this session)"),
        Binding("minus", "tile_smaller", "Smaller", id="kiosk.grid.smaller", tooltip="Smaller thumbnails (for this session)"),
    ]  # fmt: skip


class KioskGridScreen(BindingGate, Screen[None], inherit_bindings=False):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "space",
            "play",
            "Slideshow",
            id="kiosk.grid.play",
            tooltip="Play a slideshow from the photo under the cursor",
        ),
        Binding(
            "i",
            "toggle_info",
            "Info",
            id="kiosk.grid.info",
            tooltip="Show or hide the details of the photo under the cursor",
        ),
    ]

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        # Quit and Help first in the footer: on 80 columns they would fall off its end.
        return first_in_footer(super().active_bindings, KIOSK_FIRST)

    DEFAULT_CSS = """
    KioskGridScreen #kiosk-title { height: 1; padding: 0 1; background: $panel; }
    KioskGridScreen #kiosk-body { height: 1fr; }
    KioskGridScreen KioskGrid { width: 1fr; height: 100%; }
    """

    class OpenSlides(Message):
        """Show ``photo_id`` large: as a slideshow (``playing``) or one photo at a time."""

        def __init__(self, model: IndexModel, photo_id: int, playing: bool) -> None:
            super().__init__()
            self.model = model
            self.photo_id = photo_id
            self.playing = playing

    def __init__(self, title: str, index: Index, thumbnails: ThumbnailService, color: str) -> None:
        super().__init__()
        self._title = title  # already safe
        self.index = index
        self.thumbnails = thumbnails
        self.color = color
        self.model: IndexModel | None = None
        self._empty = ""
        self._composed = False  # (is_mounted is False until on_mount has returned)

    def compose(self) -> ComposeResult:
        yield Static("", id="kiosk-title")
        with Horizontal(id="kiosk-body"):
            yield KioskGrid(self.thumbnails, color=self.color, id="kiosk-grid")
            yield InfoPanel(self.index, id="library-info")
        yield KeysFooter()

    @property
    def grid(self) -> KioskGrid:
        return self.query_one(KioskGrid)

    @property
    def info(self) -> InfoPanel:
        return self.query_one(InfoPanel)

    def on_mount(self) -> None:
        self._composed = True
        self.info.display = False
        self.grid.focus()
        if self.model is not None:
            self.set_model(self.model, self._empty)

    def set_model(self, model: IndexModel, empty: str = "") -> None:
        """Show ``model``; ``empty`` (already safe): what an empty grid says."""
        self.model, self._empty = model, empty
        if not self._composed:
            return  # mounting shows it
        self.grid.set_model(model)
        self.grid.show_empty(empty)
        count = f"{len(model):,} photo" + ("" if len(model) == 1 else "s")
        title = Text(
            f"phototerm kiosk · {self._title} · {count}", no_wrap=True, overflow="ellipsis"
        )
        self.query_one("#kiosk-title", Static).update(title)
        self._update_info()

    def cursor_photo(self) -> int | None:
        return self.grid.cursor_photo_id() if self._composed else None

    def move_to_photo(self, photo_id: int) -> None:
        self.grid.move_to_photo(photo_id)

    def _update_info(self) -> None:
        if self.info.display:
            photo_id = self.grid.cursor_photo_id()
            self.info.show(photo_id, self.grid.tile_error(photo_id) if photo_id is not None else "")

    @on(ThumbnailGrid.CursorMoved)
    def _cursor_moved(self) -> None:
        self._update_info()

    @on(ThumbnailGrid.Activated)
    def _activated(self, event: ThumbnailGrid.Activated) -> None:
        event.stop()
        if self.model is not None:
            self.post_message(self.OpenSlides(self.model, event.photo_id, playing=False))

    def action_play(self) -> None:
        photo_id = self.grid.cursor_photo_id()
        if self.model is not None and photo_id is not None:
            self.post_message(self.OpenSlides(self.model, photo_id, playing=True))

    def action_toggle_info(self) -> None:
        self.info.display = not self.info.display
        self._update_info()
