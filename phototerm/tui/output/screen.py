"""What the terminal shows, cell by cell, and the bytes that turn it into what Textual drew.

Textual repaints by regions: opening the search bar, pushing a dialog or clicking re-renders
whole lines (often the whole screen) that are mostly what the terminal already shows. Like
curses, ``ScreenDiff`` keeps a copy of every cell on the terminal (character, SGR state,
hyperlink); ``feed`` reads Textual's output, applies it to a second copy (what Textual wants
on screen) and writes only the cells that differ, with the shortest SGR transitions
(``sgr.transition``) and the shortest cursor moves.

What it understands is what Textual writes while drawing: cursor positioning (CUP and
relative moves), SGR, OSC 8 hyperlinks, text, CR/LF. Everything else that does not touch
cells (modes, clipboard OSC 52, titles, bell, queries, synchronized-output brackets) passes
through in order. A sequence that could change cells in a way not modelled here (erase,
scroll, insert, tabs...) passes through too, and the model forgets the whole screen, so the
next frames are written in full: never a wrong screen, at worst Textual's own bytes.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rich.cells import get_character_cell_size

from phototerm.tui.output.cells import (
    Cell,
    Look,
    intern_look,
    look_change,
    narrow,
    spans,
    widget_block,
)
from phototerm.tui.output.sgr import DEFAULT, apply

SYNC_START = "\x1b[?2026h"
SYNC_END = "\x1b[?2026l"

_TOKEN = re.compile(
    r"\x1b\[(?P<sgr>[0-9;:]*)m"  # the two most common first: SGR, cursor position
    r"|\x1b\[(?P<row>[0-9]*);(?P<col>[0-9]*)H"
    r"|(?P<csi>\x1b\[(?P<private>[?<>=]?)(?P<params>[0-9;:]*)(?P<inter>[ -/]*)(?P<final>[@-~]))"
    r"|(?P<osc>\x1b\](?P<osc_body>[^\x07\x1b]*)(?:\x07|\x1b\\))"
    r"|(?P<str>\x1b[P_^X][^\x1b]*\x1b\\)"
    r"|(?P<esc>\x1b[^\[\]P_^X]?)"
    r"|(?P<ctl>[\x00-\x1f\x7f])"
    r"|(?P<text>[^\x00-\x1f\x7f\x1b]+)"
)
_MOVES = frozenset("HfABCDGd")
_SCROLL_MIN_ROWS = 8  # fewer rows drawn than this: never worth a scroll region
# CSI finals that change modes, report or query: they leave every cell as it is.
_HARMLESS_CSI = frozenset("hlnpcqtuym")
_SCREEN_SWITCHES = frozenset(("47", "1047", "1049"))  # alternate screen on or off


class ScreenDiff:
    """The terminal's cells and the cells Textual wants; ``feed`` returns what to write."""

    def __init__(self, size: Callable[[], tuple[int, int]]) -> None:
        """``size`` gives (columns, rows) of the terminal now (read before every frame: a
        resize makes the terminal's content unknown)."""
        self._size_of = size
        self.width, self.height = 0, 0
        self.shown: list[list[Cell | None]] = []  # on the terminal now (None: unknown)
        self.wanted: list[list[Cell | None]] = []  # what Textual drew
        self._dirty: dict[int, list[int]] = {}  # row -> [first, last + 1] columns drawn
        # Textual's cursor and look while reading its output
        self._x = self._y = 0
        self._sgr = DEFAULT
        self._link = ""
        self._look: Look = intern_look(DEFAULT, "")
        # the terminal's cursor and look after what we wrote (None: unknown)
        self._term_x: int | None = None
        self._term_y: int | None = None
        self._term_look: Look | None = None
        self._sync_held = False
        self._sync_open = False
        self.rows_scrolled = 0  # rows moved by scrolling rather than written (for tests)

    # ------------------------------------------------------------------ reading

    def feed(self, data: str) -> str:
        """Read Textual's output ``data``; return what to send to the terminal instead."""
        out: list[str] = []
        self._check_size()
        if not self.width or not self.height:
            return data  # the terminal's size is unknown: nothing can be modelled
        for m in _TOKEN.finditer(data):
            kind = m.lastgroup
            if kind == "text":
                self._text(m.group())
            elif kind == "sgr":
                self._sgr = sgr = apply(self._sgr, m.group("sgr"))
                self._look = intern_look(sgr, self._link)
            elif kind == "col":
                self._y = int(m.group("row") or 1) - 1
                self._x = int(m.group("col") or 1) - 1
            elif kind == "csi":
                self._csi(m, out)
            elif kind == "osc":
                body = m.group("osc_body")
                if body.startswith("8;"):
                    self._link = "" if body == "8;;" else body
                    self._look = intern_look(self._sgr, self._link)
                else:
                    self._pass(m.group(), out)
            elif kind == "ctl":
                self._control(m.group(), out)
            else:  # a string (DCS, APC, ...) or a lone ESC sequence
                token = m.group()
                if kind == "esc" and token in ("\x1b=", "\x1b>"):
                    self._pass(token, out)  # keypad modes
                else:
                    self._unknown(token, out)
        self._commit(out, frame_end=True)
        return "".join(out)

    def _check_size(self) -> None:
        try:
            width, height = self._size_of()
        except OSError:
            return
        if (width, height) != (self.width, self.height):
            self.width, self.height = width, height
            self.shown = [[None] * width for _ in range(height)]
            self.wanted = [[None] * width for _ in range(height)]
            self._dirty.clear()
            self._term_x = self._term_y = None

    def forget(self) -> None:
        """Forget what the terminal shows: the next frames are written in full."""
        for row in self.shown:
            row[:] = [None] * len(row)
        self._term_x = self._term_y = None
        self._term_look = None

    def _text(self, text: str) -> None:
        y = self._y
        if not 0 <= y < self.height:
            return
        row = self.wanted[y]
        look = self._look
        x = self._x
        start = x
        if text.isascii() or narrow(text):
            end = min(self.width, x + len(text))
            if end > x:
                if x > 0 and row[x] is not None and row[x][0] == "":  # type: ignore[index]
                    row[x - 1] = (" ", row[x - 1][1]) if row[x - 1] else None  # type: ignore[index]
                    start = x - 1
                row[x:end] = [(ch, look) for ch in text[: end - x]]
                if end < self.width and row[end] is not None and row[end][0] == "":  # type: ignore[index]
                    row[end] = (" ", row[end][1])  # type: ignore[index]
                    end += 1
            self._x = x + len(text)
            self._mark(y, start, end)
            return
        width = self.width
        end = x
        for ch in text:
            size = get_character_cell_size(ch)
            if size == 0:
                if 0 < x <= width and row[x - 1] is not None:
                    prev = row[x - 1]
                    row[x - 1] = (prev[0] + ch, prev[1])  # type: ignore[index]
                continue
            if x + size > width:
                x += size
                continue
            # over half of a wide character: the terminal blanks its other half
            if x > 0 and row[x] is not None and row[x][0] == "":  # type: ignore[index]
                row[x - 1] = (" ", row[x - 1][1]) if row[x - 1] else None  # type: ignore[index]
                start = min(start, x - 1)
            row[x] = (ch, look)
            if size == 2:
                row[x + 1] = ("", look)
            x += size
            end = x
            if x < width and row[x] is not None and row[x][0] == "":  # type: ignore[index]
                row[x] = (" ", row[x][1])  # type: ignore[index]
                end = x + 1
        self._x = x
        self._mark(y, start, min(end, width))

    def _mark(self, y: int, start: int, end: int) -> None:
        if end <= start:
            return
        span = self._dirty.get(y)
        if span is None:
            self._dirty[y] = [start, end]
        else:
            span[0] = min(span[0], start)
            span[1] = max(span[1], end)

    def _csi(self, m: re.Match[str], out: list[str]) -> None:
        final, params, private = m.group("final"), m.group("params"), m.group("private")
        if m.group("inter"):
            if final in "pq":  # DECRQM ("$p"), cursor shape (" q")
                self._pass(m.group(), out)
            else:
                self._unknown(m.group(), out)
            return
        if final == "m" and not private:
            self._sgr = apply(self._sgr, params)
            self._look = intern_look(self._sgr, self._link)
            return
        if final in _MOVES and not private:
            self._move(final, params)
            return
        if m.group() == SYNC_START:
            self._sync_held = True  # written with the first cell of the frame, if any
            return
        if m.group() == SYNC_END:
            self._commit(out, frame_end=True)
            if self._sync_open:
                out.append(SYNC_END)
            self._sync_held = self._sync_open = False
            return
        if private == "?" and final in "hl" and set(params.split(";")) & _SCREEN_SWITCHES:
            self._unknown(m.group(), out)  # the other screen buffer: its cells are not ours
        elif final in _HARMLESS_CSI:
            self._pass(m.group(), out)
        else:
            self._unknown(m.group(), out)

    def _move(self, final: str, params: str) -> None:
        nums = [int(p) if p.isdigit() else 0 for p in params.split(";")] if params else []
        first = (nums[0] if nums else 0) or 1
        if final in "Hf":
            second = (nums[1] if len(nums) > 1 else 0) or 1
            self._y, self._x = first - 1, second - 1
        elif final == "A":
            self._y = max(0, self._y - first)
        elif final == "B":
            self._y += first
        elif final == "C":
            self._x += first
        elif final == "D":
            self._x = max(0, self._x - first)
        elif final == "G":
            self._x = first - 1
        elif final == "d":
            self._y = first - 1

    def _control(self, ch: str, out: list[str]) -> None:
        if ch == "\n":
            self._y += 1
            self._x = 0
        elif ch == "\r":
            self._x = 0
        elif ch == "\x08":
            self._x = max(0, self._x - 1)
        elif ch == "\x07":
            self._pass(ch, out)
        else:
            self._unknown(ch, out)

    def _pass(self, token: str, out: list[str]) -> None:
        """A sequence that changes no cell: write it, in order with the cells before it."""
        self._commit(out)
        out.append(token)

    def _unknown(self, token: str, out: list[str]) -> None:
        """A sequence that may change cells in a way not modelled: write it as it is and
        forget the screen (the terminal's cursor and look are unknown after it too)."""
        self._commit(out)
        self._open_sync(out)
        out.append(token)
        self.forget()

    # ------------------------------------------------------------------ writing

    def _open_sync(self, out: list[str]) -> None:
        if self._sync_held and not self._sync_open:
            out.append(SYNC_START)
            self._sync_open = True

    def _commit(self, out: list[str], *, frame_end: bool = False) -> None:
        """Write the cells drawn since the last commit that differ from the terminal's; at
        the end of a frame, also put the terminal's cursor where Textual left its own."""
        body: list[str] = []
        if len(self._dirty) >= _SCROLL_MIN_ROWS:
            self._scroll(body)
        for y in sorted(self._dirty):
            first, end = self._dirty[y]
            self._write_row(y, first, end, body)
        self._dirty.clear()
        if body:
            if self._term_look != (DEFAULT, ""):
                if self._term_look is not None and self._term_look[1]:
                    body.append("\x1b]8;;\x1b\\")
                body.append("\x1b[0m")  # never leave a colour set between frames
                self._term_look = (DEFAULT, "")
            if frame_end:
                self._place_cursor(body)
            self._open_sync(out)
            out.extend(body)

    def _scroll(self, out: list[str]) -> None:
        """When the rows drawn are rows already on screen, moved up or down (a wheel tick, a
        cursor move that scrolls the grid), move them in the terminal: a scroll region
        (DECSTBM) and SU/SD, a few bytes instead of every cell. The columns outside the
        scrolled widget move too; the rows are then diffed as usual, which writes those
        columns back."""
        first, end, top, bottom = widget_block(self._dirty)
        if bottom - top + 1 < _SCROLL_MIN_ROWS or (end - first) * 3 < self.width:
            return
        shown, wanted = self.shown, self.wanted
        where: dict[tuple, int] = {}
        for y in range(top, bottom + 1):
            part = shown[y][first:end]
            if None not in part:
                where.setdefault(tuple(part), y)
        votes: dict[int, int] = {}
        for y in range(top, bottom + 1):
            found = where.get(tuple(wanted[y][first:end]))
            if found is not None and found != y:
                votes[found - y] = votes.get(found - y, 0) + 1
        if not votes:
            return
        shift = max(votes, key=lambda k: votes[k])

        def matching(k: int) -> int:
            return sum(
                1
                for y in range(max(top, top - k), min(bottom, bottom - k) + 1)
                if wanted[y][first:end] == shown[y + k][first:end]
            )

        # rows gained by moving: rows that already match in place (blank rows, a frame
        # drawn again unchanged) are no reason to scroll
        gained = matching(shift) - matching(0)
        rows = bottom - top + 1
        # worth it when the cells kept outnumber the cells written again outside the widget
        if gained < _SCROLL_MIN_ROWS // 2 or gained * (end - first) <= rows * (
            self.width - end + first
        ):
            return
        if self._term_look != (DEFAULT, ""):
            out.append(
                "\x1b]8;;\x1b\\\x1b[0m" if self._term_look and self._term_look[1] else "\x1b[0m"
            )
            self._term_look = (DEFAULT, "")
        out.append(f"\x1b[{top + 1};{bottom + 1}r")
        out.append(f"\x1b[{shift}S" if shift > 0 else f"\x1b[{-shift}T")
        out.append("\x1b[r")  # the whole screen again; the cursor is now home
        self._term_x = self._term_y = 0
        width = self.width
        block = shown[top : bottom + 1]
        blank: list[list[Cell | None]] = [[None] * width for _ in range(abs(shift))]
        block = block[shift:] + blank if shift > 0 else blank + block[:shift]
        shown[top : bottom + 1] = block
        for y in range(top, bottom + 1):
            self._dirty[y] = [0, width]
        self.rows_scrolled += gained

    def _place_cursor(self, out: list[str]) -> None:
        """Leave the terminal's cursor where Textual left its own (IME and screen readers
        follow it); only after cells were written, the one thing that moves it."""
        x, y = self._x, self._y
        if (self._term_x, self._term_y) != (x, y):
            out.append(f"\x1b[{y + 1};{x + 1}H")
            self._term_x, self._term_y = x, y

    def _write_row(self, y: int, first: int, end: int, out: list[str]) -> None:
        shown, wanted = self.shown[y], self.wanted[y]
        changed = [x for x in range(first, end) if shown[x] != wanted[x]]
        if not changed:
            return
        for a, b in spans(changed, wanted, shown, self.width):
            self._move_to(a, y, out)
            self._cells(wanted, a, b, y, out)
            shown[a:b] = wanted[a:b]

    def _move_to(self, x: int, y: int, out: list[str]) -> None:
        tx, ty = self._term_x, self._term_y
        if ty == y and tx is not None:
            if tx == x:
                return
            if x > tx:
                gap = x - tx
                out.append("\x1b[C" if gap == 1 else f"\x1b[{gap}C")
                self._term_x = x
                return
            if x == 0:
                out.append("\r")
                self._term_x = 0
                return
        out.append(f"\x1b[{y + 1};{x + 1}H")
        self._term_x, self._term_y = x, y

    def _cells(self, row: list[Cell | None], a: int, b: int, y: int, out: list[str]) -> None:
        """Write cells a..b-1 of row y, the cursor being at a. The hot loop of a big frame."""
        look = self._term_look
        run: list[str] = []
        placed = True  # the terminal's cursor is where the next cell goes
        x = a - 1
        for cell in row[a:b]:
            x += 1
            if cell is None:  # never drawn: leave the terminal's cell, skip it
                if run:
                    out.append("".join(run))
                    run = []
                placed = False
                continue
            text = cell[0]
            if not text:  # the right half of the wide character just written
                continue
            if not placed:
                if run:
                    out.append("".join(run))
                    run = []
                self._term_look = look
                self._term_x = None
                self._move_to(x, y, out)
                placed = True
            cell_look = cell[1]
            if cell_look is not look and cell_look != look:
                if run:
                    out.append("".join(run))
                    run = []
                out.append(look_change(look, cell_look))
                look = cell_look
            run.append(text)
            if len(text) != 1 or not (text.isascii() or narrow(text)):
                # a wide character or one with marks: the terminal may not agree on its
                # width, so the next cell is placed explicitly
                out.append("".join(run))
                run = []
                placed = False
        if run:
            out.append("".join(run))
        self._term_look = look
        self._term_x = b if placed else None
