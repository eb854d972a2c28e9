"""The info panel: everything known about one photo, as plain Text (never markup).

``describe(photo)`` is separate from the widget so the CLI or tests can use the same wording.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from phototerm.library.index import Index
from phototerm.library.photo import REJECTED, VIDEO, Photo, duration_text
from phototerm.library.text import safe
from phototerm.tui.messages import PhotosEdited

LABEL_WIDTH = 12  # "Description" and a space


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def when(photo: Photo) -> str:
    if photo.taken is None:
        return "unknown"
    try:
        # Photo.taken is wall-clock time encoded as UTC (see photo.py).
        text = datetime.fromtimestamp(photo.taken, UTC).strftime("%Y-%m-%d %H:%M:%S")
    except (OverflowError, OSError, ValueError):
        return "unknown"
    if photo.tz_offset is not None:
        sign = "+" if photo.tz_offset >= 0 else "-"
        hours, minutes = divmod(abs(photo.tz_offset), 60)
        text += f" {sign}{hours:02d}:{minutes:02d}"
    return text


def exposure_text(seconds: float) -> str:
    if seconds <= 0:
        return ""
    if seconds >= 1:
        return f"{seconds:g} s"
    return f"1/{round(1 / seconds)} s"


def stars(rating: int) -> str:
    if rating == REJECTED:
        return "rejected"
    if rating <= 0:
        return "unrated"
    return "★" * min(rating, 5) + "☆" * (5 - min(rating, 5))


def describe(photo: Photo, extra_error: str = "") -> list[tuple[str, str]]:
    """(label, value) rows; values already sanitised."""
    exposure = " ".join(
        part
        for part in (
            exposure_text(photo.exposure),
            f"f/{photo.fnumber:g}" if photo.fnumber > 0 else "",
        )
        if part
    )
    gps = ""
    if photo.has_gps:
        gps = f"{photo.lat:.5f}, {photo.lon:.5f}"
    pixels = f"{photo.width} × {photo.height} px" if photo.width and photo.height else ""
    size = ", ".join(part for part in (pixels, human_size(photo.size)) if part)
    kind = "video" if photo.kind == VIDEO else ("RAW photo" if photo.is_raw else "photo")
    if photo.kind == VIDEO:
        length = duration_text(photo.duration) if photo.duration else ""
        kind = ", ".join(part for part in ("video", length, safe(photo.codec, 40)) if part)
    elif photo.pair_kind:
        kind = f"photo, {'Live Photo' if photo.pair_kind == 'LIVE' else 'RAW+JPEG'}"
    rows = [
        ("Name", safe(photo.name)),
        ("Taken", when(photo)),
        ("Camera", safe(photo.camera)),
        ("Lens", safe(photo.lens)),
        ("Exposure", exposure),
        ("ISO", str(photo.iso) if photo.iso else ""),
        ("Focal", f"{photo.focal:g} mm" if photo.focal > 0 else ""),
        ("GPS", gps),
        ("Size", size),
        ("Type", kind),
        ("Rating", stars(photo.rating)),
        ("Tags", safe(", ".join(photo.tags))),
        ("Description", safe(photo.description)),
        ("Space", photo.space),
        ("Path", safe(photo.path)),
    ]
    if photo.pair:
        rows.append(("With", safe(photo.pair_path)))  # the pair's other file
    if photo.error:
        rows.append(("Error", safe(photo.error)))
    if extra_error and extra_error != photo.error:
        rows.append(("Error", safe(extra_error)))  # e.g. the thumbnail could not be decoded
    return rows


def render_info(photo: Photo | None, extra_error: str = "") -> Table | Text:
    if photo is None:
        return Text("No photo", style="dim")
    # A grid, so long values (paths, lens names) wrap under their value, not under the label.
    table = Table.grid(padding=(0, 1))
    table.add_column(width=LABEL_WIDTH - 1, no_wrap=True, style="bold")
    table.add_column(overflow="fold")
    for label, value in describe(photo, extra_error):
        style = "bold red" if label == "Error" else ("dim" if not value else "")
        table.add_row(Text(label), Text(value or "—", style=style))
    return table


class InfoPanel(VerticalScroll):
    """A scrollable column with the details of one photo of ``index``; an edit of that
    photo (``PhotosEdited``) shows its new details."""

    def __init__(self, index: Index, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.index = index
        self.photo_id: int | None = None
        self._extra_error = ""

    def compose(self) -> ComposeResult:
        yield Static(render_info(None), id="info-text")

    def show(self, photo_id: int | None, extra_error: str = "") -> None:
        """The details of ``photo_id`` (None: no photo); ``extra_error``: why its thumbnail
        could not be made, when it could not."""
        self.photo_id = photo_id
        self._extra_error = extra_error
        photo = self.index.get(photo_id) if photo_id is not None else None
        self.query_one("#info-text", Static).update(render_info(photo, extra_error))

    @on(PhotosEdited)
    def _photos_edited(self, message: PhotosEdited) -> None:
        if not message.removed and message.touches(self.photo_id):
            self.show(self.photo_id, self._extra_error)
