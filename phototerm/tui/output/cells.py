"""Cells and looks: the small pieces ``ScreenDiff`` works with.

A cell is (text, look): one character (plus any zero-width marks after it), or "" for the
right half of a wide character. A look is (SGR state, hyperlink), interned so that cells of
one look compare by identity. ``spans`` decides which parts of a row to write, and
``widget_block`` which rows a frame redrew together (a scroll candidate).
"""

from __future__ import annotations

from rich.cells import get_character_cell_size

from phototerm.tui.output.sgr import State, transition

Look = tuple[State, str]
Cell = tuple[str, Look]

_NARROW: dict[str, bool] = {}  # text -> every character is one cell wide (no marks)


def narrow(text: str) -> bool:
    """Whether each character of ``text`` takes exactly one cell. Half blocks, box lines and
    the like are most of what Textual writes, in a few thousand distinct strings a screen."""
    found = _NARROW.get(text)
    if found is None:
        if len(_NARROW) > 1 << 16:
            _NARROW.clear()
        found = _NARROW[text] = all(get_character_cell_size(ch) == 1 for ch in text)
    return found


def widget_block(dirty: dict[int, list[int]]) -> tuple[int, int, int, int]:
    """(first, end) columns drawn on most rows, and the longest run of consecutive rows drawn
    over those columns (top, bottom): the widget that was redrawn."""
    counts: dict[tuple[int, int], int] = {}
    for span in dirty.values():
        counts[(span[0], span[1])] = counts.get((span[0], span[1]), 0) + 1
    first, end = max(counts, key=lambda k: counts[k])
    best = (0, -1)
    top = previous = None
    for y in sorted(y for y, span in dirty.items() if span == [first, end]):
        if previous is None or y != previous + 1:
            top = y
        previous = y
        if top is not None and y - top > best[1] - best[0]:
            best = (top, y)
    return first, end, best[0], best[1]


_LOOKS: dict[Look, Look] = {}


def intern_look(sgr: State, link: str) -> Look:
    """One tuple per look, so cells of one look compare by identity first."""
    key = (sgr, link)
    look = _LOOKS.get(key)
    if look is None:
        if len(_LOOKS) > 1 << 16:
            _LOOKS.clear()
        look = _LOOKS[key] = key
    return look


def look_change(old: Look | None, new: Look) -> str:
    sgr_old = None if old is None else old[0]
    link_old = "" if old is None else old[1]  # hyperlinks are only ever opened here
    text = transition(sgr_old, new[0])
    if new[1] != link_old:
        text += f"\x1b]{new[1]}\x1b\\" if new[1] else "\x1b]8;;\x1b\\"
    return text


def spans(changed: list[int], wanted: list, shown: list, width: int) -> list[tuple[int, int]]:
    """Spans [a, b) of one row to write: runs of changed cells, each wide character whole (a
    narrow character written over half of one would erase the other half), and short
    unchanged gaps between runs filled in when that is cheaper than moving the cursor."""
    runs: list[list[int]] = []
    for x in changed:  # consecutive cells into runs: the edges are all that need care
        if runs and runs[-1][1] == x:
            runs[-1][1] = x + 1
        else:
            runs.append([x, x + 1])
    spans: list[list[int]] = []
    for a, b in runs:
        if (wanted[a] is not None and wanted[a][0] == "") or (
            shown[a] is not None and shown[a][0] == ""
        ):
            a = max(0, a - 1)
        if b < width and (
            (wanted[b] is not None and wanted[b][0] == "")
            or (shown[b] is not None and shown[b][0] == "")
        ):
            b += 1
        if spans and a <= spans[-1][1] + gap_worth(wanted, spans[-1][1], a):
            spans[-1][1] = max(spans[-1][1], b)
        else:
            spans.append([a, b])
    return [(a, b) for a, b in spans]


def gap_worth(row: list, a: int, b: int) -> int:
    """How many unchanged cells from ``a`` may be rewritten rather than jumped (``ESC[nC`` is
    4 bytes): those that cost one byte each and keep the look of the cell before them."""
    if b - a > 4 or a == 0:
        return 0
    before = row[a - 1]
    for x in range(a, b):
        cell = row[x]
        if cell is None or before is None or cell[1] != before[1] or not cell[0].isascii():
            return 0
        if len(cell[0]) != 1:
            return 0
    return b - a
