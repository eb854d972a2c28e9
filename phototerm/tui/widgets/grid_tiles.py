"""What one tile of the thumbnail grid shows: its photo, its picture, its caption.

``Tile`` remembers a position's photo and thumbnail key; ``caption_text`` and
``placeholder_text`` lay out a tile's text (the grid adds the theme's styles); ``TileLoader``
asks the ThumbnailService for the pictures the screen needs and remembers how each ended
(drawn cells, an error, or nothing to show). Pictures are turned into segments on the
service's worker threads; results reach the UI thread through ``deliver`` (which posts a
message, and ``post_message`` is thread-safe).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment

from phototerm.library.photo import REJECTED, VIDEO, Photo, duration_text
from phototerm.library.text import safe
from phototerm.library.thumbnails import ThumbnailService, is_note
from phototerm.tui import pixels
from phototerm.tui.widgets.grid_model import GridModel

Cells = list[list[Segment]]  # one list of segments per thumbnail row
Deliver = Callable[[str, Cells | None, str], None]  # (tile key, cells or None, error)


class Tile:
    __slots__ = ("key", "photo", "photo_id", "rotation")

    def __init__(self, photo_id: int, photo: Photo, key: str, rotation: int) -> None:
        self.photo_id = photo_id
        self.photo = photo
        self.key = key
        self.rotation = rotation

    @classmethod
    def of(cls, model: GridModel, pos: int, box: tuple[int, int]) -> Tile:
        """The tile at ``pos`` of a GridModel, its picture ``box`` pixels (w, h)."""
        photo_id = model.photo_id(pos)
        photo = model.photo(pos)
        # a model may offer the store's view rotation; the record's own is the fallback
        rotation_of = getattr(model, "rotation", None)
        rotation = int(rotation_of(pos)) if callable(rotation_of) else getattr(photo, "rotation", 0)
        key = ThumbnailService.key(photo, box, rotation or 0)
        return cls(photo_id, photo, key, rotation or 0)


def stale_tiles(tiles: Mapping[int, Tile], model: GridModel) -> tuple[list[int], list[int]]:
    """Of the remembered ``tiles``: (positions that now hold another photo, positions whose
    photo record or view rotation changed), against the GridModel ``model``."""
    moved: list[int] = []
    changed: list[int] = []
    rotation_of = getattr(model, "rotation", None)
    for pos, tile in tiles.items():
        if pos >= len(model) or model.photo_id(pos) != tile.photo_id:
            moved.append(pos)
            continue
        rotation = int(rotation_of(pos)) if callable(rotation_of) else tile.rotation
        if rotation != tile.rotation or model.photo(pos) != tile.photo:
            changed.append(pos)
    return moved, changed


def caption_text(photo: Photo, width: int, *, selected: bool, failed: bool) -> tuple[str, str]:
    """(name part, marks part) of a caption, together exactly ``width`` cells. The marks
    (rating stars or reject cross, then ⚠, ▶ with the video's length, RAW+JPEG, LIVE or RAW)
    are '' when there are none."""
    marks = ""
    if photo.rating == REJECTED:
        marks = "✗"
    elif photo.rating > 0:
        marks = "★" * min(5, photo.rating)
    kind = ""
    if photo.error or failed:
        kind = "⚠"
    elif photo.kind == VIDEO:
        kind = "▶" + duration_text(photo.duration) if photo.duration > 0 else "▶"
    elif photo.pair_kind == "RAW+JPEG":
        kind = "RAW+JPEG" if width >= 24 else "R+J"
    elif photo.pair_kind:
        kind = photo.pair_kind
    elif photo.is_raw:
        kind = "RAW"
    right = (" " + marks if marks else "") + (" " + kind if kind else "")
    left = ("✓" if selected else " ") + safe(photo.name)
    room = max(1, width - cell_len(right))
    if cell_len(left) > room:
        left = set_cell_size(left, room - 1) + "…"
    left = set_cell_size(left, room)
    return left, set_cell_size(right, width - room) if right else ""


def placeholder_text(kind: str, row: int, size: tuple[int, int], note: str = "") -> str:
    """One row of a tile without a picture: kind is "video", "error", "loading" or "blank".
    ``note`` (why there is no picture: an error's reason, the extra to install) is wrapped
    below the tile's sign."""
    w, rows = size
    middle = rows // 2
    text = ""
    if kind == "video":
        if row in (0, rows - 1):
            return ("▪ " * w)[:w]  # film-strip sprocket holes
        lines = ["▶", *_wrap(note, w - 2, rows - 3)]
        text = _line(lines, row, max(1, middle - len(lines) // 2))
    elif kind == "error":
        lines = ["⚠", *_wrap(note or "unreadable", w - 2, rows - 2)]
        text = _line(lines, row, max(0, middle - 1 - (len(lines) - 2) // 2))
    elif kind == "loading":
        text = "…" if row == middle else ""
    elif kind == "blank":
        lines = _wrap(note or "no preview", w - 2, rows)
        text = _line(lines, row, max(0, middle - (len(lines) - 1) // 2))
    return set_cell_size(text.center(w), w)


def _line(lines: list[str], row: int, first: int) -> str:
    return lines[row - first] if 0 <= row - first < len(lines) else ""


def _wrap(text: str, width: int, most: int) -> list[str]:
    """``text`` in lines of at most ``width`` cells, at most ``most`` lines (… when cut)."""
    if not text or most <= 0:
        return []
    lines: list[str] = []
    for word in safe(text).split():
        if lines and cell_len(lines[-1]) + 1 + cell_len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word if cell_len(word) <= width else set_cell_size(word, width))
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = set_cell_size(lines[-1], max(1, width - 1)).rstrip() + "…"
    return lines


class TileLoader:
    """Requests tile pictures from the ThumbnailService and keeps their outcome by tile key.

    ``cells`` is shared with the grid, whose hot path reads it directly; ``errors`` and
    ``blank`` (no picture and no error: a format whose extra is missing) are final until
    ``reset``;
    ``notes`` says why a blank tile has no picture; ``waiting`` maps keys of requests in
    flight to their position.
    """

    def __init__(
        self, service: ThumbnailService, cells: pixels.StripCache, deliver: Deliver
    ) -> None:
        self.service = service
        self.cells = cells
        self.errors: dict[str, str] = {}
        self.blank: set[str] = set()
        self.notes: dict[str, str] = {}  # blank tiles' notes ("install phototerm[raw] ...")
        self.waiting: dict[str, int] = {}
        self._deliver = deliver
        self._callback: tuple[tuple, Callable] | None = None

    def reset(self) -> None:
        """Forget errors and blanks (the tile size changed: every key is new)."""
        self.errors.clear()
        self.blank.clear()
        self.notes.clear()

    def is_final(self, cells_key: tuple[str, str, Hashable]) -> bool:
        """Drawn for good: a picture, an error or a placeholder that will not change."""
        key = cells_key[0]
        return cells_key in self.cells or key in self.errors or key in self.blank

    def from_cache(
        self, tile: Tile, pos: int, size: tuple[int, int], background: tuple, color: str
    ) -> Cells | None:
        """The tile's cells when the service has its picture at hand (memory or disk cache);
        otherwise None, and the tile counts as waiting for ``request``."""
        w, rows = size
        image = self.service.get_cached(tile.photo, (w, rows * 2), tile.rotation)
        if image is not None:
            cells = pixels.render_cells(image, size, background, color)
            self.cells.put((tile.key, color, background), cells)
            return cells
        self.waiting[tile.key] = pos
        return None

    def request(
        self,
        first: int,
        last: int,
        count: int,
        tile_of: Callable[[int], Tile],
        size: tuple[int, int],
        background: tuple,
        color: str,
    ) -> None:
        """Request tiles first..last (the screen, in screen order), then one page below,
        then one above; drop queued work for every other tile."""
        page = last - first + 1
        order = list(range(first, last + 1))
        order += range(last + 1, min(count, last + 1 + page))
        order += range(first - 1, max(-1, first - 1 - page), -1)
        wanted: list[str] = []
        box = (size[0], size[1] * 2)
        for priority, pos in enumerate(order):
            tile = tile_of(pos)
            key = tile.key
            if (key, color, background) in self.cells:
                continue
            if key in self.errors or key in self.blank:
                continue
            wanted.append(key)
            self.waiting[key] = pos
            callback = self._callback_for(size, background, color)
            self.service.request(tile.photo, box, priority, callback, tile.rotation)
        self.service.cancel_except(wanted)
        keep = set(wanted)
        for key in [k for k in self.waiting if k not in keep]:
            del self.waiting[key]

    def received(self, key: str, cells: Cells | None, error: str, cells_key: tuple) -> int | None:
        """Record a delivered result; returns the position that waited for it, if any."""
        pos = self.waiting.pop(key, None)
        if cells is not None:
            self.cells.put(cells_key, cells)
        elif error and not is_note(error):
            self.errors[key] = error
        else:
            self.blank.add(key)
            if error:
                self.notes[key] = error
        return pos

    def _callback_for(self, size: tuple[int, int], background: tuple, color: str) -> Callable:
        """One callback per (tile size, background, colour mode), so that re-requesting a
        queued tile only changes its priority (the service drops a repeated callback)."""
        config = (size, background, color)
        if self._callback is not None and self._callback[0] == config:
            return self._callback[1]
        deliver = self._deliver

        def done(key: str, image, error: str) -> None:
            # Runs on a worker thread: the pixel work happens here, off the UI thread.
            cells = None
            if image is not None:
                cells = pixels.render_cells(image, size, background, color)
            deliver(key, cells, error)

        self._callback = (config, done)
        return done
