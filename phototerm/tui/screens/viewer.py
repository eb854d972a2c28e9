"""The viewer (Enter on a photo): the photo as large as the terminal allows, next/prev, info.

It walks the same model the grid shows, so next/prev follow the current search and sort.
Esc dismisses with the photo id, and the grid puts its cursor there. An edit (``PhotosEdited``)
of the photo shown redraws it: its caption, its rotation, and (in the panel) its details.
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

from phototerm.library.text import safe
from phototerm.tui.clipboard import copy_paths
from phototerm.tui.keys import BindingGate
from phototerm.tui.messages import PhotosEdited
from phototerm.tui.model import IndexModel
from phototerm.tui.screens.edit_keys import EDIT_BINDINGS, EditActions
from phototerm.tui.screens.footer_first import first_in_footer
from phototerm.tui.services import Services
from phototerm.tui.widgets.infopanel import InfoPanel, stars, when
from phototerm.tui.widgets.keys_footer import KeysFooter
from phototerm.tui.widgets.photoview import PhotoView, step_bindings


class ViewerScreen(BindingGate, EditActions, Screen[int | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "close", "Back", id="viewer.close", tooltip="Back to the photos, on this one"
        ),
        *step_bindings("viewer.next", "viewer.prev"),
        Binding("home,g", "first", "First", id="viewer.first", show=False, tooltip="First photo"),
        Binding("end,G", "last", "Last", id="viewer.last", show=False, tooltip="Last photo"),
        Binding(
            "i",
            "toggle_info",
            "Info",
            id="viewer.info",
            tooltip="Show or hide capture date, camera, exposure, GPS, path, ...",
        ),
        Binding(
            "y",
            "copy_path",
            "Copy path",
            id="viewer.copy",
            tooltip="Copy this photo's absolute path (OSC 52)",
        ),
        *EDIT_BINDINGS,  # 0-5 x t a e u r R: on the photo shown
    ]

    class InfoToggled(Message):
        """The details panel was shown or hidden: the next viewer opens the same way."""

        def __init__(self, shown: bool) -> None:
            super().__init__()
            self.shown = shown

    def __init__(
        self, model: IndexModel, position: int, services: Services, *, info: bool = False
    ) -> None:
        super().__init__()
        self.model = model
        self.position = max(0, min(position, len(model) - 1))
        self.services = services
        self._info = info

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return first_in_footer(super().active_bindings)  # Quit and Help first in the footer

    def compose(self) -> ComposeResult:
        yield Static("", id="viewer-caption")
        with Horizontal(id="viewer-body"):
            yield PhotoView(self.services.thumbnails, self.services.color, id="viewer-photo")
            yield InfoPanel(self.services.index, id="viewer-info")
        yield KeysFooter()

    @property
    def info(self) -> InfoPanel:
        return self.query_one("#viewer-info", InfoPanel)

    def on_mount(self) -> None:
        self.info.display = self._info
        self._show()

    @property
    def photo_id(self) -> int:
        return self.model.photo_id(self.position)

    def _show(self) -> None:
        """Show the photo at ``position`` (after a step, or when it was edited)."""
        self._draw()
        self.info.show(self.photo_id)

    def _draw(self) -> None:
        photo = self.model.photo(self.position)
        rotation = self.services.index.rotation(self.photo_id)
        self.query_one(PhotoView).show(photo, rotation)
        caption = Text(no_wrap=True, overflow="ellipsis")
        caption.append(f" {self.position + 1:,} / {len(self.model):,}  ", style="bold")
        caption.append(safe(photo.name))
        caption.append(f"  ·  {when(photo)}")
        if photo.rating:
            caption.append(f"  ·  {stars(photo.rating)}")
        if photo.error:  # the reason, not just a mark: a truncated JPEG still shows its top
            caption.append(f"  ·  ⚠ {safe(photo.error, 80)}", style="bold")
        self.query_one("#viewer-caption", Static).update(caption, layout=False)

    # ------------------------------------------------------------------------ editing

    def edit_targets(self) -> list[int]:
        return [self.photo_id] if len(self.model) else []

    def edit_advance(self) -> None:
        # On by default here ("viewer"): rate, and the next photo is already on screen.
        if self.services.advance != "never" and self.position < len(self.model) - 1:
            self.position += 1
            self._show()

    def edit_undone(self, ids: list[int]) -> None:
        # Back to the photo the undo changed: the rating had moved the viewer on.
        if self.photo_id in ids:
            return
        positions = [p for p in map(self.model.position_of, ids) if p is not None]
        if positions:
            self.position = min(positions, key=lambda p: abs(p - self.position))
            self._show()

    @on(PhotosEdited)
    def _photos_edited(self, message: PhotosEdited) -> None:
        """An edit (ours, an undo, another session's) may have changed the photo shown."""
        if len(self.model) and message.touches(self.photo_id):
            self._draw()
            self.info.post_message(message.copy())

    def action_step(self, delta: int) -> None:
        target = max(0, min(self.position + delta, len(self.model) - 1))
        if target != self.position:
            self.position = target
            self._show()
        else:
            self.app.bell()

    def action_first(self) -> None:
        self.position = 0
        self._show()

    def action_last(self) -> None:
        self.position = len(self.model) - 1
        self._show()

    def action_toggle_info(self) -> None:
        panel = self.info
        panel.display = not panel.display
        self.post_message(self.InfoToggled(bool(panel.display)))

    def action_copy_path(self) -> None:
        copy_paths(self.app, [self.model.photo(self.position).path])

    def action_close(self) -> None:
        self.dismiss(self.photo_id)
