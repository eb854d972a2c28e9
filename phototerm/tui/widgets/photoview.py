"""One photo as large as the widget allows, drawn with the grid engineer's half-block renderer.

The image is found and decoded by the same ThumbnailService the grid uses (best source first,
EXIF orientation and the store's view rotation applied), at the widget's full pixel size, on a
thread worker; until it is ready a short message shows. A resize renders again.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from phototerm.library.photo import VIDEO, Photo
from phototerm.library.text import safe
from phototerm.library.thumbnails import ThumbnailService
from phototerm.tui.pixels import render_strips


def step_bindings(next_id: str, previous_id: str) -> list[Binding]:
    """Next and previous photo, under these binding ids (the viewer and the kiosk's slides
    share the keys; each keeps its own ids). The footer shows one key per action: the arrow
    says it best (a [keymap] entry replaces it with the user's own key)."""
    return [
        Binding("right,l,n,pagedown", "step(1)", "Next", id=next_id, key_display="→",
                tooltip="Next photo"),
        Binding("left,h,p,pageup", "step(-1)", "Previous", id=previous_id, key_display="←",
                tooltip="Previous photo"),
    ]  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Request:
    photo: Photo
    rotation: int
    size: tuple[int, int]  # cells
    background: tuple[int, int, int]
    mode: str


class _Canvas(Widget):
    """Returns prepared Strips line by line (nothing is laid out per cell)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.strips: list[Strip] = []

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if 0 <= y < len(self.strips):
            strip = self.strips[y]
            if strip.cell_length != width:  # between a resize and the new render
                strip = strip.crop(0, width).extend_cell_length(width, self.rich_style)
            return strip
        return Strip.blank(width, self.rich_style)


class PhotoView(Container):
    class Shown(Message):
        """The photo asked for is on screen (``ok``), or could not be shown: the view says
        why (``ok`` False). Asked for again while already shown, it is told again."""

        def __init__(self, photo: Photo, ok: bool) -> None:
            super().__init__()
            self.photo = photo
            self.ok = ok

    class Rendered(Message):
        def __init__(self, request: _Request, strips: list[Strip], message: str) -> None:
            super().__init__()
            self.request = request
            self.strips = strips
            self.message = message

    def __init__(self, thumbnails: ThumbnailService, mode: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.thumbnails = thumbnails
        self.mode = mode
        self.photo: Photo | None = None
        self.rotation = 0
        self._wanted: _Request | None = None
        self._shown: _Request | None = None
        self._shown_ok = False

    def compose(self) -> ComposeResult:
        yield _Canvas(id="photo-canvas")
        yield Static("", id="photo-message")

    def show(self, photo: Photo, rotation: int = 0) -> None:
        self.photo = photo
        self.rotation = rotation
        self._request()

    def on_resize(self) -> None:
        self._request()

    def _background(self) -> tuple[int, int, int]:
        color = self.styles.background
        if color.a == 0:  # transparent: the screen's colour shows through
            color = self.screen.styles.background
        return (color.r, color.g, color.b)

    def _request(self) -> None:
        if self.photo is None or not self.is_mounted:
            return
        cols, rows = self.size.width, self.size.height
        if cols <= 0 or rows <= 0:
            return
        request = _Request(self.photo, self.rotation, (cols, rows), self._background(), self.mode)
        if request == self._wanted:
            if request == self._shown:
                self.post_message(self.Shown(request.photo, self._shown_ok))
            return
        self._wanted = request
        box = (cols, rows * 2)
        cached = self.thumbnails.get_cached(self.photo, box, self.rotation)
        if cached is not None:  # seen before at this size: no worker, no flash
            self._apply(
                request, render_strips(cached, request.size, request.background, request.mode), ""
            )
            return
        if self._shown is None or self._shown.photo is not self.photo:
            self._set_message(Text(f"Loading {safe(self.photo.name, 80)}…", style="dim"))
        self._load(request)

    @work(thread=True, exclusive=True, group="viewer", exit_on_error=False)
    def _load(self, request: _Request) -> None:
        photo = request.photo
        cols, rows = request.size
        result = self.thumbnails.load(photo, (cols, rows * 2), request.rotation)
        if result.image is None:
            if result.error:
                message = f"Cannot show {safe(photo.name, 80)}: {safe(result.error, 200)}"
            elif photo.kind == VIDEO:
                message = f"▶ Video: {safe(photo.name, 80)} ({result.note or 'no preview'})"
            else:
                note = f": {result.note}" if result.note else ""
                message = f"No preview for {safe(photo.name, 80)}{note}"
            self.post_message(self.Rendered(request, [], message))
            return
        strips = render_strips(result.image, request.size, request.background, request.mode)
        self.post_message(self.Rendered(request, strips, ""))

    @on(Rendered)
    def _rendered(self, event: Rendered) -> None:
        event.stop()
        if event.request != self._wanted:
            return  # the user has moved on; a newer render is coming
        self._apply(event.request, event.strips, event.message)

    def _apply(self, request: _Request, strips: list[Strip], message: str) -> None:
        self._shown = request
        self._shown_ok = bool(strips)
        canvas = self.query_one(_Canvas)
        canvas.strips = strips
        canvas.refresh()
        if message:
            self._set_message(Text(message))
        else:
            self.query_one("#photo-message", Static).display = False
        self.post_message(self.Shown(request.photo, self._shown_ok))

    def show_message(self, text: Text) -> None:
        """A line instead of a photo (already safe): the next ``show`` draws a photo again."""
        self.photo = None
        self._wanted = self._shown = None
        self._set_message(text)

    def _set_message(self, text: Text) -> None:
        label = self.query_one("#photo-message", Static)
        label.update(text)
        label.display = True
        canvas = self.query_one(_Canvas)
        canvas.strips = []
        canvas.refresh()
