"""`phototerm rate | tag | describe | reset | recycle-rejects`: edits from a script.

The same Editor as the keys in the browser. Every argument is checked before anything is
written: an unknown path is a clear error with exit 2 and nothing half-done; an edit the
user's role does not allow exits 3 (exit status 3 is "not allowed": the role, or the system
config's application privilege); another refused edit (read-only space, no file permission,
a store that cannot be read) exits 1.
"""

from __future__ import annotations

import argparse
import os

from phototerm.cli import (
    EXIT_ERROR,
    EXIT_OK,
    CommandParser,
    Failed,
    NotAllowed,
    Subcommands,
    UsageError,
    add_space_arguments,
    counted,
    error,
    spaces,
    unreadable_stores,
)
from phototerm.cli.session import confirm, name_argument, photo_ids, report, with_editor
from phototerm.library import Editor, Library, paths
from phototerm.library.photo import PERSONAL, SHARED
from phototerm.library.roles import Access, Identity, Role, not_allowed
from phototerm.library.spaces import LABELS
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
    tag.add_argument("tag", metavar="TAG", type=name_argument("a tag"))
    tag.add_argument("paths", nargs="+", metavar="PATH")
    add_space_arguments(tag)
    tag.set_defaults(handler=run_tag)

    describe = sub.add_parser("describe", help="set or clear the description of photos")
    actions = describe.add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=CommandParser
    )
    set_ = actions.add_parser("set", help="give photos a description")
    set_.add_argument("text", metavar="TEXT", type=_description)
    set_.add_argument("paths", nargs="+", metavar="PATH")
    clear = actions.add_parser("clear", help="clear the description (the file's own is hidden too)")
    clear.add_argument("paths", nargs="+", metavar="PATH")
    for parser in (set_, clear):
        add_space_arguments(parser)
        parser.set_defaults(handler=run_describe)

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


def _description(text: str) -> str:
    if not safe(text).strip():
        raise argparse.ArgumentTypeError("a description cannot be empty (describe clear clears)")
    return text


def run_rate(args: argparse.Namespace) -> int:
    def work(library: Library, editor: Editor) -> int:
        doing = "rejecting" if args.rating == -1 else "rating"
        return report(editor.set_rating(photo_ids(library, args.paths, doing), args.rating))

    return with_editor(args, work)


def run_tag(args: argparse.Namespace) -> int:
    def work(library: Library, editor: Editor) -> int:
        ids = photo_ids(library, args.paths, "tagging")
        if args.action == "add":
            return report(editor.add_tags(ids, [args.tag]))
        return report(editor.remove_tags(ids, [args.tag]))

    return with_editor(args, work)


def run_describe(args: argparse.Namespace) -> int:
    text = args.text if args.action == "set" else ""

    def work(library: Library, editor: Editor) -> int:
        ids = photo_ids(library, args.paths, "describing")
        return report(editor.set_description(ids, text))

    return with_editor(args, work)


# -- whole spaces: asked first ----------------------------------------------------------------


def run_reset(args: argparse.Namespace) -> int:
    kinds = {
        k: getattr(args, k) or args.all for k in ("albums", "links", "sort_orders", "settings")
    }
    if not any(kinds.values()):
        raise UsageError("say what to reset: --albums, --links, --sort-orders, --settings or --all")
    in_stores = any(kinds[k] for k in ("albums", "links", "sort_orders"))
    setup = spaces(args, required=in_stores)  # the settings file needs no space
    chosen = [s for s in setup.on if args.space in (None, s.name)] if in_stores else []
    if args.space and in_stores and not chosen:
        if args.space in setup.no_role:
            raise NotAllowed(dict(setup.off)[args.space])
        raise UsageError(f"the {LABELS[args.space]} is off")
    roles = Access(Identity.current(), {}, roots={s.name: s.root for s in chosen})
    for space in chosen:  # before any store is opened (and perhaps created) for writing
        refusal = roles.why_not(space.name, Role.MANAGE, "resetting")
        if refusal:
            raise NotAllowed(refusal)
    stores = {s.name: open_store(s) for s in chosen}
    try:
        return _reset(stores, kinds, args.yes)
    finally:
        for store in stores.values():
            store.close()


def _reset(stores: dict[str, Store], kinds: dict[str, bool], yes: bool) -> int:
    access = Access(Identity.current(), stores)
    lines = ["This deletes:"]
    for name, store in stores.items():
        reason = access.why_not_edit(name, "resetting")
        if reason:
            error(reason)
            return EXIT_ERROR
        counts = store.counts()
        label = f"  {LABELS[name]} ({safe(store.path)}):"
        if kinds["albums"]:
            lines.append(
                f"{label} {counted(counts['albums'], 'album')} "
                f"({counts['conditional']} conditional) and their links"
            )
        if kinds["links"] or kinds["albums"]:
            lines.append(f"{label} {counted(counts['links'], 'share link')}")
        if kinds["sort_orders"]:
            lines.append(f"{label} {counted(counts['sort_orders'], 'sort order')}")
    settings = paths.config_file()
    if kinds["settings"]:
        there = "" if settings.exists() else " (there is none)"
        lines.append(f"  settings: {safe(str(settings))}{there}")
    lines.append("Photos, ratings, tags and descriptions are kept.")
    stop = confirm(lines, yes, "Delete these?")
    if stop is not None:
        return stop
    for store in stores.values():
        store.reset(albums=kinds["albums"], links=kinds["links"], sort_orders=kinds["sort_orders"])
    if kinds["settings"] and settings.exists():
        os.unlink(settings)
    print("Done.")
    return EXIT_OK


def run_recycle(args: argparse.Namespace) -> int:
    def work(library: Library, editor: Editor) -> int:
        chosen = [n for n in library.stores if args.space in (None, n)]
        if args.space and not chosen:
            raise UsageError(f"the {LABELS[args.space]} is off")
        unreadable = unreadable_stores(library, only=chosen)
        if unreadable:  # which photos are rejected is kept there: no answer is better than 0
            for problem in unreadable:
                error(problem)
            raise Failed("cannot tell which photos are rejected; nothing was moved")
        plan = {n: editor.rejected(n) for n in chosen}
        if not any(plan.values()):
            print("No rejected photos.")
            return EXIT_OK
        for n, ids in plan.items():
            reason = editor.access.why_not_manage(n, "moving rejects to #recycle") if ids else ""
            if not_allowed(reason):
                raise NotAllowed(reason)
            if reason:
                error(reason)
                return EXIT_ERROR
        lines = [
            f"{counted(len(ids), 'rejected photo')} of the {LABELS[n]} move to "
            f"{safe(os.path.join(library.stores[n].root, '#recycle'))}"
            for n, ids in plan.items()
            if ids
        ]
        lines.append("Nothing is deleted: the #recycle folder keeps their folders.")
        stop = confirm(lines, args.yes, "Move them?")
        if stop is not None:
            return stop
        code = EXIT_OK
        for n, ids in plan.items():
            if ids:
                result = editor.recycle_rejects(n)
                for problem in result.errors:
                    error(problem)
                print(result.message)
                code = code if result.ok else EXIT_ERROR
        return code

    return with_editor(args, work)
