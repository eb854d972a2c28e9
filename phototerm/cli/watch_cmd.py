"""`phototerm watch`: the library's changes as they happen, one line per photo, for scripts.

The library is opened as every command opens it (its walk included), then followed: files
through the watcher (added, changed, moved, removed, each once it is whole), other sessions'
edits through the stores' change logs (edited). The events are printed on this thread, so a
closed pipe (`phototerm watch | head`) ends the command like `ls`'s. SIGINT and SIGTERM stop
it with exit status 0, after the index is saved for the next start.
"""

from __future__ import annotations

import argparse
import os
import queue
import signal
import sys
import threading
from types import FrameType
from typing import TYPE_CHECKING, Any, TextIO

from phototerm.cli import (
    EXIT_OK,
    Failed,
    Subcommands,
    add_space_arguments,
    note,
    open_library,
    settings,
    spaces,
)
from phototerm.cli.photo_output import json_line
from phototerm.library.index import Index
from phototerm.library.text import safe

if TYPE_CHECKING:
    from phototerm.library.opening.live import LiveEvent

POLL = 1.0  # seconds between looks at other sessions' edits

OUTPUT = """\
Each line is an event and the photo's path: added (new, once it is whole), changed (the
file or its XMP sidecar), edited (its rating, tags, description, rotation or albums, by any
session), moved (FROM -> PATH) and removed. To a pipe, paths are their raw bytes; to a
terminal, control characters are shown as U+FFFD. --json writes one object per line:
{"event": ..., "path": ...} and, for a move, "from"; a path that is not UTF-8 is given in a
displayable form with its bytes in hex ("path_bytes_hex", "from_bytes_hex").
Notes (a space walked instead of watched, and why) go to stderr. It runs until interrupted
(SIGINT or SIGTERM: exit status 0).

"""


def register(sub: Subcommands) -> None:
    from phototerm.cli.parsing import EXIT_STATUS

    parser = sub.add_parser(
        "watch",
        help="print changes to the photos as they happen, one line per photo",
        description="Follow both spaces and print each photo's change as it happens.",
        epilog=OUTPUT + EXIT_STATUS,
    )
    add_space_arguments(parser)
    parser.add_argument("--json", action="store_true", help="one JSON object per event")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: watchdog is only needed by this command, not by every command's start.
    from phototerm.library.opening.live import follow, watcher_for

    setup = spaces(args)
    events: queue.SimpleQueue[list[LiveEvent]] = queue.SimpleQueue()
    stop = threading.Event()

    def stopping(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, stopping) for sig in (signal.SIGINT, signal.SIGTERM)}
    index = Index()
    # Listening starts before the walk that opens the library: what changes meanwhile is
    # seen (what the walk saw already is only looked at again).
    watcher = watcher_for(setup.on, settings(), index)
    try:
        watcher.listen()
        # The stores open for writing where the person's role allows it: a move seen on disk
        # takes the photo's edits along (nothing else is ever written by this command).
        with open_library(setup, writable=True, index=index) as library:
            if stop.is_set():
                return EXIT_OK
            # Only paths are printed: the index may compact itself as photos come and go.
            live = follow(library, events.put, note=note, watcher=watcher, compact=True)
            roots = " and ".join(f"{s.label} ({safe(s.root)})" for s in setup.on)
            note(f"watching {roots}: one line per change; Ctrl+C stops")
            try:
                while not stop.wait(POLL):
                    _drain(events, args.json)
                    _print(live.poll_edits(), args.json)
                    if live.watcher.failed is not None:
                        raise Failed("stopped following the disk (see above)")
                _drain(events, args.json)
            finally:
                live.stop()
    finally:
        watcher.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return EXIT_OK


def _drain(events: queue.SimpleQueue[list[LiveEvent]], as_json: bool) -> None:
    while True:
        try:
            batch = events.get_nowait()
        except queue.Empty:
            return
        _print(batch, as_json)


def _print(batch: list[LiveEvent], as_json: bool, out: TextIO | None = None) -> None:
    if not batch:
        return
    out = out or sys.stdout
    if as_json:
        out.write("".join(json_line(event_json(e)) + "\n" for e in batch))
    elif out.isatty():
        out.write("".join(_line(e, safe) + "\n" for e in batch))
    else:
        out.flush()
        out.buffer.write(b"".join(_line(e, os.fsencode) + b"\n" for e in batch))
    out.flush()


def _line(event: LiveEvent, shown: Any) -> Any:
    """``event`` as a line, its paths through ``shown`` (safe for a terminal, fsencode for
    a pipe)."""
    if event.kind == "moved":
        return shown("moved ") + shown(event.from_path) + shown(" -> ") + shown(event.path)
    return shown(event.kind + " ") + shown(event.path)


def event_json(event: LiveEvent) -> dict[str, Any]:
    record: dict[str, Any] = {"event": event.kind}
    for key, path in (("path", event.path), ("from", event.from_path)):
        if key == "from" and event.kind != "moved":
            continue
        try:
            path.encode("utf-8")
            record[key] = path
        except UnicodeEncodeError:
            record[key] = safe(path)
            record[f"{key}_bytes_hex"] = os.fsencode(path).hex()
    return record
