"""Progress bars on stderr for work that takes a while (indexing, the demo's drawing).

Shown only when stderr is a terminal and the work has already lasted ``DELAY`` seconds, so a
warm start or a script's pipe never sees anything; rich's progress (Textual brings rich),
cleared when the work ends. Files done out of the total once it is known, files per second,
time left.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TextIO

if TYPE_CHECKING:
    from phototerm.library.ingest.indexer import IndexProgress

DELAY = 1.0  # seconds of work before a bar appears
PHASES = {
    "scanning": "Looking for photos",
    "reading": "Reading photos",
    "saving": "Saving the index",
}


class Progress:
    """``update(done, total)`` as the work goes on; use it as a context manager."""

    def __init__(self, what: str, *, stream: TextIO | None = None, delay: float = DELAY) -> None:
        self.what = what
        self.stream = stream if stream is not None else sys.stderr
        self.delay = delay
        self.start = time.monotonic()
        self._tty = _isatty(self.stream)
        self._bar: Any = None
        self._task: Any = None

    def update(self, done: int, total: int | None = None, what: str | None = None) -> None:
        if not self._tty:
            return
        if self._bar is None:
            if time.monotonic() - self.start < self.delay:
                return
            self._open()
        self._bar.update(self._task, completed=done, total=total, description=what or self.what)

    def indexing(self, progress: IndexProgress) -> None:
        """An ``on_progress`` callback for ``open_library``."""
        if progress.phase == "done":
            self.close()
            return
        total = progress.total if progress.phase != "scanning" else None
        self.update(progress.done, total, PHASES.get(progress.phase, self.what))

    def _open(self) -> None:
        # rich is imported only when a bar is shown: every short command starts without it.
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            ProgressColumn,
            TextColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as Bar
        from rich.text import Text

        class RateColumn(ProgressColumn):
            """Files per second (rich's own speed column counts bytes)."""

            def render(self, task: Any) -> Text:
                speed = task.finished_speed or task.speed
                return Text(f"{speed:,.0f} files/s" if speed else "", style="progress.data.speed")

        self._bar = Bar(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            RateColumn(),
            TimeRemainingColumn(),
            console=Console(file=self.stream),
            transient=True,
        )
        self._bar.start()
        self._task = self._bar.add_task(self.what, total=None)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
