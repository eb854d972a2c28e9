"""`phototerm kiosk [--album NAME | --query Q] [--space personal|shared] [--slideshow SECONDS]
[--shuffle] [--info] [--personal DIR] [--shared DIR]`: the read-only kiosk.

The library is opened here, read-only and writing no cache, before anything is drawn: an
unknown album or a bad query ends with exit 2 before the screen opens, and a cold start
says how far it got on the terminal. Then the kiosk app (tui/kiosk) shows it.

A kiosk account (the system config's ``[kiosk]`` lists it) gets the kiosk from ``phototerm``
whatever the command line says (``run_for_account``): the table's ``album``, ``query`` and
``slideshow`` win over the options, options that do not parse are ignored, and every other
sub-command is not allowed (exit 3).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn

from phototerm.cli import (
    NotAllowed,
    Subcommands,
    UsageError,
    add_space_arguments,
    note,
    settings,
    spaces,
)
from phototerm.library.photo import LABELS, PERSONAL, SHARED
from phototerm.library.settings import SLIDESHOW_MAX, SLIDESHOW_MIN, slideshow_seconds
from phototerm.library.text import safe

if TYPE_CHECKING:
    from phototerm.library import Library, SpaceSetup
    from phototerm.library.ingest.indexer import IndexProgress
    from phototerm.library.settings import KioskConfig
    from phototerm.tui.kiosk.plan import KioskPlan

DESCRIPTION = """\
Show photos read-only: a lobby screen, a digital frame, a guest account. The grid
and a full-screen slideshow of an album, a search or a space; nothing can be edited,
copied or saved, and nothing at all is written. q ends it."""


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    seconds = slideshow_seconds(value)
    if seconds is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number of seconds from {SLIDESHOW_MIN:g} to {SLIDESHOW_MAX:g}"
        )
    return seconds


def add_kiosk_arguments(p: argparse.ArgumentParser) -> None:
    what = p.add_mutually_exclusive_group()
    what.add_argument("--album", metavar="NAME", help="show this album")
    what.add_argument("--query", metavar="Q", help="show the photos this search finds")
    p.add_argument(
        "--space", choices=(PERSONAL, SHARED), help="show this space only (default: both)"
    )
    p.add_argument(
        "--slideshow",
        metavar="SECONDS",
        type=_seconds,
        help="start a full-screen slideshow at once, SECONDS a photo",
    )
    p.add_argument("--shuffle", action="store_true", help="show the photos in random order")
    p.add_argument(
        "--info",
        action="store_true",
        help="a caption with each photo: the date, and the place or the folder",
    )
    add_space_arguments(p)


def register(sub: Subcommands) -> None:
    p = sub.add_parser("kiosk", help="show photos read-only (lobby, frame, guest)")
    p.description = DESCRIPTION
    add_kiosk_arguments(p)
    p.set_defaults(handler=run)


# -- a kiosk account ------------------------------------------------------------------------

# Top-level options that take a value: the word after them is not a sub-command.
_TOP_VALUES = ("--personal", "--shared", "--theme")


class _Ignored(Exception):
    pass


class _QuietParser(argparse.ArgumentParser):
    """The kiosk's options for an account: a command line that does not parse is ignored."""

    def error(self, message: str) -> NoReturn:
        raise _Ignored(message)


def _subcommand(words: Sequence[str]) -> tuple[str | None, list[str]]:
    """The sub-command named on the command line (None: none) and the words after it."""
    rest = list(words)
    i = 0
    while i < len(rest):
        word = rest[i]
        if word == "--":
            return None, rest
        if word in _TOP_VALUES:
            i += 2
            continue
        if word.startswith("-"):
            i += 1
            continue
        return word, rest[:i] + rest[i + 1 :]
    return None, rest


def run_for_account(words: Sequence[str], kiosk: KioskConfig) -> int:
    """``phototerm [WORDS]`` by a kiosk account: the kiosk, or exit 3 for another command."""
    command, rest = _subcommand(words)
    if command is not None and command != "kiosk":
        raise NotAllowed(
            f"this account is a kiosk: it may only run the kiosk, not `{safe(command, 40)}` "
            "(the system config's [kiosk])"
        )
    parser = _QuietParser(prog="phototerm kiosk", add_help=False)
    add_kiosk_arguments(parser)
    try:
        args = parser.parse_args(rest)
    except _Ignored as exc:
        note(f"the kiosk ignores the command line ({exc})")
        args = parser.parse_args([])
    if kiosk.album is not None or kiosk.query is not None:
        args.album, args.query = kiosk.album, kiosk.query
    if kiosk.slideshow is not None:
        args.slideshow = kiosk.slideshow
    return run(args)


# -- the kiosk ------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    from phototerm.library.query import QueryError, parse
    from phototerm.tui.kiosk.plan import KioskPlan

    query = args.query or ""
    if query:
        try:
            parse(query)
        except QueryError as exc:
            from phototerm.cli.library_cmds import bad_query

            bad_query(query, exc)
    setup = _setup(args)
    library = _open(setup)
    try:
        album = _album(library, args.album) if args.album is not None else None
        if query:
            _check_query(library, query)
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            raise UsageError("the kiosk needs a terminal")
        if os.environ.get("TERM", "") in ("", "dumb"):
            raise UsageError("TERM is not set to a terminal that can draw the kiosk")
    except BaseException:
        library.close()
        raise
    plan = KioskPlan(
        album=album,
        query=query,
        space=args.space,
        slideshow=args.slideshow,
        shuffle=args.shuffle,
        caption=args.info,
    )
    return _show(library, plan)


def _setup(args: argparse.Namespace) -> SpaceSetup:
    """The spaces to open: those on, or the one ``--space`` names (an error when it is off)."""
    from dataclasses import replace

    setup = spaces(args, quiet=args.space is not None)
    if args.space is None:
        return setup
    chosen = setup.root_of(args.space)
    if chosen is None:
        why = dict(setup.off).get(args.space, f"{LABELS[args.space]} is off")
        if args.space in setup.no_role:
            raise NotAllowed(why)
        raise UsageError(why)
    return replace(setup, on=(chosen,))


def _open(setup: SpaceSetup) -> Library:
    from phototerm import library

    progress = _Progress()
    try:
        return library.open_library(
            settings(), setup, writable=False, write_cache=False, on_progress=progress
        )
    finally:
        progress.clear()


class _Progress:
    """How far a slow (cold) start got, on one line of the terminal, wiped before the kiosk
    draws. Nothing is said when the start is quick or stderr is not a terminal."""

    AFTER = 0.5  # seconds before the first line
    EVERY = 0.2  # seconds between lines

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.start = time.monotonic()
        self.last = 0.0
        self.shown = False

    def __call__(self, progress: IndexProgress) -> None:
        now = time.monotonic()
        if not self.tty or now - self.start < self.AFTER or now - self.last < self.EVERY:
            return
        self.last = now
        total = f" / {progress.total:,}" if progress.total else ""
        line = f"phototerm kiosk: {progress.phase} {progress.done:,}{total} photos"
        print(f"\r\x1b[K{line}", end="", file=sys.stderr, flush=True)
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            print("\r\x1b[K", end="", file=sys.stderr, flush=True)


def _album(library: Library, given: str) -> str:
    """The album's name as the index knows it (any case), or exit 2 naming the albums."""
    from phototerm.library.values import fold

    names = library.index.album_names()
    if given in names:
        return given
    matches = [name for name in names if fold(name) == fold(given)]
    if len(matches) == 1:
        return matches[0]
    _stores_unread(library)
    known = ", ".join(safe(n) for n in names[:10]) or "none"
    raise UsageError(f"no album named {safe(given)!r} (albums: {known})")


def _check_query(library: Library, query: str) -> None:
    from phototerm.cli.library_cmds import unknown_albums
    from phototerm.library.query import QueryError

    try:
        library.index.search(query)
    except QueryError as exc:
        raise UsageError(f"bad query: {exc}") from None
    unknown = unknown_albums(query, library.index.album_names())
    if unknown:
        _stores_unread(library)
        names = ", ".join(safe(n) for n in library.index.album_names()) or "none yet"
        listed = ", ".join(repr(safe(n)) for n in unknown)
        raise UsageError(f"no album named {listed} (albums: {names})")


def _stores_unread(library: Library) -> None:
    """A store that could not be read hides its albums: say so beside "no album"."""
    for status in library.unreadable_stores.values():
        note(status.message)


def _show(library: Library, plan: KioskPlan) -> int:
    # Textual reads these when it is imported: a log file, a screenshot file, devtools, a
    # driver class or keys to press, none of which a kiosk may have.
    for name in [n for n in os.environ if n.startswith("TEXTUAL")]:
        del os.environ[name]
    from phototerm.tui import colour_probe, terminal
    from phototerm.tui.kiosk.app import KioskApp

    # Asked before the app starts (Textual picks its colour system once): SSH does not carry
    # COLORTERM, and a guest's terminal may well show 24-bit colour. The terminal is asked on
    # stdin, which is it, rather than /dev/tty opened read-write: the kiosk opens nothing
    # for writing.
    def ask() -> bool | None:
        return colour_probe.ask_fd(sys.stdin.fileno())

    color = terminal.detect(os.environ, settings(), ask=ask)
    app = KioskApp(library, plan, settings=settings(), color=color)
    app.run()
    return int(app.return_code or 0)
