"""The virtual thumbnail grid: Toolong's LogLines pattern in two dimensions.

Nothing here is a widget per photo. ``GridLayout`` (grid_layout.py) maps lines to (section,
tile row) and positions to tile origins in O(log sections); ``render_line`` builds one screen
line from per-tile segments (grid_tiles.py) and keeps the Strips in an LRU. Changing the cursor
re-renders two caption lines; a thumbnail arriving re-renders that tile's own region only, so
the terminal gets only what changed (a full repaint is the price of a scroll, never of a key
that does not scroll).

Thumbnails are decoded on the ThumbnailService's threads and turned into segments there too;
they reach the UI thread as messages (``post_message`` is thread-safe).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events, on
from textual.actions import SkipAction
from textual.binding import Binding, BindingType
from textual.filter import ANSIToTruecolor, LineFilter
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from phototerm.library.photo import REJECTED, VIDEO, Photo
from phototerm.library.text import safe
from phototerm.library.thumbnails import ThumbnailService
from phototerm.tui import pixels
from phototerm.tui.keys import BindingGate
from phototerm.tui.messages import PhotosEdited
from phototerm.tui.widgets.grid_layout import GAP_X, SIZE_ORDER, TILE_SIZES, GridLayout
from phototerm.tui.widgets.grid_model import REMOVED, REMOVED_PHOTO, EmptyModel, GridModel
from phototerm.tui.widgets.grid_tiles import (
    Tile,
    TileLoader,
    caption_text,
    placeholder_text,
    stale_tiles,
)

__all__ = ["SIZE_ORDER", "TILE_SIZES", "GridModel", "ThumbnailGrid"]

LINE_CACHE = 800  # rendered screen lines kept (about 16 screens)
TILE_CACHE = 3000  # tiles whose photo/caption is remembered


def cursor_bindings(prefix: str) -> list[BindingType]:
    """The keys that move the cursor, with ids under ``prefix`` (the browser's grid and the
    kiosk's share them; each has its own ids)."""
    return [
        Binding("up,k", "cursor_up", "Up", id=f"{prefix}.up", tooltip="Move up a row", show=False),
        Binding("down,j", "cursor_down", "Down", id=f"{prefix}.down", tooltip="Move down a row", show=False),
        Binding("left,h", "cursor_left", "Left", id=f"{prefix}.left", tooltip="Previous photo", show=False),
        Binding("right,l", "cursor_right", "Right", id=f"{prefix}.right", tooltip="Next photo", show=False),
        Binding("pageup", "cursor_page(-1)", "Page up", id=f"{prefix}.page_up", tooltip="Up one screen", show=False),
        Binding("pagedown", "cursor_page(1)", "Page down", id=f"{prefix}.page_down", tooltip="Down one screen", show=False),
        Binding("home,g", "cursor_first", "First", id=f"{prefix}.first", tooltip="First photo", show=False),
        Binding("end,G", "cursor_last", "Last", id=f"{prefix}.last", tooltip="Last photo", show=False),
    ]  # fmt: skip


class ThumbnailGrid(BindingGate, ScrollView, can_focus=True):
    """A grid of photo thumbnails over a GridModel, for 100,000+ photos."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *cursor_bindings("grid"),
        Binding("enter", "activate", "Open", id="grid.open", tooltip="Open the photo in the viewer"),
        Binding("plus,equals_sign", "tile_bigger", "Bigger", id="grid.bigger", tooltip="Larger thumbnails"),
        Binding("minus", "tile_smaller", "Smaller", id="grid.smaller", tooltip="Smaller thumbnails"),
        Binding("space", "toggle_select", "Select", id="grid.select", tooltip="Select or unselect the photo"),
        Binding("v", "extend_select", "Range", id="grid.select_range", tooltip="Select from the last selected photo to here", show=False),
        Binding("ctrl+a", "select_all", "All", id="grid.select_all", tooltip="Select every photo shown", show=False),
        Binding("escape", "clear_selection", "Clear", id="grid.clear_selection", tooltip="Clear the selection", show=False),
    ]  # fmt: skip

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "thumbnail-grid--caption",
        "thumbnail-grid--cursor",
        "thumbnail-grid--selected",
        "thumbnail-grid--frame",
        "thumbnail-grid--header",
        "thumbnail-grid--placeholder",
        "thumbnail-grid--error",
        "thumbnail-grid--rating",
        "thumbnail-grid--reject",
    }

    DEFAULT_CSS = """
    ThumbnailGrid {
        background: $surface;
        overflow-x: hidden;
        overflow-y: scroll;
        scrollbar-size-vertical: 1;
    }
    ThumbnailGrid > .thumbnail-grid--caption { color: $text-muted; }
    ThumbnailGrid > .thumbnail-grid--cursor { background: $accent; color: $text; text-style: bold; }
    ThumbnailGrid > .thumbnail-grid--selected { color: $text-success; text-style: bold; }
    ThumbnailGrid > .thumbnail-grid--frame { color: $success; text-style: bold; }
    ThumbnailGrid > .thumbnail-grid--header { color: $text-primary; text-style: bold; }
    ThumbnailGrid > .thumbnail-grid--placeholder { background: $panel; color: $text-muted; }
    ThumbnailGrid > .thumbnail-grid--error { background: $error 25%; color: $text-error; }
    ThumbnailGrid > .thumbnail-grid--rating { color: $text-warning; }
    ThumbnailGrid > .thumbnail-grid--reject { color: $text-error; }
    """

    tile_size: reactive[str] = reactive("medium", repaint=False)
    cursor: reactive[int] = reactive(0, repaint=False)

    class CursorMoved(Message):
        def __init__(self, photo_id: int | None, position: int) -> None:
            super().__init__()
            self.photo_id = photo_id
            self.position = position

    class Activated(Message):
        def __init__(self, photo_id: int, position: int) -> None:
            super().__init__()
            self.photo_id = photo_id
            self.position = position

    class SelectionChanged(Message):
        def __init__(self, count: int) -> None:
            super().__init__()
            self.count = count

    class ThumbnailReady(Message, bubble=False):
        """Posted by a worker thread to the grid itself with a decoded tile."""

        def __init__(self, key: str, cells: list | None, error: str) -> None:
            super().__init__()
            self.key = key
            self.cells = cells
            self.error = error

    def __init__(
        self,
        thumbnails: ThumbnailService,
        *,
        tile_size: str = "medium",
        color: str = "truecolor",
        **kw,
    ) -> None:
        super().__init__(**kw)
        self.thumbnails = thumbnails
        self.color = color if color in pixels.MODES else "truecolor"
        self.model: GridModel = EmptyModel()
        self.selected: set[int] = set()
        self._anchor: int | None = None  # photo id of the last toggled tile (for ``v``)
        self._layout = GridLayout(0, (), 80, TILE_SIZES["medium"])
        self._lines: OrderedDict[int, Strip] = OrderedDict()
        self._tiles: OrderedDict[int, Tile] = OrderedDict()
        self._cells = pixels.StripCache()  # read directly by the hot path, filled by the loader
        self._loader = TileLoader(thumbnails, self._cells, self._deliver)
        self._schedule_pending = False
        self._bg: tuple[int, int, int] | None = None
        self._empty_text = ""  # the line shown when the model is empty
        self.set_reactive(
            ThumbnailGrid.tile_size, tile_size if tile_size in TILE_SIZES else "medium"
        )

    # ------------------------------------------------------------------ public API

    def set_model(
        self,
        model: GridModel,
        *,
        keep_photo: bool = True,
        moved: dict[int, int] | None = None,
        anchor: bool = False,
    ) -> None:
        """Show ``model``; keep the cursor on the same photo when it is still there.
        ``moved``: {old id: new id} of photos whose id changed (a file moved on disk): the
        cursor and the selection follow them. ``anchor``: the photos changed around the
        cursor's (the library changed, not the view): its tile stays where it is on screen."""
        keep = self.cursor_photo_id() if keep_photo else None
        if moved:
            keep = moved.get(keep, keep) if keep is not None else None
            self.selected = {moved.get(i, i) for i in self.selected}
            if self._anchor is not None:
                self._anchor = moved.get(self._anchor, self._anchor)
        on_screen = None
        if anchor and keep is not None and len(self.model):
            on_screen = self._layout.origin(self.cursor)[1] - self.scroll_offset.y
        self.model = model
        if self.selected:
            self.selected = {i for i in self.selected if model.position_of(i) is not None}
        self._tiles.clear()
        self._reflow()
        pos = model.position_of(keep) if keep is not None else None
        self._set_cursor(pos if pos is not None else min(self.cursor, max(0, len(model) - 1)))
        if pos is not None and on_screen is not None:
            self.scroll_to(y=max(0, self._layout.origin(pos)[1] - on_screen), animate=False)
            self._ensure_visible()
        else:
            self._ensure_visible(center=True)
        self.post_message(self.CursorMoved(self.cursor_photo_id(), self.cursor))

    def renumbered(self, new: Mapping[int, int]) -> None:
        """The index was compacted (its ids renumbered) under a model renumbered in place: the
        selection, the anchor and the tiles follow (photos gone already drop out)."""
        self.selected = {new[i] for i in self.selected if i in new}
        self._anchor = new.get(self._anchor) if self._anchor is not None else None
        for tile in self._tiles.values():
            tile.photo_id = new.get(tile.photo_id, -1)

    def show_empty(self, text: str) -> None:
        """The line shown while the model is empty ("No photos match ..."); already safe."""
        if text != self._empty_text:
            self._empty_text = text
            if not len(self.model):
                self._lines.clear()
                self.refresh()

    @property
    def empty_text(self) -> str:
        return self._empty_text

    def move_to_photo(self, photo_id: int, *, to_top: bool = False) -> None:
        """Put the cursor on the photo; ``to_top``: scroll so that its row (with its section's
        header, on the section's first row) is the first line of the grid."""
        pos = self.model.position_of(photo_id)
        if pos is None:
            return
        self.cursor = pos
        if to_top:
            top, _bottom = self._layout.span(pos)
            self.scroll_to(y=top, animate=False)  # after the cursor watcher's own scroll

    def refresh_photo(self, photo_id: int) -> None:
        """Re-read one photo (rating, rotation...) and repaint only its tile."""
        pos = self.model.position_of(photo_id)
        if pos is None:
            return
        self._tiles.pop(pos, None)
        self._refresh_tile(pos, caption_only=False)

    @on(PhotosEdited)
    def _photos_edited(self, message: PhotosEdited) -> None:
        """Repaint the tiles of edited photos (every remembered tile that changed, when the
        photos are not known). A view that runs again gives the grid a new model anyway."""
        if message.ids is None:
            self.refresh_changed()
        else:
            for photo_id in message.ids:
                self.refresh_photo(photo_id)

    def refresh_changed(self) -> int:
        """After edits whose photos are not known (undo, another session's edits): repaint
        the remembered tiles whose photo (rating, tags, rotation...) changed, and forget the
        lines off screen so they are built afresh. Returns how many tiles were repainted."""
        moved, changed = stale_tiles(self._tiles, self.model)
        for pos in moved + changed:
            del self._tiles[pos]
        for pos in changed:
            self._refresh_tile(pos, caption_only=False)
        y = self.scroll_offset.y
        height = self.scrollable_content_region.height or self.size.height
        for line in [n for n in self._lines if not y <= n < y + height]:
            del self._lines[line]
        return len(changed)

    def cursor_photo_id(self) -> int | None:
        if not len(self.model):
            return None
        return self.model.photo_id(min(self.cursor, len(self.model) - 1))

    def selection_or_cursor(self) -> list[int]:
        if self.selected:
            return sorted(self.selected, key=lambda i: self.model.position_of(i) or 0)
        current = self.cursor_photo_id()
        return [] if current is None else [current]

    def tile_error(self, photo_id: int) -> str:
        """Why a photo's thumbnail failed ('' when it did not), for the info panel."""
        pos = self.model.position_of(photo_id)
        if pos is None:
            return ""
        return self._loader.errors.get(self._tile(pos).key, "")

    def loaded_on_screen(self) -> tuple[int, int]:
        """(tiles on screen that are drawn final - picture, error or placeholder - , tiles on
        screen). Equal once the screen is complete; the bench and tests wait for it."""
        first, last = self._visible_range()
        done = 0
        for pos in range(first, last + 1):
            if self._loader.is_final((self._tile(pos).key, self.color, self._background())):
                done += 1
        return done, max(0, last - first + 1)

    # ------------------------------------------------------------------ layout

    def _content_width(self) -> int:
        return max(1, self.scrollable_content_region.width or self.size.width or 80)

    def _reflow(self, repaint: bool = True) -> None:
        self._layout = GridLayout(
            len(self.model),
            self.model.sections(),
            self._content_width(),
            TILE_SIZES[self.tile_size],
        )
        self._lines.clear()
        self.virtual_size = Size(self._content_width(), self._layout.height)
        if repaint:
            self.refresh()

    def render_lines(self, crop: Region) -> list[Strip]:
        # Textual draws a widget as soon as it has a size, and tells it of that size (the
        # Resize event) only afterwards: lay the tiles out for the size they are drawn at,
        # or the first frame shows them laid out for no size and the next moves them all.
        if self.size.width and self._layout_width() != self._content_width():
            self._reflow(repaint=False)
            self._ensure_visible(center=True, immediate=True)
        return super().render_lines(crop)

    def on_resize(self, event: events.Resize) -> None:
        if self._layout.count != len(self.model) or self._layout_width() != self._content_width():
            self._reflow()
            self._ensure_visible(center=True)

    def _layout_width(self) -> int:
        return self.virtual_size.width

    def on_mount(self) -> None:
        self.watch(self.app, "theme", self._theme_changed, init=False)
        self._reflow()

    def on_unmount(self) -> None:
        self.thumbnails.cancel_except(())

    def get_line_filters(self) -> Sequence[LineFilter]:
        """The app's filters minus ANSIToTruecolor: our segments already carry truecolor,
        palette or theme colours, and converting each of ~5,000 segments per screen costs
        about half of a full repaint. Monochrome (NO_COLOR) and dimming still apply."""
        return [f for f in super().get_line_filters() if not isinstance(f, ANSIToTruecolor)]

    def _theme_changed(self) -> None:
        self._bg = None
        self._lines.clear()
        self.refresh()

    def validate_tile_size(self, value: str) -> str:
        return value if value in TILE_SIZES else "medium"

    def watch_tile_size(self) -> None:
        self._tiles.clear()
        self._loader.reset()
        self._reflow()
        self._ensure_visible(center=True)

    def validate_cursor(self, value: int) -> int:
        return max(0, min(int(value), len(self.model) - 1)) if len(self.model) else 0

    def watch_cursor(self, old: int, new: int) -> None:
        if old != new:
            self._refresh_tile(old, caption_only=True)
            self._refresh_tile(new, caption_only=True)
        self._ensure_visible()
        self.post_message(self.CursorMoved(self.cursor_photo_id(), new))

    def _set_cursor(self, pos: int) -> None:
        # set without the watcher (used when the whole grid repaints anyway)
        self.set_reactive(ThumbnailGrid.cursor, self.validate_cursor(pos))

    def _ensure_visible(self, center: bool = False, immediate: bool = False) -> None:
        if not len(self.model) or not self.size.height:
            return
        top, bottom = self._layout.span(self.cursor)
        height = self.scrollable_content_region.height or self.size.height
        y = self.scroll_offset.y
        if center and not (y <= top and bottom <= y + height):
            y = max(0, top - max(0, (height - (bottom - top)) // 2))
        elif top < y:
            y = top
        elif bottom > y + height:
            # the smallest scroll that shows the whole tile (its top, if it is taller)
            y = bottom - height if bottom - top <= height else top
        else:
            return
        self.scroll_to(y=y, animate=False, immediate=immediate)

    # ------------------------------------------------------------------ rendering

    def _background(self) -> tuple[int, int, int]:
        if self._bg is None:
            color = self.background_colors[1]
            self._bg = (color.r, color.g, color.b)
        return self._bg

    def _tile(self, pos: int) -> Tile:
        tile = self._tiles.get(pos)
        if tile is None:
            w, rows = TILE_SIZES[self.tile_size]
            tile = self._tiles[pos] = Tile.of(self.model, pos, (w, rows * 2))
            while len(self._tiles) > TILE_CACHE:
                self._tiles.popitem(last=False)
        else:
            self._tiles.move_to_end(pos)
        return tile

    def render_line(self, y: int) -> Strip:
        line = y + self.scroll_offset.y
        strip = self._lines.get(line)
        if strip is not None:
            self._lines.move_to_end(line)
            return strip
        strip = self._build_line(line)
        self._lines[line] = strip
        while len(self._lines) > LINE_CACHE:
            self._lines.popitem(last=False)
        return strip

    def _build_line(self, line: int) -> Strip:
        width = self._content_width()
        base = self.rich_style
        layout = self._layout
        if line >= layout.height or not layout.sections:
            if line == 1 and self._empty_text and not len(self.model):
                style = self.get_component_rich_style("thumbnail-grid--caption")
                text = self._empty_text
                if cell_len(text) > width - 2:
                    text = set_cell_size(text, max(1, width - 3)) + "…"
                left = max(0, (width - cell_len(text)) // 2)
                right = max(0, width - left - cell_len(text))
                return Strip(
                    [Segment(" " * left, base), Segment(text, style), Segment(" " * right, base)],
                    width,
                )
            return Strip([Segment(" " * width, base)], width)
        s, row, within = layout.at_line(line)
        label, start, n = layout.sections[s]
        if row < 0:
            header = self.get_component_rich_style("thumbnail-grid--header")
            text = set_cell_size(" " * max(1, layout.left) + safe(label), width)
            return Strip([Segment(text, header)], width)
        if within > layout.thumb_rows:
            return Strip([Segment(" " * width, base)], width)
        segments: list[Segment] = [Segment(" " * layout.left, base)] if layout.left else []
        first = layout.row_start(s, row)
        last = min(first + layout.cols, start + n)
        gap = Segment(" " * GAP_X, base)
        for pos in range(first, last):
            if pos > first:
                segments.append(gap)
            if within < layout.thumb_rows:
                segments.extend(self._thumb_line(pos, within))
            else:
                segments.extend(self._caption(pos))
        used = layout.left + (last - first) * (layout.tile_w + GAP_X) - GAP_X
        if used < width:
            segments.append(Segment(" " * (width - used), base))
        return Strip(segments, max(width, used))

    def _thumb_line(self, pos: int, row: int) -> list[Segment]:
        segments = self._picture_line(pos, row)
        if self._tile(pos).photo_id in self.selected:
            return self._framed(segments, row)
        return segments

    def _framed(self, segments: list[Segment], row: int) -> list[Segment]:
        """A selected tile's picture row inside a frame: a selection seen at a glance, not
        only by the ✓ of its caption."""
        w, rows = TILE_SIZES[self.tile_size]
        style = self.get_component_rich_style("thumbnail-grid--frame")
        if row == 0:
            return [Segment("┏" + "━" * (w - 2) + "┓", style)]
        if row == rows - 1:
            return [Segment("┗" + "━" * (w - 2) + "┛", style)]
        inside = list(Strip(segments, w).crop(1, w - 1))
        return [Segment("┃", style), *inside, Segment("┃", style)]

    def _picture_line(self, pos: int, row: int) -> list[Segment]:
        tile = self._tile(pos)
        cells_key = (tile.key, self.color, self._background())
        cells = self._cells.get(cells_key)
        if cells is not None:
            return cells[row]
        key = tile.key
        loader = self._loader
        if tile.photo is REMOVED_PHOTO:
            return self._placeholder(row, "error", REMOVED)
        if key in loader.errors:
            # What the index found wrong with the file, as `phototerm index` says it, else
            # why its picture could not be made.
            return self._placeholder(row, "error", tile.photo.error or loader.errors[key])
        if key in loader.blank:
            kind = "video" if tile.photo.kind == VIDEO else "blank"
            return self._placeholder(row, kind, loader.notes.get(key, ""))
        if key not in loader.waiting:
            size = TILE_SIZES[self.tile_size]
            cells = loader.from_cache(tile, pos, size, self._background(), self.color)
            if cells is not None:
                return cells[row]
            self._schedule_soon()
        return self._placeholder(row, "video" if tile.photo.kind == VIDEO else "loading")

    def _placeholder(self, row: int, kind: str, note: str = "") -> list[Segment]:
        style = self.get_component_rich_style(
            "thumbnail-grid--error" if kind == "error" else "thumbnail-grid--placeholder"
        )
        return [Segment(placeholder_text(kind, row, TILE_SIZES[self.tile_size], note), style)]

    def _caption(self, pos: int) -> list[Segment]:
        tile = self._tile(pos)
        is_cursor = pos == self.cursor
        selected = tile.photo_id in self.selected
        if is_cursor:
            style = self.get_component_rich_style("thumbnail-grid--cursor")
        elif selected:
            style = self.get_component_rich_style("thumbnail-grid--selected")
        else:
            style = self.get_component_rich_style("thumbnail-grid--caption")
        left, right = caption_text(
            tile.photo,
            TILE_SIZES[self.tile_size][0],
            selected=selected,
            failed=tile.key in self._loader.errors,
        )
        if not right:
            return [Segment(left, style)]
        rating_style = style if is_cursor else style + self._marks_style(tile.photo)
        return [Segment(left, style), Segment(right, rating_style)]

    def _marks_style(self, photo: Photo) -> Style:
        marks = "reject" if photo.rating == REJECTED else "rating"
        return self.get_component_rich_style(f"thumbnail-grid--{marks}", partial=True)

    # ------------------------------------------------------------------ partial repaints

    def _refresh_tile(self, pos: int, caption_only: bool) -> None:
        """Drop and repaint only this tile's lines (its region, not its neighbours)."""
        if not (0 <= pos < len(self.model)):
            return
        x, first, last = self._layout.tile_lines(pos, caption_only)
        for line in range(first, last + 1):
            self._lines.pop(line, None)
        y = self.scroll_offset.y
        height = self.scrollable_content_region.height or self.size.height
        if last < y or first >= y + height:
            return  # off screen: dropping the cached lines is all it needs
        self.refresh(Region(x, first - y, self._layout.tile_w, last - first + 1))

    def _selection_changed(self, before: set[int]) -> None:
        """Repaint the tiles on screen whose selection changed (their frame and ✓), nothing
        else; lines off screen are forgotten, built afresh when shown."""
        changed = before ^ self.selected
        y = self.scroll_offset.y
        height = self.scrollable_content_region.height or self.size.height
        for line in [n for n in self._lines if not y <= n < y + height]:
            del self._lines[line]
        first, last = self._visible_range()
        for pos in range(first, last + 1):
            if self.model.photo_id(pos) in changed:
                self._refresh_tile(pos, caption_only=False)

    # ------------------------------------------------------------------ background loading

    def _schedule_soon(self) -> None:
        if not self._schedule_pending:
            self._schedule_pending = True
            # after the paint: visible tiles found in the caches were drawn synchronously by
            # then, so only the misses go to the workers
            self.call_after_refresh(self._schedule)

    def _visible_range(self) -> tuple[int, int]:
        return self._layout.visible_range(self.scroll_offset.y, self.size.height)

    def _schedule(self) -> None:
        """Request the visible tiles first (screen order), then a page below and one above."""
        self._schedule_pending = False
        if not len(self.model):
            return
        first, last = self._visible_range()
        size, background = TILE_SIZES[self.tile_size], self._background()
        self._loader.request(first, last, len(self.model), self._tile, size, background, self.color)

    def _deliver(self, key: str, cells: list | None, error: str) -> None:
        # Called on a worker thread (post_message is thread-safe).
        self.post_message(self.ThumbnailReady(key, cells, error))

    def on_thumbnail_grid_thumbnail_ready(self, message: ThumbnailReady) -> None:
        cells_key = (message.key, self.color, self._background())
        pos = self._loader.received(message.key, message.cells, message.error, cells_key)
        if pos is None or pos >= len(self.model) or self._tile(pos).key != message.key:
            return
        self._refresh_tile(pos, caption_only=False)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if round(old) != round(new):
            self._schedule_soon()

    # ------------------------------------------------------------------ actions

    def _page_rows(self) -> int:
        height = self.scrollable_content_region.height or self.size.height or 1
        return max(1, height // self._layout.tile_h)

    def action_cursor_up(self) -> None:
        if len(self.model):
            self.cursor = self._layout.step_row(self.cursor, -1)

    def action_cursor_down(self) -> None:
        if len(self.model):
            self.cursor = self._layout.step_row(self.cursor, 1)

    def action_cursor_left(self) -> None:
        self.cursor = self.cursor - 1

    def action_cursor_right(self) -> None:
        self.cursor = self.cursor + 1

    def action_cursor_page(self, direction: int) -> None:
        """Move a screen of rows and scroll by the same amount (the cursor keeps its place)."""
        if not len(self.model):
            return
        rows = self._page_rows()
        old_top = self._layout.origin(self.cursor)[1]
        target = self._layout.step_row(self.cursor, rows * direction)
        new_top = self._layout.origin(target)[1]
        self.scroll_to(y=max(0, self.scroll_offset.y + new_top - old_top), animate=False)
        self.cursor = target

    def action_cursor_first(self) -> None:
        self.cursor = 0

    def action_cursor_last(self) -> None:
        self.cursor = len(self.model) - 1

    def action_activate(self) -> None:
        photo_id = self.cursor_photo_id()
        if photo_id is not None:
            self.post_message(self.Activated(photo_id, self.cursor))

    def action_tile_bigger(self) -> None:
        index = SIZE_ORDER.index(self.tile_size)
        self.tile_size = SIZE_ORDER[min(index + 1, len(SIZE_ORDER) - 1)]

    def action_tile_smaller(self) -> None:
        index = SIZE_ORDER.index(self.tile_size)
        self.tile_size = SIZE_ORDER[max(index - 1, 0)]

    def action_toggle_select(self) -> None:
        photo_id = self.cursor_photo_id()
        if photo_id is None:
            return
        if photo_id in self.selected:
            self.selected.discard(photo_id)
        else:
            self.selected.add(photo_id)
        self._anchor = photo_id
        self._refresh_tile(self.cursor, caption_only=False)  # its frame and its ✓
        self.post_message(self.SelectionChanged(len(self.selected)))

    def action_extend_select(self) -> None:
        anchor = self.model.position_of(self._anchor) if self._anchor is not None else None
        if anchor is None:
            self.action_toggle_select()
            return
        low, high = sorted((anchor, self.cursor))
        before = set(self.selected)
        self.selected.update(self.model.photo_id(p) for p in range(low, high + 1))
        self._anchor = self.cursor_photo_id()
        self._selection_changed(before)
        self.post_message(self.SelectionChanged(len(self.selected)))

    def action_select_all(self) -> None:
        before = self.selected
        self.selected = {self.model.photo_id(p) for p in range(len(self.model))}
        self._selection_changed(before)
        self.post_message(self.SelectionChanged(len(self.selected)))

    def action_clear_selection(self) -> None:
        if not self.selected:
            raise SkipAction()  # nothing to clear: let Escape reach the screen/app
        before, self.selected = self.selected, set()
        self._anchor = None
        self._selection_changed(before)
        self.post_message(self.SelectionChanged(0))

    # ------------------------------------------------------------------ mouse

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        pos = self._layout.pos_at(offset.x + self.scroll_offset.x, offset.y + self.scroll_offset.y)
        if pos is None:
            return
        self.focus()
        self.cursor = pos
        if event.chain >= 2:
            self.action_activate()
