"""The viewer (Enter on a photo): the photo as large as the terminal allows, next/prev, info.

It walks the same model the grid shows, so next/prev follow the current search and sort.
Esc dismisses with the photo id, and the grid puts its cursor there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Static

from phototerm.library.text import safe
from phototerm.tui.edit_keys import EDIT_BINDINGS, EditActions
from phototerm.tui.model import IndexModel
from phototerm.tui.widgets.infopanel import InfoPanel, stars, when
from phototerm.tui.widgets.photoview import PhotoView

if TYPE_CHECKING:
    from phototerm.tui.app import PhotoApp


class ViewerScreen(EditActions, Screen[int | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "close", "Back", id="viewer.close", tooltip="Back to the photos, on this one"
        ),
        # key_display: the footer shows one key per action; the arrow says it best
        # (a [keymap] entry replaces it with the user's own key).
        Binding(
            "right,l,n,pagedown",
            "step(1)",
            "Next",
            id="viewer.next",
            key_display="→",
            tooltip="Next photo",
        ),
        Binding(
            "left,h,p,pageup",
            "step(-1)",
            "Previous",
            id="viewer.prev",
            key_display="←",
            tooltip="Previous photo",
        ),
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

    def __init__(self, model: IndexModel, position: int, *, info: bool = False) -> None:
        super().__init__()
        self.model = model
        self.position = max(0, min(position, len(model) - 1))
        self._info = info

    @property
    def papp(self) -> PhotoApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static("", id="viewer-caption")
        with Horizontal(id="viewer-body"):
            yield PhotoView(self.papp.thumbnails, self.papp.color.mode, id="viewer-photo")
            yield InfoPanel(id="viewer-info")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#viewer-info").display = self._info
        self._show()

    @property
    def photo_id(self) -> int:
        return self.model.photo_id(self.position)

    def _show(self) -> None:
        photo = self.model.photo(self.position)
        rotation = self.papp.index.rotation(self.photo_id)
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
        self.query_one("#viewer-info", InfoPanel).show_photo(photo)

    # ------------------------------------------------------------------------ editing

    def edit_targets(self) -> list[int]:
        return [self.photo_id] if len(self.model) else []

    def edit_advance(self) -> None:
        # On by default here ("viewer"): rate, and the next photo is already on screen.
        if self.papp.editing.advance != "never" and self.position < len(self.model) - 1:
            self.position += 1
            self._show()

    def photo_changed(self) -> None:
        """An edit (ours, an undo, another session's) may have changed the photo shown."""
        if self.is_mounted and len(self.model):
            self._show()

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
        panel = self.query_one("#viewer-info")
        panel.display = not panel.display
        self.papp.viewer_info = bool(panel.display)

    def action_copy_path(self) -> None:
        self.papp.copy_paths([self.model.photo(self.position).path])

    def action_close(self) -> None:
        self.dismiss(self.photo_id)
