"""`phototerm ls` and `phototerm index`: the library read from a script."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, NoReturn

from phototerm.cli import (
    EXIT_OK,
    EXIT_STATUS,
    Subcommands,
    UsageError,
    add_ignore_store_argument,
    add_rescan_argument,
    add_space_arguments,
    counted,
    open_library,
    require_readable_stores,
    spaces,
)
from phototerm.cli.photo_output import json_line, write_photos
from phototerm.library.query import QueryError, parse
from phototerm.library.text import safe

if TYPE_CHECKING:
    from phototerm.library.index import Index

SORT_KEYS = ("taken", "name", "size", "mtime", "rating", "path")

QUERY_WORDS = """\
The query may be one argument or several words; a word that starts with "-" and is not an
option of ls is part of it (ls -camera:canon: not a Canon), and every word after "--"
is too (ls -- -0: photos without "0" in them).

"""

OUTPUT = """\
Output: to a pipe, each path as its raw bytes (non-UTF-8 names as on disk) followed by a
newline, so a name that holds a newline spans two lines: use -0 to end each path with a NUL
byte instead (xargs -0). To a terminal, control characters in names are shown as U+FFFD.
--json writes one JSON object per line (or per NUL with -0).

"""


def register(sub: Subcommands) -> None:
    ls = sub.add_parser(
        "ls",
        help="list matching photos, one path per line",
        description="List the photos that match QUERY (all photos without one).",
        epilog=QUERY_WORDS + OUTPUT + EXIT_STATUS,
        query_words=True,
    )
    ls.add_argument("query", nargs="*", metavar="QUERY", help="search language query (see README)")
    add_space_arguments(ls)
    ls.add_argument("--sort", choices=SORT_KEYS, default="taken", help="sort key (default taken)")
    ls.add_argument("--desc", action="store_true", help="descending order")
    add_output_arguments(ls)
    add_ignore_store_argument(ls)
    add_rescan_argument(ls)
    ls.set_defaults(handler=run_ls)

    idx = sub.add_parser("index", help="scan both spaces, refresh the cache, print a summary")
    add_space_arguments(idx)
    idx.add_argument("--json", action="store_true", help="print one JSON object")
    idx.set_defaults(handler=run_index)


def add_output_arguments(parser: argparse.ArgumentParser) -> None:
    """--json and -0, for the commands that list photos."""
    parser.add_argument(
        "--json", action="store_true", help="one JSON object per photo (tags, exposure, GPS, ...)"
    )
    parser.add_argument(
        "-0",
        "--null",
        action="store_true",
        help="end each path (or JSON object) with a NUL byte instead of a newline",
    )


def run_ls(args: argparse.Namespace) -> int:
    query = " ".join(args.query)
    try:
        parse(query)  # a bad query fails before any scanning
    except QueryError as exc:
        bad_query(query, exc)
    with open_library(spaces(args), rescan=not args.no_rescan) as library:
        require_readable_stores(library, ignore=args.ignore_store)
        return _list(library.index, query, args)


def bad_query(query: str, exc: QueryError) -> NoReturn:
    """A query that cannot be understood: the reason, and where (exit 2)."""
    raise UsageError(f"bad query: {exc}", [f"  {safe(query)}", f"  {' ' * exc.position}^"])


def _list(index: Index, query: str, args: argparse.Namespace) -> int:
    try:
        ids = index.search(query, sort=args.sort, descending=args.desc)
    except QueryError as exc:  # album:/tag: names are only known once the store is read
        raise UsageError(f"bad query: {exc}") from None
    unknown = unknown_albums(query, index.album_names())
    if unknown:
        names = ", ".join(safe(n) for n in index.album_names()) or "none yet"
        listed = ", ".join(repr(safe(n)) for n in unknown)
        raise UsageError(f"no album named {listed} (albums: {names})")
    write_photos(index, ids, sys.stdout, as_json=args.json, null=args.null)
    return EXIT_OK


def unknown_albums(text: str, names: list[str]) -> list[str]:
    """The album names a query asks for (``album:"X"``) that no album has: a script that
    misspells one must hear about it (``ls`` exits 2, as for an unknown path), not get an
    empty list."""
    from phototerm.library import query
    from phototerm.library.values import fold

    known = {fold(name) for name in names}
    wanted: list[str] = []

    def walk(node: query.Node) -> None:
        if isinstance(node, query.Album):
            if node.album not in known and node.album not in wanted:
                wanted.append(node.album)
        elif isinstance(node, query.Not):
            walk(node.item)
        elif isinstance(node, query.And | query.Or):
            for item in node.items:
                walk(item)

    walk(query.parse(text).node)
    return wanted


def run_index(args: argparse.Namespace) -> int:
    setup = spaces(args, quiet=args.json)
    library = open_library(setup, with_stores=False)
    index, result = library.index, library.scan
    # Files, each on its own: a RAW+JPEG pair is two photos here, a Live Photo a photo and
    # a video, and a broken file of a pair is named, not its partner.
    photos = index.count("type:photo", files=True)
    videos = index.count("type:video", files=True)
    errors = [{"path": safe(e.path), "reason": safe(e.reason)} for e in result.errors]
    errors += [
        {"path": safe(p.path), "reason": safe(p.error)}
        for p in (index.get(i) for i in index.search_files("is:error"))
    ]
    if args.json:
        print(
            json_line(
                {
                    "photos": photos,
                    "videos": videos,
                    "seconds": round(result.seconds, 3),
                    "errors": errors,
                    "spaces": {s.name: s.root for s in setup.on},
                    "cached": result.cached,
                    "read": result.read,
                }
            )
        )
        return EXIT_OK
    for space in setup.on:
        print(f"{space.label}: {safe(space.root)}")
    print(
        f"{counted(photos, 'photo')}, {counted(videos, 'video')} in {result.seconds:.2f} s "
        f"({result.read} read, {result.cached} from cache)"
    )
    if errors:
        print(f"{counted(len(errors), 'problem')}:")
        for err in errors[:50]:
            print(f"  {err['path']}: {err['reason']}")
        if len(errors) > 50:
            print(f"  ... and {len(errors) - 50} more (phototerm index --json lists all)")
    return EXIT_OK
