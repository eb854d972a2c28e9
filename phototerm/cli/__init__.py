"""Command line: `phototerm [--personal DIR] [--shared DIR] [SUBCOMMAND] ...`.

Sub-commands are thin callers of the library, so a script and a key run the same code. One
rule for every sub-command (see ``parsing.EXIT_STATUS``): exit 2 for bad arguments or values,
1 for refused or failed, 3 for not allowed (a role, the application privilege), and every
error line starts with ``phototerm: error: ``; no traceback ever reaches the user.
"""

from __future__ import annotations

import argparse
import functools
import logging
import os
import sys
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from phototerm.cli.parsing import (
    EXIT_DENIED,
    EXIT_ERROR,
    EXIT_OK,
    EXIT_STATUS,
    EXIT_USAGE,
    ArgumentParser,
    CommandParser,
    Failed,
    NotAllowed,
    Subcommands,
    UsageError,
    add_shared_argument,
    add_space_arguments,
    check_top_options,
)
from phototerm.library.text import safe

if TYPE_CHECKING:
    from phototerm.library import Library, Settings, SpaceSetup
    from phototerm.library.settings import KioskConfig

__all__ = [
    "EXIT_DENIED",
    "EXIT_ERROR",
    "EXIT_OK",
    "EXIT_STATUS",
    "EXIT_USAGE",
    "ArgumentParser",
    "CommandParser",
    "Failed",
    "NotAllowed",
    "Subcommands",
    "UsageError",
    "add_ignore_store_argument",
    "add_shared_argument",
    "add_space_arguments",
    "counted",
    "error",
    "main",
    "note",
    "open_library",
    "require_readable_stores",
    "settings",
    "spaces",
    "unreadable_stores",
]


def error(message: str) -> None:
    """One error line on stderr, in the one wording every command uses."""
    print(f"phototerm: error: {safe(message)}", file=sys.stderr)


def counted(count: int, word: str, plural: str | None = None) -> str:
    """Say "1 photo" or "2 photos": every count the command line prints goes through here."""
    return f"{count} {word if count == 1 else plural or word + 's'}"


def note(message: str) -> None:
    """A line on stderr that is not an error (a space that is off, a config problem)."""
    print(f"phototerm: {safe(message)}", file=sys.stderr)


@functools.cache
def settings() -> Settings:
    """config.toml, read once per command; each problem with it is said once, on stderr.
    ``main`` forgets it at every start, so a second ``main()`` in one process reads the file
    again (and reports again)."""
    from phototerm.library import load_settings

    loaded = load_settings()
    for problem in loaded.problems:
        note(problem)
    return loaded


def spaces(args: argparse.Namespace, *, quiet: bool = False, required: bool = True) -> SpaceSetup:
    """The spaces the command's --personal/--shared, the environment and config.toml give;
    why a space is off is said on stderr (unless ``quiet``). With ``required``, no space on
    at all is a usage error naming why each is off: a script must tell "no library" from
    "nothing matched"."""
    from phototerm.library import resolve

    setup = resolve(settings(), getattr(args, "personal", None), getattr(args, "shared", None))
    if required and not setup.on:
        why = "no space is on: " + "; ".join(reason for _, reason in setup.off)
        if setup.no_role:  # a space is there, but not for this user
            raise NotAllowed(why)
        raise UsageError(why)
    if not quiet:
        for _name, reason in setup.off:
            note(reason)
    return setup


def add_rescan_argument(parser: argparse.ArgumentParser) -> None:
    """--no-rescan, for the commands that only read the library."""
    parser.add_argument(
        "--no-rescan",
        action="store_true",
        help="answer from the saved index without walking the folders (may be stale)",
    )


def open_library(
    setup: SpaceSetup, *, writable: bool = False, with_stores: bool = True, rescan: bool = True
) -> Library:
    """The library of ``setup``, as every sub-command opens it (``phototerm.library``'s front
    door with this process's settings), with a progress bar on stderr when it takes long."""
    from phototerm import library
    from phototerm.cli.progress import Progress

    with Progress("Indexing") as progress:
        return library.open_library(
            settings(),
            setup,
            writable=writable,
            with_stores=with_stores,
            rescan=rescan,
            on_progress=progress.indexing,
        )


# -- stores that cannot be read -----------------------------------------------------------------


def add_ignore_store_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--ignore-store",
        action="store_true",
        help="go on when a space's store (its ratings, tags, albums) cannot be read",
    )


def unreadable_stores(library: Library, only: Collection[str] | None = None) -> list[str]:
    """One line (naming the file and why) per store, of the spaces ``only`` (default all),
    that exists but could not be read, at opening or when its rows were loaded."""
    return [
        status.message
        for name, status in library.unreadable_stores.items()
        if only is None or name in only
    ]


def require_readable_stores(library: Library, *, ignore: bool) -> None:
    """A command that reads the stores stops (exit 1) when one cannot be read: its answer
    would be wrong without saying so. ``ignore`` (--ignore-store) goes on, still saying it."""
    problems = unreadable_stores(library)
    if not problems:
        return
    if ignore:
        for problem in problems:
            note(f"{problem} (--ignore-store: going on without it)")
        return
    for problem in problems:
        error(problem)
    for name, store in library.stores.items():
        if name in library.unreadable_stores and os.path.exists(f"{store.path}-journal"):
            # A writer was killed mid-edit; SQLite finishes it for the next one that may write.
            note(
                f"{safe(store.path)}: the next edit by a user allowed to write it (the browser, "
                "or a command such as rate or tag) finishes the interrupted one"
            )
    raise Failed(
        "the ratings, tags, descriptions and albums kept there cannot be read, so the "
        "answer would be wrong; nothing was done (--ignore-store goes on without them)"
    )


HELP_WORDS = frozenset({"-h", "--help", "--version"})


def check_privilege() -> KioskConfig | None:
    """NotAllowed when the system config does not let this user use phototerm at all; the
    ``[kiosk]`` table when this user is a kiosk account (who may use the kiosk only)."""
    from phototerm.library.roles import Identity, kiosk_account, why_not_use
    from phototerm.library.settings import load_system_config

    identity, system = Identity.current(), load_system_config()
    if kiosk_account(identity, system):
        return system.kiosk
    refusal = why_not_use(identity, system)
    if refusal:
        raise NotAllowed(refusal)
    return None


# -- the parser and main -------------------------------------------------------------------------


def build_parser() -> ArgumentParser:
    from phototerm import __version__
    from phototerm.cli import (
        access_cmds,
        album_cmds,
        bench_cmd,
        browse,
        demo_cmd,
        edit_cmds,
        import_cmd,
        kiosk_cmd,
        library_cmds,
        serve_cmd,
        share_cmds,
        themes_cmd,
    )

    parser = ArgumentParser(
        prog="phototerm",
        description=(
            "A terminal photo library. Without a sub-command, opens the browser.\n"
            "--personal and --shared may come before or after the sub-command."
        ),
    )
    parser.add_argument("--version", action="version", version=f"phototerm {__version__}")
    browse.add_browse_arguments(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=CommandParser)
    for module in (
        library_cmds,
        album_cmds,
        edit_cmds,
        import_cmd,
        share_cmds,
        serve_cmd,
        access_cmds,
        kiosk_cmd,
        demo_cmd,
        bench_cmd,
        themes_cmd,
    ):
        module.register(sub)
    parser.set_defaults(handler=browse.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # exifread and PIL log warnings about odd files; they are recorded per file instead.
    logging.getLogger("exifread").setLevel(logging.CRITICAL)
    logging.getLogger("PIL").setLevel(logging.CRITICAL)
    settings.cache_clear()
    parser = build_parser()
    words = list(sys.argv[1:] if argv is None else argv)
    try:
        if not HELP_WORDS & set(words[: words.index("--")] if "--" in words else words):
            kiosk = check_privilege()  # --help and --version answer everyone
            if kiosk is not None:  # a kiosk account gets the kiosk, whatever it asked for
                from phototerm.cli import kiosk_cmd

                return kiosk_cmd.run_for_account(words, kiosk)
        args = parser.parse_args(words)
        check_top_options(args)
        return int(args.handler(args) or 0)
    except UsageError as exc:
        error(str(exc))
        for line in exc.details:
            print(line, file=sys.stderr)
        return EXIT_USAGE
    except Failed as exc:
        error(str(exc))
        return EXIT_ERROR
    except NotAllowed as exc:
        error(str(exc))
        return EXIT_DENIED
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `phototerm ls | head`
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
