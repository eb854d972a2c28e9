"""`phototerm ls` and `phototerm index`: the library read from a script."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from phototerm.cli import (
    EXIT_OK,
    EXIT_USAGE,
    Subcommands,
    add_rescan_argument,
    add_space_arguments,
    open_library,
    spaces,
)
from phototerm.library.photo import Photo
from phototerm.library.query import QueryError, parse
from phototerm.library.text import safe

if TYPE_CHECKING:
    from phototerm.library.index import Index

SORT_KEYS = ("taken", "name", "size", "mtime", "rating", "path")


def register(sub: Subcommands) -> None:
    ls = sub.add_parser("ls", help="list matching photos, one path per line")
    ls.add_argument("query", nargs="?", default="", help="search language query (see README)")
    add_space_arguments(ls)
    ls.add_argument("--sort", choices=SORT_KEYS, default="taken", help="sort key (default taken)")
    ls.add_argument("--desc", action="store_true", help="descending order")
    ls.add_argument("--json", action="store_true", help="one JSON object per line")
    add_rescan_argument(ls)
    ls.set_defaults(handler=run_ls)

    idx = sub.add_parser("index", help="scan both spaces, refresh the cache, print a summary")
    add_space_arguments(idx)
    idx.add_argument("--json", action="store_true", help="print one JSON object")
    idx.set_defaults(handler=run_index)


def iso_taken(photo: Photo) -> str | None:
    if photo.taken is None:
        return None
    wall = datetime.fromtimestamp(photo.taken, UTC).replace(tzinfo=None)
    if photo.tz_offset is not None:
        return wall.replace(tzinfo=timezone(timedelta(minutes=photo.tz_offset))).isoformat()
    return wall.isoformat()


def photo_json(photo: Photo) -> dict[str, Any]:
    # JSON cannot carry surrogate escapes: a non-UTF-8 path is given in its displayable form
    # plus the raw bytes in hex, so a script can still reach the file.
    path = photo.path
    record: dict[str, Any] = {"path": safe(path) if _has_surrogates(path) else path}
    if _has_surrogates(path):
        record["path_bytes_hex"] = os.fsencode(path).hex()
    record.update(
        space=photo.space,
        taken=iso_taken(photo),
        camera=photo.camera or None,
        lens=photo.lens or None,
        rating=photo.rating,
        width=photo.width or None,
        height=photo.height or None,
        type=photo.kind,
    )
    if photo.error:
        record["error"] = photo.error
    return record


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def run_ls(args: argparse.Namespace) -> int:
    try:
        parse(args.query)  # a bad query fails before any scanning
    except QueryError as exc:
        print(f"phototerm: bad query: {exc}", file=sys.stderr)
        print(f"  {safe(args.query)}\n  {' ' * exc.position}^", file=sys.stderr)
        return EXIT_USAGE
    with open_library(spaces(args), rescan=not args.no_rescan) as library:
        return _list(library.index, args)


def _list(index: Index, args: argparse.Namespace) -> int:
    try:
        ids = index.search(args.query, sort=args.sort, descending=args.desc)
    except QueryError as exc:  # album:/tag: names are only known once the store is read
        print(f"phototerm: bad query: {exc}", file=sys.stderr)
        return EXIT_USAGE
    unknown = unknown_albums(args.query, index.album_names())
    if unknown:
        names = ", ".join(safe(n) for n in index.album_names()) or "none yet"
        listed = ", ".join(repr(safe(n)) for n in unknown)
        print(f"phototerm: error: no album named {listed} (albums: {names})", file=sys.stderr)
        return EXIT_USAGE
    out = sys.stdout
    tty = out.isatty()
    for photo_id in ids:
        if args.json:
            out.write(json.dumps(photo_json(index.get(photo_id)), ensure_ascii=False) + "\n")
        else:
            # Paths are written as on disk (raw bytes for non-UTF-8 names), so they can be
            # passed to other commands; a pipe is not a terminal, a terminal gets safe().
            path = index.path(photo_id)  # the path alone: no whole record per line
            if tty:
                out.write(safe(path) + "\n")
            else:
                out.flush()
                out.buffer.write(os.fsencode(path) + b"\n")
    out.flush()
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
    photos = len(index.search("type:photo"))
    videos = len(index.search("type:video"))
    errors = [{"path": safe(e.path), "reason": safe(e.reason)} for e in result.errors]
    errors += [
        {"path": safe(p.path), "reason": safe(p.error)}
        for p in (index.get(i) for i in index.search("is:error"))
    ]
    if args.json:
        print(
            json.dumps(
                {
                    "photos": photos,
                    "videos": videos,
                    "seconds": round(result.seconds, 3),
                    "errors": errors,
                    "spaces": {s.name: s.root for s in setup.on},
                    "cached": result.cached,
                    "read": result.read,
                },
                ensure_ascii=False,
            )
        )
        return EXIT_OK
    for space in setup.on:
        print(f"{space.label}: {safe(space.root)}")
    print(
        f"{photos} photos, {videos} videos in {result.seconds:.2f} s "
        f"({result.read} read, {result.cached} from cache)"
    )
    if errors:
        print(f"{len(errors)} problems:")
        for err in errors[:50]:
            print(f"  {err['path']}: {err['reason']}")
        if len(errors) > 50:
            print(f"  ... and {len(errors) - 50} more (phototerm index --json lists all)")
    return EXIT_OK
