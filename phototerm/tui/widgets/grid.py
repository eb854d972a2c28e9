"""The virtual thumbnail grid: Toolong's LogLines pattern in two dimensions.

Nothing here is a widget per photo. ``_Layout`` maps lines to (section, tile row) and positions
to tile origins in O(log sections); ``render_line`` builds one screen line from per-tile
segments and keeps the Strips in an LRU. Changing the cursor re-renders two caption lines;
a thumbnail arriving re-renders that tile's own region only, so the terminal gets only what
changed (a full repaint is the price of a scroll, never of a key that does not scroll).

Thumbnails are decoded on the ThumbnailService's threads and turned into segments there too;
they reach the UI thread as messages (``post_message`` is thread-safe).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Sequence
from typing import ClassVar, Protocol

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
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

# (thumbnail columns, thumbnail rows) per tile size; a row of cells shows two pixels.
TILE_SIZES: dict[str, tuple[int, int]] = {"small": (16, 6), "medium": (24, 9), "large": (38, 14)}
SIZE_ORDER = ("small", "medium", "large")
GAP_X = 1  # blank columns between tiles
GAP_Y = 1  # blank lines below each tile row
LINE_CACHE = 800  # rendered screen lines kept (about 16 screens)
TILE_CACHE = 3000  # tiles whose photo/caption is remembered


class GridModel(Protocol):
    """What the grid shows; the app builds it from Index.search + Index.group. A model may
    also offer ``rotation(pos) -> int`` (the store's view rotation); the grid uses it if so."""

    def __len__(self) -> int: ...
    def sections(self) -> Sequence: ...  # library.index.Group: label, start, count
    def photo_id(self, pos: int) -> int: ...
    def photo(self, pos: int) -> Photo: ...
    def position_of(self, photo_id: int) -> int | None: ...


class _Empty:
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


class _Layout:
    """Sections stacked vertically: a header line (when labelled), then rows of tiles."""

    def __init__(self, count: int, groups: Sequence, width: int, tile: tuple[int, int]) -> None:
        self.tile_w, self.thumb_rows = tile
        self.cols = max(1, (width + GAP_X) // (self.tile_w + GAP_X))
        self.tile_h = self.thumb_rows + 1 + GAP_Y  # thumbnail rows, caption, gap
        self.count = count
        # (label or None, start position, count); contiguous and covering [0, count).
        self.sections: list[tuple[str | None, int, int]] = []
        expected = 0
        for group in groups:
            start, n = int(group.start), int(group.count)
            if n <= 0 or start < expected or start >= count:
                continue
            if start > expected:
                self.sections.append((None, expected, start - expected))
            n = min(n, count - start)
            self.sections.append((str(group.label), start, n))
            expected = start + n
        if expected < count:
            self.sections.append((None, expected, count - expected))
        self.sec_pos = [s[1] for s in self.sections]
        self.sec_line: list[int] = []
        line = 0
        for label, _start, n in self.sections:
            self.sec_line.append(line)
            line += (label is not None) + (-(-n // self.cols)) * self.tile_h
        self.height = line

    def _header(self, index: int) -> int:
        return 1 if self.sections[index][0] is not None else 0

    def section_of(self, pos: int) -> int:
        return bisect_right(self.sec_pos, pos) - 1

    def origin(self, pos: int) -> tuple[int, int]:
        """(x, first line) of the tile at ``pos``."""
        s = self.section_of(pos)
        row, col = divmod(pos - self.sections[s][1], self.cols)
        return col * (self.tile_w + GAP_X), self.sec_line[s] + self._header(s) + row * self.tile_h

    def at_line(self, y: int) -> tuple[int, int, int]:
        """(section, tile row or -1 for the header, line within the tile row)."""
        s = max(0, bisect_right(self.sec_line, y) - 1)
        offset = y - self.sec_line[s] - self._header(s)
        if offset < 0:
            return s, -1, 0
        row, line = divmod(offset, self.tile_h)
        return s, row, line

    def row_start(self, section: int, row: int) -> int:
        return self.sections[section][1] + row * self.cols

    def pos_at(self, x: int, y: int) -> int | None:
        if not self.sections or y < 0 or y >= self.height:
            return None
        s, row, line = self.at_line(y)
        col, within = divmod(x, self.tile_w + GAP_X)
        if row < 0 or line > self.thumb_rows or within >= self.tile_w or col >= self.cols:
            return None
        pos = self.row_start(s, row) + col
        _label, start, n = self.sections[s]
        return pos if pos < start + n else None

    def rows_in(self, section: int) -> int:
        return -(-self.sections[section][2] // self.cols)

    def step_row(self, pos: int, delta: int) -> int:
        """The tile ``delta`` rows up/down in the same column (clamped to shorter rows)."""
        s = self.section_of(pos)
        row, col = divmod(pos - self.sections[s][1], self.cols)
        while delta:
            step = 1 if delta > 0 else -1
            row += step
            if row < 0:
                if s == 0:
                    return self.sections[0][1] + col if self.sections else 0
                s -= 1
                row = self.rows_in(s) - 1
            elif row >= self.rows_in(s):
                if s == len(self.sections) - 1:
                    return self.count - 1
                s += 1
                row = 0
            delta -= step
        _label, start, n = self.sections[s]
        return min(start + row * self.cols + col, start + n - 1)


class _Tile:
    __slots__ = ("key", "photo", "photo_id", "rotation")

    def __init__(self, photo_id: int, photo: Photo, key: str, rotation: int) -> None:
        self.photo_id = photo_id
        self.photo = photo
        self.key = key
        self.rotation = rotation


class ThumbnailGrid(ScrollView, can_focus=True):
    """A grid of photo thumbnails over a GridModel, for 100,000+ photos."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", id="grid.up", tooltip="Move up a row", show=False),
        Binding("down,j", "cursor_down", "Down", id="grid.down", tooltip="Move down a row", show=False),
        Binding("left,h", "cursor_left", "Left", id="grid.left", tooltip="Previous photo", show=False),
        Binding("right,l", "cursor_right", "Right", id="grid.right", tooltip="Next photo", show=False),
        Binding("pageup", "cursor_page(-1)", "Page up", id="grid.page_up", tooltip="Up one screen", show=False),
        Binding("pagedown", "cursor_page(1)", "Page down", id="grid.page_down", tooltip="Down one screen", show=False),
        Binding("home,g", "cursor_first", "First", id="grid.first", tooltip="First photo", show=False),
        Binding("end,G", "cursor_last", "Last", id="grid.last", tooltip="Last photo", show=False),
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
        "thumbnail-grid--header",
        "thumbnail-grid--placeholder",
        "thumbnail-grid--error",
        "thumbnail-grid--rating",
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
    ThumbnailGrid > .thumbnail-grid--header { color: $text-primary; text-style: bold; }
    ThumbnailGrid > .thumbnail-grid--placeholder { background: $panel; color: $text-muted; }
    ThumbnailGrid > .thumbnail-grid--error { background: $error 25%; color: $text-error; }
    ThumbnailGrid > .thumbnail-grid--rating { color: $text-warning; }
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
        self.model: GridModel = _Empty()
        self.selected: set[int] = set()
        self._anchor: int | None = None  # photo id of the last toggled tile (for ``v``)
        self._layout = _Layout(0, (), 80, TILE_SIZES["medium"])
        self._lines: OrderedDict[int, Strip] = OrderedDict()
        self._tiles: OrderedDict[int, _Tile] = OrderedDict()
        self._cells = pixels.StripCache()
        self._errors: dict[str, str] = {}
        self._blank: set[str] = set()  # no picture and no error (videos, RAW for now)
        self._waiting: dict[str, int] = {}  # key -> position, for results in flight
        self._schedule_pending = False
        self._bg: tuple[int, int, int] | None = None
        self._callback: tuple[tuple, object] | None = None
        self.set_reactive(
            ThumbnailGrid.tile_size, tile_size if tile_size in TILE_SIZES else "medium"
        )

    # ------------------------------------------------------------------ public API

    def set_model(self, model: GridModel, *, keep_photo: bool = True) -> None:
        """Show ``model``; keep the cursor on the same photo when it is still there."""
        keep = self.cursor_photo_id() if keep_photo else None
        self.model = model
        if self.selected:
            self.selected = {i for i in self.selected if model.position_of(i) is not None}
        self._tiles.clear()
        self._reflow()
        pos = model.position_of(keep) if keep is not None else None
        self._set_cursor(pos if pos is not None else min(self.cursor, max(0, len(model) - 1)))
        self._ensure_visible(center=True)
        self.post_message(self.CursorMoved(self.cursor_photo_id(), self.cursor))

    def move_to_photo(self, photo_id: int) -> None:
        pos = self.model.position_of(photo_id)
        if pos is not None:
            self.cursor = pos

    def refresh_photo(self, photo_id: int) -> None:
        """Re-read one photo (rating, rotation...) and repaint only its tile."""
        pos = self.model.position_of(photo_id)
        if pos is None:
            return
        self._tiles.pop(pos, None)
        self._refresh_tile(pos, caption_only=False)

    def refresh_changed(self) -> int:
        """After edits whose photos are not known (undo, another session's edits): repaint
        the remembered tiles whose photo (rating, tags, rotation...) changed, and forget the
        lines off screen so they are built afresh. Returns how many tiles were repainted."""
        changed = 0
        rotation_of = getattr(self.model, "rotation", None)
        for pos, tile in list(self._tiles.items()):
            if pos >= len(self.model) or self.model.photo_id(pos) != tile.photo_id:
                self._tiles.pop(pos, None)
                continue
            rotation = int(rotation_of(pos)) if callable(rotation_of) else tile.rotation
            if rotation != tile.rotation or self.model.photo(pos) != tile.photo:
                self._tiles.pop(pos, None)
                self._refresh_tile(pos, caption_only=False)
                changed += 1
        y = self.scroll_offset.y
        height = self.scrollable_content_region.height or self.size.height
        for line in [n for n in self._lines if not y <= n < y + height]:
            del self._lines[line]
        return changed

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
        return self._errors.get(self._tile(pos).key, "")

    def loaded_on_screen(self) -> tuple[int, int]:
        """(tiles on screen that are drawn final - picture, error or placeholder - , tiles on
        screen). Equal once the screen is complete; the bench and tests wait for it."""
        first, last = self._visible_range()
        done = 0
        for pos in range(first, last + 1):
            key = self._tile(pos).key
            if (
                (key, self.color, self._background()) in self._cells
                or key in self._errors
                or key in self._blank
            ):
                done += 1
        return done, max(0, last - first + 1)

    # ------------------------------------------------------------------ layout

    def _content_width(self) -> int:
        return max(1, self.scrollable_content_region.width or self.size.width or 80)

    def _reflow(self) -> None:
        self._layout = _Layout(
            len(self.model),
            self.model.sections(),
            self._content_width(),
            TILE_SIZES[self.tile_size],
        )
        self._lines.clear()
        self.virtual_size = Size(self._content_width(), self._layout.height)
        self.refresh()

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
        self._errors.clear()
        self._blank.clear()
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

    def _ensure_visible(self, center: bool = False) -> None:
        if not len(self.model) or not self.size.height:
            return
        _x, top = self._layout.origin(self.cursor)
        height = self.scrollable_content_region.height or self.size.height
        bottom = top + self._layout.thumb_rows + 1  # through the caption line
        s = self._layout.section_of(self.cursor)
        if self.cursor - self._layout.sections[s][1] < self._layout.cols:
            top = self._layout.sec_line[s]  # first row: show the section header too
        y = self.scroll_offset.y
        if center and not (y <= top and bottom <= y + height):
            self.scroll_to(y=max(0, top - max(0, (height - (bottom - top)) // 2)), animate=False)
        elif top < y:
            self.scroll_to(y=top, animate=False)
        elif bottom > y + height:
            # the smallest scroll that shows the whole tile (its top, if it is taller)
            self.scroll_to(y=bottom - height if bottom - top <= height else top, animate=False)

    # ------------------------------------------------------------------ rendering

    def _background(self) -> tuple[int, int, int]:
        if self._bg is None:
            color = self.background_colors[1]
            self._bg = (color.r, color.g, color.b)
        return self._bg

    def _tile(self, pos: int) -> _Tile:
        tile = self._tiles.get(pos)
        if tile is None:
            photo_id = self.model.photo_id(pos)
            photo = self.model.photo(pos)
            rotation_of = getattr(self.model, "rotation", None)
            rotation = (
                int(rotation_of(pos)) if callable(rotation_of) else getattr(photo, "rotation", 0)
            )
            w, rows = TILE_SIZES[self.tile_size]
            key = ThumbnailService.key(photo, (w, rows * 2), rotation or 0)
            tile = self._tiles[pos] = _Tile(photo_id, photo, key, rotation or 0)
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
            return Strip([Segment(" " * width, base)], width)
        s, row, within = layout.at_line(line)
        label, start, n = layout.sections[s]
        if row < 0:
            header = self.get_component_rich_style("thumbnail-grid--header")
            text = set_cell_size(" " + safe(label), width)
            return Strip([Segment(text, header)], width)
        if within > layout.thumb_rows:
            return Strip([Segment(" " * width, base)], width)
        segments: list[Segment] = []
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
        used = (last - first) * (layout.tile_w + GAP_X) - GAP_X
        if used < width:
            segments.append(Segment(" " * (width - used), base))
        return Strip(segments, max(width, used))

    def _thumb_line(self, pos: int, row: int) -> list[Segment]:
        tile = self._tile(pos)
        cells_key = (tile.key, self.color, self._background())
        cells = self._cells.get(cells_key)
        if cells is not None:
            return cells[row]
        key = tile.key
        if key in self._errors:
            return self._placeholder(row, "error")
        if key in self._blank:
            return self._placeholder(row, "video" if tile.photo.kind == VIDEO else "blank")
        if key not in self._waiting:
            w, rows = TILE_SIZES[self.tile_size]
            image = None
            if tile.photo.kind != VIDEO:
                image = self.thumbnails.get_cached(tile.photo, (w, rows * 2), tile.rotation)
            if image is not None:
                cells = pixels.render_cells(image, (w, rows), self._background(), self.color)
                self._cells.put(cells_key, cells)
                return cells[row]
            self._waiting[key] = pos
            self._schedule_soon()
        return self._placeholder(row, "video" if tile.photo.kind == VIDEO else "loading")

    def _placeholder(self, row: int, kind: str) -> list[Segment]:
        w, rows = TILE_SIZES[self.tile_size]
        style = self.get_component_rich_style(
            "thumbnail-grid--error" if kind == "error" else "thumbnail-grid--placeholder"
        )
        middle = rows // 2
        text = ""
        if kind == "video":
            if row in (0, rows - 1):
                return [Segment(("▪ " * w)[:w], style)]  # film-strip sprocket holes
            text = "▶" if row == middle else ""
        elif kind == "error":
            text = {middle - 1: "⚠", middle: "unreadable"}.get(row, "")
        elif kind == "loading":
            text = "…" if row == middle else ""
        elif kind == "blank":
            text = "no preview" if row == middle else ""
        return [Segment(set_cell_size(text.center(w), w), style)]

    def _caption(self, pos: int) -> list[Segment]:
        tile = self._tile(pos)
        photo = tile.photo
        w = TILE_SIZES[self.tile_size][0]
        is_cursor = pos == self.cursor
        selected = tile.photo_id in self.selected
        if is_cursor:
            style = self.get_component_rich_style("thumbnail-grid--cursor")
        elif selected:
            style = self.get_component_rich_style("thumbnail-grid--selected")
        else:
            style = self.get_component_rich_style("thumbnail-grid--caption")
        marks = ""
        if photo.rating == REJECTED:
            marks = "✗"
        elif photo.rating > 0:
            marks = "★" * min(5, photo.rating)
        kind = ""
        if photo.error or tile.key in self._errors:
            kind = "⚠"
        elif photo.kind == VIDEO:
            kind = "▶"
        elif photo.is_raw:
            kind = "RAW"
        right = (" " + marks if marks else "") + (" " + kind if kind else "")
        left = ("✓" if selected else " ") + safe(photo.name)
        room = max(1, w - cell_len(right))
        if cell_len(left) > room:
            left = set_cell_size(left, room - 1) + "…"
        left = set_cell_size(left, room)
        out = [Segment(left, style)]
        if right:
            rating_style = style if is_cursor else style + self._rating_style()
            out.append(Segment(set_cell_size(right, w - room), rating_style))
        return out

    def _rating_style(self) -> Style:
        return self.get_component_rich_style("thumbnail-grid--rating", partial=True)

    # ------------------------------------------------------------------ partial repaints

    def _refresh_tile(self, pos: int, caption_only: bool) -> None:
        """Drop and repaint only this tile's lines (its region, not its neighbours)."""
        if not (0 <= pos < len(self.model)):
            return
        x, top = self._layout.origin(pos)
        first = top + (self._layout.thumb_rows if caption_only else 0)
        last = top + self._layout.thumb_rows
        for line in range(first, last + 1):
            self._lines.pop(line, None)
        y = self.scroll_offset.y
        height = self.scrollable_content_region.height or self.size.height
        if last < y or first >= y + height:
            return  # off screen: dropping the cached lines is all it needs
        self.refresh(Region(x, first - y, self._layout.tile_w, last - first + 1))

    def _refresh_captions(self) -> None:
        """Selection changed: repaint the visible caption lines only."""
        layout = self._layout
        y0 = self.scroll_offset.y
        for line in range(y0, y0 + self.size.height):
            _s, row, within = layout.at_line(line) if line < layout.height else (0, -1, 0)
            if row >= 0 and within == layout.thumb_rows:
                self._lines.pop(line, None)
                self.refresh(Region(0, line - y0, self._content_width(), 1))

    # ------------------------------------------------------------------ background loading

    def _schedule_soon(self) -> None:
        if not self._schedule_pending:
            self._schedule_pending = True
            # after the paint: visible tiles found in the caches were drawn synchronously by
            # then, so only the misses go to the workers
            self.call_after_refresh(self._schedule)

    def _visible_range(self) -> tuple[int, int]:
        layout = self._layout
        if not layout.sections:
            return 0, -1
        y0 = self.scroll_offset.y
        y1 = min(layout.height - 1, y0 + max(1, self.size.height) - 1)
        first = self._pos_near(y0, start=True)
        last = self._pos_near(y1, start=False)
        return first, last

    def _pos_near(self, line: int, start: bool) -> int:
        s, row, _within = self._layout.at_line(max(0, line))
        _label, begin, n = self._layout.sections[s]
        row = max(0, row)
        if start:
            return min(self._layout.row_start(s, row), begin + n - 1)
        return min(self._layout.row_start(s, row) + self._layout.cols, begin + n) - 1

    def _schedule(self) -> None:
        """Request visible tiles first (screen order), then one page below, then one above."""
        self._schedule_pending = False
        n = len(self.model)
        if not n:
            return
        first, last = self._visible_range()
        page = last - first + 1
        order = list(range(first, last + 1))
        order += range(last + 1, min(n, last + 1 + page))
        order += range(first - 1, max(-1, first - 1 - page), -1)
        wanted: list[str] = []
        w, rows = TILE_SIZES[self.tile_size]
        box = (w, rows * 2)
        for priority, pos in enumerate(order):
            tile = self._tile(pos)
            key = tile.key
            if (key, self.color, self._background()) in self._cells:
                continue
            if key in self._errors or key in self._blank:
                continue
            wanted.append(key)
            self._waiting[key] = pos
            self.thumbnails.request(tile.photo, box, priority, self._make_callback(), tile.rotation)
        self.thumbnails.cancel_except(wanted)
        keep = set(wanted)
        for key in [k for k in self._waiting if k not in keep]:
            del self._waiting[key]

    def _make_callback(self):
        """One callback per (tile size, background, colour mode), so that re-requesting a
        queued tile only changes its priority (the service drops a repeated callback)."""
        size = TILE_SIZES[self.tile_size]
        background = self._background()
        color = self.color
        config = (size, background, color)
        if self._callback is not None and self._callback[0] == config:
            return self._callback[1]

        def done(key: str, image, error: str) -> None:
            # Runs on a worker thread: the pixel work happens here, off the UI thread.
            cells = None
            if image is not None:
                cells = pixels.render_cells(image, size, background, color)
            self.post_message(self.ThumbnailReady(key, cells, error))

        self._callback = (config, done)
        return done

    def on_thumbnail_grid_thumbnail_ready(self, message: ThumbnailReady) -> None:
        pos = self._waiting.pop(message.key, None)
        if message.cells is not None:
            self._cells.put((message.key, self.color, self._background()), message.cells)
        elif message.error:
            self._errors[message.key] = message.error
        else:
            self._blank.add(message.key)
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
        self._refresh_tile(self.cursor, caption_only=True)
        self.post_message(self.SelectionChanged(len(self.selected)))

    def action_extend_select(self) -> None:
        anchor = self.model.position_of(self._anchor) if self._anchor is not None else None
        if anchor is None:
            self.action_toggle_select()
            return
        low, high = sorted((anchor, self.cursor))
        self.selected.update(self.model.photo_id(p) for p in range(low, high + 1))
        self._anchor = self.cursor_photo_id()
        self._refresh_captions()
        self.post_message(self.SelectionChanged(len(self.selected)))

    def action_select_all(self) -> None:
        self.selected = {self.model.photo_id(p) for p in range(len(self.model))}
        self._refresh_captions()
        self.post_message(self.SelectionChanged(len(self.selected)))

    def action_clear_selection(self) -> None:
        if not self.selected:
            raise SkipAction()  # nothing to clear: let Escape reach the screen/app
        self.selected.clear()
        self._anchor = None
        self._refresh_captions()
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
