"""`phototerm album list | show | create | add | remove | rename | delete`.

`list` and `show` only read: they open the stores read-only (creating no file) and stop with
exit 1 when a store cannot be read, unless --ignore-store. The others are edits through the
Editor, as the album dialog's keys are. A name that is taken, empty or unknown is a usage
error (exit 2); an edit the user's role does not allow exits 3, another refused edit 1.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from phototerm.cli import (
    EXIT_OK,
    EXIT_STATUS,
    CommandParser,
    NotAllowed,
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
from phototerm.cli.library_cmds import OUTPUT, add_output_arguments, bad_query
from phototerm.cli.photo_output import json_line, write_photos
from phototerm.cli.session import name_argument, photo_ids, report, with_editor
from phototerm.library import Editor, Library
from phototerm.library.edits import MAX_NAME
from phototerm.library.edits.albums import AlbumEdits
from phototerm.library.photo import PERSONAL, SHARED
from phototerm.library.roles import not_allowed
from phototerm.library.spaces import LABELS
from phototerm.library.text import safe

READING = ("list", "show")


def register(sub: Subcommands) -> None:
    album = sub.add_parser("album", help="list, show, create and edit albums")
    actions = album.add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=CommandParser
    )
    name = {"metavar": "NAME", "type": name_argument("an album name", MAX_NAME)}

    def add(action: str, help: str, *args: tuple[str, dict[str, Any]]) -> CommandParser:
        epilog = OUTPUT + EXIT_STATUS if action == "show" else EXIT_STATUS
        parser = actions.add_parser(action, help=help, epilog=epilog)
        for arg, kwargs in args:
            parser.add_argument(arg, **kwargs)
        add_space_arguments(parser)
        if action in READING:
            add_ignore_store_argument(parser)
            add_rescan_argument(parser)
        parser.set_defaults(handler=run_album, album_action=action)
        return parser

    listing = add("list", "list albums with their photo counts")
    listing.add_argument("--json", action="store_true", help="one JSON object per album")
    show = add("show", "the album's photos, one path per line", ("name", {"metavar": "NAME"}))
    add_output_arguments(show)
    add(
        "create",
        "create an album (with --query: a conditional album)",
        ("name", name),
        ("--query", {"metavar": "Q", "default": None, "help": "search for a conditional album"}),
        (
            "--space",
            {
                "choices": (PERSONAL, SHARED),
                "default": None,
                "help": "where the album lives (default: Personal Space)",
            },
        ),
    )
    add(
        "add",
        "add photos to an album",
        ("name", {"metavar": "NAME"}),
        ("paths", {"nargs": "+", "metavar": "PATH"}),
    )
    add(
        "remove",
        "remove photos from an album (the photos stay)",
        ("name", {"metavar": "NAME"}),
        ("paths", {"nargs": "+", "metavar": "PATH"}),
    )
    add(
        "rename",
        "rename an album",
        ("old", {"metavar": "OLD"}),
        ("new", {**name, "metavar": "NEW"}),
    )
    add("delete", "delete an album (its photos stay)", ("name", {"metavar": "NAME"}))


def run_album(args: argparse.Namespace) -> int:
    if args.album_action in READING:
        # Only reading: the stores are opened read-only, so no file is created or changed.
        with open_library(spaces(args), rescan=not args.no_rescan) as library:
            require_readable_stores(library, ignore=args.ignore_store)
            assert library.editor is not None  # opened with its stores
            if args.album_action == "list":
                return _list(library, library.editor.albums, args.json)
            _show(library, library.editor.albums, args)
            return EXIT_OK
    return with_editor(args, lambda library, editor: _edit(library, editor, args))


def _list(library: Library, albums: AlbumEdits, as_json: bool) -> int:
    for listed in albums.names():
        record, count = albums.record(listed), len(library.index.album_ids(listed))
        space = albums.space_of(listed)
        assert record is not None and space is not None  # a name names() gave
        if as_json:
            print(
                json_line(
                    {
                        "name": listed,
                        "count": count,
                        "space": space,
                        "conditional": record.conditional,
                        "query": record.query,
                    }
                )
            )
        else:
            kind = f"  query: {safe(record.query)}" if record.conditional else ""
            photos = counted(count, "photo")
            print(f"{safe(listed)}\t{photos}\t{LABELS.get(space, space)}{kind}")
    return EXIT_OK


def _show(library: Library, albums: AlbumEdits, args: argparse.Namespace) -> None:
    name = _known(albums, args.name)
    ids = library.index.album_ids(name)
    write_photos(library.index, ids, sys.stdout, as_json=args.json, null=args.null)


def _known(albums: AlbumEdits, given: str) -> str:
    """The album's name as shown, or a usage error naming the albums there are."""
    name = albums.shown_name(given)
    if name is None:
        known = ", ".join(safe(n) for n in albums.names()[:10]) or "none"
        raise UsageError(f"no album named {safe(given)!r} (albums: {known})")
    return name


def _free(albums: AlbumEdits, wanted: str, renaming: str | None = None) -> None:
    """A name another album has is a usage error, like an unknown one (renaming an album to
    another spelling of its own name is fine)."""
    taken = albums.shown_name(wanted)
    if taken is not None and taken != renaming:
        raise UsageError(f"an album named {safe(taken)!r} already exists")


def _allowed(editor: Editor, spaces: list[str]) -> None:
    """NotAllowed when the role in none of ``spaces`` lets the user change albums there."""
    reasons = [editor.access.why_not_edit(space, "changing albums") for space in spaces]
    if reasons and all(not_allowed(r) for r in reasons):
        raise NotAllowed(reasons[0])


def _edit(library: Library, editor: Editor, args: argparse.Namespace) -> int:
    albums, action = editor.albums, args.album_action
    if action == "create":
        _allowed(editor, [args.space] if args.space in editor.stores else list(editor.stores))
        _free(albums, args.name)
        if args.query is not None:
            from phototerm.library.query import QueryError, parse

            try:
                parse(args.query)
            except QueryError as exc:
                bad_query(args.query, exc)
            return report(albums.create_conditional(args.name, args.query, space=args.space))
        return report(albums.create(args.name, space=args.space))
    name = _known(albums, args.old if action == "rename" else args.name)
    space = albums.space_of(name)
    _allowed(editor, [space] if space is not None else [])
    if action == "add":
        return report(albums.add(name, photo_ids(library, args.paths)))
    if action == "remove":
        return report(albums.remove(name, photo_ids(library, args.paths)))
    if action == "rename":
        _free(albums, args.new, renaming=name)
        return report(albums.rename(name, args.new))
    return report(albums.delete(name))
