"""Progress bars on stderr: on a terminal once the work has lasted, never in a pipe."""

from __future__ import annotations

import io
import time

from phototerm.cli.progress import Progress
from phototerm.library.ingest.indexer import IndexProgress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_bar_once_the_work_lasts() -> None:
    out = Terminal()
    with Progress("Indexing", stream=out, delay=0.0) as progress:
        progress.indexing(IndexProgress(10, None, "scanning"))
        progress.indexing(IndexProgress(40, 100, "reading"))
        time.sleep(0.05)
        progress.indexing(IndexProgress(80, 100, "reading"))
        progress.indexing(IndexProgress(100, 100, "done"))
    text = out.getvalue()
    assert "Reading photos" in text and "/100" in text and "files/s" in text


def test_short_work_and_pipes_get_nothing() -> None:
    quick = Terminal()
    with Progress("Indexing", stream=quick, delay=60.0) as progress:
        progress.update(5, 10)
    assert quick.getvalue() == ""
    pipe = io.StringIO()
    with Progress("Indexing", stream=pipe, delay=0.0) as progress:
        progress.update(5, 10)
    assert pipe.getvalue() == ""
