"""The status line: where the keys go, spaces, view, active query, counts, and indexing
progress (or the new photos on disk waiting to be indexed).

It starts with where the keys go (``show_focus``): SEARCH when typing writes a query, PHOTOS
when keys are commands on the photos, SIDEBAR; so a user who pressed Esc once too often sees
that the next letters will not be typed. No clock and nothing time-dependent is shown, so
snapshot tests stay deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import ProgressBar, Static

from phototerm.library.text import safe

SORT_NAMES = {
    "taken": "date taken",
    "name": "name",
    "size": "size",
    "mtime": "modified",
    "rating": "rating",
    "album": "album order",
}


@dataclass(frozen=True, slots=True)
class Status:
    spaces: str  # "Personal + Shared"
    view: str  # "Timeline by day", "Folders: 2023/Paris"
    query: str
    shown: int
    total: int
    selected: int
    sort: str
    descending: bool
    read_only: tuple[str, ...] = ()  # space labels that cannot be edited (corrupt store, ...)


def status_line(status: Status, width: int) -> Text:
    """The status as one line of at most ``width`` cells. When it is too long, the parts
    that matter least go first (the sort, the spaces, the view), then the query is cut;
    the counts, the selection and a read-only warning always stay."""
    arrow = "↓" if status.descending else "↑"
    # (text, style, priority): the lowest priority goes first when the line is too long
    parts: list[tuple[str, str, int]] = [(status.spaces, "bold", 1), (safe(status.view), "", 2)]
    if status.query:
        parts.append((safe(status.query, 60), "italic", 3))
    parts.append((f"{status.shown:,} / {status.total:,} shown", "", 9))
    if status.selected:
        parts.append((f"{status.selected:,} selected", "bold", 9))
    parts.append((f"sorted by {SORT_NAMES.get(status.sort, status.sort)} {arrow}", "", 0))
    if status.read_only:
        # Stays on screen: the start-up notification naming the file goes away, and a
        # user who starts rating later must still see that edits will be refused.
        parts.append((f"{' + '.join(status.read_only)} read-only", "bold", 9))

    def length() -> int:
        return 1 + sum(cell_len(text) for text, _style, _p in parts) + 3 * (len(parts) - 1)

    for level in (0, 1, 2):
        if length() <= width:
            break
        parts = [part for part in parts if part[2] != level]
    over = length() - width
    if over > 0 and status.query:
        parts = [
            (text[: max(8, cell_len(text) - over - 1)] + "…", style, p)
            if p == 3
            else (text, style, p)
            for text, style, p in parts
        ]
    line = Text(no_wrap=True, overflow="ellipsis")
    for i, (text, style, _p) in enumerate(parts):
        line.append(" " if i == 0 else " · ")
        line.append(text, style=style)
    return line


class StatusBar(Horizontal):
    """Fixed-size parts, updated with ``layout=False`` and only when the text changes, so a
    key that changes the counts repaints one line, not the screen."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._shown: Text | None = None
        self._status: Status | None = None
        self._progress_text = ""
        self._waiting = 0

    def compose(self) -> ComposeResult:
        yield Static("", id="status-focus")
        yield Static("", id="status-text")
        yield Static("", id="status-progress-label")
        yield ProgressBar(id="status-progress", show_eta=False, show_percentage=False)

    def show_focus(self, where: str, typing: bool) -> None:
        """Where the keys go ("PHOTOS"; '' hides it); ``typing``: they write text there."""
        badge = self.query_one("#status-focus", Static)
        badge.display = bool(where)
        badge.set_class(typing, "-typing")
        badge.update(Text(where))

    def on_mount(self) -> None:
        self.query_one("#status-focus").display = False
        self.query_one("#status-progress").display = False
        self.query_one("#status-progress-label").display = False

    def show(self, status: Status) -> None:
        self._status = status
        line = status_line(status, self.query_one("#status-text").size.width or 200)
        if line != self._shown:
            self._shown = line
            self.query_one("#status-text", Static).update(line, layout=False)

    def on_resize(self) -> None:
        if self._status is not None:
            self.show(self._status)

    def waiting(self, count: int) -> None:
        """New photos on disk waiting to be indexed ("indexing 120 new photos"), shown where
        the progress goes when no progress is shown (0: none)."""
        self._waiting = count
        if self.query_one("#status-progress", ProgressBar).display:
            return
        label = self.query_one("#status-progress-label", Static)
        if not count:
            label.display = False
            self._progress_text = ""
            return
        text = f"indexing {count:,} new photo{'' if count == 1 else 's'} "
        label.display = True
        if text != self._progress_text:
            self._progress_text = text
            label.update(Text(text, no_wrap=True, overflow="ellipsis"), layout=False)

    def progress(self, done: int, total: int | None, phase: str, finished: bool = False) -> None:
        bar = self.query_one("#status-progress", ProgressBar)
        label = self.query_one("#status-progress-label", Static)
        if finished:
            bar.display = False
            label.display = False
            self._progress_text = ""
            if self._waiting:
                self.waiting(self._waiting)
            return
        # total None while walking: no bar, only the count (a pulsing bar would repaint
        # many times a second, and over a slow link every repaint costs).
        bar.display = total is not None
        label.display = True
        if total is not None:
            bar.update(total=max(total, 1), progress=done)
        what = safe(phase) or "Indexing"
        count = f"{done:,}" if total is None else f"{done:,}/{total:,}"
        text = f"{what} {count} "
        if text != self._progress_text:
            self._progress_text = text
            label.update(Text(text, no_wrap=True, overflow="ellipsis"), layout=False)
