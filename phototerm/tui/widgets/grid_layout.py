"""Where every tile of the thumbnail grid sits: pure geometry, no widget, no terminal.

Sections stack vertically (a header line when labelled, then rows of tiles). ``GridLayout``
maps screen lines to (section, tile row) and positions to tile origins in O(log sections), so
the grid never walks 100,000 photos to draw one line.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

# (thumbnail columns, thumbnail rows) per tile size; a row of cells shows two pixels.
TILE_SIZES: dict[str, tuple[int, int]] = {"small": (16, 6), "medium": (24, 9), "large": (38, 14)}
SIZE_ORDER = ("small", "medium", "large")
GAP_X = 1  # blank columns between tiles
GAP_Y = 1  # blank lines below each tile row


class GridLayout:
    """Sections stacked vertically: a header line (when labelled), then rows of tiles."""

    def __init__(self, count: int, groups: Sequence, width: int, tile: tuple[int, int]) -> None:
        self.tile_w, self.thumb_rows = tile
        self.cols = max(1, (width + GAP_X) // (self.tile_w + GAP_X))
        # the row of tiles is centred: the columns left over go half to each side
        self.left = max(0, width - (self.cols * (self.tile_w + GAP_X) - GAP_X)) // 2
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
        x = self.left + col * (self.tile_w + GAP_X)
        return x, self.sec_line[s] + self._header(s) + row * self.tile_h

    def at_line(self, y: int) -> tuple[int, int, int]:
        """(section, tile row or -1 for the header, line within the tile row)."""
        s = max(0, bisect_right(self.sec_line, y) - 1)
        offset = y - self.sec_line[s] - self._header(s)
        if offset < 0:
            return s, -1, 0
        row, line = divmod(offset, self.tile_h)
        return s, row, line

    def is_caption_line(self, y: int) -> bool:
        if y >= self.height:
            return False
        _s, row, within = self.at_line(y)
        return row >= 0 and within == self.thumb_rows

    def row_start(self, section: int, row: int) -> int:
        return self.sections[section][1] + row * self.cols

    def pos_at(self, x: int, y: int) -> int | None:
        if not self.sections or y < 0 or y >= self.height:
            return None
        s, row, line = self.at_line(y)
        if x < self.left:
            return None
        col, within = divmod(x - self.left, self.tile_w + GAP_X)
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

    def tile_lines(self, pos: int, caption_only: bool) -> tuple[int, int, int]:
        """(x, first line, last line) of a tile's thumbnail and caption (or caption only)."""
        x, top = self.origin(pos)
        first = top + (self.thumb_rows if caption_only else 0)
        return x, first, top + self.thumb_rows

    def span(self, pos: int) -> tuple[int, int]:
        """(top, bottom) lines to show for the tile at ``pos``: through its caption, and from
        the section header when the tile is on its section's first row."""
        _x, top = self.origin(pos)
        bottom = top + self.thumb_rows + 1
        s = self.section_of(pos)
        if pos - self.sections[s][1] < self.cols:
            top = self.sec_line[s]
        return top, bottom

    def visible_range(self, y0: int, height: int) -> tuple[int, int]:
        """(first, last) positions on the lines ``y0 .. y0 + height - 1``; (0, -1) if none."""
        if not self.sections:
            return 0, -1
        y1 = min(self.height - 1, y0 + max(1, height) - 1)
        return self._pos_near(y0, start=True), self._pos_near(y1, start=False)

    def _pos_near(self, line: int, start: bool) -> int:
        s, row, _within = self.at_line(max(0, line))
        _label, begin, n = self.sections[s]
        row = max(0, row)
        if start:
            return min(self.row_start(s, row), begin + n - 1)
        return min(self.row_start(s, row) + self.cols, begin + n) - 1
