"""`phototerm share link | user | list | revoke` and `phototerm export`.

The share commands are thin callers of the Editor's ``shares`` part (what the share dialog
does); ``export`` copies originals out for people allowed to download. Unknown album or share
id: exit 2; a role that does not allow it: exit 3.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
from typing import Any

from phototerm.cli import (
    EXIT_ERROR,
    EXIT_OK,
    EXIT_STATUS,
    CommandParser,
    Failed,
    NotAllowed,
    Subcommands,
    UsageError,
    add_ignore_store_argument,
    add_space_arguments,
    counted,
    error,
    note,
    open_library,
    require_readable_stores,
    settings,
    spaces,
)
from phototerm.cli.library_cmds import bad_query
from phototerm.cli.photo_output import json_line
from phototerm.cli.session import with_editor
from phototerm.library import Editor, Library
from phototerm.library.edits.shares import ShareResult
from phototerm.library.photo import PERSONAL, SHARED
from phototerm.library.roles import not_allowed
from phototerm.library.sharing.export import ExportProblem, export_photos
from phototerm.library.sharing.links import BadExpiry, expiry_day, link_url, parse_expiry
from phototerm.library.sharing.passwords import MAX_PASSWORD
from phototerm.library.sharing.people import BadRecipient, recipient, shared_with
from phototerm.library.store import ROLES
from phototerm.library.text import safe

SHARE_HELP = """\
A link is served by `phototerm serve` at <public_url>/s/<token> (public_url in config.toml).
One link per album: `share link` again changes it (same address) to what its options say.
"""


def register(sub: Subcommands) -> None:
    share = sub.add_parser(
        "share", help="share albums by link or with people of this machine", epilog=EXIT_STATUS
    )
    actions = share.add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=CommandParser
    )

    def add(action: str, help: str, *args: tuple[str, dict[str, Any]]) -> CommandParser:
        parser = actions.add_parser(
            action, help=help, description=help, epilog=SHARE_HELP + EXIT_STATUS
        )
        for arg, kwargs in args:
            parser.add_argument(arg, **kwargs)
        add_space_arguments(parser)
        parser.set_defaults(handler=run_share, share_action=action)
        return parser

    add(
        "link",
        "make (or change) the album's public link and print its URL",
        ("album", {"metavar": "ALBUM"}),
        (
            "--password",
            {
                "action": "store_true",
                "help": "protect it with a password (asked on the terminal, or one line of "
                "standard input when it is not one)",
            },
        ),
        ("--expires", {"metavar": "YYYY-MM-DD", "help": "the last day the link works"}),
        ("--download", {"action": "store_true", "help": "visitors may download originals"}),
    )
    add(
        "user",
        "share a Shared Space album with a user or @group of this machine",
        ("album", {"metavar": "ALBUM"}),
        ("who", {"metavar": "USER|@GROUP"}),
        (
            "role",
            {
                "metavar": "ROLE",
                "choices": (*ROLES, "none"),
                "help": "viewer, downloader, provider; none takes them off",
            },
        ),
    )
    listing = add("list", "every share you can see: links and people")
    listing.add_argument("--json", action="store_true", help="one JSON object per share")
    add_ignore_store_argument(listing)
    add(
        "revoke",
        "revoke a share (a link stops working at once)",
        ("id", {"metavar": "ID", "type": _share_id}),
        ("--space", {"choices": (PERSONAL, SHARED), "help": "the space whose share ID is"}),
    )

    export = sub.add_parser(
        "export",
        help="copy originals of an album or a search into a folder",
        description=(
            "Copy the original files of the photos QUERY finds (or of --album NAME) into\n"
            "DEST. Needs the download role (a space's owner has it) or an album shared with\n"
            "you as downloader. Never overwrites: a name already taken gets a suffix; a\n"
            "file already there with the same bytes is not copied again."
        ),
        epilog=EXIT_STATUS,
        usage="phototerm export (QUERY... | --album NAME) DEST [--personal DIR] [--shared DIR]",
        query_words=True,
    )
    export.add_argument(
        "words", nargs="+", metavar="WORD", help="the query's words (if any), then DEST"
    )
    export.add_argument("--album", metavar="NAME", help="the album to copy")
    add_space_arguments(export)
    add_ignore_store_argument(export)
    export.set_defaults(handler=run_export)


def _share_id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a share id (share list)") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a share id (share list)")
    return value


def run_share(args: argparse.Namespace) -> int:
    if args.share_action == "list":
        with open_library(spaces(args)) as library:
            require_readable_stores(library, ignore=args.ignore_store)
            assert library.editor is not None  # opened with its stores
            return _list(library, library.editor, args.json)
    if args.share_action == "link":
        expires = _expiry(args.expires)
        password = _password() if args.password else None
        return with_editor(args, lambda lib, ed: _link(ed, args, expires, password))
    if args.share_action == "user":
        return with_editor(args, lambda lib, ed: _user(ed, args))
    return with_editor(args, lambda lib, ed: _revoke(ed, args))


def _expiry(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return parse_expiry(text)
    except BadExpiry as exc:
        raise UsageError(f"--expires: {exc}") from None


def _password() -> str:
    """The link's password: asked twice on a terminal, else one line of standard input."""
    if sys.stdin.isatty():
        first = getpass.getpass("Password for the link: ")
        if getpass.getpass("Again: ") != first:
            raise UsageError("the two passwords differ; nothing was changed")
    else:
        first = sys.stdin.readline().rstrip("\r\n")
    if not first:
        raise UsageError("a password cannot be empty")
    if len(first) > MAX_PASSWORD:
        raise UsageError(f"a password is at most {MAX_PASSWORD} characters")
    return first


def _known(editor: Editor, album: str) -> str:
    name = editor.albums.shown_name(album)
    if name is None:
        known = ", ".join(safe(n) for n in editor.albums.names()[:10]) or "none"
        raise UsageError(f"no album named {safe(album)!r} (albums: {known})")
    return name


def _outcome(result: ShareResult) -> None:
    """A refusal: exit 3 when the role refused it, else 1 (raised as such)."""
    if result.ok:
        return
    if not_allowed(result.message):
        raise NotAllowed(result.message)
    raise Failed(result.message)


def _link(
    editor: Editor, args: argparse.Namespace, expires: float | None, password: str | None
) -> int:
    album = _known(editor, args.album)
    result = editor.shares.set_link(
        album, password=password, expires=expires, download=args.download
    )
    _outcome(result)
    assert result.share is not None
    note(result.message)
    print(link_url(settings().public_url, result.share.token))
    return EXIT_OK


def _user(editor: Editor, args: argparse.Namespace) -> int:
    album = _known(editor, args.album)
    if args.role == "none":
        result = editor.shares.unshare(album, args.who.strip())
    else:
        try:
            who = recipient(args.who, args.role)
        except BadRecipient as exc:
            raise UsageError(str(exc)) from None
        result = editor.shares.share_with(album, who)
        if result.ok:
            for problem in editor.shares.unreadable(album, [who]):
                note(f"{problem.line()} (the file permissions decide; see access check)")
    _outcome(result)
    print(result.message)
    return EXIT_OK


def _revoke(editor: Editor, args: argparse.Namespace) -> int:
    spaces_with = [
        space
        for space in (PERSONAL, SHARED)
        if (args.space in (None, space))
        and space in editor.stores
        and editor.stores[space].shares.by_id(args.id) is not None
    ]
    if not spaces_with:
        raise UsageError(f"no share with id {args.id} (phototerm share list shows them)")
    if len(spaces_with) > 1:
        raise UsageError(f"share {args.id} is in both spaces: add --space personal or shared")
    result = editor.shares.revoke(args.id, spaces_with[0])
    _outcome(result)
    print(result.message)
    return EXIT_OK


def _when(stamp: float | None) -> str | None:
    if stamp is None:
        return None
    return dt.datetime.fromtimestamp(stamp).astimezone().isoformat(timespec="seconds")


def _list(library: Library, editor: Editor, as_json: bool) -> int:
    public_url = settings().public_url
    rows = editor.shares.all()
    mine = shared_with(editor.identity, editor.stores)
    for space, share in rows:
        record = {
            "id": share.id,
            "space": space,
            "album": share.album,
            "url": link_url(public_url, share.token) if share.is_link else None,
            "permission": share.permission,
            "expires": expiry_day(share.expires),
            "password": share.password_hash is not None,
            "recipients": [{"who": r.who, "role": r.role} for r in share.recipients],
            "last_opened": _when(share.last_opened),
        }
        if as_json:
            print(json_line(record))
            continue
        what = safe(share.album or "(a photo)")
        if share.is_link:
            extras = [share.permission]
            if share.password_hash:
                extras.append("password")
            day = expiry_day(share.expires)
            extras.append(f"until {day}" if day else "no expiry")
            if share.expired():
                extras.append("EXPIRED")
            opened = _when(share.last_opened)
            extras.append(f"opened {opened}" if opened else "never opened")
            print(f"{share.id}\t{what}\t{record['url']}\t{', '.join(extras)}")
        else:
            people = ", ".join(f"{safe(r.who)} ({r.role})" for r in share.recipients)
            print(f"{share.id}\t{what}\tshared with {people}")
    if not as_json:
        if not rows:
            print("No shares yet (phototerm share link ALBUM makes a link).")
        for item in mine:
            owner = f" by {safe(item.owner)}" if item.owner else ""
            print(f"shared with you{owner}: {safe(item.share.album or '')} ({item.role})")
    return EXIT_OK


# -- export ---------------------------------------------------------------------------------------


def run_export(args: argparse.Namespace) -> int:
    *words, dest = args.words
    if args.album is not None and words:
        raise UsageError("give a QUERY or --album NAME, not both")
    if args.album is None and not words:
        raise UsageError("give a QUERY or --album NAME, then DEST")
    query = " ".join(words)
    if args.album is None:
        from phototerm.library.query import QueryError, parse

        try:
            parse(query)
        except QueryError as exc:
            bad_query(query, exc)
    with open_library(spaces(args)) as library:
        require_readable_stores(library, ignore=args.ignore_store)
        assert library.editor is not None
        editor = library.editor
        if args.album is not None:
            album = _known(editor, args.album)
            ids = library.index.album_ids(album)
        else:
            album = None
            ids = library.index.search(query)
        # Originals: a RAW+JPEG pair or a Live Photo goes out as both of its files.
        photos = [library.index.get(i) for i in library.index.with_pairs(ids)]
        _may_download(editor, album, {p.space for p in photos})
        try:
            result = export_photos(photos, dest)
        except ExportProblem as exc:
            raise UsageError(str(exc)) from None
    for problem in result.errors:
        error(problem)
    words_out = [f"Copied {counted(len(result.copied), 'photo')} into {safe(dest)}"]
    if result.renamed:
        words_out.append(f"{result.renamed} under a new name (the name was taken)")
    if result.already:
        words_out.append(f"{counted(result.already, 'photo')} already there")
    print("; ".join(words_out))
    return EXIT_OK if not result.errors else EXIT_ERROR


def _may_download(editor: Editor, album: str | None, spaces_of: set[str]) -> None:
    """NotAllowed unless the role in every space the photos come from allows downloading,
    or the album is shared with this person as downloader or provider."""
    if album is not None:
        record = editor.albums.record(album)
        for item in shared_with(editor.identity, editor.stores):
            if (
                record is not None
                and item.share.album == record.name
                and item.role in ("downloader", "provider")
            ):
                return
    for space in sorted(spaces_of):
        refused = editor.access.why_not_download(space, "exporting originals")
        if refused:
            raise NotAllowed(refused)
