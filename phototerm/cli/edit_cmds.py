"""`phototerm rate | tag | album | reset | recycle-rejects`: edits from a script.

The same Editor as the keys in the browser. Every argument is checked before anything is
written: an unknown path or album is a clear error with exit 2 and nothing half-done.
Exit codes: 0 done, 1 refused or failed (read-only space, no permission, disk error),
2 bad arguments (unknown paths/albums, no confirmation without a terminal).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from phototerm.cli import (
    EXIT_ERROR,
    EXIT_OK,
    EXIT_USAGE,
    ArgumentParser,
    Subcommands,
    UsageError,
    add_rescan_argument,
    add_space_arguments,
    open_library,
    spaces,
)
from phototerm.library import Editor, Index, Library, paths
from phototerm.library.edits import EditResult
from phototerm.library.photo import PERSONAL, SHARED
from phototerm.library.spaces import LABELS, SpaceSetup
from phototerm.library.store import Store, open_store
from phototerm.library.text import safe

RATING_WORDS = {"x": -1, "reject": -1, "rejected": -1}


def register(sub: Subcommands) -> None:
    rate = sub.add_parser("rate", help="set the rating of photos (0 clears, -1 or x rejects)")
    rate.add_argument("rating", type=_rating, metavar="N", help="0-5, or -1/x for rejected")
    rate.add_argument("paths", nargs="+", metavar="PATH")
    add_space_arguments(rate)
    rate.set_defaults(handler=run_rate)

    tag = sub.add_parser("tag", help="add or remove a tag on photos")
    tag.add_argument("action", choices=("add", "remove"))
    tag.add_argument("tag", metavar="TAG")
    tag.add_argument("paths", nargs="+", metavar="PATH")
    add_space_arguments(tag)
    tag.set_defaults(handler=run_tag)

    album = sub.add_parser("album", help="list, show, create and edit albums")
    actions = album.add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=ArgumentParser
    )
    _album_parsers(actions)

    reset = sub.add_parser(
        "reset",
        help="delete phototerm's albums, links, sort orders or settings (photos are never touched)",
    )
    for flag, what in (
        ("albums", "albums (normal and conditional) and their links"),
        ("links", "share links"),
        ("sort-orders", "saved sort orders"),
        ("settings", "the settings file (config.toml)"),
        ("all", "all of the above"),
    ):
        reset.add_argument(f"--{flag}", action="store_true", help=f"delete {what}")
    _add_confirmed_space_arguments(reset)
    reset.set_defaults(handler=run_reset)

    recycle = sub.add_parser(
        "recycle-rejects", help="move rejected photos into the space's #recycle folder"
    )
    _add_confirmed_space_arguments(recycle)
    recycle.set_defaults(handler=run_recycle)


def _add_confirmed_space_arguments(parser: argparse.ArgumentParser) -> None:
    """--space and --yes, for the commands that change a whole space and so ask first."""
    parser.add_argument(
        "--space", choices=(PERSONAL, SHARED), default=None, help="only this space (default: both)"
    )
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    add_space_arguments(parser)


def _album_parsers(actions: Subcommands) -> None:
    def add(name: str, help: str, *args: tuple[str, dict[str, Any]]) -> None:
        parser = actions.add_parser(name, help=help)
        for arg, kwargs in args:
            parser.add_argument(arg, **kwargs)
        add_space_arguments(parser)
        if name in ("list", "show"):  # they only read
            add_rescan_argument(parser)
        parser.set_defaults(handler=run_album, album_action=name)

    add(
        "list",
        "list albums with their photo counts",
        ("--json", {"action": "store_true", "help": "one JSON object per album"}),
    )
    add("show", "the album's photos, one path per line", ("name", {"metavar": "NAME"}))
    add(
        "create",
        "create an album (with --query: a conditional album)",
        ("name", {"metavar": "NAME"}),
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
    add("rename", "rename an album", ("old", {"metavar": "OLD"}), ("new", {"metavar": "NEW"}))
    add("delete", "delete an album (its photos stay)", ("name", {"metavar": "NAME"}))


def _rating(text: str) -> int:
    if text.lower() in RATING_WORDS:
        return RATING_WORDS[text.lower()]
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a rating: {safe(text)!r} (0-5, -1 or x)") from None
    if not -1 <= value <= 5:
        raise argparse.ArgumentTypeError(f"a rating is 0-5, or -1/x for rejected, not {value}")
    return value


# -- a session: the spaces indexed, their stores open, an Editor ------------------------------


@dataclass
class _Session:
    library: Library
    editor: Editor

    @property
    def index(self) -> Index:
        return self.library.index

    @property
    def setup(self) -> SpaceSetup:
        return self.library.setup

    @property
    def stores(self) -> dict[str, Store]:
        return self.library.stores

    def close(self) -> None:
        self.library.close()


def _open(args: argparse.Namespace) -> _Session:
    setup = spaces(args)
    if not setup.on:
        raise UsageError("no space is on: " + "; ".join(r for _, r in setup.off))
    library = open_library(setup, writable=True, rescan=not getattr(args, "no_rescan", False))
    assert library.editor is not None  # opened with its stores
    return _Session(library, library.editor)


def _ids(session: _Session, given: list[str]) -> list[int]:
    """Index ids of the given paths; every unknown one is reported, then UsageError."""
    ids, bad = [], []
    for path in given:
        absolute = os.path.abspath(path)
        pid = session.index.id_of_path(absolute)
        if pid is None:
            pid = session.index.id_of_path(os.path.realpath(path))
        if pid is None:
            bad.append(path)
        else:
            ids.append(pid)
    if bad:
        roots = ", ".join(f"{s.label} {safe(s.root)}" for s in session.setup.on)
        for path in bad:
            reason = "no such file" if not os.path.lexists(path) else "not a photo in a space"
            print(f"phototerm: {safe(path)}: {reason}", file=sys.stderr)
        raise UsageError(
            f"{len(bad)} of {len(given)} paths are not photos of the spaces "
            f"({roots}); nothing was changed"
        )
    return ids


def _report(result: EditResult) -> int:
    for warning in result.warnings:
        print(f"phototerm: {warning}", file=sys.stderr)
    if not result.ok:
        print(f"phototerm: {result.message}", file=sys.stderr)
        return EXIT_ERROR
    print(result.message)
    return EXIT_OK


def _with_session(args: argparse.Namespace, work: Callable[[_Session], int]) -> int:
    session = _open(args)
    try:
        return work(session)
    finally:
        session.close()


# -- handlers ----------------------------------------------------------------------------------


def run_rate(args: argparse.Namespace) -> int:
    return _with_session(
        args, lambda s: _report(s.editor.set_rating(_ids(s, args.paths), args.rating))
    )


def run_tag(args: argparse.Namespace) -> int:
    def work(s: _Session) -> int:
        ids = _ids(s, args.paths)
        if args.action == "add":
            return _report(s.editor.add_tags(ids, [args.tag]))
        return _report(s.editor.remove_tags(ids, [args.tag]))

    return _with_session(args, work)


def run_album(args: argparse.Namespace) -> int:
    return _with_session(args, lambda s: _album(s, args))


def _album(s: _Session, args: argparse.Namespace) -> int:
    editor, action = s.editor, args.album_action
    if action == "list":
        for listed in editor.albums.names():
            record, count = editor.albums.record(listed), len(s.index.album_ids(listed))
            space = editor.albums.space_of(listed)
            assert record is not None and space is not None  # a name names() gave
            if args.json:
                print(
                    json.dumps(
                        {
                            "name": safe(listed),
                            "count": count,
                            "space": space,
                            "conditional": record.conditional,
                            "query": record.query,
                        },
                        ensure_ascii=False,
                    )
                )
            else:
                kind = f"  query: {safe(record.query)}" if record.conditional else ""
                print(f"{safe(listed)}\t{count} photos\t{LABELS.get(space, space)}{kind}")
        return EXIT_OK
    if action == "create":
        taken = editor.albums.shown_name(args.name)
        if taken is not None:  # a usage error, like an unknown album: the name is not free
            raise UsageError(f"an album named {safe(taken)!r} already exists")
        if args.query is not None:
            from phototerm.library.query import QueryError, parse

            try:
                parse(args.query)
            except QueryError as exc:
                raise UsageError(f"bad query: {exc}") from None
            return _report(
                editor.albums.create_conditional(args.name, args.query, space=args.space)
            )
        return _report(editor.albums.create(args.name, space=args.space))
    given = args.old if action == "rename" else args.name
    name = editor.albums.shown_name(given)
    if name is None:
        known = ", ".join(safe(n) for n in editor.albums.names()[:10]) or "none"
        raise UsageError(f"no album named {safe(given)!r} (albums: {known})")
    if action == "show":
        _print_paths(s.index, s.index.album_ids(name))
        return EXIT_OK
    if action == "add":
        return _report(editor.albums.add(name, _ids(s, args.paths)))
    if action == "remove":
        return _report(editor.albums.remove(name, _ids(s, args.paths)))
    if action == "rename":
        return _report(editor.albums.rename(name, args.new))
    return _report(editor.albums.delete(name))


def _print_paths(index: Index, ids: list[int]) -> None:
    out = sys.stdout
    for pid in ids:
        path = index.get(pid).path
        if out.isatty():  # a terminal gets the safe form; a pipe the real bytes
            out.write(safe(path) + "\n")
        else:
            out.flush()
            out.buffer.write(os.fsencode(path) + b"\n")
    out.flush()


def _n(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


# -- confirmation ------------------------------------------------------------------------------


def _confirm(lines: list[str], yes: bool, question: str) -> int | None:
    """None to go on, else the exit code. Lists what will happen first, always."""
    for line in lines:
        print(line)
    if yes:
        return None
    if not sys.stdin.isatty():
        print("phototerm: not a terminal: add --yes to confirm", file=sys.stderr)
        return EXIT_USAGE
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        answer = ""
    if answer.strip().lower() not in ("y", "yes"):
        print("Nothing was changed.")
        return EXIT_ERROR
    return None


def run_reset(args: argparse.Namespace) -> int:
    kinds = {
        k: getattr(args, k) or args.all for k in ("albums", "links", "sort_orders", "settings")
    }
    if not any(kinds.values()):
        raise UsageError("say what to reset: --albums, --links, --sort-orders, --settings or --all")
    setup = spaces(args)
    chosen = [s for s in setup.on if args.space in (None, s.name)]
    if args.space and not chosen:
        raise UsageError(f"the {LABELS[args.space]} is off")
    stores = {s.name: open_store(s) for s in chosen}
    try:
        return _reset(stores, kinds, args.yes)
    finally:
        for store in stores.values():
            store.close()


def _reset(stores: dict[str, Store], kinds: dict[str, bool], yes: bool) -> int:
    from phototerm.library.roles import Access, Identity

    access = Access(Identity.current(), stores)
    lines = ["This deletes:"]
    for name, store in stores.items():
        reason = (
            access.why_not_edit(name)
            if any(kinds[k] for k in ("albums", "links", "sort_orders"))
            else ""
        )
        if reason:
            print(f"phototerm: {reason}", file=sys.stderr)
            return EXIT_ERROR
        counts = store.counts()
        label = f"  {LABELS[name]} ({safe(store.path)}):"
        if kinds["albums"]:
            lines.append(
                f"{label} {_n(counts['albums'], 'album')} "
                f"({counts['conditional']} conditional) and their links"
            )
        if kinds["links"] or kinds["albums"]:
            lines.append(f"{label} {_n(counts['links'], 'share link')}")
        if kinds["sort_orders"]:
            lines.append(f"{label} {_n(counts['sort_orders'], 'sort order')}")
    settings = paths.config_file()
    if kinds["settings"]:
        there = "" if settings.exists() else " (there is none)"
        lines.append(f"  settings: {safe(str(settings))}{there}")
    lines.append("Photos, ratings, tags and descriptions are kept.")
    stop = _confirm(lines, yes, "Delete these?")
    if stop is not None:
        return stop
    for store in stores.values():
        if kinds["albums"] or kinds["links"] or kinds["sort_orders"]:
            store.reset(
                albums=kinds["albums"], links=kinds["links"], sort_orders=kinds["sort_orders"]
            )
    if kinds["settings"] and settings.exists():
        os.unlink(settings)
    print("Done.")
    return EXIT_OK


def run_recycle(args: argparse.Namespace) -> int:
    def work(s: _Session) -> int:
        spaces = [n for n in s.stores if args.space in (None, n)]
        if args.space and not spaces:
            raise UsageError(f"the {LABELS[args.space]} is off")
        plan = {n: s.editor.rejected(n) for n in spaces}
        if not any(plan.values()):
            print("No rejected photos.")
            return EXIT_OK
        for n, ids in plan.items():
            reason = s.editor.access.why_not_manage(n) if ids else ""
            if reason:
                print(f"phototerm: {reason}", file=sys.stderr)
                return EXIT_ERROR
        lines = [
            f"{_n(len(ids), 'rejected photo')} of the {LABELS[n]} move to "
            f"{safe(os.path.join(s.stores[n].root, '#recycle'))}"
            for n, ids in plan.items()
            if ids
        ]
        lines.append("Nothing is deleted: the #recycle folder keeps their folders.")
        stop = _confirm(lines, args.yes, "Move them?")
        if stop is not None:
            return stop
        code = EXIT_OK
        for n, ids in plan.items():
            if ids:
                result = s.editor.recycle_rejects(n)
                for error in result.errors:
                    print(f"phototerm: {error}", file=sys.stderr)
                print(result.message)
                code = code if result.ok else EXIT_ERROR
        return code

    return _with_session(args, work)
